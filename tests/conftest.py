"""Fixtures that start real things once per session: a throwaway Neo4j on a free port.

Set ADGRAPH_TEST_NEO4J_URI and ADGRAPH_TEST_NEO4J_PASSWORD to run the suite
against a database that is already running instead. Its graph is wiped
before every test, so never point them at a database that matters.
"""

from __future__ import annotations

import dataclasses
import os

import pytest

from graph import localdb
from graph.config import Settings, load_settings
from graph.driver import open_driver
from graph.model import apply_schema

from helpers import PASSWORD, free_port


@pytest.fixture(scope="session")
def db_env(tmp_path_factory) -> dict[str, str]:
    """The environment every test (and every `adgraph` child process) runs with."""
    tmp = tmp_path_factory.mktemp("adgraph")
    saved = dict(os.environ)
    for var in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "ADGRAPH_DB_PORT"):
        os.environ.pop(var, None)
    os.environ["ADGRAPH_CONFIG"] = str(tmp / "config.toml")
    os.environ["ADGRAPH_DATA_DIR"] = str(tmp / "data")
    os.environ["ADGRAPH_DB_HEAP"] = "768m"
    os.environ["ADGRAPH_DB_PAGECACHE"] = "256m"
    if os.environ.get("ADGRAPH_TEST_NEO4J_URI"):
        os.environ["NEO4J_URI"] = os.environ["ADGRAPH_TEST_NEO4J_URI"]
        os.environ["NEO4J_PASSWORD"] = os.environ.get("ADGRAPH_TEST_NEO4J_PASSWORD", "")
    else:
        os.environ["ADGRAPH_DB_PORT"] = str(free_port())
    yield dict(os.environ)
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="session")
def neo4j_settings(db_env) -> Settings:
    settings = load_settings(db_env)
    if settings.uses_local_db:
        settings = localdb.start(settings, echo=lambda msg: None)
        os.environ["NEO4J_PASSWORD"] = settings.neo4j_password
    yield settings
    if settings.uses_local_db:
        localdb.stop(settings, echo=lambda msg: None)


@pytest.fixture(scope="session")
def driver(neo4j_settings):
    with open_driver(neo4j_settings) as drv:
        apply_schema(drv)
        yield drv


@pytest.fixture
def graph(driver):
    """The driver, on an empty graph (the schema stays)."""
    with driver.session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    return driver


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (browsers cannot be downloaded here): `make test`
    installs it; ADGRAPH_CHROMIUM names another binary."""
    import shutil

    from playwright.sync_api import sync_playwright

    path = os.environ.get("ADGRAPH_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("no Chromium: run `make test` (it installs Debian's chromium) or set ADGRAPH_CHROMIUM")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def app(neo4j_settings, tmp_path):
    """The web app on the test database, its own data folder, and an analyst "ana" (helpers.PASSWORD)."""
    from api import accounts
    from api.app import create_app

    settings = dataclasses.replace(neo4j_settings, data_dir=tmp_path)
    app = create_app(settings)
    accounts.add_user(app.extensions["adgraph_db"], "ana", "analyst", PASSWORD)
    yield app
    if "adgraph_driver" in app.extensions:
        app.extensions["adgraph_driver"].close()
