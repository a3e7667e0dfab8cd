"""Exploring a network over the API, on the real app and the real Neo4j: the picture, node
expansion (audit-logged), and the drawing code served by the app itself."""

from __future__ import annotations

import json

import pytest

from api import audit
from graph import explore
from graph.ingest import write_batch
from graph.networks import assign_networks
from graph.records import normalize

from helpers import login, observation, sha, token

PHONE = "+12025550111"  # fictional: NANP 555-01XX
HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'


def _ad(n: int, **extra) -> dict:
    return normalize(observation(**{
        "site": "demo", "site_ad_id": str(n), "raw_sha256": sha(f"page-{n}"), "title": f"Ad {n}",
        "fetched_at": f"2026-11-{1 + n:02d}T10:00:00Z",
        "phones": [{"e164": PHONE, "raw": "202.555.0111"}], "emails": [],
        "images": [{"sha256": sha(f"image-{n}"), "phash": f"{n:016x}", "url": f"http://127.0.0.1:8000/{n}.jpg"}],
        **extra}))


@pytest.fixture
def network(graph):
    """Three ads sharing a phone, each with its own image and the same place: one network of 8 nodes."""
    ads = [_ad(1), _ad(2), _ad(3, title=HOSTILE, body=HOSTILE)]
    write_batch(graph, ads)
    assign_networks(graph, [("demo", a["site_ad_id"]) for a in ads])
    return graph.execute_query("MATCH (a:Ad {site_ad_id: '1'}) RETURN a.network_id AS id").records[0]["id"]


def test_network_graph_has_the_ads_and_everything_they_carry(network, graph):
    data = explore.network_graph(graph, network)
    kinds = sorted(n["kind"] for n in data["nodes"])
    assert kinds == ["Ad", "Ad", "Ad", "Image", "Image", "Image", "Location", "Phone"]
    assert len(data["edges"]) == 9  # each ad: its phone, its image, its place
    hostile = next(n for n in data["nodes"] if n["id"] == "Ad:demo/3")
    assert hostile["title"] == HOSTILE and hostile["body"] == HOSTILE  # the data unchanged; viz escapes it
    phone = next(n for n in data["nodes"] if n["kind"] == "Phone")
    assert (phone["id"], phone["ads"]) == (f"Phone:{PHONE}", 3)
    assert explore.network_graph(graph, "no-such-network") == {"nodes": [], "edges": []}


@pytest.mark.parametrize("ref, total, kinds", [
    (f"Phone:{PHONE}", 3, {"Ad"}),
    ("Ad:demo/1", 3, {"Phone", "Image", "Location"}),
    (f"Image:{sha('image-2')}", 1, {"Ad"}),
])
def test_neighbours_of_each_kind_of_node(network, graph, ref, total, kinds):
    found = explore.neighbours(graph, ref)
    assert found["node"]["id"] == ref and found["total"] == total
    assert {n["kind"] for n in found["nodes"]} == kinds
    assert all(ref in (e["from"], e["to"]) for e in found["edges"])


def test_neighbours_are_capped_newest_first(network, graph):
    found = explore.neighbours(graph, f"Phone:{PHONE}", limit=2)
    assert found["total"] == 3 and [n["key"] for n in found["nodes"]] == ["demo/3", "demo/2"]


@pytest.mark.parametrize("ref", ["", "Phone", "Nothing:1", "Ad:no-slash", "Phone:"])
def test_node_references_are_checked(ref):
    with pytest.raises(explore.UnknownNode):
        explore.parse_ref(ref)


