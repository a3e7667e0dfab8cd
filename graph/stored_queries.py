"""Saved pattern queries: named, documented Cypher with typed parameters, run read-only with a time
limit and a row limit. Modelled on Datasette's stored queries (name, title, description, typed named
parameters).

The shipped library is one YAML file per query in graph/library/, validated when it loads; queries
users save (kept by the web app) go through the same model with `StoredQuery.from_dict`. A query's
sort order and limits are part of its Cypher: parameters are values, never Cypher text, and the row
limit is the caller's, not the user's.

Results name the nodes they are about so they can be drawn as a network: an ad by the columns
`site` and `site_ad_id` (with `network_id`), or by maps {site, site_ad_id, network_id} in a list
column `ads` (or a column ending in `_ad`); a phone by its E.164 in `phone` / `phones`; an email in
`email`; an image by its SHA-256 in `image` / `images`; a face by `face_id` / `faces`; a network by
`network_id`.

Every run is refused unless the database's own plan of the query (EXPLAIN, with the bound
parameters) shows it only reads: no write, no schema or administration command, no LOAD CSV, no
SHOW command, and no procedure outside PROCEDURES. It then runs in a READ transaction, which
Neo4j also refuses to let write.
"""

from __future__ import annotations

import difflib
import itertools
import math
import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any, Mapping

import neo4j
import yaml
from neo4j.exceptions import DriverError, Neo4jError

from graph.values import to_json

LIBRARY_DIR = Path(__file__).with_name("library")
NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
PARAMETER_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
TYPES = ("int", "float", "string", "bool", "date", "datetime", "duration_days", "list_string")
FIELDS = {"name", "title", "description", "cypher", "parameters", "columns"}
PARAMETER_FIELDS = {"type", "description", "default", "required", "min", "max"}

# Procedures a saved query may call: index lookups and the names of labels. Anything else (dbms.*,
# db.create*, plugins) is refused, whatever mode it declares.
PROCEDURES = frozenset({"db.index.fulltext.queryNodes", "db.index.vector.queryNodes", "db.labels",
                        "db.relationshipTypes", "db.propertyKeys"})
ROW_LIMIT = 1000
TIMEOUT_S = 30.0


# ---- errors ------------------------------------------------------------------------------

class StoredQueryError(Exception):
    """Anything a saved query, its parameters or its run can get wrong; str() says what to do."""


class QueryDefinitionError(StoredQueryError):
    """A query's definition (a library file, a saved query) is malformed; the message names where and which field."""


class UnknownQuery(StoredQueryError):
    """No query has that name."""


class ParameterError(StoredQueryError):
    """Parameter values do not fit the query: `errors` has one message per parameter."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


class QueryRefused(StoredQueryError):
    """The query would write, load files or URLs, or call a procedure that is not allowed."""


class QueryTimeout(StoredQueryError):
    """The query ran past its time limit and was stopped."""


class QueryFailed(StoredQueryError):
    """The database could not run the query (a Cypher error); the message is the database's."""


# ---- the model ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    description: str
    default: Any = None
    required: bool = True
    min: float | None = None
    max: float | None = None

    def coerce(self, value: Any) -> Any:
        """The value as Cypher gets it. Strings (the command line's key=value, a web form) are parsed;
        other values (JSON from the API) must already have the right type. None is None."""
        if value is None:
            return None
        out = _COERCE[self.type](self, value)
        if self.min is not None and out < self.min:
            raise ValueError(f"parameter {self.name} must be at least {_number(self.min)}, not {_number(out)}")
        if self.max is not None and out > self.max:
            raise ValueError(f"parameter {self.name} must be at most {_number(self.max)}, not {_number(out)}")
        return out

    def to_dict(self) -> dict:
        out = {"type": self.type, "description": self.description, "required": self.required}
        if not self.required:
            out["default"] = to_json(self.default)
        out.update({k: v for k, v in (("min", self.min), ("max", self.max)) if v is not None})
        return out


