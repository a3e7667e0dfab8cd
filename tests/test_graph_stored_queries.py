"""Saved queries: definitions validated when they load, parameters coerced and checked by type, and
every run read-only, time-limited and row-limited, against the real Neo4j."""

from __future__ import annotations

from datetime import date, datetime, timezone

import neo4j
import pytest
from neo4j.exceptions import ClientError

from graph import stored_queries as sq
from graph.stored_queries import Parameter, StoredQuery

from helpers import scalar


def definition(**overrides) -> dict:
    return {"name": "t", "title": "A test", "description": "What it finds.", "cypher": "RETURN 1 AS one", **overrides}


def query(cypher: str, **parameters) -> StoredQuery:
    return StoredQuery.from_dict(definition(cypher=cypher, parameters=parameters))


# ---- definitions -------------------------------------------------------------------------------

def test_the_shipped_library_loads_documented():
    library = sq.library()
    assert len(library) >= 12
    assert {p.stem for p in sq.LIBRARY_DIR.glob("*.yaml")} == set(library)
    for q in library.values():
        assert len(q.description) > 100 and q.title and q.columns, q.name
        assert all(p.description for p in q.parameters.values()), q.name
    assert StoredQuery.from_dict(library["hubs"].to_dict(), "round trip") == library["hubs"]


@pytest.mark.parametrize("changes, message", [
    ({"name": "Bad Name"}, "name: 'Bad Name' must be lower case"),
    ({"title": ""}, "title: is required"),
    ({"cypher": None}, "cypher: is required"),
    ({"colour": "red"}, "colour: unknown field"),
    ({"parameters": ["days"]}, "parameters: must be a mapping"),
    ({"cypher": "RETURN $days", "parameters": {"days": {"type": "integer", "description": "d"}}},
     "parameters.days.type: 'integer' is not one of int, float"),
    ({"cypher": "RETURN $days", "parameters": {"days": {"type": "int"}}}, "parameters.days.description: is required"),
    ({"cypher": "RETURN $days", "parameters": {"days": {"type": "int", "description": "d", "default": "x"}}},
     "parameters.days.default: parameter days must be a whole number, not 'x'"),
    ({"cypher": "RETURN $days", "parameters": {"days": {"type": "int", "description": "d", "unit": "h"}}},
     "parameters.days.unit: unknown field"),
    ({"cypher": "RETURN $d", "parameters": {"d": {"type": "int", "description": "d", "required": True, "default": 1}}},
     "parameters.d.required: is true (and then there is no default) or false"),
    ({"cypher": "RETURN $s", "parameters": {"s": {"type": "string", "description": "d", "min": 1}}},
     "parameters.s.min: only numbers have bounds"),
    ({"cypher": "RETURN $days"}, "cypher: uses $days, which is not declared"),
    ({"parameters": {"days": {"type": "int", "description": "d"}}}, "parameters.days: is declared but the cypher never uses it"),
    ({"columns": ["one"]}, "columns: must be a mapping"),
])
def test_bad_definitions_are_refused_naming_the_field(changes, message):
    with pytest.raises(sq.QueryDefinitionError) as info:
        StoredQuery.from_dict(definition(**changes), "saved query 7")
    assert str(info.value).startswith("saved query 7: ") and message in str(info.value)


@pytest.mark.parametrize("text, message", [
    ("title: [unclosed", "bad.yaml: cannot be read"),
    ("- a list", "bad.yaml: must be a mapping"),
    ("name: other\ntitle: T\ndescription: D\ncypher: RETURN 1", "bad.yaml: name: 'other' differs from the file's name 'bad'"),
    ("title: T\ndescription: D\ncypher: RETURN $n\nparameters: {n: {type: int, description: N, default: 1.5}}",
     "bad.yaml: parameters.n.default: parameter n must be a whole number, not 1.5"),
])
def test_a_bad_library_file_is_named(tmp_path, text, message):
    (tmp_path / "good.yaml").write_text("title: T\ndescription: D\ncypher: RETURN 1")
    (tmp_path / "bad.yaml").write_text(text)
    with pytest.raises(sq.QueryDefinitionError) as info:
        sq.load_library(tmp_path)
    assert message in str(info.value)


