"""The demo site's ads: generated from a seed, fictional, and shaped like the real thing.

Ads belong to networks (one advertiser behind several ads; about a fifth of the ads
are singletons). A network shares one to three phone numbers, a few pictures (posted
again byte for byte, re-uploaded under new names, or re-cropped and re-compressed),
a wording template, and tours one to four cities over time. The site moves through
cycles: most ads are live from cycle 0, some appear in cycles 1-3, some are edited or
removed in cycles 1-4; after that nothing changes.

`generate` is pure and fast: it draws only the structure (who, where, when, which
pictures); ad wording is written on demand by `Corpus.text` (crawler/demosite/text.py)
and pictures are drawn by crawler/demosite/images.py. The same (ads, seed) gives the
same corpus in every process.

Every phone number is fictional: NANP NXX-555-0100..0199, with the area codes of real
US cities. Beyond about 8,000 numbers (roughly 20,000 ads) numbers repeat across
unrelated networks, as recycled numbers do on real sites.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cached_property

from crawler.demosite.text import PHONE_STYLES, AdText, handle_name, persona_name, write_text

REFERENCE = datetime(2026, 11, 1, tzinfo=timezone.utc)  # "now" in cycle 0
CYCLE_LENGTH = timedelta(days=1)  # each cycle moves the site's clock on by this much
LAST_EVENT_CYCLE = 4  # appearances happen in cycles 1-3, edits and removals in 1-4
BAD_IMAGE_KINDS = ("html", "truncated", "bomb")


@dataclass(frozen=True)
class City:
    name: str
    state: str
    lat: float
    lon: float
    area_codes: tuple[str, ...]


CITIES = tuple(City(*row) for row in (
    ("Houston", "TX", 29.7633, -95.3633, ("713", "281", "832", "346")),
    ("Dallas", "TX", 32.7831, -96.8067, ("214", "469", "972")),
    ("San Antonio", "TX", 29.4241, -98.4936, ("210", "726")),
    ("Austin", "TX", 30.2672, -97.7431, ("512", "737")),
    ("El Paso", "TX", 31.7587, -106.4869, ("915",)),
    ("Phoenix", "AZ", 33.4484, -112.0740, ("602", "480", "623")),
    ("Tucson", "AZ", 32.2217, -110.9265, ("520",)),
    ("Las Vegas", "NV", 36.1750, -115.1372, ("702", "725")),
    ("Los Angeles", "CA", 34.0522, -118.2437, ("213", "323", "310")),
    ("San Diego", "CA", 32.7157, -117.1647, ("619", "858")),
    ("San Jose", "CA", 37.3394, -121.8950, ("408", "669")),
    ("Sacramento", "CA", 38.5816, -121.4944, ("916", "279")),
    ("Fresno", "CA", 36.7477, -119.7724, ("559",)),
    ("Denver", "CO", 39.7392, -104.9847, ("303", "720")),
    ("Albuquerque", "NM", 35.0845, -106.6511, ("505",)),
    ("Salt Lake City", "UT", 40.7608, -111.8910, ("801", "385")),
    ("Seattle", "WA", 47.6062, -122.3321, ("206",)),
    ("Portland", "OR", 45.5234, -122.6762, ("503", "971")),
    ("Chicago", "IL", 41.8500, -87.6500, ("312", "773", "872")),
    ("Detroit", "MI", 42.3314, -83.0458, ("313",)),
    ("Minneapolis", "MN", 44.9800, -93.2638, ("612",)),
    ("Milwaukee", "WI", 43.0389, -87.9065, ("414",)),
    ("Kansas City", "MO", 39.0997, -94.5786, ("816",)),
    ("St. Louis", "MO", 38.6273, -90.1979, ("314",)),
    ("Omaha", "NE", 41.2586, -95.9378, ("402", "531")),
    ("Oklahoma City", "OK", 35.4676, -97.5164, ("405",)),
    ("New Orleans", "LA", 29.9547, -90.0751, ("504",)),
    ("Memphis", "TN", 35.1495, -90.0490, ("901",)),
    ("Nashville", "TN", 36.1659, -86.7844, ("615", "629")),
    ("Atlanta", "GA", 33.7490, -84.3880, ("404", "470", "678")),
    ("Birmingham", "AL", 33.5207, -86.8025, ("205", "659")),
    ("Miami", "FL", 25.7743, -80.1937, ("305", "786")),
    ("Orlando", "FL", 28.5383, -81.3792, ("407", "689")),
    ("Tampa", "FL", 27.9475, -82.4584, ("813",)),
    ("Jacksonville", "FL", 30.3322, -81.6556, ("904",)),
    ("Charlotte", "NC", 35.2271, -80.8431, ("704", "980")),
    ("Raleigh", "NC", 35.7721, -78.6386, ("919", "984")),
    ("Richmond", "VA", 37.5538, -77.4603, ("804",)),
    ("Baltimore", "MD", 39.2904, -76.6122, ("410", "443")),
    ("Philadelphia", "PA", 39.9523, -75.1638, ("215", "267")),
    ("Pittsburgh", "PA", 40.4406, -79.9959, ("412",)),
    ("Newark", "NJ", 40.7357, -74.1724, ("973", "862")),
    ("Boston", "MA", 42.3584, -71.0598, ("617", "857")),
    ("Columbus", "OH", 39.9612, -82.9988, ("614", "380")),
    ("Cleveland", "OH", 41.4995, -81.6954, ("216",)),
    ("Indianapolis", "IN", 39.7684, -86.1580, ("317", "463")),
    ("Louisville", "KY", 38.2542, -85.7594, ("502",)),
))
CAMERAS = (("Apple", "iPhone 12"), ("Apple", "iPhone 14 Pro"), ("samsung", "SM-G991U"), ("samsung", "SM-A536U"),
           ("Google", "Pixel 6"), ("motorola", "moto g power (2022)"), ("Canon", "Canon EOS Rebel T7"))
PORTRAIT_NETWORKS = 3

# Base picture sizes (width, height): portrait, landscape and square, as phones and cameras make them.
PICTURE_SIZES = ((480, 640), (600, 800), (450, 800), (640, 480), (800, 600), (800, 450), (512, 512), (640, 640))


@dataclass(frozen=True)
class Exif:
    make: str
    model: str
    taken_at: datetime
    lat: float
    lon: float


@dataclass(frozen=True)
class ImageSpec:
    """What an image URL serves. Equal specs give byte-identical files (a re-upload is a
    new name with the same spec)."""
    seed: int
    picture: int  # the base picture; variants of one picture share it
    width: int  # of the base picture
    height: int
    format: str = "JPEG"  # or "PNG"
    quality: int = 88
    crop: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # fractions cut off left, top, right, bottom
    scale: float = 1.0
    brightness: float = 1.0
    exif: Exif | None = None
    bad: str | None = None  # one of BAD_IMAGE_KINDS
    portrait: bool = False  # the NASA astronaut portrait scikit-image ships, not a generated picture
    mirror: bool = False

    @property
    def content_type(self) -> str:
        return "image/png" if self.format == "PNG" else "image/jpeg"


@dataclass(frozen=True)
class Photo:
    name: str  # the file name in /img/{name}
    spec: ImageSpec
    kind: str  # "original", "copy" (same bytes, new name), "variant" (near-duplicate), "portrait",
    # "stock", "stock-variant" (the hard site's stock photos) or "bad-{kind}"


@dataclass(frozen=True)
class Network:
    id: int
    phones: tuple[str, ...]  # E.164
    cities: tuple[City, ...]  # in touring order
    pictures: tuple[ImageSpec, ...]  # the originals
    email: str | None
    handle: str | None  # "instagram:name" or "snapchat:name"
    persona: str
    age: int
    rate: int  # half-hour rate; the hour is dearer
    style: int  # which wording template the network writes in
    phone_styles: tuple[str, ...]  # how it disguises its numbers, favourite first
    camera: tuple[str, str] | None


@dataclass(frozen=True)
class Ad:
    id: int
    network: int
    city: City
    posted_at: datetime
    appears: int  # the cycle it is first live in
    edits: tuple[int, ...]  # cycles it is edited in, ascending
    edited_at: tuple[datetime, ...]  # one time per edit
    removed: int | None  # the cycle it is gone from
    gone_status: int | None  # 410 or 404 once removed
    phones: tuple[str, ...]  # E.164, every number written in the ad
    phone_field: bool  # the first number is also in the page's phone field
    emails: tuple[str, ...]
    handles: tuple[str, ...]
    images: tuple[str, ...]  # names under /img/
    hostile: str | None  # "title" or "body": the text carries script-injection markup
    text_seed: int

    def is_live(self, cycle: int) -> bool:
        return self.appears <= cycle and (self.removed is None or cycle < self.removed)

    def status(self, cycle: int) -> int:
        """The HTTP status of the ad's page in `cycle`: 200, 404 (not yet posted, or gone) or 410."""
        if self.is_live(cycle):
            return 200
        if self.removed is not None and cycle >= self.removed:
            return self.gone_status or 404
        return 404

    def version(self, cycle: int) -> int:
        """How many edits the page shows in `cycle` (0 for the text as first posted)."""
        return sum(1 for c in self.edits if c <= cycle)

    def modified_at(self, cycle: int) -> datetime:
        """When the version shown in `cycle` was written: the latest edit, else the posting."""
        version = self.version(cycle)
        return self.edited_at[version - 1] if version else self.posted_at


