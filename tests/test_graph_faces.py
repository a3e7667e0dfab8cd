"""graph.faces: SAME_FACE edges through the face_embedding vector index, and face search, in the real Neo4j."""

import math
import random

import pytest

from graph.faces import describe_matches, link_face_pairs, link_same_faces, search_faces
from graph.ingest import write_batch
from graph.records import face_id, normalize
from helpers import observation, scalar, sha

# ---------------------------------------------------------------------------------------------
# Fictional embeddings: a person is a random unit direction; their photos are small turns of it.

RNG = random.Random(20261128)
THRESHOLD = 0.9
DLIB, MODEL = "dlib", "resnet-test"


def unit(values):
    norm = math.sqrt(sum(v * v for v in values))
    return [v / norm for v in values]


def person():
    return unit([RNG.gauss(0, 1) for _ in range(128)])


def photo_of(centre, spread=0.02):
    """A unit vector with cosine about 1 / sqrt(1 + 128 spread^2) to centre (0.975 at 0.02; two photos ~0.95)."""
    return unit([c + RNG.gauss(0, spread) for c in centre])


ANNA, BEA = person(), person()


def face(image: str, box, embedding, engine=DLIB, model=MODEL):
    out = {"image_sha256": sha(image), "engine": engine, "model": model, "box": box, "score": 1.5}
    return out if embedding is None else {**out, "embedding": embedding}


def ad(n: int, image: str, faces: list[dict], fetched_at="2026-11-01T10:00:00Z", site="demo-classifieds"):
    return observation(site=site, site_ad_id=str(n), url=f"http://127.0.0.1:8000/ad/{n}", fetched_at=fetched_at,
                       title=f"Ad {n}", raw_sha256=sha(f"page-{n}"),
                       images=[{"sha256": sha(image), "phash": "c3c3c3c3c3c3c3c3", "path": f"images/{image}.jpg",
                                "url": f"http://127.0.0.1:8000/{image}.jpg", "width": 640, "height": 480}],
                       faces=faces)


def ingest(driver, *observations) -> list[str]:
    """Write the observations; the face_ids of their faces, in order."""
    records = [normalize(o) for o in observations]
    write_batch(driver, records)
    return [f["face_id"] for r in records for f in r["faces"]]


def same_face_edges(driver) -> dict[tuple[str, str], float]:
    records = driver.execute_query(
        "MATCH (a:Face)-[e:SAME_FACE]->(b:Face) RETURN a.face_id AS a, b.face_id AS b, e.similarity AS s").records
    return {(r["a"], r["b"]): r["s"] for r in records}


def cosine(a, b):
    return sum(x * y for x, y in zip(a, b))


def test_same_person_across_ads_is_linked_and_others_are_not(graph):
    anna1, anna2, bea1 = photo_of(ANNA), photo_of(ANNA), photo_of(BEA)
    ids = ingest(graph, ad(1, "a1", [face("a1", [10, 10, 80, 80], anna1)]),
                 ad(2, "a2", [face("a2", [20, 5, 90, 90], anna2), face("a2", [200, 5, 60, 60], bea1)]))
    assert cosine(anna1, anna2) > THRESHOLD > cosine(anna1, bea1)
    assert link_same_faces(graph, ids, THRESHOLD) == 1
    edges = same_face_edges(graph)
    low, high = sorted([ids[0], ids[1]])
    assert list(edges) == [(low, high)]  # from the lower face_id to the higher
    assert edges[(low, high)] == pytest.approx(cosine(anna1, anna2), abs=1e-5)  # cosine, not Neo4j's (1+cos)/2
    # The two ads are now linked through the face.
    assert scalar(graph, """
        MATCH (:Ad {site_ad_id: '1'})-[:HAS_IMAGE]->(:Image)-[:HAS_FACE]->(:Face)-[:SAME_FACE]-(:Face)
              <-[:HAS_FACE]-(:Image)<-[:HAS_IMAGE]-(b:Ad) RETURN collect(b.site_ad_id)""") == ["2"]


