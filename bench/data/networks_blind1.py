"""Blind network set #1: an escort-ad site written independently of the linking rules.

HELD OUT: written 2026-12-03 by a helper session that never read the linking rules or the hard
profile, and NOT RUN YET. Do not read past this docstring while tuning linking; run it once with
`bench/networks.py --generator bench.data.networks_blind1:generate_blind` when the rules are final,
and record what comes out in bench/RESULTS.md as it is.

    --generator data.networks_blind1:generate_blind        (bench/ on sys.path)
    --generator bench.data.networks_blind1:generate_blind  (the repository root on sys.path)

`generate_blind(ads, seed)` returns a `BlindCorpus` (a crawler.demosite.corpus.Corpus) that the
demo site serves like its own corpora: the same (ads, seed) gives the same corpus in every
process. Its wording and footer are its own (`BlindCorpus.text`, `BlindCorpus.footer`), and
`truth()` names a kind per network: "single" (1 ad), "small" (2-3), "medium" (4-9), "large" (10+).

What is on the site (proportions are drawn from the seed):

- single-ad posters (10-22% of the ads), most with a number of their own, some showing a stock
  photo only, some their own photo, a few booking through an agency line;
- small and medium operations with one or two numbers, or a new number on every ad (then only
  their photos, email or handle tie them), their own photos re-posted byte for byte, re-uploaded,
  re-compressed, resized, cropped or mirrored;
- large operations of 10-60 ads (22-42% of the ads) that rotate burner phones in runs of ads
  (runs sometimes overlap: an ad lists the old and the new number, or runs interleave; an edit can
  swap an ad's number for the next burner), post one to five victims' photo sets across the runs,
  and sometimes keep an email, a social handle or a main line across runs;
- real face photos (the shared face set, ../shared/data/faces, read in place at serving time)
  as some victims' photos: different photos of one person in one operation, never one person in
  two unrelated operations, except the stock faces below;
- confounders shared by unrelated posters: stock photos (generated pictures, two or three real
  faces, real scenes) used by many posters, identical, re-compressed per ad, or cropped/mirrored;
  the site's customer-care phone and email in the footer of every page and in the body of
  verified advertisers' ads; the site's ad desk number and a phone-shaped licence number on
  featured ads; two to six booking agencies whose line (and sometimes email) a few unrelated
  posters put on some of their ads; promo social handles; per-ad reference numbers written like
  phones ("Ref #2125550143", "ID: 3105550188"); shared posting kits (titles, openers, whole
  paragraphs copied verbatim) and common persona names;
- ads posted over the 30 days before cycle 0 and in cycles 1-3, edited and removed in cycles
  1-4, whole operations appearing late or going dark, and a few broken images.

Every phone number is fictional (NANP NXX-555-0100..0199) and every email address is at
example.com/.org/.net. Own numbers and reference numbers come from disjoint area codes, so a
reference number never equals anyone's phone. Face photos are never copied into the project: the
demo site's renderer is wrapped (once, in this process) so that a `FaceSpec` is drawn from the
file in the shared folder; without that folder a face picture falls back to a generated picture.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageEnhance, ImageOps

from crawler.demosite import images as demo_images
from crawler.demosite.corpus import (CAMERAS, CITIES, CYCLE_LENGTH, LAST_EVENT_CYCLE, PICTURE_SIZES, REFERENCE, Ad,
                                     City, Corpus, Exif, ImageSpec, Network, Photo)
from crawler.demosite.text import PHONE_STYLES, AdText, write_email, write_handle, write_phone

ROOT = Path(__file__).resolve().parents[2]
FACES = ROOT.parent / "shared" / "data" / "faces"
FACE_PICTURE_BASE = 5_000_000  # picture numbers of face photos, apart from generated pictures

# Victim photo sets: identity -> files under identities/<identity>/ (names from the shared manifest).
VICTIM_FACES: dict[str, tuple[str, ...]] = {
    "deepface_p01": ("img1.jpg", "img2.jpg", "img4.jpg", "img5.jpg", "img6.jpg", "img7.jpg", "img10.jpg",
                     "img11.jpg", "img11_reflection.jpg"),
    "deepface_p02": ("img26.jpg", "img27.jpg", "img28.jpg", "img42.jpg", "img43.jpg", "img44.jpg", "img45.jpg",
                     "img46.jpg"),
    "deepface_p03": ("img8.jpg", "img9.jpg", "img47.jpg", "img48.jpg", "img49.jpg", "img50.jpg", "img51.jpg"),
    "deepface_p04": ("img3.jpg", "img12.jpg", "img53.jpg", "img54.jpg", "img55.jpg", "img56.jpg"),
    "deepface_p05": ("img13.jpg", "img14.jpg", "img15.jpg", "img57.jpg", "img58.jpg"),
    "deepface_p06": ("img16.jpg", "img17.jpg", "img59.jpg", "img61.jpg", "img62.jpg"),
    "deepface_p07": ("img29.jpg", "img30.jpg", "img31.jpg", "img32.jpg", "img33.jpg"),
    "deepface_p08": ("img34.jpg", "img35.jpg", "img36.jpg", "img37.jpg"),
    "deepface_p09": ("img38.jpg", "img39.jpg", "img40.jpg", "img41.jpg"),
    "deepface_p10": ("img18.jpg", "img19.jpg", "img67.jpg"),
    "deepface_p11": ("img20.jpg", "img21.jpg"),
    "deepface_p12": ("img22.jpg", "img23.jpg"),
    "deepface_p13": ("img24.jpg", "img25.jpg"),
    "dlib_John_Salley": ("000179_02159509.jpg", "000183_02159543.jpg", "000186_02159346.jpg", "000189_02159361.jpg",
                         "000190_02159501.jpg", "000192_02159531.jpg", "000194_02159572.jpg"),
    "dlib_John_Savage": ("000264_01099001.jpg", "000274_01099061.jpg", "000277_01099000.jpg", "000289_01099139.jpg",
                         "000290_01099067.jpg", "000291_01099023.jpg", "000293_01099081.jpg"),
    "dlib_John_Schneider": ("000288_00925786.jpg", "000302_00925785.jpg", "000307_00925823.jpg",
                            "000325_00925954.jpg", "000326_00925765.jpg", "000329_00925859.jpg"),
    "dlib_John_Shimkus": ("000373_03228153.jpg", "000375_03227651.jpg", "000376_02340068.jpg", "000383_03227939.jpg",
                          "000385_03227766.jpg", "000390_03227666.jpg"),
    "dlib_John_Simm": ("000288_00470387.jpg", "000297_00470170.jpg", "000300_00470148.jpg", "000304_00470122.jpg",
                       "000306_00470222.jpg", "000309_00470287.jpg"),
    "fr_alex_lacamoire": ("alex-lacamoire.png", "img1.jpg", "alex_lacamoire1.jpg"),
    "fr_kit_harington": ("john1.jpeg", "john2.jpeg", "johnsnow_test1.jpg"),
    "fr_rose_leslie": ("img1.jpg", "img2.jpg"),
}
# Faces stolen from the web and posted by many unrelated advertisers.
STOCK_FACES: dict[str, tuple[str, ...]] = {
    "dlib_tom_cruise": ("Tom_Cruise_avp_2014_4.jpg",),
    "fr_lin_manuel_miranda": ("lin-manuel-miranda.png",),
}
STOCK_FACE_FROM_VICTIMS = ("deepface_p11", "deepface_p12", "deepface_p13")  # the seed moves one to the stock
STOCK_SCENES = ("no_face/dlib_dogs.jpg", "no_face/dlib_dog.jpg", "no_face/dlib_eagle.jpg", "no_face/dlib_horses.jpg",
                "no_face/dlib_mmod_cars_test_image.jpg", "no_face/dlib_giraffe.jpg")

SITE_NAMES = ("NightList", "CityVelvet", "LocalCompanions", "AfterDarkAds", "VelvetBoard", "MidnightPages")
AGENCY_NAMES = ("Elite Bookings", "VIP Angels Booking", "Platinum Dolls Agency", "Starlight Booking",
                "Diamond Girls Mgmt", "Secret Garden Bookings", "Luxe Companions Desk", "Bella Vita Booking")
PERSONAS = ("Mia", "Luna", "Jade", "Ivy", "Nova", "Skye", "Rosa", "Lola", "Kira", "Daisy", "Gia", "Nina", "Coco",
            "Bella", "Roxy", "Sasha", "Amber", "Paloma", "Lexi", "Stella", "Carmen", "Vivi", "Tiana", "Zoe", "Candy",
            "Honey", "Angel", "Destiny", "Cherry", "Aaliyah", "Mya", "Selena", "Britney", "Kylie", "Yasmin")
SYLLABLES = ("lu", "na", "mi", "ra", "ko", "vel", "vet", "sky", "rose", "star", "bae", "jo", "zee", "kit", "lee",
             "sun", "dew", "fox", "ivy", "mel", "kiss", "doll", "babe", "cat", "sug", "mocha", "pink", "lux", "tia")
DOMAINS = ("example.com", "example.org", "example.net")

TITLES = ("New in town \U0001f48b {city}", "Sweet & friendly {persona} \u2014 {city}", "Last days in {city}!!",
          "Relaxing company \u2014 {city}", "Available now \u2728 {persona}", "Visiting {city} this week",
          "Classy companion in {city}", "Upscale & discreet \u2014 {persona}", "Girl next door, {age}",
          "{persona} is back in {city}", "Just arrived \U0001f339 {city}", "\U0001f525 NEW \U0001f525 {persona} {age}",
          "{city} \u2764\ufe0f {persona} \u2764\ufe0f", "Your favorite {persona} in {city}",
          "Sweet treat in {city} \U0001f352", "100% REAL \u2014 {persona}", "Petite {persona} \u2014 {city} outcall",
          "Exotic beauty {persona} \U0001f338", "Young & fun {age} \u2014 {city}", "Hot specials {city} \U0001f4af",
          "Available 24/7 \u2014 {city}", "In town for 2 days only \u2014 {persona}")
OPENERS = ("Hi gentlemen, I'm {persona}.", "Hey there! {persona} here.", "Hello, my name is {persona}.",
           "Just arrived in {city} for a few days.", "Welcome! I'm {persona}, new to {city}.", "Hola, soy {persona}.",
           "Hi loves, {persona} is back \U0001f618", "Looking for some company tonight?",
           "Don't miss your chance to meet {persona}.", "Hey boys \U0001f48b")
PHRASES = ("Sweet, friendly and easygoing.", "Upscale, discreet and always on time.",
           "Clean, private location near downtown.", "Incall and outcall.", "Available 24/7.",
           "No rush, relaxing company.", "Serious gentlemen only.", "New pictures, 100% real.",
           "Text first, no blocked numbers.", "Great conversation and a warm smile.", "Hablo espa\u00f1ol.",
           "Ask about my specials.", "Short notice OK.", "Hotel friendly.", "Car dates welcome.",
           "Reviews available.", "Screening required for first timers.", "No law enforcement.",
           "Respectful men only.", "Open late.", "Pics are mine, no surprises.", "Two girl specials available.")
PARAGRAPHS = ("I am a sweet, open-minded girl who loves to meet new friends. My pictures are 100% real and recent, "
              "what you see is what you get.",
              "Tired of fake ads? Not here! I am exactly as pictured and I always show up on time.",
              "Stop scrolling! You found the one you were looking for. Let me help you forget about your long day.",
              "My place is safe, clean and discreet with easy parking. Outcalls to hotels only.",
              "Please be respectful and clean. I do not answer private numbers or emails with no name.",
              "New to the area and only here for a short time, so don't wait too long to call.")
RATES = ("{hh}hh {hr}hr", "hh {hh} / h {hr}", "${hh}/30min ${hr}/hr", "{hh} hh | {hr} hr", "donations: {hh}hh {hr}h",
         "QV {qv} \u2022 HH {hh} \u2022 H {hr}", "specials from ${qv}")
AGES = ("{age} yrs", "age {age}", "I'm {age}", "{age}yo", "{age} years young")
CONTACTS = ("Call or text {phone}", "Txt {phone} \U0001f4f1", "{phone} (text only)", "Call me: {phone}",
            "Contact: {phone}", "Text {phone} for appointments", "\U0001f4de {phone}", "Text me now {phone}",
            "{phone} \u2190 text me", "My # is {phone}")
CLOSINGS = ("xoxo", "See you soon \U0001f618", "Ask about specials!", "Hope to hear from you \U0001f495",
            "Thanks for looking.", "Kisses \U0001f48b", "Don't be shy \U0001f609")
UPDATES = ("UPDATE: back in town this week.", "UPDATE: new pics added.", "UPDATE: specials today only.",
           "UPDATE: now taking late appointments.", "UPDATE: moving on soon, don't miss me.")
EMOJIS = ("\U0001f48b", "\U0001f339", "\u2728", "\U0001f495", "\U0001f525", "\U0001f352", "\U0001f338", "")
EXTRA_STYLES = ("spoken555", "emoji_groups", "star82", "glued", "twice")
# Area codes for reference and licence numbers only: real ones, none in the demo cities' list.
REF_CODES = ("201", "202", "203", "207", "208", "209", "217", "219", "228", "231", "234", "239", "240", "248", "251",
             "252", "253", "254", "256", "260", "262", "269", "270", "276", "301", "302", "304", "307", "308", "309",
             "315", "316", "318", "319", "320", "321", "325", "330", "334", "336", "337", "339", "347", "351", "352",
             "360", "361", "386", "401", "406", "409", "413", "417", "419", "423", "425", "430", "432", "434", "435")


@dataclass(frozen=True)
class FaceSpec(ImageSpec):
    """A real photo from the shared face folder (`path` relative to it), drawn like a picture:
    re-cropped, resized, brighter, mirrored, re-compressed."""
    path: str = ""
    identity: str = ""  # "" for the no-face scenes


@dataclass(frozen=True)
class Op:
    """One true network: an operation, an agency-free poster or a single ad's author."""
    id: int
    kind: str  # "single", "small", "medium" or "large"
    size: int
    phones: tuple[str, ...]  # every own number, E.164, in the order first used
    cities: tuple[City, ...]
    email: str | None
    handle: str | None
    personas: tuple[str, ...]  # one per victim
    faces: tuple[str, ...]  # face identities of its victims
    kit: int  # wording kit seed
    shared_kit: bool
    phone_styles: tuple[str, ...]  # favourite disguises
    disguise: float  # share of written numbers disguised
    rate: int
    age: int
    agency: int | None
    verify_id: str | None  # a phone-shaped verification id on its ads
    burner_runs: int
    phone_mode: str


