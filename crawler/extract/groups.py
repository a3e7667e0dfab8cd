"""Groups of digits that make one number: "312 555 0147", "3.1.2.5.5.5.0.1.4.7", "[312] [555] [0147]",
"312 💋 555 💋 0147", a line break or a comma between spelled groups, a short aside ("213 555 (txt only)
0194": `crawler.extract.asides`), two numbers glued together.

`join_digit_runs` works on text already rewritten into plain digits (see `crawler.extract.phones`), and
drops the separators inside each run of groups that together make a valid number (as a function it is
given says), so that the matcher sees plain digits apart from the words and digits around them. Dates,
times, money, measurements and rate lists (`NOT_A_PHONE`), and the reference numbers the caller
gives (`crawler.extract.references`), are never part of a number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from crawler.extract.asides import ASIDE_CONTEXT, aside_ends, asides_allow

IsNumber = Callable[[str, bool], bool]  # (digits, after a '+') -> whether they are a valid number

_SEPARATOR_MAX = 12        # at most this many characters between two groups of one number ...
_SEPARATOR_WEIGHT_MAX = 4  # ... and at most this many once repeats and spaces are dropped (">> <<" is 2)
# Dates, clock times, amounts of money, thousands, body measurements and rate lists: their digits are
# never part of a phone number ("2024-05-01 10", "$1,850", "120,000 miles", "36-24-36", "150 / 200 / 300").
NOT_A_PHONE = re.compile(
    r"(?<!\d)(?:19|20)\d\d([-./])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])(?![-./]?\d)"
    r"|(?<!\d)(?:0?[1-9]|[12]\d|3[01])([-./])(?:0?[1-9]|[12]\d|3[01])\2(?:19|20)?\d\d(?![-./]?\d)"
    r"|(?<![\d:])(?:[01]?\d|2[0-3]):[0-5]\d(?![\d:])"
    # money, but not "$$" used as a divider; a price glued to a number is only the price: "$2503125550155"
    r"|(?<![\d$€£])[$€£]\s?(?:\d{1,4}(?=1?\d{10}(?![\d,.]))|\d[\d,.]*)"
    r"|(?<![\d,.])\d[\d,.]*\s?[$€£](?![$€£]|\s?\d)"
    # map coordinates: "40.7128, -74.0060"
    r"|(?<![\d.])-?\d{1,3}\.\d{4,}\s?,\s?-?\d{1,3}\.\d{4,}(?![\d.])"
    r"|(?<![\d,])\d{1,3}(?:,\d{3})+(?![\d,])"
    # rates: a list of prices after rates' labels ("QV 100 / HH 160 / H 250") or of round prices ("150 / 200 / 300")
    r"|(?<![^\W\d_])(?:(?i:q[vk]|h(?:hr?|rs?)?|ovn)\s?\d{2,4}\s?[/|,]\s?)+(?i:q[vk]|h(?:hr?|rs?)?|ovn)\s?\d{2,4}(?!\d)"
    r"|(?<![\d.,/])[1-9]\d{0,2}0(?:\s?[/,]\s?[1-9]\d{0,2}0){2,}(?![\d.,/])"
    # a round price and its minutes in brackets: "250 (30) · 350 (60)", "150 (30min)"
    r"|(?<![\d(])[1-9]\d{0,2}[05]\s?[(\[](?:15|20|30|45|60|90)\s?(?i:min(?:ute)?s?|m)?[)\]]"
    r"|(?<![\d\-])\d\d[A-K]{0,3}-\d\d-\d\d(?![\-\d])")
LONG_GROUP = 7  # a group of this many digits or more only ends a number ("312 5550147", not "7743219 300")
OPENING, CLOSING = "([{<（［｛", ")]}>）］｝"
_PLAIN = re.compile(r"[\s\-.()\[\]{}]*")  # what parts groups between commas: "three one two, five 5 5, ..."
_GLUED_PAIR = range(20, 23)  # two numbers written together: "31255501383125550139"


def join_digit_runs(chars: list[str], spans: list[tuple[int, int]], is_number: IsNumber,
                    others: Iterable[tuple[int, int]] = ()) -> tuple[list[str], list[tuple[int, int]]]:
    """Groups of digits broken by a few odd characters (spaces, dots, @, brackets, emoji, a line
    break, a comma between spelled groups) or by a short aside ("555 (txt only) 0194": `asides`)
    become one run of digits where some of them add up to a valid number; the matcher then sees plain
    digits, apart from the words and digits around them. The digits of `NOT_A_PHONE` and of the
    (start, end) ranges in `others` (reference numbers) are left as they are."""
    text = "".join(chars)
    masked = {i for m in NOT_A_PHONE.finditer(text) for i in range(m.start(), m.end())}
    masked.update(i for start, end in others for i in range(start, end))
    asides = aside_ends(text)
    out_chars: list[str] = []
    out_spans: list[tuple[int, int]] = []
    i, n = 0, len(chars)
    while i < n:
        if not chars[i].isdigit() or i in masked:
            out_chars.append(chars[i])
            out_spans.append(spans[i])
            i += 1
            continue
        groups, separators = _chain(chars, i, masked, asides)
        if any(e - s in _GLUED_PAIR for s, e in groups):
            groups, separators = _split_glued(chars, groups, separators, is_number)
        international = bool(out_chars) and out_chars[-1] == "+"
        windows = _windows(chars, groups, separators, is_number, international)
        starts, lasts = {a for a, _ in windows}, {b - 1 for _, b in windows}

        def boundary(at: int, mark: str) -> None:
            out_chars.append(mark)
            out_spans.append((spans[at][0], spans[at][0]))

        for g, (s, e) in enumerate(groups):
            if g in starts:
                if g > 0:
                    boundary(s, ";")  # "24 3125550147": keep the groups before out of the number
                elif out_chars and not (out_chars[-1].isspace() or out_chars[-1] == "+"):
                    boundary(s, " ")  # "tel3125550147", "[[3125550147]]": the matcher skips glued digits
            out_chars.extend(chars[s:e])
            out_spans.extend(spans[s:e])
            if g + 1 < len(groups):
                if any(a <= g < b - 1 for a, b in windows):
                    continue  # a separator inside a number is dropped
                if g in lasts:
                    boundary(groups[g + 1][0], ";")
                out_chars.extend(chars[e:groups[g + 1][0]])
                out_spans.extend(spans[e:groups[g + 1][0]])
            elif g in lasts and e < n and not chars[e].isspace() and (e - s >= 4 or not chars[e].isalpha()):
                boundary(e - 1, " ")  # "3125550139now", but not "... 34C"
        i = groups[-1][1]
    return out_chars, out_spans


def _chain(chars: list[str], i: int, masked: set[int],
           asides: dict[int, int]) -> tuple[list[tuple[int, int]], list[str]]:
    """The (start, end) of each group of digits from i on, while the characters between two groups
    look like a separator or are an aside (`asides`: its end by its start); and the separators."""
    groups: list[tuple[int, int]] = []
    separators: list[str] = []
    n = len(chars)
    j = i
    while True:
        start = j
        while j < n and chars[j].isdigit() and j not in masked:
            j += 1
        groups.append((start, j))
        k = j
        while k < n and not chars[k].isalnum() and k - j < _SEPARATOR_MAX:
            k += 1
        separator = chars[j:k]
        if not (k < n and k > j and chars[k].isdigit() and k not in masked and _is_separator(separator)
                and _bracket_closes(chars, separator, k)):
            if j not in asides or asides[j] in masked:
                return groups, separators
            k, separator = asides[j], chars[j:asides[j]]
        separators.append("".join(separator))
        j = k


def _split_glued(chars: list[str], groups: list[tuple[int, int]], separators: list[str],
                 is_number: IsNumber) -> tuple[list[tuple[int, int]], list[str]]:
    """Groups of twenty to twenty-two digits that are two valid numbers written together
    ("31255501383125550139") as the two groups."""
    out_groups: list[tuple[int, int]] = []
    out_separators: list[str] = []
    for g, (s, e) in enumerate(groups):
        digits = "".join(chars[s:e])
        cut = next((c for c in (10, 11) if e - s in _GLUED_PAIR and is_number(digits[:c], False)
                    and is_number(digits[c:], False)), None)
        if cut:
            out_groups.extend([(s, s + cut), (s + cut, e)])
            out_separators.append("")
        else:
            out_groups.append((s, e))
        if g < len(separators):
            out_separators.append(separators[g])
    return out_groups, out_separators


def _bracket_closes(chars: list[str], separator: list[str], k: int) -> bool:
    """A bracket opened between two groups must close before the next word: "[5][5]" and
    "{{5.5.5.}}" are groups, "012 (one digit missing)" is a number and an aside."""
    marks = [c for c in separator if not c.isspace()]
    if not marks or marks[-1] not in OPENING:
        return True
    while k < len(chars) and not chars[k].isalpha() and chars[k] not in CLOSING:
        k += 1
    return k < len(chars) and chars[k] in CLOSING


def _is_separator(separator: list[str]) -> bool:
    """Short runs of punctuation, spaces and emoji: ">> <<", ".}} ((", " ~~~ ", " /*/ ". A percent
    sign, a slash next to a digit or an equals sign between spaces ends a number, a date or a rate
    ("24/7", "3/15", "100% 12", "30 = 150"), not the digits of one; a slash between spaces parts a
    number's groups as a comma does ("415 / 555 / 0190")."""
    if "%" in separator or (separator and "/" in (separator[0], separator[-1])) \
            or ("=" in separator and " " in separator):
        return False
    kept = [c for k, c in enumerate(separator) if not c.isspace() and (k == 0 or c != separator[k - 1])]
    return len(kept) <= _SEPARATOR_WEIGHT_MAX


