"""Phone numbers in ad text, however they are disguised, as E.164 with the raw text they stood as.

Ads hide numbers from filters: spelled digits ("five5five", "cinco", "triple five",
"sixtwentysix"), look-alike letters (O for 0, l for 1, S for 5), circled, emoji and
full-width digits, odd separators between every digit or group, line breaks,
caller-ID prefixes glued to the number. The text is first rewritten into plain
digits while remembering where each character came from (characters: `characters`;
number words: `numberwords`); reference and listing numbers ("Ref #2023112518", "Post ID
2135550147") are set aside (`references`); groups of digits that add up to a valid number are
joined, across short asides too ("213 555 (txt only) 0194": `groups`, `asides`); then
`phonenumbers.PhoneNumberMatcher` finds the numbers, and each match is mapped back to the
original text: that original span is the evidence kept on the HAS_PHONE relationship.
Numbers told in parts ("area code 312 ... last four 0114") are put together by `parts`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import phonenumbers

from crawler.extract.characters import lookalikes, visible
from crawler.extract.groups import CLOSING, LONG_GROUP, NOT_A_PHONE, OPENING, join_digit_runs
from crawler.extract.numberwords import broken_words, number_words
from crawler.extract.parts import area_code_apart, numbers_in_parts
from crawler.extract.references import reference_spans

_KEYCAP = re.compile("([0-9#*])\ufe0f?\u20e3")
# *82 / *67 (once or more) before a number are not part of it: spaced from the number, or glued
# to exactly a number's worth of digits ("*826175550132", "*82*8213125550117"), but not "01**67".
_CALLER_ID = re.compile(r"(?<![\d*])(?:\*\s?(?:67|82))+(?:[\s\-.~]*(?=[(+])|[\s\-.~]+(?=\d)"
                        r"|(?=1?\d{3}[\s\-.~]?\d{3}[\s\-.~]?\d{4}(?!\d)))")  # glued: "*82504 555 0187"
_URL_PLUS = re.compile(r"%2[bB](?=\d)")
# Ranges regulators keep for drama and documentation, by country code: phonenumbers calls them
# unallocated, hence invalid, but they are numbers in every other way (and what test sets use).
# The NANP's 555-01XX and London's 020 7946 0XXX are valid in phonenumbers already.
_FICTIONAL = {44: ("7700900", "1632960")}
# "6 x 7 x 8 x 5 ...": the letter x as a separator between single digits.
_X_CHAIN = re.compile(r"\d(?:\s?[xX×]\s?\d){3,}")
# A pipe for a 1 inside a run of digits and look-alikes ("3|2 555 O|9|"), tried only where reading
# pipes as separators ("|3|1|2|...", "312|555|0147") finds no number.
_PIPE_AS_ONE = re.compile(r"(?<=[0-9OIl])\|(?=[0-9OIl])|(?<=[0-9])\|(?=\s|$)")


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
    references = reference_spans("".join(chars))
    in_text = [(spans[start][0], spans[end - 1][1]) for start, end in references]
    chars, spans = join_digit_runs(chars, spans, functools.partial(_is_number, region=region), references)
    normalized = "".join(chars)
    found: list[tuple[int, PhoneMatch]] = []
    taken: list[tuple[int, int]] = []
    dates = [m.span() for m in NOT_A_PHONE.finditer(normalized)] + [_inside(spans, *r) for r in in_text]
    for match in _matches(normalized, region):
        if any(s < match.end and match.start < e for s, e in dates):
            continue  # "2024-05-01 10 am"
        if any(len(group) >= LONG_GROUP for group in re.findall(r"\d+", match.raw_string)[:-1]):
            continue  # "ID 7743219 300"
        start, end = _with_brackets(text, spans[match.start][0], spans[match.end - 1][1])
        found.append((start, PhoneMatch(_e164(match.number), text[start:end].strip())))
        taken.append((match.start, match.end))
    def national(digits: str) -> bool:
        return _is_number(digits, False, region)

    apart = area_code_apart(normalized, taken, national)
    if not apart and phonenumbers.country_code_for_region(region) == 1:  # parts read as NANP 3-3-4
        apart = numbers_in_parts(normalized, spans, text, dates + taken, national)
    for digits, first, last in apart:
        start, end = spans[first][0], spans[last - 1][1]
        found.append((start, PhoneMatch(_e164(phonenumbers.parse(digits, region)), text[start:end].strip())))
    return found


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """(first, last + 1) of the characters (of text rewritten, each with its span) that stand for
    text[start:end]."""
    inside = [i for i, (s, e) in enumerate(spans) if start <= s and e <= end and s < e]
    return (inside[0], inside[-1] + 1) if inside else (0, 0)


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
        depth += (ch in OPENING) - (ch in CLOSING)
        lowest = min(lowest, depth)
    unclosed, unopened = depth - lowest, -lowest
    while unclosed and end < len(text) and text[end] in CLOSING:
        end, unclosed = end + 1, unclosed - 1
    while unopened and start > 0 and text[start - 1] in OPENING:
        start, unopened = start - 1, unopened - 1
    return start, end


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _digits_for_disguises(original: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Rewrite keycaps, number words and Unicode digits as ASCII digits and "%2B" as "+", and drop
    caller-ID prefixes and characters that show nothing; each output character keeps the (start, end)
    span of the original text it came from."""
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
    if "%2" in text:  # a plus sign in a link: "wa.me/%2B14045550158"
        replaced.update((m.start(), (m.end(), "+")) for m in _URL_PLUS.finditer(text))
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


def _is_number(digits: str, international: bool, region: str) -> bool:
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
            return _is_number(digits[idd.match(digits).end():], True, region)
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
