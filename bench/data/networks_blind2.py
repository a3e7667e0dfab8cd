"""Blind network set #2: a classified-ad site written without sight of the linking rules. HELD OUT.

Written on 2026-12-03 by a helper session that never read how adgraph links ads: not
graph/commonness.py, graph/linking.py, graph/landing.py or graph/rebuild.py, not the networks
sections of graph/SCHEMA.md or the README, not the demo site's hard profile
(crawler/demosite/hard.py), not blind set #1 (bench/data/networks_blind1.py), not bench/RESULTS.md.
It is written the way a new site arrives: from what real sites look like, not from the rules.

NOT RUN YET. Do not read past this docstring while tuning linking, and do not tune on its result.
When the rules are final, run it once:

    .venv/bin/python bench/networks.py --generator bench.data.networks_blind2:generate_blind2

and record the result as it comes out, good or bad. After that it is one more training set, and
the next honest figure needs a new blind set.

What is on the site, in general terms: independent posters with one or a few ads; small
operations that reuse a number and their photos; large operations that post in runs, each run on
a phone of its own, carrying the women's photo sets from run to run in altered copies, with a
shared contact on some of their ads now and then; operations whose parts are tied only by one
woman's face in different photos; and everything real sites have that ties unrelated posters
together: stock pictures and stock faces, photos of the same rooms and scenes, the site's own
customer-care contacts, booking agencies and promoters, verification badges, reference and
licence numbers written like phone numbers, copied wording, posters who move between agencies,
numbers that change hands. Numbers are hidden in many of the ways real ads hide them. Ads are
posted, edited (an edit can change the number) and removed across the crawl cycles, and some
operations only appear after the first crawl. The mix changes with the seed.

The contract is bench/networks.py's: `generate_blind2(ads, seed)` returns a Corpus the demo site
serves, the same for the same (ads, seed); `ad.network` is each ad's true network, and
`truth()["networks"][id]["kind"]` names its kind. The face photos are real (25 identities in
../shared/data/faces/, see its SOURCE.md), read from that folder when an image is served and
never copied into the project; without the folder a generated picture is served in their place.
To serve them, importing this module wraps crawler.demosite.images.render (every other picture
passes through unchanged).

All data is fictional: every phone number is NANP NXX-555-0100..0199, every email address is at
example.com, example.org or example.net, names and handles are made up, and nothing is
sexually explicit.
"""

from __future__ import annotations

import io
import random
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageEnhance, ImageOps

from crawler.demosite import images as _images
from crawler.demosite.corpus import (BAD_IMAGE_KINDS, CAMERAS, CITIES, CYCLE_LENGTH, LAST_EVENT_CYCLE,
                                     PICTURE_SIZES, REFERENCE, Ad, City, Corpus, Exif, ImageSpec, Photo)
from crawler.demosite.text import AdText

__all__ = ["Blind2Corpus", "FaceSpec", "generate_blind2"]

FACES_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "faces"
DAY = CYCLE_LENGTH
START = REFERENCE - 30 * DAY  # the oldest ad still listed in cycle 0

# ---------------------------------------------------------------------------------------------
# Real face photos (../shared/data/faces/identities/<identity>/<file>): file:width x height.

_IDENTITIES = {
    "deepface_p01": ("img1.jpg:1184x1600", "img2.jpg:1536x1152", "img4.jpg:2500x1728", "img5.jpg:330x512",
                     "img6.jpg:750x1050", "img7.jpg:1363x2048", "img10.jpg:408x594", "img11.jpg:600x800",
                     "img11_reflection.jpg:1174x1564"),
    "deepface_p02": ("img26.jpg:1067x1600", "img27.jpg:745x465", "img28.jpg:745x465", "img42.jpg:660x990",
                     "img43.jpg:760x380", "img44.jpg:480x720", "img45.jpg:466x700", "img46.jpg:400x500"),
    "deepface_p03": ("img8.jpg:660x960", "img9.jpg:1000x1780", "img47.jpg:1350x1800", "img48.jpg:940x1242",
                     "img49.jpg:4352x2903", "img50.jpg:410x512", "img51.jpg:600x417"),
    "deepface_p04": ("img3.jpg:1536x2048", "img12.jpg:560x415", "img53.jpg:1100x825", "img54.jpg:2000x2400",
                     "img55.jpg:1200x720", "img56.jpg:1200x800"),
    "deepface_p05": ("img13.jpg:2048x1364", "img14.jpg:800x533", "img15.jpg:1414x1264", "img57.jpg:2048x1365",
                     "img58.jpg:1600x1055"),
    "deepface_p06": ("img16.jpg:740x418", "img17.jpg:1000x541", "img59.jpg:1600x1073", "img61.jpg:800x542",
                     "img62.jpg:660x440"),
    "deepface_p07": ("img29.jpg:600x800", "img30.jpg:1453x1004", "img31.jpg:2500x1655", "img32.jpg:1000x1500",
                     "img33.jpg:1600x1600"),
    "deepface_p08": ("img34.jpg:1600x1065", "img35.jpg:1080x1080", "img36.jpg:1500x1000", "img37.jpg:1430x980"),
    "deepface_p09": ("img38.jpg:1275x675", "img39.jpg:1507x2048", "img40.jpg:3061x4600", "img41.jpg:2500x2070"),
    "deepface_p10": ("img18.jpg:1200x1200", "img19.jpg:1011x1484", "img67.jpg:1280x811"),
    "deepface_p11": ("img20.jpg:900x900", "img21.jpg:439x579"),
    "deepface_p12": ("img22.jpg:1200x800", "img23.jpg:2400x1702"),
    "deepface_p13": ("img24.jpg:1200x1120", "img25.jpg:400x400"),
    "fr_obama": ("obama.jpg:910x1137", "obama2.jpg:626x1200", "obama3.jpg:1434x2333", "obama1.jpg:1480x832",
                 "obama_small.jpg:320x240", "obama-240p.jpg:427x240", "obama-480p.jpg:853x480",
                 "obama-720p.jpg:1280x720", "obama-1080p.jpg:1920x1080", "obama_partial_face.jpg:491x1137",
                 "obama_partial_face2.jpg:551x1137", "32bit.png:626x1200"),
    "fr_biden": ("biden.jpg:970x2204", "biden2.jpg:1200x1200"),
    "fr_alex_lacamoire": ("alex-lacamoire.png:424x394", "img1.jpg:874x1200", "alex_lacamoire1.jpg:1548x1024"),
    "fr_kit_harington": ("john1.jpeg:1200x599", "john2.jpeg:630x374", "johnsnow_test1.jpg:768x1154"),
    "fr_rose_leslie": ("img1.jpg:1280x799", "img2.jpg:577x880"),
    "fr_lin_manuel_miranda": ("lin-manuel-miranda.png:704x612",),
    "dlib_tom_cruise": ("Tom_Cruise_avp_2014_4.jpg:565x800",),
}
for _who, _serials in (("dlib_John_Salley", "000179_02159509 000183_02159543 000186_02159346 000189_02159361 "
                                            "000190_02159501 000192_02159531 000194_02159572 000197_02159322 "
                                            "000197_02159525 000198_02159470 000200_02159354"),
                       ("dlib_John_Savage", "000264_01099001 000274_01099061 000277_01099000 000289_01099139 "
                                            "000290_01099067 000290_01099090 000291_01099023 000291_01099214 "
                                            "000293_01099081 000296_01099007 000299_01099008"),
                       ("dlib_John_Schneider", "000288_00925786 000302_00925785 000307_00925823 000325_00925954 "
                                               "000326_00925765 000326_00926089 000326_00926128 000326_00926139 "
                                               "000329_00925859 000329_00925963 000331_00926012"),
                       ("dlib_John_Shimkus", "000373_03228153 000375_03227651 000376_02340068 000378_02340151 "
                                             "000378_03227610 000383_03227939 000385_03227766 000388_03227773 "
                                             "000390_03227666 000394_02340150 000396_03227722"),
                       ("dlib_John_Simm", "000288_00470387 000297_00470170 000300_00470148 000304_00470122 "
                                          "000305_00470162 000305_00470717 000306_00470222 000306_00470223 "
                                          "000309_00470287 000310_00470421 000310_00470511")):
    _IDENTITIES[_who] = tuple(f"{serial}.jpg:150x150" for serial in _serials.split())
# Two people photographed together: only ever posted by the one operation both belong to.
_PAIRS = {("fr_kit_harington", "fr_rose_leslie"): ("multi_face/fr_kit_with_rose.jpg:501x700",),
          ("fr_obama", "fr_biden"): ("multi_face/fr_two_people.jpg:1126x661",
                                     "multi_face/fr_obama_and_biden.jpg:2000x1428")}
