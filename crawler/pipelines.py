"""Item pipelines, in the order they run (crawler/settings.py): each does one thing.

    ArchivePipeline        keep the raw page in the evidence archive, log every fetch
    ChangePipeline         decide new / changed / unchanged against the crawl state
    ExtractPipeline        pull phones, emails and places out of new and changed ads
    EvidenceImagesPipeline download their images, keep the bytes as they came, hash them
    FacesPipeline          find the faces in those images, with the configured face engine
    GraphPipeline          turn items into observations and send them to the graph via the spool
"""

from __future__ import annotations

from crawler.context import current_cycle

import asyncio
import logging
import time
from pathlib import Path

from scrapy.pipelines.files import FilesPipeline
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import threads
from scrapy.http import Request

from crawler import observations
from crawler.archive import EvidenceArchive
from crawler.extract import extract
from crawler.files import write_once
from crawler.faces.engine import FaceInputError, keep_thumbnails, load_engine
from crawler.faces.ledger import LookedAt
from crawler.images import ImageRejected, image_extension, inspect_image
from crawler.items import AdGone, AdNotModified, AdPage

log = logging.getLogger(__name__)


class _CyclePipeline:
    """Gives a pipeline the crawler and the cycle's shared objects (crawler.cycle.Cycle)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.cycle = current_cycle(crawler)
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)


class ArchivePipeline(_CyclePipeline):
    def open_spider(self):
        self.archive = EvidenceArchive(self.cycle.evidence_dir)
        self.fetches = self.archive.fetch_log(self.cycle.site.name, self.cycle.cycle_id)

    def close_spider(self):
        self.fetches.close()

    def process_item(self, item):
        if isinstance(item, AdPage):
            item.raw_sha256 = self.archive.store_page(item.url, item.fetched_at, item.status, item.headers, item.raw)
            self.fetches.revisit(item.url, item.fetched_at, item.status, item.headers, item.raw_sha256)
        else:
            raw = item.raw if isinstance(item, AdGone) else b""
            self.fetches.response(item.url, item.fetched_at, item.status, item.headers, raw)
        self.stats.inc_value("adgraph/pages")
        return item


class ChangePipeline(_CyclePipeline):
    def process_item(self, item):
        if not isinstance(item, AdPage):
            return item
        known = self.cycle.state.get(item.site_ad_id)
        item.fingerprint = observations.fingerprint(item)
        item.previous = known.observation if known else None
        if known is None or known.observation is None:
            item.change = "new"
        elif known.fingerprint == item.fingerprint and not known.removed:
            item.change = "unchanged"
        else:
            item.change = "changed"
        return item


class ExtractPipeline(_CyclePipeline):
    def process_item(self, item):
        if isinstance(item, AdPage) and item.change != "unchanged":
            item.extracted = extract(item.title, observations.ad_text(item), self.cycle.site.region, item.location)
        return item


class EvidenceImagesPipeline(FilesPipeline):
    """Scrapy's files pipeline (scheduling, de-duplication, stats), storing each image under the
    SHA-256 of its bytes, exactly as downloaded: never converted, never overwritten.
    Bytes that are not a usable image are logged with the reason and left out; the crawl goes on."""

    def __init__(self, store_uri, *, crawler):
        super().__init__(store_uri, crawler=crawler)
        self.cycle = current_cycle(crawler)
        self.root = Path(self.cycle.images_dir)
        self.facts: dict[str, dict | str] = {}  # url -> image facts, or why it was rejected

    def get_media_requests(self, item, info):
        if isinstance(item, AdPage) and item.change != "unchanged" and self.cycle.site.images:
            return [Request(url) for url in item.image_urls]
        return []

    def media_to_download(self, request, info, *, item=None):
        return None  # content-addressed: nothing to look up by URL, so always fetch

    def file_path(self, request, response=None, info=None, *, item=None):
        facts = self.facts.get(request.url)
        return facts["path"] if isinstance(facts, dict) else ""

    async def file_downloaded(self, response, request, info, *, item=None):
        # Decoding a large photo takes a tenth of a second: off the reactor thread, so the crawl
        # keeps fetching meanwhile (Pillow releases the GIL while it decodes).
        return await maybe_deferred_to_future(
            threads.deferToThread(self._keep, response.body, request.url))

    def _keep(self, body: bytes, url: str) -> str:
        try:
            facts = inspect_image(body, max_pixels=self.cycle.site.limits.max_image_pixels)
        except ImageRejected as exc:
            self.facts[url] = str(exc)
            self.crawler.stats.inc_value("adgraph/images_skipped")
            log.warning("image skipped: %s: %s", url, exc)
            return ""
        relative = f"images/{facts.sha256[:2]}/{facts.sha256}.{image_extension(facts)}"
        write_once(self.root.parent / relative, body)
        self.facts[url] = {"sha256": facts.sha256, "phash": facts.phash, "path": relative,
                           "width": facts.width, "height": facts.height, "mime": facts.mime,
                           "exif": facts.exif}
        self.crawler.stats.inc_value("adgraph/images")
        return facts.sha256

    def item_completed(self, results, item, info):
        if isinstance(item, AdPage):
            images = []
            for url in item.image_urls:
                facts = self.facts.get(url)
                if isinstance(facts, dict):
                    images.append({"url": url[:4000], **{k: v for k, v in facts.items() if v not in (None, {})}})
            item.images = list({img["sha256"]: img for img in images}.values())
            errors = sum(1 for ok, _ in results if not ok)
            if errors:
                self.crawler.stats.inc_value("adgraph/images_failed", errors)
        return item


class FacesPipeline(_CyclePipeline):
    """Faces in the images of new and changed ads, found by the configured engine (crawler/faces):
    dlib in worker processes (it holds the GIL, so threads would share one core), Rekognition by
    indexing into the agency's collection. Each image is looked at once, even across cycles; a
    small crop of every face is kept beside the images, for people to look at."""

    WORKERS = 2

    def open_spider(self):
        self.engine = self.pool = None
        self.pending: dict[str, asyncio.Future] = {}
        site, name = self.cycle.site, self.cycle.face_engine
        if name == "off" or not (site.faces and site.images):
            return
        self.looked_at = LookedAt(self.cycle.data_dir, name)
        if name == "dlib":
            self.engine = load_engine("dlib")
            self.pool = self.engine.executor(self.WORKERS)
            self.key = f"dlib/{self.engine.model}"
        else:
            self.engine = load_engine("rekognition", collection_id=self.cycle.rekognition_collection)
            self.key = "rekognition"

    def close_spider(self):
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    async def process_item(self, item):
        if self.engine is None or not isinstance(item, AdPage) or item.change == "unchanged":
            return item
        for image in item.images:
            item.faces += await self._faces(image)
        return item

    async def _faces(self, image: dict) -> list[dict]:
        sha256 = image["sha256"]
        known = self.cycle.state.image_faces(sha256, self.key)
        if known is not None:
            return known
        if sha256 not in self.pending:  # the same image in two ads at once is looked at once
            self.pending[sha256] = asyncio.ensure_future(self._find(sha256, self.cycle.data_dir / image["path"]))
        try:
            return await self.pending[sha256]
        finally:
            self.pending.pop(sha256, None)  # done: the state has the answer from now on

    async def _find(self, sha256: str, path: Path) -> list[dict]:
        data = path.read_bytes()
        try:
            if self.pool is not None:
                found = await asyncio.wrap_future(self.engine.submit(self.pool, data))
            else:
                found = await asyncio.to_thread(_index_or_error, self.engine, data)
        except Exception as exc:  # noqa: BLE001 - the engine failing (throttled, a worker died) must not cost the ad
            log.error("faces could not be looked for in %s (it will be tried again): %s", path.name, exc)
            return []  # not recorded as looked at: the next cycle or `faces index` tries again
        if isinstance(found, FaceInputError):
            log.warning("faces not looked for in %s: %s", path.name, found)
            faces = []
        else:
            faces = [face.observation(sha256) for face in found]
            await asyncio.to_thread(keep_thumbnails, self.cycle.faces_dir, data, faces)
            self.stats.inc_value("adgraph/faces", len(faces))
        self.cycle.state.record_image_faces(sha256, self.key, faces)
        self.looked_at.add([sha256])
        return faces


def _index_or_error(engine, data: bytes):
    try:
        return engine.index(data)
    except FaceInputError as exc:
        return exc


class GraphPipeline(_CyclePipeline):
    """Observations go to the spool in small batches (every BATCH items or SECONDS, whichever comes
    first, so the graph follows the crawl closely); the cycle's writer thread takes them to Neo4j."""

    BATCH = 200
    SECONDS = 1.0

    def open_spider(self):
        self.buffer: list[dict] = []
        self.flushed = time.monotonic()

    def process_item(self, item):
        state, site = self.cycle.state, self.cycle.site
        if isinstance(item, AdGone):
            known = state.get(item.site_ad_id)
            if known is not None and not known.removed:
                self._send(observations.removal(site.name, item.site_ad_id, item.fetched_at))
                state.record_removed(item.site_ad_id)
                self.stats.inc_value("adgraph/ads_removed")
            return item
        if isinstance(item, AdNotModified):
            known = state.get(item.site_ad_id)
            if known is None or known.observation is None:
                log.error("%s answered 304 to a request adgraph made without validators", item.url)
                return item
            self._send(observations.seen_again(known.observation, item.fetched_at, item.url))
            self.stats.inc_value("adgraph/ads_unchanged")
            return item
        if item.change == "unchanged":
            observation = {**observations.seen_again(item.previous, item.fetched_at, item.url),
                           "raw_sha256": item.raw_sha256}
        else:
            observation = observations.live(item)
        self._send(observation)
        headers = {k.lower(): v for k, v in item.headers.items()}
        state.record_live(item.site_ad_id, item.url, headers.get("etag"), headers.get("last-modified"),
                          item.fingerprint, observation)
        self.stats.inc_value(f"adgraph/ads_{item.change}")
        return item

    def close_spider(self):
        spider = self.crawler.spider
        if spider.listing_complete:
            for site_ad_id in self.cycle.state.count_missing(spider.listed, self.cycle.site.removal.missing_cycles):
                self._send(observations.removal(self.cycle.site.name, site_ad_id, observations.utc_now()))
                self.cycle.state.record_removed(site_ad_id)
                self.stats.inc_value("adgraph/ads_removed")
        else:
            log.warning("the listing was not complete this cycle: no ad is counted missing from it")
        self._flush()
        self.cycle.state.commit()

    def _send(self, observation: dict) -> None:
        self.buffer.append(observation)
        if len(self.buffer) >= self.BATCH or time.monotonic() - self.flushed >= self.SECONDS:
            self._flush()

    def _flush(self) -> None:
        if self.buffer:
            self.cycle.spool.append(self.buffer)
            self.cycle.state.commit()  # what the state now says is in the spool, never ahead of it
            self.buffer = []
            self.cycle.writer.notify()
        self.flushed = time.monotonic()

