"""graph.neardup: the pHash index against brute force, and NEAR_DUPLICATE edges in the real Neo4j."""

import functools
import random

import neo4j
import pytest

from graph import neardup
from graph.ingest import write_batch
from graph.neardup import PhashIndex, link_near_duplicates, load_index
from graph.records import normalize
from helpers import observation, scalar, sha

# ---------------------------------------------------------------------------------------------
# The index, against brute force

RNG = random.Random(20261128)
HASHES = [RNG.getrandbits(64) for _ in range(20_000)]
KEYS = [f"img-{i:05d}" for i in range(len(HASHES))]


def flipped(value: int, bits: int, rng: random.Random) -> int:
    for bit in rng.sample(range(64), bits):
        value ^= 1 << bit
    return value


# Queries with true hits at every distance 0..10 (a stored hash with that many bits flipped),
# random ones, and the extremes.
QUERIES = ([flipped(RNG.choice(HASHES), bits, RNG) for bits in range(11) for _ in range(6)]
           + [RNG.getrandbits(64) for _ in range(20)] + [0, (1 << 64) - 1])


@functools.cache
def _within_20_bits(query: int) -> list[tuple[str, int]]:
    pairs = ((key, (value ^ query).bit_count()) for key, value in zip(KEYS, HASHES))
    return sorted(((k, d) for k, d in pairs if d <= 20), key=lambda kd: (kd[1], kd[0]))


def brute_force(query: int, max_distance: int) -> list[tuple[str, int]]:
    assert max_distance <= 20
    return [(k, d) for k, d in _within_20_bits(query) if d <= max_distance]


def bulk(substrings=3):
    index = PhashIndex(substrings)
    index.add_many(zip(KEYS, HASHES))
    index.build()
    return index


def one_by_one():
    index = PhashIndex()
    for key, value in zip(KEYS, HASHES):
        index.add(key, value)
    return index


def built_then_added():
    """Most hashes in the tables, the last 3,000 waiting to be scanned."""
    index = PhashIndex()
    index.add_many(zip(KEYS[:17_000], HASHES[:17_000]))
    index.build()
    for key, value in zip(KEYS[17_000:], HASHES[17_000:]):
        index.add(key, value)
    return index


BUILDS = {
    "bulk m=3": bulk, "bulk m=4": lambda: bulk(4), "bulk m=5": lambda: bulk(5), "bulk m=8": lambda: bulk(8),
    "one by one": one_by_one, "built then added": built_then_added,
}


@pytest.fixture(params=["lookups", "scan when cheaper"])
def strategy(request, monkeypatch):
    """'lookups' forces the multi-index lookups however small the index; the other is the default."""
    if request.param == "lookups":
        monkeypatch.setattr(neardup, "_PROBE_COST", 0)
    return request.param


@pytest.mark.parametrize("build", BUILDS, ids=list(BUILDS))
def test_query_finds_exactly_what_brute_force_finds(build, strategy):
    index = BUILDS[build]()
    assert len(index) == len(HASHES)
    for max_distance in range(11):
        for query in QUERIES:
            assert index.query(query, max_distance) == brute_force(query, max_distance), (max_distance, query)
    assert sum(len(brute_force(query, 10)) for query in QUERIES) >= 66  # every planted hit counted


def test_a_large_distance_scans_everything_and_is_still_exact():
    index = bulk()
    for query in QUERIES[::10]:
        assert index.query(query, 20) == brute_force(query, 20)
    assert len(index.query(0, 64)) == len(HASHES)


def test_lookups_check_far_fewer_candidates_than_a_scan(monkeypatch):
    monkeypatch.setattr(neardup, "_PROBE_COST", 0)
    index = bulk()
    assert sum(index.candidate_count(q, 8) for q in QUERIES) / len(QUERIES) < len(HASHES) / 20


def test_queries_index_waiting_hashes_once_there_are_enough(monkeypatch):
    monkeypatch.setattr(neardup, "_MIN_PENDING", 100)
    index = PhashIndex()
    index.add_many(zip(KEYS[:1000], HASHES[:1000]))
    assert index._indexed == 0
    assert index.query(HASHES[5], 0) == [(KEYS[5], 0)]
    assert index._indexed == 1000


