"""Progress on the terminal while a cycle runs, and its summary when it ends (Scrapy extension)."""

from __future__ import annotations

from crawler.context import current_cycle

import sys
import time

from scrapy import signals
from twisted.internet import task

COUNTERS = ("pages", "ads_new", "ads_changed", "ads_unchanged", "ads_removed", "images", "images_skipped",
            "faces", "errors", "refused")


def summary(stats: dict) -> dict:
    out = {name: int(stats.get(f"adgraph/{name}", 0)) for name in COUNTERS}
    out["errors"] += int(stats.get("log_count/ERROR", 0))
    return out


def line(cycle_id: str, counts: dict, elapsed: float) -> str:
    return (f"cycle {cycle_id}: {counts['pages']} pages | ads new {counts['ads_new']}, changed {counts['ads_changed']}, "
            f"unchanged {counts['ads_unchanged']}, removed {counts['ads_removed']} | images {counts['images']}"
            f" ({counts['images_skipped']} skipped) | faces {counts['faces']} | errors {counts['errors']} | {elapsed:.0f}s")


class Progress:
    INTERVAL = 2.0

    def __init__(self, crawler):
        self.crawler = crawler
        self.cycle = current_cycle(crawler)
        self.tty = sys.stderr.isatty()
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def opened(self, spider):
        self.started = time.monotonic()
        self.task = task.LoopingCall(self.show)
        self.task.start(self.INTERVAL, now=False)

    def show(self, end: str = "") -> None:
        text = line(self.cycle.cycle_id, summary(self.crawler.stats.get_stats()), time.monotonic() - self.started)
        # On a terminal the line updates in place; in a log file each update is its own line.
        sys.stderr.write(("\r\033[K" + text + end) if self.tty else text + "\n")
        sys.stderr.flush()

    def closed(self, spider, reason):
        if self.task.running:
            self.task.stop()
        self.show(end="\n")
        self.cycle.finish_reason = reason
        self.cycle.counts = summary(self.crawler.stats.get_stats())
        self.cycle.listing_complete = spider.listing_complete
