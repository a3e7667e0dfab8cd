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
        params["site"], _, params["site_ad_id"] = key.partition("/")
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
