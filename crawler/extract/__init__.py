"""Pure functions that pull what links ads out of their text: phones, emails, rates and stated ages.

Places (gazetteer matching) come with the rest of the crawler issue.
"""

from __future__ import annotations

from dataclasses import asdict

from crawler.extract.emails import find_emails
from crawler.extract.phones import find_phones
from crawler.extract.terms import find_ages, find_prices


def extract(title: str, body: str, region: str = "US") -> dict:
    """Everything found in an ad's title and body, as plain data. The title and body are read as one
    text, so a number split between them is not found, but one that appears in both is listed once."""
    text = f"{title}\n{body}" if title else body
    return {
        "phones": [asdict(p) for p in find_phones(text, region)],
        "emails": [asdict(e) for e in find_emails(text)],
        "prices": [asdict(p) for p in find_prices(text)],
        "ages": [asdict(a) for a in find_ages(text)],
    }
