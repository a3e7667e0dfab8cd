"""The demo site's Flask application: listing pages, ad pages, images and the /_admin endpoints.

The HTML is a contract with the crawler's site file (crawler/sites/demo.yaml):

    GET /ads?page=N   <ul class="ads"><li class="ad"><a class="ad-link" href="/ad/{id}">{title}</a>
                      <span class="city">{city}</span></li>...</ul>, and <a class="next" rel="next">
                      when there is a next page; 20 live ads per page, newest posted first
    GET /ad/{id}      <article class="ad" data-ad-id> with h1.title, time.posted[datetime],
                      span.location, span.phone (on about half), div.body, div.photos img;
                      outside the article, footer.site on sites that have one (the hard profile)
    GET /img/{name}   the picture

An ad page sends a strong ETag and Last-Modified (the latest edit) and answers
If-None-Match / If-Modified-Since with 304, except on ads whose id is divisible by 5,
which send neither (the crawler must compare content hashes there). A removed ad
answers 410 or 404 (half each), an ad not posted yet 404. Rendered pages are kept per
(ad, version) and per (cycle, listing page), so a request costs a dictionary lookup.

/_admin/ (loopback only, linked from nowhere): POST advance moves to the next cycle,
GET state counts, GET truth.json is the hidden ground truth.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import threading
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, Flask, Response, abort, current_app, jsonify, redirect, render_template, request

from crawler.demosite import images
from crawler.demosite.corpus import Ad, Corpus

PAGE_SIZE = 20
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

bp = Blueprint("demosite", __name__)


@dataclass(frozen=True)
class Page:
    body: bytes
    etag: str


class DemoSite:
    """The site's state: its corpus, the current cycle, and the pages rendered so far."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self._cycle = 0
        self._lock = threading.Lock()
        self._pages: dict[tuple[int, int], Page] = {}  # (ad id, version) -> page
        self._live: dict[int, list[Ad]] = {}  # cycle -> live ads, newest first
        self._listings: dict[tuple[int, int], bytes] = {}  # (cycle, page number) -> page
        self._truth: bytes | None = None

    @property
    def cycle(self) -> int:
        return self._cycle

    def advance(self) -> int:
        """Move to the next cycle and return its number."""
        with self._lock:
            self._cycle += 1
            self._live = {c: ads for c, ads in self._live.items() if c >= self._cycle}
            self._listings = {k: v for k, v in self._listings.items() if k[0] >= self._cycle}
            return self._cycle

    def live(self, cycle: int) -> list[Ad]:
        ads = self._live.get(cycle)
        if ads is None:
            ads = self._live[cycle] = self.corpus.live(cycle)
        return ads

    def state(self) -> dict:
        cycle = self._cycle
        return {
            "cycle": cycle,
            "live_ads": len(self.live(cycle)),
            "removed_ads": sum(1 for ad in self.corpus.ads if ad.removed is not None and ad.removed <= cycle),
            "edited_ads_this_cycle": sum(1 for ad in self.corpus.ads if cycle in ad.edits),
            "new_ads_this_cycle": sum(1 for ad in self.corpus.ads if ad.appears == cycle),
            "ads_total": len(self.corpus.ads),
        }

    def truth_json(self) -> bytes:
        if self._truth is None:
            self._truth = json.dumps(self.corpus.truth(), ensure_ascii=False).encode()
        return self._truth

    def ad_page(self, ad: Ad, version: int) -> Page:
        key = (ad.id, version)
        page = self._pages.get(key)
        if page is None:
            text = self.corpus.text(ad, version)
            body = render_template(
                "ad.html", ad=ad, text=text, paragraphs=[p.split("\n") for p in text.body.split("\n\n")],
                posted_iso=ad.posted_at.strftime("%Y-%m-%dT%H:%M:%SZ"), posted_human=_human(ad.posted_at),
                footer=self.corpus.footer(),
            ).encode()
            page = self._pages[key] = Page(body, hashlib.sha256(body).hexdigest()[:32])
        return page

    def listing_page(self, cycle: int, number: int) -> bytes | None:
        """Listing page `number` (from 1) of `cycle`, or None past the last page."""
        key = (cycle, number)
        page = self._listings.get(key)
        if page is None:
            live = self.live(cycle)
            start = (number - 1) * PAGE_SIZE
            if number > 1 and start >= len(live):
                return None
            rows = [(ad, self.corpus.text(ad, ad.version(cycle)).title) for ad in live[start:start + PAGE_SIZE]]
            has_next = start + PAGE_SIZE < len(live)
            page = render_template("ads.html", rows=rows, page=number, next_page=number + 1 if has_next else None,
                                   footer=self.corpus.footer()).encode()
            self._listings[key] = page
        return page


