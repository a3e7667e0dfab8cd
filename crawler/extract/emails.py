"""Email addresses in ad text, including the spelled-out "name at domain dot com" forms."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Spelled-out forms are only believed with a top-level domain people actually use,
# so "meet me at the hotel dot com" style prose does not become an address.
_COMMON_TLDS = ("com|net|org|info|biz|co|us|ca|mx|uk|de|fr|es|it|nl|ru|io|me|tv|xyz|email|online|live")
_AT = r"(?:\s*@\s*|\s*[\(\[\{]\s*at\s*[\)\]\}]\s*|\s+at\s+)"
_DOT = r"(?:\s*\.\s*|\s*[\(\[\{]\s*dot\s*[\)\]\}]\s*|\s+dot\s+)"
_PLAIN = re.compile(r"(?<![\w.+-])([\w.+-]+)@([\w-]+(?:\.[\w-]+)*\.[a-z]{2,24})(?![\w-])", re.IGNORECASE)
_SPELLED = re.compile(rf"(?<![\w.+-])([\w.+-]+){_AT}((?:[\w-]+{_DOT})+(?:{_COMMON_TLDS}))(?![\w-])", re.IGNORECASE)


@dataclass(frozen=True)
class EmailMatch:
    address: str
    raw: str


def find_emails(text: str) -> list[EmailMatch]:
    """Every email address in text, lower-cased, with the raw text it stood as, in order, each pair once."""
    found: list[tuple[int, EmailMatch]] = []
    taken: list[range] = []
    for pattern in (_PLAIN, _SPELLED):
        for m in pattern.finditer(text):
            if any(m.start() in r or m.end() - 1 in r for r in taken):
                continue
            domain = re.sub(_DOT, ".", m.group(2), flags=re.IGNORECASE)
            found.append((m.start(), EmailMatch(f"{m.group(1)}@{domain}".lower(), m.group(0))))
            taken.append(range(m.start(), m.end()))
    out: list[EmailMatch] = []
    for _, email in sorted(found, key=lambda pair: pair[0]):
        if email not in out:
            out.append(email)
    return out
