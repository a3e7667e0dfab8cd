"""Number words in ad text as the digits they stand for: "five", "f1ve", "cinco", "forty seven",
"triple five", "oh one hundred", glued together ("fivefivefive", "5five5") or standing alone.

`number_words(text)` finds them and says which digits each stands for; the caller rewrites the
text. Words are only taken where they stand alone or touch digits or other number words, so
"someone" and "john" keep their "one" and "oh". `broken_words(text)` says which characters to
drop first so that words written broken up read as words ("t h r e e", "ffiivvee", "sev-en").
"""

from __future__ import annotations

import re

# Number words in English, Spanish and French, by kind: a digit, a fixed number of more digits
# ("twelve", "cien"), the tens of a compound ("twenty" six, "cincuenta y" cinco, "soixante-" cinq),
# a scale ("hundred": so many zeros, or none before tens: "five hundred fifty-five" is 555), the
# Spanish hundreds ("quinientos" cincuenta y cinco), a repeat ("triple" five), a plural counted by
# the word before ("three fives") and a shortened digit ("thr", "fiv", "sev"). Letters that ads
# swap for digits or signs (f1ve, tw0, z3ro, ei8ht, tvv0, $ix, fiv€, ƒour) and accents are allowed.
_DIGITS = {
    "zero": "0", "oh": "0", "nought": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9", "niner": "9",
    "cero": "0", "uno": "1", "dos": "2", "tres": "3", "cuatro": "4", "cinco": "5", "seis": "6",
    "siete": "7", "ocho": "8", "nueve": "9",
    # French: "zéro" is "zero" with an accent; "six" is spelled as in English.
    "un": "1", "deux": "2", "trois": "3", "quatre": "4", "cinq": "5", "sept": "7", "huit": "8", "neuf": "9",
}
_TEENS = {
    "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14", "fifteen": "15",
    "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19",
    # Spanish "once" (11) is left out: in English text it is "once".
    "diez": "10", "doce": "12", "trece": "13", "catorce": "14", "quince": "15", "dieciseis": "16",
    "diecisiete": "17", "dieciocho": "18", "diecinueve": "19", "cien": "100",
    "dix": "10", "onze": "11", "douze": "12", "treize": "13", "quatorze": "14", "quinze": "15", "seize": "16",
    "dix-sept": "17", "dix-huit": "18", "dix-neuf": "19",
}
_TENS = {
    "twenty": "2", "thirty": "3", "forty": "4", "fourty": "4", "fifty": "5", "sixty": "6", "seventy": "7",
    "eighty": "8", "ninety": "9",
    "veinte": "2", "veinti": "2", "treinta": "3", "cuarenta": "4", "cincuenta": "5", "sesenta": "6",
    "setenta": "7", "ochenta": "8", "noventa": "9",
    "vingt": "2", "trente": "3", "quarante": "4", "cinquante": "5", "soixante": "6",
    "quatre-vingt": "8", "quatre-vingts": "8",
}
# French counts by twenties past sixty: "soixante et onze" is 71, "quatre-vingt-dix-sept" 97.
_BY_TWENTIES = {"soixante", "quatre-vingt", "quatre-vingts"}
_SCALES = {"hundred": 2, "thousand": 3, "mil": 3}
_HUNDREDS = {
    "ciento": "1", "doscientos": "2", "trescientos": "3", "cuatrocientos": "4", "quinientos": "5",
    "seiscientos": "6", "setecientos": "7", "ochocientos": "8", "novecientos": "9",
    "doscientas": "2", "trescientas": "3", "cuatrocientas": "4", "quinientas": "5", "seiscientas": "6",
    "setecientas": "7", "ochocientas": "8", "novecientas": "9",
}
_REPEATS = {"double": 2, "triple": 3, "treble": 3, "tripple": 3, "quadruple": 4, "doble": 2}
_PLURALS = {"zeros": "0", "zeroes": "0", "ones": "1", "twos": "2", "threes": "3", "fours": "4", "fives": "5",
            "sixes": "6", "sevens": "7", "eights": "8", "nines": "9"}
