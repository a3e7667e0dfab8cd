"""Social-media handles in ad text: only the obvious forms, a platform's name or link and then the handle.

"IG: name", "insta @name", "snapchat @name", "twitter/x @name", "tg: name", "OF: name",
"onlyfans.com/name", "kik: name". A bare "@name" with no platform is kept as platform
"unknown" unless it is part of an email address. WhatsApp accounts are phone numbers:
a WhatsApp label followed by a number is left to the phone extractor, and any handle
that overlaps a phone number is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.extract.phones import find_phones

# How each platform is named in ads. "OF" only in capitals ("of" is a word); a lone "x" only as a label.
_LABELS = {
    "instagram": r"instagram|insta|ig",
    "snapchat": r"snapchat|snap|sc",
    "twitter": r"twitter\s*/\s*x|x\s*/\s*twitter|twitter|x",
    "telegram": r"telegram|tg",
    "onlyfans": r"onlyfans|(?-i:OF)",
    "kik": r"kik",
    "whatsapp": r"whatsapp|whats\s*app",
}
_LINKS = {
    "instagram": r"instagram\.com", "snapchat": r"snapchat\.com/add", "twitter": r"(?:twitter|x)\.com",
    "telegram": r"t\.me", "onlyfans": r"onlyfans\.com", "kik": r"kik\.me",
}
_NAME = r"(?P<name>[A-Za-z0-9_][A-Za-z0-9_.\-]{0,29})(?![\w@])"
# After the label: a colon, dash or "=" (the "@" optional), or an "@" ("insta @name", "my IG is @name").
_AFTER_LABEL = r"(?:\s*[:=\-\u2013>]+\s*@?\s*|\s*(?:(?:is|at|me)\s+)?@)"
_ANY_LABEL = "|".join(f"(?P<{platform}>{label})" for platform, label in _LABELS.items())
_LABELLED = re.compile(rf"(?<![\w@./])(?:{_ANY_LABEL})(?!\w){_AFTER_LABEL}{_NAME}", re.IGNORECASE)
_LINKED = re.compile(
    rf"(?:https?://)?(?:www\.)?(?:{'|'.join(f'(?P<{p}>{link})' for p, link in _LINKS.items())})/@?{_NAME}",
    re.IGNORECASE)
_BARE = re.compile(rf"(?<![\w.+\-@])@{_NAME}")
# Link paths that are pages of the site, not accounts.
_NOT_ACCOUNTS = {"p", "reel", "reels", "explore", "stories", "share", "joinchat", "intent", "home", "i", "search",
                 "hashtag", "login", "signup", "add"}
# "@example.com" is the end of an email address; "@9pm" and "@10" are times.
_DOMAIN = re.compile(r".+\.(?:com|net|org|info|biz|co|us|ca|mx|uk|de|fr|es|it|nl|ru|io|me|tv|xyz)$", re.IGNORECASE)
_TIME = re.compile(r"\d{1,2}(?:[:.]\d\d)?(?:am|pm|h|hrs?)?", re.IGNORECASE)


@dataclass(frozen=True)
class Handle:
    platform: str
    handle: str
    raw: str


def find_handles(text: str, region: str = "US", phones: list | None = None) -> list[Handle]:
    """Every handle in text with its platform ("unknown" for a bare "@name"), lower-case without the
    "@", and the raw text it stood as (label included), in order of appearance, each once.
    phones: the numbers already found in text (read in `region` when not given)."""
    found: list[tuple[int, int, Handle]] = []
    for pattern in (_LINKED, _LABELLED, _BARE):
        for m in pattern.finditer(text):
            platform = next((p for p, value in m.groupdict().items() if value and p != "name"), "unknown")
            name = m.group("name").rstrip(".-")
            start, end = m.start(), m.start("name") + len(name)
            if any(start < e and s < end for s, e, _ in found) or not _is_handle(name, pattern is _LINKED):
                continue
            found.append((start, end, Handle(platform, name.lower(), text[start:end])))
    if found:
        phones = _phone_spans(text, find_phones(text, region) if phones is None else phones)
        found = [f for f in found if not any(f[0] < e and s < f[1] for s, e in phones)]
    out: list[Handle] = []
    for _, _, handle in sorted(found, key=lambda f: f[0]):
        if handle not in out:
            out.append(handle)
    return out


def _is_handle(name: str, linked: bool) -> bool:
    if not any(c.isalpha() for c in name) or _TIME.fullmatch(name) or _DOMAIN.match(name):
        return False
    return not (linked and name.lower() in _NOT_ACCOUNTS)


def _phone_spans(text: str, phones: list) -> list[tuple[int, int]]:
    """Where the phone numbers in text stand ("whatsapp: five5five..." is a number, not a handle)."""
    spans = []
    for phone in phones:
        at = text.find(phone.raw)
        while at >= 0:
            spans.append((at, at + len(phone.raw)))
            at = text.find(phone.raw, at + 1)
    return spans
