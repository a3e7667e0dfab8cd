"""The same face across ads: SAME_FACE edges between Face nodes, and face search over the whole graph.

A face engine (crawler.faces) gives every face a box and, for engines that have one, an
embedding: dlib's is 128 numbers scaled to length 1. Two faces whose embeddings have a cosine
similarity at or above a threshold calibrated for their engine and model (for dlib,
SAME_FACE_THRESHOLD) are taken for the same person: what an investigator
follows from an ad to the other ads, under other names and phone numbers, that show that person.
A SAME_FACE edge is a lead to check by eye, not an identification.

Faces are found through Neo4j's vector index face_embedding (approximate k nearest neighbours,
HNSW), not by comparing all pairs. Its cosine score is (1 + cos) / 2; every similarity here and
on the edges is the cosine itself, from -1 to 1. Embeddings of different engines or models are
never compared: the index holds them all, and only neighbours with the same engine and model as
the query are kept. Engines without vectors (Amazon Rekognition) search themselves; their
matches are turned into the same results by describe_matches.
"""

from __future__ import annotations

import math
from typing import Iterable

import neo4j

from graph.model import load_model
from graph.queries import faces as q
from graph.queries import ingest as ingest_queries
from graph.records import face_row
from graph.values import to_json

# Cosine similarity of two unit dlib descriptors at or above which two faces are taken for the
# same person: SAME_FACE edges, and search results marked above it. Calibrated with bench/faces.py
# on ../shared/data/faces (141 photos of 25 people: 497 same-person and 9,373 different-person
# pairs), HOG detector, 2026-11-28: see bench/RESULTS.md. A linking rule, so it lives here. (dlib's
# usual euclidean distance 0.6 on raw descriptors is about cosine 0.90 on unit ones:
# |a-b|^2 = 2 - 2cos, with lengths about 1.35.)
SAME_FACE_THRESHOLD = 0.92

DEFAULT_K = 50  # neighbours asked of the vector index per face when linking
DEFAULT_TOP_K = 20  # results of a search
_SEARCH_OVERFETCH = 4  # the index is asked for this many times top_k (at least _MIN_SEARCH_K), before the
_MIN_SEARCH_K = 100    # engine/model filter, so faces of other models near the query do not crowd out results
_MAX_K = 10_000


def _dimensions() -> int:
    return load_model().nodes["Face"].vector.dimensions


def _check_threshold(threshold: float) -> float:
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not -1 <= threshold <= 1:
        raise ValueError(f"a similarity threshold is a cosine between -1 and 1, not {threshold!r}")
    return float(threshold)


def _check_k(k: int, name: str) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= _MAX_K:
        raise ValueError(f"{name} must be a whole number from 1 to {_MAX_K:,}, not {k!r}")
    return k


def link_same_faces(driver: neo4j.Driver, face_ids: Iterable[str], threshold: float, k: int = DEFAULT_K, *,
                    database: str | None = None) -> int:
    """Write a SAME_FACE edge between each given face and each of its k nearest faces (by the vector
    index) of the same engine and model whose cosine similarity is at least threshold. Returns the
    number of edges created.

    face_ids are faces already in the graph (those just ingested); faces without an embedding, or
    missing, get no edge. Idempotent: each pair is MERGEd from the lower face_id to the higher, with
    similarity and first_seen set only when it is created; the edges of one call are one write
    transaction. Pass a few thousand faces per call. A face whose look-alikes number more than k
    (the same photo reposted very often) is linked to the k nearest; each of those, when linked in
    its turn, reaches the rest."""
    threshold = _check_threshold(threshold)
    k = _check_k(k, "k")
    ids = sorted(set(face_ids))
    if not ids:
        return 0
    # k + 1: the face itself is its own nearest neighbour.
    records = driver.execute_query(q.FACE_NEIGHBOURS, face_ids=ids, k=k + 1, threshold=threshold,
                                   routing_=neo4j.RoutingControl.READ, database_=database).records
    # link_face_pairs orders each pair, drops a face paired with itself and keeps the best similarity.
    return link_face_pairs(driver, ((r["face"], r["other"], r["similarity"]) for r in records), database=database)


def link_face_pairs(driver: neo4j.Driver, pairs: Iterable[tuple[str, str, float]], *,
                    database: str | None = None) -> int:
    """SAME_FACE edges for pairs (face_id, face_id, similarity) found some other way (Rekognition's
    SearchFaces): one write transaction, idempotent, as link_same_faces writes them. Returns the
    number created."""
    rows: dict[tuple[str, str], float] = {}
    for a, b, similarity in pairs:
        if a == b:
            continue
        low, high = (a, b) if a < b else (b, a)
        rows[(low, high)] = max(rows.get((low, high), -1.0), float(similarity))
    if not rows:
        return 0
    # Sorted, so concurrent writers lock faces in the same order (as graph.ingest does).
    batch = [{"low": low, "high": high, "similarity": s} for (low, high), s in sorted(rows.items())]
    summary = driver.execute_query(q.LINK_SAME_FACES, rows=batch, database_=database).summary
    return summary.counters.relationships_created


