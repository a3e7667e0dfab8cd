"""Reference numbers and asides, table-driven: what `reference_spans` sets aside as a reference, what
`aside_ends` takes for an aside and which digits `asides_allow` lets one number have around asides.
Phones in the text are fictional (NXX-555-01XX); references may use any digits."""

import pytest

from crawler.extract.asides import aside_ends, asides_allow
from crawler.extract.references import reference_spans


@pytest.mark.parametrize("text, references", [
    ("Ref #2023112518", ["2023112518"]),
    ("Ref No.: 2023112518", ["2023112518"]),
    ("Order number is 3105550188 thanks", ["3105550188"]),
    ("Invoice 2025-0112-3344", ["2025-0112-3344"]),
    ("Item #A-31255-50147 new", ["A-31255-50147"]),
    ("Tracking number 1Z 999 AA1 01 2345 6784", ["1Z 999 AA1 01 2345 6784"]),
    ("Ref: 202 311 2518", ["202 311 2518"]),
    ("Ref #88. Call 213-555-0194", ["88"]),
    ("Ref 88 213-555-0194", ["88"]),                  # a phone after the reference is not more of it
    ("Ref 88 2135550194", ["88"]),
    ("Post ID 2135550147, ad ID 3125550147", ["2135550147", "3125550147"]),
    ("#2023112518", ["2023112518"]),
    ("No. 2023112518", ["2023112518"]),
    ("call #1 girl 213 555 0194", []),                # a short run after a bare mark
    ("#213 #555 #0194", []),
    ("#vegas#7025550149#gfe", []),                    # a hashtag's mark
    ("Ph#6195550174", []),
    ("Phone #2135550194", []),                        # a phone's words before the mark
    ("my new #2135550194", []),
    ("Tel. No. 2135550194", []),
    ("WhatsApp ID: 2135550194", []),
    ("Verified ID 213-555-0194", []),                 # an identity document, not a number's label
    ("Fitness model 213 555 0194", []),               # a noun that is a label only with a mark
    ("Order now: 213-555-0194", []),
    ("Ref: Jessica 213-555-0194", []),
    ("Booking #: 213-555-0194", []),
])
def test_reference_spans(text, references):
    assert [text[start:end] for start, end in reference_spans(text)] == references


@pytest.mark.parametrize("text, asides", [
    ("213 555 (txt only) 0194", [" (txt only) "]),
    ("213 555 - text me - 0194", [" - text me - "]),
    ("(213) (text only) 555-0194", [") (text only) "]),
    ("213 555 \U0001f48b text me \U0001f48b 0194", [" \U0001f48b text me \U0001f48b "]),
    ("213 555 (text 2 me) 0194", []),                                    # a digit
    ("250 (half hour) 350", []),                                         # a rate's words
    ("213 555 (please no blocked calls after midnight) 0194", []),       # more than four words
    ("213 555 (no blocked calls pleaseeeeeeeeee) 0194", []),             # more than 25 characters
    ("213 555. Text me. 0194", []),                                      # a sentence's full stops
    ("213 555, text me, 0194", []),
    ("213 555 (text me) and 0194", []),                                  # words after the aside
])
def test_aside_ends(text, asides):
    assert [text[start:end] for start, end in sorted(aside_ends(text).items())] == asides


@pytest.mark.parametrize("parts, before, allowed", [
    ([["213", "555"], ["0194"]], "call ", True),
    ([["213"], ["555", "0194"]], "", True),
    ([["213"], ["555"], ["0194"]], "", True),
    ([["07700", "900"], ["123"]], "", True),          # a UK mobile's groups, 5-3-3
    ([["1", "213"], ["555", "0194"]], "", True),      # the trunk prefix in a group of its own
    ([["1"], ["213", "555", "0194"]], "", False),     # "1 (and only) 213 555 0194": too few digits before
    ([["213", "555", "019"], ["4"]], "", False),      # too few after
    ([["1985"], ["555", "0199"]], "Est. ", False),    # a year
    ([["204"], ["555", "0199"]], "Room ", False),     # a room
    ([["250"], ["350"], ["1000"]], "", False),        # round: prices
    ([["1", "800"], ["555", "0100"]], "", True),       # round, but groups of a number, not prices
    ([["225"], ["325"], ["1250"]], "", False),        # two asides, all ending in 0 or 5: prices
    ([["213"], ["555"], ["0190"]], "", True),
    ([["2", "1", "3"], ["5", "5", "5", "0", "1", "9", "4"]], "", True),   # digit by digit
    ([["2024"], ["05", "17", "14"]], "Posted ", False),                 # a pair of digits by the aside
    ([["40"], ["7128", "74"]], "", False),
])
def test_asides_allow(parts, before, allowed):
    assert asides_allow(parts, before) is allowed
