"""Characters in ad text as the plain digits and letters they stand for.

`fold` reads one character: digits in any script or style (Arabic-Indic, circled, dingbat,
mathematical, superscript, full-width) and full-width or look-alike letters (Greek and Cyrillic
O). `lookalikes` reads letters that stand for digits (O for 0, l for 1, S for 5) in runs of
characters, only where the tokens around them show that they are digits.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Letters that stand for digits, converted only in tokens of digits and look-alikes ("3O5", "ZI2",
# "Ol7B") or next to one ("9I7 SSS"), so words such as "Ola" or "SOS" on their own stay words.
# A pipe is a separator ("|2|1|4|"), not a 1.
_LOOKALIKE = {"o": "0", "O": "0", "l": "1", "I": "1", "S": "5", "B": "8", "Z": "2"}
_ZERO_ONE = set("oOlI")  # the usual look-alikes; S, B and Z need more evidence ("SOS", "BOSS" are words)
_CUP_SIZE = re.compile(r"(?:2[6-9]|3\d|4[0-8])(?:AA|[A-H]|[DEFG]{2,3})")  # "34B" is a bra size, not 348
# Characters with no digit value in Unicode that ads use as digits or as the letter O: Greek and
# Cyrillic O and I, the dingbat zeros (U+1F10B, U+1F10C), the O button and red circle emoji.
_HOMOGLYPHS = {"\u041e": "O", "\u043e": "o", "\u039f": "O", "\u03bf": "o", "\u0406": "I", "\u0399": "I",
               "\U0001f10b": "0", "\U0001f10c": "0", "\U0001f17e": "O", "\u2b55": "O"}
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