def images_on_disk(driver: neo4j.Driver, *, database: str | None = None) -> list[tuple[str, str]]:
    """(sha256, path relative to the data folder) of every stored image."""
    records = driver.execute_query(q.IMAGES_ON_DISK, routing_=neo4j.RoutingControl.READ, database_=database).records
    return [(r["sha256"], r["path"]) for r in records]


def add_faces(driver: neo4j.Driver, faces: list[dict], seen: str, *, database: str | None = None) -> int:
    """Face nodes for faces found in images already in the graph (observation items, see
    graph/observation.schema.json), with HAS_FACE from their image; idempotent. Returns faces created."""
    if not faces:
        return 0
    rows = sorted(({"seen": seen, **face_row(face)} for face in faces), key=lambda r: r["face_id"])
    summary = driver.execute_query(ingest_queries.LINK_FACES, rows=rows, database_=database).summary
    return summary.counters.nodes_created


def search_faces(driver: neo4j.Driver, embedding, engine: str, model: str, top_k: int = DEFAULT_TOP_K,
                 threshold: float = 0.0, *, database: str | None = None) -> list[dict]:
    """The top_k faces of this engine and model nearest to embedding, best first, each a dict:

    face_id, similarity (cosine, -1 to 1), threshold, above_threshold (similarity >= threshold: a
    candidate for the same person; the others are shown as near misses), engine, model, box,
    score, image {sha256, path, width, height}, ads [{site, site_ad_id, url, title, first_seen,
    last_seen, removed_at, network_id}] (first/last_seen: of the image on that ad), first_seen and last_seen
    (of the image on any ad). Times are ISO 8601 strings in UTC.

    The embedding is scaled to length 1, as stored ones are. Faces of other engines or models are
    never returned."""
    threshold = _check_threshold(threshold)
    top_k = _check_k(top_k, "top_k")
    vector = _unit(embedding)
    k = min(_MAX_K, max(_MIN_SEARCH_K, _SEARCH_OVERFETCH * top_k))
    records = driver.execute_query(q.SEARCH_FACES, embedding=vector, engine=engine, model=model, k=k,
                                   top_k=top_k, routing_=neo4j.RoutingControl.READ, database_=database).records
    return [_result(record, threshold) for record in records]


def describe_matches(driver: neo4j.Driver, matches: Iterable[tuple[str, float]], threshold: float, *,
                     database: str | None = None) -> list[dict]:
    """search_faces' results for faces an engine matched itself: matches are (face_id, similarity 0..1)
    as crawler.faces.rekognition.RekognitionEngine.search gives them. Faces not in the graph are
    left out; best first."""
    threshold = _check_threshold(threshold)
    rows = [{"face_id": face_id, "similarity": float(similarity)} for face_id, similarity in matches]
    if not rows:
        return []
    records = driver.execute_query(q.DESCRIBE_FACES, rows=rows, routing_=neo4j.RoutingControl.READ,
                                   database_=database).records
    return [_result(record, threshold) for record in records]


def _unit(embedding) -> list[float]:
    try:
        values = [float(v) for v in embedding]
    except (TypeError, ValueError):
        raise ValueError("an embedding is a list of numbers") from None
    if len(values) != _dimensions():
        raise ValueError(f"an embedding here has {_dimensions()} numbers, not {len(values)}")
    norm = math.sqrt(sum(v * v for v in values))
    if not norm or not math.isfinite(norm):
        raise ValueError("an embedding must be finite and not all zeros")
    return [v / norm for v in values]


def _result(record: neo4j.Record, threshold: float) -> dict:
    ads = to_json(record["ads"])
    firsts = [ad["first_seen"] for ad in ads if ad["first_seen"]]
    lasts = [ad["last_seen"] for ad in ads if ad["last_seen"]]
    similarity = float(record["similarity"])
    return {
        "face_id": record["face_id"],
        "similarity": round(similarity, 6),
        "threshold": threshold,
        "above_threshold": similarity >= threshold,
        "engine": record["engine"],
        "model": record["model"],
        "box": list(record["box"]) if record["box"] is not None else None,
        "score": record["score"],
        "image": {"sha256": record["image_sha256"], "path": record["image_path"],
                  "width": record["image_width"], "height": record["image_height"]},
        "ads": ads,
        # ISO strings of one zone (UTC) compare as times.
        "first_seen": min(firsts) if firsts else to_json(record["face_first_seen"]),
        "last_seen": max(lasts) if lasts else to_json(record["face_first_seen"]),
    }
