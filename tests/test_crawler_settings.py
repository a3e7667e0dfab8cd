"""What a site file sets in Scrapy, and how retries back off."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from scrapy import Request

from crawler import settings
from crawler.middlewares import BackoffRetryMiddleware
from crawler.sites import load_site

SITE = load_site(Path(__file__).resolve().parent.parent / "crawler" / "sites" / "demo.yaml")


def test_site_limits_become_scrapy_settings():
    site = dataclasses.replace(SITE, limits=dataclasses.replace(SITE.limits, concurrency=3, delay=2.5, autothrottle=True,
                                                               retries=4, timeout=20, max_response_mb=2))
    got = settings.for_site(site)
    assert got["CONCURRENT_REQUESTS_PER_DOMAIN"] == 3 and got["DOWNLOAD_DELAY"] == 2.5
    assert got["AUTOTHROTTLE_ENABLED"] is True and got["AUTOTHROTTLE_START_DELAY"] == 2.5
    assert got["RETRY_TIMES"] == 4 and got["DOWNLOAD_TIMEOUT"] == 20
    assert got["DOWNLOAD_MAXSIZE"] == 2 * 1024 * 1024
    assert got["ROBOTSTXT_OBEY"] is True and got["ADGRAPH_ALLOW_PRIVATE_ADDRESSES"] is True


def test_defaults_put_the_guard_first_and_pipelines_in_order():
    defaults = settings.defaults()
    assert defaults["DOWNLOADER_MIDDLEWARES"]["crawler.safety.AddressGuardMiddleware"] < 100
    order = sorted(defaults["ITEM_PIPELINES"], key=defaults["ITEM_PIPELINES"].get)
    assert [name.rsplit(".", 1)[1] for name in order] == [
        "ArchivePipeline", "ChangePipeline", "ExtractPipeline", "EvidenceImagesPipeline", "FacesPipeline", "GraphPipeline"]
    assert defaults["COOKIES_ENABLED"] is False


@pytest.mark.parametrize(("retry_times", "retry_after", "pause"), [
    (1, None, 1.0), (2, None, 2.0), (3, None, 4.0), (7, None, 60.0), (2, b"7", 7.0), (1, b"3600", 60.0),
    (2, b"Wed, 21 Oct 2026 07:28:00 GMT", 2.0),
])
def test_retries_pause_longer_each_time(retry_times, retry_after, pause):
    middleware = BackoffRetryMiddleware.__new__(BackoffRetryMiddleware)
    retry = Request("http://ads.example/ad/1", meta={"retry_times": retry_times})
    assert middleware.pause(retry, retry_after) == pause