def _windows(chars: list[str], groups: list[tuple[int, int]], separators: list[str], is_number: IsNumber,
             international: bool) -> list[tuple[int, int]]:
    """(first, last + 1) of the runs of consecutive groups that are valid numbers, not overlapping.
    Where runs overlap, one that does not cut through a run of like separators wins ("24/7
    6*0*2*5*5*5*0*1*7*0": the 7 is not the number's), then the one further right. A run across
    commas needs its parts all single digits or all groups ("siete ocho seis, cinco cinco cinco, ...");
    after a '+' the run must start at the first group (the country code)."""
    candidates: list[tuple[bool, int, int, int]] = []
    for a in range(1 if international else len(groups)):
        digits = ""
        for b in range(a, len(groups)):
            digits += "".join(chars[groups[b][0]:groups[b][1]])
            if len(digits) > 15:
                break
            if b > a and groups[b - 1][1] - groups[b - 1][0] >= LONG_GROUP:
                break
            if is_number(digits, international) and _commas_allow(chars, groups, separators, a, b + 1) \
                    and _asides_allow(chars, groups, separators, a, b + 1):
                inside = set(separators[a:b])
                cut = (a > 0 and separators[a - 1] in inside) or (b + 1 < len(groups) and separators[b] in inside)
                candidates.append((cut, len(groups) - b, a, b + 1))
    chosen: list[tuple[int, int]] = []
    for _, _, a, b in sorted(candidates):
        if all(b <= x or y <= a for x, y in chosen):
            chosen.append((a, b))
    return sorted(chosen)