@dataclass(frozen=True)
class AdExtra:
    """What an ad's wording needs beyond the Ad record."""
    phones: tuple[tuple[str, ...], ...]  # own numbers shown per version (the last repeats)
    field: str | None  # "own", "agency" or None: what the phone field shows
    victim: int
    agency: bool
    verified: bool  # the site's verified badge, with the site's phone, in the body
    featured: bool  # the ad desk's upsell line, with its phone and licence number
    promo: str | None
    ref: str | None  # the site's reference number, phone-shaped
    ref_style: int
    title_phone: bool
    mention_site: bool
    new_number_note: bool  # the ad lists an old and a new number


@dataclass(frozen=True)
class Site:
    name: str
    phone: str  # customer care: footer, verified badges
    desk: str  # ad desk: featured ads
    licence: str  # phone-shaped, on featured ads
    email: str
    abuse: str
    agencies: tuple[tuple[str, str, str | None], ...]  # (name, phone, email)
    promos: tuple[str, ...]  # "instagram:name"
    kits: tuple[int, ...]  # shared posting kits


@dataclass(frozen=True)
class BlindCorpus(Corpus):
    site: Site = None  # type: ignore[assignment]
    ops: tuple[Op, ...] = ()
    extras: dict = field(default_factory=dict, repr=False)  # ad id -> AdExtra
    stock: tuple[dict, ...] = ()

    def footer(self) -> str | None:
        s = self.site
        return (f"\u00a9 2026 {s.name} \u00b7 Customer care {_plain(s.phone, 0)} \u00b7 {s.email} \u00b7 "
                f"Report abuse: {s.abuse} \u00b7 All advertisers confirm they are 18 or older.")

    def text(self, ad: Ad, version: int) -> AdText:
        return _write(self, ad, version)

    def truth(self) -> dict:
        s = self.site
        faces_available = FACES.is_dir()
        return {
            "generator": "networks_blind1",
            "seed": self.seed,
            "reference": _iso(REFERENCE),
            "cycle_length_seconds": int(CYCLE_LENGTH.total_seconds()),
            "faces_available": faces_available,
            "ads": {str(ad.id): {
                "network": ad.network, "kind": self.ops[ad.network].kind,
                "phones": list(ad.phones), "emails": list(ad.emails), "handles": list(ad.handles),
                "images": list(ad.images), "city": f"{ad.city.name}, {ad.city.state}",
                "posted_at": _iso(ad.posted_at), "appears": ad.appears, "edits": list(ad.edits),
                "removed": ad.removed, "gone_status": ad.gone_status, "hostile": False,
                "faces": sorted({self.images[n].spec.identity for n in ad.images
                                 if isinstance(self.images[n].spec, FaceSpec) and self.images[n].spec.identity}),
                "agency_phone": s.agencies[self.ops[ad.network].agency][1] if self.extras[ad.id].agency else None,
                "site_phone_in_body": self.extras[ad.id].verified, "featured": self.extras[ad.id].featured,
                "reference_number": self.extras[ad.id].ref, "promo_handle": self.extras[ad.id].promo,
            } for ad in self.ads},
            "networks": {str(op.id): {
                "kind": op.kind, "size": op.size, "phones": list(op.phones),
                "cities": [f"{c.name}, {c.state}" for c in op.cities], "email": op.email, "handle": op.handle,
                "faces": list(op.faces), "burner_runs": op.burner_runs, "phone_mode": op.phone_mode,
                "shared_kit": op.shared_kit, "agency": s.agencies[op.agency][0] if op.agency is not None else None,
                "verify_id": op.verify_id,
            } for op in self.ops},
            "images": {name: {
                "picture": None if p.spec.bad else p.spec.picture, "kind": p.kind,
                "content_type": p.spec.content_type, "exif": p.spec.exif is not None,
                "face": p.spec.identity or None if isinstance(p.spec, FaceSpec) else None,
                "file": p.spec.path if isinstance(p.spec, FaceSpec) else None,
            } for name, p in self.images.items()},
            "confounders": {
                "site_phone": s.phone, "ad_desk_phone": s.desk, "licence_number": s.licence,
                "site_email": s.email, "abuse_email": s.abuse,
                "agencies": [{"name": n, "phone": p, "email": e,
                              "clients": [op.id for op in self.ops if op.agency == i]}
                             for i, (n, p, e) in enumerate(s.agencies)],
                "promo_handles": list(s.promos), "shared_kits": len(s.kits),
                "stock": list(self.stock),
            },
        }


