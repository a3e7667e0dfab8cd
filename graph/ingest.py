"""Batched ingest of ad observations: one write transaction and a handful of round trips per batch.

Idempotent: an observation ingested twice creates nothing new. A changed ad
gets a new AdVersion beside the old ones; a removed ad gets removed_at and is
never deleted.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from typing import Callable, IO, Iterable, Iterator

import neo4j

from graph.queries import ingest as q
from graph.records import RecordError, parse_line

DEFAULT_BATCH = 2000


@dataclass
class IngestStats:
    records: int = 0
    bad_lines: int = 0
    removals: int = 0
    removals_ignored: int = 0  # unknown ad, already removed, or older than the ad's last live sighting
    nodes_created: int = 0
    relationships_created: int = 0

    def add(self, other: "IngestStats") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class BadLine:
    line_number: int
    reason: str


class StrictModeError(Exception):
    """--strict stopped the ingest at a bad line."""

    def __init__(self, bad: BadLine):
        super().__init__(f"line {bad.line_number}: {bad.reason}")
        self.bad = bad


_AD_FIELDS = ("site", "site_ad_id", "fetched_at", "posted_at", "url", "title", "body",
              "version_id", "content_hash", "raw_sha256")
# (statement, observation field, sort key) for each kind of identifier an ad links to.
_LINKS = (
    (q.LINK_PHONES, "phones", "e164"),
    (q.LINK_EMAILS, "emails", "address"),
    (q.LINK_HANDLES, "handles", "handle_id"),
    (q.LINK_LOCATIONS, "locations", "location_id"),
    (q.LINK_IMAGES, "images", "sha256"),
)


def _phases(observations: list[dict]) -> list[list[dict]]:
    """Split a batch into phases in which every ad occurs at most once: phase n holds the n-th
    observation (live or removal) of each ad in fetched_at order, so each ad's observations
    within a batch apply oldest first whatever their order in the file, and no statement sees
    the same ad twice. Usually one phase; edits or removals of an ad in the same batch add a
    few small ones. (fetched_at is normalized UTC ISO text, which sorts chronologically.)"""
    occurrences: dict[tuple[str, str], int] = {}
    phases: list[list[dict]] = []
    for o in sorted(observations, key=lambda o: o["fetched_at"]):
        key = (o["site"], o["site_ad_id"])
        n = occurrences.get(key, 0)
        occurrences[key] = n + 1
        if n == len(phases):
            phases.append([])
        phases[n].append(o)
    return phases


def _count(stats: IngestStats, summary: neo4j.ResultSummary) -> None:
    stats.nodes_created += summary.counters.nodes_created
    stats.relationships_created += summary.counters.relationships_created


def _write_phase(tx: neo4j.ManagedTransaction, observations: list[dict], stats: IngestStats) -> None:
    # Sorted by key, so concurrent writers lock nodes in the same order: no deadlocks between them.
    live = sorted((o for o in observations if not o["removed"]), key=lambda o: (o["site"], o["site_ad_id"]))
    removals = [o for o in observations if o["removed"]]
    if live:
        groups: list[dict] = []
        for k, o in enumerate(live):
            if not groups or groups[-1]["name"] != o["site"]:
                groups.append({"name": o["site"], "ads": []})
            groups[-1]["ads"].append({"k": k, **{f: o[f] for f in _AD_FIELDS}})
        result = tx.run(q.UPSERT_ADS, rows=groups)
        ads: list = [None] * len(live)
        for record in result:
            ads[record["k"]] = record["ad"]
        _count(stats, result.consume())
        for query, field, key in _LINKS:
            rows = [{"ad": ad, "seen": o["fetched_at"], **item} for o, ad in zip(live, ads, strict=True) for item in o[field]]
            if rows:
                rows.sort(key=lambda row: row[key])
                _count(stats, tx.run(query, rows=rows).consume())
        faces = sorted(({"seen": o["fetched_at"], **face} for o in live for face in o["faces"]),
                       key=lambda r: r["face_id"])
        if faces:
            _count(stats, tx.run(q.LINK_FACES, rows=faces).consume())
    if removals:
        marked = tx.run(q.MARK_REMOVED, rows=removals).single(strict=True)["marked"]
        stats.removals_ignored += len(removals) - marked


def write_batch(driver: neo4j.Driver, observations: list[dict], database: str | None = None) -> IngestStats:
    """Write observations (as graph.records.normalize returns them) in one write transaction.

    A few statements per phase (see _phases), each over the whole phase: a handful of
    round trips however many observations the batch holds."""
    phases = _phases(observations)
    removals = sum(1 for o in observations if o["removed"])

    def work(tx: neo4j.ManagedTransaction) -> IngestStats:
        stats = IngestStats(records=len(observations), removals=removals)
        for phase in phases:
            _write_phase(tx, phase, stats)
        return stats

    with driver.session(database=database) as session:
        # A retried batch is safe: every statement in it is idempotent.
        return session.execute_write(work)


def read_lines(stream: IO[bytes]) -> Iterator[tuple[int, dict | BadLine]]:
    """(line number, observation or BadLine) for every non-blank line; streams, so memory stays flat."""
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            yield number, parse_line(line)
        except RecordError as exc:
            yield number, BadLine(number, str(exc))


def batches(lines: Iterable[tuple[int, dict | BadLine]], batch_size: int,
            strict: bool) -> Iterator[list[dict] | BadLine]:
    """Group good observations into batches; pass bad lines through in order.
    In strict mode, the batch before the first bad line is still yielded, then the bad line, then nothing."""
    batch: list[dict] = []
    for _, item in lines:
        if isinstance(item, BadLine):
            if strict and batch:
                yield batch
            yield item
            if strict:
                return
            continue
        batch.append(item)
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def prefetch(items: Iterable, depth: int = 2) -> Iterator:
    """Produce items in a background thread, at most `depth` ahead: parsing the next batch
    overlaps with the database writing this one (the driver waits on its socket without the GIL)."""
    buffer: queue.Queue = queue.Queue(maxsize=depth)
    done = object()
    stop = threading.Event()

    def put(item) -> bool:
        """Queue an item unless the consumer has gone away; never blocks past its departure."""
        while not stop.is_set():
            try:
                buffer.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(done)
        except BaseException as exc:  # re-raised in the consumer
            put(exc)

    thread = threading.Thread(target=produce, name="adgraph-ingest-reader", daemon=True)
    thread.start()
    try:
        while (item := buffer.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


def ingest_lines(
    driver: neo4j.Driver,
    lines: Iterable[tuple[int, dict | BadLine]],
    batch_size: int = DEFAULT_BATCH,
    strict: bool = False,
    on_bad: Callable[[BadLine], None] = lambda bad: None,
    on_batch: Callable[[IngestStats], None] = lambda stats: None,
    write: Callable[[list[dict]], IngestStats] | None = None,
) -> IngestStats:
    """Ingest parsed lines in batches. Bad lines go to on_bad and the rest carry on, unless strict,
    which stops at the first bad line after writing everything before it. write lands one batch
    (default: write_batch alone; `adgraph ingest` lands with graph.landing, links and networks too)."""
    write = write or (lambda batch: write_batch(driver, batch))
    total = IngestStats()
    for item in prefetch(batches(lines, batch_size, strict)):
        if isinstance(item, BadLine):
            if strict:
                raise StrictModeError(item)
            total.bad_lines += 1
            on_bad(item)
            continue
        stats = write(item)
        total.add(stats)
        on_batch(stats)
    return total
