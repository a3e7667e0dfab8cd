"""Email extraction, table-driven."""

import pytest

from crawler.extract.emails import find_emails

CASES = [
    ("write to Jane.Doe@Example.org today", ["jane.doe@example.org"]),
    ("jane at example dot com", ["jane@example.com"]),
    ("jane (at) example (dot) com", ["jane@example.com"]),
    ("jane [at] mail [dot] example [dot] org", ["jane@mail.example.org"]),
    ("jane AT example DOT com", ["jane@example.com"]),
    ("jane@example dot com", ["jane@example.com"]),
    ("a@example.org, b@example.org", ["a@example.org", "b@example.org"]),
    ("meet me at the hotel dot lobby", []),
    ("rates at 200 per hour", []),
    ("email: x@y", []),
    ("", []),
]


@pytest.mark.parametrize("text, expected", CASES, ids=[c[0][:30] for c in CASES])
def test_find_emails(text, expected):
    assert [e.address for e in find_emails(text)] == expected


def test_raw_is_kept():
    assert [e.raw for e in find_emails("mail jane (at) example (dot) com now")] == ["jane (at) example (dot) com"]
