"""Evidence export formats (graph/export): what a subgraph holds, read from the real database, and
the files every format writes from it: byte-identical twice, readable back by networkx, hostile ad
text escaped, CSV laid out for i2 and Maltego."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import subprocess
import sys

import networkx as nx
import pytest

from graph.export import csv as csv_format, gexf, graphml, json as json_format, subgraph
from graph.export.spool import SpooledGraph
from graph.export.text import xml_safe
from graph.faces import link_face_pairs
from graph.ingest import write_batch
from graph.neardup import PhashIndex, link_near_duplicates
from graph.networks import assign_networks, ignore
from graph.records import normalize, readable_phone

from helpers import REPO, observation

SITE = "demo-classifieds"
# Written by the people under investigation: markup, entities, quotes, CDATA ends, a formula, and
# control characters XML 1.0 cannot carry (NUL, BEL, ESC, VT, FF, U+FFFE).
HOSTILE = ("Ünïcode <b>bold</b> & &amp; \"double\" 'single' ]]> \x00\x07\x1b\x0b\x0c\ufffe end\r\n"
           "line2\ttab <script>alert(1)</script>")
FORMULA_BODY = "=HYPERLINK(\"http://evil.example\",\"click\") call (312) 555-0147"
OUTPUTS = {name: write for module in (graphml, gexf, csv_format, json_format) for name, write in module.OUTPUTS.items()}


def picture_bytes(seed: int) -> bytes:
    return f"fictional picture {seed}\n".encode() * 50


def store_page(data_dir, url: str, body: bytes, fetched_at: str) -> str:
    """Archive a page the way the crawler does; returns its SHA-256 (the version's raw_sha256)."""
    if data_dir is None:
        return hashlib.sha256(body).hexdigest()
    from crawler.archive import EvidenceArchive

    return EvidenceArchive(data_dir / "evidence").store_page(url, fetched_at, 200, {"Content-Type": "text/html"}, body)


def store_image(data_dir, data: bytes) -> dict:
    digest = hashlib.sha256(data).hexdigest()
    path = f"images/{digest[:2]}/{digest}.png"
    if data_dir is not None:
        target = data_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            target.write_bytes(data)
    return {"sha256": digest, "path": path}


def build_network(driver, data_dir=None) -> dict:
    """Two ads in one network (a shared phone; near-duplicate images; the same face), the first edited
    once into hostile text; a third ad in a network of its own. With data_dir, the raw pages are
    archived and the images stored on disk as the crawler keeps them."""
    img_a, img_b = store_image(data_dir, picture_bytes(1)), store_image(data_dir, picture_bytes(2))
    pages = {}
    for name, when in (("1a", "2026-11-01T10:00:00Z"), ("1b", "2026-11-02T10:00:00Z"),
                       ("2a", "2026-11-01T11:00:00Z"), ("3a", "2026-11-01T12:00:00Z")):
        pages[name] = store_page(data_dir, f"http://127.0.0.1:8000/ad/{name}",
                                 f"<html>page {name}</html>".encode(), when)
    face = {"engine": "dlib", "model": "test", "box": [1, 2, 30, 30], "score": 0.9}
    image_a = {**img_a, "phash": "c3c3c3c3c3c3c3c3", "url": "http://127.0.0.1:8000/a.png", "mime": "image/png",
               "width": 64, "height": 48}
    image_b = {**img_b, "phash": "c3c3c3c3c3c3c3c2", "url": "http://127.0.0.1:8000/b.png", "mime": "image/png"}
    observations = [
        observation(site_ad_id="1", raw_sha256=pages["1a"], images=[image_a],
                    faces=[{**face, "image_sha256": image_a["sha256"]}]),
        observation(site_ad_id="1", fetched_at="2026-11-02T10:00:00Z", raw_sha256=pages["1b"], title=HOSTILE,
                    body=HOSTILE, images=[image_a], faces=[{**face, "image_sha256": image_a["sha256"]}]),
        observation(site_ad_id="2", url="http://127.0.0.1:8000/ad/2", fetched_at="2026-11-01T11:00:00Z",
                    raw_sha256=pages["2a"], title="Sweet and new", body=FORMULA_BODY,
                    phones=[{"e164": "+13125550147", "raw": "(312) 555-0147"},
                            {"e164": "+12025550101", "raw": "202.555.0101"}],
                    emails=[], handles=[{"platform": "instagram", "handle": "@Mia.New"}], images=[image_b],
                    faces=[{**face, "image_sha256": image_b["sha256"]}]),
        observation(site_ad_id="3", url="http://127.0.0.1:8000/ad/3", fetched_at="2026-11-01T12:00:00Z",
                    raw_sha256=pages["3a"], title="Elsewhere", body="call 718-555-0123",
                    phones=[{"e164": "+17185550123", "raw": "718-555-0123"}], emails=[], locations=[], images=[]),
    ]
    write_batch(driver, [normalize(o) for o in observations])
    assign_networks(driver, [(SITE, "1"), (SITE, "2"), (SITE, "3")])
    link_near_duplicates(driver, PhashIndex(), [(image_a["sha256"], image_a["phash"]),
                                                      (image_b["sha256"], image_b["phash"])])
    face_ids = [r[0] for r in driver.execute_query("MATCH (f:Face) RETURN f.face_id ORDER BY f.face_id").records]
    link_face_pairs(driver, [(face_ids[0], face_ids[1], 0.97)])
    ignore(driver, "email", "contact@example.org")  # a boolean property (ad 1 alone carries it)
    net = driver.execute_query("MATCH (a:Ad {site_ad_id: '1'}) RETURN a.network_id").records[0][0]
    return {"network_id": net, "pages": pages, "images": [image_a, image_b]}


def write_all(graph) -> dict[str, bytes]:
    files = {}
    for name, write in OUTPUTS.items():
        out = io.BytesIO()
        write(graph, out)
        files[name] = out.getvalue()
    return files


@pytest.fixture
def network(graph):
    return build_network(graph)


@pytest.fixture
def exported(graph, network, tmp_path):
    with SpooledGraph(subgraph.network(graph, network["network_id"]), tmp_path) as spooled:
        yield spooled, write_all(spooled)


# ---- what a subgraph holds -------------------------------------------------------------------------

def test_a_network_holds_its_ads_every_version_and_everything_they_link_to(exported):
    spooled, _ = exported
    nodes = {n.id: n for n in spooled.nodes()}
    assert {n.kind for n in nodes.values()} == {"Ad", "AdVersion", "Email", "Face", "Handle", "Image", "Location", "Phone"}
    assert f"Ad:{SITE}/3" not in nodes and "Phone:+17185550123" not in nodes  # the other network
    versions = [n for n in nodes.values() if n.kind == "AdVersion"]
    assert len(versions) == 3
    for v in versions:
        assert {"version_id", "fetched_at", "title", "body", "raw_sha256"} <= set(v.properties)
    assert any(v.properties["title"] == HOSTILE for v in versions)
    assert "embedding" not in next(n for n in nodes.values() if n.kind == "Face").properties
    assert nodes["Phone:+12025550101"].label == readable_phone("+12025550101")
    edges = list(spooled.edges())
    assert {e.type for e in edges} == {"HAS_VERSION", "HAS_PHONE", "HAS_EMAIL", "HAS_HANDLE", "HAS_IMAGE",
                                       "IN_LOCATION", "HAS_FACE", "NEAR_DUPLICATE", "SAME_FACE"}
    assert all(e.source in nodes and e.target in nodes for e in edges)
    raw = next(e for e in edges if e.type == "HAS_PHONE" and e.target == "Phone:+12025550101")
    assert raw.properties["raw"] == ["202.555.0101"] and raw.properties["first_seen"].startswith("2026-11-01T11:00:00")
    # Sorted: kinds, then keys; edges grouped by the node they leave.
    ids = [(n.kind, n.key) for n in spooled.nodes()]
    assert [k for k, _ in ids] == sorted(k for k, _ in ids)
    assert spooled.counts["node_total"] == len(nodes) and spooled.counts["edge_total"] == len(edges)


def test_chosen_nodes_come_with_the_shortest_chain_of_evidence_between_them(graph, network, tmp_path):
    chosen = subgraph.nodes(graph, [f"Ad:{SITE}/1", "Phone:+12025550101"])
    with SpooledGraph(chosen, tmp_path) as spooled:
        ids = {n.id for n in spooled.nodes()}
        edges = {(e.source, e.type, e.target) for e in spooled.edges()}
    # Ad 1 - (312) 555-0147 - Ad 2 - (202) 555-0101, with both ads' versions.
    assert {f"Ad:{SITE}/1", f"Ad:{SITE}/2", "Phone:+13125550147", "Phone:+12025550101"} <= ids
    assert sum(1 for i in ids if i.startswith("AdVersion:")) == 3
    assert f"Ad:{SITE}/3" not in ids and "Email:contact@example.org" not in ids
    assert (f"Ad:{SITE}/2", "HAS_PHONE", "Phone:+12025550101") in edges
    assert all(s in ids and t in ids for s, _, t in edges)
    assert chosen.description["pairs"] == 1 and chosen.description["pairs_without_path"] == 0


@pytest.mark.parametrize("make, message", [
    (lambda g: subgraph.network(g, "n-none"), "no network"),
    (lambda g: subgraph.nodes(g, ["Phone:+13125550199"]), "not in the graph: Phone:+13125550199"),
    (lambda g: subgraph.nodes(g, ["Ad:1"]), "Ad:SITE/ID"),
    (lambda g: subgraph.nodes(g, ["Galaxy:far"]), "not a node reference"),
])
def test_a_selection_of_nothing_is_refused(graph, network, make, message):
    with pytest.raises(subgraph.SelectionError, match=re.escape(message)):
        make(graph)


def test_a_query_result_exports_the_nodes_it_names_with_the_query(graph, network, tmp_path):
    chosen = subgraph.query_result(graph, ["Phone:+13125550147", f"Ad:{SITE}/2"],
                                   "MATCH (a:Ad)-[:HAS_PHONE]->(p) RETURN a, p", {"n": 2}, name="phones")
    with SpooledGraph(chosen, tmp_path) as spooled:
        assert spooled.node_counts == {"Ad": 1, "AdVersion": 1, "Phone": 1}
        assert [e.type for e in spooled.edges()] == ["HAS_PHONE", "HAS_VERSION"]
    assert chosen.description["parameters"] == {"n": 2} and chosen.description["selection"] == "query"


def test_a_network_is_read_in_pages(graph, network, tmp_path):
    chosen = subgraph.network(graph, network["network_id"], page_size=1)
    with SpooledGraph(chosen, tmp_path) as small:
        nodes, edges = [n.id for n in small.nodes()], [e.id for e in small.edges()]
    assert chosen.pages > len(nodes)  # one node a page, and one empty page per kind
    with SpooledGraph(subgraph.network(graph, network["network_id"]), tmp_path) as whole:
        assert nodes == [n.id for n in whole.nodes()] and edges == [e.id for e in whole.edges()]


# ---- the formats -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", OUTPUTS)
def test_the_same_subgraph_exports_byte_identically(graph, network, exported, tmp_path, name):
    _, first = exported
    with SpooledGraph(subgraph.network(graph, network["network_id"], page_size=2), tmp_path) as again:
        assert write_all(again)[name] == first[name]
    assert len(first[name]) > 500


@pytest.mark.parametrize("name, read", [
    ("graph.graphml", nx.read_graphml),
    ("graph.gexf", nx.read_gexf),
])
def test_networkx_reads_the_graph_back(exported, name, read):
    spooled, files = exported
    g = read(io.BytesIO(files[name]))
    assert g.number_of_nodes() == spooled.counts["node_total"]
    assert g.number_of_edges() == spooled.counts["edge_total"]
    by_key = {data["key"]: data for _, data in g.nodes(data=True)}
    # Every XML-forbidden character replaced, everything else (markup, quotes, CR LF, tab) kept.
    titles = {data.get("title") for data in by_key.values()}
    assert xml_safe(HOSTILE) in titles and HOSTILE not in titles
    assert "\ufffd" in xml_safe(HOSTILE) and "\r\n" in xml_safe(HOSTILE)
    image = next(data for data in by_key.values() if data["kind"] == "Image" and "width" in data)
    assert image["width"] == 64 and isinstance(image["width"], int)
    ad = by_key[f"{SITE}/1"]
    assert ad["kind"] == "Ad" and ad["first_seen"].startswith("2026-11-01T10:00:00")
    edge_data = [d for _, _, d in g.edges(data=True)]
    assert any(isinstance(d.get("similarity"), float) for d in edge_data)


def test_graphml_has_typed_keys_and_valid_ids(exported):
    from xml.etree import ElementTree

    _, files = exported
    root = ElementTree.fromstring(files["graph.graphml"])
    ns = {"g": graphml.NS}
    keys = {(k.get("for"), k.get("attr.name")): k.get("attr.type") for k in root.findall("g:key", ns)}
    assert keys[("node", "kind")] == "string" and keys[("node", "width")] == "long"
    assert keys[("edge", "similarity")] == "double" and keys[("edge", "raw")] == "string"
    assert keys[("node", "ignored")] == "boolean"
    for node in root.iter(f"{{{graphml.NS}}}node"):
        assert re.fullmatch(r"[A-Za-z0-9.:_\-]+", node.get("id"))  # NMTOKEN
    assert graphml.nmtoken("Phone:+12025550101") == "Phone:_2B_12025550101"


def test_gexf_is_version_1_3(exported):
    from xml.etree import ElementTree

    _, files = exported
    root = ElementTree.fromstring(files["graph.gexf"])
    assert root.tag == "{http://gexf.net/1.3}gexf" and root.get("version") == "1.3"


def test_json_keeps_the_exact_text(exported):
    spooled, files = exported
    doc = json.loads(files["graph.json"])
    assert len(doc["nodes"]) == spooled.counts["node_total"] and len(doc["edges"]) == spooled.counts["edge_total"]
    assert HOSTILE in {n["properties"].get("title") for n in doc["nodes"]}
    assert doc["description"] == {"selection": "network", "network_id": spooled.description["network_id"]}
    assert files["graph.json"].count(b"\n") == len(doc["nodes"]) + len(doc["edges"]) + 5  # a line each, and 5 of frame


def test_csv_columns_for_i2_and_maltego(exported):
    spooled, files = exported
    assert files["nodes.csv"].startswith(b"\xef\xbb\xbf") and b"\r\n" in files["nodes.csv"]
    nodes = list(csv.DictReader(io.StringIO(files["nodes.csv"].decode("utf-8-sig"), newline="")))
    header = list(nodes[0])
    assert header[:3] == ["entity_id", "entity_type", "label"]
    assert header[3:] == sorted(header[3:]) and {"body", "e164", "fetched_at", "raw_sha256", "sha256"} <= set(header)
    assert len(nodes) == spooled.counts["node_total"]
    phone = next(r for r in nodes if r["entity_id"] == "Phone:+12025550101")
    assert phone["entity_type"] == "Phone" and phone["e164"] == "+12025550101"  # a number is no formula
    assert phone["first_seen"].startswith("2026-11-01T11:00:00") and phone["body"] == ""
    versions = {r["body"] for r in nodes if r["entity_type"] == "AdVersion"}
    assert "'" + FORMULA_BODY in versions  # neutralised for spreadsheets
    assert xml_safe(HOSTILE) in versions
    edges = list(csv.DictReader(io.StringIO(files["edges.csv"].decode("utf-8-sig"), newline="")))
    assert list(edges[0])[:6] == ["link_id", "from_id", "from_type", "to_id", "to_type", "link_type"]
    raw = next(r for r in edges if r["to_id"] == "Phone:+12025550101")
    assert (raw["from_type"], raw["to_type"], raw["link_type"]) == ("Ad", "Phone", "HAS_PHONE")
    assert json.loads(raw["raw"]) == ["202.555.0101"]
    assert len(edges) == spooled.counts["edge_total"]


@pytest.mark.parametrize("text, cell", [
    ("+12025550101", "+12025550101"),
    ("-12.5", "-12.5"),
    ("=1+1", "'=1+1"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3+cmd|x", "'-2+3+cmd|x"),
    ("\tx", "'\tx"),
    ("plain = text", "plain = text"),
    ("nul\x00here", "nul\ufffdhere"),
])
def test_csv_cells(text, cell):
    assert csv_format.cell(text) == cell


@pytest.mark.parametrize("text, safe", [
    ("a\x00b", "a\ufffdb"),
    ("\x07\x08\x0b\x0c\x1f", "\ufffd" * 5),
    ("tab\tnl\ncr\r", "tab\tnl\ncr\r"),
    ("\ufffe\uffff", "\ufffd\ufffd"),
    ("émoji 🙂 <&>", "émoji 🙂 <&>"),
])
def test_xml_safe(text, safe):
    assert xml_safe(text) == safe


def test_graph_imports_no_web_crawler_or_picture_code():
    code = ("import sys, graph.export.package, graph.export.verify, graph.export.cli, graph.export.report\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'flask', 'pyvis', 'scrapy', 'crawler', 'api'})\n"
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_a_graph_that_changed_under_the_export_is_refused_not_signed(tmp_path):
    from graph.export.spool import ChangedDuringExport, SpooledGraph
    from graph.export.subgraph import Edge, Node

    class Moved:
        """A network whose ad moved out between reading relationships and reading nodes."""
        description = {"selection": "network", "network_id": "n1"}

        def edges(self):
            yield Edge(id="e1", source="Ad:demo/1", target="Phone:+13125550101", type="HAS_PHONE")

        def nodes(self):
            yield Node(id="Phone:+13125550101", kind="Phone", key="+13125550101", label="(312) 555-0101")

    with pytest.raises(ChangedDuringExport, match="changed while it was being exported"):
        SpooledGraph(Moved(), tmp_path)
    assert list(tmp_path.iterdir()) == []  # nothing left behind
