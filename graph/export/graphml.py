"""GraphML (http://graphml.graphdrawing.org/): for yEd, Gephi, Cytoscape and networkx.read_graphml.

Typed keys (attr.type string, long, double, boolean), one per property, declared before the graph:
nodes carry `kind`, `key` and `label`, edges `type`, then every property by its own name. Node ids
are the node references ("Phone:+12025550101") with each character that an XML NMTOKEN cannot hold,
and `_`, written as `_HEX_` ("Phone:_2B_12025550101"), so the file is valid GraphML; `kind` and `key`
carry the reference as it is. The graph's `description` is the selection as JSON."""

from __future__ import annotations

import json
import re
from typing import BinaryIO

from graph.export.text import column_names, flat
from graph.export.xmlstream import XmlWriter

NS = "http://graphml.graphdrawing.org/xmlns"
NODE_BUILTINS = ("kind", "key", "label")
EDGE_BUILTINS = ("type",)
_NOT_NMTOKEN = re.compile(r"[^A-Za-z0-9.:\-]")


def nmtoken(ref: str) -> str:
    return _NOT_NMTOKEN.sub(lambda m: f"_{ord(m.group()):X}_", ref)


def write(graph, out: BinaryIO) -> None:
    xml = XmlWriter(out)
    xml.start("graphml", {"xmlns": NS, "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
                          "xsi:schemaLocation": f"{NS} {NS}/1.0/graphml.xsd"})
    xml.leaf("key", {"id": "g0", "for": "graph", "attr.name": "description", "attr.type": "string"})
    node_keys = _keys(xml, "node", "n", NODE_BUILTINS, graph.node_fields)
    edge_keys = _keys(xml, "edge", "e", EDGE_BUILTINS, graph.edge_fields)
    xml.start("graph", {"id": "G", "edgedefault": "directed"})
    xml.leaf("data", {"key": "g0"}, json.dumps(graph.description, ensure_ascii=False, sort_keys=True))
    for n in graph.nodes():
        xml.start("node", {"id": nmtoken(n.id)})
        _data(xml, node_keys, {"kind": n.kind, "key": n.key, "label": n.label}, n.properties, graph.node_fields)
        xml.end()
    for e in graph.edges():
        xml.start("edge", {"id": nmtoken(e.id), "source": nmtoken(e.source), "target": nmtoken(e.target)})
        _data(xml, edge_keys, {"type": e.type}, e.properties, graph.edge_fields)
        xml.end()
    xml.close()


def _keys(xml: XmlWriter, domain: str, prefix: str, builtins: tuple[str, ...], fields: dict[str, str]) -> dict:
    """Declare the keys of one domain; returns built-in name or property -> key id."""
    ids: dict[tuple[str, str], str] = {}
    names = column_names(fields, builtins)
    declared = [(("builtin", b), b, "string") for b in builtins]
    declared += [(("property", p), names[p], t) for p, t in fields.items()]
    for n, (which, name, type_) in enumerate(declared):
        ids[which] = f"{prefix}{n}"
        xml.leaf("key", {"id": f"{prefix}{n}", "for": domain, "attr.name": name, "attr.type": type_})
    return ids


def _data(xml: XmlWriter, keys: dict, builtins: dict[str, str], properties: dict, fields: dict[str, str]) -> None:
    for name, value in builtins.items():
        xml.leaf("data", {"key": keys[("builtin", name)]}, value)
    for name, value in properties.items():
        xml.leaf("data", {"key": keys[("property", name)]}, flat(value, fields[name]))


OUTPUTS = {"graph.graphml": write}
