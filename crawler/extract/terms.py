"""Rates and stated ages in ad text.

A stated age is kept whatever it is: an age under 18 is the strongest red flag
an ad can carry, so nothing here filters it out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CURRENCIES = {"$": "USD", "usd": "USD", "dollars": "USD", "roses": "USD", "€": "EUR", "eur": "EUR",
               "euros": "EUR", "£": "GBP", "gbp": "GBP", "pounds": "GBP"}
_UNITS = [
    (re.compile(r"^\s*(?:/|per\s+|a\s+)?\s*(?:hh|half\s*(?:an\s*)?h(?:ou)?r|half|30\s*min(?:ute)?s?)\b", re.I), "half hour"),
    (re.compile(r"^\s*(?:/|per\s+|an?\s+)?\s*(?:h|hr|hrs|hour|1\s*hr|1\s*hour|60\s*min(?:ute)?s?)\b", re.I), "hour"),
    (re.compile(r"^\s*(?:/|per\s+|a\s+)?\s*(?:night|overnight|ovn)\b", re.I), "night"),
]
_AMOUNT = r"(\d{2,5}(?:[.,]\d{2})?)"
_PRICE = re.compile(
    rf"(?P<pre>[$€£])\s?{_AMOUNT}|{_AMOUNT}\s?(?P<post>[$€£]|(?:usd|dollars|roses|eur|euros|gbp|pounds)\b)"
    rf"|{_AMOUNT}(?=\s*(?:/\s*(?:hh|hr|h|hour)\b|hh\b|hr\b|per\s+hour))",
    re.IGNORECASE)
_AGE = re.compile(
    r"\b(?:age|aged|edad)\s*:?\s*(\d{1,2})\b"
    r"|\b(\d{1,2})\s*(?:years?\s*old|yrs?\s*old|yrs?\b|y/?o\b|años)"
    r"|\b(?:i'?m|i\s+am|tengo)\s+(\d{1,2})\b(?!\s*(?:min|hr|h\b|hours?|\$|%))",
    re.IGNORECASE)


@dataclass(frozen=True)
class Price:
    amount: float
    currency: str | None
    unit: str | None
    raw: str


@dataclass(frozen=True)
class Age:
    age: int
    raw: str


def find_prices(text: str) -> list[Price]:
    """Amounts with a currency sign or word, or followed by a time unit ("200/hr", "150hh")."""
    out: list[Price] = []
    for m in _PRICE.finditer(text):
        amount_text = next(g for g in (m.group(2), m.group(3), m.group(5)) if g)
        symbol = (m.group("pre") or m.group("post") or "").lower()
        rest = text[m.end():m.end() + 24]
        unit, unit_len = None, 0
        for pattern, name in _UNITS:
            um = pattern.match(rest)
            if um:
                unit, unit_len = name, um.end()
                break
        price = Price(float(amount_text.replace(",", ".")), _CURRENCIES.get(symbol), unit,
                      text[m.start():m.end() + unit_len].strip())
        if price not in out:
            out.append(price)
    return out


def find_ages(text: str) -> list[Age]:
    """Ages the ad states about the person advertised ("age 21", "21 yrs", "I'm 21", "tengo 21 años")."""
    out: list[Age] = []
    for m in _AGE.finditer(text):
        value = int(next(g for g in m.groups() if g))
        age = Age(value, m.group(0).strip())
        if 10 <= value <= 99 and age not in out:
            out.append(age)
    return out
