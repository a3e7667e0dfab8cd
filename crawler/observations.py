"""Turn what the crawler read into ad observations (graph/observation.schema.json): pure functions."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from crawler.items import AdPage


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def fingerprint(item: AdPage) -> str:
    """What decides, before any image is fetched, whether an ad page changed since the last cycle:
    everything read from it. (The raw page may differ on every fetch: tokens, counters, clocks.)"""
    parts = [item.title, item.body, item.posted_at, item.location, item.phone, item.image_urls]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def iso_time(value: str | None) -> str | None:
    """A site's posted time as RFC 3339 (UTC when it gives no zone), or None when it is not a time."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.isoformat()


def ad_text(item: AdPage) -> str:
    """The body, with the phone field appended when the site has one (extraction reads both)."""
    return f"{item.body}\n{item.phone}" if item.phone else item.body


def live(item: AdPage) -> dict:
    extracted = item.extracted
    return {
        "site": item.site, "site_ad_id": item.site_ad_id, "url": item.url, "fetched_at": item.fetched_at,
        "title": item.title[:10_000], "body": item.body[:1_000_000], "posted_at": iso_time(item.posted_at),
        "raw_sha256": item.raw_sha256,
        "phones": [{"e164": p["e164"], "raw": p["raw"][:500]} for p in extracted.get("phones", [])],
        "emails": [{"address": e["address"], "raw": e["raw"][:500]} for e in extracted.get("emails", [])],
        "handles": [{"platform": h["platform"], "handle": h["handle"][:100], "raw": h["raw"][:500]}
                    for h in extracted.get("handles", [])],
        "locations": [_location(loc) for loc in extracted.get("locations", [])],
        "images": item.images,
        "faces": item.faces,
    }


def seen_again(previous: dict, fetched_at: str, url: str) -> dict:
    """An unchanged ad fetched again: its last observation, at the new time (moves last_seen)."""
    return {**previous, "fetched_at": fetched_at, "url": url}


def removal(site: str, site_ad_id: str, fetched_at: str) -> dict:
    return {"site": site, "site_ad_id": site_ad_id, "fetched_at": fetched_at, "removed": True}


def _location(place: dict) -> dict:
    keep = ("location_id", "name", "region", "country", "lat", "lon", "raw")
    return {k: place[k] for k in keep if place.get(k) is not None}