@pytest.mark.parametrize("cypher, names", [
    ("MATCH (a:Ad {site: $site}) WHERE a.x > $min_x RETURN a", {"site", "min_x"}),
    ("RETURN '$not_one', \"$nor_this\" // $nor_a_comment\n, $`odd name` /* $no */", {"odd name"}),
    ("RETURN 'it\\'s $quoted', $real", {"real"}),
    ("RETURN 1", set()),
])
def test_the_parameters_a_query_uses(cypher, names):
    assert sq.cypher_parameters(cypher) == names


# ---- parameters --------------------------------------------------------------------------------

UTC = timezone.utc


@pytest.mark.parametrize("type_, value, expected", [
    ("int", "7", 7), ("int", " -3 ", -3), ("int", 7, 7), ("int", 7.0, 7),
    ("float", "2.5", 2.5), ("float", 2, 2.0), ("float", "1e3", 1000.0),
    ("string", "Chicago", "Chicago"), ("string", "", ""),
    ("bool", "true", True), ("bool", "No", False), ("bool", "1", True), ("bool", False, False),
    ("date", "2026-11-01", date(2026, 11, 1)), ("date", date(2026, 11, 1), date(2026, 11, 1)),
    ("datetime", "2026-11-01T10:00:00Z", datetime(2026, 11, 1, 10, tzinfo=UTC)),
    ("datetime", "2026-11-01T12:00:00+02:00", datetime(2026, 11, 1, 10, tzinfo=UTC)),
    ("duration_days", "14", 14), ("duration_days", 0, 0),
    ("list_string", "a, b,,c", ["a", "b", "c"]), ("list_string", ["a,b", "c"], ["a,b", "c"]), ("list_string", [], []),
    ("int", None, None),
])
def test_parameter_values_are_coerced_by_type(type_, value, expected):
    assert Parameter("p", type_, "a parameter").coerce(value) == expected


@pytest.mark.parametrize("type_, value, message", [
    ("int", "x", "parameter p must be a whole number, not 'x'"),
    ("int", "2.5", "parameter p must be a whole number, not '2.5'"),
    ("int", True, "parameter p must be a whole number, not True"),
    ("int", [1], "parameter p must be a whole number, not [1]"),
    ("float", "nan", "parameter p must be a number, not 'nan'"),
    ("float", "fast", "parameter p must be a number, not 'fast'"),
    ("string", 5, "parameter p must be text, not 5"),
    ("bool", "maybe", "parameter p must be true or false, not 'maybe'"),
    ("bool", 1, "parameter p must be true or false, not 1"),
    ("date", "01/11/2026", "parameter p must be a date like 2026-11-01, not '01/11/2026'"),
    ("datetime", "yesterday", "parameter p must be a date and time like 2026-11-01T10:00:00Z, not 'yesterday'"),
    ("datetime", "2026-11-01T10:00:00", "parameter p: '2026-11-01T10:00:00' has no time zone (add Z for UTC"),
    ("duration_days", "a week", "parameter p must be a whole number of days, not 'a week'"),
    ("duration_days", -1, "parameter p must be a number of days, 0 or more, not -1"),
    ("list_string", [1, 2], "parameter p must be a list of text (a,b,c), not [1, 2]"),
])
def test_bad_parameter_values_say_what_was_wrong(type_, value, message):
    with pytest.raises(ValueError) as info:
        Parameter("p", type_, "a parameter").coerce(value)
    assert str(info.value).startswith(message)


