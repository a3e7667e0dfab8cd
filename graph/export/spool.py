"""A subgraph read once from the database into two files on disk, then read back by every format.

One read means every file of a package shows the same graph even when a crawl lands meanwhile, and
the formats that declare their columns first (GraphML, GEXF, CSV) learn every property and its type
on the way, while memory holds one page at a time. Each page is its own read (Neo4j Community has
no snapshot across reads); keyset pages in a fixed order neither repeat nor skip a node that was
there when the export began. Ads moving out of a network while it is exported (a crawl merging
networks, an admin's `networks ignore` or `rebuild`) could leave a relationship pointing at an ad
no longer read: that is checked after the read, and the export refused (ChangedDuringExport) rather
than signed. The files go in a temporary folder next to the package (disk, not memory, bounds an
export; the check holds the node ids only)."""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import Callable, Iterator

import orjson

from graph.export.subgraph import Edge, Node, Subgraph

# Property types, as GraphML and GEXF name them; lists and maps are written as JSON text.
STRING, LONG, DOUBLE, BOOLEAN = "string", "long", "double", "boolean"


def _type_of(value) -> str:
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int):
        return LONG
    if isinstance(value, float):
        return DOUBLE
    return STRING


def _merge(old: str | None, new: str) -> str:
    if old is None or old == new:
        return new
    if {old, new} == {LONG, DOUBLE}:
        return DOUBLE
    return STRING


class ChangedDuringExport(RuntimeError):
    """The graph changed under the export: a relationship points at a node that was not read."""


class SpooledGraph:
    """Nodes and edges in sorted order, with what formats need to know first: every property name
    with its type (node_fields, edge_fields: name -> type, sorted by name) and the counts."""

    def __init__(self, subgraph: Subgraph, folder: Path | None = None,
                 progress: Callable[[str, int], None] = lambda stage, n: None):
        self.description = dict(subgraph.description)
        self._dir = Path(tempfile.mkdtemp(prefix=".adgraph-export-", dir=folder))
        node_fields: dict[str, str] = {}
        edge_fields: dict[str, str] = {}
        self.node_counts: Counter[str] = Counter()
        self.edge_counts: Counter[str] = Counter()
        try:
            # Relationships first: a crawl that lands meanwhile can then add nodes without
            # relationships, never relationships without their nodes (nothing is ever deleted).
            with (self._dir / "edges.jsonl").open("wb") as out:
                for e in subgraph.edges():
                    self._add_fields(edge_fields, e.properties)
                    self.edge_counts[e.type] += 1
                    out.write(orjson.dumps(e.as_dict()) + b"\n")
                    progress("edges", 1)
            ids = set()
            with (self._dir / "nodes.jsonl").open("wb") as out:
                for n in subgraph.nodes():
                    self._add_fields(node_fields, n.properties)
                    self.node_counts[n.kind] += 1
                    ids.add(n.id)
                    out.write(orjson.dumps(n.as_dict()) + b"\n")
                    progress("nodes", 1)
            for e in self.edges():
                if e.source not in ids or e.target not in ids:
                    raise ChangedDuringExport(
                        "the graph changed while it was being exported (a crawl merged networks, or an admin "
                        f"recomputed them): {e.type} {e.source} -> {e.target} points at a node not read. "
                        "Nothing was written; export again")
        except BaseException:
            self.close()
            raise
        self.node_fields = dict(sorted(node_fields.items()))
        self.edge_fields = dict(sorted(edge_fields.items()))

    @staticmethod
    def _add_fields(fields: dict[str, str], properties: dict) -> None:
        for name, value in properties.items():
            fields[name] = _merge(fields.get(name), _type_of(value))

    @property
    def counts(self) -> dict:
        return {"nodes": dict(sorted(self.node_counts.items())), "edges": dict(sorted(self.edge_counts.items())),
                "node_total": sum(self.node_counts.values()), "edge_total": sum(self.edge_counts.values())}

    def nodes(self) -> Iterator[Node]:
        with (self._dir / "nodes.jsonl").open("rb") as lines:
            for line in lines:
                yield Node(**orjson.loads(line))

    def edges(self) -> Iterator[Edge]:
        with (self._dir / "edges.jsonl").open("rb") as lines:
            for line in lines:
                yield Edge(**orjson.loads(line))

    def close(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> "SpooledGraph":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
