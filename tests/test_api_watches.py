"""Watches and alerts, on the real app and the real Neo4j: a watch's current rows are its baseline,
rows that appear after a crawl raise an alert (badge, alerts page, webhook), and a phone or a
network is watched from its page in one click."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from api import audit
from graph import watches
from graph.ingest import write_batch
from graph.networks import assign_networks
from graph.records import normalize

from helpers import login, observation, sha, token

PHONE = "+13125550166"  # fictional: NANP 555-01XX


def ad(n: int, fetched_at: str | None = None) -> dict:
    return normalize(observation(**{"site": "demo", "site_ad_id": str(n), "raw_sha256": sha(f"p{n}"),
                                    "title": f"Ad {n}", "emails": [], "images": [],
                                    "fetched_at": fetched_at or f"2026-11-2{n}T10:00:00Z",
                                    "phones": [{"e164": PHONE, "raw": "312 555 0166"}]}))


def crawl(graph, *numbers: int) -> None:
    """What a crawl cycle does to the graph: new ads written and given networks."""
    write_batch(graph, [ad(n) for n in numbers])
    assign_networks(graph, [("demo", str(n)) for n in numbers])


@pytest.fixture
def webhook():
    """A webhook receiver on loopback: what the watches post."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()
    server.server_close()


def test_only_rows_new_since_the_last_run_raise_an_alert_and_reach_the_webhook(app, graph, webhook):
    url, received = webhook
    crawl(graph, 1)
    client = app.test_client()
    login(client)
    added = client.post("/api/watches", json={"query": "phone_newest_ads", "params": {"phone": PHONE, "days": 36500}},
                        headers={"X-CSRFToken": token(client, "/")})
    assert added.status_code == 201, added.get_json()
    db = watches.connect(app.config["ADGRAPH_SETTINGS"].data_dir)
    assert watches.run_all(db, graph, webhook=url) == []  # ad 1 is the baseline

    crawl(graph, 2, 3)
    [alert] = watches.run_all(db, graph, webhook=url)
    assert alert["count"] == 2 and {r["site_ad_id"] for r in alert["rows"]} == {"2", "3"}
    assert [(r["watch"], r["count"]) for r in received] == [("The newest ads of a phone", 2)]
    write_batch(graph, [ad(2, fetched_at="2026-11-28T09:00:00Z")])  # seen again: last_seen moves, nothing new
    assert graph.execute_query("MATCH (a:Ad {site_ad_id: '2'}) RETURN toString(a.last_seen) AS t").records[0]["t"] \
        .startswith("2026-11-28T09")
    assert watches.run_all(db, graph, webhook=url) == []

    page = client.get("/")
    assert 'id="alerts-badge">1<' in page.get_data(as_text=True)
    alerts = client.get("/alerts").get_data(as_text=True)
    assert "2 new" in alerts and "/ads/demo/3" in alerts
    assert 'id="alerts-badge"' not in client.get("/").get_data(as_text=True)  # seen: the badge is gone
    body = client.get("/api/alerts").get_json()
    assert body["unread"] == 0 and body["alerts"][0]["count"] == 2
    actions = [e.action for e in audit.entries(app.extensions["adgraph_db"], newest_first=False)]
    assert actions[0] == "watch.add" and "alerts.view" in actions


def test_a_watch_with_bad_parameters_is_refused_and_a_failing_webhook_stops_nothing(app, graph):
    crawl(graph, 1)
    client = app.test_client()
    login(client)
    refused = client.post("/api/watches", json={"query": "phone_newest_ads", "params": {"days": "soon"}},
                          headers={"X-CSRFToken": token(client, "/")})
    assert refused.status_code == 400 and len(refused.get_json()["errors"]) == 2  # days, and phone is required
    no_token = client.post("/api/watches", json={"query": "phone_newest_ads", "params": {"phone": PHONE}})
    assert no_token.status_code == 400 and "CSRF" in no_token.get_json()["error"]
    client.post("/api/watches", json={"query": "phone_newest_ads", "params": {"phone": PHONE, "days": 36500}},
                headers={"X-CSRFToken": token(client, "/")})
    db = watches.connect(app.config["ADGRAPH_SETTINGS"].data_dir)
    crawl(graph, 2)
    [alert] = watches.run_all(db, graph, webhook="http://127.0.0.1:9/nothing-listens-here")
    assert alert["count"] == 1 and "webhook" in watches.all_watches(db)[0].last_error


def test_a_phone_and_a_network_are_watched_from_their_pages(app, graph):
    crawl(graph, 1)
    network_id = graph.execute_query("MATCH (a:Ad) RETURN a.network_id AS id").records[0]["id"]
    client = app.test_client()
    login(client)
    network_page = client.get(f"/networks/{network_id}").get_data(as_text=True)
    assert 'name="query" value="network_newest_ads"' in network_page
    search_page = client.get("/search", query_string={"q": "312-555-0166"}).get_data(as_text=True)
    assert 'name="query" value="phone_newest_ads"' in search_page
    done = client.post("/watches", data={"query": "network_newest_ads", "param.network_id": network_id,
                                         "csrf_token": token(client, f"/networks/{network_id}")})
    assert done.status_code == 302 and done.headers["Location"].endswith("/alerts")
    [watch] = watches.all_watches(watches.connect(app.config["ADGRAPH_SETTINGS"].data_dir))
    assert (watch.query.name, watch.params, watch.owner) == ("network_newest_ads", {"network_id": network_id}, "ana")


def test_watches_on_a_private_query_are_seen_and_stopped_by_their_owner_only(app, graph):
    from api import accounts

    from helpers import PASSWORD

    crawl(graph, 1)
    ana = app.test_client()
    login(ana)
    csrf = {"X-CSRFToken": token(ana, "/")}
    private = {"name": "ana_only", "title": "Ana's", "description": "Private.", "parameters": {},
               "cypher": "MATCH (a:Ad) RETURN a.site AS site, a.site_ad_id AS site_ad_id"}
    assert ana.post("/api/queries", json=private, headers=csrf).status_code == 201
    watch_id = ana.post("/api/watches", json={"query": "ana_only"}, headers=csrf).get_json()["watch_id"]
    crawl(graph, 2)
    watches.run_all(watches.connect(app.config["ADGRAPH_SETTINGS"].data_dir), graph)

    accounts.add_user(app.extensions["adgraph_db"], "bo", "analyst", PASSWORD)
    bo = app.test_client()
    login(bo, "bo")
    assert bo.get("/api/watches").get_json()["watches"] == []
    assert bo.get("/api/alerts").get_json() == {"unread": 0, "alerts": []}
    page = bo.get("/alerts").get_data(as_text=True)
    assert "No alerts yet." in page and "ana_only" not in page and 'id="alerts-badge"' not in bo.get("/").get_data(as_text=True)
    assert bo.post(f"/watches/{watch_id}/remove", data={"csrf_token": token(bo, "/")}).status_code == 302  # refused
    assert [w["id"] for w in ana.get("/api/watches").get_json()["watches"]] == [watch_id]  # still there
    assert ana.get("/api/alerts").get_json()["alerts"][0]["count"] == 1
