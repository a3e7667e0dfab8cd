"""Social-handle extraction, table-driven. Every handle is made up."""

import pytest

from crawler.extract import extract
from crawler.extract.handles import find_handles

CASES = [
    # (text, expected (platform, handle) pairs in order)
    ("IG: jane_doe", [("instagram", "jane_doe")]),
    ("insta @Jane.Doe.", [("instagram", "jane.doe")]),
    ("instagram: janedoe22 for pics", [("instagram", "janedoe22")]),
    ("my IG is @janedoe", [("instagram", "janedoe")]),
    ("snap: kandi", [("snapchat", "kandi")]),
    ("sc: kandi_x", [("snapchat", "kandi_x")]),
    ("snapchat @Kandi", [("snapchat", "kandi")]),
    ("twitter/x @bella", [("twitter", "bella")]),
    ("X: bella", [("twitter", "bella")]),
    ("telegram: @mia_t", [("telegram", "mia_t")]),
    ("tg: mia_t", [("telegram", "mia_t")]),
    ("t.me/mia_t", [("telegram", "mia_t")]),
    ("onlyfans.com/lexi", [("onlyfans", "lexi")]),
    ("see https://www.onlyfans.com/Lexi?ref=1", [("onlyfans", "lexi")]),
    ("OF: lexi", [("onlyfans", "lexi")]),
    ("kik: rosa99", [("kik", "rosa99")]),
    ("whatsapp @rosa", [("whatsapp", "rosa")]),
    ("hello @kitty new pics", [("unknown", "kitty")]),
    ("Age 21 | IG: lola | snap: lola.x", [("instagram", "lola"), ("snapchat", "lola.x")]),
    ("IG @jane, snap @jane_x, @jane again", [("instagram", "jane"), ("snapchat", "jane_x"), ("unknown", "jane")]),
    ("email: jane.doe@mail.example.org or @janedoe", [("unknown", "janedoe")]),
    # not handles
    ("mail jane@example.com", []),
    ("IG: jane@example.com", []),
    ("write @gmail.com", []),
    ("meet @ 9pm", []),
    ("see you @9pm", []),
    ("@ the hotel", []),
    ("2x @ 200", []),
    ("the best of: everything", []),             # "of" is a word; only "OF" is OnlyFans
    ("instagram.com/p/abc123", []),              # a post, not an account
    ("whatsapp: +1 312 555 0147", []),           # a WhatsApp number is a phone
    ("WhatsApp: three1two-five5five-0147", []),
    ("snap: 312 555 0147", []),
    ("", []),
]


@pytest.mark.parametrize("text, expected", CASES, ids=[c[0][:30] for c in CASES])
def test_find_handles(text, expected):
    assert [(h.platform, h.handle) for h in find_handles(text)] == expected


@pytest.mark.parametrize("text, raw", [
    ("follow insta @Jane.Doe. now", "insta @Jane.Doe"),
    ("my IG is @janedoe", "IG is @janedoe"),
    ("pics: https://onlyfans.com/Lexi?ref=1", "https://onlyfans.com/Lexi"),
    ("hello @kitty", "@kitty"),
])
def test_raw_is_the_original_span(text, raw):
    assert [h.raw for h in find_handles(text)] == [raw]


def test_extract_has_handles_after_emails():
    result = extract("New in town", "IG: lola_x, mail lola@example.com, call 312-555-0147")
    assert list(result)[:3] == ["phones", "emails", "handles"]
    assert result["handles"] == [{"platform": "instagram", "handle": "lola_x", "raw": "IG: lola_x"}]
    assert [p["e164"] for p in result["phones"]] == ["+13125550147"]
