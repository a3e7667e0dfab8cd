"""Phone numbers in ad text, however they are disguised, as E.164 with the raw text they stood as.

Ads hide numbers from filters: spelled digits ("five5five", "cinco"), look-alike
letters (O for 0, l for 1), emoji and full-width digits, odd separators between
every digit, line breaks. The text is first rewritten into plain digits while
remembering where each character came from, then `phonenumbers.PhoneNumberMatcher`
finds the numbers, and each match is mapped back to the original text: that
original span is the evidence kept on the HAS_PHONE relationship.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers

# Number words in English and Spanish. Letters that ads swap for digits (f1ve, tw0, z3ro)
# are allowed inside the words.
_WORDS = {
    "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9",
    "cero": "0", "uno": "1", "dos": "2", "tres": "3", "cuatro": "4", "cinco": "5", "seis": "6",
    "siete": "7", "ocho": "8", "nueve": "9",
}
_LEET = {"o": "[o0]", "i": "[i1!l|]", "e": "[e3]", "s": "[s5$]", "a": "[a4@]", "t": "[t7]", "z": "[z2]"}


def _word_pattern(word: str) -> str:
    return "".join(_LEET.get(ch, re.escape(ch)) for ch in word)


# Longest words first, so "siete" wins over "s" prefixes and "cuatro" over "tres".
_WORD_RE = re.compile("|".join(f"(?P<w{n}>{_word_pattern(w)})" for n, w in
                               enumerate(sorted(_WORDS, key=len, reverse=True))), re.IGNORECASE)
_WORD_BY_GROUP = {f"w{n}": _WORDS[w] for n, w in enumerate(sorted(_WORDS, key=len, reverse=True))}
_KEYCAP = re.compile("([0-9#*])\ufe0f?\u20e3")
# *82 / *67 dialling prefixes before a number are not part of it.
_CALLER_ID = re.compile(r"\*\s?(?:67|82)(?=\s*[(+]?\s*[0-9])(?!\d)")
_LOOKALIKE = {"o": "0", "O": "0", "l": "1", "I": "1", "|": "1"}
_SEPARATOR_RUN_MAX = 4  # at most this many non-digit characters between two digits of one number


@dataclass(frozen=True)
class PhoneMatch:
    e164: str
    raw: str


def find_phones(text: str, region: str = "US") -> list[PhoneMatch]:
    """Every phone number in text, as E.164 (national numbers read in `region`) with its raw text,
    in order of appearance, each (number, raw) pair once."""
    chars, spans = _digits_for_disguises(text)
    chars, spans = _join_digit_runs(chars, spans)
    normalized = "".join(chars)
    found: list[PhoneMatch] = []
    for match in phonenumbers.PhoneNumberMatcher(normalized, region, leniency=phonenumbers.Leniency.VALID):
        start = spans[match.start][0]
        end = spans[match.end - 1][1]
        phone = PhoneMatch(phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164),
                           text[start:end].strip())
        if phone not in found:
            found.append(phone)
    return found


def _digits_for_disguises(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Rewrite keycaps, number words and Unicode digits as ASCII digits; each output character
    keeps the (start, end) span of the original text it came from."""
    words = _number_words(text)
    chars: list[str] = []
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        if i in words:
            end, digit = words[i]
            chars.append(digit)
            spans.append((i, end))
            i = end
            continue
        keycap = _KEYCAP.match(text, i)
        if keycap:
            chars.append(keycap.group(1))
            spans.append((i, keycap.end()))
            i = keycap.end()
            continue
        caller_id = _CALLER_ID.match(text, i)
        if caller_id:
            chars.append(" ")
            spans.append((i, caller_id.end()))
            i = caller_id.end()
            continue
        ch = text[i]
        value = unicodedata.decimal(ch, None)
        chars.append(str(value) if value is not None else ch)
        spans.append((i, i + 1))
        i += 1
    return _lookalikes(chars), spans


