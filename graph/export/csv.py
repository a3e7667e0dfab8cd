"""nodes.csv and edges.csv, laid out for import into i2 Analyst's Notebook and Maltego.

One row per entity, one per link, a header row first; UTF-8 with a byte-order mark (so Excel and
the i2 import wizard read the text right), comma-separated, every field quoted, rows ending CRLF
(RFC 4180). Times are ISO 8601 in UTC ("2026-11-01T10:00:00+00:00"); lists and maps are compact
JSON; an empty cell is a property the node does not have.

nodes.csv
    entity_id     the node's reference, unique: "Phone:+12025550101", "Ad:demo/1042"
    entity_type   Ad, AdVersion, Phone, Email, Handle, Image, Face, Location
    label         what to show on the chart: an ad's title, a phone in national format, a place's name
    then one column per property, sorted by name, over every kind (e.g. body, e164, fetched_at,
    first_seen, raw_sha256, sha256, title…): map each entity type's own columns on import.

edges.csv
    link_id       unique: "FROM|TYPE|TO"
    from_id, from_type, to_id, to_type
                  the two ends (entity_id and entity_type as in nodes.csv), in the relationship's direction
    link_type     HAS_VERSION, HAS_PHONE, HAS_EMAIL, HAS_HANDLE, HAS_IMAGE, IN_LOCATION, HAS_FACE,
                  NEAR_DUPLICATE, SAME_FACE
    then one column per property (first_seen, last_seen, raw, url, distance, similarity…)

In i2 Analyst's Notebook, import edges.csv with "entity – link – entity" columns (from_id /
from_type, link_type, to_id / to_type) and nodes.csv to attribute the entities; in Maltego, import
nodes.csv mapping entity_type to entity types (Phone -> maltego.PhoneNumber, Email ->
maltego.EmailAddress, Location -> maltego.Location…) and edges.csv as links.

A cell a spreadsheet would run as a formula (starting with =, @, a tab or carriage return, or + or -
followed by something other than a number) is written with a leading apostrophe; ad text comes from
the people under investigation. Characters XML cannot hold are replaced with U+FFFD here too, so the
CSV and XML files agree; graph.json keeps the exact text."""

from __future__ import annotations

import csv
import io
import re
from typing import BinaryIO

from graph.export.text import column_names, flat, xml_safe

NODE_COLUMNS = ("entity_id", "entity_type", "label")
EDGE_COLUMNS = ("link_id", "from_id", "from_type", "to_id", "to_type", "link_type")
_FORMULA = re.compile(r"^(?:[=@\t\r]|[+-](?![0-9 ().]*$))")


def cell(text: str) -> str:
    text = xml_safe(text)
    return "'" + text if _FORMULA.match(text) else text


def _writer(out: BinaryIO):
    stream = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    return stream, csv.writer(stream, quoting=csv.QUOTE_ALL, lineterminator="\r\n")


def _rows(out: BinaryIO, header: list[str], rows) -> None:
    stream, writer = _writer(out)
    try:
        writer.writerow(header)
        for row in rows:
            writer.writerow([cell(v) for v in row])
    finally:
        stream.flush()
        stream.detach()  # leave `out` open: it belongs to the caller


def write_nodes(graph, out: BinaryIO) -> None:
    fields = graph.node_fields
    names = column_names(fields, NODE_COLUMNS)
    _rows(out, [*NODE_COLUMNS, *names.values()],
          ([n.id, n.kind, n.label, *(flat(n.properties[p], t) if p in n.properties else "" for p, t in fields.items())]
           for n in graph.nodes()))


def write_edges(graph, out: BinaryIO) -> None:
    fields = graph.edge_fields
    names = column_names(fields, EDGE_COLUMNS)
    _rows(out, [*EDGE_COLUMNS, *names.values()],
          ([e.id, e.source, e.source.partition(":")[0], e.target, e.target.partition(":")[0], e.type,
            *(flat(e.properties[p], t) if p in e.properties else "" for p, t in fields.items())]
           for e in graph.edges()))


OUTPUTS = {"nodes.csv": write_nodes, "edges.csv": write_edges}