# Digits cut short or misspelled ("thr 1 tw", "fiv fiv fiv", "fiev", "zeero", "wun", "sicks"): only as
# whole words next to another number.
_SHORT = {"zer": "0", "tw": "2", "thr": "3", "thre": "3", "fou": "4", "fiv": "5", "sev": "7", "sevn": "7",
          "eigh": "8", "nin": "9",
          "zeero": "0", "zeroh": "0", "wun": "1", "fiev": "5", "fyve": "5", "sicks": "6", "siks": "6", "sevin": "7",
          "sevan": "7", "nien": "9", "nyne": "9"}
_LONE = {"o": "0"}  # "four o four": a zero only next to another number (Spanish "o" is "or")
# Words that sound like digits and are ordinary words too ("for", "too", "won", "ate", "nil"): digits only
# among enough other number words to make a number (see `_sound_alikes`); spelled as they are, no leet
# ("473" is not "ate").
_SOUND_ALIKES = {"nil": "0", "won": "1", "too": "2", "for": "4", "ate": "8"}
_KINDS = [(_DIGITS, "digit"), (_TEENS, "teen"), (_TENS, "tens"), (_SCALES, "scale"), (_HUNDREDS, "hundreds"),
          (_REPEATS, "repeat"), (_PLURALS, "plural"), (_SHORT, "short"), (_LONE, "lone"), (_SOUND_ALIKES, "sound")]
_LEET = {"o": "[o0ó]", "i": "[i1!l|í]", "e": "[e3é€]", "s": "[s5$]", "a": "[a4@á]", "t": "[t7]", "z": "[z2]",
         "u": "[uú]", "w": "(?:w|vv)", "f": "[fƒ]", "g": "[g8]", "-": r"[\s\-]?"}


def _word_tokens(word: str) -> list[str]:
    """The pattern of each letter of word, with the look-alikes allowed for it."""
    if word == "o" or word in _SOUND_ALIKES:
        return list(word)  # a lone "o" is itself the look-alike: "0" is a digit already
    if word in _PLURALS:
        return _word_tokens(word[:-1]) + [r"s(?![^\W_])"]  # "five5" is not "fives", "twoseven" not "twos"
    return [_LEET.get(ch, re.escape(ch)) for ch in word]


def _word_pattern(word: str) -> str:
    return "".join(_word_tokens(word))


def _trie_pattern(words: list[list[str]], tags: list[str] | None = None) -> str:
    """One pattern for any of words (each a list of letter patterns), as a tree of shared beginnings,
    "f(?:i(?:ve|fty)|our)": Python tries the branches of an alternation one by one, so this is many
    times faster than "five|fifty|four". Longer words are tried first, as in a longest-first alternation.
    With tags, each word ends in an empty group of that name, so a match's `lastgroup` names the word."""
    trie: dict = {}
    for k, tokens in enumerate(words):
        node = trie
        for token in tokens:
            node = node.setdefault(token, {})
        node.setdefault("", tags[k] if tags else "")

    def depth(node: dict) -> int:
        return max((1 + depth(child) for token, child in node.items() if token), default=0)

    def render(node: dict) -> str:
        branches = sorted(((token, child) for token, child in node.items() if token), key=lambda b: -depth(b[1]))
        alternatives = [token + render(child) for token, child in branches]
        if "" in node and tags:
            alternatives.append(f"(?P<{node['']}>)")
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        return f"(?:{body})?" if "" in node and not tags else body

    return render(trie)


# Longest words first, so "seventeen" wins over "seven" and "cuatro" over "tres".
_ALL_WORDS = sorted(((w, kind, value) for table, kind in _KINDS for w, value in table.items()),
                    key=lambda t: len(t[0]), reverse=True)
_WORD_RE = re.compile(_trie_pattern([_word_tokens(w) for w, _, _ in _ALL_WORDS],
                                    [f"w{n}" for n in range(len(_ALL_WORDS))]), re.IGNORECASE)
# Runs of number words that start after a non-letter: a quick first pass, so the long
# alternation is only tried where a word can start.
_WORD_RUN_RE = re.compile(r"(?<![^\W\d_])(?:" + _trie_pattern([_word_tokens(w) for w, _, _ in _ALL_WORDS]) + ")+",
                          re.IGNORECASE)
