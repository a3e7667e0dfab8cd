"""Places, resolved offline against GeoNames, table-driven."""

import pytest

from crawler.extract.places import find_places, resolve_place

TEXT = [
    ("New in town Charleston", None, [("Charleston", "SC")]),
    ("New in town Charleston", "WV", [("Charleston", "WV")]),      # the site's region breaks the tie
    ("Visiting Chicago, IL this week", None, [("Chicago", "IL")]),
    ("Springfield IL only", None, [("Springfield", "IL")]),
    ("Springfield special", None, [("Springfield", "MO")]),        # the largest Springfield
    ("Las Vegas strip, then Dallas", None, [("Las Vegas", "NV"), ("Dallas", "TX")]),
    ("New York New York", None, [("New York City", "NY")]),
    ("Mobile friendly, Normal rates", None, []),                   # words first, towns second
    ("Ola chicas, Sweet and Friendly", None, []),
    ("", None, []),
]


@pytest.mark.parametrize("text, region, expected", TEXT, ids=[f"{t[0][:25]}|{t[1]}" for t in TEXT])
def test_find_places(text, region, expected):
    assert [(p.name, p.region) for p in find_places(text, "US", region)] == expected


FIELDS = [
    ("Chicago, IL", ("Chicago", "IL", "geonames:4887398")),
    ("Houston", ("Houston", "TX", "geonames:4699066")),
    ("Springfield Illinois", ("Springfield", "IL", "geonames:4250542")),
    ("Portland, ME", ("Portland", "ME", "geonames:4975802")),
    ("Portland, Oregon", ("Portland", "OR", "geonames:5746545")),
    ("Nowhere", None),
    ("", None),
]


@pytest.mark.parametrize("field, expected", FIELDS, ids=[f[0] or "empty" for f in FIELDS])
def test_resolve_place(field, expected):
    place = resolve_place(field)
    assert (place and (place.name, place.region, place.location_id)) == expected


def test_place_carries_coordinates_and_raw_text():
    [place] = find_places("now in Chicago, IL")
    assert place.country == "US" and place.lat == pytest.approx(41.85, abs=0.01) and place.raw == "Chicago, IL"
