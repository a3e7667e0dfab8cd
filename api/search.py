"""Search: one box and one API that understand what they are given (api/query.py), and search by
an uploaded image (identical copies and near-duplicates: graph/imagesearch.py)."""

from __future__ import annotations

import re

from flask import Blueprint, current_app, jsonify, render_template, request

from api.app import audit, driver, json_error
from api.query import Query, QueryError, understand
from crawler.images import ImageRejected, inspect_image
from graph.imagesearch import PHASH, SHA256, ImageResults, NearDuplicateIndex, search_by_image
from graph.search import PAGE_SIZE, search_ads

bp = Blueprint("search", __name__)


def _run(text: str, page: int) -> tuple[Query, int, list[dict]]:
    try:
        query = understand(text)
    except QueryError as exc:
        audit("search", {"q": text, "page": page, "refused": str(exc)}, 0)  # refused searches are logged too
        raise
    total, ads = search_ads(driver(), query.kind, query.value, page, lat=query.lat, lon=query.lon,
                            radius_km=query.radius_km)
    audit("search", {"q": text, "kind": query.kind, "value": query.value, "page": page}, total)
    if query.kind == "text":
        for ad in ads:
            ad["snippet"] = snippet(ad.pop("body") or "", text)
    return query, total, ads


def _page() -> int:
    return max(request.values.get("page", 1, type=int) or 1, 1)


@bp.route("/api/search")
def api_search():
    try:
        query, total, ads = _run(request.args.get("q", ""), _page())
    except QueryError as exc:
        return json_error(400, str(exc))
    return jsonify(query={"kind": query.kind, "value": query.value, "read_as": query.label},
                   total=total, page=_page(), page_size=PAGE_SIZE, ads=ads)


@bp.route("/search")
def page():
    text = request.args.get("q", "")
    if not text.strip():
        return render_template("search.html", q="", error=None, query=None, ads=[], total=0, page=1)
    try:
        query, total, ads = _run(text, _page())
    except QueryError as exc:
        return render_template("search.html", q=text, error=str(exc), query=None, ads=[], total=0, page=1), 400
    return render_template("search.html", q=text, error=None, query=query, ads=ads, total=total, page=_page(),
                           pages=(total + PAGE_SIZE - 1) // PAGE_SIZE)


class ImageSearchError(ValueError):
    """An upload (or a pair of hashes) that cannot be searched by: the message says what to send."""


def _image_index() -> NearDuplicateIndex:
    """The app's near-duplicate index (graph/imagesearch.py: loaded by the first image search)."""
    ext = current_app.extensions
    if "adgraph_image_index" not in ext:
        ext.setdefault("adgraph_image_index", NearDuplicateIndex())
    return ext["adgraph_image_index"]


def _image_query(logged: dict) -> tuple[str, str]:
    """(sha256, pHash) of the uploaded field 'image' (POST), or of the sha256 and phash parameters
    that page through an earlier upload's results (GET); what identifies the upload goes in logged."""
    if request.method == "GET":
        sha256, phash = request.args.get("sha256", "").lower(), request.args.get("phash", "").lower()
        if not SHA256.fullmatch(sha256) or not PHASH.fullmatch(phash):
            logged.update(sha256=sha256[:100], phash=phash[:100])
            raise ImageSearchError("sha256 must be 64 and phash 16 hexadecimal digits (or upload the image)")
        return sha256, phash
    upload = request.files.get("image")
    if upload is None:
        raise ImageSearchError("send the image as the multipart field 'image'")
    logged["image"] = (upload.filename or "")[:200]
    data = upload.read()
    if not data:
        raise ImageSearchError(f"the file {logged['image']!r} is empty: choose the picture again")
    try:
        facts = inspect_image(data)
    except ImageRejected as exc:
        raise ImageSearchError(f"cannot search by this file: {exc.reason} "
                               f"(send a JPEG, PNG, GIF or WebP picture)") from exc
    return facts.sha256, facts.phash


def _run_image(page: int) -> tuple[dict, ImageResults]:
    logged: dict = {"page": page}
    try:
        sha256, phash = _image_query(logged)
    except ImageSearchError as exc:
        audit("search.image", {**logged, "refused": str(exc)}, 0)  # refused searches are logged too
        raise
    results = search_by_image(driver(), _image_index(), sha256, phash, page)
    audit("search.image", {**logged, "sha256": sha256, "phash": phash}, results.total)
    if results.near_duplicates:
        label = (f"an image (SHA-256 {sha256[:12]}…, pHash {phash}): identical copies and near-duplicates "
                 f"within {results.max_distance} bits")
    else:
        label = (f"an image (SHA-256 {sha256[:12]}…, pHash {phash}): identical copies only, as a blank or "
                 f"single-colour picture would match every other")
    as_of = results.index_loaded_at.isoformat() if results.index_loaded_at else None
    query = {"kind": "image", "sha256": sha256, "phash": phash, "near_duplicates": results.near_duplicates,
             "max_distance": results.max_distance, "near_duplicates_as_of": as_of, "read_as": label}
    return query, results


@bp.route("/api/search/image", methods=["GET", "POST"])
def api_search_image():
    """POST the picture as the multipart field 'image' (and 'page'); the answer's query gives its
    sha256 and phash, for GET ?sha256=…&phash=…&page=N to page on without uploading it again."""
    try:
        query, results = _run_image(_page())
    except ImageSearchError as exc:
        return json_error(400, str(exc))
    return jsonify(query=query, total=results.total, page=_page(), page_size=PAGE_SIZE, ads=results.ads)


@bp.route("/search/image", methods=["GET", "POST"])
def image_page():
    if request.method == "GET" and not request.args.get("sha256") and not request.args.get("phash"):
        return render_template("search.html", q="", error=None, query=None, ads=[], total=0, page=1)
    try:
        query, results = _run_image(_page())
    except ImageSearchError as exc:
        return render_template("search.html", q="", error=str(exc), query=None, ads=[], total=0, page=1), 400
    return render_template("search.html", q="", error=None, query={**query, "label": query["read_as"]},
                           ads=results.ads, total=results.total, page=_page(),
                           pages=(results.total + PAGE_SIZE - 1) // PAGE_SIZE)


def snippet(body: str, text: str, width: int = 240) -> list[list]:
    """A piece of the body around the first word of the query found in it, as [text, matched]
    segments: the page shows matches highlighted while escaping everything (ad text is hostile)."""
    words = [w for w in re.findall(r"\w{2,}", text)]
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE) if words else None
    first = pattern.search(body) if pattern else None
    start = max(0, (first.start() if first else 0) - width // 3)
    piece = body[start:start + width]
    segments, at = [], 0
    for m in (pattern.finditer(piece) if pattern else ()):
        if m.start() > at:
            segments.append([piece[at:m.start()], False])
        segments.append([m.group(0), True])
        at = m.end()
    if at < len(piece):
        segments.append([piece[at:], False])
    return segments