@dataclass(frozen=True)
class StoredQuery:
    name: str
    title: str
    description: str
    cypher: str
    parameters: dict[str, Parameter] = field(default_factory=dict)
    columns: dict[str, str] | None = None  # result column -> what it holds (the shipped queries declare them)

    @classmethod
    def from_dict(cls, data: Any, origin: str = "query") -> "StoredQuery":
        """Validate a definition (a parsed library file, or a user's saved query); the error names
        `origin` and the field."""
        def fail(where: str, problem: str) -> QueryDefinitionError:
            return QueryDefinitionError(f"{origin}: {where}: {problem}")

        if not isinstance(data, dict):
            raise QueryDefinitionError(f"{origin}: must be a mapping of {sorted(FIELDS)}")
        if unknown := sorted(set(data) - FIELDS):
            raise fail(unknown[0], f"unknown field (the fields are {', '.join(sorted(FIELDS))})")
        for key in ("name", "title", "description", "cypher"):
            if not isinstance(data.get(key), str) or not data[key].strip():
                raise fail(key, "is required, as non-empty text")
        if not NAME.match(data["name"]):
            raise fail("name", f"{data['name']!r} must be lower case letters, digits and _ (starting with a letter)")
        specs = data.get("parameters") or {}
        if not isinstance(specs, dict):
            raise fail("parameters", "must be a mapping of parameter name to {type, description, default}")
        parameters = {name: _parameter(name, spec, fail) for name, spec in specs.items()}
        columns = data.get("columns")
        if columns is not None and (not isinstance(columns, dict) or not all(
                isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in columns.items())):
            raise fail("columns", "must be a mapping of column name to its description")
        used = cypher_parameters(data["cypher"])
        if missing := sorted(used - set(parameters)):
            raise fail("cypher", f"uses ${missing[0]}, which is not declared under parameters")
        if unused := sorted(set(parameters) - used):
            raise fail(f"parameters.{unused[0]}", "is declared but the cypher never uses it")
        return cls(name=data["name"], title=data["title"].strip(), description=data["description"].strip(),
                   cypher=data["cypher"], parameters=parameters, columns=dict(columns) if columns else None)

    def to_dict(self, cypher: bool = True) -> dict:
        """JSON-ready, in the shape from_dict reads (parameters with `required` added)."""
        out = {"name": self.name, "title": self.title, "description": self.description,
               "parameters": {name: p.to_dict() for name, p in self.parameters.items()}}
        if self.columns is not None:
            out["columns"] = dict(self.columns)
        if cypher:
            out["cypher"] = self.cypher
        return out

    def bind(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The Cypher parameters for these values (strings or JSON values), defaults filled in for
        those not given (absent, null, or blank text for a type other than text). Raises
        ParameterError listing every problem at once."""
        errors = [f"unknown parameter {name!r}" + _suggest(name, self.parameters, " (did you mean {}?)")
                  for name in values if name not in self.parameters]
        if errors and self.parameters:
            errors[-1] += f"; this query takes {', '.join(self.parameters)}"
        elif errors:
            errors[-1] += "; this query takes no parameters"
        out: dict[str, Any] = {}
        for name, parameter in self.parameters.items():
            value = values.get(name)
            if isinstance(value, str) and not value.strip() and parameter.type not in ("string", "list_string"):
                value = None  # an empty form field or `key=`: not given
            if value is not None:
                try:
                    out[name] = parameter.coerce(value)
                except ValueError as exc:
                    errors.append(str(exc))
            elif parameter.required:
                errors.append(f"parameter {name} is required ({parameter.type}: {parameter.description})")
            else:
                out[name] = parameter.default
        if errors:
            raise ParameterError(errors)
        return out


def _parameter(name: Any, spec: Any, fail) -> Parameter:
    where = f"parameters.{name}"
    if not isinstance(name, str) or not PARAMETER_NAME.match(name):
        raise fail(where, "a parameter name is letters, digits and _ (starting with a letter or _)")
    if not isinstance(spec, dict):
        raise fail(where, "must be a mapping with type, description and optionally default")
    if unknown := sorted(set(spec) - PARAMETER_FIELDS):
        raise fail(f"{where}.{unknown[0]}", f"unknown field (a parameter has {', '.join(sorted(PARAMETER_FIELDS))})")
    if spec.get("type") not in TYPES:
        raise fail(f"{where}.type", f"{spec.get('type')!r} is not one of {', '.join(TYPES)}")
    if not isinstance(spec.get("description"), str) or not spec["description"].strip():
        raise fail(f"{where}.description", "is required, as non-empty text")
    bounds = {}
    for key in ("min", "max"):
        if key in spec:
            if spec["type"] not in ("int", "float", "duration_days"):
                raise fail(f"{where}.{key}", f"only numbers have bounds, not {spec['type']}")
            if isinstance(spec[key], bool) or not isinstance(spec[key], (int, float)):
                raise fail(f"{where}.{key}", f"must be a number, not {spec[key]!r}")
            bounds[key] = spec[key]
    required = spec.get("required", "default" not in spec)  # required: false and no default means null
    if not isinstance(required, bool) or (required and "default" in spec):
        raise fail(f"{where}.required", "is true (and then there is no default) or false")
    parameter = Parameter(name, spec["type"], spec["description"].strip(), required=required, **bounds)
    if "default" in spec:
        try:
            default = parameter.coerce(spec["default"])
        except ValueError as exc:
            raise fail(f"{where}.default", str(exc)) from None
        parameter = Parameter(name, spec["type"], parameter.description, default, False, **bounds)
    return parameter


# Literals and comments are removed before looking for $names, so '$5' in a string is no parameter.
_NOT_CODE = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|//[^\n]*|/\*.*?\*/", re.S)
_PARAMETER = re.compile(r"\$(?:([A-Za-z_][A-Za-z0-9_]*)|`([^`]+)`)")


def cypher_parameters(cypher: str) -> set[str]:
    """The $parameters a Cypher text uses."""
    return {a or b for a, b in _PARAMETER.findall(_NOT_CODE.sub(" ", cypher))}


# ---- parameter types ---------------------------------------------------------------------

def _int(p: Parameter, value: Any) -> int:
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise ValueError(f"parameter {p.name} must be a whole number, not {_show(value)}")


def _float(p: Parameter, value: Any) -> float:
    try:
        out = float(value.strip()) if isinstance(value, str) else None
    except ValueError:
        out = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        out = float(value)
    if out is None or not math.isfinite(out):
        raise ValueError(f"parameter {p.name} must be a number, not {_show(value)}")
    return out


def _string(p: Parameter, value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"parameter {p.name} must be text, not {_show(value)}")
    return value


_TRUE, _FALSE = {"true", "yes", "1", "on"}, {"false", "no", "0", "off"}


def _bool(p: Parameter, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError(f"parameter {p.name} must be true or false, not {_show(value)}")


def _date(p: Parameter, value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"parameter {p.name} must be a date like 2026-11-01, not {_show(value)}")


def _datetime(p: Parameter, value: Any) -> datetime:
    parsed = value if isinstance(value, datetime) else None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            pass
    if parsed is None:
        raise ValueError(f"parameter {p.name} must be a date and time like 2026-11-01T10:00:00Z, not {_show(value)}")
    if parsed.tzinfo is None:
        raise ValueError(f"parameter {p.name}: {_show(value)} has no time zone (add Z for UTC, or +01:00)")
    return parsed.astimezone(timezone.utc)


def _days(p: Parameter, value: Any) -> int:
    try:
        days = _int(p, value)
    except ValueError:
        raise ValueError(f"parameter {p.name} must be a whole number of days, not {_show(value)}") from None
    if days < 0:
        raise ValueError(f"parameter {p.name} must be a number of days, 0 or more, not {days}")
    return days


def _list_string(p: Parameter, value: Any) -> list[str]:
    if isinstance(value, str):  # key=a,b,c on the command line or in a form
        return [item.strip() for item in value.split(",") if item.strip()]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    raise ValueError(f"parameter {p.name} must be a list of text (a,b,c), not {_show(value)}")


_COERCE = {"int": _int, "float": _float, "string": _string, "bool": _bool, "date": _date,
           "datetime": _datetime, "duration_days": _days, "list_string": _list_string}
assert set(_COERCE) == set(TYPES)


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else repr(to_json(value))
    return text if len(text) <= 60 else text[:57] + "..."


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _suggest(name: str, names, template: str) -> str:
    close = difflib.get_close_matches(name, list(names), n=1)
    return template.format(close[0]) if close else ""


# ---- the library -------------------------------------------------------------------------

def load_file(path: Path) -> StoredQuery:
    """One library file; its name is the file's name without .yaml."""
    origin = f"graph/library/{path.name}" if path.parent == LIBRARY_DIR else str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise QueryDefinitionError(f"{origin}: cannot be read: {exc}") from None
    if isinstance(data, dict):
        if data.setdefault("name", path.stem) != path.stem:
            raise QueryDefinitionError(f"{origin}: name: {data['name']!r} differs from the file's name {path.stem!r}")
    return StoredQuery.from_dict(data, origin)


def load_library(folder: Path = LIBRARY_DIR) -> dict[str, StoredQuery]:
    """Every query of a library folder, by name, in name order."""
    return {q.name: q for q in (load_file(path) for path in sorted(folder.glob("*.yaml")))}


@cache
def library() -> dict[str, StoredQuery]:
    """The shipped library (loaded once per process)."""
    return load_library()


def get(name: str, queries: Mapping[str, StoredQuery] | None = None) -> StoredQuery:
    queries = library() if queries is None else queries
    if name not in queries:
        raise UnknownQuery(f"no saved query is called {name!r}" + _suggest(name, queries, " (did you mean {}?)")
                           + "; `adgraph queries list` lists them")
    return queries[name]


# ---- running -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Result:
    columns: list[str]
    rows: list[dict]  # JSON-ready, keys in column order
    truncated: bool  # more rows matched than the row limit
    elapsed_ms: int

    def to_dict(self) -> dict:
        return {"columns": self.columns, "rows": self.rows, "truncated": self.truncated, "elapsed_ms": self.elapsed_ms}


def run(driver: neo4j.Driver, query: StoredQuery, params: Mapping[str, Any] | None = None,
        row_limit: int = ROW_LIMIT, timeout_s: float = TIMEOUT_S, database: str | None = None) -> Result:
    """Run a saved query read-only: parameters checked by type, the plan checked (see check_plan),
    then one READ transaction with a server-side time limit, keeping at most row_limit rows.

    One attempt, not a retried managed transaction, so the time limit is the whole budget."""
    if row_limit < 1:
        raise ValueError("row_limit must be 1 or more")
    bound = query.bind(params or {})
    started = time.monotonic()
    try:
        with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
            with session.begin_transaction(timeout=timeout_s) as tx:
                check_plan(tx.run("EXPLAIN " + query.cypher, bound).consume())  # type: ignore[arg-type]
                result = tx.run(query.cypher, bound)  # type: ignore[arg-type]  # parameters only, never formatted in
                columns = list(result.keys())
                records = list(itertools.islice(result, row_limit + 1))
                tx.rollback()  # nothing to keep; the rows not read are discarded
    except Neo4jError as exc:
        raise _database_error(exc, timeout_s) from None
    except DriverError as exc:
        raise QueryFailed(_message(exc)) from None
    rows = [{key: to_json(value) for key, value in record.items()} for record in records[:row_limit]]
    return Result(columns, rows, len(records) > row_limit, round((time.monotonic() - started) * 1000))


def check_read_only(driver: neo4j.Driver, query: StoredQuery, database: str | None = None) -> None:
    """Refuse a query whose plan would write or reach outside the graph (check_plan), without
    running it: what saving a user's query checks."""
    defaults = {name: p.default for name, p in query.parameters.items()}
    try:
        with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
            summary = session.run("EXPLAIN " + query.cypher, defaults).consume()  # type: ignore[arg-type]
    except Neo4jError as exc:
        raise _database_error(exc, TIMEOUT_S) from None
    check_plan(summary)


def check_plan(summary: neo4j.ResultSummary) -> None:
    """Refuse a query unless its plan only reads. query_type is the server's own verdict ('r' read,
    'w' write, 'rw', 's' schema or administration); the operators catch what reads but reaches
    outside the graph (LOAD CSV), a SHOW command, and procedures outside PROCEDURES."""
    if summary.query_type != "r":
        raise QueryRefused("saved queries only read: this query would change the graph or the database "
                           "(CREATE, MERGE, SET, REMOVE, DELETE, a schema or administration command, "
                           "or a procedure that writes)")
    for operator, details in _operators(summary.plan or {}):
        if operator == "LoadCSV":
            raise QueryRefused("saved queries cannot use LOAD CSV: they read only the graph")
        # TERMINATE TRANSACTIONS plans as a read ('r'): it would kill the crawl's writes.
        if operator.startswith(("Show", "Terminate")) or operator in ("AdministrationCommand", "SystemProcedureCall"):
            raise QueryRefused("saved queries cannot run SHOW, TERMINATE or administration commands: "
                               "they read only the graph")
        if operator == "ProcedureCall":
            name = details.split("(", 1)[0].strip()
            if name not in PROCEDURES:
                raise QueryRefused(f"saved queries cannot call the procedure {name or details!r}; "
                                   f"the procedures allowed are {', '.join(sorted(PROCEDURES))}")


def _operators(plan: dict):
    """(operator, details) for every operator of a plan, subqueries included."""
    yield plan.get("operatorType", "").split("@", 1)[0], str(plan.get("args", {}).get("Details", ""))
    for child in plan.get("children", []):
        yield from _operators(child)


def _database_error(exc: Neo4jError, timeout_s: float) -> StoredQueryError:
    code = exc.code or ""
    if "TransactionTimedOut" in code:
        return QueryTimeout(f"the query ran longer than its time limit of {_number(timeout_s)} s and was stopped; "
                            "narrow it with its parameters, or allow more time")
    if code == "Neo.ClientError.Statement.AccessMode":  # the READ transaction, should a plan check ever miss
        return QueryRefused("saved queries only read: the database refused a write in this read-only query")
    if code in ("Neo.ClientError.Procedure.ProcedureNotFound", "Neo.ClientError.Statement.ExternalResourceFailed"):
        return QueryRefused(_message(exc))
    return QueryFailed(_message(exc))


def _message(exc: Exception) -> str:
    if isinstance(exc, Neo4jError) and exc.message:
        return exc.message.strip().splitlines()[0]
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
