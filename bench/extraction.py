"""Phone extraction accuracy on a labelled set of disguised numbers: precision and recall.

    .venv/bin/python bench/extraction.py [--cases 400] [--seed 7] [--show-misses]
    .venv/bin/python bench/extraction.py --file bench/data/phones_independent.jsonl

The set is generated here, deterministically, from the obfuscation checklist in
../shared/data/ads/README.md: every disguise seen in real ads (separators between
every digit, brackets, number words in English and Spanish in any case, leet
letters, look-alike letters, keycap and full-width digits, line breaks, *82
prefixes, numbers glued to other words, two numbers in one line) applied to
fictional numbers (NXX-555-0100..0199), plus ad-like lines with no phone number
(rates, sizes, dates, ids) to measure false positives. The last line printed is
one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
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
]


def fictional(rng: random.Random) -> str:
    area = rng.choice([201, 212, 213, 305, 312, 347, 404, 415, 469, 512, 602, 617, 702, 713, 718, 786, 818, 917])
    return f"{area}555{rng.randint(100, 199):04d}"


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
    raise ValueError(kind)


KINDS = ["plain", "words_mixed", "words_all", "spanish", "lookalike", "separators", "brackets", "keycap",
         "fullwidth", "linebreak", "caller_id", "glued", "padded"]


def cases(n: int, seed: int) -> list[tuple[str, list[str], str]]:
    """(text, expected E.164 numbers, kind) — n positives and a tenth as many negatives."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        d = fictional(rng)
        text = rng.choice(CONTEXTS).format(disguise(d, kind, rng))
        expected = ["+1" + d]
        if rng.random() < 0.1:  # two numbers in one ad
            d2 = fictional(rng)
            if d2 != d:
                text += f" or {disguise(d2, 'plain', rng)}"
                expected.append("+1" + d2)
        out.append((text, expected, kind))
    for text in NEGATIVES * max(1, n // (10 * len(NEGATIVES))):
        out.append((text, [], "negative"))
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
        labelled = [(text, expected, kind, "US") for text, expected, kind in cases(args.cases, args.seed)]
    for text, expected, kind, region in labelled:
        found = [p.e164 for p in find_phones(text, region)]
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
                      "numbers": tp + fn, "true_positives": tp, "false_positives": fp, "false_negatives": fn}))


if __name__ == "__main__":
    main()
