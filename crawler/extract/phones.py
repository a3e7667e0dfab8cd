"""Phone numbers in ad text, however they are disguised, as E.164 with the raw text they stood as.

Ads hide numbers from filters: spelled digits ("five5five", "cinco", "triple five",
"sixtwentysix"), look-alike letters (O for 0, l for 1, S for 5), circled, emoji and
full-width digits, odd separators between every digit or group, line breaks,
caller-ID prefixes glued to the number. The text is first rewritten into plain
digits while remembering where each character came from; groups of digits that
add up to a valid number are joined; then `phonenumbers.PhoneNumberMatcher` finds
the numbers, and each match is mapped back to the original text: that original
span is the evidence kept on the HAS_PHONE relationship.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import phonenumbers

# Number words in English and Spanish, by kind: a digit, a two-digit number, the tens of a
# compound ("twenty" six, "cincuenta y" cinco), a scale ("hundred": so many zeros) and a
# repeat ("triple" five). Letters that ads swap for digits (f1ve, tw0, z3ro) and Spanish
# accents are allowed inside the words.
_DIGITS = {
    "zero": "0", "oh": "0", "nought": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9", "niner": "9",
    "cero": "0", "uno": "1", "dos": "2", "tres": "3", "cuatro": "4", "cinco": "5", "seis": "6",
    "siete": "7", "ocho": "8", "nueve": "9",
}
_TEENS = {
    "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14", "fifteen": "15",
    "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19",
    # Spanish "once" (11) is left out: in English text it is "once".
    "diez": "10", "doce": "12", "trece": "13", "catorce": "14", "quince": "15", "dieciseis": "16",
    "diecisiete": "17", "dieciocho": "18", "diecinueve": "19",
}
_TENS = {
    "twenty": "2", "thirty": "3", "forty": "4", "fourty": "4", "fifty": "5", "sixty": "6", "seventy": "7",
    "eighty": "8", "ninety": "9",
    "veinte": "2", "veinti": "2", "treinta": "3", "cuarenta": "4", "cincuenta": "5", "sesenta": "6",
    "setenta": "7", "ochenta": "8", "noventa": "9",
}
_SCALES = {"hundred": 2, "thousand": 3, "mil": 3}
_REPEATS = {"double": 2, "triple": 3, "treble": 3, "doble": 2}
_LONE = {"o": "0"}  # "four o four": a zero only next to another number (Spanish "o" is "or")
_KINDS = [(_DIGITS, "digit"), (_TEENS, "teen"), (_TENS, "tens"), (_SCALES, "scale"), (_REPEATS, "repeat"),
          (_LONE, "lone")]
_LEET = {"o": "[o0ó]", "i": "[i1!l|í]", "e": "[e3é]", "s": "[s5$]", "a": "[a4@á]", "t": "[t7]", "z": "[z2]",
         "u": "[uú]"}


def _word_pattern(word: str) -> str:
    if word == "o":
        return "o"  # a lone "o" is itself the look-alike: "0" is a digit already
    return "".join(_LEET.get(ch, re.escape(ch)) for ch in word)


# Longest words first, so "seventeen" wins over "seven" and "cuatro" over "tres".
_ALL_WORDS = sorted(((w, kind, value) for table, kind in _KINDS for w, value in table.items()),
                    key=lambda t: len(t[0]), reverse=True)
_WORD_RE = re.compile("|".join(f"(?P<w{n}>{_word_pattern(w)})" for n, (w, _, _) in enumerate(_ALL_WORDS)),
                      re.IGNORECASE)
# Runs of number words that start after a non-letter: a quick first pass, so the long
# alternation is only tried where a word can start.
_WORD_RUN_RE = re.compile(r"(?<![^\W\d_])(?:" + "|".join(_word_pattern(w) for w, _, _ in _ALL_WORDS) + ")+",
                          re.IGNORECASE)
_WORD_BY_GROUP = {f"w{n}": (kind, value) for n, (_, kind, value) in enumerate(_ALL_WORDS)}
_WORD_GAP = re.compile(r"[\s\-]{0,3}|\s+y\s+", re.IGNORECASE)  # "twenty six", "twenty-six", "cincuenta y cinco"
_KEYCAP = re.compile("([0-9#*])\ufe0f?\u20e3")
# *82 / *67 (once or more) before a number are not part of it: spaced from the number, or glued
# to exactly a number's worth of digits ("*826175550132", "*82*8213125550117"), but not "01**67".
_CALLER_ID = re.compile(r"(?<![\d*])(?:\*\s?(?:67|82))+(?:[\s\-.~]*(?=[(+])|[\s\-.~]+(?=\d)|(?=1?\d{10}(?!\d)))")
# Letters that stand for digits, converted only in tokens of digits and look-alikes ("3O5", "ZI2",
# "Ol7B") or next to one ("9I7 SSS"), so words such as "Ola" or "SOS" on their own stay words.
# A pipe is a separator ("|2|1|4|"), not a 1.
_LOOKALIKE = {"o": "0", "O": "0", "l": "1", "I": "1", "S": "5", "B": "8", "Z": "2"}
_ZERO_ONE = set("oOlI")  # the usual look-alikes; S, B and Z need more evidence ("SOS", "BOSS" are words)
_CUP_SIZE = re.compile(r"(?:2[6-9]|3\d|4[0-8])(?:AA|[A-H]|[DEFG]{2,3})")  # "34B" is a bra size, not 348
_HOMOGLYPHS = {"\u041e": "O", "\u043e": "o", "\u039f": "O", "\u03bf": "o", "\u0406": "I", "\u0399": "I"}
# Words spelled out between groups of digits in place of punctuation ("312 dash 555 dot 0147").
_SEPARATOR_WORDS = {"dash", "dot", "hyphen", "space", "punto", "guion", "guión", "raya"}
_SEPARATOR_MAX = 12        # at most this many characters between two groups of one number ...
_SEPARATOR_WEIGHT_MAX = 4  # ... and at most this many once repeats and spaces are dropped (">> <<" is 2)
# Dates, clock times, amounts of money, thousands and body measurements: their digits are never
# part of a phone number ("2024-05-01 10", "$1,850", "120,000 miles", "36-24-36").
_NOT_A_PHONE = re.compile(
    r"(?<!\d)(?:19|20)\d\d([-./])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])(?![-./]?\d)"
    r"|(?<!\d)(?:0?[1-9]|[12]\d|3[01])([-./])(?:0?[1-9]|[12]\d|3[01])\2(?:19|20)?\d\d(?![-./]?\d)"
    r"|(?<![\d:])(?:[01]?\d|2[0-3]):[0-5]\d(?![\d:])"
    r"|(?<!\d)[$€£]\s?\d[\d,.]*|(?<![\d,.])\d[\d,.]*\s?[$€£](?!\s?\d)"
    r"|(?<![\d,])\d{1,3}(?:,\d{3})+(?![\d,])"
    r"|(?<![\d\-])\d\d[A-K]{0,3}-\d\d-\d\d(?![\-\d])")
_LONG_GROUP = 7  # a group of this many digits or more only ends a number ("312 5550147", not "7743219 300")
# Ranges regulators keep for drama and documentation, by country code: phonenumbers calls them
# unallocated, hence invalid, but they are numbers in every other way (and what test sets use).
# The NANP's 555-01XX and London's 020 7946 0XXX are valid in phonenumbers already.
_FICTIONAL = {44: ("7700900", "1632960")}
_OPENING, _CLOSING = "([{<（［｛", ")]}>）］｝"
_AREA_CODE = re.compile(r"\b(?:area\s*code|c[oó]digo\s*de\s*[aá]rea|lada)\W{0,4}(?:is\s+)?\(?(\d{3})\)?(?!\d)",
                        re.IGNORECASE)
_LOCAL_NUMBER = re.compile(r"(?<![\d+])\d{3}[ .\-]?\d{4}(?![\d])")
_AREA_CODE_REACH = 40  # characters between a local number and its area code stated apart


@dataclass(frozen=True)
class PhoneMatch:
    e164: str
    raw: str


def find_phones(text: str, region: str = "US") -> list[PhoneMatch]:
    """Every phone number in text, as E.164 (national numbers read in `region`) with its raw text,
    in order of appearance, each (number, raw) pair once."""
    chars, spans = _digits_for_disguises(text)
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
    found.extend(_area_code_apart(normalized, spans, text, region, taken))
    out: list[PhoneMatch] = []
    for _, phone in sorted(found, key=lambda pair: pair[0]):
        if phone not in out:
            out.append(phone)
    return out


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
    """Rewrite keycaps, number words and Unicode digits as ASCII digits and drop caller-ID prefixes;
    each output character keeps the (start, end) span of the original text it came from."""
    text = "".join(map(_fold, original))  # one character for one, so positions are the original's
    words = _number_words(text)
    chars: list[str] = []
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        if i in words:
            end, digits = words[i]
            chars.extend(digits)
            spans.extend([(i, end)] * len(digits))
            i = end
            continue
        keycap = _KEYCAP.match(text, i) if text[i] in "0123456789#*" else None
        if keycap:
            chars.append(keycap.group(1))
            spans.append((i, keycap.end()))
            i = keycap.end()
            continue
        caller_id = _CALLER_ID.match(text, i) if text[i] == "*" else None
        if caller_id:
            chars.append(" ")
            spans.append((i, caller_id.end()))
            i = caller_id.end()
            continue
        chars.append(text[i])
        spans.append((i, i + 1))
        i += 1
    return _lookalikes(chars), spans


@functools.lru_cache(maxsize=4096)
def _fold(ch: str) -> str:
    """A character as the plain ASCII letter, digit or sign it stands for, where it is one: any
    character with a digit value (Arabic-Indic, circled, dingbat, mathematical, superscript), full-width
    and mathematical letters ("ＦＩＶＥ"), Greek and Cyrillic O; other characters as they are."""
    if ch.isascii():
        return ch
    folded = unicodedata.normalize("NFKC", ch)
    if len(folded) == 1 and folded.isascii():
        return folded
    value = unicodedata.digit(ch, None)
    return str(value) if value is not None else _HOMOGLYPHS.get(ch, ch)


def _number_words(text: str) -> dict[int, tuple[int, str]]:
    """Number words that stand alone or touch digits or other number words (so "fivefive" and
    "5five5" count, but the "one" in "someone" and the "oh" in "john" do not), keyed by start,
    each with its end and the digits it stands for."""
    candidates = [(m.start(), m.end(), *_WORD_BY_GROUP[m.lastgroup]) for run in _WORD_RUN_RE.finditer(text)
                  for m in _WORD_RE.finditer(text, run.start(), run.end())]
    starts = {c[0] for c in candidates if c[2] != "lone"}  # a lone "o" glues to nothing: "51xoxo"
    ends = {c[1] for c in candidates if c[2] != "lone"}
    words = [c for c in candidates
             if (c[0] == 0 or not text[c[0] - 1].isalpha() or c[0] in ends)
             and (c[1] == len(text) or not text[c[1]].isalpha() or c[1] in starts)]
    accepted: dict[int, tuple[int, str]] = {}
    for k, (start, end, kind, value) in enumerate(words):
        nxt = words[k + 1] if k + 1 < len(words) and _WORD_GAP.fullmatch(text, end, words[k + 1][0]) else None
        next_digit = nxt[3] if nxt and nxt[2] in ("digit", "lone") else _digit_after(text, end)
        if kind in ("digit", "teen"):
            accepted[start] = (end, value)
        elif kind == "lone":
            prev = words[k - 1] if k and words[k - 1][0] in accepted else None
            if (prev and _WORD_GAP.fullmatch(text, prev[1], start)) or nxt or _digit_before(text, start) \
                    or _digit_after(text, end) is not None:
                accepted[start] = (end, value)
        elif kind == "tens":
            # "twenty six" is 26: the tens word gives one digit and takes the gap up to the unit.
            if next_digit not in (None, "0"):
                accepted[start] = (nxt[0] if nxt else _skip_gap(text, end), value)
            else:
                accepted[start] = (end, value + "0")
        elif kind == "scale":
            # Only after a number: "oh one hundred" is 0100, "eight hundred" 800, "2th0usand" 2000.
            # Numbers are read out in groups, so "hundred" is always two zeros.
            prev = words[k - 1] if k and words[k - 1][0] in accepted else None
            if (prev and _WORD_GAP.fullmatch(text, prev[1], start)) or _digit_before(text, start):
                accepted[start] = (end, "0" * value)
        elif kind == "repeat" and next_digit is not None:
            # "triple five" is 555: the repeat word gives the extra copies.
            accepted[start] = (end, next_digit * (value - 1))
    return accepted


def _skip_gap(text: str, i: int) -> int:
    return _WORD_GAP.match(text, i).end()


def _digit_after(text: str, i: int) -> str | None:
    """The single digit right after a short gap ("double 5", "double O", "twenty6"), or None."""
    j = _skip_gap(text, i)
    if j < len(text):
        ch = text[j]
        if ch.isdigit():
            return ch if j + 1 == len(text) or not text[j + 1].isdigit() else None
        if ch in "oO" and (j + 1 == len(text) or not text[j + 1].isalpha()):
            return "0"
    return None


def _digit_before(text: str, i: int) -> bool:
    j = i
    while j > 0 and i - j < 3 and text[j - 1] in " -":
        j -= 1
    return j > 0 and text[j - 1].isdigit()


def _lookalikes(chars: list[str]) -> list[str]:
    """Look-alike letters as digits in tokens made only of digits and look-alikes with at least one
    digit ("3O5", "0l47"), or made only of look-alikes next to such a token ("555-OIOO"; a single
    letter or a short lower-case word needs one on both sides, S, B or Z one that is itself disguised
    or the 3-3-4 shape of a number: "9I7 SSS OI2O", "213 SSS 0149", but "I 5'5", "BOSS 300" and "lol"
    stay words). Separator words between two such tokens ("dash", "dot") become dashes."""
    tokens: list[tuple[int, int]] = []
    i, n = 0, len(chars)
    while i < n:
        if chars[i].isalnum():
            j = i
            while j < n and chars[j].isalnum():
                j += 1
            tokens.append((i, j))
            i = j
        else:
            i += 1

    def numeric(t: tuple[int, int]) -> bool | None:
        """True: digits and look-alikes with a digit; False: look-alikes only; None: a word."""
        token = chars[t[0]:t[1]]
        if not all(c.isdigit() or c in _LOOKALIKE for c in token) or _CUP_SIZE.fullmatch("".join(token)):
            return None
        return any(c.isdigit() for c in token)

    def disguised(t: tuple[int, int]) -> bool:
        return any(c in _LOOKALIKE for c in chars[t[0]:t[1]])

    def close(a: tuple[int, int], b: tuple[int, int]) -> bool:
        between = chars[a[1]:b[0]]
        return len(between) <= 3 and not any(c in ",;/" for c in between)

    def phone_shaped(k: int) -> bool:
        """Whether token k is a group of three tokens sized 3-3-4, the others digits: "ZIZ-555-0147",
        "213 SSS 0149", "602 555 OIIB"; not "305 BOSS 300"."""
        for first in range(k - 2, k + 1):
            trio = tokens[first:first + 3] if first >= 0 else []
            if len(trio) == 3 and [b - a for a, b in trio] == [3, 3, 4] \
                    and all(kinds[first + j] or first + j == k for j in range(3)) \
                    and close(trio[0], trio[1]) and close(trio[1], trio[2]):
                return True
        return False

    kinds = [numeric(t) for t in tokens]
    out = list(chars)
    for k, (s, e) in enumerate(tokens):
        if (kinds[k] is None and 0 < k < len(tokens) - 1 and kinds[k - 1] and kinds[k + 1]
                and close(tokens[k - 1], tokens[k]) and close(tokens[k], tokens[k + 1])
                and "".join(chars[s:e]).lower() in _SEPARATOR_WORDS):
            out[s:e] = "-" * (e - s)  # "312 dash 555"
    convert_now = [k for k, kind in enumerate(kinds) if kind]
    while convert_now:  # "ZIZ.SSS.0I79": each group once its neighbour is known to be digits
        for k in convert_now:
            for j in range(*tokens[k]):
                out[j] = _LOOKALIKE.get(out[j], out[j])
        convert_now = []
        for k, (s, e) in enumerate(tokens):
            if kinds[k] is False:
                before = k > 0 and kinds[k - 1] is True and close(tokens[k - 1], tokens[k])
                after = k + 1 < len(tokens) and kinds[k + 1] is True and close(tokens[k], tokens[k + 1])
                token = chars[s:e]
                if e - s == 1:
                    short = all(b - a <= 4 for a, b in tokens[max(k - 1, 0):k + 2])
                    convert = before and after and short
                elif not _ZERO_ONE.issuperset(token):  # "SSS" next to "9I7", "ZIZ-S55", not "SOS" next to "60"
                    convert = (before and disguised(tokens[k - 1])) or (after and disguised(tokens[k + 1])) \
                        or phone_shaped(k)
                else:
                    convert = (before or after) and (e - s >= 4 or (e - s == 3 and not any(c.islower() for c in token)))
                if convert:
                    convert_now.append(k)
        for k in convert_now:
            kinds[k] = True
    return out


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
    """Short runs of punctuation, spaces and emoji: ">> <<", ".}} ((", " ~~~ ". A slash or a percent
    sign ends a number or a date ("24/7", "3/15", "100% 12"), not the digits of one."""
    if "/" in separator or "%" in separator:
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
            if _is_number(digits, region, international) and _commas_allow(groups, separators, a, b + 1):
                inside = set(separators[a:b])
                cut = (a > 0 and separators[a - 1] in inside) or (b + 1 < len(groups) and separators[b] in inside)
                candidates.append((cut, len(groups) - b, a, b + 1))
    chosen: list[tuple[int, int]] = []
    for _, _, a, b in sorted(candidates):
        if all(b <= x or y <= a for x, y in chosen):
            chosen.append((a, b))
    return sorted(chosen)


def _commas_allow(groups: list[tuple[int, int]], separators: list[str], a: int, b: int) -> bool:
    """Whether groups a..b-1 may form one number across the commas or semicolons between them: the
    commas must part it into single digits or into groups such as a number is read in."""
    soft = [k for k in range(a, b - 1) if any(c in ",;" for c in separators[k])]
    if not soft:
        return True
    cuts = [a] + [k + 1 for k in soft] + [b]
    sizes = [sum(groups[g][1] - groups[g][0] for g in range(x, y)) for x, y in zip(cuts, cuts[1:])]
    return all(size == 1 for size in sizes) or all(1 < size <= 6 for size in sizes)


def _is_number(digits: str, region: str, international: bool) -> bool:
    """Whether digits are a valid number: with its country code after a '+', or a national number
    of ten digits, or of eleven with the region's trunk prefix or NANP country code ("1", "0")."""
    if international:
        candidate = "+" + digits
    else:
        if not (len(digits) == 10 or (len(digits) == 11 and digits[0] in _leads(region))):
            return False
        candidate = digits
    try:
        return _is_valid(phonenumbers.parse(candidate, region))
    except phonenumbers.NumberParseException:
        return False


