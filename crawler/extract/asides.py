"""Short asides inside a phone number: "213 555 (txt only) 0194", "213 555 - text me - 0194",
"213-555 [no blocked calls] 0194", "(213) 555 ~ call or text ~ 0194", "213 555 💋 text me 💋 0194".

An aside is a few words (at most four, at most 25 characters from the first letter to the last, no
digit: number words are digits by now) in brackets or between marks (dashes, tildes, stars, bars, an
ellipsis, quotes, emoji), standing between two groups of digits. Words of rates, times and sizes make
no aside ("250 (half hour) 350", "5 (ft) 4"), and neither do a sentence's full stops, commas and colons
("213 555. Text me. 0194"). `aside_ends` finds asides in text already rewritten into plain digits (see
`crawler.extract.phones`); `crawler.extract.groups` lets one part a number's groups as a separator
does, where `asides_allow` says the digits around it are a number's parts and not prices, a date or
a room.
"""

from __future__ import annotations

import re

_LETTERS_MAX = 25  # characters of an aside from its first letter to its last
_WORD = r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?"
_WORDS = rf"{_WORD}(?:[ \t]+{_WORD}){{0,3}}[!?.]{{0,3}}"
_BRACKETS = ("()", "[]", "{}", "<>", "\uff08\uff09", "\uff3b\uff3d", "\uff5b\uff5d")
_BRACKETED = "|".join(rf"{re.escape(o)}[ \t]*{_WORDS}[ \t]*{re.escape(c)}" for o, c in _BRACKETS)
# Marks around an aside: dashes, tildes, stars, bars, bullets, quotes, an ellipsis, and any symbol or emoji
# (not ASCII, not a letter, digit, space, bracket or full-width punctuation of a sentence).
_MARK = r"(?:[\-\u2013\u2014~*|\u2022\u00b7_\"'\u201c\u201d\u2018\u2019^]|\.{2,}|\u2026" \
        r"|[^\w\s\x00-\x7f\uff08\uff09\uff3b\uff3d\uff5b\uff5d\uff0c\uff1b\uff1a\u3001\u3002])"
# An aside may follow a group's closing bracket and come before the next group's opening one:
# "(213) (text only) 555-0194".
_ASIDE = re.compile(rf"(?<=\d)[)\]]?(?:[ \t\-.]{{0,3}}(?:{_BRACKETED})[ \t\-.]{{0,3}}"
                    rf"|[ \t]{{0,2}}{_MARK}{{1,3}}[ \t]*{_WORDS}[ \t]*{_MARK}{{1,3}}[ \t]{{0,2}})[(\[]?(?=\d)")
_LETTERS = re.compile(r"[^\W\d_].*[^\W\d_]|[^\W\d_]")
# Words that make the digits around them prices, times or sizes, not a number's parts.
_MEASURE = re.compile(r"(?<![^\W\d_])(?:half|hours?|hrs?|hh?|mins?|minutes?|qv|qk|quick|ovn|overnight|nights?"
                      r"|incall|outcall|sessions?|roses|donations?|dollars|bucks|usd|lbs?|pounds|kg|cm|years?"
                      r"|yrs?|yo|inch(?:es)?|ft|feet|tall|miles|mi|km)(?![^\W\d_])", re.IGNORECASE)
# Labels of a number that is something else, right before the first group ("Room 204 (top floor) 555").
_LABELLED = re.compile(r"(?<![^\W\d_])(?:room|rm|suite|ste|apt|unit|floor|fl|door|gate|exit|hwy|highway|route|box|zip"
                       r"|building|bldg|lot|level|age|size|height|weight|model|est|established|since|year|class)"
                       r"\W{0,3}$", re.IGNORECASE)
ASIDE_CONTEXT = 16  # characters before a number that `asides_allow` is given (`before`)


def aside_ends(text: str) -> dict[int, int]:
    """The end of each aside between two digits in text, by its start (the character after the digit)."""
    if not any(c.isalpha() for c in text):
        return {}
    ends: dict[int, int] = {}
    for aside in _ASIDE.finditer(text):
        letters = _LETTERS.search(aside.group(0))
        if letters and len(letters.group(0)) <= _LETTERS_MAX and not _MEASURE.search(aside.group(0)):
            ends[aside.start()] = aside.end()
    return ends


def asides_allow(parts: list[list[str]], before: str = "") -> bool:
    """Whether the groups of digits in parts, an aside between each two parts, may be one number (the
    text before it in `before`): at least three digits on each side of each aside, as a number's groups
    have ("213 555 (txt) 0194", "213 (LA) 555 0194", "07700 900 (text) 123"; not "1 (and only) 213 555
    0194"), the group on each side one digit or three or more (not "2024 (x) 05-17 14:32"); not a year or
    a room before the first aside ("Est. 1985 (family owned) 555-0199", "Room 204
    (top floor) 555 0199"); and not prices, parts of one group each: all round ("250 - ask - 350 - ask -
    1000"), or with two asides or more all ending in 0 or 5 ("225 - special - 325 - vip - 1250")."""
    digits = ["".join(part) for part in parts]
    total = sum(map(len, digits))
    ahead = 0
    for part in digits[:-1]:
        ahead += len(part)
        if ahead < 3 or total - ahead < 3:
            return False
    if any(len(part[-1]) == 2 for part in parts[:-1]) \
            or any(len(part[0]) == 2 for part in parts[1:]):
        return False  # pairs of digits by an aside: a date or coordinates ("2024 (x) 05-17 14:32")
    if (len(parts[0]) == 1 and len(digits[0]) == 4 and digits[0][0] == "1") or _LABELLED.search(before):
        return False
    prices = all(len(part) == 1 for part in parts)  # each part one group, as prices are written
    if prices and len(parts) > 2 and all(part[-1] in "05" for part in digits):
        return False
    return not (prices and all(part.endswith("0") for part in digits) and digits[-1].endswith("00"))
