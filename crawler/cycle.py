"""One crawl cycle of one site, in this process: `python -m crawler.cycle SITE.yaml`.

`adgraph crawl` runs each cycle in a process of its own (Scrapy's reactor cannot be restarted
in one process). A cycle walks the listings, fetches new and possibly changed ads, archives
every page, extracts, downloads images, and sends observations through the spool to Neo4j.
Stopped by SIGINT or SIGTERM it finishes the items in flight, writes what it has, and keeps
its pending requests (JOBDIR) for the next run."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import shutil
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from scrapy.crawler import CrawlerProcess

from crawler import settings as crawl_settings
from crawler.context import register
from crawler.sites import Site, load_site
from crawler.spiders.classifieds import ClassifiedsSpider
from crawler.spool import Spool, SpoolWriter
from crawler.state import CrawlState
from graph.config import load_settings

log = logging.getLogger("adgraph.crawl")

# How long the end of a cycle waits for Neo4j before leaving the spool to the next cycle.
FLUSH_TIMEOUT = float(os.environ.get("ADGRAPH_CRAWL_FLUSH_TIMEOUT", "30"))


@dataclass
class Cycle:
    """What the pipelines, middlewares and extensions of one cycle share."""

    site: Site
    cycle_id: str
    data_dir: Path
    state: CrawlState
    spool: Spool
    writer: SpoolWriter
    face_engine: str = "dlib"
    rekognition_collection: str | None = None
    finish_reason: str = ""
    listing_complete: bool = False
    counts: dict = field(default_factory=dict)

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"

    @property
    def images_dir(self) -> Path:
        return self.data_dir / "images"

    @property
    def faces_dir(self) -> Path:
        return self.data_dir / "faces"


class GraphSink:
    """Lands spooled batches in Neo4j (graph.landing: write, near-duplicates, same faces, networks);
    connects lazily, so a database that is down when the cycle starts only delays the writes."""

    def __init__(self, settings):
        self.settings = settings
        self.driver = None
        self.lander = None

    def __call__(self, batch: list[dict]) -> None:
        from graph.driver import open_driver
        from graph.landing import Lander
        from graph.model import apply_schema

        if self.driver is None:
            self.driver = open_driver(self.settings)  # kept, and closed by close(), even if the schema fails
        if self.lander is None:
            apply_schema(self.driver)
            self.lander = Lander(self.driver)
        self.lander.land(batch)

    def finish(self) -> None:
        """Once every batch has landed: judge again the small commons the cycle's batches met
        (graph.landing.Lander.finish). Working data only: a failure here is logged, not raised."""
        if self.lander is None:
            return
        try:
            settled = self.lander.finish()
            if settled.stopped_common or settled.became_common:
                log.info("common identifiers judged again over %d ads: %d no longer common, %d newly; %d merges, %d splits",
                         settled.ads, settled.stopped_common, settled.became_common, settled.merges, settled.splits)
        except Exception as exc:  # noqa: BLE001 - every ad has landed; this pass only refines verdicts
            log.error("judging the cycle's common identifiers again failed (%s); they are judged again when "
                      "a later batch touches them, or by `adgraph networks rebuild`", exc)

    def close(self) -> None:
        if self.driver is not None:
            self.driver.close()


def run(site: Site, data_dir: Path, report: Path | None = None) -> dict:
    cycle_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    crawl_dir = data_dir / "crawl" / site.name
    crawl_dir.mkdir(parents=True, exist_ok=True)
    state = CrawlState(crawl_dir / "state.sqlite3")
    spool = Spool(crawl_dir / "spool")
    settings = load_settings()
    sink = GraphSink(settings)
    errors: list[str] = []

    def on_error(message: str) -> None:
        if not errors or errors[-1] != message:
            log.error(message)
        errors.append(message)

    writer = SpoolWriter(spool, sink, on_error)
    cycle = Cycle(site, cycle_id, data_dir, state, spool, writer, face_engine=settings.face_engine,
                  rekognition_collection=settings.rekognition_collection)
    job_dir = crawl_dir / "job"
    writer.start()  # replays what an earlier cycle could not write, first
    process = CrawlerProcess({
        **crawl_settings.defaults(), **crawl_settings.for_site(site),
        "ADGRAPH_CYCLE": register(cycle), "FILES_STORE": str(data_dir / "images"), "JOBDIR": str(job_dir),
    })
    process.crawl(ClassifiedsSpider, site=site, known=state.live_ads())
    process.start()
    state.close()
    try:
        complete = writer.finish(FLUSH_TIMEOUT)
        if complete:
            sink.finish()
    finally:
        sink.close()
    if cycle.finish_reason == "finished":
        shutil.rmtree(job_dir, ignore_errors=True)  # nothing left to resume
    result = {"cycle": cycle_id, "site": site.name, "finish_reason": cycle.finish_reason,
              "listing_complete": cycle.listing_complete, **cycle.counts,
              "written": writer.written, "spooled": spool.pending(), "graph_ok": complete}
    if not complete:
        print(f"cycle {cycle_id}: Neo4j could not be written; {result['spooled']} observations wait in "
              f"{spool.folder} and are replayed on the next run", file=sys.stderr)
    if report:
        report.write_text(json.dumps(result))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site")
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--max-pages", type=int)
    parser.add_argument("--report", type=Path)
    args = parser.parse_args(argv)
    site = load_site(args.site)
    if args.max_pages is not None:
        site = dataclasses.replace(site, limits=dataclasses.replace(site.limits, max_pages=args.max_pages))
    data_dir = args.data_dir or load_settings().data_dir
    result = run(site, data_dir, args.report)
    return 0 if result["finish_reason"] in ("finished", "shutdown") else 1


if __name__ == "__main__":
    sys.exit(main())