@pytest.mark.parametrize("name, items, query, expected", [
    ("empty index", [], 0, []),
    ("itself at distance 0", [("a", 0xC3C3C3C3C3C3C3C3)], 0xC3C3C3C3C3C3C3C3, [("a", 0)]),
    ("same hash, different keys", [("b", 7), ("a", 7)], 7, [("a", 0), ("b", 0)]),
    ("nearest first, then by key", [("far", 0b1111), ("near", 0b1), ("also near", 0b10)], 0,
     [("also near", 1), ("near", 1), ("far", 4)]),
    ("highest bit", [("top", 1 << 63)], (1 << 63) | 1, [("top", 1)]),
    ("nine bits is too far", [("x", (1 << 9) - 1)], 0, []),
    ("same key and hash twice is one entry", [("a", 5), ("a", 5)], 5, [("a", 0)]),
])
def test_query_cases(name, items, query, expected):
    index = PhashIndex()
    index.add_many(items)
    assert index.query(query) == expected
    assert len(index) == len({key for key, _ in items})


@pytest.mark.parametrize("call, error", [
    (lambda index: index.add("a", -1), ValueError),
    (lambda index: index.add("a", 1 << 64), ValueError),
    (lambda index: index.add("a", "c3c3c3c3c3c3c3c3"), TypeError),
    (lambda index: index.add("a", True), ValueError),
    (lambda index: index.add("k", 2), ValueError),  # k is already there with another hash
    (lambda index: index.query(0, -1), ValueError),
    (lambda index: index.query(1 << 64), ValueError),
    (lambda index: PhashIndex(2), ValueError),
    (lambda index: PhashIndex(9), ValueError),
])
def test_refused(call, error):
    index = PhashIndex()
    index.add("k", 1)
    with pytest.raises(error):
        call(index)
    assert len(index) == 1 and index.query(1) == [("k", 0)]


def test_a_refused_batch_adds_nothing():
    index = PhashIndex()
    with pytest.raises(ValueError):
        index.add_many([("a", 1), ("b", 2), ("c", -3)])
    assert len(index) == 0 and "a" not in index
    index.add_many([("a", 1)])
    assert index.query(1) == [("a", 0)]


# ---------------------------------------------------------------------------------------------
# The graph

BASE = 0xC3C3C3C3C3C3C3C3
# sha256 -> phash: a photo, two copies of it and an unrelated one.
PHOTO, RECROP, RESAVED, OTHER = sha("photo"), sha("recrop"), sha("resaved"), sha("other")
PHASHES = {
    PHOTO: f"{BASE:016x}",
    RECROP: f"{BASE ^ 0b111:016x}",  # 3 bits from the photo
    RESAVED: f"{BASE:016x}",  # other bytes, same pHash: distance 0
    OTHER: f"{BASE ^ 0xFFFF_0000_FFFF:016x}",  # 32 bits away
}


def create_images(driver, phashes: dict) -> None:
    """Image nodes as the ingest leaves them (only what linking reads)."""
    driver.execute_query("UNWIND $rows AS r CREATE (:Image {sha256: r.sha256, phash: r.phash})",
                         rows=[{"sha256": k, "phash": v} for k, v in phashes.items()])


def edges(driver) -> dict[tuple[str, str], int]:
    records = driver.execute_query(
        "MATCH (a:Image)-[e:NEAR_DUPLICATE]->(b:Image) RETURN a.sha256 AS a, b.sha256 AS b, e.distance AS d").records
    return {(r["a"], r["b"]): r["d"] for r in records}