@dataclass(frozen=True)
class Corpus:
    seed: int
    ads: tuple[Ad, ...]  # by id, ascending (which is posting order)
    networks: tuple[Network, ...]
    images: dict[str, Photo] = field(repr=False)

    @cached_property
    def by_id(self) -> dict[int, Ad]:
        return {ad.id: ad for ad in self.ads}

    def live(self, cycle: int) -> list[Ad]:
        """The ads live in `cycle`, newest posted first."""
        return [ad for ad in reversed(self.ads) if ad.is_live(cycle)]

    def text(self, ad: Ad, version: int) -> AdText:
        """The ad's title, phone field and body as of its `version`-th edit."""
        return write_text(ad, self.networks[ad.network], version)

    def footer(self) -> str | None:
        """A line in the footer of every page, or None (the default site has no footer)."""
        return None

    def truth(self) -> dict:
        """The hidden ground truth, as plain JSON-ready data."""
        return {
            "seed": self.seed,
            "reference": _iso(REFERENCE),
            "cycle_length_seconds": int(CYCLE_LENGTH.total_seconds()),
            "ads": {str(ad.id): {
                "network": ad.network, "phones": list(ad.phones), "emails": list(ad.emails),
                "handles": list(ad.handles), "images": list(ad.images), "city": f"{ad.city.name}, {ad.city.state}",
                "posted_at": _iso(ad.posted_at), "appears": ad.appears, "edits": list(ad.edits),
                "removed": ad.removed, "gone_status": ad.gone_status, "hostile": ad.hostile is not None,
                "face": "astronaut" if any(self.images[name].kind == "portrait" for name in ad.images) else None,
            } for ad in self.ads},
            "networks": {str(n.id): {
                "phones": list(n.phones), "cities": [f"{c.name}, {c.state}" for c in n.cities],
                "email": n.email, "handle": n.handle, "camera": " ".join(n.camera) if n.camera else None,
            } for n in self.networks},
            "images": {name: {"picture": None if p.spec.bad or p.spec.portrait else p.spec.picture, "kind": p.kind,
                              "content_type": p.spec.content_type, "exif": p.spec.exif is not None}
                       for name, p in self.images.items()},
        }


