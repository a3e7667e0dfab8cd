"""Repeated crawl cycles, each in a child process (`python -m crawler.cycle`), stopped cleanly by
SIGINT or SIGTERM: the signal is passed on once to the running cycle, which finishes what it is
doing, and no new cycle starts."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable


class CrawlLoop:
    def __init__(self, site_file: str, every_minutes: float | None, max_pages: int | None, cycles: int | None,
                 after_cycle: Callable[[dict], None] | None = None):
        self.site_file = site_file
        self.after_cycle = after_cycle  # e.g. the watches, run on what the cycle brought
        self.every = every_minutes * 60 if every_minutes else None
        self.max_pages = max_pages
        self.cycles = cycles
        self.stopping = threading.Event()
        self.child: subprocess.Popen | None = None
        self.results: list[dict] = []

    def _on_signal(self, signum, frame) -> None:
        if self.stopping.is_set() and self.child and self.child.poll() is None:
            self.child.kill()  # asked twice: stop now (the spool and JOBDIR keep what is not written)
            return
        self.stopping.set()
        if self.child and self.child.poll() is None:
            self.child.send_signal(signal.SIGTERM)

    def run(self, echo: Callable[[str], None]) -> bool:
        """Run cycles until done or stopped; True when a cycle failed."""
        previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        failed = False
        try:
            number = 0
            while not self.stopping.is_set():
                number += 1
                started = time.monotonic()
                result = self._cycle()
                self.results.append(result)
                if self.after_cycle:
                    self.after_cycle(result)
                failed |= result.get("finish_reason") not in ("finished", "shutdown")
                if self.stopping.is_set() or (self.cycles and number >= self.cycles) or not self.every:
                    break
                wait = self.every - (time.monotonic() - started)
                if wait > 0:
                    echo(f"next cycle in {wait:.0f}s (Ctrl-C to stop)")
                    self.stopping.wait(wait)
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
        return failed

    def _cycle(self) -> dict:
        with tempfile.TemporaryDirectory(prefix="adgraph-cycle-") as tmp:
            report = Path(tmp) / "report.json"
            command = [sys.executable, "-m", "crawler.cycle", self.site_file, "--report", str(report)]
            if self.max_pages:
                command += ["--max-pages", str(self.max_pages)]
            # Its own session: a Ctrl-C on the terminal reaches only this process, which passes it on once.
            self.child = subprocess.Popen(command, start_new_session=True)
            if self.stopping.is_set():  # the signal came while the child was starting
                self.child.send_signal(signal.SIGTERM)
            code = self.child.wait()
            self.child = None
            if report.exists():
                return json.loads(report.read_text())
            return {"finish_reason": f"exit code {code}"}
