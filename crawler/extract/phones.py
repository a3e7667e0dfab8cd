"""Phone numbers in ad text, however they are disguised, as E.164 with the raw text they stood as.

Ads hide numbers from filters: spelled digits ("five5five", "cinco", "triple five",
"sixtwentysix"), look-alike letters (O for 0, l for 1, S for 5), circled, emoji and
full-width digits, odd separators between every digit or group, line breaks,
caller-ID prefixes glued to the number. The text is first rewritten into plain
digits while remembering where each character came from (characters: `characters`;
number words: `numberwords`); groups of digits that add up to a valid number are
joined; then `phonenumbers.PhoneNumberMatcher` finds the numbers, and each match is
mapped back to the original text: that original span is the evidence kept on the
HAS_PHONE relationship. Numbers told in parts ("area code 312 ... last four 0114")
are put together by `parts`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import phonenumbers

from crawler.extract.characters import lookalikes, visible
from crawler.extract.numberwords import broken_words, number_words
from crawler.extract.parts import area_code_apart, numbers_in_parts

_KEYCAP = re.compile("([0-9#*])\ufe0f?\u20e3")
# *82 / *67 (once or more) before a number are not part of it: spaced from the number, or glued
# to exactly a number's worth of digits ("*826175550132", "*82*8213125550117"), but not "01**67".
_CALLER_ID = re.compile(r"(?<![\d*])(?:\*\s?(?:67|82))+(?:[\s\-.~]*(?=[(+])|[\s\-.~]+(?=\d)|(?=1?\d{10}(?!\d)))")
_SEPARATOR_MAX = 12        # at most this many characters between two groups of one number ...
_SEPARATOR_WEIGHT_MAX = 4  # ... and at most this many once repeats and spaces are dropped (">> <<" is 2)
# Dates, clock times, amounts of money, thousands and body measurements: their digits are never
# part of a phone number ("2024-05-01 10", "$1,850", "120,000 miles", "36-24-36").
_NOT_A_PHONE = re.compile(
    r"(?<!\d)(?:19|20)\d\d([-./])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])(?![-./]?\d)"
    r"|(?<!\d)(?:0?[1-9]|[12]\d|3[01])([-./])(?:0?[1-9]|[12]\d|3[01])\2(?:19|20)?\d\d(?![-./]?\d)"
    r"|(?<![\d:])(?:[01]?\d|2[0-3]):[0-5]\d(?![\d:])"
    # money, but not "$$" used as a divider; a price glued to a number is only the price: "$2503125550155"
    r"|(?<![\d$€£])[$€£]\s?(?:\d{1,4}(?=1?\d{10}(?![\d,.]))|\d[\d,.]*)"
    r"|(?<![\d,.])\d[\d,.]*\s?[$€£](?![$€£]|\s?\d)"
    # map coordinates: "40.7128, -74.0060"
    r"|(?<![\d.])-?\d{1,3}\.\d{4,}\s?,\s?-?\d{1,3}\.\d{4,}(?![\d.])"
    r"|(?<![\d,])\d{1,3}(?:,\d{3})+(?![\d,])"
    r"|(?<![\d\-])\d\d[A-K]{0,3}-\d\d-\d\d(?![\-\d])")
_LONG_GROUP = 7  # a group of this many digits or more only ends a number ("312 5550147", not "7743219 300")
# Ranges regulators keep for drama and documentation, by country code: phonenumbers calls them
# unallocated, hence invalid, but they are numbers in every other way (and what test sets use).
# The NANP's 555-01XX and London's 020 7946 0XXX are valid in phonenumbers already.
_FICTIONAL = {44: ("7700900", "1632960")}
_OPENING, _CLOSING = "([{<（［｛", ")]}>）］｝"
# "6 x 7 x 8 x 5 ...": the letter x as a separator between single digits.
_X_CHAIN = re.compile(r"\d(?:\s?[xX×]\s?\d){3,}")
# A pipe for a 1 inside a run of digits and look-alikes ("3|2 555 O|9|"), tried only where reading
# pipes as separators ("|3|1|2|...", "312|555|0147") finds no number.
_PIPE_AS_ONE = re.compile(r"(?<=[0-9OIl])\|(?=[0-9OIl])|(?<=[0-9])\|(?=\s|$)")
_GLUED_PAIR = range(20, 23)  # two numbers written together: "31255501383125550139"


@dataclass(frozen=True)
class PhoneMatch:
    e164: str
    raw: str


def find_phones(text: str, region: str = "US") -> list[PhoneMatch]:
    """Every phone number in text, as E.164 (national numbers read in `region`) with its raw text,
    in order of appearance, each (number, raw) pair once."""
    found = _read(text, text, region)
    if "|" in text and _PIPE_AS_ONE.search(text):
        taken = [(start, start + len(phone.raw)) for start, phone in found]
        found += [(start, phone) for start, phone in _read(_PIPE_AS_ONE.sub("1", text), text, region)
                  if not any(s < start + len(phone.raw) and start < e for s, e in taken)]
    out: list[PhoneMatch] = []
    for _, phone in sorted(found, key=lambda pair: pair[0]):
        if phone not in out:
            out.append(phone)
    return out


def _read(reading: str, text: str, region: str) -> list[tuple[int, PhoneMatch]]:
    """The numbers in reading (text, or text with some characters read otherwise, position for
    position), each with its start and raw text in text."""
    chars, spans = _digits_for_disguises(reading)
    chars, spans = _join_digit_runs(chars, spans, region)
    normalized = "".join(chars)
    found: list[tuple[int, PhoneMatch]] = []
    taken: list[tuple[int, int]] = []
    dates = [m.span() for m in _NOT_A_PHONE.finditer(normalized)]
    for match in _matches(normalized, region):
        if any(s < match.end and match.start < e for s, e in dates):
            continue  # "2024-05-01 10 am"
        if any(len(group) >= _LONG_GROUP for group in re.findall(r"\d+", match.raw_string)[:-1]):
            continue  # "ID 7743219 300"
        start, end = _with_brackets(text, spans[match.start][0], spans[match.end - 1][1])
        found.append((start, PhoneMatch(_e164(match.number), text[start:end].strip())))
        taken.append((match.start, match.end))
    def national(digits: str) -> bool:
        return _is_number(digits, region, False)

    apart = area_code_apart(normalized, taken, national)
    if not apart and phonenumbers.country_code_for_region(region) == 1:  # parts read as NANP 3-3-4
        apart = numbers_in_parts(normalized, spans, text, dates + taken, national)
    for digits, first, last in apart:
        start, end = spans[first][0], spans[last - 1][1]
        found.append((start, PhoneMatch(_e164(phonenumbers.parse(digits, region)), text[start:end].strip())))
    return found


def _matches(normalized: str, region: str) -> list[phonenumbers.PhoneNumberMatch]:
    """The matcher's valid numbers, and numbers in fictional ranges not glued to a word."""
    matches = list(phonenumbers.PhoneNumberMatcher(normalized, region, leniency=phonenumbers.Leniency.VALID))
    digits = re.sub(r"\D", "", normalized)
    if any(prefix in digits for prefixes in _FICTIONAL.values() for prefix in prefixes):
        taken = {(m.start, m.end) for m in matches}
        for m in phonenumbers.PhoneNumberMatcher(normalized, region, leniency=phonenumbers.Leniency.POSSIBLE):
            glued = (m.start > 0 and normalized[m.start - 1].isalpha()) or \
                (m.end < len(normalized) and normalized[m.end].isalpha())
            if (m.start, m.end) not in taken and _is_fictional(m.number) and not glued:
                matches.append(m)
    return sorted(matches, key=lambda m: m.start)


