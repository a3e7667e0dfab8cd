"""The hard demo site, `generate(ads, seed, profile="hard")`: the cases that make network
formation fail on real sites, each ad's true network kept in the truth.

Every identifier shared by ads of unrelated networks here is one of these, and none of
them makes its ads one network:

- stock photos (STOCKS of them, the first the public-domain NASA astronaut portrait, a
  real face): a few networks of every kind (singletons too) put one on about a third of
  their ads (a singleton's one ad always), about a tenth of the site; the same file again,
  the same bytes under a new name, or re-cropped, resized and re-compressed (near-duplicate
  pHash, different bytes; the portrait now and then mirrored, so only the face links it);
- the site's phone: in the footer of every page (outside the ad, where the demo site file
  reads nothing) and in the body of about BOOKED of the ads ("Booked through Demo
  Classifieds, call 702-555-01XX"), where it is extracted;
- agency phones: each shared by 3-6 unrelated posters, on a minority of each one's ads;
- the wording: every ad ends with the same notice, and networks write in one of only
  TEMPLATES templates.

The networks are of five kinds (truth: networks[id].kind):

- "singleton": one ad, its own phone;
- "plain": as in the default demo (one to three phones, its pictures re-posted, maybe an
  email or a handle);
- "agency": a poster like "plain" whose agency's phone is on some of its ads;
- "rotating": a victim's photos (3-6 pictures, each ad showing 2-4, mostly re-cropped and
  re-compressed copies) posted with 2-5 burner phones, each on a run of consecutive ads:
  across runs the near-duplicate photos are the only common thread (each ad shows one
  picture the ad before it showed, so the thread is never broken);
- "email": one email on most ads and on the first ad of each run of 2-4 burner phones, a
  new picture on every ad: the email is the thread.

Apart from the cases above no identifier is shared by two networks: phones, emails and
handles are unique (phones until about 8,000 numbers are out, as in the default corpus).
The truth adds "profile": "hard", each network's kind and agency, each ad's stock photos,
every number written in the ad (the site's included) and a "hard" section naming the
site phone, the agencies and the stock photos.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from crawler.demosite.corpus import (
    CITIES, CYCLE_LENGTH, REFERENCE, Ad, Corpus, ImageSpec, Network, Photo, _Builder, assemble,
)
from crawler.demosite.text import AdText, handle_name, write_phone

SITE_NAME = "Demo Classifieds"
STOCKS = 5
STOCK_WEIGHTS = (0.4, 0.25, 0.15, 0.1, 0.1)  # how often each stock photo is the one a network picks
STOCK_NETWORKS = 0.25  # share of networks that use a stock photo
STOCK_ON_AD = 0.35  # share of such a network's ads that show it
BOOKED = 0.08  # share of ads whose body gives the site's number
AGENCY_ON_AD = 0.3  # share of an agency poster's ads with the agency's number (at least one, under half)
TEMPLATES = 12  # wording templates every network picks from
SHARES = {"singleton": 0.15, "agency": 0.15, "rotating": 0.20, "email": 0.10}  # of the ads; "plain" the rest
KINDS = ("singleton", "plain", "agency", "rotating", "email")
# Fewest ads of each kind (an agency's phone on under half of 3); a network cut smaller is plain or a singleton.
MIN_SIZE = {"plain": 2, "agency": 3, "rotating": 4, "email": 2}
NOTICE = ("All advertisers are independent adults, 18+. {site} does not arrange meetings, check ads or "
          "take part in any transaction. Never send a deposit before meeting. Report an ad with the link below.")
LAS_VEGAS = next(city for city in CITIES if city.name == "Las Vegas")


@dataclass(frozen=True)
class HardCorpus(Corpus):
    site_phone: str = ""  # E.164: in every page's footer, and in the body of the ads in `booked`
    kinds: tuple[str, ...] = ()  # per network id, one of KINDS
    agency_of: tuple[int | None, ...] = ()  # per network id, its agency (an index of `agencies`) or None
    agencies: tuple[str, ...] = ()  # the agencies' phones (E.164)
    stock: dict[str, int] = field(default_factory=dict, repr=False)  # image name -> stock photo number
    booked: frozenset[int] = frozenset()  # ad ids

    def text(self, ad: Ad, version: int) -> AdText:
        """The ad's wording, then the booking line on booked ads, then the site's notice on all."""
        text = super().text(ad, version)
        tail = []
        if ad.id in self.booked:
            rng = random.Random(ad.text_seed ^ 0xB00C)
            tail.append(f"Booked through {SITE_NAME}, call {write_phone(self.site_phone, 'plain', rng)}")
        tail.append(NOTICE.format(site=SITE_NAME))
        return AdText(text.title, text.phone, "\n\n".join([text.body, *tail]))

    def footer(self) -> str | None:
        digits = self.site_phone[-10:]
        return f"{SITE_NAME} \u00b7 bookings and questions: ({digits[:3]}) {digits[3:6]}-{digits[6:]}"

    def truth(self) -> dict:
        truth = super().truth()
        truth["profile"] = "hard"
        for ad in self.ads:
            row = truth["ads"][str(ad.id)]
            row["phones"] = list(ad.phones) + ([self.site_phone] if ad.id in self.booked else [])
            row["booked"] = ad.id in self.booked
            row["stock"] = [self.stock[name] for name in ad.images if name in self.stock]
            row["face"] = "astronaut" if any(self.images[name].spec.portrait for name in ad.images) else None
        for net in self.networks:
            row = truth["networks"][str(net.id)]
            row["kind"] = self.kinds[net.id]
            agency = self.agency_of[net.id]
            row["agency_phone"] = self.agencies[agency] if agency is not None else None
        for name, number in self.stock.items():
            truth["images"][name]["stock"] = number
        stocks = []
        for number in range(STOCKS):
            names = sorted(name for name, k in self.stock.items() if k == number)
            ads = [ad for ad in self.ads if any(self.stock.get(name) == number for name in ad.images)]
            stocks.append({"stock": number, "face": number == 0, "images": names, "ads": len(ads),
                           "networks": len({ad.network for ad in ads})})
        truth["hard"] = {
            "site_phone": self.site_phone,
            "booked_ads": sorted(self.booked),
            "agencies": [{"phone": phone, "networks": [n for n, a in enumerate(self.agency_of) if a == i]}
                         for i, phone in enumerate(self.agencies)],
            "stocks": stocks,
            "notice": NOTICE.format(site=SITE_NAME),
        }
        return truth


def generate_hard(ads: int, seed: int) -> HardCorpus:
    """The hard corpus of `ads` ads (at least 1), the same for the same (ads, seed)."""
    rng = random.Random(seed * 7919 + 0x4A7D)
    plan = _plan(ads, rng)
    builder = _HardBuilder(rng, seed, plan)
    networks = [builder.network(n, size) for n, (_, size, _) in enumerate(plan)]
    out = assemble(rng, builder, networks)
    return HardCorpus(
        seed=seed, ads=tuple(out), networks=tuple(networks), images=builder.images,
        site_phone=builder.site_phone, kinds=tuple(kind for kind, _, _ in plan),
        agency_of=tuple(builder.agency_of.get(n) for n in range(len(plan))),
        agencies=tuple(builder.agency_phones), stock=builder.stock, booked=frozenset(builder.booked),
    )


def _plan(ads: int, rng: random.Random) -> list[tuple[str, int, int | None]]:
    """(kind, size, agency group) per network, sizes adding up to `ads`, in a shuffled order."""
    items: list[tuple[str, int, int | None]] = []
    group = 0
    while sum(size for kind, size, _ in items if kind == "agency") < SHARES["agency"] * ads:
        items += [("agency", rng.randint(3, 8), group) for _ in range(rng.randint(3, 6))]
        group += 1
    for kind, low, high in (("rotating", 6, 20), ("email", 4, 12)):
        target, total = SHARES[kind] * ads, 0
        while total < target:
            size = rng.randint(low, high)
            items.append((kind, size, None))
            total += size
    items += [("singleton", 1, None)] * round(SHARES["singleton"] * ads)
    total = sum(size for _, size, _ in items)
    while total < ads:
        size = rng.randint(2, 15)
        items.append(("plain", size, None))
        total += size
    rng.shuffle(items)
    plan, left = [], ads
    for kind, size, agency in items:  # the last network taken is cut to fit, and may change kind
        if left == 0:
            break
        size = min(size, left)
        left -= size
        if size < MIN_SIZE.get(kind, 1):
            kind, agency = "plain" if size >= 2 else "singleton", None
        plan.append((kind, size, agency))
    return plan


def _runs(size: int, count: int, rng: random.Random) -> list[int]:
    """Which of `count` phones each of `size` ads uses: consecutive runs of at least 2 ads (when
    size allows), in order."""
    lengths = [min(2, size // count)] * count
    for _ in range(size - sum(lengths)):
        lengths[rng.randrange(count)] += 1
    return [phone for phone, length in enumerate(lengths) for _ in range(length)]


class _HardBuilder(_Builder):
    """The default builder's phones, pictures and names, with the hard cases laid over them."""

    def __init__(self, rng: random.Random, seed: int, plan: list[tuple[str, int, int | None]]):
        super().__init__(rng, seed)
        self.plan = plan
        self.site_phone = self.phone(LAS_VEGAS)
        self.agency_phones: list[str] = []
        self.agency_index: dict[int, int] = {}  # plan group -> index in agency_phones
        self.agency_of: dict[int, int] = {}  # network id -> agency index
        self.agency_ranks: dict[int, set[int]] = {}  # network id -> the ranks of its ads with the agency's number
        self.runs: dict[int, list[int]] = {}  # network id -> phone index per rank
        self.stock_of: dict[int, int | None] = {}
        self.stock: dict[str, int] = {}
        self.stock_pools: dict[int, list[str]] = {k: [] for k in range(STOCKS)}
        self.stock_specs = [ImageSpec(seed, -1, 512, 512, "JPEG", 90, portrait=True)] + [
            replace(self.new_picture(rng.choice(CITIES), None), format="JPEG") for _ in range(STOCKS - 1)]
        self.last_pictures: dict[int, list[ImageSpec]] = {}
        self.booked: set[int] = set()
        self.names: set[str] = set()  # emails and handles given out

    def network(self, nid: int, size: int) -> Network:
        rng = self.rng
        kind, _, group = self.plan[nid]
        net = super().network(nid, size)
        net = replace(net, style=rng.randrange(TEMPLATES), email=self._unique(net.email), handle=self._unique(net.handle))
        home = net.cities[0]
        if kind == "rotating":
            count = min(rng.randint(2, 5), size // 2)
            net = replace(net, phones=tuple(self.phone(home) for _ in range(count)), email=None, handle=None,
                          pictures=tuple(self.new_picture(home, net.camera) for _ in range(rng.randint(3, 6))))
            self.runs[nid] = _runs(size, count, rng)
        elif kind == "email":
            count = min(rng.randint(2, 4), size)
            email = net.email or self._unique(f"{handle_name(rng)}@{rng.choice(('example.com', 'example.org'))}")
            net = replace(net, phones=tuple(self.phone(home) for _ in range(count)), email=email, handle=None,
                          pictures=tuple(self.new_picture(home, net.camera) for _ in range(size)))
            self.runs[nid] = _runs(size, count, rng)
        elif kind == "agency":
            if group not in self.agency_index:
                self.agency_index[group] = len(self.agency_phones)
                self.agency_phones.append(self.phone(rng.choice(CITIES)))
            self.agency_of[nid] = self.agency_index[group]
            count = max(1, min((size - 1) // 2, round(AGENCY_ON_AD * size)))
            self.agency_ranks[nid] = set(rng.sample(range(size), count))
        self.stock_of[nid] = rng.choices(range(STOCKS), STOCK_WEIGHTS)[0] if rng.random() < STOCK_NETWORKS else None
        return net

    def ad(self, ad_id: int, net: Network, rank: int, posted_at: datetime, appears: int, edits: tuple[int, ...],
           removed: int | None, bad: str | None, hostile: str | None) -> Ad:
        rng = self.rng
        kind, size, _ = self.plan[net.id]
        city = net.cities[min(len(net.cities) - 1, rank * len(net.cities) // size)]
        if rng.random() < 0.15:
            city = rng.choice(net.cities)
        emails = (net.email,) if net.email and rng.random() < 0.7 else ()
        if kind in ("rotating", "email"):
            runs = self.runs[net.id]
            phones = (net.phones[runs[rank]],)
            if kind == "email":
                first_of_run = rank == 0 or runs[rank - 1] != runs[rank]
                emails = (net.email,) if first_of_run or rng.random() < 0.75 else ()
                images = [self.image(net, net.pictures[rank])]
            else:
                images = self.victim_images(net)
        else:
            phones = (net.phones[0],) if rng.random() < 0.7 else tuple(rng.sample(net.phones, min(len(net.phones), 2)))
            images = [self.image(net, spec) for spec in rng.sample(net.pictures, rng.randint(1, min(4, len(net.pictures))))]
        if kind == "agency" and rank in self.agency_ranks[net.id]:
            phones += (self.agency_phones[self.agency_of[net.id]],)
        stock = self.stock_of[net.id]
        if stock is not None and (size == 1 or rng.random() < STOCK_ON_AD):
            images.insert(rng.randint(0, len(images)), self.stock_image(stock))
        if bad:
            images.insert(rng.randint(0, len(images)), self.bad_image(net, bad))
        if rng.random() < BOOKED:
            self.booked.add(ad_id)
        edited_at = tuple(REFERENCE + (c - 1) * CYCLE_LENGTH + timedelta(seconds=rng.randrange(86_400))
                          for c in edits)
        return Ad(
            id=ad_id, network=net.id, city=city, posted_at=posted_at, appears=appears, edits=edits,
            edited_at=edited_at, removed=removed, gone_status=(410 if rng.random() < 0.5 else 404) if removed else None,
            phones=phones, phone_field=rng.random() < 0.5, emails=emails,
            handles=(net.handle,) if net.handle and rng.random() < 0.7 else (),
            images=tuple(images), hostile=hostile, text_seed=rng.getrandbits(48),
        )

    def victim_images(self, net: Network) -> list[str]:
        """2-4 of the victim's pictures, one of them shown by the network's previous ad; mostly
        re-cropped, resized and re-compressed copies (a new file each), else a file posted before."""
        rng = self.rng
        count = rng.randint(2, min(4, len(net.pictures)))
        last = self.last_pictures.get(net.id)
        chosen = [rng.choice(last)] if last else []
        chosen += rng.sample([p for p in net.pictures if p not in chosen], count - len(chosen))
        self.last_pictures[net.id] = chosen
        names = []
        for original in chosen:
            pool = self.pools.setdefault((net.id, original.picture), [])
            if not pool:
                spec, kind = original, "original"
            elif rng.random() < 0.25:
                names.append(rng.choice(pool))
                continue
            else:
                spec, kind = self.variant(original), "variant"
            name = self.new_name(spec)
            self.images[name] = Photo(name, spec, kind)
            pool.append(name)
            names.append(name)
        return names

    def stock_image(self, number: int) -> str:
        """Stock photo `number` in one more ad: a file posted before, the same bytes under a new name,
        or a near-duplicate (the portrait sometimes mirrored)."""
        rng = self.rng
        pool, base = self.stock_pools[number], self.stock_specs[number]
        roll = rng.random()
        if pool and roll < 0.35:
            return rng.choice(pool)
        if not pool or roll < 0.55:
            spec, kind = base, "stock"
        else:
            spec, kind = self.variant(base), "stock-variant"
            if base.portrait:  # mirrored now and then (the second variant at least): then only the face links it
                mirror = rng.random() < 0.15 or not any(self.images[n].spec.mirror for n in pool)
                spec = replace(spec, portrait=True, mirror=mirror and len(pool) >= 2)
        name = self.new_name(spec)
        self.images[name] = Photo(name, spec, kind)
        self.stock[name] = number
        pool.append(name)
        return name

    def variant(self, original: ImageSpec) -> ImageSpec:
        """`original` re-cropped (up to 4% a side), resized, a little brighter or darker, re-compressed."""
        rng = self.rng
        return ImageSpec(self.seed, original.picture, original.width, original.height, "JPEG", rng.randint(55, 92),
                         crop=tuple(round(rng.uniform(0, 0.04), 4) for _ in range(4)),
                         scale=round(rng.uniform(0.6, 1.1), 3), brightness=round(rng.uniform(0.92, 1.08), 3))

    def _unique(self, name: str | None) -> str | None:
        """`name` (an email or platform:handle) if not given out before, else a fresh one like it."""
        if name is None:
            return None
        while name in self.names:
            fresh = handle_name(self.rng)
            if "@" in name:
                name = f"{fresh}@{name.partition('@')[2]}"
            else:
                name = f"{name.partition(':')[0]}:{fresh}"
        self.names.add(name)
        return name
