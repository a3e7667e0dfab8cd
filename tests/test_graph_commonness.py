"""Commonness by spread (graph/commonness.py): which shared identifiers link ads, table-driven on
small sites written out by hand. Pure: no database."""

from __future__ import annotations

import pytest

from graph.commonness import CONFIRMED, KEPT_COMMON, NORMAL, Rules, components, judge, networks


class Site:
    """A site written ad by ad: each ad names its identifiers ("p:..." phones, "e:..." emails,
    "h:..." handles, "i:..." picture families, "f:..." faces)."""

    def __init__(self, *ads: list[str], sites: list[int] | None = None, site_ads: list[int] | None = None):
        self.ads = ads
        self.units: list[str] = sorted({u for ad in ads for u in ad})
        index = {u: i for i, u in enumerate(self.units)}
        self.link_ad = [a for a, ad in enumerate(ads) for _ in ad]
        self.link_unit = [index[u] for ad in ads for u in ad]
        self.ad_site = sites or [0] * len(ads)
        self.site_ads = site_ads or [len(ads)]

    def judge(self, confirmed=(), kept=(), rules=Rules()):
        state = [CONFIRMED if u in confirmed else KEPT_COMMON if u in kept else NORMAL for u in self.units]
        strong = [u[0] in "peh" for u in self.units]
        spreads = judge(self.ad_site, self.site_ads, self.link_ad, self.link_unit, strong, state, rules)
        return dict(zip(self.units, spreads, strict=True))

    def common(self, **kwargs) -> set[str]:
        return {u for u, s in self.judge(**kwargs).items() if s.common}

    def networks(self, **kwargs) -> list[set[int]]:
        verdict = self.judge(**kwargs)
        labels = networks(len(self.ads), self.link_ad, self.link_unit, [not verdict[u].common for u in self.units])
        groups: dict[int, set[int]] = {}
        for a, label in enumerate(labels):
            groups.setdefault(int(label), set()).add(a)
        return sorted(groups.values(), key=min)


def network(name: str, ads: int, phones: int = 1, extra=()) -> list[list[str]]:
    """A network of `ads` ads rotating through `phones` phones in runs, every ad also showing `extra`."""
    return [[f"p:{name}{a * phones // ads}", *extra] for a in range(ads)]


def with_unit(ads: list[list[str]], unit: str, every: int = 1) -> list[list[str]]:
    return [ad + [unit] if i % every == 0 else ad for i, ad in enumerate(ads)]


def stock_photo_site(networks_n: int, ads: int = 6, on: int = 3) -> Site:
    """networks_n networks of `ads` ads each; a stock photo on every on-th ad of each."""
    return Site(*[ad for n in range(networks_n) for ad in with_unit(network(f"n{n}-", ads), "i:stock", on)])


