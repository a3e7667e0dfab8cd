"""Every Cypher constant in graph/queries compiles against the real database (EXPLAIN runs nothing)."""

import inspect

import pytest

import graph.queries.admin
import graph.queries.ingest
from graph.model import load_model

QUERIES = [
    (f"{module.__name__}.{name}", value)
    for module in (graph.queries.admin, graph.queries.ingest)
    for name, value in inspect.getmembers(module)
    if name.isupper() and isinstance(value, str)
]


def test_there_are_queries():
    assert len(QUERIES) >= 9


@pytest.mark.parametrize("name, query", QUERIES + [("model.count_query", load_model().count_query())],
                         ids=lambda v: v if isinstance(v, str) and "." in v and "\n" not in v else "")
def test_query_compiles(driver, name, query):
    driver.execute_query("EXPLAIN " + query, rows=[])
