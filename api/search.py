"""Search: one box and one API that understand what they are given (api/query.py)."""

from __future__ import annotations

import re

from flask import Blueprint, jsonify, render_template, request

from api.app import audit, driver
from api.query import Query, QueryError, understand
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
    return max(request.args.get("page", 1, type=int) or 1, 1)


@bp.route("/api/search")
def api_search():
    try:
        query, total, ads = _run(request.args.get("q", ""), _page())
    except QueryError as exc:
        return jsonify(error=str(exc)), 400
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
