"""The demo classifieds site (crawler/demosite): its corpus, its HTML contract, its cycles and its pictures.

Pages are fetched over real HTTP on loopback and read with the selectors of the crawler's
site file (crawler/sites/demo.yaml). Every phone number is fictional (NXX-555-01XX).
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import os
import random
import re
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zlib
from collections import Counter
from datetime import timedelta
from email.utils import format_datetime

import imagehash
import pytest
from parsel import Selector
from PIL import ExifTags, Image, UnidentifiedImageError

from crawler.demosite import create_app, generate, serve_in_thread
from crawler.demosite import images
from crawler.demosite.corpus import CITIES, CYCLE_LENGTH, LAST_EVENT_CYCLE, REFERENCE
from crawler.demosite.hard import STOCKS, TEMPLATES
from crawler.demosite.text import PHONE_STYLES, write_phone

ADS, SEED = 300, 7
FICTIONAL = re.compile(r"^\+1\d{3}5550(1\d\d)$")


@pytest.fixture(scope="module")
def corpus():
    return generate(ADS, SEED)


@pytest.fixture(scope="module")
def big_corpus():
    return generate(3000, 11)


@pytest.fixture
def site(corpus):
    """A fresh site (cycle 0) served on loopback; yields its base URL."""
    app = create_app(corpus)
    server, base_url = serve_in_thread(app)
    yield base_url
    server.shutdown()
    server.server_close()


def fetch(url: str, headers: dict | None = None, method: str = "GET"):
    """(status, headers, body) of one request; error statuses are returned, not raised."""
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def listing(base_url: str) -> list[list[str]]:
    """The ad ids of every listing page, following the Next links from /ads."""
    pages, url = [], f"{base_url}/ads"
    while url:
        status, _, body = fetch(url)
        assert status == 200, url
        sel = Selector(text=body.decode())
        hrefs = sel.css("ul.ads li.ad a.ad-link::attr(href)").getall()
        assert len(sel.css("ul.ads li.ad span.city")) == len(hrefs)
        pages.append([re.fullmatch(r"/ad/(\d+)", h).group(1) for h in hrefs])
        nxt = sel.css("a.next[rel=next]::attr(href)").get()
        url = f"{base_url}{nxt}" if nxt else None
    return pages


def advance(base_url: str) -> int:
    status, _, body = fetch(f"{base_url}/_admin/advance", method="POST")
    assert status == 200
    return json.loads(body)["cycle"]


# --- the corpus ---

def test_generate_is_deterministic(corpus):
    again = generate(ADS, SEED)
    assert again == corpus
    assert [again.text(ad, 1) for ad in again.ads] == [corpus.text(ad, 1) for ad in corpus.ads]
    assert generate(ADS, SEED + 1).truth() != corpus.truth()


def test_generate_is_the_same_in_another_process(corpus):
    script = ("import hashlib, json; from crawler.demosite import generate; c = generate(%d, %d); "
              "print(hashlib.sha256((json.dumps(c.truth()) + repr([c.text(a, 2) for a in c.ads])).encode())"
              ".hexdigest())" % (ADS, SEED))
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    mine = hashlib.sha256((json.dumps(corpus.truth()) + repr([corpus.text(a, 2) for a in corpus.ads])).encode())
    assert out.stdout.strip() == mine.hexdigest()


def _share(corpus, predicate) -> float:
    return sum(1 for ad in corpus.ads if predicate(ad)) / len(corpus.ads)


def _network_sizes(corpus) -> list[int]:
    sizes: dict[int, int] = {}
    for ad in corpus.ads:
        sizes[ad.network] = sizes.get(ad.network, 0) + 1
    return list(sizes.values())


SHAPE = [
    # (what, measure over a corpus, low, high)
    ("singleton ads", lambda c: sum(1 for s in _network_sizes(c) if s == 1) / len(c.ads), 0.17, 0.23),
    ("largest network", lambda c: max(_network_sizes(c)), 15, 15),
    ("live from cycle 0", lambda c: _share(c, lambda ad: ad.appears == 0), 0.75, 0.85),
    ("appear later", lambda c: _share(c, lambda ad: ad.appears in (1, 2, 3)), 0.15, 0.25),
    ("edited", lambda c: _share(c, lambda ad: ad.edits), 0.06, 0.13),
    ("removed", lambda c: _share(c, lambda ad: ad.removed is not None), 0.05, 0.11),
    ("gone with 410 among removed", lambda c: sum(ad.gone_status == 410 for ad in c.ads if ad.removed)
     / sum(1 for ad in c.ads if ad.removed), 0.35, 0.65),
    ("phone field", lambda c: _share(c, lambda ad: ad.phone_field), 0.4, 0.6),
    ("ids divisible by 5", lambda c: _share(c, lambda ad: ad.id % 5 == 0), 0.15, 0.25),
    ("ads with a bad image", lambda c: _share(c, lambda ad: any(c.images[n].spec.bad for n in ad.images)), 0.005, 0.02),
    ("hostile ads", lambda c: _share(c, lambda ad: ad.hostile), 0.01, 0.03),
    ("cities per network", lambda c: max(len(n.cities) for n in c.networks), 4, 4),
    ("phones per network", lambda c: max(len(n.phones) for n in c.networks), 3, 3),
]


@pytest.mark.parametrize("what, measure, low, high", SHAPE, ids=[row[0] for row in SHAPE])
def test_corpus_shape(big_corpus, what, measure, low, high):
    assert low <= measure(big_corpus) <= high


LIFECYCLE = [
    # (what holds for every ad, as a predicate over (ad, corpus))
    ("edits come after the ad appears and before it goes",
     lambda ad, c: all(ad.appears < e and (ad.removed is None or e < ad.removed) for e in ad.edits)),
    ("removals come after the ad appears", lambda ad, c: ad.removed is None or ad.removed > ad.appears),
    ("an edit has a time, later than the posting and the edit before",
     lambda ad, c: len(ad.edited_at) == len(ad.edits) and list(ad.edited_at) == sorted(ad.edited_at)
     and all(t > ad.posted_at for t in ad.edited_at)),
    ("posted within 30 days before the reference date of its cycle",
     lambda ad, c: REFERENCE - timedelta(days=30) <= ad.posted_at < REFERENCE + ad.appears * CYCLE_LENGTH),
    ("hostile ads and ads with bad images are live in every cycle",
     lambda ad, c: not (ad.hostile or any(c.images[n].spec.bad for n in ad.images))
     or (ad.appears == 0 and ad.removed is None)),
    ("its phones are its network's", lambda ad, c: ad.phones and set(ad.phones) <= set(c.networks[ad.network].phones)),
    ("its city is on its network's tour", lambda ad, c: ad.city in c.networks[ad.network].cities),
    ("its images exist", lambda ad, c: ad.images and all(n in c.images for n in ad.images)),
]


@pytest.mark.parametrize("what, holds", LIFECYCLE, ids=[row[0] for row in LIFECYCLE])
def test_every_ad(big_corpus, what, holds):
    assert [ad.id for ad in big_corpus.ads if not holds(ad, big_corpus)] == []


def test_ids_increase_with_posting_time(big_corpus):
    assert [ad.posted_at for ad in big_corpus.ads] == sorted(ad.posted_at for ad in big_corpus.ads)


def test_every_phone_is_fictional_and_networks_do_not_share_numbers(big_corpus):
    truth = big_corpus.truth()
    phones = [p for ad in truth["ads"].values() for p in ad["phones"]]
    assert phones and all(FICTIONAL.match(p) for p in phones)
    area_codes = {code for city in CITIES for code in city.area_codes}
    assert {p[2:5] for p in phones} <= area_codes
    by_network = [set(n["phones"]) for n in truth["networks"].values()]
    assert sum(len(s) for s in by_network) == len(set().union(*by_network))


def test_emails_and_handles_are_fictional(big_corpus):
    truth = big_corpus.truth()["ads"].values()
    emails = [e for ad in truth for e in ad["emails"]]
    assert emails and all(re.fullmatch(r"[a-z0-9]+@example\.(com|org|net)", e) for e in emails)
    assert {h.split(":")[0] for ad in truth for h in ad["handles"]} == {"instagram", "snapchat"}


PHONE_LOOKS = [
    # (style, what the written number must contain)
    ("plain", r"^[+()\d .-]+$"),
    ("words_en", r"(?i)(zero|z3ro|one|0ne|two|tw0|three|thr3e|four|f0ur|five|f1ve|six|s1x|seven|s3ven|eight|3ight|nine|n1ne)"),
    ("words_es", r"(?i)c[e3]r[o0]|un[o0]|d[o0]s|tr[e3]s|cuatr[o0]|c[i1]nc[o0]|s[e3][i1]s|s[i1][e3]t[e3]|[o0]ch[o0]|nu[e3]v[e3]"),
    ("lookalike", r"[OolI]"),
    ("separated", r"^\d(\D{1,3}\d){9}$"),
    ("keycap", "\u20e3"),
    ("fullwidth", "[\uff10-\uff19]"),
    ("brackets", r"[\[({]"),
    ("linebreak", "\n"),
    ("mixed", r"(?i)f[i1]v[e3]"),
]


@pytest.mark.parametrize("style, pattern", PHONE_LOOKS, ids=[row[0] for row in PHONE_LOOKS])
def test_phone_disguises(style, pattern):
    rng = random.Random(3)
    for _ in range(50):
        written = write_phone("+17135550142", style, rng)
        assert re.search(pattern, written), written
        assert "7135550142" not in written or style == "plain"


def test_every_disguise_is_tested():
    assert {row[0] for row in PHONE_LOOKS} == set(PHONE_STYLES)


# --- the HTML contract ---

def test_root_redirects_to_the_listing(site):
    with urllib.request.urlopen(f"{site}/", timeout=10) as response:
        assert response.url == f"{site}/ads"


def test_listing_pages_cover_exactly_the_live_ads_newest_first(site, corpus):
    pages = listing(site)
    assert all(len(page) == 20 for page in pages[:-1]) and 1 <= len(pages[-1]) <= 20
    assert [int(i) for page in pages for i in page] == [ad.id for ad in corpus.live(0)]


@pytest.mark.parametrize("path", ["/ads?page=0", "/ads?page=-1", "/ads?page=x", "/ads?page=99", "/ad/1",
                                  "/ad/abc", "/ad/", "/img/nothing.jpg", "/_admin/nothing"])
def test_not_found(site, corpus, path):
    assert fetch(f"{site}{path}")[0] == 404


def test_leading_zeros_do_not_make_a_second_url_for_an_ad(site, corpus):
    ad = corpus.live(0)[0]
    assert fetch(f"{site}/ad/{ad.id}")[0] == 200
    assert fetch(f"{site}/ad/0{ad.id}")[0] == 404


def test_ad_pages_follow_the_contract(site, corpus):
    for ad in corpus.live(0)[:40]:
        status, _, body = fetch(f"{site}/ad/{ad.id}")
        assert status == 200
        text = corpus.text(ad, 0)
        article = Selector(text=body.decode()).css("article.ad")
        assert article.attrib["data-ad-id"] == str(ad.id)
        assert article.css("h1.title::text").get() == text.title
        assert article.css("time.posted::attr(datetime)").get() == ad.posted_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert article.css("span.location::text").get() == f"{ad.city.name}, {ad.city.state}"
        assert article.css("span.phone::text").get() == text.phone
        assert (text.phone is not None) == ad.phone_field
        assert "".join(article.css("div.body p").xpath("string()").getall()) == text.body.replace("\n\n", "")
        assert article.css("div.photos img::attr(src)").getall() == [f"/img/{n}" for n in ad.images]


def test_hostile_markup_is_shown_escaped(site, corpus):
    hostile = [ad for ad in corpus.ads if ad.hostile]
    assert {ad.hostile for ad in hostile} == {"title", "body"}
    for ad in hostile:
        body = fetch(f"{site}/ad/{ad.id}")[2].decode()
        assert "<script>" not in body and "<img src=x" not in body and "<svg" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    listing_html = b"".join(fetch(f"{site}/ads?page={n}")[2] for n in range(1, len(listing(site)) + 1)).decode()
    assert "<script>" not in listing_html and "&lt;script&gt;" in listing_html


# --- conditional requests ---

CONDITIONAL = [
    # (case, request headers given the ad's ETag and Last-Modified, expected status)
    ("its etag", lambda etag, lm: {"If-None-Match": etag}, 304),
    ("its etag among others", lambda etag, lm: {"If-None-Match": f'"nope", {etag}'}, 304),
    ("another etag", lambda etag, lm: {"If-None-Match": '"nope"'}, 200),
    ("its last-modified", lambda etag, lm: {"If-Modified-Since": lm}, 304),
    ("an older date", lambda etag, lm: {"If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"}, 200),
    ("If-None-Match wins", lambda etag, lm: {"If-None-Match": '"nope"', "If-Modified-Since": lm}, 200),
    ("no condition", lambda etag, lm: {}, 200),
]


@pytest.mark.parametrize("case, headers, expected", CONDITIONAL, ids=[row[0] for row in CONDITIONAL])
def test_conditional_requests(site, corpus, case, headers, expected):
    ad = next(ad for ad in corpus.live(0) if ad.id % 5)
    _, first, body = fetch(f"{site}/ad/{ad.id}")
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert last_modified == format_datetime(ad.modified_at(0), usegmt=True)
    status, _, again = fetch(f"{site}/ad/{ad.id}", headers(etag, last_modified))
    assert status == expected
    assert again == (b"" if expected == 304 else body)


def test_ids_divisible_by_5_send_no_validators(site, corpus):
    fives = [ad for ad in corpus.live(0) if ad.id % 5 == 0][:10]
    assert fives
    for ad in fives:
        status, headers, _ = fetch(f"{site}/ad/{ad.id}")
        assert status == 200 and headers["ETag"] is None and headers["Last-Modified"] is None
        assert fetch(f"{site}/ad/{ad.id}", {"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"})[0] == 200


# --- cycles ---

def test_advancing_edits_removes_and_adds_ads(site, corpus):
    seen = {"edited": 0, "new": 0, "gone": set()}
    for cycle in range(1, LAST_EVENT_CYCLE + 1):
        edited = [ad for ad in corpus.ads if cycle in ad.edits and ad.id % 5]
        removed = [ad for ad in corpus.ads if ad.removed == cycle]
        new = [ad for ad in corpus.ads if ad.appears == cycle]
        before = {ad.id: fetch(f"{site}/ad/{ad.id}") for ad in edited + removed + new}
        assert {before[ad.id][0] for ad in new} <= {404}

        assert advance(site) == cycle

        for ad in edited:
            status, headers, _ = fetch(f"{site}/ad/{ad.id}")
            old = before[ad.id][1]
            assert status == 200 and headers["ETag"] != old["ETag"]
            assert headers["Last-Modified"] == format_datetime(ad.modified_at(cycle), usegmt=True)
            assert headers["Last-Modified"] != old["Last-Modified"]
            assert fetch(f"{site}/ad/{ad.id}", {"If-None-Match": old["ETag"]})[0] == 200
        for ad in removed:
            assert fetch(f"{site}/ad/{ad.id}")[0] == ad.gone_status
        for ad in new:
            assert fetch(f"{site}/ad/{ad.id}")[0] == 200
        listed = {int(i) for page in listing(site) for i in page}
        assert listed == {ad.id for ad in corpus.live(cycle)}
        assert not listed & {ad.id for ad in removed} and {ad.id for ad in new} <= listed

        state = json.loads(fetch(f"{site}/_admin/state")[2])
        assert state["cycle"] == cycle and state["live_ads"] == len(listed)
        assert state["removed_ads"] == sum(1 for ad in corpus.ads if ad.removed and ad.removed <= cycle)
        assert state["edited_ads_this_cycle"] == sum(1 for ad in corpus.ads if cycle in ad.edits)
        seen["edited"] += len(edited)
        seen["new"] += len(new)
        seen["gone"] |= {ad.gone_status for ad in removed}
    assert seen["edited"] and seen["new"] and seen["gone"] == {404, 410}


def test_unchanged_ads_keep_their_etag_across_cycles(site, corpus):
    ad = next(ad for ad in corpus.ads if ad.id % 5 and ad.is_live(0) and not ad.edits and ad.removed is None)
    etag = fetch(f"{site}/ad/{ad.id}")[1]["ETag"]
    for cycle in range(1, 6):
        assert advance(site) == cycle
    assert fetch(f"{site}/ad/{ad.id}", {"If-None-Match": etag})[0] == 304


def test_admin_is_loopback_only(corpus):
    client = create_app(corpus).test_client()
    outside = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.post("/_admin/advance", environ_base=outside).status_code == 403
    assert client.get("/_admin/state", environ_base=outside).status_code == 403
    assert client.get("/_admin/truth.json", environ_base=outside).status_code == 403
    assert client.get("/_admin/advance").status_code == 405
    assert client.post("/_admin/advance", environ_base={"REMOTE_ADDR": "::1"}).get_json() == {"cycle": 1}


def test_truth_is_published(site, corpus):
    status, headers, body = fetch(f"{site}/_admin/truth.json")
    assert status == 200 and headers.get_content_type() == "application/json"
    assert json.loads(body) == json.loads(json.dumps(corpus.truth()))
    assert b"_admin" not in b"".join(fetch(f"{site}{path}")[2] for path in ("/ads", f"/ad/{corpus.ads[0].id}"))


# --- pictures ---

def _phash(data: bytes) -> imagehash.ImageHash:
    with Image.open(io.BytesIO(data)) as image:
        return imagehash.phash(image)


def test_near_duplicates_are_close_and_unrelated_pictures_far(corpus):
    photos = [p for p in corpus.images.values() if not p.spec.bad]
    originals = {p.spec.picture: p for p in photos if p.kind == "original"}
    hashes = {p.name: _phash(images.render(p.spec)) for p in photos if p.kind != "copy"}
    nearest_unrelated = min(hashes[a.name] - hashes[b.name]
                            for a, b in itertools.combinations(originals.values(), 2))
    assert nearest_unrelated > 16
    variants = [p for p in photos if p.kind == "variant"]
    assert variants and max(hashes[p.name] - hashes[originals[p.spec.picture].name] for p in variants) <= 8
    copies = [p for p in photos if p.kind == "copy"]
    assert copies and all(images.render(p.spec) == images.render(originals[p.spec.picture].spec) for p in copies)


def test_pictures_are_reused_across_ads(corpus):
    uses: dict[str, int] = {}
    for ad in corpus.ads:
        for name in ad.images:
            uses[name] = uses.get(name, 0) + 1
    assert max(uses.values()) >= 3


def test_images_are_served_with_their_type(site, corpus):
    kinds = {}
    for photo in corpus.images.values():
        kinds.setdefault((photo.kind, photo.spec.format), photo)
    assert {("original", "JPEG"), ("original", "PNG"), ("variant", "JPEG"), ("copy", "JPEG")} <= kinds.keys()
    for (kind, fmt), photo in kinds.items():
        if kind.startswith("bad"):
            continue
        status, headers, data = fetch(f"{site}/img/{photo.name}")
        assert status == 200 and headers["Content-Type"] == photo.spec.content_type
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == fmt and 320 <= min(image.size) and max(image.size) <= 800


def test_some_jpegs_carry_exif_near_the_network_home(site, corpus):
    photo = next(p for p in corpus.images.values() if p.spec.exif and p.kind == "original")
    data = fetch(f"{site}/img/{photo.name}")[2]
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
    info = photo.spec.exif
    assert (exif[ExifTags.Base.Make], exif[ExifTags.Base.Model]) == (info.make, info.model)
    taken = exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal]
    assert taken == info.taken_at.strftime("%Y:%m:%d %H:%M:%S")
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    lat = sum(float(v) / 60 ** i for i, v in enumerate(gps[ExifTags.GPS.GPSLatitude]))
    lon = -sum(float(v) / 60 ** i for i, v in enumerate(gps[ExifTags.GPS.GPSLongitude]))
    assert gps[ExifTags.GPS.GPSLongitudeRef] == "W"
    assert abs(lat - info.lat) < 1e-4 and abs(lon - info.lon) < 1e-4
    network = next(n for n in corpus.networks if any(p.picture == photo.spec.picture for p in n.pictures))
    assert abs(lat - network.cities[0].lat) < 0.1 and abs(lon - network.cities[0].lon) < 0.1


def _png_chunks(data: bytes):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos = 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        yield kind, body, crc == zlib.crc32(kind + body)
        pos += 12 + length


def _bomb_is_what_it_claims(data: bytes):
    chunks = list(_png_chunks(data))
    assert [kind for kind, _, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"] and all(ok for _, _, ok in chunks)
    assert struct.unpack(">II", chunks[0][1][:8]) == (100_000, 100_000) and len(data) < 200
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(data))


def _truncated_jpeg_is_what_it_claims(data: bytes):
    assert data[:2] == b"\xff\xd8" and not data.endswith(b"\xff\xd9")
    with Image.open(io.BytesIO(data)) as image, pytest.raises(OSError, match="truncated"):
        image.load()


def _html_is_what_it_claims(data: bytes):
    assert data.startswith(b"<!DOCTYPE html>")
    with pytest.raises(UnidentifiedImageError):
        Image.open(io.BytesIO(data))


BAD = [("bad-bomb", "image/png", _bomb_is_what_it_claims),
       ("bad-truncated", "image/jpeg", _truncated_jpeg_is_what_it_claims),
       ("bad-html", "image/jpeg", _html_is_what_it_claims)]


@pytest.mark.parametrize("kind, content_type, check", BAD, ids=[row[0] for row in BAD])
def test_bad_images_are_what_they_claim(site, corpus, kind, content_type, check):
    photo = next(p for p in corpus.images.values() if p.kind == kind)
    ad = next(ad for ad in corpus.ads if photo.name in ad.images)
    assert fetch(f"{site}/ad/{ad.id}")[0] == 200
    status, headers, data = fetch(f"{site}/img/{photo.name}")
    assert status == 200 and headers["Content-Type"] == content_type
    check(data)


# --- the command ---

def _start_cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "from crawler.demosite.cli import demosite; demosite()", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_cli_serves_advances_and_stops_on_sigterm():
    proc = _start_cli("--port", "0", "--ads", "40", "--advance-every", "0.2")
    try:
        base_url = re.search(r"http://127\.0\.0\.1:\d+", proc.stdout.readline()).group(0)
        assert fetch(f"{base_url}/ads")[0] == 200
        deadline = time.monotonic() + 10
        while json.loads(fetch(f"{base_url}/_admin/state")[2])["cycle"] < 2:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert "cycle 1:" in out


def test_cli_says_what_to_do_when_the_port_is_taken():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        proc = _start_cli("--port", str(taken.getsockname()[1]), "--ads", "5")
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 1 and "--port" in err


def test_one_face_appears_in_networks_with_different_phones(site, corpus):
    truth = corpus.truth()
    with_face = {ad_id: ad for ad_id, ad in truth["ads"].items() if ad["face"] == "astronaut"}
    networks = {ad["network"] for ad in with_face.values()}
    assert len(networks) >= 2  # ads that share no phone, linked only by the face
    phones = [{p for ad in with_face.values() if ad["network"] == n for p in ad["phones"]} for n in networks]
    assert all(a.isdisjoint(b) for a, b in itertools.combinations(phones, 2))
    portraits = [p for p in corpus.images.values() if p.kind == "portrait"]
    assert len({p.spec for p in portraits}) >= 2 and any(p.spec.mirror for p in portraits)
    status, headers, data = fetch(f"{site}/img/{portraits[0].name}")
    assert status == 200 and headers["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG" and min(image.size) >= 256


# --- the hard profile (crawler/demosite/hard.py): cases that break network formation ---

HARD_ADS, HARD_SEED = 1000, 2


@pytest.fixture(scope="module")
def hard():
    return generate(HARD_ADS, HARD_SEED, profile="hard")


@pytest.fixture(scope="module")
def hard_truth(hard):
    return hard.truth()


def _networks_of(truth, key) -> dict[str, set]:
    """{identifier: the true networks of the ads that carry it}, for key "phones", "emails", "handles" or "images"."""
    out: dict[str, set] = {}
    for ad in truth["ads"].values():
        for value in ad[key]:
            out.setdefault(value, set()).add(ad["network"])
    return out


def test_hard_profile_is_opt_in_and_deterministic(corpus, hard):
    assert generate(ADS, SEED, profile="default") == corpus
    assert "profile" not in corpus.truth() and corpus.footer() is None
    assert generate(HARD_ADS, HARD_SEED, profile="hard") == hard
    assert generate(HARD_ADS, HARD_SEED + 1, profile="hard").truth() != hard.truth()
    with pytest.raises(ValueError, match="profile"):
        generate(10, 1, profile="nope")


@pytest.mark.parametrize("ads", [1, 2, 7, 30, 300])
def test_hard_profile_of_any_size(ads):
    c = generate(ads, 5, profile="hard")
    assert len(c.ads) == ads and {ad.network for ad in c.ads} == {n.id for n in c.networks}


def test_hard_truth_is_consistent(hard, hard_truth):
    assert hard_truth["profile"] == "hard" and len(hard_truth["ads"]) == HARD_ADS
    kinds = {n: row["kind"] for n, row in hard_truth["networks"].items()}
    assert set(kinds.values()) == {"singleton", "plain", "agency", "rotating", "email"}
    # Only the hard cases are shared by unrelated networks: the site's and the agencies' phones, stock photos.
    hard_cases = hard_truth["hard"]
    shared_phones = {p for p, nets in _networks_of(hard_truth, "phones").items() if len(nets) > 1}
    assert shared_phones == {hard_cases["site_phone"]} | {a["phone"] for a in hard_cases["agencies"]}
    assert all(len(nets) == 1 for key in ("emails", "handles") for nets in _networks_of(hard_truth, key).values())
    pictures: dict = {}
    for ad in hard_truth["ads"].values():
        for name in ad["images"]:
            image = hard_truth["images"][name]
            key = ("stock", image["stock"]) if "stock" in image else ("picture", image["picture"])
            pictures.setdefault(key, set()).add(ad["network"])
    assert {key for key, nets in pictures.items() if len(nets) > 1 and key[1] is not None} <= \
        {("stock", s["stock"]) for s in hard_cases["stocks"]}


@pytest.mark.parametrize("ads", [100, 300])
@pytest.mark.parametrize("seed", range(1, 13))
def test_hard_network_kinds_fit_their_sizes(ads, seed):
    # The last network is cut to fit the site: cut too small for its kind, it becomes plain or a singleton.
    truth = generate(ads, seed, profile="hard").truth()
    sizes = Counter(ad["network"] for ad in truth["ads"].values())
    kinds = {int(n): row["kind"] for n, row in truth["networks"].items()}
    assert all((sizes[n] == 1) == (kind == "singleton") for n, kind in kinds.items())
    for n, row in truth["networks"].items():
        if row["kind"] != "agency":
            assert row["agency_phone"] is None
            continue
        mine = [ad for ad in truth["ads"].values() if ad["network"] == int(n)]
        with_it = sum(row["agency_phone"] in ad["phones"] for ad in mine)
        assert 1 <= with_it < len(mine) / 2, (n, with_it, len(mine))


def test_hard_stock_photos_span_many_networks(hard, hard_truth):
    stocks = hard_truth["hard"]["stocks"]
    assert max(s["networks"] for s in stocks) >= 15 and sum(s["networks"] >= 5 for s in stocks) >= 3
    share = sum(1 for ad in hard_truth["ads"].values() if ad["stock"]) / HARD_ADS
    assert 0.05 <= share <= 0.15
    portrait = stocks[0]
    assert portrait["face"] and portrait["networks"] >= 5
    assert all(hard.images[name].spec.portrait for name in portrait["images"])
    uses = Counter(name for ad in hard.ads for name in ad.images if name in hard.stock)
    assert max(uses.values()) >= 3  # the same file (same URL) on several ads
    photos = [hard.images[name] for name in hard.stock]
    assert {p.kind for p in photos} == {"stock", "stock-variant"}
    # Same bytes under several names, and near-duplicates with other bytes but a pHash within 8 bits.
    generated = {p.spec for p in photos if p.kind == "stock" and not p.spec.portrait}
    assert len(generated) == STOCKS - 1
    assert max(Counter(p.spec for p in photos if p.kind == "stock").values()) >= 2  # same bytes, new name
    for spec in generated:
        same = [p for p in photos if p.spec == spec]
        variants = [p for p in photos if p.kind == "stock-variant" and p.spec.picture == spec.picture][:5]
        original = images.render(spec)
        assert all(images.render(p.spec) == original for p in same)
        assert all(images.render(p.spec) != original and _phash(images.render(p.spec)) - _phash(original) <= 8
                   for p in variants)
    assert any(p.spec.mirror for p in photos)  # only the face links a mirrored portrait


def test_hard_site_phone_is_in_every_footer_and_some_bodies(hard, hard_truth):
    from crawler.extract import extract

    site_phone = hard_truth["hard"]["site_phone"]
    booked = set(hard_truth["hard"]["booked_ads"])
    assert 0.04 <= len(booked) / HARD_ADS <= 0.12
    client = create_app(hard).test_client()
    digits = site_phone[-10:]
    footer_text = f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    for ad in hard.live(0)[:30]:
        page = Selector(text=client.get(f"/ad/{ad.id}").data.decode())
        assert footer_text in page.css("footer.site::text").get()
        assert not page.css("article.ad footer") and not page.css("footer.site article")  # not where ads are read
        found = {p["e164"] for p in extract(*_title_body(hard, ad))["phones"]}
        assert (site_phone in found) == (ad.id in booked)
    assert footer_text in client.get("/ads").data.decode()


def _title_body(corpus, ad):
    text = corpus.text(ad, 0)
    return text.title, "\n".join(filter(None, (text.phone, text.body)))


def test_hard_agency_phones_are_shared_by_a_few_posters_on_a_minority_of_their_ads(hard_truth):
    agencies = hard_truth["hard"]["agencies"]
    assert agencies and all(3 <= len(a["networks"]) <= 6 for a in agencies)
    for agency in agencies:
        ads = [ad for ad in hard_truth["ads"].values() if ad["network"] in agency["networks"]]
        with_it = [ad for ad in ads if agency["phone"] in ad["phones"]]
        assert {ad["network"] for ad in with_it} == set(agency["networks"])  # on every poster's ads
        for network in agency["networks"]:
            mine = [ad for ad in ads if ad["network"] == network]
            assert len(mine) < 3 or sum(ad in with_it for ad in mine) < len(mine) / 2
        assert all(hard_truth["networks"][str(n)]["agency_phone"] == agency["phone"] for n in agency["networks"])


def test_hard_rotating_networks_hold_by_their_photos_only(hard):
    rotating = [n for n in hard.networks if hard.kinds[n.id] == "rotating"]
    assert rotating
    for net in rotating:
        ads = [ad for ad in hard.ads if ad.network == net.id]  # in posting order
        phones = [ad.phones for ad in ads]
        assert all(len(p) == 1 for p in phones) and 2 <= len(net.phones) <= 5 and 3 <= len(net.pictures) <= 6
        runs = [len(list(group)) for _, group in itertools.groupby(p[0] for p in phones)]
        assert len(runs) == len(set(p[0] for p in phones)) == len(net.phones)  # each phone on one run
        assert min(runs) >= 2 and not any(ad.emails or ad.handles for ad in ads)
        shown = [{hard.images[name].spec.picture for name in ad.images if name not in hard.stock
                  and not hard.images[name].spec.bad} for ad in ads]
        assert all(2 <= len(s) <= 4 for s in shown)
        assert all(before & after for before, after in zip(shown, shown[1:]))  # the thread is never broken
    kinds = Counter(hard.images[name].kind for net in rotating for ad in hard.ads if ad.network == net.id
                    for name in ad.images)
    assert kinds["variant"] > kinds["original"]


def test_hard_email_networks_share_one_email_on_every_run(hard):
    email = [n for n in hard.networks if hard.kinds[n.id] == "email"]
    assert email
    for net in email:
        ads = [ad for ad in hard.ads if ad.network == net.id]
        for _, run in itertools.groupby(ads, key=lambda ad: ad.phones):
            assert any(ad.emails == (net.email,) for ad in run)
        assert {ad.emails for ad in ads} <= {(net.email,), ()}
        pictures = [hard.images[name].spec.picture for ad in ads for name in ad.images
                    if name not in hard.stock and not hard.images[name].spec.bad]
        assert len(pictures) == len(set(pictures))  # a new picture on every ad: the email is the thread


def test_hard_wording_is_shared_by_unrelated_networks(hard, hard_truth):
    notice = hard_truth["hard"]["notice"]
    assert all(hard.text(ad, 0).body.endswith(notice) for ad in hard.ads[:200])
    styles = Counter(n.style for n in hard.networks)
    assert set(styles) == set(range(TEMPLATES)) and max(styles.values()) >= 10  # all TEMPLATES in use, no more


def test_hard_singletons_and_numbers_are_fictional(hard, hard_truth):
    singletons = [n for n in hard.networks if hard.kinds[n.id] == "singleton"]
    assert 0.1 <= len(singletons) / HARD_ADS <= 0.2
    phones = [p for ad in hard_truth["ads"].values() for p in ad["phones"]]
    assert all(FICTIONAL.match(p) for p in phones) and FICTIONAL.match(hard_truth["hard"]["site_phone"])
    area_codes = {code for city in CITIES for code in city.area_codes}
    assert {p[2:5] for p in phones} <= area_codes
    emails = [e for ad in hard_truth["ads"].values() for e in ad["emails"]]
    assert all(re.fullmatch(r"[a-z0-9]+@example\.(com|org|net)", e) for e in emails)


def test_cli_serves_the_hard_profile():
    proc = _start_cli("--port", "0", "--ads", "40", "--profile", "hard")
    try:
        base_url = re.search(r"http://127\.0\.0\.1:\d+", proc.stdout.readline()).group(0)
        status, _, body = fetch(f"{base_url}/ads")
        assert status == 200 and b'<footer class="site">' in body
        assert json.loads(fetch(f"{base_url}/_admin/truth.json")[2])["profile"] == "hard"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)
