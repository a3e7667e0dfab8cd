"""What an evidence export holds, read from Neo4j as plain sorted data, page by page.

A subgraph is a description (what was selected, with its parameters) and two streams: its nodes,
kind by kind in key order, then its relationships, grouped by the node they leave, in that node's
order. Every node comes with all its properties (times as ISO 8601 text), every relationship with
its own. An ad's versions are nodes of their own (`AdVersion`, joined by `HAS_VERSION`), each with
its version_id, fetched_at, title, body and the raw_sha256 of its archived page.

Left out: `Site` nodes (each ad names its site), and a face's embedding (a biometric template of
128 numbers; the image it was found in is exported).

Three ways to select (each returns a Subgraph):
  network(driver, network_id)            every ad of the network, what they link to, faces on their images
  nodes(driver, refs)                    the given nodes ("Ad:SITE/ID", "Phone:+1…") and the shortest
                                         chains of evidence between every two of them
  query_result(driver, refs, query, …)   the nodes a query's rows name, no paths added

A network is read in keyset pages (`page_size` nodes a query), so its size is bounded by nothing
but time; a set of nodes is held as keys (its size is what the caller chose)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Iterable, Iterator

import neo4j

from graph.explore import ad_key, parse_ref, ref, result_graph
from graph.queries import export as q
from graph.records import readable_phone
from graph.values import to_json

_READ = neo4j.RoutingControl.READ
KINDS = tuple(sorted(q.NETWORK_NODES))  # the order nodes come in
SOURCE_KINDS = tuple(sorted(q.EDGES))  # the kinds relationships leave, in the order they come in
PAGE_SIZE = 500
MAX_PATH_NODES = 100  # chosen nodes whose pairwise paths are searched (n² pairs)
_LEFT_OUT = {"Face": ("embedding",)}


class SelectionError(ValueError):
    """The selection names nothing that can be exported (an unknown network or node)."""


@dataclass(frozen=True)
class Node:
    id: str  # its reference, "KIND:KEY"
    kind: str
    key: str
    label: str  # what a person reads on a chart
    properties: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "key": self.key, "label": self.label,
                "properties": self.properties}


@dataclass(frozen=True)
class Edge:
    id: str
    source: str
    target: str
    type: str
    properties: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"id": self.id, "source": self.source, "target": self.target, "type": self.type,
                "properties": self.properties}


def edge_id(source: str, type_: str, target: str) -> str:
    """Unique: two nodes share at most one relationship of a type."""
    return f"{source}|{type_}|{target}"


def label(kind: str, key: str, props: dict) -> str:
    if kind in ("Ad", "AdVersion"):
        return props.get("title") or key
    if kind == "Phone":
        return readable_phone(key)
    if kind == "Location":
        return ", ".join(str(p) for p in (props.get("name"), props.get("region")) if p) or key
    if kind in ("Image", "Face"):
        return f"{kind.lower()} {key[:12]}"
    return key


def _node(kind: str, key: str, properties: dict) -> Node:
    props = {k: to_json(v) for k, v in sorted(properties.items())
             if v is not None and k not in _LEFT_OUT.get(kind, ())}
    return Node(ref(kind, key), kind, key, label(kind, key, props), props)


def _edges(kind: str, key: str, found: list[dict], keep=lambda target: True) -> list[Edge]:
    source = ref(kind, key)
    edges = []
    for e in found:
        target = ref(e["target_kind"], e["target_key"])
        if keep(target):
            props = {k: to_json(v) for k, v in sorted(e["properties"].items()) if v is not None}
            edges.append(Edge(edge_id(source, e["type"], target), source, target, e["type"], props))
    return sorted(edges, key=lambda e: (e.type, e.target))


class Subgraph:
    """A selection, read again from the database each time nodes() or edges() is iterated."""

    def __init__(self, driver: neo4j.Driver, description: dict, page_size: int = PAGE_SIZE):
        self.driver = driver
        self.description = description
        self.page_size = page_size
        self.pages = 0  # queries run so far (each returns at most page_size nodes)

    def _read(self, query: str, **params) -> list[neo4j.Record]:
        self.pages += 1
        return self.driver.execute_query(query, params, routing_=_READ).records

    def nodes(self) -> Iterator[Node]:
        raise NotImplementedError

    def edges(self) -> Iterator[Edge]:
        raise NotImplementedError


class NetworkSubgraph(Subgraph):
    def __init__(self, driver: neo4j.Driver, network_id: str, page_size: int = PAGE_SIZE):
        super().__init__(driver, {"selection": "network", "network_id": network_id}, page_size)
        self.network_id = network_id

    def _pages(self, query: str) -> Iterator[list[neo4j.Record]]:
        after = ""
        while True:
            records = self._read(query, network_id=self.network_id, after=after, limit=self.page_size)
            if records:
                yield records
            if len(records) < self.page_size:
                return
            after = records[-1]["key"]

    def nodes(self) -> Iterator[Node]:
        for kind in KINDS:
            for page in self._pages(q.NETWORK_NODES[kind]):
                for r in page:
                    yield _node(kind, r["key"], r["properties"])

    def edges(self) -> Iterator[Edge]:
        for kind in SOURCE_KINDS:
            for page in self._pages(q.NETWORK_EDGES[kind]):
                for r in page:
                    yield from _edges(kind, r["key"], r["edges"])


def _rows(kind: str, keys: Iterable[str]) -> list[dict]:
    if kind == "Ad":
        return [{"key": k, **dict(zip(("site", "site_ad_id"), ad_key(k)))} for k in keys]
    return [{"key": k} for k in keys]


def _chunks(items: list, size: int) -> Iterator[list]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


class NodeSetSubgraph(Subgraph):
    """Given nodes (as kind -> keys), with every relationship between two of them."""

    def __init__(self, driver: neo4j.Driver, members: dict[str, set[str]], description: dict,
                 page_size: int = PAGE_SIZE):
        super().__init__(driver, description, page_size)
        self.members = {kind: sorted(keys) for kind, keys in members.items() if keys}
        self._refs = {ref(kind, key) for kind, keys in members.items() for key in keys}

    def nodes(self) -> Iterator[Node]:
        for kind in KINDS:
            for chunk in _chunks(self.members.get(kind, []), self.page_size):
                found = {r["key"]: r["properties"] for r in self._read(q.NODES[kind], rows=_rows(kind, chunk))}
                for key in chunk:
                    if key in found:
                        yield _node(kind, key, found[key])

    def edges(self) -> Iterator[Edge]:
        for kind in SOURCE_KINDS:
            for chunk in _chunks(self.members.get(kind, []), self.page_size):
                found = {r["key"]: r["edges"] for r in self._read(q.EDGES[kind], rows=_rows(kind, chunk))}
                for key in chunk:
                    yield from _edges(kind, key, found.get(key, []), keep=self._refs.__contains__)


def network(driver: neo4j.Driver, network_id: str, page_size: int = PAGE_SIZE) -> NetworkSubgraph:
    ads = driver.execute_query(q.NETWORK_SIZE, network_id=network_id, routing_=_READ).records[0]["ads"]
    if not ads:
        from graph.networks import successor

        now = successor(driver, network_id)
        if now != network_id:  # said, not swapped silently: the package names what it holds
            raise SelectionError(f"network {network_id} was merged into network {now}, which holds its ads now: "
                                 f"export {now} (its page lists the merge)")
        raise SelectionError(f"there is no network {network_id!r} (network ids are on the network pages "
                             "and in `adgraph networks why`)")
    return NetworkSubgraph(driver, network_id, page_size)


def _parse(refs: Iterable[str]) -> dict[str, set[str]]:
    members: dict[str, set[str]] = {}
    for text in refs:
        try:
            kind, key = parse_ref(text)
        except ValueError as exc:
            raise SelectionError(str(exc)) from None
        members.setdefault(kind, set()).add(key)
    if not members:
        raise SelectionError("no nodes to export: name at least one, as KIND:KEY (Ad:SITE/ID, Phone:+1…)")
    return members


def _resolve(driver: neo4j.Driver, members: dict[str, set[str]]) -> dict[str, str]:
    """ref -> element id of every given node; SelectionError naming those that do not exist."""
    found: dict[str, str] = {}
    for kind, keys in sorted(members.items()):
        for chunk in _chunks(sorted(keys), PAGE_SIZE):
            for r in driver.execute_query(q.RESOLVE[kind], rows=_rows(kind, chunk), routing_=_READ).records:
                found[ref(kind, r["key"])] = r["element_id"]
    missing = sorted({ref(kind, key) for kind, keys in members.items() for key in keys} - set(found))
    if missing:
        raise SelectionError(f"not in the graph: {', '.join(missing[:20])}" + (" …" if len(missing) > 20 else ""))
    return found


def _with_versions(driver: neo4j.Driver, members: dict[str, set[str]]) -> None:
    for chunk in _chunks(sorted(members.get("Ad", ())), PAGE_SIZE):
        rows = driver.execute_query(q.VERSIONS, rows=_rows("Ad", chunk), routing_=_READ).records
        members.setdefault("AdVersion", set()).update(r["key"] for r in rows)


def nodes(driver: neo4j.Driver, refs: Iterable[str], page_size: int = PAGE_SIZE) -> NodeSetSubgraph:
    """The given nodes, the shortest chain of evidence between every two of them (when there is one),
    and the versions of every ad among them."""
    chosen = sorted(set(refs))
    members = _parse(chosen)
    ids = _resolve(driver, members)
    if len(ids) > MAX_PATH_NODES:
        raise SelectionError(f"{len(ids)} nodes: paths are searched between at most {MAX_PATH_NODES}; "
                             "export a network or a query result for more")
    pairs = [[ids[a], ids[b]] for a, b in itertools.combinations(sorted(ids), 2)]
    unconnected = 0
    for chunk in _chunks(pairs, 200):
        for r in driver.execute_query(q.PATHS, pairs=chunk, routing_=_READ).records:
            if r["nodes"] is None:
                unconnected += 1
                continue
            for n in r["nodes"]:
                members.setdefault(n["kind"], set()).add(n["key"])
    _with_versions(driver, members)
    return NodeSetSubgraph(driver, members, {"selection": "nodes", "refs": chosen, "paths": "shortest",
                                             "pairs": len(pairs), "pairs_without_path": unconnected}, page_size)


def query_result(driver: neo4j.Driver, refs: Iterable[str], query: str, parameters: dict,
                 name: str | None = None, page_size: int = PAGE_SIZE) -> NodeSetSubgraph:
    """The nodes a query's result names (the caller reads them out of its rows) with the versions of
    its ads and the relationships between them; the query and its parameters describe the export."""
    members = _parse(refs)
    _resolve(driver, members)
    _with_versions(driver, members)
    return NodeSetSubgraph(driver, members, {"selection": "query", "name": name, "query": query,
                                             "parameters": to_json(parameters)}, page_size)


def saved_query_result(driver: neo4j.Driver, query, rows: list[dict], values: dict,
                       page_size: int = PAGE_SIZE) -> NodeSetSubgraph:
    """query_result for a saved query (graph.stored_queries) that was run with these values: the
    nodes its rows name (graph.explore.result_graph), described by its Cypher and bound parameters."""
    refs = [node["id"] for node in result_graph(rows)["nodes"]]
    return query_result(driver, refs, query.cypher, query.bind(values), query.name, page_size)
