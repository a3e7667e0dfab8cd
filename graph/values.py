"""Neo4j result values as plain JSON: what `adgraph cypher` prints and what later APIs return."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import neo4j.graph
import neo4j.spatial
import neo4j.time


def to_json(value):
    """Nodes and relationships become maps with their element id, labels or type, and properties;
    temporal values become ISO 8601 strings; points become {srid, x, y[, z]}."""
    if isinstance(value, neo4j.graph.Node):
        return {"_id": value.element_id, "_labels": sorted(value.labels), **{k: to_json(v) for k, v in value.items()}}
    if isinstance(value, neo4j.graph.Relationship):
        return {"_id": value.element_id, "_type": value.type,
                "_start": value.start_node.element_id, "_end": value.end_node.element_id,
                **{k: to_json(v) for k, v in value.items()}}
    if isinstance(value, neo4j.graph.Path):
        return {"nodes": [to_json(n) for n in value.nodes], "relationships": [to_json(r) for r in value.relationships]}
    if isinstance(value, (neo4j.time.DateTime, neo4j.time.Time)):
        # Microseconds read like everywhere else; nanoseconds only when there are some.
        return value.to_native().isoformat() if value.nanosecond % 1000 == 0 else value.iso_format()
    if isinstance(value, neo4j.time.Date):
        return value.iso_format()
    if isinstance(value, neo4j.time.Duration):
        return str(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, neo4j.spatial.Point):
        return {"srid": value.srid, **dict(zip("xyz", value, strict=False))}
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, bytes):
        return value.hex()
    return value
