"""What the network picture shows, read from the graph as plain data: nodes (each with a kind, a key
and what a label or tooltip needs) and edges between node references. viz/ draws it."""

from __future__ import annotations

import neo4j

from graph.queries import explore as q
from graph.values import to_json

_READ = neo4j.RoutingControl.READ
KINDS = tuple(q.EXPAND)
EXPAND_LIMIT = 100  # neighbours per expansion: a hub's 10,000 ads would bury the picture


class UnknownNode(ValueError):
    pass


def ref(kind: str, key: str) -> str:
    """A node's reference, the same in the picture, the API and the audit log: 'Phone:+12025550101'."""
    return f"{kind}:{key}"


def ad_key(key: str) -> tuple[str, str]:
    """(site, site_ad_id) of an ad's key, SITE/ID (a site name holds no '/'; an ad id may)."""
    site, _, site_ad_id = key.partition("/")
    return site, site_ad_id


def parse_ref(text: str) -> tuple[str, str]:
    kind, sep, key = text.partition(":")
    if not sep or kind not in KINDS or not key:
        raise UnknownNode(f"not a node reference: {text!r} (expected KIND:KEY, KIND one of {', '.join(KINDS)})")
    if kind == "Ad" and "/" not in key:
        raise UnknownNode(f"an ad is referred to as Ad:SITE/ID, not {text!r}")
    return kind, key


def _node(row: dict) -> dict:
    node = {k: to_json(v) for k, v in row.items() if v is not None}
    node["id"] = ref(node["kind"], node["key"])
    return node


def network_graph(driver: neo4j.Driver, network_id: str) -> dict:
    """{"nodes": [...], "edges": [{"from", "to", "type"}]} of one network; no nodes when there is none."""
    nodes = driver.execute_query(q.NETWORK_NODES, network_id=network_id, routing_=_READ).records
    edges = driver.execute_query(q.NETWORK_EDGES, network_id=network_id, routing_=_READ).records
    return {
        "nodes": [_node(r["node"]) for r in nodes],
        "edges": [{"from": ref(r["from_kind"], r["from_key"]), "to": ref(r["to_kind"], r["to_key"]), "type": r["type"]}
                  for r in edges],
    }


def neighbours(driver: neo4j.Driver, node_ref: str, limit: int = EXPAND_LIMIT) -> dict | None:
    """One node, up to `limit` of its neighbours (most recently seen first) with the edges to them,
    and how many neighbours it has in all; None when there is no such node."""
    kind, key = parse_ref(node_ref)
    params = {"key": key, "limit": limit}
    if kind == "Ad":
        params["site"], params["site_ad_id"] = ad_key(key)
    records = driver.execute_query(q.EXPAND[kind], params, routing_=_READ).records
    if not records:
        return None
    record = records[0]
    node = _node(record["node"])
    found = [(_node(n["node"]), n["type"], n["outgoing"]) for n in record["neighbours"]]
    return {
        "node": node,
        "total": record["total"],
        "nodes": [m for m, _, _ in found],
        "edges": [{"from": node["id"] if out else m["id"], "to": m["id"] if out else node["id"], "type": kind_}
                  for m, kind_, out in found],
    }


# Result columns that name nodes: a saved query's rows drawn as a network.
_COLUMN_KINDS = {"phone": "Phone", "phones": "Phone", "e164": "Phone", "phone_numbers": "Phone",
                 "email": "Email", "emails": "Email", "address": "Email",
                 "handle": "Handle", "handle_id": "Handle", "handles": "Handle",
                 "sha256": "Image", "image": "Image", "images": "Image", "image_sha256": "Image",
                 "face_id": "Face", "face": "Face", "faces": "Face"}


def result_graph(rows: list[dict]) -> dict:
    """The nodes a query's rows name, joined where they appear in one row: each row's ads (columns
    site + site_ad_id, or maps or lists of maps holding them) to the phones, emails, handles,
    images and faces it names; a row without ads chains what it names. Plain data for viz/."""
    nodes: dict[str, dict] = {}
    edges: set[tuple[str, str]] = set()

    def add(kind: str, key: str, **extra) -> str:
        node_id = ref(kind, key)
        nodes.setdefault(node_id, {"id": node_id, "kind": kind, "key": key, **{k: v for k, v in extra.items() if v}})
        return node_id

    def ads_in(value) -> list[str]:
        if isinstance(value, dict) and value.get("site") and value.get("site_ad_id"):
            return [add("Ad", f"{value['site']}/{value['site_ad_id']}", title=value.get("title"),
                        network_id=value.get("network_id"))]
        if isinstance(value, list):
            return [node for item in value for node in ads_in(item)]
        return []

    for row in rows:
        ads = ads_in(row) + [node for value in row.values() for node in ads_in(value)]
        named = []
        if row.get("kind") in KINDS and isinstance(row.get("identifier") or row.get("key"), str):
            named.append(add(row["kind"], row.get("identifier") or row["key"]))  # a row that is one node
        for column, value in row.items():
            kind = _COLUMN_KINDS.get(column)
            values = value if isinstance(value, list) else [value]
            if kind:
                named += [add(kind, item) for item in values if isinstance(item, str) and item]
        for a in ads:
            edges.update((a, other) for other in named)
        if not ads:
            edges.update(zip(named, named[1:]))
    return {"nodes": sorted(nodes.values(), key=lambda n: n["id"]),
            "edges": [{"from": a, "to": b, "type": "IN_RESULT"} for a, b in sorted(edges) if a != b]}