PROFILES = ("default", "hard")


def generate(ads: int, seed: int = 7, profile: str = "default") -> Corpus:
    """A corpus of `ads` fictional ads, the same for the same (ads, seed, profile).

    profile "default" is the demo site as described above; "hard" is the site of hard cases
    for network formation (stock photos, a site phone, agency phones, rotating burner phones;
    crawler/demosite/hard.py)."""
    if ads < 1:
        raise ValueError(f"ads must be at least 1, not {ads}")
    if profile == "hard":
        from crawler.demosite.hard import generate_hard

        return generate_hard(ads, seed)
    if profile != "default":
        raise ValueError(f"unknown profile {profile!r}; expected one of {', '.join(PROFILES)}")
    rng = random.Random(seed)
    builder = _Builder(rng, seed)
    networks = [builder.network(n, size) for n, size in enumerate(_network_sizes(ads, rng))]
    # A few networks with different phones show one face (the public-domain NASA astronaut portrait),
    # so face matching links ads that share nothing else.
    shared = [net.id for net in networks if builder.sizes[net.id] >= 2]
    builder.portrait_networks = set(builder.portrait_rng.sample(shared, min(PORTRAIT_NETWORKS, len(shared))))
    return Corpus(seed=seed, ads=tuple(assemble(rng, builder, networks)), networks=tuple(networks),
                  images=builder.images)


