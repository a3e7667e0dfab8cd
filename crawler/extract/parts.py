"""Phone numbers given in parts: the area code stated apart from the rest ("555-0185, area code 212"),
or the parts of a number told in a sentence, in any order, with words between them ("my area code
is 312, the middle is 555 and the last four are 0114", "Ends in 0176, begins with 480, 555 in
between", "First 3: 917 / next 3: 555 / last 4: 0138").

Both work on text already rewritten into plain digits (see `crawler.extract.phones`) and take a
function that says whether a string of digits is a valid national number; they return each
number's digits with the (start, end) of the text it was read from.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_AREA_CODE = re.compile(r"\b(?:area\s*code|c[oó]digo\s*de\s*[aá]rea|lada)\W{0,4}(?:is\s+)?\(?(\d{3})\)?(?!\d)",
                        re.IGNORECASE)
_LOCAL_NUMBER = re.compile(r"(?<![\d+])\d{3}[ .\-]?\d{4}(?![\d])")
_AREA_CODE_REACH = 40  # characters between a local number and its area code stated apart
# A part: digits with at most one space, dot or dash between them ("5 1 2", "0-1-9-9", "555 0183"),
# not touching a letter or a slash ("line1", "120lbs", "24/7", "200/hr"), not a percentage ("100%"),
# nor part of a decimal number. One or two digits are not a part ("the last 4 are", "first 3:").
_PART = re.compile(r"(?<![^\W_])(?<!/)(?<!\d[.,])\d(?:[ .\-]?\d)*(?![^\W_])(?![.,]\d|/|\s?%)")
# A group next to another number across an equals sign is an item of a table ("30 = 150"), not a part.
# (Lists of round prices, "150 / 200 / 300", are masked before: see `crawler.extract.groups`.)
_LISTED_AFTER = re.compile(r"\s*=\s*\d")
_LISTED_BEFORE = re.compile(r"\d\s*=\s*$")
# Between two groups of two that are one group of four: "0 1, then 4 8", "01 and 48".
_PAIR_GAP = re.compile(r"[\s,;\-]*(?:(?:and|then|y|luego|et)[\s,;\-]+)?", re.IGNORECASE)
# Words that say a number is told in parts, or what a part is.
_CUE = re.compile(r"\b(?:[aá]rea|digits?|numbers?|num|phone|prefix|ends?\s+(?:in|with)|ending|begins?|starts?|middle"
                  r"|(?:first|next|last)\s+(?:three|four|3|4)|up\s+front|part|line\d?|dial|reach|the\s+rest|then"
                  r"|between|c[oó]digo|despu[eé]s|al\s+final|luego)\b|#\s*(?:is|:)",
                  re.IGNORECASE)
# A group of digits that is something else: after "room", "suite", "ext", "zip"...; before a unit or a
# street type ("1500 W Madison St" has a W between); a year.
_LABELLED = re.compile(r"\b(?:room|rm|suite|ste|apt|unit|floor|fl|door|ext|extension|zip|box|exit|hwy|highway|route"
                       r"|model|id|ref|order|lot|gate|level|age|size|height|weight)\W{0,3}$", re.IGNORECASE)
_UNIT = re.compile(r"\s*(?:lbs?|kg|cm|mins?|hrs?|hh|h|st|ave|blvd|rd|dr|sq|ft|mi|miles|km|yo|yrs?|years?|views|reviews"
                   r"|roses|usd|mxn)\b", re.IGNORECASE)
_YEAR = re.compile(r"19[5-9]\d|20[0-3]\d")
# "last four 0159", "first 3: 917", "next 3 are": the count of digits in a part's label.
_LABEL_COUNT = re.compile(r"\b(?:first|next|last|final|middle|other)\s+[34](?!\d)", re.IGNORECASE)
_PARTS_REACH = 160  # characters from the first part of a number to its last
# Shapes a number's parts take: area code, exchange and line number (3, 3, 4), area code and local
# number (3, 7), or area code and exchange then line number (6, 4).
_SHAPES = {(3, 3, 4), (3, 7), (6, 4)}


def area_code_apart(normalized: str, taken: list[tuple[int, int]],
                    is_number: Callable[[str], bool]) -> list[tuple[str, int, int]]:
    """A local number with its area code stated apart ("555-0185, area code 212"), when the two
    stand within a few words of each other and together make a valid number."""
    found: list[tuple[str, int, int]] = []
    for code in _AREA_CODE.finditer(normalized):
        for local in _LOCAL_NUMBER.finditer(normalized):
            if any(s < local.end() and local.start() < e for s, e in taken):
                continue
            gap = max(code.start(), local.start()) - min(code.end(), local.end())
            if not 0 <= gap <= _AREA_CODE_REACH:
                continue
            digits = code.group(1) + re.sub(r"\D", "", local.group(0))
            if is_number(digits):
                found.append((digits, min(code.start(1), local.start()), max(code.end(1), local.end())))
    return found


def numbers_in_parts(normalized: str, spans: list[tuple[int, int]], text: str, masked: list[tuple[int, int]],
                     is_number: Callable[[str], bool]) -> list[tuple[str, int, int]]:
    """The one number whose parts an ad tells apart, in any order, with words between them. Only
    where the ad's stand-alone groups of digits are exactly a number's parts (two groups of three
    and one of four; three and seven; six and four), within a few lines, together a valid number,
    and the ad says so ("area", "last four", "digits", "ends in") or writes at least two of the
    parts in disguise ("three-oh-five... five five five"); not where a group is labelled as
    something else ("room 312", "120 lbs") or the four digits are a year or round ("1000", not
    "0100"). The group of four is the end; the two groups of three stand in the ad's order if that
    is valid, else the other way round."""
    parts = _parts(normalized, masked)
    if not 2 <= len(parts) <= 3:
        return []
    digits = [d for _, _, d in parts]
    if any(_LABELLED.search(normalized, max(0, start - 12), start) or _UNIT.match(normalized, end)
           for start, end, _ in parts):
        return []
    if any(len(d) == 4 and (_YEAR.fullmatch(d) or (d.endswith("00") and d[0] != "0")) for d in digits):
        return []
    sizes = [len(d) for d in digits]
    if tuple(sorted(sizes, key=lambda n: (n in (4, 7), n))) not in _SHAPES:
        return []
    first, last = parts[0][0], parts[-1][1]
    if spans[last - 1][1] - spans[first][0] > _PARTS_REACH:
        return []
    disguised = sum(_disguised(text[spans[start][0]:spans[end - 1][1]]) for start, end, _ in parts)
    if disguised < 2 and not _CUE.search(text):
        return []
    ends = [d for d in digits if len(d) in (4, 7)]
    fronts = [d for d in digits if len(d) not in (4, 7)]
    for order in (fronts, fronts[::-1]):
        number = "".join(order) + ends[0]
        if is_number(number):
            return [(number, first, last)]
    return []


def _parts(normalized: str, masked: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """(start, end, digits) of each stand-alone group of three or more digits that is not masked nor an
    item of a table ("30 = 150"); two groups of two told one after the other are one group ("then zero
    one, then four eight"), but not three or more ("34, 24, 36")."""
    labelled = _LABEL_COUNT.sub(lambda m: m.group(0)[:-1] + "#", normalized)  # "last 4 0159": the 4 is no part
    found = [(m.start(), m.end(), re.sub(r"\D", "", m.group(0))) for m in _PART.finditer(labelled)
             if not any(s < m.end() and m.start() < e for s, e in masked)
             and not _LISTED_AFTER.match(labelled, m.end())
             and not _LISTED_BEFORE.search(labelled, max(0, m.start() - 8), m.start())]
    chains: list[list[tuple[int, int, str]]] = []  # groups of two in a row: one, two ("0 1, then 4 8"), more
    for part in found:
        if chains and len(part[2]) == 2 == len(chains[-1][-1][2]) \
                and _PAIR_GAP.fullmatch(labelled, chains[-1][-1][1], part[0]):
            chains[-1].append(part)
        else:
            chains.append([part])
    parts = [(chain[0][0], chain[1][1], chain[0][2] + chain[1][2]) if len(chain) == 2 else chain[0]
             for chain in chains if len(chain) <= 2]
    return [part for part in parts if len(part[2]) > 2]


def _disguised(raw: str) -> bool:
    """Whether a part is written in words or look-alikes, or digit by digit ("5 1 2", "0-1-9-9")."""
    return any(c.isalpha() for c in raw) or sum(not c.isalnum() for c in raw) >= 2
