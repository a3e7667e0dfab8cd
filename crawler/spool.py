"""Observations on their way to the graph, kept on disk until the graph has them.

The crawl appends each batch of observations to the spool as one file (written whole, then
renamed into place); a writer thread feeds the files to Neo4j oldest first and deletes each
only after its transaction committed. If Neo4j is down or a write fails, the files wait and
are replayed in order when it answers again, in this cycle or the next: nothing is lost and
nothing overtakes what came before it. (Ingest is idempotent, so a batch replayed after a
crash that followed its commit changes nothing.)"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Callable

import orjson

from graph.records import RecordError, parse_line

log = logging.getLogger(__name__)


class Spool:
    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        existing = self.files()
        self._next = int(existing[-1].stem) + 1 if existing else 1
        self._lock = threading.Lock()

    def files(self) -> list[Path]:
        return sorted(self.folder.glob("[0-9]*.jsonl"))

    def append(self, observations: list[dict]) -> Path:
        with self._lock:
            path = self.folder / f"{self._next:012d}.jsonl"
            self._next += 1
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as out:
            for observation in observations:
                out.write(orjson.dumps(observation) + b"\n")
            out.flush()
            os.fsync(out.fileno())
        tmp.rename(path)
        return path

    def pending(self) -> int:
        return sum(len(path.read_bytes().split(b"\n")) - 1 for path in self.files())


def read_batch(path: Path) -> list[dict]:
    batch = []
    for number, line in enumerate(path.read_bytes().splitlines(), start=1):
        if line.strip():
            try:
                batch.append(parse_line(line))
            except RecordError as exc:  # the crawler wrote it, so this is a bug: keep the file, say where
                raise RecordError(f"{path}:{number}: {exc}") from None
    return batch


class SpoolWriter(threading.Thread):
    """Feeds spool files to `write` (a function that puts one batch into the graph) in order.

    While the graph cannot be written, it retries with a growing pause (1 s up to 30 s) and the
    crawl goes on spooling."""

    def __init__(self, spool: Spool, write: Callable[[list[dict]], None], on_error: Callable[[str], None]):
        super().__init__(name="adgraph-spool-writer", daemon=True)
        self.spool = spool
        self.write = write
        self.on_error = on_error
        self.written = 0
        self.failing = False
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._deadline = float("inf")

    def notify(self) -> None:
        self._wake.set()

    def run(self) -> None:
        pause = 1.0
        while True:
            self._wake.clear()
            finishing = self._stopping.is_set()  # set before this drain began: the spool is complete
            try:
                self._drain()
                self.failing, pause = False, 1.0
            except Exception as exc:  # noqa: BLE001 - whatever failed, the files stay for a retry
                self.failing = True
                self.on_error(f"graph write failed; observations kept in {self.spool.folder} for replay: {exc}")
                if finishing and time.monotonic() >= self._deadline:
                    return
                if finishing:
                    time.sleep(min(pause, max(0.0, self._deadline - time.monotonic())))
                else:
                    self._stopping.wait(pause)  # new batches do not cut the pause short; stopping does
                pause = min(pause * 2, 30.0)
                continue
            if finishing:
                return
            self._wake.wait(1.0)

    def _drain(self) -> None:
        for path in self.spool.files():
            batch = read_batch(path)
            if batch:
                self.write(batch)
            path.unlink()
            self.written += len(batch)

    def finish(self, timeout: float) -> bool:
        """Write what is spooled, retrying for up to `timeout` seconds while the graph fails, and stop.
        True when everything reached the graph."""
        self._deadline = time.monotonic() + timeout
        self._stopping.set()
        self._wake.set()
        self.join(timeout + 60)  # a write in flight finishes or times out in the driver
        return not self.spool.files()
