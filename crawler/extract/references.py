"""Reference and listing numbers: digits that a label introduces as something other than a phone
("Ref #2023112518", "Order #3105550188", "Post ID 2135550147", "Invoice 2025-0112-3344",
"Tracking number 1Z 999 AA1 01 2345 6784", "Reference No. 4155550123", a bare "#2023112518").

`reference_spans` works on text already rewritten into plain digits (see `crawler.extract.phones`) and
gives the (start, end) of each such number, its label left out, so that its digits are neither joined
with other groups nor read as a phone. Only the number right after the label is taken: "Ref #88. Call
213-555-0194" and "call #1 girl 213 555 0194" keep their phones, and a phone written right after a
reference ("Ref 88 213-555-0194") is no more of it. A label after a word that says a phone follows is
a phone's ("Phone #2135550194", "WhatsApp ID: 2135550194", "my #2135550194", "Tel. No. 2135550194").
"""

from __future__ import annotations

import re

# Labels whose number is a reference on its own ("Ref 2023112518", "Listing 01234567890", "ID: 4155550123").
_ALWAYS = (r"ref(?:erence)?s?|invoice|inv|tracking|listing|confirmation|conf|transaction|txn|receipt|serial"
           r"|sku|upc|isbn|voucher|coupon|licen[cs]e|lic|permit|id")
# Words that are a reference's label only with a mark after them ("Order #", "Ad ID", "Account no."):
# alone they are ordinary words before a phone ("Fitness model 213 555 0194", "To order 213-555-0194").
_NOUNS = (r"order|ad|post|posting|case|ticket|account|acct|item|model|member|membership|user|customer|profile"
          r"|policy|claim|lot|batch|product|job|vin")
_MARK = r"(?:#|no\b\.?|n[\u00ba\u00b0]\.?|nr\b\.?|num(?:ber)?\b\.?|id\b|ref(?:erence)?\b\.?|code\b)"
# A booking's number is often the phone to book on ("Booking #: 213-555-0194"); its reference is not.
_BOOKING = r"(?:booking|reservation)[ \t]*(?:ref(?:erence)?|id|code|conf(?:irmation)?)\b"
_CODE = r"(?:promo|coupon|discount|voucher|gate|access|door|entry|verification|postal|tracking)[ \t]*code\b"
_LABEL = re.compile(rf"(?<![^\W\d_])(?:(?:{_NOUNS})[ \t]*{_MARK}|{_BOOKING}|{_CODE}|(?:{_ALWAYS})(?![^\W\d_])\.?)",
                    re.IGNORECASE)
# What may stand between a label and its number: "Ref #", "Ref No.: ", "Order number is ", "Post ID - ".
_FILLER = re.compile(r"(?:[ \t]*(?:[:#=\-\u2013]|no\b\.?|n[\u00ba\u00b0]\.?|nr\b\.?|num(?:ber)?\b\.?|id\b|is\b)){0,3}"
                     r"[ \t]*", re.IGNORECASE)
# A number: letters and digits with a digit somewhere, inner dashes, dots and slashes ("A-31255-50147").
_TOKEN = r"(?=[^\W_]*(?:[-./][^\W_]+)*?\d)[^\W_]+(?:[-./][^\W_]+)*"
# More of it after single spaces ("202 311 2518", "1Z 999 AA1 01 2345 6784"), up to where a phone begins.
_PHONE_AHEAD = r"(?:\+|\(?\d{3}\)?[ .\-]?\d{3}[ .\-]?\d{4}(?!\d)|1[ .\-]\d{3}[ .\-]\d{3})"
# A number may open with its first group in brackets, as a phone's area code is: "Listing (250) 303.5060".
_NUMBER = re.compile(rf"(?:\({_TOKEN}\)(?:[ \t]?(?!{_PHONE_AHEAD}){_TOKEN})?|{_TOKEN})(?:[ \t](?!{_PHONE_AHEAD}){_TOKEN})*")
# A bare mark before a long run of digits: "#2023112518", "No. 2023112518", "Nr 2023112518" (not "#1 girl",
# not "#559 #555 #0110", not the "#" of a hashtag "#vegas#7025550149").
_BARE = re.compile(r"(?<![\w#])(?:#(?=\d)|(?:no[.:]|nr\b\.?|n[\u00ba\u00b0]\.?)[ \t]*:?[ \t]*)(\d{7,})(?!\d)",
                   re.IGNORECASE)
# Words after which a label introduces a phone: the phone's own words ("Phone #", "Cell No.", "WhatsApp ID") ...
_PHONE_WORDS = (r"phone|ph|tel|tele|telephone|cell|cel|cellphone|mobile|mob|contact|call|caller|text|txt|sms|whatsapp"
                r"|whats|wa|viber|signal|telegram|fax|landline|hotline|dial|reach")
# ... and, before a bare mark, whose number it is ("my #2135550194", "new no. 2135550194").
_OWNER_WORDS = r"my|me|new|old|same|our|main|work|office|direct|personal|private|backup|home|business|booking|other"
_PHONE_BEFORE = re.compile(rf"(?<![^\W\d_])(?:{_PHONE_WORDS})[ \t.:\-/]*$", re.IGNORECASE)
_OWNER_BEFORE = re.compile(rf"(?<![^\W\d_])(?:{_PHONE_WORDS}|{_OWNER_WORDS})[ \t.:\-/]*$", re.IGNORECASE)
# Words after which a label names no number: an identity document ("Verified ID", "photo ID"), or none at
# all ("no tracking", "no ref"), so the phone after it stays a phone ("Verified ID 213-555-0194").
_NO_LABEL_BEFORE = re.compile(r"(?<![^\W\d_])(?:no|verified|valid|photo|picture|pic|real|state|gov|government"
                              r"|show|with|w/|need|needs|require|required)[ \t.:\-]*$", re.IGNORECASE)
# A licence is a number whatever comes before it ("State lic. no.", "Valid license #"): it is no identity document.
_LICENCE = re.compile(r"licen[cs]e|lic", re.IGNORECASE)
_LOOK_BACK = 24  # characters before a label searched for a phone's word


def reference_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) in text of each number a reference's label introduces, in order."""
    found: list[tuple[int, int]] = []
    if not any(c.isdigit() for c in text):
        return found
    for label in _LABEL.finditer(text):
        before = max(0, label.start() - _LOOK_BACK), label.start()
        if _PHONE_BEFORE.search(text, *before) or (_NO_LABEL_BEFORE.search(text, *before)
                                                   and not _LICENCE.fullmatch(label.group().rstrip("."))):
            continue
        number = _NUMBER.match(text, _FILLER.match(text, label.end()).end())
        if number:
            found.append(number.span())
    for bare in _BARE.finditer(text):
        if not _OWNER_BEFORE.search(text, max(0, bare.start() - _LOOK_BACK), bare.start()):
            found.append(bare.span(1))
    return sorted(set(found))