# Real pictures of no one in particular (animals, streets, crowds of strangers): stock material.
_SCENES = ("no_face/dlib_dogs.jpg:900x916", "no_face/dlib_dog.jpg:768x576", "no_face/dlib_horses.jpg:773x512",
           "no_face/dlib_mmod_cars_test_image.jpg:928x478", "no_face/dlib_mmod_cars_test_image2.jpg:2482x614",
           "multi_face/pascal_voc/2007_007763.jpg:500x375", "multi_face/pascal_voc/2008_001322.jpg:500x375",
           "multi_face/pascal_voc/2008_002079.jpg:500x375", "multi_face/pascal_voc/2008_002470.jpg:500x332",
           "multi_face/pascal_voc/2008_004176.jpg:480x438", "multi_face/pascal_voc/2008_007676.jpg:500x334")


@dataclass(frozen=True)
class FaceSpec(ImageSpec):
    """A real photo from ../shared/data/faces/ (face_file, relative to it), served re-encoded at
    width x height with the usual crop, scale, brightness and mirror. `picture` stands in for it as
    a generated picture when the folder is missing."""
    face_file: str = ""


def _base_size(width: int, height: int) -> tuple[int, int]:
    """The size a face photo is served at before any scaling: longest side at most 800, small face
    chips blown up to 300 as a phone app would."""
    longest = max(width, height)
    factor = 800 / longest if longest > 800 else (300 / longest if longest < 300 else 1.0)
    return max(1, round(width * factor)), max(1, round(height * factor))


@lru_cache(maxsize=24)
def _face_base(face_file: str, width: int, height: int) -> Image.Image:
    with Image.open(FACES_DIR / face_file) as image:
        image = ImageOps.exif_transpose(image).convert("RGB")
        return image.resize((width, height), Image.Resampling.LANCZOS)


@lru_cache(maxsize=512)
def _render_face(spec: FaceSpec, fallback) -> bytes:
    try:
        image = _face_base(spec.face_file, spec.width, spec.height)
    except OSError:  # no ../shared here: a generated picture in its place
        return fallback(ImageSpec(spec.seed, spec.picture, max(spec.width, 320), max(spec.height, 320), "JPEG",
                                  spec.quality, spec.crop, spec.scale, spec.brightness, mirror=spec.mirror))
    if spec.mirror:
        image = ImageOps.mirror(image)
    if spec.crop != (0.0, 0.0, 0.0, 0.0):
        left, top, right, bottom = spec.crop
        w, h = image.size
        image = image.crop((round(left * w), round(top * h), w - round(right * w), h - round(bottom * h)))
    if spec.scale != 1.0:
        w, h = image.size
        factor = min(max(spec.scale, 200 / min(w, h)), 900 / max(w, h))
        image = image.resize((max(1, round(w * factor)), max(1, round(h * factor))), Image.Resampling.BICUBIC)
    if spec.brightness != 1.0:
        image = ImageEnhance.Brightness(image).enhance(spec.brightness)
    out = io.BytesIO()
    if spec.format == "PNG":
        image.save(out, "PNG", compress_level=1)
    else:
        image.save(out, "JPEG", quality=spec.quality)
    return out.getvalue()


def _install_renderer() -> None:
    current = _images.render
    if getattr(current, "blind2", False):
        return

    def render(spec: ImageSpec) -> bytes:
        if getattr(spec, "face_file", ""):
            return _render_face(spec, current)
        return current(spec)

    render.blind2 = True
    _images.render = render


_install_renderer()

# ---------------------------------------------------------------------------------------------
# Wording.

_PERSONAS = ("Aria", "Bianca", "Cami", "Dani", "Elena", "Fiona", "Gabi", "Honey", "Isla", "Jasmine", "Kat",
             "Lila", "Maya", "Naomi", "Olivia", "Penny", "Quinn", "Raven", "Sofia", "Tara", "Valeria", "Willow",
             "Ximena", "Yara", "Zara", "Brandy", "Candy", "Destiny", "Essence", "Faith", "Harmony", "Jewel",
             "Karma", "Lexus", "Mercedes", "Paris", "Precious", "Sky", "Star", "Trinity", "Vanessa", "Angel")
_BITS = ("bunny", "kiss", "peach", "honey", "cherry", "luv", "babe", "doll", "sugar", "angel", "kitty", "bella",
         "diva", "glam", "sweet", "spice", "velvet", "pixie", "moon", "silk")
_TITLES = ("{persona} \u2764 {city} incall/outcall", "NEW \u2014 {persona} in {city} tonight",
           "{city}: sweet {persona}, {age}", "Your favorite {persona} visiting {city}",
           "\u2b50 {persona} \u2b50 only a few days in {city}", "Real pics! {persona} ({age}) {city}",
           "Treat yourself \u2014 {persona} in {city}", "{persona} | {city} | available",
           "Exotic {persona} just landed in {city}", "Upscale companion {persona} ({city})",
           "Private spa \u2014 {city} \u2014 {persona}", "{persona} back in {city} by popular demand",
           "Late night {city} \u2014 {persona}", "Bubbly {persona}, {age}, {city} area",
           "Body rub & relaxation \u2014 {city}", "Grand opening! New girls in {city}")
_OPENERS = ("Hey loves, it's {persona}!", "Hello gentlemen, {persona} here, visiting {city}.",
            "Hi, I'm {persona} \u2014 {age} and easy to talk to.", "Good vibes only. My name is {persona}.",
            "New to {city}? So am I. I'm {persona}.", "Bonjour! {persona} from out of town.",
            "Hola papi, soy {persona}.", "Hi there, {persona} here and I love to spoil.",
            "Stressed out? Let {persona} help you relax.")
_PHRASES = ("Discreet and respectful.", "Pictures are recent and real.", "Quiet upscale hotel.",
            "Outcalls to hotels only.", "Incall near the airport.", "Open late.", "Mature gentlemen preferred.",
            "Please be polite and on time.", "No texting games.", "Screening required for new friends.",
            "Spanish and English.", "Petite and playful.", "Curvy and classy.", "Generous gentlemen only.",
            "Private entrance, plenty of parking.", "Visiting for a short time only.", "Walk-ins welcome.",
            "Clean towels and hot shower.", "Friendly staff, new girls every week.")
_RATES = ("QV {q} | HH {hh} | H {hr}", "{hh}/half {hr}/hour", "Roses: {hh} (30) \u00b7 {hr} (60)",
          "half hour ${hh}, full hour ${hr}", "{hh}hh {hr}h no negotiating", "Specials from ${q}!")
_STATS = ("{age}y \u00b7 5'{inch}\" \u00b7 {cup}", "age {age} / height 5'{inch} / {cup} cup", "{age} yrs young",
          "{cup} cup \u00b7 {age} \u00b7 slim", "I am {age} years old")
_CONTACTS = ("\U0001f4f2 {phone}", "text me {phone}", "{phone} \u2014 text first", "call/text: {phone}",
             "Reach me at {phone}", "Appointments {phone}", "txt only {phone}", "TEXT {phone} NO CALLS")
_EMAILS = ("email {email}", "\u2709 {email}", "or write to {email}", "mail: {email}")
_CLOSINGS = ("Kisses", "Don't be shy \U0001f609", "Can't wait to meet you", "Serious inquiries only",
             "Thank you \U0001f497", "Come see me", "")
_UPDATES = ("** Still here! **", "Just updated my pics.", "Specials till midnight.", "Extended my stay.",
            "Back by popular demand.")
_SWAP_NOTES = ("NEW NUMBER, text me here.", "Old phone is off, use the new one.", "Updated contact info.")
_AGENCY_LINES = ("Booking via {agency}: {phone}", "Book through {agency} \u2014 {phone}",
                 "{agency} booking line {phone}", "Managed by {agency}, call {phone}",
                 "For {agency} girls call {phone}")
_AGENCY_NAMES = ("Diamond Touch Bookings", "Starlight Agency", "Elite Angels Booking", "Sapphire Management",
                 "Blue Orchid Agency", "Golden Hour Agency", "Platinum Date Services", "Rosewood Bookings",
                 "Velvet Rope Agency", "Cherry Lane Management", "Aurora Companions", "Gemini Booking",
                 "Midnight Muse Agency", "Crystal Bay Bookings")
_PROMO_LINES = ("Promoted by {handle}", "More girls daily: {handle}", "Featured by {handle}",
                "Follow {handle} for specials", "Ad by {handle} \u2014 DM for promo")
_BADGES = ("\u2705 Verified by {svc} \u2014 {contact}", "Verified \u2714 {svc} ref {contact}",
           "{svc} verified provider (check: {contact})", "\u2714 ID verified via {contact}")
_BADGE_NAMES = ("TrustCheck", "RealDeal Verify", "SafeDate ID", "ClientShield")
_REFS = ("Ref #{ref}", "Ad ID: {ref}", "Post no. {ref}", "Listing {ref}", "My member ID {ref}")
_LICENCES = ("Lic# {lic}", "LMT license {lic}", "State lic. no. {lic}", "Licensed therapist #{lic}")
_SPA_NAMES = ("Lotus Garden Spa", "Golden Touch Massage", "Jade Relaxation", "Blue Sky Spa", "Ocean Mist Spa",
              "Sakura Wellness", "Palm Tree Massage", "Harmony Health Spa")
