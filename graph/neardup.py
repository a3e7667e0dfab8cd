"""Near-duplicate images: the stored pictures within a few bits of an image's pHash, found without
comparing all pairs, and the NEAR_DUPLICATE edges between them.

Two pictures whose 64-bit pHashes differ in at most 8 bits are usually the same photo
re-cropped, resized or re-compressed: the same person's photo reposted by another ad,
often under another phone number. That link is what the edges give an investigator.

The index is multi-index hashing (Norouzi, Punjani and Fleet, "Fast search in Hamming
space with multi-index hashing", CVPR 2012). Each hash is cut into m substrings and
indexed m times, once by each. By the pigeonhole principle a hash within distance
d = m*r + a (0 <= a < m) of the query agrees within r bits on one of the first a+1
substrings, or within r-1 bits on one of the others: so a query looks up every
substring value that near, and checks the full Hamming distance of what it finds.
With m = 3 (substrings of 22, 21 and 21 bits) and d = 8 that is about 700 lookups and,
over a million random hashes, a few hundred candidates (bench/neardup.py measures it).
A BK-tree visits most of its nodes at that radius: 30 ms a query over 100,000 hashes,
where this index takes 0.04 ms over a million.

The tables are numpy arrays (bucket start offsets, then the ids and hashes of each bucket's
entries), so a lookup is two array reads and the candidates are checked in one vectorised
step. Hashes added after the last build wait in an array that queries scan directly, until
there are enough of them to be worth rebuilding the tables (about a second per million
hashes). Memory, for a million hashes: about 150 MB besides the key strings (34 MB of it the
bucket offsets for m = 3, whatever the number of hashes), and twice that while building.
"""

from __future__ import annotations

import itertools
import math
import operator
import re
from typing import Iterable

import neo4j
import numpy as np

from graph.queries import images as q

DEFAULT_MAX_DISTANCE = 8
DEFAULT_SUBSTRINGS = 3  # about 64 / log2(hashes) for a million hashes (Norouzi et al.)

# Hashes added since the last build are scanned directly until they are more than this
# many and more than 1/_PENDING_SHARE of the indexed ones; then the tables are rebuilt.
_MIN_PENDING = 16_384
_PENDING_SHARE = 8
# One bucket lookup costs about as much as scanning this many hashes (measured on the 2-core
# development VM); a query whose lookups would cost more than scanning every indexed hash
# scans them instead: small indexes, or a large max_distance.
_PROBE_COST = 48
_LOAD_BATCH = 50_000
_PHASH = re.compile(r"[0-9a-fA-F]{16}")


