"""What the ad and network pages show, read from the graph as plain JSON-ready data."""

from __future__ import annotations

import difflib

import neo4j

from graph.queries import ads as q
from graph.values import to_json

_READ = neo4j.RoutingControl.READ


def ad_detail(driver: neo4j.Driver, site: str, site_ad_id: str) -> dict | None:
    """The ad with every version (oldest first, each with its changes from the one before),
    identifiers, images and places; None when there is no such ad."""
    records = driver.execute_query(q.AD, site=site, site_ad_id=site_ad_id, routing_=_READ).records
    if not records:
        return None
    ad = {key: to_json(value) for key, value in records[0].items()}
    previous = None
    for version in ad["versions"]:
        version["changes"] = version_diff(previous, version) if previous else None
        previous = version
    return ad


def version_diff(old: dict, new: dict) -> list[list]:
    """Line-by-line changes from one version's title and body to the next: [op, text] with op one of
    ' ' (kept), '-' (removed) or '+' (added), for a page to show (escaped) without computing anything."""
    before = [f"title: {old['title']}"] + (old["body"] or "").splitlines()
    after = [f"title: {new['title']}"] + (new["body"] or "").splitlines()
    return [[line[0], line[2:]] for line in difflib.ndiff(before, after) if line[:1] in " -+"]


def network_detail(driver: neo4j.Driver, network_id: str) -> dict | None:
    ads = driver.execute_query(q.NETWORK_ADS, network_id=network_id, routing_=_READ).records
    if not ads:
        return None
    identifiers = driver.execute_query(q.NETWORK_IDENTIFIERS, network_id=network_id, routing_=_READ).records
    places = driver.execute_query(q.NETWORK_PLACES, network_id=network_id, routing_=_READ).records
    rows = [{k: to_json(v) for k, v in r.items()} for r in ads]
    return {
        "network_id": network_id,
        "ads": rows,
        "identifiers": [r.data() for r in identifiers],
        "places": [{k: to_json(v) for k, v in r.items()} for r in places],
        "first_seen": min(r["first_seen"] for r in rows),
        "last_seen": max(r["last_seen"] for r in rows),
        "counts": {kind: sum(1 for r in identifiers if r["kind"] == kind) for kind in ("Phone", "Email", "Handle", "Image")}
                  | {"ads": len(rows), "live": sum(1 for r in rows if not r["removed_at"]), "places": len(places)},
    }


def network_edges(driver: neo4j.Driver, network_id: str) -> list[dict]:
    return [r.data() for r in driver.execute_query(q.NETWORK_EDGES, network_id=network_id, routing_=_READ).records]
