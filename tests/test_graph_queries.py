"""Every Cypher constant in graph/queries compiles against the real database (EXPLAIN runs nothing)."""

import importlib
import inspect
import pkgutil

import pytest

import graph.queries
from graph.model import load_model

MODULES = [importlib.import_module(f"graph.queries.{m.name}") for m in pkgutil.iter_modules(graph.queries.__path__)]
QUERIES = [
    (f"{module.__name__}.{name}", value)
    for module in MODULES
    for name, value in inspect.getmembers(module)
    if name.isupper() and not name.startswith("_") and isinstance(value, str)
] + [  # families of queries, one per kind of node
    (f"{module.__name__}.{name}[{key}]", query)
    for module in MODULES
    for name, value in inspect.getmembers(module)
    if name.isupper() and not name.startswith("_") and isinstance(value, dict)
    for key, query in value.items()
]


def test_there_are_queries():
    assert {m.__name__.rsplit(".", 1)[1] for m in MODULES} >= {"admin", "ingest", "images", "faces", "search",
                                                               "networks", "ads"}


@pytest.mark.parametrize("name, query", QUERIES + [("model.count_query", load_model().count_query())],
                         ids=lambda v: v if isinstance(v, str) and "." in v and "\n" not in v else "")
def test_query_compiles(driver, name, query):
    driver.execute_query("EXPLAIN " + query)  # EXPLAIN plans without running: parameters need no values
