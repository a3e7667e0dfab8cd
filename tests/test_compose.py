"""docker-compose.yml, the production route, checked without a Docker engine: valid Compose, same Neo4j as the launcher."""

import json
import re

import jsonschema
import pytest
import yaml

from helpers import REPO, SHARED

SCHEMA = SHARED / "data" / "compose" / "compose-spec.json"


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def test_compose_file_is_valid_compose(compose):
    if not SCHEMA.exists():
        pytest.skip(f"{SCHEMA} is not here (it comes with the project's shared test material)")
    jsonschema.Draft7Validator(json.loads(SCHEMA.read_text())).validate(compose)


def test_neo4j_image_matches_the_launcher(compose):
    pom = (REPO / "graph" / "launcher" / "pom.xml").read_text()
    launcher_version = re.search(r"<neo4j.version>([\d.]+)</neo4j.version>", pom).group(1)
    image = compose["services"]["neo4j"]["image"]
    assert image == "neo4j:5.26-community"
    assert launcher_version.startswith("5.26.")


def test_neo4j_service_persists_and_reports_health(compose):
    neo = compose["services"]["neo4j"]
    assert {v.split(":")[1] for v in neo["volumes"]} == {"/data", "/logs"}
    check = " ".join(neo["healthcheck"]["test"])
    assert "cypher-shell" in check and " -p " not in check  # a password in argv shows in ps
    # Auth comes from the env file, never a password written here.
    assert neo["environment"]["NEO4J_AUTH"].startswith("neo4j/${NEO4J_PASSWORD:?")
    assert all(port.startswith("127.0.0.1:") for port in neo["ports"])


@pytest.mark.parametrize("service", ["web", "scheduler"])
def test_app_services_wait_for_a_healthy_database(compose, service):
    svc = compose["services"][service]
    assert svc["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert svc["environment"]["NEO4J_URI"] == "bolt://neo4j:7687"
    assert "adgraph" in " ".join(svc["command"])
