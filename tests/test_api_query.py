"""What the search box makes of what it is given."""

from __future__ import annotations

import pytest

from api.query import QueryError, lucene_text, understand


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("(312) 555-0147", "phone", "+13125550147"),
    ("312.555.0147", "phone", "+13125550147"),
    ("+1 312 555 0147", "phone", "+13125550147"),
    ("three one two five five five zero one four seven", "phone", "+13125550147"),
    ("3I2 SSS OI47", "phone", "+13125550147"),
    ("Mia@Example.org", "email", "mia@example.org"),
    ("mia at example dot com", "email", "mia@example.com"),
    ("IG: @mia.new", "handle", "instagram:mia.new"),
    ("snapchat: kandi_xo", "handle", "snapchat:kandi_xo"),
    ("near Houston, TX", "place", "geonames:4699066"),
    ("near Chicago, IL within 80 km", "place", "geonames:4887398"),
    ("new in town", "text", "new in town"),
    ("call me 312 555 0147 tonight, new in town, sweet and classy", "text", None),
    ('hello (world) "quote', "text", 'hello \\(world\\) \\"quote'),
])
def test_understand(text, kind, value):
    query = understand(text)
    assert query.kind == kind
    if value is not None:
        assert query.value == value


def test_place_radius_defaults_to_25_km():
    assert understand("near Houston, TX").radius_km == 25
    assert understand("near Houston, TX within 50 km").radius_km == 50


@pytest.mark.parametrize(("text", "message"), [
    ("", "type a phone number"),
    ("   ", "type a phone number"),
    ("312", "not a phone number adgraph can read"),
    ("555-0147", "not a phone number adgraph can read"),
    ("near Nowhereville, ZZ", "no place called"),
    ("x" * 501, "longer than 500 characters"),
])
def test_refused_with_a_reason(text, message):
    with pytest.raises(QueryError, match=message):
        understand(text)


def test_lucene_operators_are_escaped():
    assert lucene_text('a+b -c && d || !e (f) {g} [h] ^i "j" ~k *l ?m :n \\o /p') == (
        'a\\+b \\-c \\&& d \\|| \\!e \\(f\\) \\{g\\} \\[h\\] \\^i \\"j\\" \\~k \\*l \\?m \\:n \\\\o \\/p')