class PhashIndex:
    """64-bit pHashes by key (an image's sha256), searchable by Hamming distance.

    Not thread-safe: one writer, and queries may rebuild the tables."""

    def __init__(self, substrings: int = DEFAULT_SUBSTRINGS):
        if not 3 <= substrings <= 8:
            raise ValueError(f"substrings must be between 3 and 8, not {substrings}")
        self.substrings = substrings
        # Widest first (22, 21, 21 bits for 3), so each table's first bucket number is a multiple
        # of its own size and a substring value and its bucket number share their low bits.
        self._widths = [64 // substrings + (1 if t < 64 % substrings else 0) for t in range(substrings)]
        self._shifts = [sum(self._widths[:t]) for t in range(substrings)]
        self._first_bucket = [sum(1 << w for w in self._widths[:t]) for t in range(substrings)]
        self._buckets = sum(1 << w for w in self._widths)
        self._keys: list[str] = []
        self._ids: dict[str, int] = {}
        self._hashes = np.zeros(1024, dtype=np.uint64)  # by id; only the first len(self) are used
        self._indexed = 0  # ids below this are in the tables; the rest are scanned
        # The m tables, one bucket per value of each substring, laid end to end: bucket b holds
        # entries _starts[b] to _starts[b + 1] of _bucket_ids (image ids) and _bucket_hashes.
        self._starts = np.zeros(1, dtype=np.int64)
        self._bucket_ids = np.zeros(0, dtype=np.int64)
        self._bucket_hashes = np.zeros(0, dtype=np.uint64)
        self._plans: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # max_distance -> (table, mask) per lookup

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._ids

    def add(self, key: str, phash: int) -> None:
        """Add one hash. A key already in the index with the same hash changes nothing; with
        another hash it is a ValueError (an image's bytes, hence its pHash, never change)."""
        self.add_many([(key, phash)])

    def add_many(self, items: Iterable[tuple[str, int]]) -> None:
        """Add (key, phash) pairs, as add() does for each; all or none of them if one is refused."""
        start = len(self._keys)
        fresh: list[int] = []
        try:
            for key, phash in items:
                value = _checked_hash(phash)
                known = self._ids.get(key)
                if known is not None:
                    old = fresh[known - start] if known >= start else int(self._hashes[known])
                    if old != value:
                        raise ValueError(f"{key} is already indexed with pHash {old:016x}, not {value:016x}")
                    continue
                self._ids[key] = start + len(fresh)
                self._keys.append(key)
                fresh.append(value)
        except BaseException:
            for key in self._keys[start:]:
                del self._ids[key]
            del self._keys[start:]
            raise
        end = start + len(fresh)
        if end > len(self._hashes):
            grown = np.zeros(max(end, 2 * len(self._hashes)), dtype=np.uint64)
            grown[:start] = self._hashes[:start]
            self._hashes = grown
        self._hashes[start:end] = np.array(fresh, dtype=np.uint64)

    def build(self) -> None:
        """Index every hash added so far. Queries do it themselves when enough hashes wait;
        call it after a bulk load to pay for it up front."""
        n = len(self._keys)
        if n == self._indexed:
            return
        hashes = self._hashes[:n]
        buckets = np.empty(self.substrings * n, dtype=np.int64)
        for t, (width, shift) in enumerate(zip(self._widths, self._shifts)):
            part = (hashes >> np.uint64(shift)) & np.uint64((1 << width) - 1)
            buckets[t * n:(t + 1) * n] = part.astype(np.int64) + self._first_bucket[t]
        order = np.argsort(buckets)
        small = np.int32 if len(buckets) < 2**31 else np.int64
        starts = np.zeros(self._buckets + 1, dtype=small)
        np.cumsum(np.bincount(buckets, minlength=self._buckets), out=starts[1:])
        del buckets
        self._starts = starts
        self._bucket_ids = (order % n).astype(small)
        self._bucket_hashes = hashes[self._bucket_ids]
        self._indexed = n

    def query(self, phash: int, max_distance: int = DEFAULT_MAX_DISTANCE) -> list[tuple[str, int]]:
        """(key, distance) of every hash within max_distance bits of phash, nearest first (then by key).
        The query's own key is included if it is in the index: callers leave it out themselves."""
        ids, distances, _ = self._search(phash, max_distance)
        keys = self._keys
        return sorted(((keys[i], d) for i, d in zip(ids, distances)), key=lambda kd: (kd[1], kd[0]))

    def candidate_count(self, phash: int, max_distance: int = DEFAULT_MAX_DISTANCE) -> int:
        """How many hashes query(phash, max_distance) compares in full (bucket entries plus scanned hashes)."""
        return self._search(phash, max_distance)[2]

    def _search(self, phash: int, max_distance: int) -> tuple[list[int], list[int], int]:
        value = _checked_hash(phash)
        if isinstance(max_distance, bool) or operator.index(max_distance) < 0:
            raise ValueError(f"max_distance must be a whole number of bits >= 0, not {max_distance!r}")
        n = len(self._keys)
        if n - self._indexed > max(_MIN_PENDING, self._indexed // _PENDING_SHARE):
            self.build()
        needle = np.uint64(value)
        found: list[np.ndarray] = []
        checked = 0
        scan_from = 0
        probes = self._probes(value, max_distance) if self._indexed else None
        if probes is not None:
            scan_from = self._indexed
            low = self._starts[probes]
            lengths = self._starts[probes + 1] - low
            total = int(lengths.sum())
            if total:
                ends = np.cumsum(lengths)
                positions = np.repeat(low - (ends - lengths), lengths) + np.arange(total)
                distances = np.bitwise_count(self._bucket_hashes[positions] ^ needle)
                near = distances <= max_distance
                # An image can turn up in several tables: once each.
                ids, first = np.unique(self._bucket_ids[positions[near]], return_index=True)
                found.append(np.stack([ids, distances[near][first].astype(np.int64)]))
                checked += total
        if scan_from < n:
            distances = np.bitwise_count(self._hashes[scan_from:n] ^ needle)
            ids = np.flatnonzero(distances <= max_distance)
            found.append(np.stack([ids + scan_from, distances[ids].astype(np.int64)]))
            checked += n - scan_from
        if not found:
            return [], [], checked
        both = np.concatenate(found, axis=1)
        return both[0].tolist(), both[1].tolist(), checked

    def _probes(self, value: int, max_distance: int) -> np.ndarray | None:
        """The buckets to look up for this query, or None when scanning every hash is cheaper."""
        r, a = divmod(max_distance, self.substrings)
        # Substrings 0..a within r bits, the others within r - 1 (max_distance = m*r + a).
        radii = [r if t <= a else r - 1 for t in range(self.substrings)]
        count = sum(math.comb(self._widths[t], k) for t in range(self.substrings) for k in range(radii[t] + 1))
        if count * _PROBE_COST > self._indexed:
            return None
        plan = self._plans.get(max_distance)
        if plan is None:
            tables, masks = [], []
            for t, radius in enumerate(radii):
                for k in range(radius + 1):
                    for bits in itertools.combinations(range(self._widths[t]), k):
                        tables.append(t)
                        masks.append(sum(1 << bit for bit in bits))
            plan = self._plans[max_distance] = (np.array(tables, dtype=np.int64), np.array(masks, dtype=np.int64))
        tables, masks = plan
        buckets = np.array([((value >> shift) & ((1 << width) - 1)) + first for width, shift, first
                            in zip(self._widths, self._shifts, self._first_bucket)], dtype=np.int64)
        return buckets[tables] ^ masks  # a mask only flips bits below the table's width


def _checked_hash(phash: int) -> int:
    value = operator.index(phash)
    if isinstance(phash, bool) or not 0 <= value < 1 << 64:
        raise ValueError(f"a pHash is a 64-bit unsigned integer, not {phash!r}")
    return value


def _parse_phash(text: object, sha256: str) -> int:
    if not isinstance(text, str) or not _PHASH.fullmatch(text):
        raise ValueError(f"Image {sha256}: phash {text!r} is not 16 hexadecimal digits")
    return int(text, 16)


def load_index(driver: neo4j.Driver, *, substrings: int = DEFAULT_SUBSTRINGS,
               database: str | None = None) -> PhashIndex:
    """An index of every (:Image) with a phash, keyed by sha256, streamed from the database
    and built. Images without a phash are left out."""

    def work(tx: neo4j.ManagedTransaction) -> PhashIndex:
        index = PhashIndex(substrings)  # afresh on every attempt: a retried read starts over
        batch: list[tuple[str, int]] = []
        for record in tx.run(q.IMAGE_PHASHES):
            batch.append((record["sha256"], _parse_phash(record["phash"], record["sha256"])))
            if len(batch) >= _LOAD_BATCH:
                index.add_many(batch)
                batch = []
        index.add_many(batch)
        index.build()
        return index

    with driver.session(database=database) as session:
        return session.execute_read(work)


# A blank or solid-colour picture hashes to its DC term alone (0x8000000000000000, or 0): all such
# pictures "match" each other whatever they are, so near-flat hashes are never linked.
MIN_INFORMATIVE_BITS = 4


def informative(phash: int) -> bool:
    return MIN_INFORMATIVE_BITS <= phash.bit_count() <= 64 - MIN_INFORMATIVE_BITS


def link_near_duplicates(driver: neo4j.Driver, index: PhashIndex, new_images: Iterable[tuple[str, str | None]],
                         max_distance: int = DEFAULT_MAX_DISTANCE, *, database: str | None = None) -> int:
    """Write a NEAR_DUPLICATE edge between each new image and every image within max_distance bits
    of it, already indexed or new in this call (distance 0 included: different bytes, same
    picture), then add the new images to the index. Returns the number of edges created.

    new_images are (sha256, phash hex) of images already in the graph (an image missing from it
    gets no edge, and being indexed now, none later); those already in the index, repeated,
    without a phash or near-flat (see informative) are skipped. One write transaction, idempotent: each pair is MERGEd from the
    lower sha256 to the higher, with distance and first_seen set only when it is created. The
    index is only changed once the write has succeeded, so a failed call can simply be retried.

    The index lives in one process: run one linker at a time, or two would miss each other's
    new images. Pass new images in batches of a size one transaction can hold (a few thousand)."""
    fresh = PhashIndex(index.substrings)  # this call's new images, which must also find each other
    added: list[tuple[str, int]] = []
    rows = []
    for sha256, phash in new_images:
        if phash is None or sha256 in index or sha256 in fresh:
            continue
        value = _parse_phash(phash, sha256)
        if not informative(value):
            continue
        for other, distance in index.query(value, max_distance) + fresh.query(value, max_distance):
            low, high = (sha256, other) if sha256 < other else (other, sha256)
            rows.append({"low": low, "high": high, "distance": distance})
        fresh.add(sha256, value)
        added.append((sha256, value))
    created = 0
    if rows:
        rows.sort(key=lambda row: (row["low"], row["high"]))  # lock order, as graph.ingest does
        summary = driver.execute_query(q.LINK_NEAR_DUPLICATES, rows=rows, database_=database).summary
        created = summary.counters.relationships_created
    index.add_many(added)
    return created