def test_linking_is_idempotent_and_order_free(graph):
    faces = [photo_of(ANNA) for _ in range(4)]
    ids = ingest(graph, *(ad(n, f"p{n}", [face(f"p{n}", [0, 0, 50, 50], e)]) for n, e in enumerate(faces)))
    # The first face: linked to every face of the graph like it, not only to those of the call.
    assert link_same_faces(graph, ids[:1], THRESHOLD) == 3
    first_seen = scalar(graph, "MATCH ()-[e:SAME_FACE]->() RETURN min(e.first_seen)")
    assert link_same_faces(graph, ids, THRESHOLD) == 3  # every pair of four: 6, three already there
    assert link_same_faces(graph, list(reversed(ids)), THRESHOLD) == 0
    assert len(same_face_edges(graph)) == 6
    assert scalar(graph, "MATCH ()-[e:SAME_FACE]->() RETURN min(e.first_seen)") == first_seen  # never rewritten


def test_never_across_engines_or_models(graph):
    vector = photo_of(BEA)
    ids = ingest(graph, ad(1, "x1", [face("x1", [0, 0, 50, 50], vector)]),
                 ad(2, "x2", [face("x2", [0, 0, 50, 50], vector, model="resnet-other")]),
                 ad(3, "x3", [face("x3", [0, 0, 50, 50], vector, engine="other-engine")]),
                 ad(4, "x4", [face("x4", [0, 0, 50, 50], None, engine="rekognition", model="rekognition-7.0")]))
    assert link_same_faces(graph, ids, -1.0) == 0  # identical vectors, any similarity: still no edge
    assert same_face_edges(graph) == {}


def test_threshold_and_k_are_the_callers(graph):
    anna = [photo_of(ANNA, spread=0.01) for _ in range(5)]
    ids = ingest(graph, *(ad(n, f"k{n}", [face(f"k{n}", [0, 0, 50, 50], e)]) for n, e in enumerate(anna)))
    assert link_same_faces(graph, ids, 0.99999) == 0
    assert link_same_faces(graph, ids[:1], THRESHOLD, k=2) == 2  # its two nearest only
    assert link_same_faces(graph, ids, THRESHOLD) == 8
    with pytest.raises(ValueError, match="cosine between -1 and 1"):
        link_same_faces(graph, ids, 1.5)
    with pytest.raises(ValueError, match="k must be"):
        link_same_faces(graph, ids, THRESHOLD, k=0)


def test_faces_without_embedding_or_missing_get_no_edge(graph):
    ids = ingest(graph, ad(1, "n1", [face("n1", [0, 0, 50, 50], None)]))
    assert link_same_faces(graph, ids + [sha("no such face")], THRESHOLD) == 0
    assert link_same_faces(graph, [], THRESHOLD) == 0


def test_link_face_pairs_for_engines_that_match_themselves(graph):
    ids = ingest(graph, *(ad(n, f"r{n}", [face(f"r{n}", [0, 0, 50, 50], None, engine="rekognition",
                                               model="rekognition-7.0")]) for n in range(3)))
    pairs = [(ids[1], ids[0], 0.995), (ids[0], ids[1], 0.995), (ids[2], ids[2], 1.0), (ids[0], sha("gone"), 1.0)]
    assert link_face_pairs(graph, pairs) == 1
    assert link_face_pairs(graph, pairs) == 0
    assert list(same_face_edges(graph)) == [tuple(sorted(ids[:2]))]