def _number_words(text: str) -> dict[int, tuple[int, str]]:
    """Number words that stand alone or touch digits or other number words (so "fivefive" and
    "5five5" count, but the "one" in "someone" and the "oh" in "john" do not)."""
    candidates = [(m.start(), m.end(), _WORD_BY_GROUP[m.lastgroup]) for m in _WORD_RE.finditer(text)]
    starts = {s for s, _, _ in candidates}
    ends = {e for _, e, _ in candidates}
    accepted: dict[int, tuple[int, str]] = {}
    for start, end, digit in candidates:
        left_ok = start == 0 or not text[start - 1].isalpha() or start in ends
        right_ok = end == len(text) or not text[end].isalpha() or end in starts
        if left_ok and right_ok:
            accepted[start] = (end, digit)
    return accepted


def _lookalikes(chars: list[str]) -> list[str]:
    """O/o for 0 and l/I/| for 1, but only between digits: "5O5" is a number, "Ola" is not."""
    out = list(chars)
    for i, ch in enumerate(chars):
        if ch in _LOOKALIKE and 0 < i:
            # The digit before may sit across a space or a dash: "555 O147".
            j = i - 1
            while j > 0 and i - j <= 2 and not out[j].isalnum():
                j -= 1
            prev_digit = out[j].isdigit()
            # Next: a digit, another look-alike ("OI9o"), or the end of the word ("555-olll ").
            nxt = chars[i + 1] if i + 1 < len(chars) else " "
            next_ok = nxt.isdigit() or nxt in _LOOKALIKE or not nxt.isalpha()
            if prev_digit and next_ok:
                out[i] = _LOOKALIKE[ch]
    return out


def _join_digit_runs(chars: list[str], spans: list[tuple[int, int]]) -> tuple[list[str], list[tuple[int, int]]]:
    """Runs of digits broken by a few odd characters (spaces, dots, @, emoji, a line break) become
    one run of digits when they add up to a phone number's length; the matcher then sees plain digits."""
    out_chars: list[str] = []
    out_spans: list[tuple[int, int]] = []
    i = 0
    n = len(chars)
    while i < n:
        if not chars[i].isdigit():
            out_chars.append(chars[i])
            out_spans.append(spans[i])
            i += 1
            continue
        if out_chars and out_chars[-1].isalpha():
            # "tel312-555-0147": the matcher ignores digits glued to a word, so unglue them.
            out_chars.append(" ")
            out_spans.append((spans[i][0], spans[i][0]))
        # Gather groups of digits separated by short runs of non-alphanumeric characters.
        groups: list[list[int]] = [[]]
        j = i
        while j < n:
            if chars[j].isdigit():
                groups[-1].append(j)
                j += 1
                continue
            k = j
            while k < n and not chars[k].isalnum() and k - j < _SEPARATOR_RUN_MAX:
                k += 1
            if k < n and chars[k].isdigit() and k > j and not _ends_a_number(chars[j:k]):
                groups.append([])
                j = k
                continue
            break
        first = _number_start(groups, chars)
        if first is None:
            out_chars.extend(chars[i:j])
            out_spans.extend(spans[i:j])
        else:
            # Groups before the number ("24/7 312 555 0147": the 7) stay as they were.
            lead_end = groups[first][0]
            out_chars.extend(chars[i:lead_end])
            out_spans.extend(spans[i:lead_end])
            digits = [d for group in groups[first:] for d in group]
            out_chars.extend(chars[d] for d in digits)
            out_spans.extend(spans[d] for d in digits)
        i = j
    return out_chars, out_spans


def _number_start(groups: list[list[int]], chars: list[str]) -> int | None:
    """The first group from which the rest add up to a phone number's length (10 digits, or 11
    starting with the country code 1), or None."""
    for first in range(len(groups)):
        total = sum(len(g) for g in groups[first:])
        if total == 10 or (total == 11 and chars[groups[first][0]] == "1"):
            return first
        if total < 10:
            return None
    return None


def _ends_a_number(separator: list[str]) -> bool:
    """Commas, semicolons and slashes separate two numbers in a list rather than the digits of one."""
    return any(ch in ",;/" for ch in separator)