_CARE_LINES = ("Ad placed by {site} posting help \u2014 questions: {care}",
               "Report this ad: {care} / {email}", "{site} customer care {care}",
               "Trouble with this ad? Email {email}")
_SITES = ("NightOwl Classifieds", "VelvetBoard", "CityAfterDark", "MoonlitListings", "SilkPages")

_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_EVERY = ("@", ".", "!", "-", " ", "*", "~", "\u2022", "\U0001f48b")
_OPEN_STYLES = {"plain": 8, "twice": 1, "glued": 1, "oh": 1, "linebreak": 0.5, "every": 0.5}
_HIDDEN_STYLES = {"every": 2, "brackets": 2, "wordmix": 2, "words": 1, "oh": 1.5, "padding": 1.5, "glued": 1,
                  "star82": 0.7, "keycap": 1, "fullwidth": 0.7, "linebreak": 0.7, "plain": 1.5, "twice": 0.5}
ALL_STYLES = tuple(_HIDDEN_STYLES)


def _case(word: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.3:
        return word
    if roll < 0.5:
        return word.upper()
    if roll < 0.7:
        return word.capitalize()
    return "".join(c.upper() if rng.random() < 0.5 else c for c in word)


def write_number(e164: str, style: str, rng: random.Random) -> str:
    """A fictional NANP number written in one of ALL_STYLES."""
    d = e164[-10:]
    a, e, l = d[:3], d[3:6], d[6:]
    if style == "plain":
        return rng.choice(("{a}-{e}-{l}", "({a}) {e}-{l}", "{a}.{e}.{l}", "{a} {e} {l}", "{a}{e}{l}",
                           "+1 {a} {e} {l}", "1-{a}-{e}-{l}", "{a}/{e}-{l}")).format(a=a, e=e, l=l)
    if style == "every":
        return rng.choice(_EVERY).join(d)
    if style == "brackets":
        roll = rng.random()
        if roll < 0.4:
            return "  ".join("".join(f"[{c}]" for c in g) for g in (a, e, l))
        if roll < 0.7:
            return f"{{{a}}}{{{e}}}{{{l}}}"
        return f"(({a})) {{{{{e}.{l}}}}}"
    if style == "wordmix":
        groups = ["".join(_case(_WORDS[int(c)], rng) if rng.random() < 0.5 else c for c in g) for g in (a, e, l)]
        return rng.choice(("-", "/", " ", ".")).join(groups)
    if style == "words":
        groups = [_case("".join(_WORDS[int(c)] for c in g), rng) for g in (a, e, l)]
        return rng.choice((" ", "-", " . ")).join(groups)
    if style == "oh":
        def swap(group: str) -> str:
            return "".join(rng.choice(("o", "O", "oh")) if c == "0" else
                           (rng.choice(("l", "I", "1")) if c == "1" else c) for c in group)
        return rng.choice(("{a}-{e}-{l}", "{a} {e} {l}", "({a}) {e} {l}")).format(a=swap(a), e=e, l=swap(l))
    if style == "padding":
        return rng.choice(("*{a}~*{e}~{l1}**{l2}", "~{a}~~{e}~~{l}~", "**{a}**{e}**{l}**", "*{a}*{e}~{l}")).format(
            a=a, e=e, l=l, l1=l[:2], l2=l[2:])
    if style == "glued":
        return rng.choice(("tel", "call", "txt", "text", "ph", "cell")) + rng.choice(
            ("{a}{e}{l}", "{a}.{e}.{l}", "{a}-{e}-{l}")).format(a=a, e=e, l=l) + rng.choice(("", "now", "asap"))
    if style == "star82":
        return rng.choice(("*82 ", "*82-", "(*82) ")) + f"{a}-{e}-{l}"
    if style == "keycap":
        cap = "\ufe0f\u20e3" if rng.random() < 0.6 else "\u20e3"
        return " ".join("".join(c + cap for c in g) for g in (a, e, l))
    if style == "fullwidth":
        wide = d.translate({ord(str(i)): 0xFF10 + i for i in range(10)})
        return rng.choice(("\uff08{a}\uff09{e}\uff0d{l}", "{a} {e} {l}", "{a}{e}{l}")).format(
            a=wide[:3], e=wide[3:6], l=wide[6:])
    if style == "linebreak":
        return rng.choice(("({a}) {e}-\n{l}", "{a}\n{e} {l}", "{a} {e}\n{l}")).format(a=a, e=e, l=l)
    if style == "twice":
        return rng.choice(("{a}-{e}-{l} / {a}{e}{l}", "{a}.{e}.{l} ({a}{e}{l})")).format(a=a, e=e, l=l)
    raise ValueError(f"unknown phone style {style!r}; expected one of {', '.join(ALL_STYLES)}")


def write_email(address: str, rng: random.Random) -> str:
    name, domain = address.split("@")
    host, tld = domain.rsplit(".", 1)
    return rng.choice(("{n}@{h}.{t}", "{n}@{h}.{t}", "{n} at {h} dot {t}", "{n}(at){h}(dot){t}", "{n} @ {h} . {t}",
                       "{n}[@]{h}.{t}")).format(n=name, h=host, t=tld)


def write_handle(handle: str, rng: random.Random) -> str:
    platform, name = handle.split(":", 1)
    forms = {"instagram": ("IG: @{n}", "insta @{n}", "instagram @{n}"),
             "snapchat": ("snap: {n}", "SC {n}", "\U0001f47b {n}", "snapchat {n}"),
             "telegram": ("telegram @{n}", "TG: @{n}")}[platform]
    return rng.choice(forms).format(n=name)


def write_like_phone(e164: str, rng: random.Random) -> str:
    """A reference, licence or verification number that happens to look like a phone number."""
    d = e164[-10:]
    return rng.choice(("{a}-{e}-{l}", "{a}{e}{l}", "{a}.{e}.{l}", "({a}) {e}.{l}")).format(a=d[:3], e=d[3:6],
                                                                                          l=d[6:])


# ---------------------------------------------------------------------------------------------
# The site's records.

@dataclass(frozen=True)
class Voice:
    """How a poster writes: a wording template (style), a name, and favourite ways to hide a number."""
    style: int
    persona: str
    age: int
    rate: int
    phone_styles: tuple[str, ...]
    title_number: bool = False


@dataclass(frozen=True)
class Agency:
    name: str
    phones: tuple[str, ...]
    email: str | None


@dataclass(frozen=True)
class Version:
    """What an ad says as of one edit: the poster's own numbers, the agency line, the phone field."""
    phones: tuple[str, ...]
    agency: Agency | None = None
    agency_phone: str | None = None
    field: str | None = None
    note: str | None = None  # a line the edit added


@dataclass(frozen=True)
class Plan:
    """Everything the ad's wording is written from."""
    voice: Voice
    versions: tuple[Version, ...]
    emails: tuple[str, ...]
    handles: tuple[str, ...]
    # ("badge", service, "phone"|"email"|"handle", value), ("promo", handle), ("care",), ("ref", number),
    # ("licence", number, spa)
    extras: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class NetworkInfo:
    id: int
    kind: str
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Blind2Corpus(Corpus):
    plans: dict = field(default_factory=dict, repr=False)
    site: dict = field(default_factory=dict, repr=False)
    image_notes: dict = field(default_factory=dict, repr=False)

    def text(self, ad: Ad, version: int) -> AdText:
        plan = self.plans[ad.id]
        current = plan.versions[min(version, len(plan.versions) - 1)]
        rng = random.Random(ad.text_seed)
        voice = plan.voice
        tpl = random.Random(voice.style)
        titles, openers = tpl.sample(_TITLES, 3), tpl.sample(_OPENERS, 2)
        phrases, rate_fmt, stats_fmt = tpl.sample(_PHRASES, 5), tpl.choice(_RATES), tpl.choice(_STATS)
        contact_fmts, email_fmt, closing = tpl.sample(_CONTACTS, 2), tpl.choice(_EMAILS), tpl.choice(_CLOSINGS)
        agency_fmt = tpl.choice(_AGENCY_LINES)
        age = voice.age + (rng.choice((-1, 1)) if rng.random() < 0.1 else 0)
        fill = {"city": ad.city.name, "persona": voice.persona, "age": age}
        title = rng.choice(titles).format(**fill)
        intro = [rng.choice(openers).format(**fill)] + rng.sample(phrases, rng.randint(2, 4))
        rate = voice.rate + rng.choice((0, 0, 10, 20))
        stats = stats_fmt.format(age=age, inch=rng.randint(1, 9), cup=rng.choice("ABCD"))

        def written(number: str) -> str:  # the same number reads the same in every version of the ad
            prng = random.Random(f"{ad.text_seed}:{number}")
            roll = prng.random()
            styles = voice.phone_styles
            style = styles[0] if roll < 0.6 else (styles[-1] if roll < 0.9 else prng.choice(ALL_STYLES))
            return write_number(number, style, prng)

        contact = [rng.choice(contact_fmts).format(phone=written(p)) for p in current.phones]
        if current.agency is not None:
            line = agency_fmt.format(agency=current.agency.name, phone=written(current.agency_phone))
            if current.agency.email and rng.random() < 0.5:
                line += f" \u00b7 {write_email(current.agency.email, rng)}"
            contact.insert(rng.randint(0, len(contact)), line)
        for email in plan.emails:
            contact.append(email_fmt.format(email=write_email(email, rng)))
        for handle in plan.handles:
            contact.append(write_handle(handle, rng))
        if voice.title_number and current.phones:
            title = f"{title} \u260e\ufe0f {write_number(current.phones[0], 'plain', rng)}"

        extras = []
        for extra in plan.extras:
            kind = extra[0]
            if kind == "badge":
                _, svc, contact_kind, value = extra
                shown = (write_like_phone(value, rng) if contact_kind == "phone" else
                         write_email(value, rng) if contact_kind == "email" else write_handle(value, rng))
                extras.append(rng.choice(_BADGES).format(svc=svc, contact=shown))
            elif kind == "promo":
                extras.append(rng.choice(_PROMO_LINES).format(handle=write_handle(extra[1], rng)))
            elif kind == "care":
                site = self.site
                extras.append(rng.choice(_CARE_LINES).format(site=site["name"], email=write_email(site["email"], rng),
                                                             care=write_number(site["phones"][0], "plain", rng)))
            elif kind == "ref":
                extras.append(rng.choice(_REFS).format(ref=write_like_phone(extra[1], rng)))
            elif kind == "licence":
                extras.append(f"{extra[2]} \u2014 " + rng.choice(_LICENCES).format(lic=write_like_phone(extra[1], rng)))
        rng.shuffle(extras)

        for edit in range(1, version + 1):  # an edit changes the price, the wording or both
            er = random.Random(ad.text_seed * 8 + edit)
            what = er.choice(("price", "text", "both"))
            if what in ("price", "both"):
                rate += er.choice((10, 20, -10, 30))
            if what in ("text", "both"):
                intro.append(er.choice(_UPDATES))
                if er.random() < 0.3:
                    title = f"UPDATED \u2022 {title}"
        if current.note:
            intro.insert(0, current.note)
        if ad.hostile == "body":
            intro.append('New pics <img src=x onerror=alert(1)> <script>alert(1)</script>')
        if ad.hostile == "title":
            title += " <script>alert(1)</script>"
        money = rate_fmt.format(q=rate - 60, hh=rate, hr=rate + 100)
        paragraphs = [" ".join(intro), f"{money} \u00b7 {stats}", "\n".join(contact), "\n".join(extras), closing]
        field_text = None
        if current.field:
            prng = random.Random(f"field:{ad.text_seed}:{current.field}")
            field_text = write_number(current.field, "plain" if prng.random() < 0.75 else voice.phone_styles[0], prng)
        return AdText(title=title, phone=field_text, body="\n\n".join(p for p in paragraphs if p))

    def footer(self) -> str | None:
        site = self.site
        rng = random.Random(self.seed)
        return (f"\u00a9 2026 {site['name']} \u00b7 Customer care {write_number(site['phones'][0], 'plain', rng)}"
                f" \u00b7 {site['email']} \u00b7 Report abuse: {site['abuse']}")

    def truth(self) -> dict:
        sizes = Counter(ad.network for ad in self.ads)
        return {
            "generator": "bench.data.networks_blind2:generate_blind2",
            "seed": self.seed,
            "reference": _iso(REFERENCE),
            "cycle_length_seconds": int(CYCLE_LENGTH.total_seconds()),
            "site": self.site,
            "ads": {str(ad.id): {
                "network": ad.network, "kind": self.networks[ad.network].kind,
                "city": f"{ad.city.name}, {ad.city.state}", "posted_at": _iso(ad.posted_at), "appears": ad.appears,
                "edits": list(ad.edits), "removed": ad.removed, "gone_status": ad.gone_status,
                "phones": list(ad.phones), "emails": list(ad.emails), "handles": list(ad.handles),
                "versions": [{"own_phones": list(v.phones), "agency": v.agency.name if v.agency else None,
                              "agency_phone": v.agency_phone, "field": v.field} for v in self.plans[ad.id].versions],
                "extras": [list(x) for x in self.plans[ad.id].extras],
                "images": list(ad.images), "hostile": ad.hostile is not None,
            } for ad in self.ads},
            "networks": {str(n.id): {"kind": n.kind, "notes": list(n.notes), "ads": sizes[n.id]}
                         for n in self.networks},
            "images": {name: {"kind": p.kind, "content_type": p.spec.content_type, **self.image_notes.get(name, {})}
                       for name, p in self.images.items()},
        }


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------------------------------
# Building blocks: numbers and pictures.

_EXTRA_CODES = ("201", "203", "207", "208", "209", "217", "228", "231", "240", "251", "252", "253", "256", "262",
                "269", "270", "304", "307", "308", "309", "316", "319", "320", "330", "334", "336", "337", "339",
                "341", "347", "351", "352", "360", "361", "364", "386", "401", "406", "408", "409", "413", "417",
                "419", "423", "425", "430", "432", "434", "435", "440", "442", "458", "478", "479", "484")
_TOLL_FREE = ("800", "888", "877", "866", "855", "844", "833")


class _Numbers:
    """Hands out fictional numbers (NXX-555-0100..0199), each once, local to a city when it can."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.free: dict[str, list[int]] = {}
        self.city_codes = [code for city in CITIES for code in city.area_codes]
        self.extra = [c for c in _EXTRA_CODES if c not in self.city_codes]

    def _take(self, codes: list[str]) -> str | None:
        for code in codes:
            lines = self.free.get(code)
            if lines is None:
                lines = self.free[code] = self.rng.sample(range(100, 200), 100)
            if lines:
                return f"+1{code}555{lines.pop():04d}"
        return None

    def take(self, city: City | None = None, local: float = 0.8, codes: list[str] | None = None) -> str:
        rng = self.rng
        pool = list(codes) if codes else []
        if city is not None and rng.random() < local:
            pool += rng.sample(city.area_codes, len(city.area_codes))
        pool += rng.sample(self.city_codes, 4)
        number = self._take(pool) or self._take(self.city_codes + self.extra + list(_TOLL_FREE))
        if number is None:
            raise RuntimeError("every fictional number is taken; generate fewer ads")
        return number

    def reference(self) -> str:
        """A number for a reference or licence: from area codes no poster's phone uses."""
        return self.take(codes=self.rng.sample(self.extra, len(self.extra)), local=0.0)

    def toll_free(self) -> str:
        return self.take(codes=self.rng.sample(_TOLL_FREE, len(_TOLL_FREE)), local=0.0)


@dataclass(frozen=True)
class Source:
    """A picture as its owner has it, before posting: the original spec, a kind and a label."""
    key: str
    spec: ImageSpec
    kind: str  # "own", "face", "stock", "stock-face", "scene", "room", "pair"
    label: str = ""


class _Gallery:
    def __init__(self, seed: int, rng: random.Random, mirror: float):
        self.seed, self.rng, self.mirror = seed, rng, mirror
        self.images: dict[str, Photo] = {}
        self.notes: dict[str, dict] = {}
        self.pictures = 0
        self.pools: dict[tuple[object, str], list[str]] = {}
        self.keys = 0

    def _picture_id(self) -> int:
        self.pictures += 1
        return self.pictures - 1

    def own(self, camera: tuple[str, str] | None, home: City, kind: str = "own", label: str = "") -> Source:
        """A new generated picture, taken near home with camera (EXIF on some)."""
        rng = self.rng
        width, height = rng.choice(PICTURE_SIZES)
        fmt = "PNG" if rng.random() < 0.1 else "JPEG"
        exif = None
        if fmt == "JPEG" and camera and rng.random() < 0.6:
            taken = REFERENCE - timedelta(days=rng.randint(31, 200), seconds=rng.randrange(86_400))
            exif = Exif(camera[0], camera[1], taken, round(home.lat + rng.uniform(-0.06, 0.06), 6),
                        round(home.lon + rng.uniform(-0.06, 0.06), 6))
        spec = ImageSpec(self.seed, self._picture_id(), width, height, fmt, rng.choice((82, 86, 90, 94)), exif=exif)
        return self._source(spec, kind, label)

    def real(self, path: str, kind: str, label: str) -> Source:
        file, size = path.rsplit(":", 1)
        width, height = _base_size(*map(int, size.split("x")))
        spec = FaceSpec(self.seed, self._picture_id(), width, height, "JPEG", self.rng.choice((85, 90, 95)),
                        face_file=file)
        return self._source(spec, kind, label)

    def _source(self, spec: ImageSpec, kind: str, label: str) -> Source:
        self.keys += 1
        return Source(f"s{self.keys}", spec, kind, label)

    def post(self, owner: object, source: Source, how: str) -> str:
        """A name for source in an ad of owner's: "reuse" (a name owner posted before, else the
        original), "first" (the original), "copy" (the same bytes, a new name), "variant" (a mild
        edit), "carry" (a heavier edit, mirrored at times), "recompress" (quality only), "angle"
        (another shot of the same place: a different framing and light)."""
        rng = self.rng
        pool = self.pools.setdefault((owner, source.key), [])
        spec = source.spec
        if how == "reuse" and pool:
            return rng.choice(pool)
        if how in ("reuse", "first", "copy"):
            pass
        elif how == "variant":
            spec = replace(spec, format="JPEG", quality=rng.randint(55, 92), exif=None,
                           crop=tuple(round(rng.uniform(0, 0.035), 4) for _ in range(4)),
                           scale=round(rng.uniform(0.65, 1.1), 3), brightness=round(rng.uniform(0.93, 1.07), 3),
                           mirror=spec.mirror ^ (rng.random() < 0.04))
        elif how == "carry":
            spec = replace(spec, format="PNG" if rng.random() < 0.06 else "JPEG", quality=rng.randint(45, 90),
                           exif=None, crop=tuple(round(rng.uniform(0, 0.07), 4) for _ in range(4)),
                           scale=round(rng.uniform(0.55, 1.2), 3), brightness=round(rng.uniform(0.88, 1.12), 3),
                           mirror=spec.mirror ^ (rng.random() < self.mirror))
        elif how == "recompress":
            spec = replace(spec, format="JPEG", quality=rng.randint(40, 85), exif=None,
                           scale=1.0 if rng.random() < 0.5 else round(rng.uniform(0.75, 1.0), 3))
        elif how == "angle":
            sides = rng.sample(range(4), rng.randint(1, 2))
            spec = replace(spec, format="JPEG", quality=rng.randint(60, 92), exif=None,
                           crop=tuple(round(rng.uniform(0.04, 0.14) if i in sides else rng.uniform(0, 0.02), 4)
                                      for i in range(4)),
                           scale=round(rng.uniform(0.7, 1.1), 3), brightness=round(rng.uniform(0.85, 1.15), 3))
        else:
            raise ValueError(f"unknown way to post a picture: {how!r}")
        name = self._name(spec)
        kind = source.kind if how in ("reuse", "first") else f"{source.kind}-{how}"
        self.images[name] = Photo(name, spec, kind)
        self.notes[name] = {"source": source.key, "label": source.label, "how": how if how != "reuse" else "first",
                            "face_file": getattr(spec, "face_file", "") or None}
        pool.append(name)
        return name

    def bad(self, kind: str) -> str:
        spec = ImageSpec(self.seed, self._picture_id(), 640, 480, "PNG" if kind == "bomb" else "JPEG", bad=kind)
        name = self._name(spec)
        self.images[name] = Photo(name, spec, f"bad-{kind}")
        self.notes[name] = {"source": None, "label": "broken upload"}
        return name

    def _name(self, spec: ImageSpec) -> str:
        ext = "png" if spec.format == "PNG" else self.rng.choice(("jpg", "jpg", "jpeg"))
        while True:
            name = f"{self.rng.getrandbits(60):015x}.{ext}"
            if name not in self.images:
                return name


@dataclass
class _Draft:
    net: int
    when: datetime
    city: City
    voice: Voice
    versions: list[Version]
    emails: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    images: list[str] = field(default_factory=list)
    extras: list[tuple] = field(default_factory=list)
    group: object = None  # ads taken down together
    swap_to: str | None = None  # the number an edit would switch to
    own: tuple[str, ...] = ()  # the poster's own numbers, for an edit that drops an agency line


@dataclass
class _Person:
    """A woman as her photos show her: generated pictures, and maybe a real face's photos."""
    sources: list[Source]
    camera: tuple[str, str] | None
    identity: str | None = None


# ---------------------------------------------------------------------------------------------
# The world.

def generate_blind2(ads: int, seed: int) -> Blind2Corpus:
    """A held-out site of `ads` fictional ads, the same for the same (ads, seed)."""
    if ads < 1:
        raise ValueError(f"ads must be at least 1, not {ads}")
    return _World(ads, seed).build()


class _World:
    def __init__(self, ads: int, seed: int):
        self.n, self.seed = ads, seed
        self.rng = rng = random.Random(f"adgraph-blind2/{ads}/{seed}")
        u = rng.uniform
        self.cfg = {
            "rotating": u(0.14, 0.38), "face": u(0.03, 0.09), "small": u(0.14, 0.3), "late": u(0.03, 0.12),
            "agency": u(0.06, 0.3), "spa": u(0.02, 0.09), "stock": u(0.04, 0.16), "stock_face": u(0.01, 0.05),
            "room": u(0.03, 0.14), "copied": u(0.04, 0.2), "badge": u(0.02, 0.12), "promo": u(0.02, 0.1),
            "care": u(0.005, 0.05), "ref": u(0.02, 0.1), "mirror": u(0.05, 0.35), "remove": u(0.05, 0.15),
            "edit": u(0.06, 0.18), "swap": u(0.2, 0.6), "ongoing": u(0.08, 0.3), "field": u(0.3, 0.65),
            "run": rng.choice(((2, 5), (3, 7), (2, 9), (4, 10))), "recycled": rng.choice((0, 1, 1, 2)),
            "gone410": u(0.2, 0.8),
        }
        self.numbers = _Numbers(random.Random(rng.getrandbits(64)))
        self.gallery = _Gallery(seed, random.Random(rng.getrandbits(64)), self.cfg["mirror"])
        self.drafts: list[_Draft] = []
        self.networks: list[NetworkInfo] = []
        self.burners: list[tuple[str, datetime]] = []  # (number, last used) of runs long over
        self.names: set[str] = set()

    # -- the site's shared things ------------------------------------------------------------
    def _shared(self) -> None:
        rng, n, cfg = self.rng, self.n, self.cfg
        name = rng.choice(_SITES)
        slug = name.lower().replace(" ", "")
        phones = [self.numbers.toll_free()] + ([self.numbers.toll_free()] if rng.random() < 0.4 else [])
        self.site = {"name": name, "phones": phones, "email": f"{slug}.care@example.net",
                     "abuse": f"abuse-{slug}@example.org"}
        agencies = []
        for agency_name in rng.sample(_AGENCY_NAMES, min(len(_AGENCY_NAMES), max(1, round(n / rng.uniform(220, 520))))):
            home = rng.choice(CITIES)
            lines = tuple(self.numbers.take(home) for _ in range(1 if rng.random() < 0.75 else 2))
            mail = f"{agency_name.split()[0].lower()}.bookings@{rng.choice(('example.com', 'example.org'))}"
            agencies.append(Agency(agency_name, lines, mail if rng.random() < 0.4 else None))
        self.agencies = agencies
        self.spas = [(spa, self.numbers.reference(), rng.choice(CITIES))
                     for spa in rng.sample(_SPA_NAMES, min(len(_SPA_NAMES), max(1, round(n * cfg["spa"] / 12))))]
        self.promos = [f"{rng.choice(('instagram', 'instagram', 'snapchat', 'telegram'))}:"
                       f"{rng.choice(('vipgirls', 'hotlist', 'nightguide', 'bestof', 'topdolls'))}_"
                       f"{rng.choice(('promo', 'daily', 'usa', 'ads', 'plug'))}{rng.randint(1, 99)}"
                       for _ in range(rng.randint(1, 3))]
        self.badges = []
        for svc in rng.sample(_BADGE_NAMES, rng.randint(1, 2)):
            slug = svc.lower().replace(" ", "")
            self.badges.append((svc, (("phone", self.numbers.toll_free()), ("email", f"{slug}.verify@example.com"),
                                      ("handle", f"instagram:{slug}_official"))))
        self.popular = [rng.getrandbits(32) for _ in range(rng.randint(3, 6))]  # wording copied site-wide
        self.stock = [self.gallery.own(None, rng.choice(CITIES), "stock", "stock picture")
                      for _ in range(max(4, n // 110))]
        self.stock += [self.gallery.real(path, "scene", "stock scene")
                       for path in rng.sample(_SCENES, rng.randint(2, 5))]
        self.rooms = [(self.gallery.own(None, rng.choice(CITIES), "room", "hotel room"), rng.choice(CITIES))
                      for _ in range(max(3, n // 160))]
        # Real faces: each person belongs to one network, except the stock faces many posters steal.
        units = [(who,) for who in _IDENTITIES if not any(who in pair for pair in _PAIRS)] + list(_PAIRS)
        rng.shuffle(units)
        several = [u for u in units if len(u) == 1 and len(_IDENTITIES[u[0]]) >= 2]
        stock_units = several[:rng.randint(1, 2)]
        self.stock_faces = [self.gallery.real(f"identities/{who}/{path}", "stock-face", f"stock face {who}")
                            for (who,) in stock_units for path in _IDENTITIES[who]]
        self.units = [u for u in units if u not in stock_units]

    def _take_unit(self, least: int, pair: bool = False) -> tuple[str, ...] | None:
        for unit in self.units:
            if (len(unit) == 2) != pair:
                continue
            if min(len(_IDENTITIES[who]) for who in unit) >= least:
                self.units.remove(unit)
                return unit
        return None

    def _face_sources(self, who: str) -> list[Source]:
        return [self.gallery.real(f"identities/{who}/{path}", "face", who) for path in _IDENTITIES[who]]

    # -- helpers -------------------------------------------------------------------------------
    def _voice(self, hidden: float, persona: str | None = None, style: int | None = None,
               copied: float = 0.0) -> Voice:
        rng = self.rng
        weights = _HIDDEN_STYLES if rng.random() < hidden else _OPEN_STYLES
        names = list(weights)
        favourite = rng.choices(names, [weights[s] for s in names])[0]
        second = rng.choices(names, [weights[s] for s in names])[0]
        if style is None:
            style = rng.choice(self.popular) if rng.random() < copied else rng.getrandbits(32)
        return Voice(style, persona or rng.choice(_PERSONAS), rng.randint(20, 33), rng.randrange(120, 320, 10),
                     (favourite, second), rng.random() < 0.05)

    def _person(self, home: City, pictures: int) -> _Person:
        rng = self.rng
        camera = rng.choice(CAMERAS) if rng.random() < 0.6 else None
        return _Person([self.gallery.own(camera, home) for _ in range(pictures)], camera)

    def _contact(self) -> tuple[str | None, str | None]:
        """A made-up email and handle (either may be None), never one another poster uses."""
        rng = self.rng
        name = "".join(rng.sample(_BITS, 2)) + str(rng.randint(1, 999))
        while name in self.names:
            name = "".join(rng.sample(_BITS, 2)) + str(rng.randint(1, 999))
        self.names.add(name)
        email = f"{name}@{rng.choice(('example.com', 'example.org', 'example.net'))}" if rng.random() < 0.3 else None
        handle = (f"{rng.choice(('instagram', 'snapchat', 'snapchat', 'telegram'))}:{name}"
                  if rng.random() < 0.32 else None)
        return email, handle

    def _tour(self, home: City, stops: int) -> list[City]:
        return [home] + self.rng.sample([c for c in CITIES if c is not home], stops - 1)

    def _window(self, count: int, late: bool, days: tuple[float, float], ongoing: float) -> list[datetime]:
        """count posting times, ascending: before the first crawl, running past it now and then,
        or (late) all after it."""
        rng = self.rng
        if late:
            start = REFERENCE + timedelta(hours=rng.uniform(0.5, 20))
            end = min(start + timedelta(days=rng.uniform(0.1, 2.2)), REFERENCE + 3 * DAY - timedelta(minutes=5))
        else:
            length = timedelta(days=rng.uniform(*days))
            if rng.random() < ongoing:
                end = REFERENCE + timedelta(days=rng.uniform(0.05, 2.9))
                start = max(START, end - length)
            else:
                end = REFERENCE - timedelta(hours=rng.uniform(0.5, 24 * 20))
                start = max(START, end - length)
                if start >= end:
                    start = end - timedelta(hours=1)
        span = (end - start).total_seconds()
        return sorted(start + timedelta(seconds=rng.uniform(0, span)) for _ in range(count))

    def _net(self, kind: str, *notes: str) -> int:
        nid = len(self.networks)
        self.networks.append(NetworkInfo(nid, kind, tuple(notes)))
        return nid

    def _shots(self, owner: object, person: _Person, count: int, used_before: set[str], used_now: set[str],
               profile: float = 0.6) -> list[str]:
        """count of person's pictures in one ad: mostly her first two (her profile shots)."""
        rng = self.rng
        sources = person.sources
        picks: list[Source] = []
        while len(picks) < min(count, len(sources)):
            pool = sources[:2] if rng.random() < profile else sources
            pick = rng.choice(pool)
            if pick not in picks:
                picks.append(pick)
        names = []
        for src in picks:
            if src.key in used_now:
                how = rng.choices(("reuse", "copy", "variant"), (5, 3, 2))[0]
            elif src.key in used_before:
                how = rng.choices(("carry", "copy", "reuse"), (6, 2.5, 1.5))[0]
            else:
                how = "first"
            names.append(self.gallery.post(owner, src, how))
            used_now.add(src.key)
        return names

    def _decorate_common(self, draft: _Draft, stock: bool, room: bool, stock_face: bool) -> None:
        rng = self.rng
        if stock and rng.random() < 0.7:
            src = rng.choice(self.stock)
            draft.images.insert(rng.randint(0, len(draft.images)),
                                self.gallery.post(("stock", draft.net, src.key), src,
                                                  "copy" if rng.random() < 0.6 else "recompress"))
        if room and rng.random() < 0.6:
            local = [r for r, city in self.rooms if city is draft.city] or [r for r, _ in self.rooms]
            src = rng.choice(local)
            draft.images.append(self.gallery.post(("room", draft.net), src, "angle"))
        if stock_face and self.stock_faces and rng.random() < 0.8:
            src = rng.choice(self.stock_faces[:4] if rng.random() < 0.6 else self.stock_faces)
            draft.images.insert(0, self.gallery.post(("sf", draft.net), src,
                                                     rng.choice(("copy", "copy", "recompress", "variant"))))

    # -- the kinds of network ------------------------------------------------------------------
    def rotating(self, size: int, late: bool) -> None:
        rng, cfg = self.rng, self.cfg
        home = rng.choice(CITIES)
        cities = self._tour(home, rng.randint(2, 5))
        victims = [self._person(home, rng.randint(3, 7)) for _ in range(min(8, 2 + rng.randint(0, 1 + size // 40)))]
        notes = ["runs"]
        if rng.random() < 0.5:
            unit = (self._take_unit(2, pair=True) if rng.random() < 0.4 else None) or self._take_unit(3)
            if unit:
                for person, who in zip(victims, unit):
                    person.identity = who
                    person.sources = self._face_sources(who) + person.sources[:rng.randint(0, 2)]
                    rng.shuffle(person.sources)
                    notes.append(f"face {who}")
                if unit in _PAIRS:
                    together = [self.gallery.real(p, "pair", " + ".join(unit)) for p in _PAIRS[unit]]
                    victims[0].sources += together
                    victims[1].sources += together
        nid = self._net("late" if late else "rotating", *notes)
        main = self.numbers.take(home) if rng.random() < 0.45 else None
        main_share = rng.uniform(0.05, 0.3)
        email, handle = self._contact()
        email_share, handle_share = rng.uniform(0.05, 0.35), rng.uniform(0.05, 0.35)
        voices = [self._voice(0.8, copied=cfg["copied"] / 2) for _ in range(rng.randint(1, 3))]
        lo, hi = cfg["run"]
        runs = []
        left = size
        while left > 0:
            length = min(left, rng.randint(lo, hi))
            runs.append(length)
            left -= length
        times = self._window(size, late, (10, 30), 0.6)
        stock, room = rng.random() < cfg["stock"], rng.random() < cfg["room"] * 1.5
        seen: list[int] = []
        used_before: set[str] = set()
        previous = None
        at = 0
        run_drafts: list[list[_Draft]] = []
        run_burners: list[str] = []
        for r, length in enumerate(runs):
            city = cities[min(len(cities) - 1, r * len(cities) // len(runs))]
            if rng.random() < 0.2:
                city = rng.choice(cities)
            burner = self.numbers.take(city, local=0.5)
            voice = rng.choice(voices)
            personas = {}
            unseen = [i for i in range(len(victims)) if i not in seen]
            clean = bool(seen and unseen) and rng.random() < 0.04  # a run that shares nothing with the others
            if clean:
                featured = [rng.choice(unseen)]
            elif seen and rng.random() < 0.85:
                featured = [rng.choice(seen)]
            else:
                fresh = [i for i in range(len(victims)) if i not in seen] or list(range(len(victims)))
                featured = [rng.choice(fresh)]
            if not clean and rng.random() < 0.35:
                other = rng.randrange(len(victims))
                if other not in featured:
                    featured.append(other)
            linked = r == 0 or any(i in seen for i in featured)
            overlap = previous is not None and not clean and (rng.random() < 0.25 or not linked)
            used_now: set[str] = set()
            drafts = []
            for k in range(length):
                who = rng.choice(featured)
                person = victims[who]
                persona = personas.setdefault(who, rng.choice(_PERSONAS))
                phones = [burner]
                if overlap and k == 0:
                    phones.append(previous)
                if main and not clean and rng.random() < main_share:
                    phones.append(main)
                phones = tuple(dict.fromkeys(phones))
                d = _Draft(nid, times[at], city, replace(voice, persona=persona), [Version(phones)], group=(nid, r))
                at += 1
                if email and not clean and rng.random() < email_share:
                    d.emails = (email,)
                if handle and not clean and rng.random() < handle_share:
                    d.handles = (handle,)
                d.images = self._shots(nid, person, rng.randint(1, 4), used_before, used_now, profile=0.5)
                self._decorate_common(d, stock, room, False)
                drafts.append(d)
            if r > 0 and any(i in seen for i in featured):
                carried = [s.key for i in featured if i in seen for s in victims[i].sources if s.key in used_before]
                if not any(key in used_now for key in carried):  # show at least one earlier photo again
                    i = next(i for i in featured if i in seen)
                    earlier = [s for s in victims[i].sources if s.key in used_before]
                    if earlier:
                        src = rng.choice(earlier)
                        drafts[rng.randrange(len(drafts))].images.append(self.gallery.post(nid, src, "carry"))
                        used_now.add(src.key)
            used_before |= used_now
            seen.extend(i for i in featured if i not in seen)
            run_drafts.append(drafts)
            run_burners.append(burner)
            previous = burner
        for r, drafts in enumerate(run_drafts):
            following = run_burners[r + 1] if r + 1 < len(run_burners) else None
            for d in drafts:
                d.swap_to = following
            self.drafts.extend(drafts)
            if drafts[-1].when < REFERENCE - 12 * DAY and r + 1 < len(run_drafts):
                self.burners.append((run_burners[r], drafts[-1].when))

    def face_linked(self, size: int, late: bool, unit: tuple[str, ...]) -> None:
        rng, cfg = self.rng, self.cfg
        who = unit[0]
        photos = self._face_sources(who)
        rng.shuffle(photos)
        cells = 2 if len(photos) < 4 or size < 6 else rng.choice((2, 2, 3))
        nid = self._net("late" if late else "face-linked", f"face {who}", f"{cells} parts")
        sizes = [2] * cells
        for _ in range(size - 2 * cells):
            sizes[rng.randrange(cells)] += 1
        cities = rng.sample(CITIES, cells)
        for c in range(cells):
            part = photos[c::cells]
            city = cities[c]
            person = _Person(part + [self.gallery.own(None, city) for _ in range(rng.randint(0, 2))],
                             rng.choice(CAMERAS) if rng.random() < 0.5 else None, who)
            number = self.numbers.take(city)
            second = self.numbers.take(city) if rng.random() < 0.3 else None
            email, handle = self._contact() if rng.random() < 0.5 else (None, None)
            voice = self._voice(0.5, copied=cfg["copied"])
            times = self._window(sizes[c], late, (3, 20), cfg["ongoing"])
            used: set[str] = set()
            for k in range(sizes[c]):
                phones = (number, second) if second and rng.random() < 0.4 else (number,)
                d = _Draft(nid, times[k], city, voice, [Version(phones)], group=(nid, c))
                d.emails = (email,) if email and rng.random() < 0.7 else ()
                d.handles = (handle,) if handle and rng.random() < 0.7 else ()
                d.images = self._shots((nid, c), person, rng.randint(1, 3), set(), used, profile=0.7)
                if not any(self.gallery.notes[name]["face_file"] for name in d.images):
                    d.images.insert(0, self.gallery.post((nid, c), rng.choice(part), "reuse"))
                self.drafts.append(d)

    def small(self, size: int, late: bool) -> None:
        rng, cfg = self.rng, self.cfg
        home = rng.choice(CITIES)
        cities = self._tour(home, rng.randint(1, 3))
        people = [self._person(home, rng.randint(2, 5)) for _ in range(1 + (rng.randint(0, 2) if size > 4 else 0))]
        notes = []
        if rng.random() < 0.2:
            unit = self._take_unit(2)
            if unit:
                people[0].sources = self._face_sources(unit[0])[:rng.randint(2, 5)] + people[0].sources[:1]
                people[0].identity = unit[0]
                notes.append(f"face {unit[0]}")
        nid = self._net("late" if late else "small", *notes)
        main = self.numbers.take(home)
        second = self.numbers.take(rng.choice(cities)) if rng.random() < 0.4 else None
        second_share = rng.uniform(0.2, 0.6)
        email, handle = self._contact()
        email_share = rng.uniform(0.4, 1.0)
        voices = [self._voice(0.5, copied=cfg["copied"]) for _ in range(1 if rng.random() < 0.8 else 2)]
        agency = rng.choice(self.agencies) if rng.random() < 0.08 else None
        stock, room = rng.random() < cfg["stock"], rng.random() < cfg["room"]
        times = self._window(size, late, (4, 28), cfg["ongoing"])
        used: set[str] = set()
        for k in range(size):
            city = cities[min(len(cities) - 1, k * len(cities) // size)]
            phones = (main,)
            if second and rng.random() < second_share:
                phones = (main, second) if rng.random() < 0.5 else (second,)
            version = Version(phones)
            if agency and rng.random() < 0.5:
                version = Version(phones, agency, rng.choice(agency.phones))
            d = _Draft(nid, times[k], city, rng.choice(voices), [version], group=(nid, k // 3))
            d.emails = (email,) if email and rng.random() < email_share else ()
            d.handles = (handle,) if handle and rng.random() < 0.6 else ()
            d.images = self._shots(nid, rng.choice(people), rng.randint(1, 4), set(), used)
            self._decorate_common(d, stock, room, False)
            self.drafts.append(d)

    def independent(self, size: int, recycled: str | None = None, after: datetime | None = None) -> None:
        rng, cfg = self.rng, self.cfg
        home = rng.choice(CITIES)
        cities = self._tour(home, 1 if size < 3 else rng.randint(1, 2))
        person = self._person(home, rng.randint(1, 4))
        notes = []
        if rng.random() < 0.08:
            unit = self._take_unit(1)
            if unit:
                person.sources = self._face_sources(unit[0])[:rng.randint(1, 3)] + person.sources[:2]
                person.identity = unit[0]
                notes.append(f"face {unit[0]}")
        agency = rng.choice(self.agencies) if self.agencies and rng.random() < cfg["agency"] else None
        switch_to = None
        if agency and size >= 2 and len(self.agencies) > 1 and rng.random() < 0.3:
            switch_to = rng.choice([a for a in self.agencies if a is not agency])
            notes.append(f"moved from {agency.name} to {switch_to.name}")
        elif agency:
            notes.append(f"books through {agency.name}")
        spa = rng.choice(self.spas) if self.spas and rng.random() < cfg["spa"] else None
        if spa:
            notes.append(f"works at {spa[0]}")
            cities = [spa[2]]
        if recycled:
            notes.append("number used before by someone else")
        nid = self._net("agency-client" if agency else "independent", *notes)
        number = recycled or self.numbers.take(home, local=0.9)
        later = self.numbers.take(home) if size >= 2 and rng.random() < 0.12 else None
        email, handle = self._contact()
        voice = self._voice(0.25, copied=cfg["copied"])
        if agency and rng.random() < 0.4:
            voice = replace(voice, style=random.Random(agency.name).getrandbits(32))  # the agency writes her ads
        on_share = rng.uniform(0.25, 0.9)
        stock, room, stock_face = (rng.random() < cfg["stock"], rng.random() < cfg["room"],
                                   rng.random() < cfg["stock_face"])
        if recycled and after:
            times = sorted(after + timedelta(days=rng.uniform(8, 14), hours=rng.uniform(0, 30 * k))
                           for k in range(size))
            times = [min(t, REFERENCE + 2 * DAY) for t in times]
        else:
            times = self._window(size, False, (1, 25), cfg["ongoing"])
        used: set[str] = set()
        for k in range(size):
            city = cities[min(len(cities) - 1, k * len(cities) // size)]
            phones = (number,)
            if later and k >= size // 2:
                phones = (later,) if rng.random() < 0.6 else (number, later)
            version = Version(phones)
            booked = switch_to if switch_to and k >= size // 2 else agency
            if booked and rng.random() < on_share:
                version = Version(phones if rng.random() < 0.55 else (), booked, rng.choice(booked.phones))
            d = _Draft(nid, times[k], city, voice, [version], group=(nid, k), own=phones)
            d.emails = (email,) if email and rng.random() < 0.75 else ()
            d.handles = (handle,) if handle and rng.random() < 0.75 else ()
            d.images = self._shots(nid, person, rng.randint(1, 4), set(), used, profile=0.7)
            if spa and rng.random() < 0.85:
                d.extras.append(("licence", spa[1], spa[0]))
            self._decorate_common(d, stock, room, stock_face)
            if not d.images:
                d.images = [self.gallery.post(nid, person.sources[0], "reuse")]
            self.drafts.append(d)

    # -- putting it together -------------------------------------------------------------------
    def build(self) -> Blind2Corpus:
        rng, n, cfg = self.rng, self.n, self.cfg
        self._shared()
        specs: list[tuple[str, int]] = []  # (kind, size) of the operations
        budget = round(n * cfg["rotating"]) if n >= 60 else 0
        lo, hi = max(10, n // 120), max(18, n // 28)
        while budget >= lo:
            size = min(budget, rng.randint(lo, hi))
            specs.append(("rotating", size))
            budget -= size
        faces_left = sum(1 for u in self.units if len(u) == 1 and len(_IDENTITIES[u[0]]) >= 2)
        budget = round(n * cfg["face"]) if n >= 40 else 0
        face_ops = 0
        while budget >= 4 and face_ops < max(1, faces_left - 6):
            size = min(budget, rng.randint(4, 12))
            specs.append(("face-linked", size))
            budget -= size
            face_ops += 1
        budget = round(n * cfg["small"]) + budget
        while budget >= 2:
            size = min(budget, rng.choices((rng.randint(2, 4), rng.randint(5, 8), rng.randint(9, 14)), (6, 3, 1))[0])
            specs.append(("small", size))
            budget -= size
        late_count = min(len(specs), max(1 if specs else 0, round(len(specs) * cfg["late"])))
        late = set(rng.sample(range(len(specs)), late_count))
        order = list(range(len(specs)))
        rng.shuffle(order)
        face_first = sorted(order, key=lambda i: specs[i][0] != "face-linked")  # they need the faces most
        for i in face_first:
            kind, size = specs[i]
            if kind == "face-linked":
                unit = self._take_unit(2)
                if unit is None or len(unit) != 1:
                    self.small(size, i in late)
                else:
                    self.face_linked(size, i in late, unit)
            elif kind == "rotating":
                self.rotating(size, i in late)
            else:
                self.small(size, i in late)
        left = n - len(self.drafts)
        recycle = cfg["recycled"] * (1 + n // 2000)
        while left > 0:
            size = min(left, rng.choices((1, 2, 3, rng.randint(4, 8)), (55, 20, 10, 15))[0])
            if recycle and self.burners and size <= 3:
                number, last = self.burners.pop(rng.randrange(len(self.burners)))
                self.independent(size, recycled=number, after=last)
                recycle -= 1
            else:
                self.independent(size)
            left -= size
        self._extras()
        return self._assemble()

    def _extras(self) -> None:
        """Badges, promoters, the site's own lines and reference numbers, network by network."""
        rng, cfg = self.rng, self.cfg
        by_net: dict[int, list[_Draft]] = {}
        for d in self.drafts:
            by_net.setdefault(d.net, []).append(d)
        for nid, drafts in by_net.items():
            badge = rng.choice(self.badges) if rng.random() < cfg["badge"] else None
            badge_contact = rng.choice(badge[1]) if badge else None
            promo = rng.choice(self.promos) if rng.random() < cfg["promo"] else None
            ref = rng.random() < cfg["ref"]
            member = self.numbers.reference() if ref and rng.random() < 0.4 else None
            for d in drafts:
                if badge and rng.random() < 0.75:
                    d.extras.append(("badge", badge[0], *badge_contact))
                if promo and rng.random() < 0.6:
                    d.extras.append(("promo", promo))
                if ref and rng.random() < 0.8:
                    d.extras.append(("ref", member or self.numbers.reference()))
                if rng.random() < cfg["care"]:
                    d.extras.append(("care",))

    def _assemble(self) -> Blind2Corpus:
        rng, cfg = self.rng, self.cfg
        order = sorted(range(len(self.drafts)), key=lambda i: (self.drafts[i].when, i))
        group_removal: dict[object, int | None] = {}
        next_id = 260_000 + rng.randrange(40_000)
        ads, plans = [], {}
        for i in order:
            d = self.drafts[i]
            appears = 0 if d.when < REFERENCE else min(3, 1 + int((d.when - REFERENCE) / DAY))
            # Removals: some groups (a run, a poster's stretch) come down together, others one by one.
            if d.group not in group_removal:
                group_removal[d.group] = (rng.choices((1, 2, 3, 4), (4, 3, 2, 1))[0]
                                          if rng.random() < cfg["remove"] * 1.2 else None)
            removed = group_removal[d.group] if rng.random() < 0.85 else None
            if removed is None and rng.random() < cfg["remove"] / 2:
                removed = rng.randint(1, LAST_EVENT_CYCLE)
            if removed is not None and removed <= appears:
                removed = None if rng.random() < 0.7 else min(LAST_EVENT_CYCLE, appears + 1)
                if removed is not None and removed <= appears:
                    removed = None
            last = (removed - 1) if removed is not None else LAST_EVENT_CYCLE
            edits: tuple[int, ...] = ()
            if last > appears and rng.random() < cfg["edit"]:
                first = appears + 1 if rng.random() < 0.6 else rng.randint(appears + 1, last)
                edits = (first,)
                if first < last and rng.random() < 0.15:
                    edits = (first, rng.randint(first + 1, last))
            versions = list(d.versions)
            for _ in edits:
                versions.append(self._edited(d, versions[-1]))
            field_on = rng.random() < cfg["field"]
            versions = [replace(v, field=(v.phones[0] if v.phones and not (v.agency and rng.random() < 0.5)
                                          else v.agency_phone) if field_on else None) for v in versions]
            images = list(d.images)
            if rng.random() < 0.004:
                images.insert(rng.randint(0, len(images)), self.gallery.bad(rng.choice(BAD_IMAGE_KINDS)))
            hostile = rng.choice(("title", "body")) if rng.random() < 0.003 else None
            phones = []
            for v in versions:
                phones.extend(v.phones)
                if v.agency_phone:
                    phones.append(v.agency_phone)
            phones.extend(x[-1] if x[0] != "licence" else x[1] for x in d.extras
                          if x[0] in ("ref", "licence") or (x[0] == "badge" and x[2] == "phone"))
            if any(x[0] == "care" for x in d.extras):
                phones.append(self.site["phones"][0])
            emails = list(d.emails) + [v.agency.email for v in versions if v.agency and v.agency.email]
            emails += [x[3] for x in d.extras if x[0] == "badge" and x[2] == "email"]
            handles = list(d.handles) + [x[1] for x in d.extras if x[0] == "promo"]
            handles += [x[3] for x in d.extras if x[0] == "badge" and x[2] == "handle"]
            ad = Ad(id=next_id, network=d.net, city=d.city, posted_at=d.when.replace(microsecond=0), appears=appears,
                    edits=edits, edited_at=tuple(REFERENCE + (c - 1) * DAY + timedelta(seconds=rng.randrange(86_400))
                                                 for c in edits),
                    removed=removed, gone_status=(410 if rng.random() < cfg["gone410"] else 404) if removed else None,
                    phones=tuple(dict.fromkeys(phones)), phone_field=field_on,
                    emails=tuple(dict.fromkeys(emails)), handles=tuple(dict.fromkeys(handles)),
                    images=tuple(images), hostile=hostile, text_seed=rng.getrandbits(48))
            ads.append(ad)
            plans[ad.id] = Plan(d.voice, tuple(versions), d.emails, d.handles, tuple(d.extras))
            next_id += rng.choices((1, 2, 3, rng.randint(4, 40)), (5, 3, 2, 1))[0]
        return Blind2Corpus(seed=self.seed, ads=tuple(ads), networks=tuple(self.networks),
                            images=self.gallery.images, plans=plans, site=self.site, image_notes=self.gallery.notes)

    def _edited(self, d: _Draft, before: Version) -> Version:
        """The next version of an ad: the same contacts, or (sometimes) a number swapped."""
        rng, cfg = self.rng, self.cfg
        if not before.phones and before.agency is None:
            return before
        if rng.random() >= cfg["swap"]:
            return replace(before, note=None)
        kind = self.networks[d.net].kind
        if before.agency is not None and rng.random() < 0.5:  # the agency line comes off, her own goes on
            own = before.phones or d.own or d.versions[0].phones or (self.numbers.take(d.city),)
            return Version(own, note=rng.choice(_SWAP_NOTES))
        if not before.phones:
            return before
        if kind in ("rotating", "late") and d.swap_to:
            new = d.swap_to
        else:
            new = self.numbers.take(d.city)
        phones = (new,) + before.phones[1:] if rng.random() < 0.75 else before.phones + (new,)
        return replace(before, phones=tuple(dict.fromkeys(phones)), note=rng.choice(_SWAP_NOTES))