CASES = [
    # (what, site, common identifiers, number of networks)
    ("a stock photo on a third of the ads of five networks", stock_photo_site(5), {"i:stock"}, 5),
    ("a stock photo on a third of the ads of three networks", stock_photo_site(3), {"i:stock"}, 3),
    ("a stock photo on a third of the ads of two networks", stock_photo_site(2), {"i:stock"}, 2),
    ("a photo on most ads of two posters is a link", stock_photo_site(2, on=1), set(), 1),
    ("a network with two phones, each of its photos over both",
     Site(*[[f"p:two{a % 2}", f"i:own{a % 5}"] for a in range(12)]), set(), 1),
    ("a stock photo on two networks that each use two phones and photos over both",
     Site(*[[f"p:{n}{a % 2}", f"i:{n}{a % 3}"] + (["i:stock"] if a % 3 == 0 else []) for n in "ab" for a in range(9)]),
     {"i:stock"}, 2),
    ("a victim's photos on every ad of the three burner phones a network rotated through",
     Site(*network("v", 9, phones=3, extra=["i:victim"])), set(), 1),
    ("the same with the face found in them",
     Site(*network("v", 9, phones=3, extra=["i:victim", "f:victim"])), set(), 1),
    ("one phone on ten ads with nothing else", Site(*[["p:1"]] * 10), set(), 1),
    ("one phone on ten ads, each with its own picture", Site(*[["p:1", f"i:{a}"] for a in range(10)]), set(), 1),
    ("a footer phone on every ad of twelve two-ad networks",
     Site(*[ad + ["p:site"] for n in range(12) for ad in network(f"n{n}-", 2)]), {"p:site"}, 12),
    ("a footer phone and email on every ad: each would hide the other",
     Site(*[ad + ["p:site", "e:site"] for n in range(12) for ad in network(f"n{n}-", 2)]), {"p:site", "e:site"}, 12),
    ("a footer phone and email, the email missed on some ads",
     Site(*[ad + ["p:site"] + (["e:site"] if i % 3 else []) for n in range(12)
            for i, ad in enumerate(network(f"n{n}-", 2))]), {"p:site", "e:site"}, 12),
    ("an agency line on one ad of each of four posters",
     Site(*[ad for n in range(4) for ad in with_unit(network(f"n{n}-", 4), "p:agency", 4)]), {"p:agency"}, 4),
    ("an agency line on half the ads of each of three posters",
     Site(*[ad for n in range(3) for ad in with_unit(network(f"n{n}-", 4), "p:agency", 2)]), {"p:agency"}, 3),
    ("an agency line on half the ads of three posters, one poster's second phone only on one of them",
     Site(*[[f"p:{n}" if i or n else "p:0b", f"i:{n}"] + (["p:agency"] if i < 2 else []) for n in range(3)
            for i in range(4)]), {"p:agency"}, 3),
    ("a network's email on two of the three ads of each burner phone is its thread",
     Site(*[ad + (["e:thread"] if a % 3 else []) for a, ad in enumerate(network("e", 9, phones=3))]), set(), 1),
    ("a line on half of two posters' ads and on most of a third's is a link",
     Site(*[ad for n in range(2) for ad in with_unit(network(f"n{n}-", 4), "p:line", 2)],
          *[ad + ["p:line"] if i else ad for i, ad in enumerate(network("n2-", 3))]), set(), 1),
    ("an operation's email on one ad of each burner phone's run, the runs joined by the victim's photos",
     Site(*[[f"p:r{a // 4}", f"i:v{a % 8}", f"i:v{(a + 3) % 8}"] + (["e:op"] if a % 4 == 0 else [])
            for a in range(16)]), set(), 1),
    ("a site's care line in the badge of five posters, on most of each one's ads",
     Site(*[[f"p:{n}", f"i:{n}"] + (["p:care"] if i else []) for n in range(5) for i in range(4)]), {"p:care"}, 5),
    ("an agency line on a one-ad poster and on four of the ten ads of two others",
     Site(["p:single", "p:agency"],
          *[[f"p:{n}", f"i:{n}"] + (["p:agency"] if i < 4 else []) for n in range(2) for i in range(10)]),
     {"p:agency"}, 3),
    ("a victim's photos, each on one ad of three of an operation's four burner runs, vouch for each other",
     Site(*[[f"p:r{a // 4}"] + [f"i:{v}" for v, on in (("a", (0, 4, 8)), ("b", (5, 9, 13)), ("c", (1, 6, 14)))
                                if a in on] for a in range(16)]), set(), 1),
    ("a stock photo and a footer phone together",
     Site(*[ad + ["p:site"] for n in range(12) for ad in with_unit(network(f"n{n}-", 3), "i:stock", 3)]),
     {"p:site", "i:stock"}, 12),
    ("a stock photo on single-ad posters, each with a phone of their own",
     Site(*[[f"p:{n}", "i:stock"] for n in range(10)]), {"i:stock"}, 10),
    ("a stock photo alone on five single-ad posters", Site(*[[f"p:{n}", "i:stock"] for n in range(5)]), {"i:stock"}, 5),
    ("a photo alone on four posters' every ad is a link", Site(*[[f"p:{n}", "i:x"] for n in range(4)]), set(), 1),
    ("a picture shared by three posters on a third of their ads",
     Site(*[ad for n in range(3) for ad in with_unit(network(f"n{n}-", 6), "i:shared", 3)]), {"i:shared"}, 3),
    ("a picture alone on half the ads of three posters goes from network to network: a stock photo",
     Site(*[ad for n in range(3) for ad in with_unit(network(f"n{n}-", 4), "i:shared", 2)]), {"i:shared"}, 3),
    ("a photo set over three posters' ads, each photo on half of them, is one operation's",
     Site(*[ad + ["i:a" if i % 2 else "i:b"] for n in range(3) for i, ad in enumerate(network(f"n{n}-", 4))]), set(), 1),
    ("one photo on every ad of three posters is one person's", stock_photo_site(3, ads=4, on=1), set(), 1),
    ("a network rotating three phones at random over its ads, each showing two of its eight photos",
     Site(*[[f"p:r{(a * 7) % 3}", f"i:v{a % 8}", f"i:v{(a + 3) % 8}"] for a in range(24)]), set(), 1),
    ("two stock photos on the same networks, each on other ads",
     Site(*[ad + ["i:s1"] if i % 6 == 0 else ad + ["i:s2"] if i % 6 == 3 else ad
            for n in range(5) for i, ad in enumerate(network(f"n{n}-", 6))]), {"i:s1", "i:s2"}, 5),
    ("a stock photo on four of a network's ten ads and on a one-ad poster",
     Site(*with_unit(network("n", 10), "i:stock", 3), ["p:single", "i:stock"]), {"i:stock"}, 2),
    ("a network's photo on half its ads and on a one-ad poster is a link",
     Site(*with_unit(network("n", 10), "i:x", 2), ["p:single", "i:x"]), set(), 1),
    ("a rotating network whose ads share one of two photos, both near most ads",
     Site(*[[f"p:r{a // 3}", "i:a" if a % 2 else "i:b", "i:c"] for a in range(12)]), set(), 1),
    ("two photos of one hotel room: one on an ad of two networks, the other on an ad of five, which it joins too",
     Site(*[ad + (["i:room2"] if i == 0 else ["i:room1"] if i == 1 and n < 2 else [])
            for n in range(5) for i, ad in enumerate(network(f"n{n}-", 6))]), {"i:room1", "i:room2"}, 5),
]