def generate_blind(ads: int, seed: int) -> BlindCorpus:
    """The blind corpus of `ads` ads for `seed` (the same in every process)."""
    if ads < 1:
        raise ValueError(f"ads must be at least 1, not {ads}")
    _install_renderer()
    return _Gen(ads, seed).build()


# ---------------------------------------------------------------- building


@dataclass
class _Draft:
    op: int
    time: datetime
    appears: int
    edits: tuple[int, ...]
    removed: int | None
    city: City | None = None
    phones: list[tuple[str, ...]] = field(default_factory=list)  # per version
    shows: str | None = None  # what the phone field shows: "own", "agency" or None
    email: bool = False
    handle: bool = False
    agency: bool = False
    images: list[str] = field(default_factory=list)
    keys: set = field(default_factory=set)
    victim: int = 0
    note: bool = False


class _Gen:
    def __init__(self, ads: int, seed: int):
        self.n, self.seed = ads, seed
        self.rng = random.Random(f"networks_blind1:{seed}:{ads}")
        self.images: dict[str, Photo] = {}
        self.pictures = 0
        self.face_pictures = 0
        self._free: dict[str, list[int]] = {}
        self._codes = [code for city in CITIES for code in city.area_codes]
        self._issued = 0
        self._ref_free: dict[str, list[int]] = {}
        self._names: set[str] = set()
        self.pools: dict[tuple, list[str]] = {}

    # -- numbers, names

    def phone(self, home: City) -> str:
        rng = self.rng
        codes = rng.sample(home.area_codes, len(home.area_codes)) + rng.sample(self._codes, 4)
        for code in codes + self._codes:
            lines = self._free.get(code)
            if lines is None:
                lines = self._free[code] = rng.sample(range(100, 200), 100)
            if lines:
                return f"+1{code}555{lines.pop():04d}"
        self._issued += 1  # the range is used up (tens of thousands of ads): numbers recycle
        code = self._codes[self._issued % len(self._codes)]
        return f"+1{code}555{100 + (self._issued // len(self._codes)) % 100:04d}"

    def ref_number(self) -> str:
        """Ten digits shaped like a fictional number, from area codes no phone uses."""
        rng = self.rng
        for _ in range(3):
            code = rng.choice(REF_CODES)
            lines = self._ref_free.setdefault(code, rng.sample(range(100, 200), 100))
            if lines:
                return f"{code}555{lines.pop():04d}"
        return f"{rng.choice(REF_CODES)}555{rng.randrange(100, 200):04d}"

    def name(self) -> str:
        rng = self.rng
        while True:
            name = "".join(rng.sample(SYLLABLES, rng.randint(2, 3))) + rng.choice(("", "_", ".", "x")) \
                + str(rng.randint(1, 99))
            if name not in self._names:
                self._names.add(name)
                return name

    def file_name(self, spec: ImageSpec) -> str:
        while True:
            name = f"{self.rng.getrandbits(64):016x}.{'png' if spec.format == 'PNG' else 'jpg'}"
            if name not in self.images:
                return name

    # -- pictures

    def new_picture(self, home: City, camera: tuple[str, str] | None) -> ImageSpec:
        rng = self.rng
        width, height = rng.choice(PICTURE_SIZES)
        fmt = "PNG" if rng.random() < 0.1 else "JPEG"
        exif = None
        if fmt == "JPEG" and camera and rng.random() < 0.6:
            taken = REFERENCE - timedelta(days=rng.randint(31, 200), seconds=rng.randrange(86_400))
            exif = Exif(camera[0], camera[1], taken, round(home.lat + rng.uniform(-0.05, 0.05), 6),
                        round(home.lon + rng.uniform(-0.05, 0.05), 6))
        spec = ImageSpec(self.seed, self.pictures, width, height, fmt, rng.choice((82, 85, 88, 92)), exif=exif)
        self.pictures += 1
        return spec

    def face_picture(self, path: str, identity: str) -> FaceSpec:
        spec = FaceSpec(self.seed, FACE_PICTURE_BASE + self.face_pictures, 600, 800, "JPEG",
                        self.rng.choice((80, 85, 90)), path=path, identity=identity)
        self.face_pictures += 1
        return spec

    def add(self, spec: ImageSpec, kind: str) -> str:
        name = self.file_name(spec)
        self.images[name] = Photo(name, spec, kind)
        return name

    def variant(self, spec: ImageSpec, how: str) -> ImageSpec:
        rng = self.rng
        if how == "recompress":
            return replace(spec, format="JPEG", quality=rng.randint(50, 92), exif=None,
                           crop=tuple(round(rng.uniform(0, 0.03), 4) for _ in range(4)),
                           scale=round(rng.uniform(0.55, 1.15), 3), brightness=round(rng.uniform(0.9, 1.1), 3))
        if how == "crop":
            return replace(spec, format="JPEG", quality=rng.randint(60, 92), exif=None,
                           crop=tuple(round(rng.uniform(0, 0.12) if rng.random() < 0.6 else 0.0, 4) for _ in range(4)),
                           scale=round(rng.uniform(0.8, 1.1), 3), brightness=round(rng.uniform(0.95, 1.05), 3))
        if how == "mirror":
            return replace(spec, format="JPEG", quality=rng.randint(60, 92), exif=None, mirror=True,
                           crop=tuple(round(rng.uniform(0, 0.04), 4) for _ in range(4)),
                           scale=round(rng.uniform(0.7, 1.1), 3))
        raise ValueError(how)

    def emit(self, owner: int, spec: ImageSpec) -> str:
        """A name for one of an owner's pictures in a new ad: the same file again, the same bytes
        under a new name, or a near-duplicate."""
        rng = self.rng
        face = isinstance(spec, FaceSpec)
        prefix = "face-" if face else ""
        pool = self.pools.setdefault((owner, spec.picture), [])
        roll = rng.random()
        if not pool:
            name = self.add(spec, prefix + "original")
        elif roll < 0.42:
            return rng.choice(pool)
        elif roll < 0.57:
            name = self.add(spec, prefix + "copy")
        elif roll < 0.84:
            name = self.add(self.variant(spec, "recompress"), prefix + "variant")
        elif roll < 0.96:
            name = self.add(self.variant(spec, "crop"), prefix + "crop")
        else:
            name = self.add(self.variant(spec, "mirror"), prefix + "mirror")
        pool.append(name)
        return name

    def make_stock(self) -> list[dict]:
        rng = self.rng
        items = []
        for _ in range(rng.randint(3, 6) + min(6, self.n // 250)):
            items.append({"spec": self.new_picture(rng.choice(CITIES), None), "what": "picture"})
        for identity, files in self.stock_faces.items():
            for f in files:
                items.append({"spec": self.face_picture(f"identities/{identity}/{f}", identity), "what": "face"})
        for path in rng.sample(STOCK_SCENES, rng.randint(1, 2)):
            items.append({"spec": self.face_picture(path, ""), "what": "scene"})
        rng.shuffle(items)
        for rank, item in enumerate(items):
            item["mode"] = rng.choices(("identical", "recompressed", "edited"), (0.45, 0.35, 0.2))[0]
            item["weight"] = 1 / (rank + 1) ** 0.9
            item["canonical"] = None
        return items

    def emit_stock(self, index: int) -> str:
        rng = self.rng
        item = self.stock[index]
        spec, mode = item["spec"], item["mode"]
        if mode == "identical":
            if item["canonical"] is None:
                item["canonical"] = self.add(spec, "stock")
                return item["canonical"]
            if rng.random() < 0.3:
                return item["canonical"]  # hot-linked
            return self.add(spec, "stock-copy")
        if mode == "recompressed":
            return self.add(self.variant(spec, "recompress"), "stock-variant")
        return self.add(self.variant(spec, rng.choice(("crop", "mirror", "crop"))), "stock-edited")

    def pick_stock(self) -> int:
        return self.rng.choices(range(len(self.stock)), [item["weight"] for item in self.stock])[0]

    # -- structure

    def sizes(self) -> list[int]:
        rng, n = self.rng, self.n
        p_single = rng.uniform(0.10, 0.22)
        p_large = rng.uniform(0.22, 0.42) if n >= 40 else 0.0
        p_medium = rng.uniform(0.10, 0.22)
        large, budget = [], round(n * p_large)
        while budget >= 10:
            size = min(budget, 10 + int(50 * rng.random() ** 1.8))
            if budget - size < 10:
                size = min(60, budget)
            large.append(size)
            budget -= size
        medium, budget = [], round(n * p_medium) + budget
        while budget >= 4:
            size = min(budget, rng.randint(4, 9))
            if budget - size < 4:
                size = min(9, budget)
            medium.append(size)
            budget -= size
        singles = round(n * p_single)
        small, budget = [], max(0, n - singles - sum(large) - sum(medium))
        while budget >= 2:
            size = 2 if rng.random() < 0.6 else 3
            if budget - size == 1 or budget == 3:
                size = 3 if budget >= 3 else 2
            size = min(size, budget)
            small.append(size)
            budget -= size
        singles = n - sum(large) - sum(medium) - sum(small)
        return large + medium + small + [1] * singles

    def lifecycle(self) -> tuple[int, tuple[int, ...], int | None]:
        rng = self.rng
        appears = 0 if rng.random() < self.p_cycle0 else rng.randint(1, 3)
        removed = None
        if rng.random() < self.p_removed:
            removed = rng.randint(appears + 1, max(appears + 1, LAST_EVENT_CYCLE))
        last_edit = (removed - 1) if removed is not None else LAST_EVENT_CYCLE
        edits: tuple[int, ...] = ()
        if rng.random() < self.p_edit and last_edit > appears:
            choices = range(appears + 1, last_edit + 1)
            edits = tuple(sorted(rng.sample(choices, k=min(len(choices), 1 if rng.random() < 0.75 else 2))))
        return appears, edits, removed

    def post_time(self, appears: int, lo: float = 0.0, hi: float = 1.0) -> datetime:
        rng = self.rng
        if appears == 0:
            span = 30 * CYCLE_LENGTH.total_seconds()
            return REFERENCE - 30 * CYCLE_LENGTH + timedelta(seconds=span * rng.uniform(lo, hi))
        return REFERENCE + (appears - 1) * CYCLE_LENGTH + timedelta(seconds=rng.randrange(86_400))

    def build(self) -> BlindCorpus:
        rng = self.rng
        self.p_cycle0 = rng.uniform(0.76, 0.86)
        self.p_removed = rng.uniform(0.07, 0.13)
        self.p_edit = rng.uniform(0.10, 0.18)
        self.p_featured = rng.uniform(0.06, 0.12)
        self.verified_ops: set[int] = set()

        # faces: one of p11-p13 becomes a stock face, the rest are victims, one operation each
        moved = rng.choice(STOCK_FACE_FROM_VICTIMS)
        self.stock_faces = dict(STOCK_FACES, **{moved: VICTIM_FACES[moved]})
        self.free_faces = [k for k in VICTIM_FACES if k != moved]
        rng.shuffle(self.free_faces)

        site_home = rng.choice(CITIES)
        name = rng.choice(SITE_NAMES)
        n_agencies = max(2, min(6, 2 + self.n // 300))
        agencies = []
        for agency_name in rng.sample(AGENCY_NAMES, n_agencies):
            email = f"{agency_name.split()[0].lower()}.booking{rng.randint(1, 99)}@{rng.choice(DOMAINS)}" \
                if rng.random() < 0.5 else None
            agencies.append((agency_name, self.phone(rng.choice(CITIES)), email))
        self.site = Site(
            name=name, phone=self.phone(site_home), desk=self.phone(site_home), licence=self.ref_number(),
            email=f"{name.lower()}.care@{rng.choice(DOMAINS)}", abuse=f"abuse.{name.lower()}@{rng.choice(DOMAINS)}",
            agencies=tuple(agencies),
            promos=tuple(f"instagram:{self.name()}_promo" for _ in range(rng.randint(1, 2))),
            kits=tuple(rng.getrandbits(40) for _ in range(rng.randint(4, 7))),
        )
        self.kit_weights = [1 / (i + 1) ** 0.6 for i in range(len(self.site.kits))]
        self.stock = self.make_stock()

        sizes = self.sizes()
        order = list(range(len(sizes)))  # build large operations first: they get the victims' faces
        ids = list(range(len(sizes)))
        rng.shuffle(ids)  # network ids do not give the size away
        # agency clients: a few unrelated posters per agency, mostly singles, small and medium ones
        candidates = [i for i, s in enumerate(sizes) if s < 10] or list(range(len(sizes)))
        clients: dict[int, int] = {}
        for a in range(n_agencies):
            free = [i for i in candidates if i not in clients]
            for i in rng.sample(free, min(len(free), rng.randint(3, 6))):
                clients[i] = a
        large = [i for i, s in enumerate(sizes) if s >= 10]
        if large and rng.random() < 0.5:
            clients.setdefault(rng.choice(large), rng.randrange(n_agencies))

        ops: list[Op] = [None] * len(sizes)  # type: ignore[list-item]
        networks: list[Network] = [None] * len(sizes)  # type: ignore[list-item]
        drafts: list[_Draft] = []
        for i in order:
            op, net, op_drafts = self.operation(ids[i], sizes[i], clients.get(i))
            ops[op.id], networks[op.id] = op, net
            drafts.extend(op_drafts)

        # posting order, ids, bad images
        drafts.sort(key=lambda d: (d.time, d.op))
        next_id = 310_000 + rng.randrange(20_000)
        ads, extras = [], {}
        bad_every = rng.randint(110, 170)
        for k, d in enumerate(drafts):
            op = ops[d.op]
            images = list(d.images)
            if k % bad_every == bad_every // 2:
                kind = rng.choice(("html", "truncated"))
                spec = ImageSpec(self.seed, self.pictures, 480, 640, "JPEG", bad=kind)
                self.pictures += 1
                images.insert(rng.randint(0, len(images)), self.add(spec, f"bad-{kind}"))
            all_phones = tuple(dict.fromkeys(p for v in d.phones for p in v))
            edited_at = tuple(REFERENCE + (c - 1) * CYCLE_LENGTH + timedelta(seconds=rng.randrange(86_400))
                              for c in d.edits)
            ad = Ad(id=next_id, network=d.op, city=d.city, posted_at=d.time, appears=d.appears, edits=d.edits,
                    edited_at=edited_at, removed=d.removed,
                    gone_status=(410 if rng.random() < 0.5 else 404) if d.removed is not None else None,
                    phones=all_phones, phone_field=d.shows == "own",
                    emails=(op.email,) if d.email and op.email else (),
                    handles=(op.handle,) if d.handle and op.handle else (),
                    images=tuple(images), hostile=None, text_seed=rng.getrandbits(48))
            extras[ad.id] = AdExtra(
                phones=tuple(d.phones), field=d.shows, victim=d.victim, agency=d.agency,
                verified=op.id in self.verified_ops and rng.random() < 0.9, featured=rng.random() < self.p_featured,
                promo=rng.choice(self.site.promos) if rng.random() < 0.06 else None,
                ref=self.ref_number() if rng.random() < 0.6 else None, ref_style=rng.randrange(6),
                title_phone=bool(d.phones[0]) and rng.random() < 0.08, mention_site=rng.random() < 0.4,
                new_number_note=d.note)
            ads.append(ad)
            next_id += rng.randint(1, 5)
        stock = [{"picture": it["spec"].picture, "what": it["what"], "mode": it["mode"],
                  "file": it["spec"].path if isinstance(it["spec"], FaceSpec) else None} for it in self.stock]
        return BlindCorpus(seed=self.seed, ads=tuple(ads), networks=tuple(networks), images=self.images,
                           site=self.site, ops=tuple(ops), extras=extras, stock=tuple(stock))

    def operation(self, nid: int, size: int, agency: int | None) -> tuple[Op, Network, list[_Draft]]:
        rng = self.rng
        kind = "single" if size == 1 else "small" if size <= 3 else "medium" if size <= 9 else "large"
        if rng.random() < 0.18:
            self.verified_ops.add(nid)
        home = rng.choice(CITIES)
        n_cities = 1 if size == 1 else min(1 + size // 8, rng.randint(1, 5))
        cities = [home] + rng.sample([c for c in CITIES if c is not home], n_cities - 1)
        camera = rng.choice(CAMERAS) if rng.random() < 0.5 else None

        # victims and their photo sets
        n_victims = 1 if size < 10 else min(5, 1 + size // 15 + (rng.random() < 0.4))
        face_p = {"single": 0.05, "small": 0.2, "medium": 0.35, "large": 0.7}[kind]
        victims: list[list[ImageSpec]] = []
        faces: list[str] = []
        for _ in range(n_victims):
            pics: list[ImageSpec] = []
            if self.free_faces and rng.random() < face_p:
                identity = self.free_faces.pop()
                files = list(VICTIM_FACES[identity])
                rng.shuffle(files)
                take = 1 if size == 1 else min(len(files), rng.randint(2, 6))
                pics += [self.face_picture(f"identities/{identity}/{f}", identity) for f in files[:take]]
                faces.append(identity)
                extra = 0 if size == 1 else rng.randint(0, 3)
            else:
                extra = rng.randint(0, 2) if size == 1 else rng.randint(2, 6) if size >= 4 else rng.randint(1, 4)
            pics += [self.new_picture(home, camera) for _ in range(extra)]
            victims.append(pics)
        personas = tuple(rng.choice(PERSONAS) for _ in victims)

        email = f"{self.name()}@{rng.choice(DOMAINS)}" if rng.random() < {
            "single": 0.15, "small": 0.3, "medium": 0.35, "large": 0.45}[kind] else None
        handle = f"{rng.choice(('instagram', 'snapchat', 'snapchat'))}:{self.name()}" if rng.random() < {
            "single": 0.15, "small": 0.25, "medium": 0.3, "large": 0.4}[kind] else None
        email_rate, handle_rate = rng.uniform(0.3, 0.9), rng.uniform(0.3, 0.9)

        shared_kit = rng.random() < {"single": 0.6, "small": 0.5, "medium": 0.4, "large": 0.35}[kind]
        kit = rng.choices(self.site.kits, self.kit_weights)[0] if shared_kit else rng.getrandbits(40)
        roll = rng.random()
        disguise = rng.uniform(0, 0.1) if roll < 0.55 else rng.uniform(0.15, 0.4) if roll < 0.9 \
            else rng.uniform(0.5, 0.9)
        styles = tuple(rng.sample([s for s in PHONE_STYLES if s != "plain"] + list(EXTRA_STYLES), 2))

        # the stock photos this poster shows
        stock_p = {"single": 0.45, "small": 0.25, "medium": 0.25, "large": 0.3}[kind]
        stock_items = [self.pick_stock() for _ in range(rng.randint(1, 2))] if rng.random() < stock_p else []
        stock_rate = 1.0 if size == 1 else rng.uniform(0.15, 0.5)
        stock_only = size == 1 and stock_items and rng.random() < 0.7 or not any(victims)

        # lifecycles and times
        late_op = rng.random() < 0.08  # the whole operation appears in cycles 1-3
        dark_op = (not late_op) and rng.random() < 0.04  # it goes dark: every ad removed at once
        dark_at = rng.randint(1, 3)
        start = rng.uniform(0, 0.6) if size >= 10 else 0.0
        drafts = []
        for k in range(size):
            appears, edits, removed = self.lifecycle()
            if late_op:
                appears = max(appears, rng.randint(1, 3))
                edits = tuple(c for c in edits if c > appears)
                removed = removed if removed is None or removed > appears else None
            if dark_op:
                appears = 0
                removed = dark_at if removed is None or removed > dark_at else removed
                edits = tuple(c for c in edits if c < removed)
            drafts.append(_Draft(nid, self.post_time(appears, start, 1.0), appears, edits, removed))
        drafts.sort(key=lambda d: d.time)

        # phones
        phones_used: list[str] = []

        def new_phone() -> str:
            p = self.phone(rng.choice(cities) if rng.random() < 0.7 else home)
            phones_used.append(p)
            return p

        runs = 1
        if size == 1:
            mode = rng.choices(("one", "two", "none"), (0.88, 0.05, 0.07))[0]
            main = [new_phone()] if mode != "none" else []
            if mode == "two":
                main.append(new_phone())
            for d in drafts:
                d.phones = [tuple(main)]
        elif size < 10:
            mode = rng.choices(("one", "two", "burner"), (0.6, 0.22, 0.18) if size >= 4 else (0.7, 0.15, 0.15))[0]
            if mode == "one":
                p = new_phone()
                for d in drafts:
                    d.phones = [(p,)]
            elif mode == "two":
                a, b = new_phone(), new_phone()
                cut = rng.randint(1, size - 1)
                for k, d in enumerate(drafts):
                    r = rng.random()
                    d.phones = [(a, b) if r < 0.25 else (a,) if (k < cut) != (r > 0.85) else (b,)]
                runs = 2
            else:
                for d in drafts:
                    d.phones = [(new_phone(),)]
                runs = size
        else:
            mode = "burner-runs"
            runs_list, k = [], 0
            mean = rng.randint(3, 9)
            while k < size:
                length = max(1, min(size - k, int(rng.expovariate(1 / mean)) + 1))
                runs_list.append((k, k + length))
                k += length
            run_phones = []
            for r in range(len(runs_list)):
                if r >= 2 and rng.random() < 0.08:
                    run_phones.append(rng.choice(run_phones[:-1]))  # a burner revived
                else:
                    run_phones.append(new_phone())
            runs = len(runs_list)
            run_of = [0] * size
            for r, (a, b) in enumerate(runs_list):
                for k in range(a, b):
                    run_of[k] = r
            for r in range(1, len(runs_list)):  # interleaving at some run boundaries
                a = runs_list[r][0]
                if rng.random() < 0.25 and a >= 1 and a < size:
                    run_of[a - 1], run_of[a] = run_of[a], run_of[a - 1]
            main_line = new_phone() if rng.random() < 0.2 else None
            for k, d in enumerate(drafts):
                own = [run_phones[run_of[k]]]
                r = run_of[k]
                if r + 1 < len(runs_list) and k == runs_list[r][1] - 1 and rng.random() < 0.35:
                    own.append(run_phones[r + 1])  # "new number" on the last ad of a run
                    d.note = True
                elif r > 0 and k == runs_list[r][0] and rng.random() < 0.2:
                    own.append(run_phones[r - 1])  # "old number still works"
                    d.note = True
                if main_line and rng.random() < 0.15:
                    own.append(main_line)
                d.phones = [tuple(dict.fromkeys(own))]
                if d.edits and rng.random() < 0.4:  # the edit swaps in the next burner
                    nxt = run_phones[r + 1] if r + 1 < len(runs_list) else new_phone()
                    d.phones = [d.phones[0]] + [(nxt,)] * len(d.edits)
            for k, d in enumerate(drafts):  # a burned number's ads are pulled
                if run_of[k] == 0 and d.appears == 0 and d.removed is None and rng.random() < 0.15:
                    d.removed = rng.randint(1, 3)
                    d.edits = tuple(c for c in d.edits if c < d.removed)
                    d.phones = d.phones[:len(d.edits) + 1]
        for d in drafts:
            while len(d.phones) < len(d.edits) + 1:
                d.phones.append(d.phones[-1])

        # cities, identifiers, agency, pictures; some large operations post a victim's new photo
        # shoot in their later ads (other photos of the same face, none of the earlier files)
        shoots: dict[int, tuple[list[ImageSpec], list[ImageSpec]]] = {}
        if size >= 10:
            for v, pics in enumerate(victims):
                face_pics = [p for p in pics if isinstance(p, FaceSpec)]
                if len(face_pics) >= 4 and rng.random() < 0.4:
                    half = len(face_pics) // 2
                    body = [p for p in pics if not isinstance(p, FaceSpec)]
                    shoots[v] = (face_pics[:half] + body[:len(body) // 2], face_pics[half:] + body[len(body) // 2:])
        victim = 0
        for k, d in enumerate(drafts):
            d.city = cities[min(len(cities) - 1, k * len(cities) // size)]
            if rng.random() < 0.15:
                d.city = rng.choice(cities)
            d.email = bool(email) and rng.random() < email_rate
            d.handle = bool(handle) and rng.random() < handle_rate
            if agency is not None:
                d.agency = size == 1 or rng.random() < rng.uniform(0.2, 0.6)
            own_shown = bool(d.phones[0])
            d.shows = ("agency" if d.agency and rng.random() < 0.5 else "own" if own_shown else None) \
                if rng.random() < 0.5 else None
            if len(victims) > 1 and rng.random() > 0.6:
                victim = rng.randrange(len(victims))
            d.victim = victim
            pics = victims[victim]
            if victim in shoots:
                pics = shoots[victim][0 if k < size // 2 else 1]
            if len(victims) > 1 and rng.random() < 0.08:  # a two-girl special
                other = (victim + 1) % len(victims)
                pics = pics[:2] + victims[other][:2]
            chosen: list[str] = []
            if pics and not (stock_only and stock_items):
                count = min(len(pics), rng.choices((1, 2, 3, 4, 5), (0.2, 0.3, 0.25, 0.15, 0.1))[0])
                for spec in rng.sample(pics, count):
                    chosen.append(self.emit(nid, spec))
            if stock_items and (stock_only or rng.random() < stock_rate):
                for item in stock_items[:1 if rng.random() < 0.7 else 2]:
                    chosen.insert(rng.randint(0, len(chosen)), self.emit_stock(item))
            d.images = chosen

        if size > 1:
            self.connect(nid, drafts)

        op = Op(id=nid, kind=kind, size=size, phones=tuple(dict.fromkeys(phones_used)), cities=tuple(cities),
                email=email, handle=handle, personas=personas, faces=tuple(faces), kit=kit, shared_kit=shared_kit,
                phone_styles=styles, disguise=disguise, rate=rng.randrange(100, 400, 10), age=rng.randint(19, 36),
                agency=agency, verify_id=self.ref_number() if rng.random() < 0.08 else None,
                burner_runs=runs, phone_mode=mode)
        originals = tuple(spec for pics in victims for spec in pics)
        net = Network(id=nid, phones=op.phones, cities=op.cities, pictures=originals, email=email, handle=handle,
                      persona=personas[0], age=op.age, rate=op.rate, style=kit, phone_styles=styles, camera=camera)
        return op, net, drafts

    def evidence(self, nid: int, d: _Draft) -> set:
        keys = {("tel", p) for v in d.phones for p in v}
        if d.email:
            keys.add(("email",))
        if d.handle:
            keys.add(("handle",))
        for name in d.images:
            photo = self.images[name]
            if not photo.kind.startswith(("original", "copy", "variant", "crop", "mirror", "face-")):
                continue  # stock and bad files are no evidence of the operation
            spec = photo.spec
            if isinstance(spec, FaceSpec):
                keys.add(("face", spec.identity))
            if not spec.mirror:
                keys.add(("pic", spec.picture))
        return keys

    def connect(self, nid: int, drafts: list[_Draft]) -> None:
        """Make sure the operation's ads are tied together by something they show (a phone, an
        email or handle, a picture or near-duplicate, a face): bridge components that are not."""
        rng = self.rng
        parent = list(range(len(drafts)))

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        def components() -> dict[int, list[int]]:
            parent[:] = range(len(drafts))
            seen: dict = {}
            for i, d in enumerate(drafts):
                for key in sorted(self.evidence(nid, d), key=repr):
                    if key in seen:
                        parent[find(i)] = find(seen[key])
                    else:
                        seen[key] = i
            groups: dict[int, list[int]] = {}
            for i in range(len(drafts)):
                groups.setdefault(find(i), []).append(i)
            return groups

        for _ in range(len(drafts)):
            groups = sorted(components().values(), key=len, reverse=True)
            if len(groups) == 1:
                return
            main, stray = groups[0], groups[1]
            donor, target = drafts[rng.choice(main)], drafts[rng.choice(stray)]
            own_pics = [n for n in donor.images if self.images[n].kind.startswith(
                ("original", "copy", "variant", "crop", "face-")) and not self.images[n].spec.mirror]
            phones = [p for p in donor.phones[0]]
            if own_pics and (rng.random() < 0.6 or not phones):
                target.images.append(rng.choice(own_pics))  # the same picture again
            elif phones:
                target.phones = [tuple(dict.fromkeys(v + (phones[0],))) for v in target.phones]
                target.note = True
            elif donor.email or donor.handle:
                target.email, target.handle = donor.email or target.email, donor.handle or target.handle
            else:
                target.phones = [tuple(dict.fromkeys(v + donor.phones[-1])) for v in target.phones]


# ---------------------------------------------------------------- wording


@lru_cache(maxsize=8192)
def _kit(seed: int) -> dict:
    r = random.Random(seed)
    return {"titles": r.sample(TITLES, 3), "openers": r.sample(OPENERS, 2), "phrases": r.sample(PHRASES, 6),
            "paragraph": r.choice(PARAGRAPHS) if r.random() < 0.7 else None, "rate": r.choice(RATES),
            "age": r.choice(AGES), "contacts": r.sample(CONTACTS, 3), "closing": r.choice(CLOSINGS),
            "emoji": r.choice(EMOJIS), "layout": r.randrange(3)}


def _plain(e164: str, k: int) -> str:
    d = e164[-10:]
    return ("{a}-{e}-{l}", "({a}) {e}-{l}", "{a}.{e}.{l}", "{a} {e} {l}", "{a}{e}{l}")[k % 5].format(
        a=d[:3], e=d[3:6], l=d[6:])


def _number(e164: str, style: str, rng: random.Random) -> str:
    """A number written plainly, in one of the demo site's disguises, or in a few more."""
    if style in PHONE_STYLES:
        return write_phone(e164, style, rng)
    d = e164[-10:]
    a, e, l = d[:3], d[3:6], d[6:]
    if style == "spoken555":
        return rng.choice(("{a} five five five {l}", "{a}-FIVE FIVE FIVE-{l}", "{a} fivefivefive {l}",
                           "({a}) five5five {l}", "{a} 5five5 {l}")).format(a=a, l=l)
    if style == "emoji_groups":
        sep = rng.choice(("\U0001f4de", "\U0001f48b", "\U0001f339", "\u2728", "\U0001f495", "\u2764\ufe0f"))
        return f"{a}{sep}{e}{sep}{l}"
    if style == "star82":
        return rng.choice(("*82 ", "*82-", "*82")) + _plain(e164, rng.randrange(5))
    if style == "glued":
        return rng.choice(("tonight{a}{e}{l}", "txt{a}.{e}.{l}", "$200tel{a}{e}{l}", "call\u260e{a}-{e}-{l}",
                           "5'4\" {a} {e} {l}")).format(a=a, e=e, l=l)
    if style == "twice":
        return f"{_plain(e164, rng.randrange(5))} / {write_phone(e164, rng.choice(('words_en', 'separated')), rng)}"
    raise ValueError(style)


def _own(op: Op, e164: str, rng: random.Random) -> str:
    if rng.random() < op.disguise:
        return _number(e164, op.phone_styles[0] if rng.random() < 0.7 else op.phone_styles[1], rng)
    return write_phone(e164, "plain", rng)


def _write(corpus: BlindCorpus, ad: Ad, version: int) -> AdText:
    op, x, site = corpus.ops[ad.network], corpus.extras[ad.id], corpus.site
    rng = random.Random(ad.text_seed)
    kit = _kit(op.kit)
    persona = op.personas[min(x.victim, len(op.personas) - 1)]
    age = op.age + (rng.choice((-1, 1)) if rng.random() < 0.1 else 0)
    fill = {"city": ad.city.name, "persona": persona, "age": age}
    phones = x.phones[min(version, len(x.phones) - 1)]
    title = rng.choice(kit["titles"]).format(**fill)
    if kit["emoji"] and rng.random() < 0.5:
        title = f"{kit['emoji']} {title} {kit['emoji']}"

    agency = site.agencies[op.agency] if x.agency and op.agency is not None else None
    phone_field = None
    body_phones = list(phones)
    if x.field == "own" and phones:
        phone_field = write_phone(phones[0], "plain" if rng.random() < 0.75 else rng.choice(
            ("lookalike", "words_en", "mixed")), rng)
        if rng.random() < 0.5:
            body_phones = body_phones[1:]
    elif x.field == "agency" and agency:
        phone_field = write_phone(agency[1], "plain", rng)
    if x.title_phone and phones:
        title = f"{title} \U0001f4de {_plain(phones[0], rng.randrange(5))}" if rng.random() < 0.6 \
            else f"{_plain(phones[0], rng.randrange(5))} \u2014 {title}"
        if rng.random() < 0.5:
            body_phones = [p for p in body_phones if p != phones[0]]

    intro = [rng.choice(kit["openers"]).format(**fill)] + rng.sample(kit["phrases"], rng.randint(2, 4))
    rate = op.rate + rng.choice((0, 0, 0, 20, 40))
    contact = []
    written = [_own(op, p, rng) for p in body_phones]
    if x.new_number_note and len(written) >= 2:
        contact.append(rng.choice(("NEW NUMBER \u203c\ufe0f {0} (old {1} still works)",
                                   "new # {0} \u2014 old one {1} is off soon", "{1} / {0}")).format(*written[:2]))
        written = written[2:]
    contact += [rng.choice(kit["contacts"]).format(phone=p) for p in written]
    if agency:
        line = rng.choice(("Booking through {n}: {p}", "Bookings \u2014 {n} {p}", "{n} \u260e {p}",
                           "Call my booker at {n}: {p}")).format(n=agency[0], p=_plain(agency[1], rng.randrange(5)))
        if agency[2] and rng.random() < 0.6:
            line += f" \u00b7 {write_email(agency[2], rng)}"
        contact.append(line)
    if ad.emails:
        contact.append(rng.choice(("Email: {e}", "email me {e}", "\u2709\ufe0f {e}", "{e}")).format(
            e=write_email(ad.emails[0], rng)))
    if ad.handles:
        contact.append(write_handle(ad.handles[0], rng))
    if x.promo:
        contact.append(f"Follow our promo page IG @{x.promo.split(':', 1)[1]}")
    if op.verify_id and rng.random() < 0.8:
        contact.append(rng.choice(("Verification ID: {v}", "ver. id {v}", "My ID: {v}")).format(v=op.verify_id))
    if x.mention_site:
        contact.append(f"Please mention {site.name} when you call.")

    update = None
    for edit in range(1, version + 1):
        er = random.Random(ad.text_seed * 8 + edit)
        kind = er.choice(("price", "text", "both"))
        if kind in ("price", "both"):
            rate += er.choice((10, 20, 30, -10))
        if kind in ("text", "both"):
            update = er.choice([u for u in UPDATES if u != update])
            if er.random() < 0.3:
                title = f"UPDATED \u2014 {title}"
        if x.phones[min(edit, len(x.phones) - 1)] != x.phones[min(edit - 1, len(x.phones) - 1)]:
            update = "UPDATE: NEW NUMBER, text me here \U0001f447"
    if update:
        intro.append(update)

    paragraphs = [" ".join(intro)]
    if kit["paragraph"] and rng.random() < 0.85:
        paragraphs.append(kit["paragraph"])
    paragraphs.append(f"{kit['rate'].format(qv=rate - 40, hh=rate, hr=rate + 100)} \u00b7 "
                      f"{kit['age'].format(age=age)}")
    if kit["layout"] == 1:
        paragraphs.insert(1, "\n".join(contact))
    elif contact:
        paragraphs.append("\n".join(contact))
    paragraphs.append(kit["closing"])
    site_lines = []
    if x.verified:
        site_lines.append(rng.choice(("\u2714 Verified by {s} \u2014 questions? {p}", "{s} verified advertiser \u00b7 "
                                      "customer care {p} \u00b7 {e}", "\u2705 ID checked by {s}. Fake ad? Call {p}",
                                      "\u2714 {s} verified \u2014 report fakes to {e}")).format(
            s=site.name, p=_plain(site.phone, rng.randrange(5)), e=site.email))
    if x.featured:
        site_lines.append(f"\u2b50 Featured listing \u2014 feature yours: call our ad desk "
                          f"{_plain(site.desk, rng.randrange(5))} (Lic. #{site.licence})")
    if x.ref:
        site_lines.append(("Ref #{r}", "ID: {r}", "Ad ID {r}", "ref# {r}", "Listing no. {r}", "Post ID: {r}")[
            x.ref_style].format(r=x.ref))
    if site_lines:
        paragraphs.append("\n".join(site_lines))
    return AdText(title=title, phone=phone_field, body="\n\n".join(p for p in paragraphs if p))


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- face photos


def _install_renderer() -> None:
    """Wrap the demo site's renderer (once per process) so FaceSpecs are drawn from the shared
    face folder; every other spec goes to the demo site's own renderer unchanged."""
    current = demo_images.render
    if getattr(current, "blind_faces", False):
        return

    def render(spec: ImageSpec, _inner=current) -> bytes:
        # by name, not class: the module may be imported twice (data.… and bench.data.…)
        if type(spec).__name__ == "FaceSpec" and getattr(spec, "path", "") and not spec.bad:
            return _render_face(spec)
        return _inner(spec)

    render.blind_faces = True  # type: ignore[attr-defined]
    demo_images.render = render


@lru_cache(maxsize=16)
def _face_base(path: str) -> Image.Image | None:
    file = FACES / path
    if not file.is_file():
        return None
    with Image.open(file) as opened:
        image = ImageOps.exif_transpose(opened).convert("RGB")
    w, h = image.size
    if max(w, h) > 900:  # the site resizes uploads
        f = 900 / max(w, h)
        image = image.resize((round(w * f), round(h * f)), Image.Resampling.LANCZOS)
    elif min(w, h) < 300:  # tiny face chips, enlarged as thumbnails are
        f = 300 / min(w, h)
        image = image.resize((round(w * f), round(h * f)), Image.Resampling.BICUBIC)
    return image


@lru_cache(maxsize=1024)
def _render_face(spec: FaceSpec) -> bytes:
    image = _face_base(spec.path)
    if image is None:  # no shared folder: a generated picture stands in
        image = demo_images.picture(spec.seed, spec.picture, spec.width, spec.height)
    if spec.mirror:
        image = ImageOps.mirror(image)
    if spec.crop != (0.0, 0.0, 0.0, 0.0):
        left, top, right, bottom = spec.crop
        w, h = image.size
        image = image.crop((round(left * w), round(top * h), w - round(right * w), h - round(bottom * h)))
    if spec.scale != 1.0:
        w, h = image.size
        factor = min(max(spec.scale, 240 / min(w, h)), 900 / max(w, h))
        image = image.resize((round(w * factor), round(h * factor)), Image.Resampling.BICUBIC)
    if spec.brightness != 1.0:
        image = ImageEnhance.Brightness(image).enhance(spec.brightness)
    out = io.BytesIO()
    if spec.format == "PNG":
        image.save(out, "PNG", compress_level=1)
    else:
        image.save(out, "JPEG", quality=spec.quality)
    return out.getvalue()