@functools.cache
def _leads(region: str) -> frozenset[str]:
    """What an eleven-digit national number may start with: the trunk prefix, or the NANP's country code."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is None:
        return frozenset()
    return frozenset(lead for lead in (metadata.national_prefix, "1" if metadata.country_code == 1 else None) if lead)


def _area_code_apart(normalized: str, spans: list[tuple[int, int]], text: str, region: str,
                     taken: list[tuple[int, int]]) -> list[tuple[int, PhoneMatch]]:
    """A local number with its area code stated apart ("555-0185, area code 212"), when the two
    stand within a few words of each other and together make a valid number."""
    found: list[tuple[int, PhoneMatch]] = []
    for code in _AREA_CODE.finditer(normalized):
        for local in _LOCAL_NUMBER.finditer(normalized):
            if any(s < local.end() and local.start() < e for s, e in taken):
                continue
            gap = max(code.start(), local.start()) - min(code.end(), local.end())
            if not 0 <= gap <= _AREA_CODE_REACH:
                continue
            digits = code.group(1) + re.sub(r"\D", "", local.group(0))
            if not _is_number(digits, region, international=False):
                continue
            first, last = min(code.start(1), local.start()), max(code.end(1), local.end())
            start, end = spans[first][0], spans[last - 1][1]
            found.append((start, PhoneMatch(_e164(phonenumbers.parse(digits, region)), text[start:end].strip())))
    return found
