"""Characters in ad text as the plain digits and letters they stand for.

`fold` reads one character: digits in any script or style (Arabic-Indic, circled, dingbat,
mathematical, superscript, full-width) and full-width or look-alike letters (Greek and Cyrillic
O, A, B, T). `lookalikes` reads letters that stand for digits (O for 0, l for 1, S for 5) in runs of
characters, only where the tokens around them show that they are digits; letters that are digits
less often (A for 4, T for 7, g for 9, Cyrillic З for 3, ° for 0) only where a run has a number's
length and shape.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Letters that stand for digits, converted only in tokens of digits and look-alikes ("3O5", "ZI2",
# "Ol7B") or next to one ("9I7 SSS"), so words such as "Ola" or "SOS" on their own stay words.
# A pipe is a separator ("|2|1|4|"), not a 1.
_LOOKALIKE = {"o": "0", "O": "0", "l": "1", "I": "1", "S": "5", "B": "8", "Z": "2"}
# Letters and signs that look like digits but are common in words and units ("4A", "5g", "75°"): read
# only in a run of tokens of digits and look-alikes that has a number's length and groups (`_read_shaped_runs`).
_WEAK = {"A": "4", "T": "7", "g": "9", "q": "9", "b": "6", "\u0417": "3", "\u0437": "3", "\u0190": "3",
         "\u00f8": "0", "\u00d8": "0", "\u00b0": "0", "\u03b9": "1"}
_DIGIT_LIKE = frozenset("0123456789") | frozenset(_LOOKALIKE) | frozenset(_WEAK)
# Tokens and runs of tokens of digits and look-alikes, found in text where a degree sign reads as a
# letter (ø), so that "7°2" is one token.
_DIGIT_LIKE_CLASS = "[" + re.escape("".join(sorted(_DIGIT_LIKE))) + "]"
_LETTER_LIKE = re.compile("[" + re.escape("".join(sorted(_DIGIT_LIKE - set("0123456789")))) + "]")
_DIGIT_LIKE_TOKEN = re.compile(rf"(?<![^\W_]){_DIGIT_LIKE_CLASS}+(?![^\W_])")
# (The first character comes before the look-behind, so that the engine can skip ahead to it.)
_DIGIT_LIKE_RUN = re.compile(rf"{_DIGIT_LIKE_CLASS}(?<![^\W_].){_DIGIT_LIKE_CLASS}*(?![^\W_])"
                             rf"(?:[^\w,;/]{{1,3}}{_DIGIT_LIKE_CLASS}+(?![^\W_]))*")
_ZERO_ONE = set("oOlI")  # the usual look-alikes; S, B and Z need more evidence ("SOS", "BOSS" are words)
_CUP_SIZE = re.compile(r"(?:2[6-9]|3\d|4[0-8])(?:AA|[A-H]|[DEFG]{2,3})")  # "34B" is a bra size, not 348
# Characters with no digit value in Unicode that ads use as digits or as the Latin letters that stand
# for digits: Greek and Cyrillic O, I, A, B, T, Z, S, the dingbat zeros (U+1F10B, U+1F10C), the O button
# and red circle emoji, and the regional-indicator O (outside a flag: "🇳🇴" is Norway's, see `visible`).
_HOMOGLYPHS = {"\u041e": "O", "\u043e": "o", "\u039f": "O", "\u03bf": "o", "\u0406": "I", "\u0399": "I",
               "\u0410": "A", "\u0391": "A", "\u0412": "B", "\u0392": "B", "\u0422": "T", "\u03a4": "T",
               "\u0396": "Z", "\u0405": "S",
               "\U0001f10b": "0", "\U0001f10c": "0", "\U0001f17e": "O", "\u2b55": "O", "\U0001f1f4": "O"}
_FLAG = re.compile("[\U0001f1e6-\U0001f1ff]{2}")
_KEYCAP_MARK = "\u20e3"
_KEYCAP_BASES = "0123456789#*"
# Words spelled out between groups of digits in place of punctuation ("312 dash 555 dot 0147").
_SEPARATOR_WORDS = {"dash", "dot", "hyphen", "space", "punto", "guion", "guión", "raya"}


@functools.lru_cache(maxsize=4096)
def fold(ch: str) -> str:
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


def visible(text: str) -> tuple[str, list[int]]:
    """Text folded character by character (`fold`), without the characters that show nothing and
    can be put inside a number or a word to break it: format characters (zero-width spaces and
    joiners, soft hyphens, direction marks), variation selectors ("🅾️" is "🅾" and U+FE0F), and a
    keycap mark that encloses no digit ("5💋️💋⃣"); with the index in text of each character kept."""
    if text.isascii():
        return text, list(range(len(text)))
    folded = "".join(map(fold, text))
    if "\U0001f1f4" in text:  # the regional-indicator O in a flag ("🇳🇴") is part of the flag
        for m in _FLAG.finditer(text):
            folded = folded[:m.start()] + m.group(0) + folded[m.end():]
    if not any(map(_invisible, text)):
        return folded, list(range(len(text)))
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if _invisible(ch):
            if ch != _KEYCAP_MARK or not out or out[-1] not in _KEYCAP_BASES:
                continue
        out.append(folded[i])
        origin.append(i)
    return "".join(out), origin


@functools.lru_cache(maxsize=4096)
def _invisible(ch: str) -> bool:
    if ch.isascii():
        return False
    return unicodedata.category(ch) == "Cf" or "\ufe00" <= ch <= "\ufe0f" or "\U000e0100" <= ch <= "\U000e01ef" \
        or ch == _KEYCAP_MARK


def lookalikes(chars: list[str]) -> list[str]:
    """Look-alike letters as digits in tokens made only of digits and look-alikes with at least one
    digit ("3O5", "0l47"), or made only of look-alikes next to such a token ("555-OIOO"; a single
    letter or a short lower-case word needs one on both sides, S, B or Z one that is itself disguised
    or the 3-3-4 shape of a number: "9I7 SSS OI2O", "213 SSS 0149", but "I 5'5", "BOSS 300" and "lol"
    stay words). Separator words between two such tokens ("dash", "dot") become dashes."""
    tokens = _tokens(chars)

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
    _read_shaped_runs(out)
    return out


def _tokens(chars: list[str]) -> list[tuple[int, int]]:
    """(start, end) of each run of letters and digits (and degree signs: "7°2")."""
    alnum = str.isalnum if "\u00b0" not in chars else (lambda c: c.isalnum() or c == "\u00b0")
    tokens: list[tuple[int, int]] = []
    i, n = 0, len(chars)
    while i < n:
        if alnum(chars[i]):
            j = i
            while j < n and alnum(chars[j]):
                j += 1
            tokens.append((i, j))
            i = j
        else:
            i += 1
    return tokens


def _read_shaped_runs(out: list[str]) -> None:
    """Runs of close tokens made only of digits and look-alikes of any kind that still hold a letter,
    read as digits where the run has a number's length (ten characters, or eleven after a 1) and breaks
    only where a number's groups do (3-3-4, 3-7, 6-4, or finer: "A0A-555-0lA8", "7°2 5 5 5 °1 4°",
    "B.l.B. S.S.S. O.l.T.Z"; not "305 BOSS 300"). A group made only of the rarer look-alikes is a word
    ("ATT 555-0147"), and a run with no digit at all must be in capitals (l and o aside): "ZIЗ SSS OIAZ",
    not "lol bob"."""
    text = "".join(out).replace("\u00b0", "\u00f8")
    for run in _DIGIT_LIKE_RUN.finditer(text):
        if run.end() - run.start() >= 10 and _LETTER_LIKE.search(run.group(0)) \
                and sum(c in _DIGIT_LIKE for c in run.group(0)) >= 10:
            tokens = [m.span() for m in _DIGIT_LIKE_TOKEN.finditer(text, *run.span())]
            digits = [text[s:e].isdigit() for s, e in tokens]  # groups of digits at the ends may be no part
            disguised = [k for k, plain in enumerate(digits) if not plain]  # of it: "24/7 A0A 555 øl11"
            any(_read_run(out, tokens[first:last]) for first in range(disguised[0] + 1)
                for last in range(len(tokens), disguised[-1], -1))


def _read_run(out: list[str], run: list[tuple[int, int]]) -> bool:
    chars = [c for s, e in run for c in out[s:e]]
    if not 10 <= len(chars) <= 11:
        return False
    if any(_CUP_SIZE.fullmatch("".join(out[s:e])) or (e - s > 1 and all(c in _WEAK for c in out[s:e])) for s, e in run):
        return False  # "34B", "ATT 555-0147"
    if not any(c.isdigit() for c in chars) and any(c.islower() and c not in "lo" for c in chars):
        return False
    lead = int(len(chars) == 11 and _LOOKALIKE.get(chars[0], chars[0]) == "1")
    if len(chars) - lead != 10:
        return False
    ends, total = set(), 0
    for s, e in run[:-1]:
        total += e - s
        if total > lead:
            ends.add(total - lead)
    if not ({3, 6} <= ends or ends <= {3, 6}):
        return False
    for s, e in run:
        for j in range(s, e):
            out[j] = _LOOKALIKE.get(out[j]) or _WEAK.get(out[j], out[j])
    return True

