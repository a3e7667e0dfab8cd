"""Saved queries in the web app, on the real app and the real Neo4j: the library and users' own
queries, run read-only from the API and the page (a table and a network), saved and shared, every
run and save audit-logged."""

from __future__ import annotations

import pytest

from api import accounts, audit
from graph.explore import result_graph
from graph.ingest import write_batch
from graph.networks import assign_networks
from graph.records import normalize

from helpers import PASSWORD, login, observation, sha, token

PHONE = "+13125550142"  # fictional: NANP 555-01XX
HOSTILE = "<script>window.__pwned = 1</script>"
MINE = {"name": "ads_of_phone", "title": "Ads of a phone", "description": "Every ad showing one number.",
        "cypher": "MATCH (p:Phone {e164: $phone})<-[:HAS_PHONE]-(a:Ad) "
                  "RETURN a.site AS site, a.site_ad_id AS site_ad_id, a.title AS title, p.e164 AS phone "
                  "ORDER BY site_ad_id",
        "parameters": {"phone": {"type": "string", "required": True, "description": "E.164"}}}


@pytest.fixture
def ads(graph):
    records = [normalize(observation(**{"site": "demo", "site_ad_id": str(n), "raw_sha256": sha(f"p{n}"),
                                        "title": HOSTILE if n == 2 else f"Ad {n}", "emails": [],
                                        "phones": [{"e164": PHONE, "raw": "312 555 0142"}]}))
               for n in range(3)]
    write_batch(graph, records)
    assign_networks(graph, [("demo", r["site_ad_id"]) for r in records])
    return graph


def _csrf(client) -> dict:
    return {"X-CSRFToken": token(client, "/queries")}


def test_the_library_is_listed_and_runs_with_typed_parameters(app, ads):
    client = app.test_client()
    login(client)
    listed = client.get("/api/queries").get_json()["queries"]
    assert len(listed) >= 10 and all(q["author"] == "adgraph" and q["description"] for q in listed)
    ran = client.get("/api/queries/hubs", query_string={"min_ads": 2})
    assert ran.status_code == 200, ran.get_json()
    assert (PHONE, 3) in [(r["identifier"], r["ad_count"]) for r in ran.get_json()["rows"]]
    bad = client.get("/api/queries/hubs", query_string={"min_ads": "many"})
    assert bad.status_code == 400 and "whole number" in bad.get_json()["errors"][0]
    assert client.get("/api/queries/nothing_like_this").status_code == 404
    runs = [e for e in audit.entries(app.extensions["adgraph_db"], newest_first=False) if e.action == "query.run"]
    assert [(e.params["name"], "refused" in e.params) for e in runs] == [
        ("hubs", False), ("hubs", True), ("nothing_like_this", True)]


def test_a_saved_query_runs_for_its_author_and_the_team_only_when_shared(app, ads):
    client = app.test_client()
    login(client)
    saved = client.post("/api/queries", json=MINE, headers=_csrf(client))
    assert saved.status_code == 201, saved.get_json()
    rows = client.get("/api/queries/ads_of_phone", query_string={"phone": PHONE}).get_json()["rows"]
    assert [r["site_ad_id"] for r in rows] == ["0", "1", "2"]
    missing = client.get("/api/queries/ads_of_phone")
    assert missing.status_code == 400 and "required" in missing.get_json()["errors"][0]

    accounts.add_user(app.extensions["adgraph_db"], "bo", "analyst", PASSWORD)
    other = app.test_client()
    login(other, "bo")
    assert other.get("/api/queries/ads_of_phone", query_string={"phone": PHONE}).status_code == 404
    shared = client.post("/api/queries", json={**MINE, "name": "ads_of_phone_shared", "shared": True},
                         headers=_csrf(client))
    assert shared.status_code == 201
    assert other.get("/api/queries/ads_of_phone_shared", query_string={"phone": PHONE}).status_code == 200
    taken = other.post("/api/queries", json={**MINE, "name": "hubs"}, headers=_csrf(other))
    assert taken.status_code == 400 and "taken" in taken.get_json()["error"]


@pytest.mark.parametrize("cypher", [
    "MATCH (a:Ad) SET a.title = 'changed' RETURN a.title AS title",
    "CREATE (x:Phone {e164: '+13125550199'}) RETURN x.e164 AS phone",
    "MATCH (a:Ad) DETACH DELETE a RETURN 1 AS gone",
    "LOAD CSV FROM 'http://127.0.0.1:1/x.csv' AS line RETURN line",
    "CALL dbms.listConfig() YIELD name RETURN name",
    "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
    "USE system SHOW USERS YIELD user RETURN user",
    "MATCH (a:Ad) CALL (a) { SET a.title = 'changed' } IN TRANSACTIONS RETURN count(a) AS n",
])
def test_a_query_that_would_write_or_reach_outside_the_graph_is_refused(app, ads, cypher):
    client = app.test_client()
    login(client)
    refused = client.post("/api/queries", json={**MINE, "cypher": cypher, "parameters": {}}, headers=_csrf(client))
    assert refused.status_code in (400, 403), refused.get_json()
    assert refused.get_json()["error"], refused.get_json()
    counts = ads.execute_query("MATCH (a:Ad) RETURN count(a) AS ads, sum(CASE WHEN a.title = 'changed' THEN 1 "
                               "ELSE 0 END) AS changed, COUNT { (:Phone) } AS phones").records[0]
    assert (counts["ads"], counts["changed"], counts["phones"]) == (3, 0, 1)  # nothing written
    entry = audit.entries(app.extensions["adgraph_db"])[0]
    assert entry.action == "query.save" and "refused" in entry.params