def canonical(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


EXPECTED = {canonical(PHOTO, RECROP): 3, canonical(PHOTO, RESAVED): 0, canonical(RECROP, RESAVED): 3}


def test_new_images_are_linked_to_each_other(graph):
    create_images(graph, PHASHES)
    index = PhashIndex()
    assert link_near_duplicates(graph, index, PHASHES.items()) == 3
    assert edges(graph) == EXPECTED
    assert all(a < b for a, b in edges(graph))  # lower sha256 -> higher
    assert scalar(graph, "MATCH ()-[e:NEAR_DUPLICATE]->() RETURN count(e.first_seen.epochSeconds)") == 3
    assert len(index) == 4 and all(key in index for key in PHASHES)


def test_new_images_are_linked_to_indexed_ones(graph):
    create_images(graph, PHASHES)
    index = PhashIndex()
    assert link_near_duplicates(graph, index, [(PHOTO, PHASHES[PHOTO]), (OTHER, PHASHES[OTHER])]) == 0
    assert link_near_duplicates(graph, index, [(RECROP, PHASHES[RECROP])]) == 1
    assert link_near_duplicates(graph, index, [(RESAVED, PHASHES[RESAVED])]) == 2
    assert edges(graph) == EXPECTED


def test_linking_is_idempotent(graph):
    create_images(graph, PHASHES)
    assert link_near_duplicates(graph, PhashIndex(), PHASHES.items()) == 3
    first_seen = scalar(graph, "MATCH ()-[e:NEAR_DUPLICATE]->() RETURN collect(e.first_seen)")
    # Again from scratch (a new process with an empty index), in the other order: the same edges.
    assert link_near_duplicates(graph, PhashIndex(), reversed(list(PHASHES.items()))) == 0
    assert edges(graph) == EXPECTED
    assert scalar(graph, "MATCH ()-[e:NEAR_DUPLICATE]->() RETURN collect(e.first_seen)") == first_seen
    # With the same index, images it holds are skipped before any query.
    index = load_index(graph)
    assert link_near_duplicates(graph, index, PHASHES.items()) == 0 and len(index) == 4


def test_never_an_edge_to_itself_and_repeats_are_skipped(graph):
    create_images(graph, {PHOTO: PHASHES[PHOTO]})
    index = PhashIndex()
    assert link_near_duplicates(graph, index, [(PHOTO, PHASHES[PHOTO])] * 3) == 0
    assert edges(graph) == {} and len(index) == 1


def test_images_without_a_phash_or_not_in_the_graph_get_no_edge(graph):
    create_images(graph, {PHOTO: PHASHES[PHOTO]})
    index = PhashIndex()
    assert link_near_duplicates(graph, index, [(PHOTO, PHASHES[PHOTO]), (RECROP, None),
                                               (RESAVED, PHASHES[RESAVED])]) == 0
    assert edges(graph) == {} and RECROP not in index


def test_max_distance_is_the_callers(graph):
    create_images(graph, PHASHES)
    assert link_near_duplicates(graph, PhashIndex(), PHASHES.items(), max_distance=2) == 1
    assert edges(graph) == {canonical(PHOTO, RESAVED): 0}


def test_a_bad_phash_is_refused_before_anything_is_written(graph):
    create_images(graph, PHASHES)
    index = PhashIndex()
    with pytest.raises(ValueError, match="not 16 hexadecimal digits"):
        link_near_duplicates(graph, index, [(PHOTO, PHASHES[PHOTO]), (RECROP, PHASHES[RECROP]), (OTHER, "c3c3")])
    assert edges(graph) == {} and len(index) == 0


def test_a_failed_write_leaves_the_index_as_it_was(graph):
    create_images(graph, PHASHES)
    index = PhashIndex()
    with pytest.raises(neo4j.exceptions.ClientError):
        link_near_duplicates(graph, index, PHASHES.items(), database="no-such-database")
    assert len(index) == 0
    assert link_near_duplicates(graph, index, PHASHES.items()) == 3


def test_load_index_reads_every_image_with_a_phash(graph):
    create_images(graph, PHASHES)
    graph.execute_query("CREATE (:Image {sha256: $sha})", sha=sha("not decoded"))
    index = load_index(graph)
    assert len(index) == 4 and sha("not decoded") not in index
    assert index.query(BASE, 3) == sorted([(PHOTO, 0), (RESAVED, 0), (RECROP, 3)], key=lambda kd: (kd[1], kd[0]))


def test_load_index_of_an_empty_graph(graph):
    assert len(load_index(graph)) == 0


def test_images_ingested_from_observations_are_linked(graph):
    """The real ingest path: observations with images, then the linking step over the same images."""
    ads = [observation(site_ad_id=str(n), images=[{"sha256": key, "phash": value, "url": f"http://127.0.0.1/{n}.jpg"}])
           for n, (key, value) in enumerate(PHASHES.items())]
    write_batch(graph, [normalize(ad) for ad in ads])
    index = load_index(graph)
    assert len(index) == 4
    # Already indexed: nothing new to link. A linker that starts empty links them all.
    assert link_near_duplicates(graph, index, PHASHES.items()) == 0
    assert link_near_duplicates(graph, PhashIndex(), PHASHES.items()) == 3
    # Ads that share a photo are now two hops apart.
    assert scalar(graph, """
        MATCH (a:Ad {site_ad_id: '0'})-[:HAS_IMAGE]->(:Image)-[:NEAR_DUPLICATE]-(:Image)<-[:HAS_IMAGE]-(b:Ad)
        RETURN collect(DISTINCT b.site_ad_id)""") in (["1", "2"], ["2", "1"])


def test_near_flat_pictures_are_not_linked(graph):
    # Blank and solid-colour pictures hash to their DC term alone: they would all "match".
    blank, black, grey = sha("blank"), sha("black"), sha("grey")
    flat = {blank: "8000000000000000", black: "0000000000000000", grey: "8000000000000001"}
    create_images(graph, {**flat, **PHASHES})
    index = PhashIndex()
    assert link_near_duplicates(graph, index, list(flat.items()) + list(PHASHES.items())) == 3
    assert edges(graph) == EXPECTED and blank not in index
