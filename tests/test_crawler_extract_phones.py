"""Phone extraction, table-driven like the phonenumbers matcher tests. Every number is fictional (NXX-555-01XX)."""

import pytest

from crawler.extract.phones import find_phones

CASES = [
    # (text, expected E.164 numbers in order)
    ("Call 312-555-0147 now", ["+13125550147"]),
    ("call (312) 555-0147", ["+13125550147"]),
    ("312.555.0147", ["+13125550147"]),
    ("+1 312 555 0147", ["+13125550147"]),
    ("(312) five5five-0147", ["+13125550147"]),
    ("three one two five five five zero one four seven", ["+13125550147"]),
    ("THREE1TWO-FiVe5FIVE-0ONE4SEVEN", ["+13125550147"]),
    ("tres uno dos cinco cinco cinco cero uno cuatro siete", ["+13125550147"]),
    ("f1ve f1ve f1ve", []),  # too short to be a number
    ("312 555 O147", ["+13125550147"]),
    ("312-555-0l47", ["+13125550147"]),
    ("3\u20e31\u20e32\u20e3 5\ufe0f\u20e35\ufe0f\u20e35\ufe0f\u20e3 0\u20e31\u20e34\u20e37\u20e3", ["+13125550147"]),
    ("\uff13\uff11\uff12\uff15\uff15\uff15\uff10\uff11\uff14\uff17", ["+13125550147"]),  # full-width
    ("\u0663\u0661\u0662\u0665\u0665\u0665\u0660\u0661\u0664\u0667", ["+13125550147"]),  # Arabic-Indic
    ("3@1@2@5@5@5@0@1@4@7", ["+13125550147"]),
    ("3.1.2.5.5.5.0.1.4.7", ["+13125550147"]),
    ("[3][1][2] [5][5][5] [0][1][4][7]", ["+13125550147"]),
    ("*312~*555~01**47", ["+13125550147"]),
    ("312 \U0001f48b 555 \U0001f48b 0147", ["+13125550147"]),
    ("call 312 555\n0147", ["+13125550147"]),
    ("*82 312 555 0147", ["+13125550147"]),
    ("$200tel312-555-0147", ["+13125550147"]),
    ("312-555-0147 or 201-555-0100", ["+13125550147", "+12015550100"]),
    ("312-555-0147, 201-555-0100", ["+13125550147", "+12015550100"]),
    ("Someone phoned at 10 about 2 tickets", []),
    ("Ola, ocho chicas nuevas", []),
    ("Rates: 200/hr, 300 for two hours", []),
    ("Available 24/7 312 555 0147", ["+13125550147"]),   # the 7 of 24/7 is not the number's
    ("512-555-OI9o (text only)", ["+15125550190"]),
    ("txt *404~*555~01**67", ["+14045550167"]),          # **67 at the end is digits, not a *67 prefix
    ("*67 (312) 555-0147", ["+13125550147"]),
    ("", []),
]


@pytest.mark.parametrize("text, expected", CASES, ids=[c[0][:30] for c in CASES])
def test_find_phones(text, expected):
    assert [p.e164 for p in find_phones(text)] == expected


@pytest.mark.parametrize("text, raw", [
    ("Call (312) five5five-0147 today", "(312) five5five-0147"),
    ("txt 3@1@2@5@5@5@0@1@4@7!", "3@1@2@5@5@5@0@1@4@7"),
    ("call 312 555\n0147 ok", "312 555\n0147"),
])
def test_raw_text_is_the_original_span(text, raw):
    assert [p.raw for p in find_phones(text)] == [raw]


def test_region_reads_national_numbers():
    # Ofcom's range for drama: fictional.
    assert [p.e164 for p in find_phones("call 020 7946 0123", region="GB")] == ["+442079460123"]