_WORD_BY_GROUP = {f"w{n}": (kind, value) for n, (_, kind, value) in enumerate(_ALL_WORDS)}
# "twenty six", "twenty-six", "cincuenta y cinco", "soixante et onze"
_WORD_GAP = re.compile(r"[\s\-]{0,3}|\s+(?:y|et)\s+", re.IGNORECASE)
# "5x3" is 555 (a digit and how many times), but not inside "6 x 7 x 8 x 5 ...", where x is a separator.
_TIMES = re.compile(r"(?<![\w×])(?<![xX×]\s)(\d)\s?[xX×]\s?([2-4])(?![\w×])(?!\s[xX×])")
# "the middle 3 are all fives", "last four are all zeros": the count of digits in a part's label, all alike.
_COUNTS = {"3": 3, "three": 3, "4": 4, "four": 4}
_ALL_SAME = re.compile(r"\b(?:first|next|last|middle|final|other)\s+(?P<count>3|three|4|four)\s+(?:digits?\s+)?"
                       r"(?:are|is|=|:)?\s*(?P<all>all)\s+(?:the\s+)?(?P<plural>" + "|".join(_PLURALS) + r")\b",
                       re.IGNORECASE)
# Between the words and digits of one number: spaces and a little punctuation ("for oh for / five five five"),
# but not a slash between digits ("24/7").
_RUN_GAP = re.compile(r"(?:[\s,.\-|~*:]|(?<=\s)/(?=\s)){0,4}")
# Number words written broken up, mended before they are read: letter by letter ("t h r e e",
# "f.o.u.r", "n-i-n-e"), with doubled letters ("ffiivvee") and cut in two ("EI GHT", "sev-en", "tw*o").
_SPACED = re.compile(r"(?<![^\W\d_])[^\W\d_](?P<sep>[ .\-*_])[^\W\d_](?:(?P=sep)[^\W\d_])+(?![^\W\d_])")
_DOUBLED = re.compile(r"(?<![^\W\d_])(?:([^\W\d_])\1){2,}(?![^\W\d_])")
_ONLY_WORDS = re.compile("(?:" + _trie_pattern([_word_tokens(w) for w, kind, _ in _ALL_WORDS if kind != "lone"]) + ")+",
                         re.IGNORECASE)
_WHOLE = [_word_tokens(w) for w, kind, _ in _ALL_WORDS if kind in ("digit", "teen", "tens")]
_ONE_WORD = re.compile(_trie_pattern(_WHOLE), re.IGNORECASE)
_HALF_SEPARATORS = " .-*_"
# A number word with a space, dot, dash, star or underscore somewhere inside: "EI GHT", "sev-en", "tw*o".
_HALVES = re.compile(r"(?<![^\W\d_'’])(?:" + _trie_pattern(
    [w[:k] + [r"[ .\-*_]"] + w[k:] for w in _WHOLE for k in range(1, len(w))]) + r")(?![^\W\d_])", re.IGNORECASE)


def broken_words(text: str) -> list[int]:
    """Where number words are broken up ("t h r e e", "f.o.u.r", "ffiivvee", "EI GHT", "sev-en",
    "tw*o"): the positions of the characters to drop so that they read as words. Only where what is
    left is made of number words, and the halves of a word cut in two are not words themselves."""
    drop: list[int] = []
    for m in _SPACED.finditer(text):
        letters = m.group(0)[::2]
        if len(letters) >= 3 and _ONLY_WORDS.fullmatch(letters):
            drop.extend(range(m.start() + 1, m.end(), 2))
    for m in _DOUBLED.finditer(text):
        if _ONLY_WORDS.fullmatch(m.group(0)[::2]):
            drop.extend(range(m.start() + 1, m.end(), 2))
    if any(sep in text for sep in _HALF_SEPARATORS):
        for m in _HALVES.finditer(text):
            if not any(ch.isalpha() for ch in m.group(0)):
                continue  # digits alone: "531-5" is a number, not "seis" cut in two
            cut = next(k for k, ch in enumerate(m.group(0)) if ch in _HALF_SEPARATORS)
            first, second = m.group(0)[:cut], m.group(0)[cut + 1:]
            if not _ONE_WORD.fullmatch(first) and not _ONE_WORD.fullmatch(second):
                drop.append(m.start() + cut)
    return sorted(set(drop))


