"""The graph model from model.yaml, and the constraints and indexes generated from it.

Labels and property names cannot be Cypher parameters, so they are checked
against a strict identifier pattern when the model loads; nothing else is
ever formatted into a query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import neo4j
import yaml

MODEL_FILE = Path(__file__).with_name("model.yaml")
IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
SIMILARITIES = {"cosine", "euclidean"}


class ModelError(Exception):
    """model.yaml is malformed; the message names the node or relationship."""


@dataclass(frozen=True)
class VectorIndex:
    name: str
    property: str
    dimensions: int
    similarity: str


@dataclass(frozen=True)
class NodeType:
    label: str
    description: str
    key: tuple[str, ...]
    indexes: tuple[str, ...] = ()
    fulltext: tuple[str, tuple[str, ...]] | None = None
    vector: VectorIndex | None = None


@dataclass(frozen=True)
class RelType:
    type: str
    source: str
    target: str
    properties: tuple[str, ...] = ()


@dataclass(frozen=True)
class Model:
    nodes: dict[str, NodeType] = field(default_factory=dict)
    relationships: dict[str, RelType] = field(default_factory=dict)

    def schema_statements(self) -> list[str]:
        """Idempotent DDL: every statement is IF NOT EXISTS, so applying it twice changes nothing."""
        out: list[str] = []
        for node in self.nodes.values():
            var_props = ", ".join(f"n.{p}" for p in node.key)
            key = f"({var_props})" if len(node.key) > 1 else var_props
            out.append(f"CREATE CONSTRAINT {_snake(node.label)}_key IF NOT EXISTS "
                       f"FOR (n:{node.label}) REQUIRE {key} IS UNIQUE")
            for prop in node.indexes:
                out.append(f"CREATE RANGE INDEX {_snake(node.label)}_{prop} IF NOT EXISTS "
                           f"FOR (n:{node.label}) ON (n.{prop})")
            if node.fulltext:
                name, props = node.fulltext
                out.append(f"CREATE FULLTEXT INDEX {name} IF NOT EXISTS FOR (n:{node.label}) "
                           f"ON EACH [{', '.join(f'n.{p}' for p in props)}]")
            if node.vector:
                v = node.vector
                out.append(f"CREATE VECTOR INDEX {v.name} IF NOT EXISTS FOR (n:{node.label}) ON (n.{v.property}) "
                           f"OPTIONS {{indexConfig: {{`vector.dimensions`: {v.dimensions}, "
                           f"`vector.similarity_function`: '{v.similarity}'}}}}")
        return out

    def count_query(self) -> str:
        """One query returning (label, count) per declared label, each count read from the counts store."""
        return " UNION ALL ".join(
            f"MATCH (n:{label}) RETURN '{label}' AS label, count(n) AS count" for label in self.nodes
        )


def _snake(label: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", label).lower()


def _ident(value, where: str) -> str:
    if not isinstance(value, str) or not IDENTIFIER.match(value):
        raise ModelError(f"{where}: {value!r} is not a valid identifier (letters, digits, underscore)")
    return value


def _idents(values, where: str) -> tuple[str, ...]:
    if not isinstance(values, list):
        raise ModelError(f"{where}: expected a list, got {values!r}")
    return tuple(_ident(v, where) for v in values)


def parse_model(doc: dict) -> Model:
    if not isinstance(doc, dict) or not isinstance(doc.get("nodes"), dict) or not isinstance(doc.get("relationships"), dict):
        raise ModelError("the model needs 'nodes' and 'relationships' mappings")
    nodes: dict[str, NodeType] = {}
    for label, spec in doc["nodes"].items():
        where = f"node {label}"
        _ident(label, where)
        if not isinstance(spec, dict) or not spec.get("key"):
            raise ModelError(f"{where}: needs a non-empty 'key'")
        unknown = set(spec) - {"description", "key", "indexes", "fulltext", "vector"}
        if unknown:
            raise ModelError(f"{where}: unknown fields {sorted(unknown)}")
        fulltext = None
        if "fulltext" in spec:
            ft = spec["fulltext"]
            fulltext = (_ident(ft.get("name"), f"{where} fulltext"), _idents(ft.get("properties"), f"{where} fulltext"))
        vector = None
        if "vector" in spec:
            v = spec["vector"]
            if not isinstance(v.get("dimensions"), int) or v["dimensions"] <= 0 or v.get("similarity") not in SIMILARITIES:
                raise ModelError(f"{where} vector: needs positive integer 'dimensions' and similarity in {sorted(SIMILARITIES)}")
            vector = VectorIndex(_ident(v.get("name"), f"{where} vector"), _ident(v.get("property"), f"{where} vector"),
                                 v["dimensions"], v["similarity"])
        nodes[label] = NodeType(label, str(spec.get("description", "")), _idents(spec["key"], f"{where} key"),
                                _idents(spec.get("indexes", []), f"{where} indexes"), fulltext, vector)
    rels: dict[str, RelType] = {}
    for rtype, spec in doc["relationships"].items():
        where = f"relationship {rtype}"
        _ident(rtype, where)
        for end in ("source", "target"):
            if spec.get(end) not in nodes:
                raise ModelError(f"{where}: {end} {spec.get(end)!r} is not a declared node")
        rels[rtype] = RelType(rtype, spec["source"], spec["target"], _idents(spec.get("properties", []), where))
    return Model(nodes, rels)


@cache
def load_model(path: Path = MODEL_FILE) -> Model:
    with path.open() as fh:
        return parse_model(yaml.safe_load(fh))


def apply_schema(driver: neo4j.Driver, model: Model | None = None) -> int:
    """Create every constraint and index the model declares; returns how many were new (0 when run again)."""
    model = model or load_model()
    created = 0
    for statement in model.schema_statements():
        summary = driver.execute_query(statement).summary  # type: ignore[arg-type]  # generated from validated identifiers
        created += summary.counters.constraints_added + summary.counters.indexes_added
    # Wait so the first queries after start can use the indexes.
    driver.execute_query("CALL db.awaitIndexes(300)")
    return created
