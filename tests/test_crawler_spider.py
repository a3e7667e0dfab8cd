"""The spider only parses: listing pages into ad requests, ad pages into items."""

from __future__ import annotations

from pathlib import Path

from scrapy.http import HtmlResponse, Request

from crawler.items import AdGone, AdNotModified, AdPage
from crawler.sites import load_site
from crawler.spiders.classifieds import ClassifiedsSpider

SITE = load_site(Path(__file__).resolve().parent.parent / "crawler" / "sites" / "demo.yaml")
BASE = "http://127.0.0.1:8001"

LISTING = """<html><body><ul class="ads">
<li class="ad"><a class="ad-link" href="/ad/11">One</a></li>
<li class="ad"><a class="ad-link" href="/ad/12">Two</a></li>
<li class="ad"><a class="ad-link" href="/ad/11">One again</a></li>
<li class="ad"><a class="ad-link" href="/about">Not an ad</a></li>
</ul>{next}</body></html>"""

AD = """<html><body><article class="ad" data-ad-id="11">
<h1 class="title"> Sweet &amp; new &lt;script&gt; </h1>
<time class="posted" datetime="2026-11-20T10:00:00Z">Nov 20</time>
<span class="location">Houston, TX</span>
<span class="phone">713 555 O1O7</span>
<div class="body"><p>Line one</p><p>call <b>seven one three</b></p></div>
<div class="photos"><img src="/img/a.jpg"><img src="/img/b.png"><img src="/img/a.jpg"></div>
</article></body></html>"""


def spider(**kwargs) -> ClassifiedsSpider:
    return ClassifiedsSpider(site=SITE, **kwargs)


def response(url: str, body: str, status: int = 200, meta: dict | None = None) -> HtmlResponse:
    return HtmlResponse(url, status=status, body=body.encode(), encoding="utf-8",
                        request=Request(url, meta={"page": 1, **(meta or {})}))


def test_listing_yields_each_ad_once_and_the_next_page():
    s = spider()
    out = list(s.parse_listing(response(BASE + "/ads", LISTING.format(next='<a class="next" href="/ads?page=2">'))))
    assert [r.url for r in out] == [BASE + "/ad/11", BASE + "/ad/12", BASE + "/ads?page=2"]
    assert [r.meta.get("ad_id") for r in out[:2]] == ["11", "12"]
    assert s.listed == {"11", "12"} and not s.cut_short and not s.listing_complete  # page 2 is still to read


def test_last_listing_page_rechecks_known_ads_missing_from_it():
    s = spider(known={"11": BASE + "/ad/11", "99": BASE + "/ad/99"})
    out = list(s.parse_listing(response(BASE + "/ads", LISTING.format(next=""))))
    assert [(r.url, r.meta["listed"]) for r in out] == [
        (BASE + "/ad/11", True), (BASE + "/ad/12", True), (BASE + "/ad/99", False)]
    assert s.listing_complete


def test_max_pages_makes_the_listing_incomplete():
    import dataclasses
    site = dataclasses.replace(SITE, limits=dataclasses.replace(SITE.limits, max_pages=1))
    s = ClassifiedsSpider(site=site)
    out = list(s.parse_listing(response(BASE + "/ads", LISTING.format(next='<a class="next" href="/ads?page=2">'))))
    assert all("ad_id" in r.meta for r in out)  # no next page followed
    assert not s.listing_complete


def test_ad_page_is_read_with_the_site_selectors():
    (item,) = spider().parse_ad(response(BASE + "/ad/11", AD, meta={"ad_id": "11", "listed": True}))
    assert isinstance(item, AdPage)
    assert (item.site, item.site_ad_id, item.status, item.listed) == ("demo", "11", 200, True)
    assert item.title == "Sweet & new <script>"  # text, unescaped: escaping is the job of whoever shows it
    assert item.body == "Line one\ncall\nseven one three"
    assert (item.posted_at, item.location, item.phone) == ("2026-11-20T10:00:00Z", "Houston, TX", "713 555 O1O7")
    assert item.image_urls == [BASE + "/img/a.jpg", BASE + "/img/b.png"]
    assert item.raw == AD.encode() and item.fetched_at.endswith("Z")


def test_not_modified_and_gone():
    meta = {"ad_id": "11", "listed": False}
    (same,) = spider().parse_ad(response(BASE + "/ad/11", "", status=304, meta=meta))
    (gone,) = spider().parse_ad(response(BASE + "/ad/11", "<h1>Gone</h1>", status=410, meta=meta))
    assert isinstance(same, AdNotModified) and isinstance(gone, AdGone)
    assert gone.status == 410 and gone.raw == b"<h1>Gone</h1>"