def number_words(text: str) -> dict[int, tuple[int, str]]:
    """Number words that stand alone or touch digits or other number words (so "fivefive" and
    "5five5" count, but the "one" in "someone" and the "oh" in "john" do not), keyed by start,
    each with its end and the digits it stands for; a word may take the words after it ("soixante et
    onze", "three fives"), whose starts are then passed over."""
    # A word written in digits alone is digits: "5315550160" holds "seis" and "0170" "oito" in leet.
    candidates = [(m.start(), m.end(), *_WORD_BY_GROUP[m.lastgroup]) for run in _WORD_RUN_RE.finditer(text)
                  for m in _WORD_RE.finditer(text, run.start(), run.end())
                  if not text[m.start():m.end()].isdigit()]
    starts = {c[0] for c in candidates if c[2] != "lone"}  # a lone "o" glues to nothing: "51xoxo" ...
    ends = {c[1] for c in candidates if c[2] != "lone"}
    bridges = [c for c in candidates if c[2] == "lone" and c[0] in ends and c[1] in starts]
    starts.update(c[0] for c in bridges)  # ... but between two number words: "FourOFour"
    ends.update(c[1] for c in bridges)
    words = [c for c in candidates
             if (c[0] == 0 or not text[c[0] - 1].isalpha() or c[0] in ends)
             and (c[1] == len(text) or not text[c[1]].isalpha() or c[1] in starts)]
    # A word cut short or sounding like a digit stands alone; "0h" glued to digits is an hour: "240h".
    words = [w for w in words if (w[2] not in ("short", "sound") or _alone(text, w[0], w[1]))
             and not (text[w[0]] == "0" and w[1] - w[0] == 2 and w[0] and text[w[0] - 1].isdigit())]
    accepted: dict[int, tuple[int, str]] = {}
    for k, (start, end, kind, value) in enumerate(words):
        nxt = words[k + 1] if k + 1 < len(words) and _WORD_GAP.fullmatch(text, end, words[k + 1][0]) \
            and words[k + 1][2] != "sound" else None
        prev = words[k - 1] if k and words[k - 1][0] in accepted and _WORD_GAP.fullmatch(text, words[k - 1][1], start) \
            else None
        next_digit = nxt[3] if nxt and nxt[2] in ("digit", "lone", "short") else _digit_after(text, end)
        if kind == "digit" and nxt and nxt[2] == "plural" and value in "234":
            accepted[start] = (nxt[1], nxt[3] * int(value))  # "three fives" is 555
        elif kind in ("digit", "teen"):
            accepted[start] = (end, value)
        elif kind == "short":
            if prev or nxt or _digit_before(text, start) or _digit_after(text, end) is not None:
                accepted[start] = (end, value)
        elif kind == "lone":
            # "3O5" is left to the look-alikes, which know whether the digits around it make a number.
            if _glued_to_digit(text, start, end):
                continue
            if prev or nxt or _digit_before(text, start) or _digit_after(text, end) is not None:
                accepted[start] = (end, value)
        elif kind == "tens":
            if nxt and nxt[2] == "teen" and len(nxt[3]) == 2 and _fold_word(text[start:end]) in _BY_TWENTIES:
                accepted[start] = (nxt[1], str(int(value) + 1) + nxt[3][1])  # "soixante et onze" is 71
            elif next_digit not in (None, "0"):
                # "twenty six" is 26: the tens word gives one digit and takes the gap up to the unit.
                accepted[start] = (nxt[0] if nxt else _skip_gap(text, end), value)
            else:
                accepted[start] = (end, value + "0")
        elif kind == "hundreds":
            # "quinientos cincuenta y cinco" is 555, "ciento uno" 101, "quinientos" 500.
            if nxt and nxt[2] in ("tens", "teen"):
                accepted[start] = (nxt[0], value)
            else:
                accepted[start] = (nxt[0] if nxt and nxt[2] == "digit" else end, value + ("0" if next_digit else "00"))
        elif kind == "scale":
            # Only after a number: "oh one hundred" is 0100, "eight hundred" 800, "2th0usand" 2000.
            # Numbers are read out in groups, so "hundred" is two zeros, unless tens follow:
            # "five hundred fifty-five" is 555.
            if prev or _digit_before(text, start):
                if value == 2 and nxt and nxt[2] in ("tens", "teen"):
                    accepted[start] = (nxt[0], "")
                else:
                    accepted[start] = (end, "0" * value)
        elif kind == "repeat" and next_digit is not None:
            # "triple five" is 555: the repeat word gives the extra copies.
            accepted[start] = (end, next_digit * (value - 1))
    for m in _TIMES.finditer(text):
        accepted[m.start()] = (m.end(), m.group(1) * int(m.group(2)))
    if "all" in text or "ALL" in text or "All" in text:
        for m in _ALL_SAME.finditer(text):  # "the middle 3 are all fives" is 555
            digit, count = _PLURALS[m.group("plural").lower()], _COUNTS[m.group("count").lower()]
            accepted[m.start("all")] = (m.end(), digit * count)
    sounds = [w for w in words if w[2] == "sound"]
    if sounds:
        short = [w for w in words if w[2] == "short" and w[0] not in accepted]  # "sicks won ..."
        accepted.update(_sound_alikes(text, sounds, short, accepted))
    return accepted


