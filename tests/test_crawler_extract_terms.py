"""Rates and stated ages, table-driven."""

import pytest

from crawler.extract.terms import find_ages, find_prices

PRICES = [
    ("$200 per hour", [(200.0, "USD", "hour")]),
    ("150hh 250hr", [(150.0, None, "half hour"), (250.0, None, "hour")]),
    ("200 roses/hr", [(200.0, "USD", "hour")]),
    ("120€ half hour", [(120.0, "EUR", "half hour")]),
    ("£80", [(80.0, "GBP", None)]),
    ("300 overnight", []),
    ("call 312-555-0147", []),
    ("5'6 and 120 lbs", []),
]


@pytest.mark.parametrize("text, expected", PRICES, ids=[p[0] for p in PRICES])
def test_find_prices(text, expected):
    assert [(p.amount, p.currency, p.unit) for p in find_prices(text)] == expected


AGES = [
    ("age 21, new in town", [21]),
    ("Sweet 19 years old", [19]),
    ("22yo petite", [22]),
    ("I'm 17 and new", [17]),  # kept: a stated minor is the red flag investigators need
    ("tengo 20 años", [20]),
    ("edad: 24", [24]),
    ("available 24/7", []),
    ("I'm 30 min away", []),
    ("$200 per hour", []),
]


@pytest.mark.parametrize("text, expected", AGES, ids=[a[0] for a in AGES])
def test_find_ages(text, expected):
    assert [a.age for a in find_ages(text)] == expected
