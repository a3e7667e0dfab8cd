"""Phone extraction accuracy on a labelled set of disguised numbers: precision and recall.

    .venv/bin/python bench/extraction.py [--cases 400] [--seed 7] [--show-misses]
    .venv/bin/python bench/extraction.py --file bench/data/phones_independent.jsonl

The set is generated here, deterministically, from the obfuscation checklist in
../shared/data/ads/README.md: every disguise seen in real ads (separators between
every digit, brackets, number words in English and Spanish in any case, leet
letters, look-alike letters, keycap and full-width digits, line breaks, *82
prefixes, numbers glued to other words, two numbers in one line) and those an
independently written set added (pipes, doubled and angle brackets, circled and
other Unicode digits, S/B/Z look-alikes, spoken slang such as "triple five" and
"forty seven", numbers glued on both sides, *82 glued to the number, spelled groups
between commas, UK numbers in words, the area code stated apart) and those two
held-out sets added (parts told in sentences, broken words, symbols for zero, odd
separators, rarer look-alikes such as A, T, g, ° and Cyrillic З, sound-alike and
misspelled number words, a URL-encoded plus) applied to
fictional numbers (NXX-555-0100..0199; UK 07700 900xxx, read in region GB), plus
ad-like lines with no phone number (rates, sizes, dates, ids) to measure false
positives. The last line printed is one JSON object, with the extraction speed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.extract.phones import find_phones  # noqa: E402

EN = "zero one two three four five six seven eight nine".split()
ES = "cero uno dos tres cuatro cinco seis siete ocho nueve".split()
LEET = {"o": "0", "i": "1", "e": "3"}
CONTEXTS = ["Call {} now", "txt {}", "{}", "New in town!! {} ask for Kim", "Incall only. {}. No blocked calls",
            "text me {} xoxo", "Available 24/7 {}", "Rates 200/hr. Call {}", "{} (text only)"]
NEGATIVES = [
    "Rates: 150hh 250hr 600 overnight", "5'6\" 120lbs 34C", "Born 1999, visiting until 11/30",
    "Zip 60601, room 1204", "Order #20241123 confirmed", "available 24/7 from 10 to 11",
    "Sizes 34 28 36", "Specials 100 for 30 min", "Call me!", "Age 21, 5 ft 4",
    "Only $120, last 2 days", "Two girls, three locations", "one of a kind, five stars",
    "Open 9am-11pm, Mon-Sat", "Ad id 7743219 posted 2026-11-01", "Ten reviews, 4.9 rating",
    "Room 12, floor 3, door 405", "I am 25 and 160 cm", "Promo code 555 for new clients",
    "Cinco de mayo special, dos horas",
    "Posted 2024-05-01 10:15, expires 2024-05-31 23:59", "Posted 2024-05-01 10 am",
    "Since 2019 120,000 miles, 1,450 sq ft, $1,850/mo", "Stats 34B-24-36, 90-60-90, 5'2\" 105lbs",
    "suite 305 BOSS 300 incall", "Since 2019 lol one hundred roses", "I 5'5 110 lbs 32DD",
    "Order #20255501 thirty minutes", "twenty two years young, five foot six, one hundred twenty pounds",
    "double session, triple the fun, ten girls", "Tengo veinticinco años, cincuenta kilos, mil gracias",
    "meet @ 9pm, 100% real, 3 girls (one blonde, two brunettes)", "Open from zero six hundred to twenty-two hundred",
    "text 212 555 014, one of a kind", "Room 1204 60 100% doce",
    # lines that look like the parts of a number, lists and coordinates
    "My number ends in 0147, ask the site for the rest", "I'm in 702 this week, 212 next week, 305 after that",
    "Suite 210, 312 Main St, open till 1000, first come first served", "Outcall to 33140, 33141, 33154",
    "Coordinates 40.7128, -74.0060", "roses 250, 400, 1000 overnight", "box 3 x 4 x 5 x 6 cm",
    "high fives, three fives at poker", "$$$ 150 HH $$$ 250 H $$$", "on e-mail only, it's even better",
    # look-alikes in units and words, sound-alikes in English, star ratings, rate tables and lists
    "Apt 4A, 5g signal, 75\u00b0 and sunny", "ATT 555-0147 is not a number", "two for one, we won one for free",
    "I ate one too many, four for five bucks, nil by mouth", "Reviews: 5 \u2b50 (312), 4 \u2b50 (555), 3 \u2b50 (14)",
    "Rates:\n 30 = 150\n 60 = 250\n 120 = 450", "QV 100 / HH 160 / H 250 \u2014 ask", "roses 150 / 200 / 300 / 500",
]
NEGATIVES_GB = ["ring 020 7946 012 (one digit missing)", "Rates £120 30min, £180 1hr, age 26, dress size 10",
                "Flat 20, 7946 visitors this month, open 9-5", "oh seven seven, nine hundred quid"]


def fictional(rng: random.Random) -> str:
    area = rng.choice([201, 212, 213, 305, 312, 347, 404, 415, 469, 512, 602, 617, 702, 713, 718, 786, 818, 917])
    return f"{area}555{rng.randint(100, 199):04d}"


def fictional_uk(rng: random.Random) -> str:
    """A national UK mobile number in Ofcom's drama range: 07700 900000..900999."""
    return f"07700900{rng.randint(0, 999):03d}"