def test_binding_fills_defaults_and_lists_every_problem():
    q = query("RETURN $days, $min_ads, $network_id",
              days={"type": "duration_days", "description": "d", "default": 7},
              min_ads={"type": "int", "description": "m", "default": 5, "min": 2, "max": 100},
              network_id={"type": "string", "description": "n"})
    assert q.bind({"network_id": "n1"}) == {"days": 7, "min_ads": 5, "network_id": "n1"}
    assert q.bind({"network_id": "n1", "days": "3", "min_ads": 2}) == {"days": 3, "min_ads": 2, "network_id": "n1"}
    assert q.bind({"network_id": "n1", "days": "", "min_ads": None}) == {"days": 7, "min_ads": 5, "network_id": "n1"}
    with pytest.raises(sq.ParameterError) as info:
        q.bind({"dayz": "3", "min_ads": "1", "days": "soon"})
    assert info.value.errors == [
        "unknown parameter 'dayz' (did you mean days?); this query takes days, min_ads, network_id",
        "parameter days must be a whole number of days, not 'soon'",
        "parameter min_ads must be at least 2, not 1",
        "parameter network_id is required (string: n)",
    ]
    with pytest.raises(sq.ParameterError, match="parameter network_id is required"):
        q.bind({"network_id": None})
    with pytest.raises(sq.ParameterError, match="at most 100, not 101"):
        q.bind({"network_id": "n1", "min_ads": 101})
    with pytest.raises(sq.ParameterError, match="this query takes no parameters"):
        query("RETURN 1").bind({"x": 1})


def test_unknown_query_names_suggest_the_nearest():
    with pytest.raises(sq.UnknownQuery, match="did you mean hubs"):
        sq.get("hub")


# ---- running on the real database --------------------------------------------------------------

WRITES = [
    "CREATE (n:Ad {site: 'x', site_ad_id: 'y'}) RETURN n",
    "MERGE (n:Phone {e164: '+13125550190'}) RETURN n",
    "MATCH (n:Phone) SET n.ignored = true RETURN n",
    "MATCH (n:Phone) REMOVE n.first_seen RETURN n",
    "MATCH (n:Phone) DELETE n",
    "MATCH (n) DETACH DELETE n",
    "FOREACH (x IN [1] | CREATE (:Phone {e164: '+13125550191'}))",
    "CALL () { CREATE (:Phone {e164: '+13125550192'}) } RETURN 1 AS one",
    "MATCH (n:Phone) WITH n CALL (n) { SET n.x = 1 } RETURN count(*) AS c",
    "CREATE INDEX stolen IF NOT EXISTS FOR (n:Phone) ON (n.x)",
    "CALL db.createLabel('Stolen')",
    "ALTER USER neo4j SET PASSWORD 'a much longer password'",
]


@pytest.mark.parametrize("cypher", WRITES)
def test_a_query_that_writes_is_refused(graph, cypher):
    graph.execute_query("CREATE (:Phone {e164: '+13125550101', first_seen: datetime()})")
    with pytest.raises(sq.QueryRefused, match="saved queries only read: this query would change the graph"):
        sq.run(graph, query(cypher))
    assert scalar(graph, "MATCH (n) RETURN count(n)") == 1
    assert scalar(graph, "MATCH (n:Phone) RETURN n.ignored IS NULL AND n.first_seen IS NOT NULL AND n.x IS NULL")


@pytest.mark.parametrize("cypher", WRITES[:6])
def test_the_read_transaction_alone_refuses_writes(graph, cypher):
    """The second wall, should the plan check ever miss: Neo4j itself refuses a write in a READ transaction."""
    graph.execute_query("CREATE (:Phone {e164: '+13125550101'})")
    with graph.session(default_access_mode=neo4j.READ_ACCESS) as session:
        tx = session.begin_transaction()
        with pytest.raises(ClientError) as info:
            tx.run(cypher).consume()
        tx.close()
    assert info.value.code == "Neo.ClientError.Statement.AccessMode"
    assert scalar(graph, "MATCH (n) RETURN count(n)") == 1