def _sound_alikes(text: str, sounds: list[tuple[int, int, str, str]], short: list[tuple[int, int, str, str]],
                  accepted: dict[int, tuple[int, str]]) -> dict[int, tuple[int, str]]:
    """Words that sound like digits ("too won for", "oh won five ate", "six nil") as digits, where they
    stand in a run of number words and digits with short gaps between that has a number's worth of
    digits (ten or eleven, groups of digits at its ends left out if need be: "24/7 three won too ..."),
    more of them told plainly than by sound, and each next to another word ("123-456-7890 for info" is
    no number): "for two nights", "won one for free" and "one for one, two for two, ..." stay words.
    Words cut short or misspelled next to them ("sicks won") are taken with them."""
    items = [(start, end, len(value), "word", value) for start, (end, value) in accepted.items()]
    covered = [(start, end) for start, end, _, _, _ in items]
    items += [(m.start(), m.end(), len(m.group(0)), "digits", "") for m in re.finditer(r"\d+", text)
              if not any(s <= m.start() < e for s, e in covered)]
    items += [(start, end, 0, "sound", value) for start, end, _, value in sounds]
    items += [(start, end, 1, "short", value) for start, end, _, value in short]
    items.sort()
    runs: list[list[tuple[int, int, int, str, str]]] = []
    for item in items:
        if runs and runs[-1][-1][1] <= item[0] and _RUN_GAP.fullmatch(text, runs[-1][-1][1], item[0]):
            runs[-1].append(item)
        else:
            runs.append([item])
    found: dict[int, tuple[int, str]] = {}
    for run in runs:
        kinds = [kind for _, _, _, kind, _ in run]
        if "sound" not in kinds or not all(any(kinds[j] != "digits" for j in (k - 1, k + 1) if 0 <= j < len(kinds))
                                           for k, kind in enumerate(kinds) if kind == "sound"):
            continue
        words = [k for k, kind in enumerate(kinds) if kind != "digits"]
        if any(_number_worth(run[first:last + 1]) for first in range(words[0] + 1)
               for last in range(words[-1], len(run))):
            found.update((start, (end, value)) for start, end, _, kind, value in run if kind in ("sound", "short"))
    return found


def _number_worth(run: list[tuple[int, int, int, str, str]]) -> bool:
    plain = sum(count for _, _, count, _, _ in run)
    by_sound = sum(kind == "sound" for _, _, _, kind, _ in run)
    return plain + by_sound in (10, 11) and plain > by_sound


def _glued_to_digit(text: str, start: int, end: int) -> bool:
    return (start > 0 and text[start - 1].isdigit()) or (end < len(text) and text[end].isdigit())


def _alone(text: str, start: int, end: int) -> bool:
    return (start == 0 or not text[start - 1].isalpha()) and (end == len(text) or not text[end].isalpha())


def _fold_word(word: str) -> str:
    return re.sub(r"[\s\-]+", "-", word.lower())


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

