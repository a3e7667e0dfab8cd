"""The graph model: model.yaml validates, and the schema it generates applies idempotently on a real Neo4j."""

import pytest

from graph.model import ModelError, apply_schema, load_model, parse_model


def test_model_declares_every_node_and_relationship():
    model = load_model()
    assert set(model.nodes) == {"Site", "Ad", "AdVersion", "Phone", "Email", "Handle", "Image", "Face", "Location",
                                "NetworkEvent", "NetworkStage"}
    assert set(model.relationships) == {"POSTED_ON", "HAS_VERSION", "HAS_PHONE", "HAS_EMAIL", "HAS_HANDLE", "HAS_IMAGE",
                                        "HAS_FACE", "IN_LOCATION", "NEAR_DUPLICATE", "SAME_FACE"}
    assert model.nodes["Ad"].key == ("site", "site_ad_id")
    assert model.nodes["Face"].vector.dimensions == 128


@pytest.mark.parametrize("doc, message", [
    ({}, "needs 'nodes' and 'relationships'"),
    ({"nodes": {"A": {}}, "relationships": {}}, "node A: needs a non-empty 'key'"),
    ({"nodes": {"A b": {"key": ["x"]}}, "relationships": {}}, "'A b' is not a valid identifier"),
    ({"nodes": {"A": {"key": ["x}) DETACH DELETE n //"]}}, "relationships": {}}, "is not a valid identifier"),
    ({"nodes": {"A": {"key": ["x"], "colour": 1}}, "relationships": {}}, "unknown fields ['colour']"),
    ({"nodes": {"A": {"key": ["x"], "vector": {"name": "v", "property": "e", "dimensions": 0, "similarity": "cosine"}}},
      "relationships": {}}, "positive integer 'dimensions'"),
    ({"nodes": {"A": {"key": ["x"]}}, "relationships": {"R": {"source": "A", "target": "B"}}}, "target 'B' is not a declared node"),
])
def test_bad_models_are_refused(doc, message):
    with pytest.raises(ModelError) as info:
        parse_model(doc)
    assert message in str(info.value)


def test_composite_key_and_vector_index_statements():
    statements = "\n".join(load_model().schema_statements())
    assert "FOR (n:Ad) REQUIRE (n.site, n.site_ad_id) IS UNIQUE" in statements
    assert "CREATE VECTOR INDEX face_embedding IF NOT EXISTS FOR (n:Face) ON (n.embedding)" in statements
    assert "CREATE FULLTEXT INDEX ad_text IF NOT EXISTS FOR (n:AdVersion) ON EACH [n.title, n.body]" in statements


def schema_snapshot(driver):
    constraints = driver.execute_query("SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties "
                                       "RETURN name, type, labelsOrTypes, properties ORDER BY name").records
    indexes = driver.execute_query("SHOW INDEXES YIELD name, type, labelsOrTypes, properties, state "
                                   "RETURN name, type, labelsOrTypes, properties, state ORDER BY name").records
    return [tuple(r.values()) for r in constraints], [tuple(r.values()) for r in indexes]


def test_schema_applies_idempotently(graph):
    before = schema_snapshot(graph)
    assert apply_schema(graph) == 0  # already applied when the session's database started
    assert apply_schema(graph) == 0
    assert schema_snapshot(graph) == before
    constraints, indexes = before
    model = load_model()
    assert {c[0] for c in constraints} >= {f"{name}_key" for name in ("site", "ad", "ad_version", "phone", "email",
                                                                     "image", "face", "location")}
    by_name = {i[0]: i for i in indexes}
    assert by_name["ad_text"][1] == "FULLTEXT" and by_name["face_embedding"][1] == "VECTOR"
    assert by_name["ad_last_seen"][1:4] == ("RANGE", ["Ad"], ["last_seen"])
    assert all(i[4] == "ONLINE" for i in indexes)
    assert len(model.schema_statements()) == len(constraints) + len(
        [i for i in indexes if i[1] in ("RANGE", "FULLTEXT", "VECTOR") and i[0] not in {c[0] for c in constraints}])


def test_uniqueness_is_enforced(graph):
    graph.execute_query("CREATE (:Phone {e164: '+13125550147'})")
    with pytest.raises(Exception, match="already exists"):
        graph.execute_query("CREATE (:Phone {e164: '+13125550147'})")
