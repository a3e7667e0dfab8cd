"""Ads by an image an investigator uploads: the same bytes (identical SHA-256) and the same picture
re-saved, resized or re-compressed (a pHash within the distance the crawl links NEAR_DUPLICATE
images at, graph.neardup.DEFAULT_MAX_DISTANCE bits), a page at a time.

Identical copies are looked up in Neo4j by sha256 (the Image key): they are found as soon as they
are ingested. Near-duplicates need every stored pHash within a few bits of the upload's. Cypher has
no bitwise operators and scanning every Image per search is slow, so they come from graph.neardup's
multi-index hash (PhashIndex), held in memory by NearDuplicateIndex: one per app, holding each
distinct pHash once, keyed by its hex (the phash range index turns the pHashes found back into
images). It is loaded by the first search and reloaded when the number of Image nodes (Neo4j's
count store, constant time) has changed since; that check runs at most once every `recheck_after`
seconds, so a picture ingested meanwhile can take that long to turn up as a near-duplicate. The
search that finds the graph changed waits for the reload; the others go on with the old index.

Measured on the 2-core development VM with a million images: a load takes 2 to 4 s (the pHashes
read as 16 lists, one per leading hex digit; one row per image took 20 to 30 s) and about 250 MB of
the app's memory (twice that while a reload builds the new index beside the old); a lookup 0.04 ms,
the count check 3 ms, a whole search about 20 ms. Scanning every Image in Cypher instead (always
current, no memory) took 1.6 s a search.

A blank or single-colour upload hashes to almost nothing (graph.neardup.informative): it would
"match" every other such picture, so only its identical copies are searched; near-flat stored
pictures are never offered as near-duplicates either, as the crawl does not link them.
"""

from __future__ import annotations

import math
import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone

import neo4j

from graph.neardup import DEFAULT_MAX_DISTANCE, PhashIndex, informative
from graph.queries import images as image_queries
from graph.queries import search as q
from graph.search import PAGE_SIZE
from graph.values import to_json

MAX_DISTANCE = DEFAULT_MAX_DISTANCE  # the crawl's NEAR_DUPLICATE threshold (crawler.cycle links with the default)
RECHECK_SECONDS = 60.0
SHA256 = re.compile(r"[0-9a-f]{64}")
PHASH = re.compile(r"[0-9a-f]{16}")


@dataclass(frozen=True)
class _Loaded:
    index: PhashIndex
    images: int  # Image nodes counted just before the load: a graph with another count has changed
    loaded_at: datetime


class NearDuplicateIndex:
    """The distinct pHashes of the stored pictures (near-flat ones left out), for near-duplicate
    lookups; safe to share between threads. The PhashIndex inside is built once and never added to (a reload makes a new
    one and swaps it in), so lookups need no lock; one thread at a time checks and reloads, while
    the others go on with the index they have."""

    def __init__(self, recheck_after: float = RECHECK_SECONDS):
        self.recheck_after = recheck_after
        self._loaded: _Loaded | None = None
        self._checked = -math.inf  # time.monotonic() of the last check against the graph
        self._lock = threading.Lock()

    def lookup(self, driver: neo4j.Driver, phash: int,
               max_distance: int = MAX_DISTANCE) -> tuple[list[tuple[str, int]], datetime]:
        """((pHash hex, distance) of the stored pHashes within max_distance bits of phash, nearest
        first; when the index was loaded), loading or reloading it first when due."""
        loaded = self._current(driver)
        return loaded.index.query(phash, max_distance), loaded.loaded_at

    def _current(self, driver: neo4j.Driver) -> _Loaded:
        loaded = self._loaded
        if loaded is not None and time.monotonic() - self._checked < self.recheck_after:
            return loaded
        # The first search waits for the load; later ones never wait for another thread's check.
        if not self._lock.acquire(blocking=loaded is None):
            return loaded
        try:
            loaded = self._loaded
            if loaded is not None and time.monotonic() - self._checked < self.recheck_after:
                return loaded  # another thread checked while this one waited
            images = _image_count(driver)
            if loaded is None or images != loaded.images:
                loaded = self._loaded = _Loaded(_load(driver), images, datetime.now(timezone.utc))
            self._checked = time.monotonic()
            return loaded
        finally:
            self._lock.release()


def _image_count(driver: neo4j.Driver) -> int:
    return driver.execute_query(image_queries.IMAGE_COUNT, routing_=neo4j.RoutingControl.READ).records[0]["images"]


def _load(driver: neo4j.Driver) -> PhashIndex:
    """Every distinct informative pHash stored, keyed by its hex, read in one transaction, 16 lists
    (one per leading digit) rather than a row per image."""

    def work(tx: neo4j.ManagedTransaction) -> PhashIndex:
        index = PhashIndex()  # afresh on every attempt: a retried read starts over
        for digit in "0123456789abcdef":
            phashes = tx.run(image_queries.PHASHES_STARTING_WITH, prefix=digit).single(strict=True)["phashes"]
            values = ((text, int(text, 16)) for text in phashes if PHASH.fullmatch(text))
            index.add_many((text, value) for text, value in values if informative(value))
        index.build()
        return index

    with driver.session() as session:
        return session.execute_read(work)


@dataclass(frozen=True)
class ImageResults:
    total: int  # ads that carry the image or a near-duplicate of it
    ads: list[dict]  # this page's ads, each with match ("identical" | "near-duplicate"), distance (bits),
    #                  image (the sha256 of its best-matching image) and matched_images (how many of its images matched)
    near_duplicates: bool  # False for a near-flat picture: only identical copies were searched
    max_distance: int
    index_loaded_at: datetime | None  # near-duplicates are those stored by then (None: none searched)


def search_by_image(driver: neo4j.Driver, index: NearDuplicateIndex, sha256: str, phash: str, page: int = 1,
                    max_distance: int = MAX_DISTANCE) -> ImageResults:
    """The ads showing the picture whose bytes hash to sha256 (64 hex digits) and whose pHash is phash
    (16 hex digits, as crawler.images.inspect_image gives them): identical copies first, then
    near-duplicates, nearest first; within each, the most recently seen ads first."""
    sha256, phash = sha256.lower(), phash.lower()
    if not SHA256.fullmatch(sha256):
        raise ValueError(f"sha256 must be 64 hexadecimal digits, not {sha256!r}")
    if not PHASH.fullmatch(phash):
        raise ValueError(f"phash must be 16 hexadecimal digits, not {phash!r}")
    value = int(phash, 16)
    near_duplicates = informative(value)
    near, loaded_at = index.lookup(driver, value, max_distance) if near_duplicates else ([], None)
    params = {"sha256": sha256, "near": [{"phash": key, "distance": distance} for key, distance in near],
              "skip": (page - 1) * PAGE_SIZE, "limit": PAGE_SIZE}
    read = neo4j.RoutingControl.READ
    total = driver.execute_query(q.COUNT_BY_IMAGE, params, routing_=read).records[0]["total"]
    rows = driver.execute_query(q.ADS_BY_IMAGE, params, routing_=read).records
    ads = [{key: to_json(v) for key, v in row.items()} for row in rows]
    return ImageResults(total, ads, near_duplicates, max_distance, loaded_at)
