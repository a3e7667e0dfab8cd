"""Downloader middlewares of adgraph's own (the address guard is in crawler/safety.py)."""

from __future__ import annotations

from crawler.context import current_cycle

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware


class ConditionalRequestMiddleware:
    """Asks the site for an ad page only if it changed: If-None-Match / If-Modified-Since from the
    validators the site gave last time (crawl state). A 304 costs the site almost nothing.
    Sites that give no validators are compared by content instead (crawler.pipelines.ChangePipeline)."""

    def __init__(self, crawler):
        self.cycle = current_cycle(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        ad_id = request.meta.get("ad_id")
        if ad_id is None:
            return None
        known = self.cycle.state.get(ad_id)
        if known is None or known.removed or known.observation is None:
            return None
        if known.etag:
            request.headers.setdefault("If-None-Match", known.etag)
        if known.last_modified:
            request.headers.setdefault("If-Modified-Since", known.last_modified)
        return None


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, with a pause before each that doubles (1 s, 2 s, 4 s … at most 60 s, or what
    the site's Retry-After asks): a struggling site gets room to recover instead of a burst."""

    BASE_SECONDS = 1.0

    async def process_response(self, request, response):
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await _sleep(self.pause(result, response.headers.get(b"Retry-After")))
        return result

    async def process_exception(self, request, exception):
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await _sleep(self.pause(result, None))
        return result

    def pause(self, retry: Request, retry_after: bytes | None) -> float:
        if retry_after and retry_after.strip().isdigit():
            return min(float(retry_after), 60.0)
        return min(self.BASE_SECONDS * 2 ** (retry.meta.get("retry_times", 1) - 1), 60.0)


async def _sleep(seconds: float) -> None:
    from twisted.internet import reactor
    from twisted.internet.task import deferLater
    from scrapy.utils.defer import maybe_deferred_to_future

    await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))