def test_search_ranks_by_similarity_and_reports_the_threshold(graph):
    near, close, bea = photo_of(ANNA, 0.01), photo_of(ANNA, 0.03), photo_of(BEA)
    ids = ingest(graph,
                 ad(1, "s1", [face("s1", [10, 20, 30, 40], near)], fetched_at="2026-11-02T10:00:00Z"),
                 ad(2, "s1", [face("s1", [10, 20, 30, 40], near)], fetched_at="2026-11-05T10:00:00Z",
                    site="other-site"),
                 ad(3, "s2", [face("s2", [0, 0, 50, 50], close)]),
                 ad(4, "s3", [face("s3", [0, 0, 50, 50], bea)]),
                 ad(5, "s4", [face("s4", [0, 0, 50, 50], near, model="resnet-other")]))
    query = [2 * v for v in ANNA]  # any length: it is scaled to 1
    results = search_faces(graph, query, DLIB, MODEL, top_k=5, threshold=THRESHOLD)
    assert [r["face_id"] for r in results] == [ids[0], ids[2], ids[3]]  # the other model's face never shows
    best, second, other = results
    assert best["similarity"] >= second["similarity"] > THRESHOLD > other["similarity"]
    assert [r["above_threshold"] for r in results] == [True, True, False]
    assert all(r["threshold"] == THRESHOLD for r in results)
    assert best["similarity"] == pytest.approx(cosine(ANNA, near), abs=1e-5)
    assert best["box"] == [10, 20, 30, 40] and best["engine"] == DLIB and best["model"] == MODEL
    assert best["image"] == {"sha256": sha("s1"), "path": "images/s1.jpg", "width": 640, "height": 480}
    # The image was shown by two ads on two sites: both, oldest first, with their times.
    assert [(a["site"], a["site_ad_id"]) for a in best["ads"]] == [("demo-classifieds", "1"), ("other-site", "2")]
    assert best["ads"][0]["url"] == "http://127.0.0.1:8000/ad/1" and best["ads"][0]["removed_at"] is None
    assert best["first_seen"] == "2026-11-02T10:00:00+00:00" and best["last_seen"] == "2026-11-05T10:00:00+00:00"
    assert len(search_faces(graph, query, DLIB, MODEL, top_k=1, threshold=THRESHOLD)) == 1
    assert search_faces(graph, query, "nobody", MODEL, threshold=THRESHOLD) == []


def test_search_shows_removed_ads(graph):
    ingest(graph, ad(1, "g1", [face("g1", [0, 0, 50, 50], ANNA)]))
    write_batch(graph, [normalize({"site": "demo-classifieds", "site_ad_id": "1", "removed": True,
                                   "fetched_at": "2026-11-03T10:00:00Z"})])
    [result] = search_faces(graph, ANNA, DLIB, MODEL, threshold=THRESHOLD)
    assert result["ads"][0]["removed_at"] == "2026-11-03T10:00:00+00:00"


@pytest.mark.parametrize("embedding, message", [
    ([1.0] * 127, "128 numbers"),
    ([0.0] * 128, "not all zeros"),
    ([float("nan")] * 128, "finite"),
    ("not a vector", "list of numbers"),
])
def test_search_refuses_bad_embeddings(graph, embedding, message):
    with pytest.raises(ValueError, match=message):
        search_faces(graph, embedding, DLIB, MODEL)


def test_describe_matches_gives_search_results_for_engine_matches(graph):
    rekognition = {"engine": "rekognition", "model": "rekognition-7.0"}
    ids = ingest(graph, ad(1, "m1", [face("m1", [0, 0, 50, 50], None, **rekognition)]),
                 ad(2, "m2", [face("m2", [5, 5, 50, 50], None, **rekognition)]))
    assert ids[0] == face_id({"image_sha256": sha("m1"), "box": [0, 0, 50, 50], **rekognition})
    results = describe_matches(graph, [(ids[1], 0.97), (ids[0], 0.995), (sha("unknown"), 1.0)], 0.99)
    assert [(r["face_id"], r["similarity"], r["above_threshold"]) for r in results] == [
        (ids[0], 0.995, True), (ids[1], 0.97, False)]
    assert results[0]["ads"][0]["site_ad_id"] == "1"
    assert describe_matches(graph, [], 0.99) == []