@pytest.mark.parametrize("what, site, common, count", CASES, ids=[c[0] for c in CASES])
def test_commonness_by_spread(what, site, common, count):
    assert site.common() == common
    assert len(site.networks()) == count


def test_the_figures_say_why():
    spread = stock_photo_site(5).judge()["i:stock"]
    assert (spread.ads, spread.groups, spread.common) == (10, 5, True)
    assert spread.coverage == pytest.approx(10 / 30)
    assert spread.reason == "joins 5 groups on 33% of their ads"
    assert spread.figures() == {"ads": 10, "groups": 5, "coverage": 0.333, "site_share": 0.333,
                                "reason": "joins 5 groups on 33% of their ads"}
    evidence = stock_photo_site(5).judge()["p:n0-0"]
    assert (evidence.common, evidence.groups, evidence.reason) == (False, 0, "")


def test_an_unusual_share_of_a_site():
    # Five networks of eight ads and their phone, a picture on five of each one's eight: it covers
    # too much of them for the coverage rule, but it is on a quarter of a 100-ad site.
    ads = [ad for n in range(5) for ad in network(f"n{n}-", 8)]
    ads = [ad + ["i:x"] if i % 8 < 5 else ad for i, ad in enumerate(ads)]
    assert Site(*ads, site_ads=[100]).judge()["i:x"].reason == "joins 5 groups and is on 25% of a site's ads"
    # On a site ten times the size, or a small one, it is no unusual share; alone over five groups
    # (no other picture between them) on five of their eight ads, it goes as a stock photo does.
    for site in (Site(*ads, site_ads=[1000]), Site(*ads)):
        assert site.judge()["i:x"].reason == "joins 5 groups alone, on 62% of their ads"


def test_an_admins_word_wins():
    agency = Site(*[ad for n in range(4) for ad in with_unit(network(f"n{n}-", 4), "p:agency", 4)])
    assert agency.common(confirmed={"p:agency"}) == set()
    assert len(agency.networks(confirmed={"p:agency"})) == 1
    # Kept common: judged so before, with ads out of view; it stays common whatever is in view.
    assert Site(["p:1", "i:x"], ["p:1", "i:x"]).common(kept={"i:x"}) == {"i:x"}


def test_units_in_other_sites_count_against_their_own_site():
    # Site 0 has 4 ads here of 100; site 1 has all 4 of its ads here; x is on 2 of site 1's.
    site = Site(["p:a", "i:x"], ["p:a"], ["p:b", "i:x"], ["p:b"], ["p:c", "i:x"], ["p:c"],
                sites=[0, 0, 1, 1, 1, 1], site_ads=[100, 4])
    assert site.judge()["i:x"].site_share == pytest.approx(0.5)


def test_rules_can_be_loosened():
    assert stock_photo_site(2).common(rules=Rules(min_picture_groups=3)) == set()


def test_components():
    assert list(components(5, [0, 3], [1, 4])) == [0, 0, 1, 2, 2]
    assert list(components(0, [], [])) == []