def assemble(rng: random.Random, builder: _Builder, networks: list[Network]) -> list[Ad]:
    """The ads of these networks (builder.sizes says how many each), with their lifecycles, posting
    times and ids, in posting order; `builder.ad` writes each one."""
    slots = [net.id for net in networks for _ in range(builder.sizes[net.id])]
    lifecycles = [_lifecycle(rng) for _ in slots]
    hostile = {i: ("title", "body")[(i // 60) % 2] for i in range(17, len(slots), 60)}
    bad = {i: BAD_IMAGE_KINDS[(i // 100) % 3] for i in range(50, len(slots), 100)}
    for i in hostile.keys() | bad.keys():
        lifecycles[i] = (0, (), None)  # every crawl meets these, whichever cycle it runs in
    # Posting order: new ads of cycle c are posted during the day before REFERENCE + c days.
    times = []
    for appears in (life[0] for life in lifecycles):
        start = REFERENCE - 30 * CYCLE_LENGTH if appears == 0 else REFERENCE + (appears - 1) * CYCLE_LENGTH
        span = 30 * CYCLE_LENGTH if appears == 0 else CYCLE_LENGTH
        times.append(start + timedelta(seconds=rng.randrange(int(span.total_seconds()))))
    order = sorted(range(len(slots)), key=lambda i: (times[i], i))
    tour_rank = [0] * len(networks)
    next_id = 48_000 + rng.randrange(1_000)
    out = []
    for i in order:
        net = networks[slots[i]]
        rank, tour_rank[net.id] = tour_rank[net.id], tour_rank[net.id] + 1
        appears, edits, removed = lifecycles[i]
        out.append(builder.ad(next_id, net, rank, times[i], appears, edits, removed, bad.get(i), hostile.get(i)))
        next_id += rng.randint(1, 4)  # other sections take ids in between, as on real sites
    return out


def _network_sizes(ads: int, rng: random.Random) -> list[int]:
    """About 20% singletons; the rest in networks of 2-15 ads, in a shuffled order."""
    singletons = round(ads * 0.2) if ads >= 5 else ads
    sizes = [1] * singletons
    rest = ads - singletons
    while rest > 0:
        size = min(rest, rng.randint(2, 15))
        if rest - size == 1:
            size += 1
        sizes.append(size)
        rest -= size
    rng.shuffle(sizes)
    return sizes


def _lifecycle(rng: random.Random) -> tuple[int, tuple[int, ...], int | None]:
    """(appears, edit cycles, removal cycle): ~80% live from cycle 0, ~10% edited, ~8% removed."""
    appears = 0 if rng.random() < 0.8 else rng.randint(1, 3)
    removed = rng.randint(appears + 1, max(appears + 1, LAST_EVENT_CYCLE)) if rng.random() < 0.08 else None
    last_edit = (removed - 1) if removed is not None else LAST_EVENT_CYCLE
    edits: tuple[int, ...] = ()
    if rng.random() < 0.10 and last_edit > appears:
        choices = range(appears + 1, last_edit + 1)
        edits = tuple(sorted(rng.sample(choices, k=min(len(choices), 1 if rng.random() < 0.8 else 2))))
    return appears, edits, removed


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class _Builder:
    """Draws networks and ads from one random stream, handing out phone numbers and image names."""

    def __init__(self, rng: random.Random, seed: int):
        self.rng, self.seed = rng, seed
        self.sizes: dict[int, int] = {}
        self.images: dict[str, Photo] = {}
        self.pools: dict[tuple[int, int], list[str]] = {}  # (network, picture) -> names posted so far
        self.pictures = 0
        self._free_lines: dict[str, list[int]] = {}
        self._all_codes = [code for city in CITIES for code in city.area_codes]
        self._issued = 0
        self.portrait_networks: set[int] = set()
        self.portrait_rng = random.Random(seed * 31 + 0xFACE)

    def phone(self, home: City) -> str:
        """A fictional number not given out before (until the range is used up), local to `home` if possible."""
        rng = self.rng
        codes = rng.sample(home.area_codes, len(home.area_codes)) + rng.sample(self._all_codes, 3)
        for code in codes + self._all_codes:
            lines = self._free_lines.get(code)
            if lines is None:
                lines = self._free_lines[code] = rng.sample(range(100, 200), 100)
            if lines:
                return f"+1{code}555{lines.pop():04d}"
        self._issued += 1  # all ~8,000 numbers are out: numbers repeat across networks from here on
        code = self._all_codes[self._issued % len(self._all_codes)]
        return f"+1{code}555{100 + (self._issued // len(self._all_codes)) % 100:04d}"

    def network(self, nid: int, size: int) -> Network:
        rng = self.rng
        self.sizes[nid] = size
        home = rng.choice(CITIES)
        n_cities = 1 if size == 1 else rng.randint(1, 4)
        cities = [home] + rng.sample([c for c in CITIES if c is not home], n_cities - 1)
        n_phones = (1 if rng.random() < 0.85 else 2) if size == 1 else rng.randint(1, 3)
        camera = rng.choice(CAMERAS) if rng.random() < 0.6 else None
        pictures = [self.new_picture(home, camera)
                    for _ in range(rng.randint(1, 2) if size == 1 else rng.randint(2, 5))]
        name = handle_name(rng)
        return Network(
            id=nid, phones=tuple(self.phone(home) for _ in range(n_phones)), cities=tuple(cities),
            pictures=tuple(pictures),
            email=f"{name}@{rng.choice(('example.com', 'example.org', 'example.net'))}" if rng.random() < 0.4 else None,
            handle=f"{rng.choice(('instagram', 'snapchat'))}:{name}" if rng.random() < 0.4 else None,
            persona=persona_name(rng), age=rng.randint(21, 34), rate=rng.randrange(100, 260, 10),
            style=rng.randrange(1 << 16), phone_styles=tuple(rng.sample(PHONE_STYLES, 2)), camera=camera,
        )

    def new_picture(self, home: City, camera: tuple[str, str] | None) -> ImageSpec:
        """A new base picture, taken with `camera` (EXIF on most JPEGs when there is one) near `home`."""
        rng = self.rng
        width, height = rng.choice(PICTURE_SIZES)
        fmt = "PNG" if rng.random() < 0.15 else "JPEG"
        exif = None
        if fmt == "JPEG" and camera and rng.random() < 0.7:
            taken = REFERENCE - timedelta(days=rng.randint(31, 120), seconds=rng.randrange(86_400))
            exif = Exif(camera[0], camera[1], taken, round(home.lat + rng.uniform(-0.05, 0.05), 6),
                        round(home.lon + rng.uniform(-0.05, 0.05), 6))
        spec = ImageSpec(self.seed, self.pictures, width, height, fmt, rng.choice((85, 88, 92)), exif=exif)
        self.pictures += 1
        return spec

    def ad(self, ad_id: int, net: Network, rank: int, posted_at: datetime, appears: int, edits: tuple[int, ...],
           removed: int | None, bad: str | None, hostile: str | None) -> Ad:
        rng = self.rng
        size = self.sizes[net.id]
        city = net.cities[min(len(net.cities) - 1, rank * len(net.cities) // size)]  # the tour moves on
        if rng.random() < 0.15:
            city = rng.choice(net.cities)
        phones = (net.phones[0],) if rng.random() < 0.7 else tuple(rng.sample(net.phones, min(len(net.phones), 2)))
        edited_at = tuple(REFERENCE + (c - 1) * CYCLE_LENGTH + timedelta(seconds=rng.randrange(86_400))
                          for c in edits)
        images = [self.image(net, spec) for spec in rng.sample(net.pictures, rng.randint(1, min(4, len(net.pictures))))]
        if net.id in self.portrait_networks:
            images.insert(0, self.portrait())
        if bad:
            images.insert(rng.randint(0, len(images)), self.bad_image(net, bad))
        return Ad(
            id=ad_id, network=net.id, city=city, posted_at=posted_at, appears=appears, edits=edits,
            edited_at=edited_at, removed=removed, gone_status=(410 if rng.random() < 0.5 else 404) if removed else None,
            phones=phones, phone_field=rng.random() < 0.5,
            emails=(net.email,) if net.email and rng.random() < 0.7 else (),
            handles=(net.handle,) if net.handle and rng.random() < 0.7 else (),
            images=tuple(images), hostile=hostile, text_seed=rng.getrandbits(48),
        )

    def image(self, net: Network, original: ImageSpec) -> str:
        """A name for one of the network's pictures in a new ad: the same file again, the same
        bytes under a new name, or a near-duplicate (re-cropped, resized, re-compressed, brighter)."""
        rng = self.rng
        pool = self.pools.setdefault((net.id, original.picture), [])
        roll = rng.random()
        if not pool:
            spec, kind = original, "original"
        elif roll < 0.55:
            return rng.choice(pool)
        elif roll < 0.70:
            spec, kind = original, "copy"
        else:
            spec, kind = ImageSpec(
                self.seed, original.picture, original.width, original.height, "JPEG", rng.randint(55, 92),
                crop=tuple(round(rng.uniform(0, 0.03), 4) for _ in range(4)),
                scale=round(rng.uniform(0.6, 1.1), 3), brightness=round(rng.uniform(0.92, 1.08), 3),
            ), "variant"
        name = self.new_name(spec)
        self.images[name] = Photo(name, spec, kind)
        pool.append(name)
        return name

    def portrait(self) -> str:
        """The same face in another ad: the portrait re-cropped, resized, maybe mirrored, re-compressed.
        Drawn from its own random stream, so the rest of the corpus is as it would be without it."""
        rng = self.portrait_rng
        spec = ImageSpec(self.seed, -1, 512, 512, "JPEG", rng.randint(60, 92),
                         crop=tuple(round(rng.uniform(0, 0.1), 4) for _ in range(4)),
                         scale=round(rng.uniform(0.7, 1.4), 3), brightness=round(rng.uniform(0.9, 1.1), 3),
                         portrait=True, mirror=rng.random() < 0.5)
        name = f"{rng.getrandbits(64):016x}.jpg"
        while name in self.images:
            name = f"{rng.getrandbits(64):016x}.jpg"
        self.images[name] = Photo(name, spec, "portrait")
        return name

    def bad_image(self, net: Network, kind: str) -> str:
        base = net.pictures[0]
        spec = ImageSpec(self.seed, base.picture, base.width, base.height, "PNG" if kind == "bomb" else "JPEG",
                         bad=kind)
        name = self.new_name(spec)
        self.images[name] = Photo(name, spec, f"bad-{kind}")
        return name

    def new_name(self, spec: ImageSpec) -> str:
        while True:
            name = f"{self.rng.getrandbits(64):016x}.{'png' if spec.format == 'PNG' else 'jpg'}"
            if name not in self.images:
                return name
