"""The wording of demo ads, and phone numbers disguised the way real ads disguise them.

A network writes in one template (openers, phrases, rate format, emoji) and favours one
or two ways of hiding its numbers: spelled digits in English or Spanish in mixed case
("f1ve", "FiVe", "cinco"), O for 0 and l/I for 1, a separator or emoji between every
digit, keycap emoji, full-width digits, brackets, a line break inside the number, or no
disguise at all. Text is written on demand from the ad's own seed, so the same ad and
version always read the same. Nothing here is sexually explicit; names are made up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawler.demosite.corpus import Ad, Network

PHONE_STYLES = ("plain", "words_en", "words_es", "lookalike", "separated", "keycap", "fullwidth", "brackets",
                "linebreak", "mixed")
HOSTILE_TITLE = " <script>alert(1)</script>"
HOSTILE_BODY = 'New pics: <img src=x onerror=alert(1)> <script>alert(1)</script> "><svg onload=alert(1)>'

_EN = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_ES = ("cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve")
_LEET = {"i": "1", "e": "3", "o": "0"}
_SEPARATORS = (".", "-", " ", "*", "~", "\u2022", "_", "\U0001f48b", "\U0001f339", "\u2728", " \U0001f48b ")
_PERSONAS = ("Mia", "Luna", "Jade", "Ivy", "Nova", "Skye", "Rosa", "Lola", "Kira", "Daisy", "Gia", "Nina", "Coco",
             "Bella", "Roxy", "Sasha", "Amber", "Paloma", "Lexi", "Stella", "Carmen", "Vivi", "Tiana", "Zoe")
_SYLLABLES = ("lu", "na", "mi", "ra", "ko", "vel", "vet", "sky", "rose", "star", "bae", "jo", "zee", "kit", "lee",
              "sun", "dew", "fox", "ivy", "mel")
_TITLES = ("New in town \U0001f48b {city}", "Sweet & friendly {persona} \u2014 {city}", "Last days in {city}!!",
           "Relaxing massage \u2014 {city}", "Available now \u2728 {persona}", "Visiting {city} this week",
           "Classy companion in {city}", "Upscale & discreet \u2014 {persona}", "Girl next door, {age}",
           "Spa specials in {city}", "{persona} is back in {city}", "Just arrived \U0001f339 {city}")
_OPENERS = ("Hi gentlemen, I'm {persona}.", "Hey there! {persona} here.", "Hello, my name is {persona}.",
            "Just arrived in {city} for a few days.", "Welcome! I'm {persona}, new to {city}.",
            "Hola, soy {persona}.")
_PHRASES = ("Sweet, friendly and easygoing.", "Upscale, discreet and always on time.",
            "Clean, private location near downtown.", "Incall and outcall.", "Available 24/7.",
            "No rush, relaxing company.", "Serious gentlemen only.", "New pictures, 100% real.",
            "Text first, no blocked numbers.", "Great conversation and a warm smile.", "Hablo espa\u00f1ol.",
            "Ask about my specials.", "Short notice OK.", "Hotel friendly.")
_RATES = ("{hh}hh {hr}hr", "hh {hh} / h {hr}", "${hh}/30min ${hr}/hr", "{hh} hh | {hr} hr", "donations: {hh}hh {hr}h")
_AGES = ("{age} yrs", "age {age}", "I'm {age}", "{age}yo")
_CONTACTS = ("Call or text {phone}", "Txt {phone} \U0001f4f1", "{phone} (text only)", "Call me: {phone}",
             "Contact: {phone}", "Text {phone} for appointments")
_CLOSINGS = ("xoxo", "See you soon \U0001f618", "Ask about specials!", "Hope to hear from you \U0001f495",
             "Thanks for looking.")
_UPDATES = ("UPDATE: back in town this week.", "UPDATE: new pics added.", "UPDATE: specials today only.",
            "UPDATE: now taking late appointments.", "UPDATE: moving on soon, don't miss me.")


@dataclass(frozen=True)
class AdText:
    title: str
    phone: str | None  # the phone field, as the poster typed it
    body: str  # paragraphs separated by blank lines; a number may run across a line break


def persona_name(rng: random.Random) -> str:
    return rng.choice(_PERSONAS)


def handle_name(rng: random.Random) -> str:
    """A made-up social media or mailbox name such as "velrose22"."""
    return "".join(rng.sample(_SYLLABLES, rng.randint(2, 3))) + str(rng.randint(10, 99))


def write_text(ad: Ad, net: Network, version: int) -> AdText:
    """The ad as it reads after its first `version` edits."""
    rng = random.Random(ad.text_seed)
    tpl = random.Random(net.style)  # the network's template: the same choices in all its ads
    titles, openers = tpl.sample(_TITLES, 2), tpl.sample(_OPENERS, 2)
    phrases, rate_fmt, age_fmt = tpl.sample(_PHRASES, 4), tpl.choice(_RATES), tpl.choice(_AGES)
    contacts, closing = tpl.sample(_CONTACTS, 2), tpl.choice(_CLOSINGS)
    age = net.age + (rng.choice((-1, 1)) if rng.random() < 0.1 else 0)
    fill = {"city": ad.city.name, "persona": net.persona, "age": age}

    title = rng.choice(titles).format(**fill)
    field = None
    body_phones = list(ad.phones)
    if ad.phone_field:
        field_style = "plain" if rng.random() < 0.7 else rng.choice(("lookalike", "words_en", "mixed"))
        field = write_phone(ad.phones[0], field_style, rng)
        if rng.random() < 0.5:
            body_phones = body_phones[1:]  # the number is only in the field
    written = [write_phone(p, _phone_style(net, rng), rng) for p in body_phones]

    intro = [rng.choice(openers).format(**fill)] + rng.sample(phrases, rng.randint(2, 4))
    rate = net.rate + rng.choice((0, 0, 0, 10, 20))
    contact = [rng.choice(contacts).format(phone=p) for p in written]
    if ad.emails:
        contact.append(f"Email: {write_email(ad.emails[0], rng)}")
    if ad.handles:
        contact.append(write_handle(ad.handles[0], rng))

    update = None
    for edit in range(1, version + 1):  # each edit changes the price, the text or both
        er = random.Random(ad.text_seed * 8 + edit)
        kind = er.choice(("price", "text", "both"))
        if kind in ("price", "both"):
            rate += er.choice((10, 20, 30, -10))
        if kind in ("text", "both"):
            update = er.choice([u for u in _UPDATES if u != update])
            if er.random() < 0.3:
                title = f"UPDATED \u2014 {title}"
    if update:
        intro.append(update)
    if ad.hostile == "body":
        intro.append(HOSTILE_BODY)
    if ad.hostile == "title":
        title += HOSTILE_TITLE
    paragraphs = [" ".join(intro),
                  f"{rate_fmt.format(hh=rate, hr=rate + 100)} \u00b7 {age_fmt.format(age=age)}",
                  "\n".join(contact), closing]
    return AdText(title=title, phone=field, body="\n\n".join(p for p in paragraphs if p))


def write_phone(e164: str, style: str, rng: random.Random) -> str:
    """A fictional NANP number (+1NPANXXXXXX) written in one of PHONE_STYLES."""
    digits = e164[-10:]
    area, exchange, line = digits[:3], digits[3:6], digits[6:]
    if style == "plain":
        return rng.choice(("{a}-{e}-{l}", "({a}) {e}-{l}", "{a}.{e}.{l}", "{a} {e} {l}", "{a}{e}{l}",
                           "+1 {a}-{e}-{l}", "1-{a}-{e}-{l}")).format(a=area, e=exchange, l=line)
    if style in ("words_en", "words_es"):
        words = _EN if style == "words_en" else _ES
        spelled = 0.7 if style == "words_en" else 1.0
        inner = rng.choice(("", " ")) if style == "words_en" else " "
        groups = [inner.join(_word(words[int(d)], rng) if rng.random() < spelled else d for d in group)
                  for group in (area, exchange, line)]
        return rng.choice((" ", "-", " - ", ". ")).join(groups)
    if style == "lookalike":  # the line is 01XX: its 0 always, its 1 mostly, become letters
        swapped = rng.choice("Oo") + (rng.choice("lI") if rng.random() < 0.8 else "1") + line[2:]
        return rng.choice(("{a}-{e}-{l}", "({a}) {e} {l}", "{a} {e} {l}")).format(a=area, e=exchange, l=swapped)
    if style == "separated":
        return rng.choice(_SEPARATORS).join(digits)
    if style == "keycap":
        cap = "\ufe0f\u20e3" if rng.random() < 0.5 else "\u20e3"
        return " ".join("".join(d + cap for d in group) for group in (area, exchange, line))
    if style == "fullwidth":
        wide = digits.translate({ord(str(d)): 0xFF10 + d for d in range(10)})
        return rng.choice(("\uff08{a}\uff09{e}\uff0d{l}", "{a} {e} {l}", "{a}{e}{l}")).format(
            a=wide[:3], e=wide[3:6], l=wide[6:])
    if style == "brackets":
        if rng.random() < 0.4:
            return " ".join("".join(f"[{d}]" for d in group) for group in (area, exchange, line))
        return rng.choice(("[{a}] [{e}] [{l}]", "({a})({e})({l})", "{{{a}}} {{{e}}} {{{l}}}")).format(
            a=area, e=exchange, l=line)
    if style == "linebreak":
        return rng.choice(("{a} {e}\n{l}", "({a}) {e}-\n{l}", "{a}\n{e} {l}")).format(a=area, e=exchange, l=line)
    if style == "mixed":
        exch = "".join(_word(_EN[int(d)], rng) if i % 2 == 0 else d for i, d in enumerate(exchange))
        return f"({area}) {exch}-{line.replace('0', 'O')}"
    raise ValueError(f"unknown phone style {style!r}; expected one of {', '.join(PHONE_STYLES)}")


def write_email(address: str, rng: random.Random) -> str:
    """An address as ads write it: plain, or spelled out ("name at example dot com")."""
    name, domain = address.split("@")
    host, tld = domain.rsplit(".", 1)
    return rng.choice(("{n}@{h}.{t}", "{n} at {h} dot {t}", "{n} [at] {h} [dot] {t}", "{n}(at){h}.{t}")).format(
        n=name, h=host, t=tld)


def write_handle(handle: str, rng: random.Random) -> str:
    """A social media handle ("instagram:name") as ads write it."""
    platform, name = handle.split(":", 1)
    if platform == "instagram":
        return rng.choice(("IG: @{n}", "instagram @{n}", "insta: @{n}")).format(n=name)
    return rng.choice(("snapchat: {n}", "sc: {n}", "snap: {n}")).format(n=name)


def _phone_style(net: Network, rng: random.Random) -> str:
    """Mostly the network's favourite disguise, sometimes its second, now and then any."""
    roll = rng.random()
    if roll < 0.6:
        return net.phone_styles[0]
    return net.phone_styles[1] if roll < 0.85 else rng.choice(PHONE_STYLES)


def _word(word: str, rng: random.Random) -> str:
    """A number word in mixed case, sometimes with a digit for a look-alike letter ("f1ve", "FiVe")."""
    roll = rng.random()
    if roll < 0.2:
        word = word.upper()
    elif roll < 0.4:
        word = word.capitalize()
    elif roll < 0.7:
        word = "".join(c.upper() if rng.random() < 0.5 else c for c in word)
    if rng.random() < 0.3:
        spots = [i for i, c in enumerate(word) if c.lower() in _LEET]
        if spots:
            i = rng.choice(spots)
            word = word[:i] + _LEET[word[i].lower()] + word[i + 1:]
    return word
