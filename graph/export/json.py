"""graph.json: the subgraph as one JSON document, exact (no character replaced, types kept).

    {"description": {the selection},
     "nodes": [{"id", "kind", "key", "label", "properties": {…}}, …],
     "edges": [{"id", "source", "target", "type", "properties": {…}}, …]}

Nodes in kind then key order, edges grouped by the node they leave; keys sorted; one node or edge
per line, so the file can be read (and diffed) line by line."""

from __future__ import annotations

import json
from typing import BinaryIO


def _dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def write(graph, out: BinaryIO) -> None:
    out.write(b'{"description":' + _dumps(graph.description) + b',\n"nodes":[')
    _items(out, (n.as_dict() for n in graph.nodes()))
    out.write(b'],\n"edges":[')
    _items(out, (e.as_dict() for e in graph.edges()))
    out.write(b"]}\n")


def _items(out: BinaryIO, items) -> None:
    first = True
    for item in items:
        out.write(b"\n" if first else b",\n")
        out.write(_dumps(item))
        first = False
    if not first:
        out.write(b"\n")


OUTPUTS = {"graph.json": write}
