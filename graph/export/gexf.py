"""GEXF 1.3 (https://gexf.net/): Gephi's own format, read by networkx.read_gexf too.

Static, directed. Node ids are the node references ("Phone:+12025550101") and labels what a person
reads (an ad's title, a phone in national format); edges are labelled with their type. Attributes
are declared first, typed (string, long, double, boolean): `kind` and `key` for nodes, then every
property by its own name. The selection is in the meta description, as JSON."""

from __future__ import annotations

import json
from typing import BinaryIO

from graph.export.text import column_names, flat
from graph.export.xmlstream import XmlWriter

NS = "http://gexf.net/1.3"
NODE_BUILTINS = ("kind", "key")


def write(graph, out: BinaryIO) -> None:
    xml = XmlWriter(out)
    xml.start("gexf", {"xmlns": NS, "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
                       "xsi:schemaLocation": f"{NS} {NS}/gexf.xsd", "version": "1.3"})
    xml.start("meta")
    xml.leaf("creator", None, "adgraph")
    xml.leaf("description", None, json.dumps(graph.description, ensure_ascii=False, sort_keys=True))
    xml.end()
    xml.start("graph", {"defaultedgetype": "directed", "mode": "static"})
    node_ids = _attributes(xml, "node", NODE_BUILTINS, graph.node_fields)
    edge_ids = _attributes(xml, "edge", (), graph.edge_fields)
    xml.start("nodes")
    for n in graph.nodes():
        xml.start("node", {"id": n.id, "label": n.label})
        _values(xml, node_ids, {"kind": n.kind, "key": n.key}, n.properties, graph.node_fields)
        xml.end()
    xml.end()
    xml.start("edges")
    for e in graph.edges():
        xml.start("edge", {"id": e.id, "source": e.source, "target": e.target, "label": e.type})
        _values(xml, edge_ids, {}, e.properties, graph.edge_fields)
        xml.end()
    xml.end()
    xml.close()


def _attributes(xml: XmlWriter, domain: str, builtins: tuple[str, ...], fields: dict[str, str]) -> dict:
    names = column_names(fields, builtins)
    declared = [(("builtin", b), b, "string") for b in builtins]
    declared += [(("property", p), names[p], t) for p, t in fields.items()]
    if not declared:
        return {}
    xml.start("attributes", {"class": domain, "mode": "static"})
    ids = {}
    for n, (which, title, type_) in enumerate(declared):
        ids[which] = str(n)
        xml.leaf("attribute", {"id": str(n), "title": title, "type": type_})
    xml.end()
    return ids


def _values(xml: XmlWriter, ids: dict, builtins: dict[str, str], properties: dict, fields: dict[str, str]) -> None:
    if not builtins and not properties:
        return
    xml.start("attvalues")
    for name, value in builtins.items():
        xml.leaf("attvalue", {"for": ids[("builtin", name)], "value": value})
    for name, value in properties.items():
        xml.leaf("attvalue", {"for": ids[("property", name)], "value": flat(value, fields[name])})
    xml.end()


OUTPUTS = {"graph.gexf": write}