def test_the_page_shows_results_as_a_table_and_a_network_escaped(app, ads):
    client = app.test_client()
    login(client)
    form = client.post("/queries", data={**{k: v for k, v in MINE.items() if k != "parameters"},
                                         "parameters": '{"phone": {"type": "string", "required": true, "description": "E.164"}}',
                                         "csrf_token": token(client, "/queries")})
    assert form.status_code == 302, form.get_data(as_text=True)
    assert form.headers["Location"].endswith("/queries/ads_of_phone")
    page = client.get("/queries/ads_of_phone", query_string={"run": 1, "phone": PHONE})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "3 rows" in html and 'id="network-view"' in html
    assert HOSTILE not in html and "&lt;script&gt;" in html
    listed = client.get("/queries").get_data(as_text=True)
    assert "Ads of a phone" in listed and "Phones advertised in several cities" in listed
    bad = client.get("/queries/ads_of_phone", query_string={"run": 1})
    assert bad.status_code == 400 and "required" in bad.get_data(as_text=True)


@pytest.mark.parametrize("rows, nodes, edges", [
    ([{"site": "s", "site_ad_id": "1", "phone": "+13125550101"}], ["Ad:s/1", "Phone:+13125550101"], 1),
    ([{"phone": "+13125550101", "ads": [{"site": "s", "site_ad_id": "1"}, {"site": "s", "site_ad_id": "2"}]}],
     ["Ad:s/1", "Ad:s/2", "Phone:+13125550101"], 2),
    ([{"sha256": "ab" * 32, "phones": ["+13125550101", "+13125550102"]}],
     ["Image:" + "ab" * 32, "Phone:+13125550101", "Phone:+13125550102"], 2),
    ([{"kind": "Phone", "identifier": "+13125550101", "ad_count": 4}], ["Phone:+13125550101"], 0),
    ([{"count": 3}], [], 0),
])
def test_result_rows_name_the_nodes_of_their_network(rows, nodes, edges):
    graph = result_graph(rows)
    assert [n["id"] for n in graph["nodes"]] == nodes and len(graph["edges"]) == edges


def test_a_query_result_and_hand_picked_nodes_export_as_signed_packages(app, ads, tmp_path):
    import io
    import json
    import zipfile

    from graph.export.verify import verify

    client = app.test_client()
    login(client)
    csrf = token(client, "/queries")
    client.post("/api/queries", json=MINE, headers={"X-CSRFToken": csrf})
    exports = {
        "query": client.post("/queries/ads_of_phone/export",
                             data={"param.phone": PHONE, "case": "C-9", "csrf_token": csrf}),
        "nodes": client.post("/exports/nodes", data={"ref": ["Ad:demo/0", "Ad:demo/2"], "case": "C-9",
                                                      "csrf_token": csrf}),
    }
    for kind, response in exports.items():
        with response:
            assert response.status_code == 200, response.get_data(as_text=True)
            data = response.data
        path = tmp_path / f"{kind}.zip"
        path.write_bytes(data)
        assert verify(path).ok
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            manifest = json.loads(package.read("manifest.json"))
            nodes = package.read("nodes.csv").decode()
            report = package.read("report.html").decode()
        ids = [line.split(",")[0] for line in nodes.splitlines()[1:]]
        assert manifest["subgraph"]["selection"] == kind and "<svg" in report, manifest["subgraph"]
        assert {"\"Ad:demo/0\"", "\"Ad:demo/2\""} <= set(ids), (kind, ids)
        # The query's result names the phone; between two picked ads comes the chain that links them.
        assert (f"\"Phone:{PHONE}\"" in ids) if kind == "query" else \
            any(i.startswith(('"Phone:', '"Image:')) for i in ids), (kind, ids)
        if kind == "query":
            assert "ads_of_phone" in report and "demo/1" in nodes
    refused = client.post("/exports/nodes", data={"ref": ["Ad:demo/404"], "case": "C-9", "csrf_token": csrf})
    assert refused.status_code == 400 and "not in the graph" in refused.get_data(as_text=True)
    actions = [(e.action, "refused" in e.params) for e in audit.entries(app.extensions["adgraph_db"], newest_first=False)
               if e.action == "export"]
    assert actions == [("export", False), ("export", False), ("export", True)]
