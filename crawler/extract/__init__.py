"""Pure functions that pull what links ads out of their text: phones, emails, social handles, places,
rates and stated ages."""

from __future__ import annotations

from dataclasses import asdict

from crawler.extract.emails import find_emails
from crawler.extract.handles import find_handles
from crawler.extract.phones import find_phones
from crawler.extract.places import find_places, resolve_place
from crawler.extract.terms import find_ages, find_prices


def extract(title: str, body: str, region: str = "US", location: str | None = None) -> dict:
    """Everything found in an ad's title and body (and the site's location field, if any), as plain
    data. `region` is the site's country: national phone numbers and place names are read in it."""
    text = f"{title}\n{body}" if title else body
    field_place = resolve_place(location, region) if location else None
    unique: list = []
    for place in ([field_place] if field_place else []) + find_places(text, region):
        if place.location_id not in {p.location_id for p in unique}:  # the first mention's raw text wins
            unique.append(place)
    phones = find_phones(text, region)
    return {
        "phones": [asdict(p) for p in phones],
        "emails": [asdict(e) for e in find_emails(text)],
        "handles": [asdict(h) for h in find_handles(text, region, phones)],  # a number is not a handle
        "locations": [asdict(p) for p in unique],
        "prices": [asdict(p) for p in find_prices(text)],
        "ages": [asdict(a) for a in find_ages(text)],
    }
