"""api/openapi.yaml against the real app: every API route is described with its methods, nothing
described is missing, and real answers (errors included) match the schemas it gives."""

from __future__ import annotations

import io
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from PIL import Image

import api
from api import accounts
from graph.ingest import write_batch
from graph.networks import assign_networks
from graph.records import normalize

from helpers import PASSWORD, login, observation, sha, token

SPEC = yaml.safe_load((Path(api.__file__).parent / "openapi.yaml").read_text())
METHODS = {"get", "post", "put", "patch", "delete"}
PHONE = "+13125550123"  # fictional: NANP 555-01XX


def described() -> set[tuple[str, str]]:
    return {(path, method.upper()) for path, item in SPEC["paths"].items() for method in item if method in METHODS}


def routed(flask_app) -> set[tuple[str, str]]:
    """The app's /api routes as OpenAPI paths: <converter:name> becomes {name}."""
    return {(re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule), method)
            for rule in flask_app.url_map.iter_rules() if rule.rule.startswith("/api/")
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_api_route_is_described_and_nothing_more(app):
    assert routed(app) == described()


def test_the_description_is_valid_openapi_schemas():
    for name, schema in SPEC["components"]["schemas"].items():
        jsonschema.Draft202012Validator.check_schema(schema)
    for path, item in SPEC["paths"].items():
        for parameter in (p for method in item.values() for p in method.get("parameters", []) if "name" in p):
            if parameter["in"] == "path":
                assert "{" + parameter["name"] + "}" in path


def check(response, status: int, schema: str):
    assert response.status_code == status, response.get_data(as_text=True)
    # The whole document is the root, so "#/components/schemas/..." references resolve.
    jsonschema.Draft202012Validator({**SPEC, "$ref": f"#/components/schemas/{schema}"}).validate(response.get_json())
    return response.get_json()


@pytest.fixture
def network(graph):
    ads = [normalize(observation(**{"site": "demo", "site_ad_id": str(n), "raw_sha256": sha(f"page-{n}"),
                                    "title": f"Ad {n}", "phones": [{"e164": PHONE, "raw": "312 555 0123"}], "emails": [],
                                    "images": [{"sha256": sha(f"image-{n}"), "phash": f"{n + 1:016x}",
                                                "url": f"http://127.0.0.1:8000/{n}.jpg"}]}))
           for n in range(3)]
    write_batch(graph, ads)
    assign_networks(graph, [("demo", a["site_ad_id"]) for a in ads])
    return graph.execute_query("MATCH (a:Ad {site_ad_id: '0'}) RETURN a.network_id AS id").records[0]["id"]


def test_real_answers_match_the_description(app, network):
    client = app.test_client()
    check(client.get("/api/search", query_string={"q": "312-555-0123"}), 401, "Error")
    login(client)
    with client.get("/api/openapi.yaml") as response:  # a file: close it
        assert response.status_code == 200 and yaml.safe_load(response.data) == SPEC

    found = check(client.get("/api/search", query_string={"q": "(312) 555 0123"}), 200, "SearchResults")
    assert found["total"] == 3
    check(client.get("/api/search", query_string={"q": ""}), 400, "Error")
    check(client.get("/api/ads/demo/1"), 200, "Ad")
    check(client.get("/api/ads/demo/nothing"), 404, "Error")
    check(client.get(f"/api/networks/{network}"), 200, "Network")
    check(client.get("/api/networks/nothing"), 404, "Error")
    check(client.get(f"/api/networks/{network}/analysis", query_string={"from": "demo/0", "to": "demo/2"}),
          200, "Analysis")
    for view in (None, "aggregated"):
        check(client.get(f"/api/networks/{network}/picture", query_string={"view": view} if view else {}),
              200, "Picture")
    check(client.get("/api/nodes/expand", query_string={"node": f"Phone:{PHONE}"}), 200, "Expansion")
    check(client.get("/api/nodes/expand", query_string={"node": "nonsense"}), 400, "Error")
    check(client.get("/api/nodes/expand", query_string={"node": "Phone:+13125550199"}), 404, "Error")
    check(client.get("/api/identifiers/hubs", query_string={"min_ads": 2}), 200, "Hubs")
    check(client.get("/api/audit"), 403, "Error")  # an analyst

    photo = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(photo, "PNG")
    csrf = token(client, "/search")
    found_by_image = check(client.post("/api/search/image", data={"image": (io.BytesIO(photo.getvalue()), "a.png")},
                                       headers={"X-CSRFToken": csrf}), 200, "ImageResults")
    again = found_by_image["query"]
    check(client.get("/api/search/image", query_string={"sha256": again["sha256"], "phash": again["phash"]}),
          200, "ImageResults")
    check(client.post("/api/search/image", data={}, headers={"X-CSRFToken": csrf}), 400, "Error")
    check(client.post("/api/search/image", data={}), 400, "Error")  # no CSRF token
    check(client.post("/api/identifiers/phone/ignore", json={"key": PHONE, "ignored": True, "reason": "test"},
                      headers={"X-CSRFToken": csrf}), 403, "Error")  # an analyst

    accounts.add_user(app.extensions["adgraph_db"], "root", "admin", PASSWORD)
    admin = app.test_client()
    login(admin, "root")
    csrf = token(admin, "/search")
    done = check(admin.post("/api/identifiers/phone/ignore", json={"key": PHONE, "ignored": True, "reason": "test"},
                            headers={"X-CSRFToken": csrf}), 200, "Marked")
    assert done["moved"] == 2
    check(admin.get("/api/identifiers/hubs"), 200, "Hubs")
    confirmed = check(admin.post("/api/identifiers/phone/confirm", json={"key": PHONE, "confirmed": True, "reason": "t"},
                                 headers={"X-CSRFToken": csrf}), 200, "Marked")
    assert confirmed["confirmed"] is True
    check(admin.post("/api/identifiers/phone/confirm", json={"key": PHONE, "reason": "t"},
                     headers={"X-CSRFToken": csrf}), 400, "Error")
    log = check(admin.get("/api/audit"), 200, "Audit")
    assert log["verified"] and {"search", "node.expand", "identifier.ignore"} <= {e["action"] for e in log["entries"]}