def _is_valid(number: phonenumbers.PhoneNumber) -> bool:
    return phonenumbers.is_valid_number(number) or _is_fictional(number)


def _is_fictional(number: phonenumbers.PhoneNumber) -> bool:
    national = phonenumbers.national_significant_number(number)
    return phonenumbers.is_possible_number(number) and national.startswith(_FICTIONAL.get(number.country_code, ()))


def _with_brackets(text: str, start: int, end: int) -> tuple[int, int]:
    """The span widened to the brackets its digits stand in: "[3][1][2] ... [4]", "<<415>> ... <<0168>>"."""
    depth = lowest = 0
    for ch in text[start:end]:
        depth += (ch in _OPENING) - (ch in _CLOSING)
        lowest = min(lowest, depth)
    unclosed, unopened = depth - lowest, -lowest
    while unclosed and end < len(text) and text[end] in _CLOSING:
        end, unclosed = end + 1, unclosed - 1
    while unopened and start > 0 and text[start - 1] in _OPENING:
        start, unopened = start - 1, unopened - 1
    return start, end


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _digits_for_disguises(original: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Rewrite keycaps, number words and Unicode digits as ASCII digits and drop caller-ID prefixes
    and characters that show nothing; each output character keeps the (start, end) span of the
    original text it came from."""
    text, origin = visible(original)
    drop = broken_words(text)
    if drop:
        dropped = set(drop)
        keep = [i for i in range(len(text)) if i not in dropped]
        text, origin = "".join(text[i] for i in keep), [origin[i] for i in keep]
    # What replaces text from a position on: caller-ID prefixes, keycaps, then number words first.
    replaced: dict[int, tuple[int, str]] = {}
    for star in (m.start() for m in re.finditer(r"\*", text)) if "*" in text else ():
        if caller_id := _CALLER_ID.match(text, star):
            replaced[star] = (caller_id.end(), " ")
    if "\u20e3" in text:
        replaced.update((m.start(), (m.end(), m.group(1))) for m in _KEYCAP.finditer(text))
    replaced.update(number_words(text))
    chars: list[str] = []
    spans: list[tuple[int, int]] = []
    i = 0
    for start in sorted(replaced):
        if start < i:
            continue  # inside what was replaced already
        end, digits = replaced[start]
        chars.extend(text[i:start])
        spans.extend((at, at + 1) for at in origin[i:start])
        chars.extend(digits)
        spans.extend([(origin[start], origin[end - 1] + 1)] * len(digits))
        i = end
    chars.extend(text[i:])
    spans.extend((at, at + 1) for at in origin[i:])
    if "x" in chars or "X" in chars or "×" in chars:
        for m in _X_CHAIN.finditer("".join(chars)):
            for j in range(m.start(), m.end()):
                chars[j] = "-" if chars[j] in "xX×" else chars[j]
    return lookalikes(chars), spans


def _join_digit_runs(chars: list[str], spans: list[tuple[int, int]],
                     region: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Groups of digits broken by a few odd characters (spaces, dots, @, brackets, emoji, a line
    break, a comma between spelled groups) become one run of digits where some of them add up to a
    valid number; the matcher then sees plain digits, apart from the words and digits around them."""
    masked = {i for m in _NOT_A_PHONE.finditer("".join(chars)) for i in range(m.start(), m.end())}
    out_chars: list[str] = []
    out_spans: list[tuple[int, int]] = []
    i, n = 0, len(chars)
    while i < n:
        if not chars[i].isdigit() or i in masked:
            out_chars.append(chars[i])
            out_spans.append(spans[i])
            i += 1
            continue
        groups, separators = _chain(chars, i, masked)
        if any(e - s in _GLUED_PAIR for s, e in groups):
            groups, separators = _split_glued(chars, groups, separators, region)
        international = bool(out_chars) and out_chars[-1] == "+"
        windows = _windows(chars, groups, separators, region, international)
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


def _chain(chars: list[str], i: int, masked: set[int]) -> tuple[list[tuple[int, int]], list[str]]:
    """The (start, end) of each group of digits from i on, while the characters between two groups
    look like a separator; and the separators."""
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
            return groups, separators
        separators.append("".join(separator))
        j = k


def _split_glued(chars: list[str], groups: list[tuple[int, int]], separators: list[str],
                 region: str) -> tuple[list[tuple[int, int]], list[str]]:
    """Groups of twenty to twenty-two digits that are two valid numbers written together
    ("31255501383125550139") as the two groups."""
    out_groups: list[tuple[int, int]] = []
    out_separators: list[str] = []
    for g, (s, e) in enumerate(groups):
        digits = "".join(chars[s:e])
        cut = next((c for c in (10, 11) if e - s in _GLUED_PAIR and _is_number(digits[:c], region, False)
                    and _is_number(digits[c:], region, False)), None)
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
    if not marks or marks[-1] not in _OPENING:
        return True
    while k < len(chars) and not chars[k].isalpha() and chars[k] not in _CLOSING:
        k += 1
    return k < len(chars) and chars[k] in _CLOSING


def _is_separator(separator: list[str]) -> bool:
    """Short runs of punctuation, spaces and emoji: ">> <<", ".}} ((", " ~~~ ", " /*/ ". A percent
    sign, or a slash next to a digit, ends a number or a date ("24/7", "3/15", "100% 12"), not the
    digits of one; a slash between spaces parts a number's groups as a comma does ("415 / 555 / 0190")."""
    if "%" in separator or (separator and "/" in (separator[0], separator[-1])):
        return False
    kept = [c for k, c in enumerate(separator) if not c.isspace() and (k == 0 or c != separator[k - 1])]
    return len(kept) <= _SEPARATOR_WEIGHT_MAX


def _windows(chars: list[str], groups: list[tuple[int, int]], separators: list[str], region: str,
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
            if b > a and groups[b - 1][1] - groups[b - 1][0] >= _LONG_GROUP:
                break
            if _is_number(digits, region, international) and _commas_allow(chars, groups, separators, a, b + 1):
                inside = set(separators[a:b])
                cut = (a > 0 and separators[a - 1] in inside) or (b + 1 < len(groups) and separators[b] in inside)
                candidates.append((cut, len(groups) - b, a, b + 1))
    chosen: list[tuple[int, int]] = []
    for _, _, a, b in sorted(candidates):
        if all(b <= x or y <= a for x, y in chosen):
            chosen.append((a, b))
    return sorted(chosen)


def _commas_allow(chars: list[str], groups: list[tuple[int, int]], separators: list[str], a: int, b: int) -> bool:
    """Whether groups a..b-1 may form one number across the commas, semicolons or slashes between
    them: these must part it into single digits or into groups such as a number is read in (at most
    one of five or six digits: "33140, 33141" are zip codes), and not all round unless the first starts
    with a trunk prefix ("250, 400, 1000" are prices; "oh seven seven oh oh, nine hundred, four hundred"
    is a number)."""
    soft = [k for k in range(a, b - 1) if any(c in ",;/" for c in separators[k])]
    if not soft:
        return True
    cuts = [a] + [k + 1 for k in soft] + [b]
    parts = ["".join("".join(chars[groups[g][0]:groups[g][1]]) for g in range(x, y)) for x, y in zip(cuts, cuts[1:])]
    if all(len(part) == 1 for part in parts):
        return True
    return all(1 < len(part) <= 6 for part in parts) and sum(len(part) > 4 for part in parts) <= 1 \
        and not (parts[0][0] != "0" and parts[-1].endswith("00") and all(part.endswith("0") for part in parts))


def _is_number(digits: str, region: str, international: bool) -> bool:
    """Whether digits are a valid number: with its country code after a '+' or after the region's
    international prefix ("001 713 555 0155" dialled from Mexico), or a national number of ten digits
    (or the region's longest national length if shorter: nine in Spain), or of eleven with the
    region's trunk prefix or NANP country code ("1", "0")."""
    if international:
        candidate = "+" + digits
    elif len(digits) < 9:
        return False
    else:
        idd = _international_prefix(region)
        if idd and len(digits) > 11 and idd.match(digits):
            return _is_number(digits[idd.match(digits).end():], region, True)
        length = len(digits) - (len(digits) > 9 and digits[0] in _leads(region))
        if not (len(digits) == 10 or length in (10, _national_length(region))):
            return False
        candidate = digits
    try:
        return _is_valid(phonenumbers.parse(candidate, region))
    except phonenumbers.NumberParseException:
        return False


@functools.cache
def _international_prefix(region: str) -> re.Pattern[str] | None:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    return re.compile(metadata.international_prefix) if metadata and metadata.international_prefix else None


@functools.cache
def _national_length(region: str) -> int:
    """The region's longest national number, where it is nine digits or more (nine in Spain), else 10."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    lengths = [n for n in (metadata.general_desc.possible_length if metadata else ()) if n >= 9]
    return max(lengths, default=10)


@functools.cache
def _leads(region: str) -> frozenset[str]:
    """What an eleven-digit national number may start with: the trunk prefix, or the NANP's country code."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is None:
        return frozenset()
    return frozenset(lead for lead in (metadata.national_prefix, "1" if metadata.country_code == 1 else None) if lead)