@pytest.mark.parametrize("cypher, message", [
    ("LOAD CSV FROM 'http://127.0.0.1:9/x.csv' AS line RETURN line", "cannot use LOAD CSV"),
    ("LOAD CSV WITH HEADERS FROM 'file:///etc/passwd' AS line RETURN line", "cannot use LOAD CSV"),
    ("CALL dbms.components() YIELD name RETURN name", "would change the graph or the database"),  # query type s
    ("CALL db.info() YIELD id RETURN id", "cannot call the procedure 'db.info'"),
    ("CALL db.ping()", "cannot call the procedure 'db.ping'"),
    ("MATCH (n) CALL (n) { CALL db.info() YIELD name RETURN name } RETURN n", "cannot call the procedure 'db.info'"),
    ("RETURN COUNT { CALL db.info() YIELD name RETURN name } AS c", "cannot call the procedure 'db.info'"),
    ("SHOW PROCEDURES YIELD name RETURN name", "cannot run SHOW"),
    ("SHOW USERS", "would change the graph or the database"),
    ("CALL dbms.listConfig() YIELD name RETURN name", "would change the graph or the database"),
])
def test_files_urls_commands_and_procedures_are_refused(graph, cypher, message):
    with pytest.raises(sq.QueryRefused) as info:
        sq.run(graph, query(cypher))
    assert message in str(info.value)


def test_allowed_procedures_run(graph):
    graph.execute_query("CREATE (:Phone {e164: '+13125550101'})")
    assert {"label": "Phone"} in sq.run(graph, query("CALL db.labels() YIELD label RETURN label")).rows
    assert sq.run(graph, query("CALL db.index.fulltext.queryNodes('ad_text', $q) YIELD node RETURN node",
                               q={"type": "string", "description": "words"}), {"q": "lagoon"}).rows == []


def test_a_slow_query_is_stopped_at_its_time_limit(graph):
    slow = query("UNWIND range(1, 10000000000) AS x WITH x WHERE x % 7 = 0 RETURN count(x) AS n")
    with pytest.raises(sq.QueryTimeout, match="ran longer than its time limit of 0.5 s and was stopped"):
        sq.run(graph, slow, timeout_s=0.5)


@pytest.mark.parametrize("limit, count, truncated", [(3, 3, True), (9, 9, True), (10, 10, False), (1000, 10, False)])
def test_rows_stop_at_the_row_limit(graph, limit, count, truncated):
    result = sq.run(graph, query("UNWIND range(1, 10) AS n RETURN n, n * n AS square ORDER BY n"), row_limit=limit)
    assert result.columns == ["n", "square"]
    assert result.rows == [{"n": n, "square": n * n} for n in range(1, count + 1)]
    assert result.truncated is truncated and result.elapsed_ms >= 0


def test_rows_are_json_ready_and_parameters_typed(graph):
    graph.execute_query("CREATE (:Phone {e164: '+13125550101', first_seen: datetime('2026-11-01T10:00:00Z')})")
    q = query("MATCH (p:Phone) WHERE p.first_seen >= $since AND date(p.first_seen) = $day "
              "RETURN p, p.first_seen AS first_seen, date(p.first_seen) AS day, $days AS days, $words AS words",
              since={"type": "datetime", "description": "s"}, day={"type": "date", "description": "d"},
              days={"type": "duration_days", "description": "n", "default": 7},
              words={"type": "list_string", "description": "w", "default": []})
    result = sq.run(graph, q, {"since": "2026-11-01T09:00:00-01:00", "day": "2026-11-01", "words": "a,b"})
    (row,) = result.rows
    assert row["p"]["_labels"] == ["Phone"] and row["p"]["e164"] == "+13125550101"
    assert row["first_seen"] == "2026-11-01T10:00:00+00:00" and row["day"] == "2026-11-01"
    assert row["days"] == 7 and row["words"] == ["a", "b"]
    assert result.to_dict()["rows"] == result.rows


def test_cypher_errors_say_what_the_database_said(graph):
    with pytest.raises(sq.QueryFailed, match="/ by zero"):
        sq.run(graph, query("RETURN 1 / $zero AS x", zero={"type": "int", "description": "z"}), {"zero": 0})
    with pytest.raises(sq.QueryFailed, match="Invalid input"):
        sq.run(graph, query("MATCH (n RETURN n"))


def test_parameters_are_checked_before_the_database_is_asked(graph):
    with pytest.raises(sq.ParameterError, match="parameter n is required"):
        sq.run(graph, query("RETURN $n AS n", n={"type": "int", "description": "n"}))