def test_expanding_over_the_api_is_audit_logged(app, network):
    client = app.test_client()
    login(client)
    response = client.get("/api/nodes/expand", query_string={"node": f"Phone:{PHONE}"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["node"] == f"Phone:{PHONE}" and body["total"] == 3
    assert {n["id"] for n in body["nodes"]} == {f"Phone:{PHONE}", "Ad:demo/1", "Ad:demo/2", "Ad:demo/3"}
    ad_node = next(n for n in body["nodes"] if n["id"] == "Ad:demo/3")
    assert ad_node["url"] == "/ads/demo/3" and "&lt;script&gt;" in ad_node["title"] and "<script" not in ad_node["title"]

    assert client.get("/api/nodes/expand", query_string={"node": "Phone:+12025550199"}).status_code == 404
    refused = client.get("/api/nodes/expand", query_string={"node": "DROP:everything"})
    assert refused.status_code == 400 and "KIND:KEY" in refused.get_json()["error"]

    entries = [e for e in audit.entries(app.extensions["adgraph_db"], newest_first=False) if e.action == "node.expand"]
    assert [(e.user, e.params["node"], e.result_size) for e in entries] == [
        ("ana", f"Phone:{PHONE}", 3), ("ana", "Phone:+12025550199", 0), ("ana", "DROP:everything", 0)]
    assert "refused" in entries[-1].params


def test_the_picture_over_the_api_and_on_the_network_page(app, network):
    client = app.test_client()
    login(client)
    body = client.get(f"/api/networks/{network}/picture").get_json()
    assert body["aggregated"] is False and len(body["nodes"]) == 8 and body["nodes_in_network"] == 8
    assert {item["kind"] for item in body["legend"]} >= {"Ad", "Phone", "Image", "Location"}
    aggregated = client.get(f"/api/networks/{network}/picture", query_string={"view": "aggregated"}).get_json()
    assert aggregated["aggregated"] is True and {n["kind"] for n in aggregated["nodes"]} == {"Phone", "Image"}
    assert client.get("/api/networks/nothing/picture").status_code == 404

    page = client.get(f"/networks/{network}")
    html = page.get_data(as_text=True)
    assert 'id="network-view"' in html and 'id="network-nodes"' in html
    assert "/assets/vis/vis-network.min.js" in html and "/assets/viz/network.js" in html
    assert "<script>window.__pwned" not in html  # escaped in the ads table and in the picture's data
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_the_drawing_code_is_served_by_the_app_to_users_only(app):
    client = app.test_client()
    assert client.get("/assets/vis/vis-network.min.js").status_code == 302  # to the login page
    login(client)
    for path in ("/assets/vis/vis-network.min.js", "/assets/vis/vis-network.css", "/assets/viz/network.js"):
        with client.get(path) as response:  # files are streamed: close them
            assert response.status_code == 200 and len(response.data) > 1000, path
    assert client.get("/assets/vis/../../network.py").status_code == 404


def test_a_network_above_the_configured_size_opens_aggregated(app, network):
    app.config["ADGRAPH_SETTINGS"] = app.config["ADGRAPH_SETTINGS"].__class__(
        **{**app.config["ADGRAPH_SETTINGS"].__dict__, "viz_aggregate_above": 5})
    client = app.test_client()
    login(client)
    assert client.get(f"/api/networks/{network}/picture").get_json()["aggregated"] is True
    assert client.get(f"/api/networks/{network}/picture?view=full").get_json()["aggregated"] is False
    assert "opens on its identifiers only" in client.get(f"/networks/{network}").get_data(as_text=True)


def test_a_network_exports_from_its_page_as_a_signed_package(app, network, graph, tmp_path):
    import io
    import zipfile

    from graph.export.verify import verify

    client = app.test_client()
    login(client)
    page = client.get(f"/networks/{network}").get_data(as_text=True)
    assert f'action="/networks/{network}/export"' in page
    csrf = token(client, f"/networks/{network}")
    assert client.post(f"/networks/{network}/export", data={"case": "C-1"}).status_code == 400  # no CSRF token
    assert client.post(f"/networks/{network}/export", data={"case": " ", "csrf_token": csrf}).status_code == 400

    with client.post(f"/networks/{network}/export", data={"case": "Case <b>7</b>", "csrf_token": csrf}) as response:
        assert response.status_code == 200 and response.mimetype == "application/zip"
        data, fingerprint = response.data, response.headers["X-Adgraph-Key-Fingerprint"]
    path = tmp_path / "package.zip"
    path.write_bytes(data)
    checked = verify(path, expected_fingerprint=fingerprint)
    assert checked.ok, checked.lines()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        report = package.read("report.html").decode()
        manifest = json.loads(package.read("manifest.json"))
    assert "<svg" in report and "<script" not in report.lower()
    assert "Case &lt;b&gt;7&lt;/b&gt;" in report and "&lt;script&gt;window.__pwned" in report
    [entry] = [e for e in audit.entries(app.extensions["adgraph_db"]) if e.action == "export" and "refused" not in e.params]
    assert manifest["audit_entry"] == entry.id and entry.user == "ana" and entry.params["case"] == "Case <b>7</b>"
    [written] = [e for e in audit.entries(app.extensions["adgraph_db"]) if e.action == "export.written"]
    assert written.params["export_entry"] == entry.id and written.result_size == len(manifest["files"])
    assert list((app.config["ADGRAPH_SETTINGS"].data_dir / "exports").glob("*.zip"))  # kept, as sent