def _asides_allow(chars: list[str], groups: list[tuple[int, int]], separators: list[str], a: int, b: int) -> bool:
    """Whether groups a..b-1 may form one number across the asides between them (separators with
    letters: nothing else between two groups has one); see `asides_allow`."""
    cuts = [k + 1 for k in range(a, b - 1) if any(c.isalpha() for c in separators[k])]
    if not cuts:
        return True
    cuts = [a] + cuts + [b]
    start = groups[a][0]
    return asides_allow([["".join(chars[s:e]) for s, e in groups[x:y]] for x, y in zip(cuts, cuts[1:])],
                        "".join(chars[max(0, start - ASIDE_CONTEXT):start]))


def _commas_allow(chars: list[str], groups: list[tuple[int, int]], separators: list[str], a: int, b: int) -> bool:
    """Whether groups a..b-1 may form one number across the commas, semicolons or slashes between
    them: what else parts the groups must be plain (spaces, dashes, dots, brackets); the commas must
    part the number into single digits or into groups such as a number is read in (at most
    one of five or six digits: "33140, 33141" are zip codes), and not all round unless the first starts
    with a trunk prefix ("250, 400, 1000" are prices; "oh seven seven oh oh, nine hundred, four hundred"
    is a number)."""
    soft = [k for k in range(a, b - 1) if any(c in ",;/" for c in separators[k])]
    if not soft:
        return True
    if any(not _PLAIN.fullmatch(separators[k]) for k in range(a, b - 1) if k not in soft):
        return False  # "(213), 5 ⭐ (555), 3 ⭐ (12)": star ratings, not a number's groups
    cuts = [a] + [k + 1 for k in soft] + [b]
    parts = ["".join("".join(chars[groups[g][0]:groups[g][1]]) for g in range(x, y)) for x, y in zip(cuts, cuts[1:])]
    if all(len(part) == 1 for part in parts):
        return True
    return all(1 < len(part) <= 6 for part in parts) and sum(len(part) > 4 for part in parts) <= 1 \
        and not (parts[0][0] != "0" and parts[-1].endswith("00") and all(part.endswith("0") for part in parts))