TENS = {"2": "twenty", "3": "thirty", "4": "forty", "5": "fifty", "6": "sixty", "7": "seventy", "8": "eighty",
        "9": "ninety"}
# 0..9 in other scripts and styles: circled, negative circled and dingbat digits, mathematical
# bold and sans-serif bold, Devanagari, Bengali, Thai, superscript.
UNICODE_DIGITS = [
    "\u24ea" + "".join(chr(0x2460 + k) for k in range(9)),
    "\u24ff" + "".join(chr(0x2776 + k) for k in range(9)),
    "\u24ff" + "".join(chr(0x278A + k) for k in range(9)),
    *("".join(chr(base + k) for k in range(10)) for base in (0x1D7CE, 0x1D7EC, 0x0966, 0x09E6, 0x0E50)),
    "\u2070\u00b9\u00b2\u00b3" + "".join(chr(0x2074 + k) for k in range(6)),
]


def spoken(group: str, rng: random.Random, words=EN) -> str:
    """A group of digits as people say it: "triple five", "double oh", "forty seven", "oh one hundred"."""
    out = []
    i = 0
    while i < len(group):
        rest = group[i:]
        run = len(rest) - len(rest.lstrip(rest[0]))
        zero = rng.choice(["oh", "zero", "o"])
        name = (lambda x: zero if x == "0" else words[int(x)])
        if rest.endswith("00") and len(rest) == 3 and rest[0] != "0" and rng.random() < 0.7:
            out.append(f"{name(rest[0])} hundred")
            break
        if run >= 3 and rng.random() < 0.8:
            out.append(f"triple {name(rest[0])}")
            i += 3
        elif run == 2 and rng.random() < 0.8:
            out.append(f"double {name(rest[0])}")
            i += 2
        elif len(rest) == 2 and rest[0] in TENS and rng.random() < 0.7:
            out.append(TENS[rest[0]] + ("" if rest[1] == "0" else rng.choice([" ", "-", ""]) + words[int(rest[1])]))
            i += 2
        else:
            out.append(name(rest[0]))
            i += 1
    return " ".join(out)


def word(digit: str, rng: random.Random, words=EN) -> str:
    w = words[int(digit)]
    style = rng.choice(["lower", "upper", "title", "random", "leet"])
    if style == "upper":
        return w.upper()
    if style == "title":
        return w.title()
    if style == "random":
        return "".join(c.upper() if rng.random() < 0.5 else c for c in w)
    if style == "leet":
        return "".join(LEET.get(c, c) if rng.random() < 0.5 else c for c in w)
    return w


