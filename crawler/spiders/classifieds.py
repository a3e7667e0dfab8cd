"""The one generic classifieds spider, driven by a site file (crawler/sites.py).

It walks the listing pages, follows every ad link, and reads each ad page with the
site's selectors. It also knows, from the crawl state, which ads were seen before:
those missing from the listing are fetched directly when the site file says so, so a
404/410 shows the removal at once."""

from __future__ import annotations

from typing import Any, AsyncIterator

import scrapy
from scrapy.http import Response

from crawler.observations import utc_now
from crawler.items import AdGone, AdNotModified, AdPage
from crawler.sites import Site, select_text

AD_STATUSES = [304, 404, 410]


def _headers(response: Response) -> dict[str, str]:
    return {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()}


class ClassifiedsSpider(scrapy.Spider):
    name = "classifieds"

    def __init__(self, site: Site, known: dict[str, str] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.site = site
        self.known = known or {}  # site_ad_id -> url of ads seen live before
        self.allowed_domains = list(site.allowed_domains)  # Scrapy's offsite filter: ads and images
        self.listed: set[str] = set()
        self.listings_open = len(site.start_urls)
        self.cut_short = False  # a listing page failed, or max_pages stopped the walk

    @property
    def listing_complete(self) -> bool:
        """Every listing page was read to the last: only then does an ad's absence mean anything.
        (A cycle stopped early leaves listing pages unread: listings_open stays above 0.)"""
        return self.listings_open == 0 and not self.cut_short

    async def start(self) -> AsyncIterator[Any]:
        for url in self.site.start_urls:
            yield scrapy.Request(url, callback=self.parse_listing, errback=self.listing_failed,
                                 dont_filter=True, meta={"page": 1})

    def parse_listing(self, response: Response):
        for href in response.css(self.site.ad_links).getall():
            url = response.urljoin(href.strip())
            ad_id = self.site.ad_id(url)
            if ad_id is None:
                self.logger.warning("listing %s links %s, which ad.id_from_url does not match", response.url, url)
                continue
            if ad_id not in self.listed:
                self.listed.add(ad_id)
                yield self.ad_request(url, ad_id, listed=True)
        next_href = response.css(self.site.next_page).get() if self.site.next_page else None
        page = response.meta["page"]
        if next_href and (not self.site.limits.max_pages or page < self.site.limits.max_pages):
            yield response.follow(next_href.strip(), callback=self.parse_listing, errback=self.listing_failed,
                                  dont_filter=True, meta={"page": page + 1})
            return
        if next_href:
            self.cut_short = True  # by max_pages: absence proves nothing
        yield from self.listing_finished()

    def listing_failed(self, failure):
        self.logger.error("listing page failed, so this cycle's listing is incomplete: %s", failure.value)
        self.cut_short = True
        yield from self.listing_finished()

    def listing_finished(self):
        self.listings_open -= 1
        if self.listings_open or not self.site.removal.recheck_unlisted:
            return
        for ad_id, url in sorted(self.known.items()):
            if ad_id not in self.listed:
                yield self.ad_request(url, ad_id, listed=False)

    def ad_request(self, url: str, ad_id: str, listed: bool) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_ad, errback=self.ad_failed,
                              meta={"ad_id": ad_id, "listed": listed, "handle_httpstatus_list": AD_STATUSES})

    def parse_ad(self, response: Response):
        common = dict(site=self.site.name, site_ad_id=response.meta["ad_id"], url=response.url,
                      fetched_at=utc_now(), status=response.status, headers=_headers(response),
                      listed=response.meta["listed"])
        if response.status == 304:
            yield AdNotModified(**common)
            return
        if response.status in (404, 410):
            yield AdGone(raw=response.body, **common)
            return
        fields = self.site.fields
        text = {name: select_text(response, css) for name, css in fields.items() if name != "images"}
        images = [response.urljoin(src.strip()) for src in response.css(fields["images"]).getall()] \
            if "images" in fields else []
        yield AdPage(raw=response.body, title=text["title"], body=text["body"],
                     posted_at=text.get("posted_at") or None, location=text.get("location") or None,
                     phone=text.get("phone") or None, image_urls=list(dict.fromkeys(images)), **common)

    def ad_failed(self, failure):
        self.logger.error("ad page %s failed: %s", failure.request.url, failure.value)
