"""Scrapy settings, in one place: the defaults every crawl uses, and those a site file sets."""

from __future__ import annotations

from crawler.sites import Site

BOT_NAME = "adgraph"

ITEM_PIPELINES = {
    "crawler.pipelines.ArchivePipeline": 100,
    "crawler.pipelines.ChangePipeline": 200,
    "crawler.pipelines.ExtractPipeline": 300,
    "crawler.pipelines.EvidenceImagesPipeline": 400,
    "crawler.pipelines.FacesPipeline": 500,
    "crawler.pipelines.GraphPipeline": 900,
}
DOWNLOADER_MIDDLEWARES = {
    # Before everything that can issue a request, including the retry and redirect middlewares,
    # whose new requests pass through here again.
    "crawler.safety.AddressGuardMiddleware": 50,
    "crawler.middlewares.ConditionalRequestMiddleware": 560,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
}
EXTENSIONS = {
    "crawler.progress.Progress": 500,
    "scrapy.extensions.telnet.TelnetConsole": None,
}
TWISTED_DNS_RESOLVER = "crawler.safety.GuardedResolver"

COOKIES_ENABLED = False
REDIRECT_MAX_TIMES = 5
MEDIA_ALLOW_REDIRECTS = True
RETRY_ENABLED = True
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60
LOG_LEVEL = "WARNING"
LOGSTATS_INTERVAL = 0


def defaults() -> dict:
    return {name: value for name, value in globals().items() if name.isupper()}


def for_site(site: Site) -> dict:
    """What the site file decides: politeness, limits and trust."""
    limits = site.limits
    return {
        "USER_AGENT": site.user_agent,
        "ROBOTSTXT_OBEY": site.obey_robots_txt,
        "CONCURRENT_REQUESTS": max(16, limits.concurrency),
        "CONCURRENT_REQUESTS_PER_DOMAIN": limits.concurrency,
        "DOWNLOAD_DELAY": limits.delay,
        "AUTOTHROTTLE_ENABLED": limits.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(limits.delay, 0.5),
        "RETRY_TIMES": limits.retries,
        "DOWNLOAD_TIMEOUT": limits.timeout,
        "DOWNLOAD_MAXSIZE": int(limits.max_response_mb * 1024 * 1024),
        "DOWNLOAD_WARNSIZE": 0,
        "ADGRAPH_ALLOW_PRIVATE_ADDRESSES": site.allow_private_addresses,
    }