def create_app(corpus: Corpus, config: dict | None = None) -> Flask:
    """The demo site serving `corpus`, starting in cycle 0."""
    app = Flask(__name__)
    app.config.update(config or {})
    app.extensions["demosite"] = DemoSite(corpus)
    app.register_blueprint(bp)
    for code in (403, 404, 410):
        app.register_error_handler(code, _error_page)
    return app


def demo_site(app: Flask) -> DemoSite:
    """The state object of an app made by create_app (to advance it from outside a request)."""
    return app.extensions["demosite"]


def _site() -> DemoSite:
    return current_app.extensions["demosite"]


@bp.get("/")
def index():
    return redirect("/ads")


@bp.get("/robots.txt")
def robots():
    return Response("User-agent: *\nDisallow:\n", mimetype="text/plain")


@bp.get("/ads")
def listing():
    number = _positive_int(request.args.get("page", "1"))
    site = _site()
    page = site.listing_page(site.cycle, number) if number else None
    if page is None:
        abort(404)
    return Response(page, mimetype="text/html")


@bp.get("/ad/<ad_id>")
def ad_page(ad_id: str):
    site = _site()
    number = _positive_int(ad_id)
    ad = site.corpus.by_id.get(number) if number else None
    if ad is None:
        abort(404)
    cycle = site.cycle
    status = ad.status(cycle)
    if status != 200:
        abort(status)
    page = site.ad_page(ad, ad.version(cycle))
    response = Response(page.body, mimetype="text/html")
    if ad.id % 5:  # ids divisible by 5 send no validators at all
        response.set_etag(page.etag)
        response.last_modified = ad.modified_at(cycle)
        response.make_conditional(request)
    return response


@bp.get("/img/<name>")
def image(name: str):
    photo = _site().corpus.images.get(name)
    if photo is None:
        abort(404)
    response = Response(images.render(photo.spec), content_type=photo.spec.content_type)
    response.cache_control.public = True
    response.cache_control.max_age = 86_400
    return response


@bp.post("/_admin/advance")
def admin_advance():
    _loopback_only()
    return jsonify(cycle=_site().advance())


@bp.get("/_admin/state")
def admin_state():
    _loopback_only()
    return jsonify(_site().state())


@bp.get("/_admin/truth.json")
def admin_truth():
    _loopback_only()
    return Response(_site().truth_json(), mimetype="application/json")


def _loopback_only() -> None:
    try:
        loopback = ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        abort(403)


def _positive_int(text: str) -> int | None:
    """A decimal integer written plainly ("42", not "042", "+42" or "٤٢"), else None."""
    if text.isascii() and text.isdigit() and not text.startswith("0") and len(text) < 12:
        return int(text)
    return None


def _human(moment: datetime) -> str:
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}, {moment:%H:%M} UTC"


_ERRORS = {403: "Forbidden", 404: "Not found", 410: "This ad has been removed"}


def _error_page(error):
    code = getattr(error, "code", 404)
    return render_template("error.html", code=code, message=_ERRORS.get(code, "Error")), code