@pytest.mark.parametrize("seed", range(30))
def test_pieces_agree_with_taking_each_identifier_away_by_brute_force(seed):
    """The one-search figures (graph.commonness._spread) against networkx, one identifier at a time,
    on random small sites."""
    import random

    import networkx as nx

    from graph.commonness import _spread

    rng = random.Random(seed)
    n_ads, n_units = rng.randint(2, 25), rng.randint(1, 15)
    ads_of = {u: sorted(rng.sample(range(n_ads), rng.randint(1, min(6, n_ads)))) for u in range(n_units)}
    strong = [rng.random() < 0.5 for _ in range(n_units)]
    found = _spread(n_ads, list(range(n_units)), ads_of, strong)
    graph = nx.Graph()
    graph.add_nodes_from(("ad", a) for a in range(n_ads))
    graph.add_edges_from((("ad", a), ("unit", u)) for u, ads in ads_of.items() for a in ads)
    for u, ads in ads_of.items():
        without = graph.copy()
        without.remove_node(("unit", u))
        pieces = [p for p in nx.connected_components(without) if any(("ad", a) in p for a in ads)]
        groups = [p for p in pieces if sum(1 for k, _ in p if k == "ad") >= 2
                  or any(k == "unit" and strong[x] for k, x in p)]
        spanned = sum(sum(1 for k, _ in p if k == "ad") for p in groups) + (len(pieces) - len(groups))
        most = max((sum(1 for a in ads if ("ad", a) in p) / sum(1 for k, _ in p if k == "ad") for p in groups),
                   default=0.0)
        assert found[u] == (len(groups), pytest.approx(len(ads) / spanned if spanned else 1.0),
                            pytest.approx(most)), (u, ads_of)


@pytest.mark.parametrize("seed", range(30))
def test_co_travelling_agrees_with_comparing_every_pair(seed):
    """Units travel together when their ads overlap by co_travel of the larger set (same class,
    enough ads, NORMAL): the prefix-filtered search against every pair compared by hand."""
    import math
    import random

    import networkx as nx

    from graph.commonness import NORMAL, _co_travelling

    rng = random.Random(seed)
    n_ads, n_units = rng.randint(3, 30), rng.randint(1, 20)
    base = sorted(rng.sample(range(n_ads), min(n_ads, 8)))
    ads_of = [sorted(set(rng.sample(base, rng.randint(1, len(base)))) if rng.random() < 0.6
              else set(rng.sample(range(n_ads), rng.randint(1, min(10, n_ads))))) for _ in range(n_units)]
    strong = [rng.random() < 0.5 for _ in range(n_units)]
    state = [NORMAL if rng.random() < 0.9 else 1 for _ in range(n_units)]
    rules = Rules()
    head = _co_travelling(n_ads, ads_of, strong, state, rules)
    together = nx.Graph()
    together.add_nodes_from(range(n_units))
    for u in range(n_units):
        for v in range(u + 1, n_units):
            a, b = set(ads_of[u]), set(ads_of[v])
            if all(len(x) >= rules.min_groups for x in (a, b)) and state[u] == state[v] == NORMAL \
                    and strong[u] == strong[v] and len(a & b) >= math.ceil(rules.co_travel * max(len(a), len(b))):
                together.add_edge(u, v)
    expected = {u: min(part) for part in nx.connected_components(together) for u in part}
    assert head == [expected[u] for u in range(n_units)]


@pytest.mark.parametrize("seed", range(20))
def test_units_too_small_to_judge_are_only_added(seed):
    """_ordered_spread adds units on fewer than at_least ads all at once, unjudged: the others' figures
    are those of adding every unit one size at a time."""
    import random

    from graph.commonness import _ordered_spread

    rng = random.Random(seed)
    n_ads, n_units = rng.randint(2, 30), rng.randint(1, 20)
    ads_of = {u: sorted(rng.sample(range(n_ads), rng.randint(0, min(7, n_ads)))) for u in range(n_units)}
    every = _ordered_spread(n_ads, list(ads_of), ads_of)
    judged = _ordered_spread(n_ads, list(ads_of), ads_of, at_least=3)
    assert judged == {u: figures for u, figures in every.items() if len(ads_of[u]) >= 3}


@pytest.mark.parametrize("seed", range(40))
def test_later_rounds_look_only_where_something_became_common(seed, monkeypatch):
    """Judging again only the components that held a newly common identifier gives the verdicts of
    judging everything again (with _near saying every unit is near)."""
    import random

    import graph.commonness as commonness

    rng = random.Random(seed)
    n_ads = rng.randint(8, 60)
    n_units = rng.randint(2, 30)
    sizes = [rng.choice([1, 2, 3, 5]) if rng.random() < 0.8 else rng.randint(6, n_ads) for _ in range(n_units)]
    links = [(a, u) for u, size in enumerate(sizes) for a in rng.sample(range(n_ads), size)]
    args = ([0] * n_ads, [n_ads], [a for a, _ in links], [u for _, u in links],
            [rng.random() < 0.7 for _ in range(n_units)], [NORMAL] * n_units, Rules(min_site_ads=10))
    restricted = judge(*args)
    monkeypatch.setattr(commonness, "_near", lambda n_ads, units, ads_of, these: set(units))
    assert restricted == judge(*args)