def disguise(d: str, kind: str, rng: random.Random) -> str:
    a, b, c = d[:3], d[3:6], d[6:]
    if kind == "plain":
        return rng.choice([f"({a}) {b}-{c}", f"{a}.{b}.{c}", f"{a} {b} {c}", d, f"+1 {a} {b} {c}", f"1-{a}-{b}-{c}"])
    if kind == "words_mixed":
        return "".join(word(x, rng) if rng.random() < 0.5 else x for x in d)
    if kind == "words_all":
        sep = rng.choice([" ", "-", ""])
        return sep.join(word(x, rng) for x in d)
    if kind == "spanish":
        return " ".join(word(x, rng, ES) if rng.random() < 0.7 else x for x in d)
    if kind == "lookalike":
        middle = "".join({"0": rng.choice("Oo"), "1": rng.choice("lI")}.get(x, x) for x in b + c)
        return f"{a}-{middle[:3]}-{middle[3:]}"
    if kind == "separators":
        return rng.choice(["@", ".", "!", "-", "*", "~", " ", " \U0001f48b "]).join(d)
    if kind == "brackets":
        return f"[{']['.join(a)}] [{']['.join(b)}] [{']['.join(c)}]"
    if kind == "keycap":
        return "".join(x + "\ufe0f\u20e3" for x in d)
    if kind == "fullwidth":
        return "".join(chr(0xFF10 + int(x)) for x in d)
    if kind == "linebreak":
        return f"{a} {b}\n{c}"
    if kind == "caller_id":
        return f"*82 {a}-{b}-{c}"
    if kind == "glued":
        return rng.choice(["tonight", "$200tel", "call", "TXT"]) + f"{a}{b}{c}"
    if kind == "padded":
        return f"*{a}~*{b}~{c[:2]}**{c[2:]}"
    if kind == "pipes":
        return rng.choice([f"|{'|'.join(d)}|", f"{a} | {b} | {c}", f"{a}|{b}|{c}", "|".join(d)])
    if kind == "double_brackets":
        return rng.choice([f"<<{a}>> <<{b}>> <<{c}>>", f"(({a})) (({b})) (({c}))", f"[[{a}]]-[[{b}]]-[[{c}]]",
                           "{{%s}} {{%s}} {{%s}}" % (a, b, c), f"~~~ {a} ~~~ {b} ~~~ {c} ~~~",
                           "((%s)) {{%s.}} ((%s))" % ("-".join(a), ".".join(b), "-".join(c))])
    if kind == "unicode_digits":
        digits = rng.choice(UNICODE_DIGITS)
        return rng.choice(["", " ", "-"]).join("".join(digits[int(x)] for x in group) for group in (a, b, c))
    if kind == "lookalike_sbz":
        swap = {"5": "S", "8": "B", "2": "Z", "0": "O", "1": "I"}
        return rng.choice(["-", ".", " "]).join(
            "".join(swap[x] if x in swap and rng.random() < 0.6 else x for x in group) for group in (a, b, c))
    if kind == "slang":
        return rng.choice([", ", " - ", " "]).join(spoken(group, rng) for group in (a, b, c))
    if kind == "glued_both":
        before = rng.choice(["callme", "KIM", "babe", "Sweet20yo", "ask4Mia"])
        after = rng.choice(["now", "xoxo", "tonite"])
        return before + d + after
    if kind == "caller_id_glued":
        return rng.choice([f"*82{d}", f"call*82-{a}-{b}-{c}", f"*67-{a}-{b}-{c}", f"*82*821{d}", f"call*67{d}"])
    if kind == "comma_words":
        words = rng.choice([EN, ES])
        return ", ".join(" ".join(word(x, rng, words) for x in group) for group in (a, b, c))
    if kind == "separator_words":
        sep = rng.choice([" dash ", " dot ", " - ", " punto "])
        return sep.join(" ".join(word(x, rng) for x in group) for group in (a, b, c))
    if kind == "area_code_apart":
        return rng.choice([f"{b}-{c}, area code {a}", f"area code {a}, then {b} {c}"])
    if kind == "parts":
        told = [rng.choice([f"area code {a}", f"begins with {a}", f"first 3: {a}", f"{spoken(a, rng)} up front"]),
                rng.choice([f"the middle is {b}", f"next 3: {b}", f"{spoken(b, rng)} in between", f"prefix {b}"]),
                rng.choice([f"last four {c}", f"ends in {c}", f"last 4: {c}", f"{'-'.join(c)} at the end"])]
        order = rng.choice([[0, 1, 2], [2, 0, 1], [1, 0, 2], [0, 1, 2]])
        return rng.choice([", ", " ... ", " / "]).join(told[k] for k in order)
    if kind == "broken_words":
        style = rng.choice(["spaced", "dotted", "hyphens", "doubled", "halves"])
        words = [EN[int(x)] for x in d]
        if style == "halves":
            return " ".join(w[:len(w) // 2] + rng.choice(" -*") + w[len(w) // 2:] if len(w) > 3 else w for w in words)
        if style == "doubled":
            return " ".join("".join(ch * 2 for ch in w) for w in words)
        sep = {"spaced": " ", "dotted": ".", "hyphens": "-"}[style]
        return "  ".join(sep.join(w) for w in words)
    if kind == "symbols":
        zero = rng.choice(["\u2b55", "\U0001f17e\ufe0f", "\U0001f10b", "O"])
        return " ".join(group.replace("0", zero) for group in (a, b, c))
    if kind == "odd_separators":
        sep = rng.choice([" x ", " /*/ ", " $$ ", "\u200b"])
        return rng.choice([sep.join(d), sep.join((a, b, c)) if sep != " x " else sep.join(d)])
    if kind == "lookalike_rare":  # letters that are digits only in a number's shape; each group keeps a digit
        swap = {"4": "A", "7": "T", "9": rng.choice("gq"), "6": "b", "3": rng.choice("\u0417\u0190"),
                "0": rng.choice(["\u00f8", "\u00b0", "O"]), "1": "l"}
        groups = []
        for group in (a, b, c):
            keep = rng.randrange(len(group))
            groups.append("".join(swap[x] if x in swap and k != keep and rng.random() < 0.6 else x
                                  for k, x in enumerate(group)))
        return rng.choice(["-", " ", "."]).join(groups)
    if kind == "sound_alikes":  # "too won for fiev ...": at most three homophones, the rest words or misspellings
        sounds = {"0": "nil", "1": "won", "2": "too", "4": "for", "8": "ate"}
        misspelled = {"0": "zeero", "1": "wun", "5": "fiev", "6": "sicks", "7": "sevin", "9": "nyne"}
        told = []
        for x in d:
            if x in sounds and sum(w in sounds.values() for w in told) < 3 and rng.random() < 0.6:
                told.append(sounds[x])
            else:
                told.append(misspelled[x] if x in misspelled and rng.random() < 0.3 else EN[int(x)])
        return rng.choice([" ", " / ", ", "]).join(" ".join(told[i:j]) for i, j in ((0, 3), (3, 6), (6, 10)))
    if kind == "url_plus":
        return rng.choice([f"wa.me/%2B1{d}", f"https://api.whatsapp.com/send?phone=%2b1{d}"])
    if kind == "uk_words":  # d is a national UK number here: 07700 900xxx
        return rng.choice([", ", " ", " - "]).join(spoken(group, rng) for group in (d[:5], d[5:8], d[8:]))
    if kind == "uk_disguised":
        return rng.choice([d[:5].replace("0", "O") + " " + d[5:].replace("0", "O"), f"{d[:5]}-{d[5:8]}-{d[8:]}",
                           "txt" + d + "xx", f"+44 (0) {d[1:5]} {d[5:8]} {d[8:]}",
                           " ".join(d[:5]) + " | " + " ".join(d[5:])])
    raise ValueError(kind)


KINDS = ["plain", "words_mixed", "words_all", "spanish", "lookalike", "separators", "brackets", "keycap",
         "fullwidth", "linebreak", "caller_id", "glued", "padded",
         "pipes", "double_brackets", "unicode_digits", "lookalike_sbz", "slang", "glued_both", "caller_id_glued",
         "comma_words", "separator_words", "area_code_apart", "uk_words", "uk_disguised",
         "parts", "broken_words", "symbols", "odd_separators", "lookalike_rare", "sound_alikes", "url_plus"]
UK_KINDS = {"uk_words", "uk_disguised"}


def cases(n: int, seed: int) -> list[tuple[str, list[str], str, str]]:
    """(text, expected E.164 numbers, kind, region) — n positives and about a tenth as many negatives."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        if kind in UK_KINDS:
            d = fictional_uk(rng)
            out.append((rng.choice(CONTEXTS).format(disguise(d, kind, rng)), ["+44" + d[1:]], kind, "GB"))
            continue
        d = fictional(rng)
        text = rng.choice(CONTEXTS).format(disguise(d, kind, rng))
        expected = ["+1" + d]
        if rng.random() < 0.1:  # two numbers in one ad
            d2 = fictional(rng)
            if d2 != d:
                text += f" or {disguise(d2, 'plain', rng)}"
                expected.append("+1" + d2)
        out.append((text, expected, kind, "US"))
    copies = max(1, n // (10 * (len(NEGATIVES) + len(NEGATIVES_GB))))
    out.extend((text, [], "negative", "US") for text in NEGATIVES * copies)
    out.extend((text, [], "negative", "GB") for text in NEGATIVES_GB * copies)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--file", type=Path, help="a labelled JSON Lines set of {text, region, expected, note} "
                                                  "to score instead of the generated one")
    args = parser.parse_args()

    tp = fp = fn = 0
    by_kind: dict[str, list[int]] = {}
    if args.file:
        rows = [json.loads(line) for line in args.file.read_text().splitlines() if line.strip()]
        labelled = [(r["text"], r["expected"], r.get("note", "") if r["expected"] else "negative", r.get("region", "US"))
                    for r in rows]
    else:
        labelled = cases(args.cases, args.seed)
    seconds = float("inf")
    for _ in range(3):  # the fastest of three runs: the machine may be busy with other work
        started = time.perf_counter()
        results = [[p.e164 for p in find_phones(text, region)] for text, _, _, region in labelled]
        seconds = min(seconds, time.perf_counter() - started)
    for (text, expected, kind, region), found in zip(labelled, results):
        hits = len(set(found) & set(expected))
        tp, fp, fn = tp + hits, fp + len(set(found) - set(expected)), fn + len(set(expected) - set(found))
        stats = by_kind.setdefault(kind, [0, 0])
        stats[0] += 1
        stats[1] += set(found) == set(expected)
        if args.show_misses and set(found) != set(expected):
            print(f"{kind:12} expected {expected} found {found}: {text!r}")
    for kind, (total, right) in sorted(by_kind.items()):
        if not args.file:
            print(f"{kind:12} {right}/{total} exactly right")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(json.dumps({"precision": round(precision, 4), "recall": round(recall, 4), "items": len(labelled),
                      "numbers": tp + fn, "true_positives": tp, "false_positives": fp, "false_negatives": fn,
                      "items_per_second": round(len(labelled) / seconds) if seconds else None}))


if __name__ == "__main__":
    main()
