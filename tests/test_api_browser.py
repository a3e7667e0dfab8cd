"""The web app in a real browser: Debian's Chromium driven by Playwright against `adgraph serve` on
loopback, over the demo site crawled twice into the real Neo4j. Every request each page makes is
recorded, and a test fails if one leaves 127.0.0.1 (investigators work on closed networks).

The tests run in file order and share one server; the last one tampers with the audit log."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from crawler.demosite.app import create_app as create_demosite
from crawler.demosite.corpus import generate
from crawler.demosite.server import serve_in_thread

from helpers import ADGRAPH, PASSWORD, REPO, free_port, scalar

@pytest.fixture(scope="module")
def demo(driver, tmp_path_factory):
    """The demo site (120 ads) crawled, moved on a cycle, and crawled again: new, edited and removed ads."""
    with driver.session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    server, base_url = serve_in_thread(create_demosite(generate(ads=120, seed=3)))
    site = yaml.safe_load((REPO / "crawler" / "sites" / "demo.yaml").read_text())
    site.update(base_url=base_url, faces=False)  # faces cost seconds; the face tests cover them
    path = tmp_path_factory.mktemp("site") / "demo.yaml"
    path.write_text(yaml.safe_dump(site))
    try:
        for cycle in range(2):
            if cycle:
                urllib.request.urlopen(urllib.request.Request(base_url + "/_admin/advance", method="POST", data=b""))
            run = subprocess.run([ADGRAPH, "crawl", str(path)], capture_output=True, text=True, timeout=600)
            assert run.returncode == 0, run.stderr
    finally:
        server.shutdown()
    return driver


@pytest.fixture(scope="module")
def app_url(demo):
    """`adgraph serve` on a free loopback port, with an analyst and an auditor."""
    for name, role in (("ana", "analyst"), ("aud", "auditor")):
        added = subprocess.run([ADGRAPH, "user", "add", name, "--role", role, "--password-stdin"],
                               input=PASSWORD + "\n", capture_output=True, text=True)
        assert added.returncode == 0 or "exists" in added.stderr, added.stderr
    port = free_port()
    server = subprocess.Popen([ADGRAPH, "serve", "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(url + "/login", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        server.kill()
        with server.stdout:
            pytest.fail(f"adgraph serve did not start: {server.stdout.read()}")
    yield url
    server.terminate()
    server.wait(timeout=10)
    server.stdout.close()


class Recorder:
    """What a page did: every request, dialogs (alert() from injected script), page errors."""

    def __init__(self, page):
        self.requests, self.dialogs, self.errors = [], [], []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", lambda msg: msg.type == "error" and "Content Security Policy" in msg.text
                and self.errors.append(msg.text))

    def offsite(self) -> list[str]:
        return [url for url in self.requests if urlsplit(url).hostname != "127.0.0.1"]


@pytest.fixture
def browser_page(chromium, app_url):
    context = chromium.new_context(base_url=app_url)
    page = context.new_page()
    page.set_default_timeout(20_000)
    recorder = Recorder(page)
    yield page, recorder
    context.close()
    assert recorder.requests, "the page made no request at all"
    assert recorder.offsite() == [], "requests left 127.0.0.1"
    assert recorder.dialogs == [] and recorder.errors == []


def log_in(page, name="ana"):
    page.goto("/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))


def wait_for_picture(page) -> dict:
    view = page.locator("#network-view")
    view.wait_for(state="attached")
    page.wait_for_selector("#network-view[data-state=ready]", timeout=30_000)
    return {"nodes": int(view.get_attribute("data-nodes")), "edges": int(view.get_attribute("data-edges"))}


def node_on_screen(page, node_id: str) -> dict:
    """Where a node of the picture is drawn, in page coordinates: moved clear of the others first
    (a dense picture can draw two nodes on one spot, and the pointer takes the top one), zoomed in
    on, and scrolled into view."""
    page.locator("#network-canvas").scroll_into_view_if_needed()
    return page.evaluate("""id => {
        const a = window.adgraphNetwork, all = Object.values(a.network.getPositions());
        const left = Math.min(...all.map(p => p.x)), top = Math.min(...all.map(p => p.y));
        a.network.moveNode(id, left - 300, top - 300);
        a.network.focus(id, {scale: 2, animation: false});
        a.network.redraw();  // hit-testing uses the bounds of the last drawing
        const at = a.network.canvasToDOM(a.network.getPositions([id])[id]);
        const box = document.getElementById('network-canvas').getBoundingClientRect();
        return {x: at.x + box.left, y: at.y + box.top};
    }""", node_id)


def network_size(driver, network_id: str) -> int:
    """Nodes the picture must show, counted independently: the ads, what they carry, faces on their images."""
    return scalar(driver, """
        MATCH (a:Ad {network_id: $id})
        OPTIONAL MATCH (a)-[:HAS_PHONE|HAS_EMAIL|HAS_HANDLE|HAS_IMAGE|IN_LOCATION]->(x)
        OPTIONAL MATCH (x:Image)-[:HAS_FACE]->(f)
        RETURN count(DISTINCT a) + count(DISTINCT x) + count(DISTINCT f)""", id=network_id)


def test_an_investigator_follows_a_phone_to_its_network_and_explores_it(browser_page, demo):
    page, recorder = browser_page
    # A phone on several ads, searched for in a format none of its ads used.
    row = demo.execute_query("""
        MATCH (p:Phone)<-[h:HAS_PHONE]-(a:Ad) WITH p, collect(h.raw) AS raws, collect(a) AS ads
        WHERE size(ads) >= 2 RETURN p.e164 AS e164, raws, [a IN ads | a.site_ad_id] AS ids
        ORDER BY size(ads) DESC, e164 LIMIT 1""").records[0]
    e164 = row["e164"]
    typed = f"+1 {e164[2:5]}.{e164[5:8]}.{e164[8:]}"
    assert all(typed not in raw for raw in row["raws"])

    log_in(page)
    page.fill("header input[name=q]", typed)
    page.press("header input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"/search\?"))
    assert e164 in page.locator("main").inner_text()  # read as the phone, normalised
    results = page.locator("main tbody tr")
    assert results.count() == len(row["ids"])
    assert {results.nth(i).locator("td").nth(1).inner_text() for i in range(results.count())} == set(row["ids"])

    # Its network, from the first result.
    results.first.locator("td").nth(2).locator("a").click()
    page.wait_for_url(re.compile(r"/networks/"))
    network_id = page.url.rsplit("/", 1)[1]
    drawn = wait_for_picture(page)
    assert drawn["nodes"] == network_size(demo, network_id)

    # Expand a place: its ads from other networks join the picture.
    place = demo.execute_query("""
        MATCH (:Ad {network_id: $id})-[:IN_LOCATION]->(l:Location)<-[:IN_LOCATION]-(b:Ad)
        WHERE b.network_id <> $id
        WITH l, count(DISTINCT b) AS outside WHERE outside <= 100
        RETURN l.location_id AS key, outside ORDER BY outside DESC, key LIMIT 1""", id=network_id).records[0]
    at = node_on_screen(page, f"Location:{place['key']}")
    page.mouse.click(at["x"], at["y"])
    page.wait_for_function("n => +document.getElementById('network-view').dataset.nodes > n", arg=drawn["nodes"])
    assert int(page.locator("#network-view").get_attribute("data-nodes")) == drawn["nodes"] + place["outside"]
    assert "Expanded" in page.locator("#network-status").inner_text()

    # An ad with versions, opened from the picture's side panel.
    edited = demo.execute_query("""
        MATCH (a:Ad {network_id: $id}) WHERE COUNT { (a)-[:HAS_VERSION]->() } >= 2
        RETURN a.site + '/' + a.site_ad_id AS key LIMIT 1""", id=network_id).records
    key = edited[0]["key"] if edited else demo.execute_query(
        "MATCH (a:Ad {network_id: $id}) RETURN a.site + '/' + a.site_ad_id AS key LIMIT 1", id=network_id
    ).records[0]["key"]
    at = node_on_screen(page, f"Ad:{key}")
    page.wait_for_timeout(800)  # zoomed in, the ad sits where the place was: two quick clicks are a double-click
    page.mouse.click(at["x"], at["y"])
    page.locator("#network-selected a.network-open").wait_for()
    assert page.url.endswith(f"/networks/{network_id}")
    page.click("#network-selected a.network-open")
    page.wait_for_url(re.compile(r"/ads/"))
    versions = scalar(demo, "MATCH (a:Ad {site: $site, site_ad_id: $id})-[:HAS_VERSION]->(v) RETURN count(v)",
                      site=key.split("/")[0], id=key.split("/", 1)[1])
    assert page.locator("section.version").count() == versions
    assert f"Versions ({versions})" in page.locator("main").inner_text()


def test_hostile_ad_text_runs_nothing_in_ad_pages_or_tooltips(browser_page, demo):
    page, recorder = browser_page
    hostile = demo.execute_query("""
        MATCH (a:Ad)-[:HAS_VERSION]->(v) WHERE v.title CONTAINS '<script>' OR v.body CONTAINS 'onerror'
        RETURN DISTINCT a.site AS site, a.site_ad_id AS id, a.network_id AS network, v.title AS title, v.body AS body
        ORDER BY id""").records
    assert {"<script>" in r["title"] for r in hostile} == {True, False}, "the demo site has both kinds"
    log_in(page)
    for ad in hostile:
        page.goto(f"/ads/{ad['site']}/{ad['id']}")
        text = page.locator("main").inner_text()
        # Its own hostile text is shown, as text: the title's script tag, or the body's image tag.
        shown = "<script>alert(1)</script>" if "<script>" in ad["title"] else "<img src=x onerror=alert(1)>"
        assert shown in text
        assert page.locator("main script, main img[src=x], main svg").count() == 0

    # The tooltip of a hostile ad in its network's picture.
    ad = next(r for r in hostile if "onerror" in (r["body"] or ""))
    page.goto(f"/networks/{ad['network']}?view=full")
    wait_for_picture(page)
    at = node_on_screen(page, f"Ad:{ad['site']}/{ad['id']}")
    page.mouse.move(at["x"], at["y"])
    tip = page.locator(".vis-tooltip")
    tip.wait_for(state="visible")
    assert f"{ad['site']}/{ad['id']}" in tip.inner_text()  # the hostile ad's own tooltip
    assert "<img src=x onerror=alert(1)>" in tip.inner_text()
    assert tip.locator("img, script, svg").count() == 0
    page.wait_for_timeout(300)  # time for anything injected to run (it must not)
    assert recorder.dialogs == []


def test_without_login_nothing_is_served(chromium, app_url, demo):
    network_id = scalar(demo, "MATCH (a:Ad) RETURN a.network_id LIMIT 1")
    context = chromium.new_context(base_url=app_url)
    try:
        for path in ("/", "/search?q=massage", f"/networks/{network_id}", "/audit", "/identifiers/hubs", "/faces",
                     "/assets/viz/network.js", "/assets/vis/vis-network.min.js"):
            page = context.new_page()
            page.goto(path)
            assert urlsplit(page.url).path == "/login", path
            assert "Log in" in page.content() and network_id not in page.content()
            page.close()
        for path in ("/api/search?q=massage", f"/api/networks/{network_id}", f"/api/networks/{network_id}/picture",
                     "/api/nodes/expand?node=Location:geonames:4699066", "/api/identifiers/hubs"):
            response = context.request.get(path, max_redirects=0)
            assert response.status == 401 and response.json()["error"] == "log in first", path
        response = context.request.post("/api/faces/search", multipart={"photo": {"name": "a.png", "mimeType": "image/png",
                                                                                   "buffer": b"\x89PNG"}})
        assert response.status == 401
    finally:
        context.close()


def test_posts_without_the_csrf_token_are_refused(browser_page):
    page, recorder = browser_page
    log_in(page)
    # From the logged-in browser's own session: the cookie goes along, the token does not.
    attempts = {
        "/api/identifiers/phone/ignore": {"data": {"key": "+12025550111", "ignored": True, "reason": "test"}},
        "/api/identifiers/phone/confirm": {"data": {"key": "+12025550111", "confirmed": True, "reason": "test"}},
        "/identifiers/mark": {"form": {"kind": "phone", "key": "+12025550111", "action": "ignore", "reason": "t"}},
        "/api/faces/search": {"multipart": {"photo": {"name": "a.png", "mimeType": "image/png", "buffer": b"\x89PNG"}}},
        "/logout": {"form": {}},
        "/queries": {"form": {"name": "x", "title": "x", "description": "x", "cypher": "RETURN 1 AS one"}},
        "/api/queries": {"data": {"name": "x", "title": "x", "description": "x", "cypher": "RETURN 1 AS one"}},
        "/watches": {"form": {"query": "hubs"}},
        "/api/watches": {"data": {"query": "hubs"}},
        "/watches/1/remove": {"form": {}},
        "/exports/nodes": {"form": {"ref": "Phone:+12025550111", "case": "c"}},
        "/networks/n0/export": {"form": {"case": "c"}},
        "/queries/hubs/export": {"form": {"case": "c"}},
    }
    for path, body in attempts.items():
        response = page.request.post(path, **body)
        assert response.status == 400 and "CSRF" in response.text(), path
    status = page.evaluate("""() => fetch('/api/identifiers/phone/ignore', {method: 'POST',
        headers: {'Content-Type': 'application/json'}, body: '{"key": "+12025550111", "ignored": true}'})
        .then(r => r.status)""")
    assert status == 400
    page.goto("/")
    assert page.locator("header").inner_text().startswith("adgraph")  # still logged in: nothing was done


def test_pattern_queries_run_save_and_refuse_writes_from_their_pages(browser_page, demo):
    page, recorder = browser_page
    log_in(page)
    # A shipped pattern, with a parameter typed into its form.
    page.goto("/queries/hubs")
    page.fill("input[name=min_ads]", "2")
    page.click("form.run-query button[type=submit]")
    page.wait_for_url(re.compile(r"run=1"))
    expected = scalar(demo, """MATCH (x)<-[:HAS_PHONE|HAS_EMAIL|HAS_HANDLE|HAS_IMAGE]-(a:Ad)
                               WITH x, count(a) AS ads WHERE ads > 2 RETURN count(x)""")
    assert page.locator("table.results tbody tr").count() == expected > 0
    wait_for_picture(page)

    # A query of one's own: saved, then run with its parameter.
    phone = scalar(demo, "MATCH (p:Phone)<-[:HAS_PHONE]-(a:Ad) WITH p, count(a) AS n ORDER BY n DESC, p.e164 "
                         "RETURN p.e164 LIMIT 1")
    page.goto("/queries")
    page.fill("input[name=name]", "ads_of_a_phone")
    page.fill("input[name=title]", "Ads of a phone")
    page.fill("textarea[name=description]", "Every ad showing one number.")
    page.fill("textarea[name=cypher]", "MATCH (p:Phone {e164: $phone})<-[:HAS_PHONE]-(a:Ad) "
                                       "RETURN a.site AS site, a.site_ad_id AS site_ad_id, p.e164 AS phone")
    page.fill("textarea[name=parameters]", '{"phone": {"type": "string", "required": true, "description": "E.164"}}')
    page.click("form.save-query button[type=submit]")
    page.wait_for_url(re.compile(r"/queries/ads_of_a_phone$"))
    page.fill("input[name=phone]", phone)
    page.click("form.run-query button[type=submit]")
    page.wait_for_url(re.compile(r"run=1"))
    ads = scalar(demo, "MATCH (:Phone {e164: $p})<-[:HAS_PHONE]-(a:Ad) RETURN count(a)", p=phone)
    assert page.locator("table.results tbody tr").count() == ads

    # One that would write is refused, and nothing is written.
    page.goto("/queries")
    page.fill("input[name=name]", "rename_everything")
    page.fill("input[name=title]", "Rename")
    page.fill("textarea[name=description]", "Tries to write.")
    page.fill("textarea[name=cypher]", "MATCH (a:Ad) SET a.title = 'x' RETURN count(a) AS n")
    page.click("form.save-query button[type=submit]")
    assert "saved queries only read" in page.locator("[role=alert]").inner_text()
    assert scalar(demo, "MATCH (a:Ad {title: 'x'}) RETURN count(a)") == 0


def export_and_verify(page, form: str, path: Path) -> Path:
    """Submit an export form with a case, save the download, and check it with `adgraph verify`."""
    page.fill(f"{form} input[name=case]", "Case 2026-041")
    with page.expect_download() as download:
        page.click(f"{form} button[type=submit]")
    download.value.save_as(path)
    checked = subprocess.run([ADGRAPH, "verify", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    return path


def test_a_network_is_exported_from_its_page_and_the_package_verifies(browser_page, demo, tmp_path):
    import zipfile

    page, recorder = browser_page
    network_id = scalar(demo, "MATCH (a:Ad) WITH a.network_id AS n, count(*) AS ads ORDER BY ads DESC, n "
                              "RETURN n LIMIT 1")
    log_in(page)
    page.goto(f"/networks/{network_id}")
    package = export_and_verify(page, "form.export", tmp_path / "package.zip")

    # Two ads picked in the picture, exported with the chain of evidence between them.
    picked = [r["key"] for r in demo.execute_query(
        "MATCH (a:Ad {network_id: $id}) RETURN 'Ad:' + a.site + '/' + a.site_ad_id AS key ORDER BY key LIMIT 2",
        id=network_id).records]
    page.goto(f"/networks/{network_id}?view=full")
    wait_for_picture(page)
    for node_id in picked:
        at = node_on_screen(page, node_id)
        page.wait_for_timeout(800)  # not a double-click
        page.mouse.click(at["x"], at["y"])
        page.click("#network-selected button.network-pick")
    assert page.locator("#basket-count").inner_text() == "2"
    chosen = export_and_verify(page, "#export-basket", tmp_path / "picked.zip")
    with zipfile.ZipFile(chosen) as picked_package:
        assert json.loads(picked_package.read("graph.json"))["description"]["refs"] == sorted(picked)

    # One byte of one file changed, in a copy: verify names that file.
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(tampered, "w") as copy:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "nodes.csv":
                data = data[:-2] + bytes([data[-2] ^ 1]) + data[-1:]
            copy.writestr(item, data)
    checked = subprocess.run([ADGRAPH, "verify", str(tampered)], capture_output=True, text=True)
    assert checked.returncode == 1 and "nodes.csv" in checked.stdout + checked.stderr


def test_the_audit_chain_verifies_and_shows_one_altered_entry(browser_page, app_url):
    page, recorder = browser_page
    log_in(page, "aud")
    page.goto("/audit")
    assert "The chain verifies" in page.locator("main").inner_text()
    verify = subprocess.run([ADGRAPH, "audit", "verify"], capture_output=True, text=True)
    assert verify.returncode == 0, verify.stderr

    # Somebody with access to the file alters one search, going around the triggers.
    path = Path(os.environ["ADGRAPH_DATA_DIR"]) / "app" / "app.sqlite3"
    with sqlite3.connect(path) as db:
        triggers = db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
        for (name,) in triggers:
            db.execute(f'DROP TRIGGER "{name}"')
        altered = db.execute("SELECT id FROM audit WHERE action = 'search' ORDER BY id LIMIT 1").fetchone()[0]
        db.execute("UPDATE audit SET params = '{\"q\": \"something else\"}' WHERE id = ?", (altered,))
    page.reload()
    assert f"does not verify at entry {altered}" in page.locator("main").inner_text()
    verify = subprocess.run([ADGRAPH, "audit", "verify"], capture_output=True, text=True)
    assert verify.returncode != 0 and str(altered) in verify.stdout + verify.stderr
