"""What a search box query is: a phone number (in any format or disguise the extractor reads),
an email, a social handle, a place ("near Houston, TX" with an optional "within 50 km"), or
free text. Pure functions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.extract.emails import find_emails
from crawler.extract.handles import find_handles
from crawler.extract.phones import find_phones
from crawler.extract.places import resolve_place
from graph.records import handle_id

DEFAULT_RADIUS_KM = 25
MAX_QUERY = 500
_NEAR = re.compile(r"^\s*near\s+(?P<place>.+?)(?:\s+within\s+(?P<km>\d{1,4}(?:\.\d+)?)\s*km)?\s*$", re.IGNORECASE)
_LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/]|&&|\|\|)')


class QueryError(ValueError):
    pass


@dataclass(frozen=True)
class Query:
    kind: str  # phone | email | handle | place | text
    value: str  # E.164, address, platform:handle, location name, or the text
    label: str  # how the search reads it, for people
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None


def understand(text: str, region: str = "US") -> Query:
    text = (text or "").strip()
    if not text:
        raise QueryError("type a phone number, an email, a handle, 'near <place>' or words to search for")
    if len(text) > MAX_QUERY:
        raise QueryError(f"the query is longer than {MAX_QUERY} characters")
    near = _NEAR.match(text)
    if near:
        place = resolve_place(near["place"], region)
        if place is None:
            raise QueryError(f"no place called {near['place']!r} in the gazetteer (try 'near City, ST')")
        km = float(near["km"]) if near["km"] else DEFAULT_RADIUS_KM
        return Query("place", place.location_id, f"within {km:g} km of {place.name}, {place.region}",
                     place.lat, place.lon, km)
    digits = sum(c.isdigit() for c in text)
    phones = find_phones(text, region)
    if len(phones) == 1 and len(phones[0].raw) >= 0.6 * len(text):  # the query is the number, not a sentence
        return Query("phone", phones[0].e164, f"phone {phones[0].e164}")
    emails = find_emails(text)
    if len(emails) == 1 and len(emails[0].raw) >= 0.6 * len(text):
        return Query("email", emails[0].address, f"email {emails[0].address}")
    handles = find_handles(text, region, phones)
    if len(handles) == 1 and handles[0].platform != "unknown" and len(handles[0].raw) >= 0.6 * len(text):
        return Query("handle", handle_id(handles[0].platform, handles[0].handle),
                     f"{handles[0].platform} handle {handles[0].handle}")
    if digits and not re.search(r"[A-Za-z]{2}", text):
        raise QueryError(f"{text!r} is not a phone number adgraph can read (a full number with its area code?)")
    return Query("text", lucene_text(text), f"text {text!r}")


def lucene_text(text: str) -> str:
    """The words as a full-text query, every Lucene operator character escaped: users type words,
    not query syntax, and a stray quote must not be an error."""
    return _LUCENE_SPECIAL.sub(r"\\\1", text)
