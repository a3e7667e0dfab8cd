"""Crawling the demo site for real, over HTTP on loopback, into the real Neo4j."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from crawler.archive import EvidenceArchive
from crawler.demosite.app import create_app
from crawler.demosite.corpus import generate
from crawler.demosite.server import serve_in_thread
from graph import localdb

from helpers import ADGRAPH, REPO, scalar

ADS = 120


@pytest.fixture
def site(tmp_path):
    """A fresh demo site (cycle 0) and a site file pointing at it."""
    app = create_app(generate(ads=ADS, seed=3))
    server, base_url = serve_in_thread(app)
    data = yaml.safe_load((REPO / "crawler" / "sites" / "demo.yaml").read_text())
    data["base_url"] = base_url
    data["faces"] = False  # faces cost seconds a crawl; test_faces_link_ads_that_share_nothing_else turns them on
    path = tmp_path / "demo.yaml"
    path.write_text(yaml.safe_dump(data))
    yield Site(path, base_url, tmp_path / "data")
    server.shutdown()


class Site:
    def __init__(self, path: Path, base_url: str, data_dir: Path):
        self.path, self.base_url, self.data_dir = path, base_url, data_dir

    def get(self, route: str):
        with urllib.request.urlopen(self.base_url + route) as response:
            return json.loads(response.read())

    def advance(self) -> int:
        request = urllib.request.Request(self.base_url + "/_admin/advance", method="POST", data=b"")
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read())["cycle"]

    def truth(self) -> dict:
        return self.get("/_admin/truth.json")

    def edit(self, **changes) -> None:
        data = yaml.safe_load(self.path.read_text())
        for dotted, value in changes.items():
            node = data
            *parents, last = dotted.split("__")
            for key in parents:
                node = node.setdefault(key, {})
            node[last] = value
        self.path.write_text(yaml.safe_dump(data))

    def crawl(self, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([ADGRAPH, "crawl", str(self.path), *args], capture_output=True, text=True, timeout=600,
                              env={**os.environ, "ADGRAPH_DATA_DIR": str(self.data_dir), **(env or {})})


def _live(truth: dict, cycle: int) -> set[str]:
    return {ad_id for ad_id, ad in _ads(truth).items()
            if ad["appears"] <= cycle and (ad["removed"] is None or ad["removed"] > cycle)}


def _ads(truth: dict) -> dict:
    ads = truth["ads"]
    return ads if isinstance(ads, dict) else {str(ad["id"]): ad for ad in ads}


def _graph_ads(driver) -> set[str]:
    return {r["id"] for r in driver.execute_query("MATCH (a:Ad {site: 'demo'}) RETURN a.site_ad_id AS id").records}


def test_one_cycle_puts_every_live_ad_its_phones_pages_and_images_in_the_graph(site, graph):
    run = site.crawl()
    assert run.returncode == 0, run.stderr
    truth = site.truth()
    live = _live(truth, 0)
    assert _graph_ads(graph) == live
    assert "ads new" in run.stderr and f"new {len(live)}" in run.stderr

    # Phones, however disguised, link ads as the hidden truth says (fictional numbers only).
    found = {(r["id"], r["phone"]) for r in graph.execute_query(
        "MATCH (a:Ad {site: 'demo'})-[:HAS_PHONE]->(p:Phone) RETURN a.site_ad_id AS id, p.e164 AS phone").records}
    expected = {(ad_id, phone) for ad_id in live for phone in _ads(truth)[ad_id]["phones"]}
    assert expected, "the demo corpus has phones"
    assert len(found & expected) / len(expected) >= 0.95
    assert all(phone.startswith("+1") and phone[5:9] == "5550" for _, phone in found)

    # Networks: the ads of each hidden network share one network id, and no two networks share one,
    # except those showing the one real face: its copies are near-duplicate images that join them,
    # unless they are judged common (a picture alone over several networks, on some of their ads,
    # goes as a stock photo does).
    nets = {r["id"]: r["net"] for r in graph.execute_query(
        "MATCH (a:Ad {site: 'demo'}) RETURN a.site_ad_id AS id, a.network_id AS net").records}
    portrait = {ad["network"] for ad in _ads(truth).values() if ad["face"]}
    portrait_common = scalar(graph, """MATCH (a:Ad {site: 'demo'})-[:HAS_IMAGE]->(i:Image {common: true})
                                       WHERE a.site_ad_id IN $ids RETURN count(i)""",
                             ids=sorted(a for a in live if _ads(truth)[a]["face"])) > 0
    by_truth: dict[int, set] = {}
    for ad_id in live:
        network = _ads(truth)[ad_id]["network"]
        by_truth.setdefault(-1 if network in portrait and not portrait_common else network, set()).add(nets[ad_id])
    assert all(len(ids) == 1 for ids in by_truth.values())
    assert len({next(iter(ids)) for ids in by_truth.values()}) == len(by_truth)

    # Emails and social handles link ads too.
    for kind, query in (("emails", "MATCH (a:Ad {site: 'demo'})-[:HAS_EMAIL]->(x) RETURN a.site_ad_id AS id, x.address AS v"),
                        ("handles", "MATCH (a:Ad {site: 'demo'})-[:HAS_HANDLE]->(x) RETURN a.site_ad_id AS id, x.handle_id AS v")):
        found = {(r["id"], r["v"]) for r in graph.execute_query(query).records}
        expected = {(ad_id, v) for ad_id in live for v in _ads(truth)[ad_id][kind]}
        assert expected and len(found & expected) / len(expected) >= 0.95, kind

    # Every version points at its raw page in the archive, whose bytes still hash to it.
    archive = EvidenceArchive(site.data_dir / "evidence")
    versions = graph.execute_query("MATCH (:Ad {site: 'demo'})-[:HAS_VERSION]->(v) RETURN v.raw_sha256 AS sha, "
                                   "v.url AS url").records
    assert len(versions) == len(live)
    for version in versions[:20]:
        page = archive.read_page(version["sha"])
        assert page.status == 200 and page.url == version["url"] and b'class="ad"' in page.body

    # Images: stored once by SHA-256, unchanged, with a perceptual hash; near-duplicates linked.
    images = graph.execute_query("MATCH (i:Image) RETURN i.sha256 AS sha, i.path AS path, i.phash AS phash").records
    assert images
    for image in images:
        data = (site.data_dir / image["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == image["sha"] and len(image["phash"]) == 16
    assert scalar(graph, "MATCH (:Image)-[r:NEAR_DUPLICATE]->(:Image) RETURN count(r)") > 0

    # Bad image files are skipped with the reason, and their ads are crawled all the same.
    bad = {name for name, image in truth["images"].items() if image["kind"].startswith("bad")}
    with_bad = {ad_id for ad_id in live if bad & set(_ads(truth)[ad_id]["images"])}
    assert bad and with_bad <= _graph_ads(graph)
    linked = {url.rsplit("/", 1)[1] for url in scalar(graph, "MATCH ()-[h:HAS_IMAGE]->() RETURN collect(h.url)")}
    assert not bad & linked
    assert "image skipped" in run.stderr


def test_next_cycle_keeps_edits_as_versions_and_removed_ads_with_removed_at(site, graph):
    assert site.crawl().returncode == 0
    site.advance()
    second = site.crawl()
    assert second.returncode == 0, second.stderr
    truth = site.truth()
    ads = _ads(truth)
    live_now = _live(truth, 1)
    removed = {ad_id for ad_id, ad in ads.items() if ad["removed"] == 1 and ad["appears"] == 0}
    edited = {ad_id for ad_id, ad in ads.items() if 1 in ad.get("edits", []) and ad["appears"] == 0} - removed
    assert removed and edited, "the demo corpus removes and edits ads in cycle 1"
    rows = {r["id"]: r for r in graph.execute_query(
        "MATCH (a:Ad {site: 'demo'}) RETURN a.site_ad_id AS id, a.removed_at IS NOT NULL AS removed, "
        "COUNT { (a)-[:HAS_VERSION]->() } AS versions").records}
    assert set(rows) == live_now | removed  # nothing is deleted
    assert {i for i, r in rows.items() if r["removed"]} == removed
    assert all(rows[i]["versions"] == 2 for i in edited)
    assert all(rows[i]["versions"] == 1 for i in live_now - edited)
    assert "changed" in second.stderr


def test_absent_from_complete_listings_for_n_cycles_means_removed(site, graph):
    site.edit(removal__recheck_unlisted=False, removal__missing_cycles=2)
    assert site.crawl().returncode == 0
    site.advance()
    assert site.crawl().returncode == 0
    truth = site.truth()
    gone = {ad_id for ad_id, ad in _ads(truth).items() if ad["removed"] == 1 and ad["appears"] == 0}
    assert gone
    removed = "MATCH (a:Ad {site: 'demo'}) WHERE a.removed_at IS NOT NULL RETURN collect(a.site_ad_id)"
    assert scalar(graph, removed) == []  # missing once is not yet gone
    assert site.crawl().returncode == 0
    assert set(scalar(graph, removed)) == gone


def test_private_address_is_refused_unless_the_site_file_allows_it(site, graph):
    site.edit(allow_private_addresses=False)
    run = site.crawl()
    assert "non-public address (127.0.0.1)" in run.stderr
    assert scalar(graph, "MATCH (a:Ad) RETURN count(a)") == 0


def test_bad_site_file_is_refused_before_anything_starts(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nstart_urls: [http://127.0.0.1/]\nlisting: {}\nad: {id_from_url: 'x(\\d+)', fields: {}}\n")
    run = subprocess.run([ADGRAPH, "crawl", str(bad)], capture_output=True, text=True)
    assert run.returncode == 1
    assert "listing: 'ad_links' is a required property" in run.stderr


def test_database_stopped_mid_crawl_loses_nothing(site, graph, neo4j_settings):
    site.edit(limits__concurrency=2, limits__delay=0.02)  # slow enough to stop Neo4j in the middle
    env = {**os.environ, "ADGRAPH_DATA_DIR": str(site.data_dir), "ADGRAPH_CRAWL_FLUSH_TIMEOUT": "2"}
    crawl = subprocess.Popen([ADGRAPH, "crawl", str(site.path)], env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while scalar(graph, "MATCH (a:Ad) RETURN count(a)") == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    localdb.stop(neo4j_settings, echo=lambda m: None)
    try:
        _, stderr = crawl.communicate(timeout=300)
        assert "observations wait in" in stderr
    finally:
        localdb.start(neo4j_settings, echo=lambda m: None)
    spool = list((site.data_dir / "crawl" / "demo" / "spool").glob("*.jsonl"))
    assert spool, "what could not be written was kept"
    again = site.crawl()
    assert again.returncode == 0, again.stderr  # the next cycle replays the spool first, in order
    assert "graph write failed" not in again.stderr, again.stderr
    truth = site.truth()
    assert _graph_ads(graph) == _live(truth, 0)
    assert scalar(graph, "MATCH (:Ad {site: 'demo'})-[:HAS_VERSION]->(v) RETURN count(v)") == len(_live(truth, 0))
    assert not list((site.data_dir / "crawl" / "demo" / "spool").glob("*.jsonl"))


def test_sigterm_finishes_the_cycle_cleanly_and_the_next_run_resumes(site, graph):
    import signal

    site.edit(limits__concurrency=1, limits__delay=0.1)  # about 10 pages a second: time to stop it midway
    env = {**os.environ, "ADGRAPH_DATA_DIR": str(site.data_dir)}
    crawl = subprocess.Popen([ADGRAPH, "crawl", str(site.path), "--every", "60"], env=env,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while scalar(graph, "MATCH (a:Ad) RETURN count(a)") < 5 and time.monotonic() < deadline:
        time.sleep(0.1)
    crawl.send_signal(signal.SIGTERM)
    _, stderr = crawl.communicate(timeout=120)
    assert crawl.returncode == 0, stderr
    assert "next cycle" not in stderr  # stopped, not waiting for the next cycle
    written = _graph_ads(graph)
    assert 5 <= len(written) < len(_live(site.truth(), 0))  # stopped midway ...
    assert not list((site.data_dir / "crawl" / "demo" / "spool").glob("*.jsonl"))  # ... with everything read written
    assert (site.data_dir / "crawl" / "demo" / "job").is_dir()  # and its pending requests kept
    site.edit(limits__concurrency=8, limits__delay=0)
    again = site.crawl()
    assert again.returncode == 0, again.stderr
    assert _graph_ads(graph) == _live(site.truth(), 0)
    assert not (site.data_dir / "crawl" / "demo" / "job").exists()


def test_max_pages_limits_the_listing_and_proves_no_absence(site, graph):
    site.edit(removal__recheck_unlisted=False, removal__missing_cycles=1)
    assert site.crawl().returncode == 0
    everything = _graph_ads(graph)
    run = site.crawl("--max-pages", "1")
    assert run.returncode == 0, run.stderr
    assert "ads new 0, changed 0, unchanged 20," in run.stderr  # one listing page: 20 ads
    assert "listing was not complete" in run.stderr
    # Ads beyond page 1 were not seen, but an incomplete listing proves nothing: none is removed.
    assert scalar(graph, "MATCH (a:Ad) WHERE a.removed_at IS NOT NULL RETURN count(a)") == 0
    assert _graph_ads(graph) == everything


def test_faces_link_ads_that_share_nothing_else(site, graph):
    site.edit(faces=True)
    run = site.crawl()
    assert run.returncode == 0, run.stderr
    truth = site.truth()
    live = _live(truth, 0)
    with_face = {ad_id for ad_id in live if _ads(truth)[ad_id]["face"]}
    found = {r["id"] for r in graph.execute_query(
        "MATCH (a:Ad {site: 'demo'})-[:HAS_IMAGE]->(:Image)-[:HAS_FACE]->(:Face) RETURN DISTINCT a.site_ad_id AS id").records}
    assert with_face and found == with_face  # the portrait is found, and no face in the abstract pictures
    # Ads of different networks (different phones) are joined through SAME_FACE.
    linked = graph.execute_query("""
        MATCH (a:Ad)-[:HAS_IMAGE]->(:Image)-[:HAS_FACE]->(:Face)-[s:SAME_FACE]-(:Face)<-[:HAS_FACE]-(:Image)<-[:HAS_IMAGE]-(b:Ad)
        WHERE a.site_ad_id < b.site_ad_id AND NOT EXISTS { (a)-[:HAS_PHONE]->(:Phone)<-[:HAS_PHONE]-(b) }
        RETURN count(*) AS pairs, min(s.similarity) AS weakest""").records[0]
    assert linked["pairs"] > 0 and linked["weakest"] >= 0.92
    thumbnails = list((site.data_dir / "faces").rglob("*.jpg"))
    assert len(thumbnails) == scalar(graph, "MATCH (f:Face) RETURN count(f)")
    assert "faces " in run.stderr

    # FaceSearch: the portrait itself (as scikit-image ships it) finds the ads that show it.
    from PIL import Image
    from skimage.data import astronaut

    photo = site.data_dir.parent / "astronaut.png"
    Image.fromarray(astronaut()).save(photo)
    env = {**os.environ, "ADGRAPH_DATA_DIR": str(site.data_dir)}
    several = subprocess.run([ADGRAPH, "faces", "search", str(photo)], capture_output=True, text=True, env=env)
    assert several.returncode == 1 and "choose one by its number" in several.stderr
    found = subprocess.run([ADGRAPH, "faces", "search", str(photo), "--face", "1", "--top", "50", "--json"],
                           capture_output=True, text=True, env=env)
    assert found.returncode == 0, found.stderr
    results = [json.loads(line) for line in found.stdout.splitlines()]
    leads = {ad["site_ad_id"] for r in results if r["above_threshold"] for ad in r["ads"]}
    assert leads == with_face
    assert len({ad["network_id"] for r in results if r["above_threshold"] for ad in r["ads"]}) == 1
    assert all(r["threshold"] == 0.92 and -1 <= r["similarity"] <= 1 for r in results)
    blank = site.data_dir.parent / "blank.png"
    Image.new("RGB", (400, 300), "white").save(blank)
    none = subprocess.run([ADGRAPH, "faces", "search", str(blank)], capture_output=True, text=True, env=env)
    assert none.returncode == 1 and "no face was found" in none.stderr
    # The crawl recorded every image it looked at: no backlog is left for `faces index`.
    backlog = subprocess.run([ADGRAPH, "faces", "index"], capture_output=True, text=True, env=env)
    assert backlog.returncode == 0 and "every stored image has been looked at" in backlog.stderr


def test_faces_index_works_through_a_backlog_and_resumes(site, graph):
    assert site.crawl().returncode == 0  # faces off: images stored, no face looked for
    assert scalar(graph, "MATCH (f:Face) RETURN count(f)") == 0
    env = {**os.environ, "ADGRAPH_DATA_DIR": str(site.data_dir)}
    run = subprocess.run([ADGRAPH, "faces", "index", "--batch", "16"], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    truth = site.truth()
    with_face = {ad_id for ad_id in _live(truth, 0) if _ads(truth)[ad_id]["face"]}
    found = {r["id"] for r in graph.execute_query(
        "MATCH (a:Ad)-[:HAS_IMAGE]->(:Image)-[:HAS_FACE]->(:Face) RETURN DISTINCT a.site_ad_id AS id").records}
    assert found == with_face
    assert scalar(graph, "MATCH ()-[s:SAME_FACE]->() RETURN count(s)") > 0
    assert "faces found" in run.stderr and "100%" in run.stderr  # the progress bar ran to the end
    networks_with_face = {r["net"] for r in graph.execute_query(
        "MATCH (a:Ad) WHERE a.site_ad_id IN $ids RETURN DISTINCT a.network_id AS net", ids=sorted(with_face)).records}
    # The face joins the ads that show it into one network, unless it is judged common (alone over
    # several networks, on some of their ads: as a stock photo goes); then each keeps its own.
    face_common = scalar(graph, "MATCH (f:Face {common: true}) RETURN count(f)") > 0
    networks_of_face = {_ads(truth)[a]["network"] for a in with_face}
    assert len(networks_with_face) == (len(networks_of_face) if face_common else 1)
    again = subprocess.run([ADGRAPH, "faces", "index"], capture_output=True, text=True, env=env)
    assert again.returncode == 0 and "every stored image has been looked at" in again.stderr


def test_watches_run_after_each_cycle_and_alert_on_what_it_brought(site, graph):
    from graph import stored_queries, watches

    db = watches.connect(site.data_dir)
    watches.add(db, graph, stored_queries.get("hubs"), {"min_ads": 2}, "ana")  # the empty graph: no rows yet
    run = site.crawl()
    assert run.returncode == 0, run.stderr
    [alert] = watches.alerts(db)
    assert alert["count"] > 0 and alert["query"] == "hubs"
    assert f"watch {alert['watch']!r}: {alert['count']} new result" in run.stderr
