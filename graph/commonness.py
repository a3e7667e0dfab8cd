"""Which shared identifiers are evidence that ads belong together, and which are common: judged by
what they would join, not by a count of ads.

A picture, phone or address that unrelated advertisers all use (a stock photo, the site's own
number caught in a footer, a booking agency's line) joins ads that have nothing else in common;
one that an advertiser uses ties that advertiser's ads together. So each identifier is judged by
its spread: take it away, and look at the pieces its ads fall into. A piece is a *group* when it
has an identity of its own: two ads or more, or a phone, email or handle of its own. An
identifier is **common**, and joins nothing, when

- it would join `min_groups` (3) groups or more (a picture or face: `min_picture_groups`, 2) and
  covers at most `max_coverage` (40 %) of their ads: a stock photo on two ads of each of 38
  networks. A victim's photos, on the ads of each burner phone a network rotated through, cover
  their groups and stay evidence (a picture's coverage counts the pictures spread like it). A
  picture or face is also common when it covers at most that much of the groups of two ads or
  more it joins: a stock photo on a few ads of a network and on one-ad posters, which it covers
  wholly. Neither applies to a picture or face that others corroborate: pictures or faces not
  found common, and not spread exactly like it, that join all of its groups together (a victim's
  photo among her sisters' over the runs of one operation's phones), except pictures found common
  later on at most `stock_coverage` (a quarter) of their groups' ads: the wider copies of the same
  room's or stock scene's photo corroborate nothing;
- or it is a phone, email or handle that would join `min_groups` groups or more on at most
  `max_group_share` (half) of the ads of each: an agency's line, on some ads of each of its
  posters. An operation's own line or email is its thread: on most ads of at least one of them.
  Every phone, email or handle that would join `min_groups` groups or more is judged (again)
  once the pictures have joined what they join (a poster's second phone, on one ad with the
  line, is a group of its own before; an operation's email on some ads of each of its burner
  phones' runs spreads like an agency's line until the victims' photos have joined the runs).
  Against those wider groups it is also common when it still joins `many_line_groups` (5) of
  them (a site's care line in the badge of verified posters, on most of each one's ads), or when
  it is on at most half of all their ads and of each of two ads or more (a one-ad poster says
  nothing of whose it is: anything on it is on all of its ads); one found common by its spread
  alone before, and by no rule now, is evidence;
- or it would join `many_groups` (10) groups or more, however much of them it covers: a footer
  phone on every ad of a site (a picture or face: `many_picture_groups`, 5, one-ad posters with a
  number of their own, when no other picture spreads like it: a stock photo);
- or it is a picture or face that would join `min_groups` groups or more *alone*, and is not on
  all of their ads: no other picture joins two of them, and it is no set of pictures travelling
  together. A person's photos go from phone to phone together (a victim's set, each over some of
  the runs of her burner phones), or one photo is on every ad of them; a stock photo goes from
  network to network by itself, on some of each one's ads;
- or it would join `min_groups` groups or more, covers at most `max_site_coverage` (75 %) of them,
  and is on `max_site_share` (a fifth) or more of the ads of a site of `min_site_ads` (100) or more.

One identifier is a phone, an email, a handle, a *family* of near-duplicate pictures (the same
photo re-compressed or re-cropped, joined by NEAR_DUPLICATE) or a face (faces joined by
SAME_FACE); a face is one with the pictures it is in (HAS_FACE), so a stock photo's copies that
near-duplicates miss (mirrored) and any face the detector imagined in it are judged with it. Identifiers that travel together (on the same ads, 80 % either way: a footer's phone
and email, a stock photo and the face in it) are judged as one; apart, each would hide the other.
Common identifiers are taken away and the rest judged again, until nothing changes. An admin's
word wins: ignored identifiers are not passed in at all, confirmed ones always link.

The pieces come from one depth-first search per round (Hopcroft and Tarjan's articulation points,
with each subtree's ads and strong identifiers summed on the way back), so judging is linear in
the links, not one search per identifier.

Pure: integers in, lists out. graph/linking.py reads the graph, calls this, and writes the result.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from array import array
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components

STRONG_KINDS = frozenset({"phone", "email", "handle"})  # rarely shared innocently: they give a group its identity

# What a unit is before judging: judged afresh, always evidence (an admin confirmed it), or kept
# common (judged so before, and not all of its ads are in view to judge it again).
NORMAL, CONFIRMED, KEPT_COMMON = 0, 1, 2


@dataclass(frozen=True)
class Rules:
    min_groups: int = 3
    min_picture_groups: int = 2  # a picture or face: judged against wider groups, two are enough
    many_picture_groups: int = 5  # one-ad posters a picture or face spreading alone may join
    many_line_groups: int = 5  # groups a phone, email or handle may still join once the pictures have joined theirs
    max_coverage: float = 0.4
    stock_coverage: float = 0.25  # a picture found common on at most this much of its groups corroborates nothing
    max_group_share: float = 0.5  # a phone, email or handle on at most this much of each group it joins
    many_groups: int = 10
    max_site_share: float = 0.2
    max_site_coverage: float = 0.75  # ... if it covers at most this much of the groups it joins,
    min_site_ads: int = 100  # on a site of at least this many ads (on a small one a share means little)
    co_travel: float = 0.8
    max_rounds: int = 8


@dataclass(frozen=True)
class Spread:
    """What judging found for one identifier: its ads, the groups it would join, the share of
    those groups' ads it is on, its largest share of one site's ads, and the verdict (reason says
    which rule made it common; empty when it is evidence)."""

    ads: int
    groups: int
    coverage: float
    site_share: float
    common: bool
    reason: str

    def figures(self) -> dict:
        return {"ads": self.ads, "groups": self.groups, "coverage": round(self.coverage, 3),
                "site_share": round(self.site_share, 3), "reason": self.reason}


def components(n: int, left: Sequence[int], right: Sequence[int]) -> np.ndarray:
    """Connected components of n nodes joined by the pairs (left[i], right[i]): a label per node."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    left, right = np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64)
    matrix = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    return connected_components(matrix, directed=False)[1]


def judge(ad_site: Sequence[int], site_ads: Sequence[int], link_ad: Sequence[int], link_unit: Sequence[int],
          strong: Sequence[bool], state: Sequence[int], rules: Rules = Rules()) -> list[Spread]:
    """Judge every unit (identifier) 0..len(strong)-1. Ads are 0..len(ad_site)-1, ad_site[a] their
    site, site_ads[s] how many ads site s has in all (not only those passed in); link_ad[i] and
    link_unit[i] say that ad is linked to that unit; strong[u] for phones, emails and handles.
    state[u] is NORMAL, CONFIRMED or KEPT_COMMON. Returns a Spread per unit.

    Two steps. Phones, emails and handles are judged first, among themselves: each is taken away
    in turn (a booking line shared by four posters leaves four groups). What is left of them cuts
    the ads into base groups, and each picture family or face is judged by the groups it spans,
    narrowest first (those found evidence join their groups into wider ones for the next), not by
    taking it away: two stock photos on the same networks would each hide the other.
    A picture's coverage counts the pictures spread like it (over some of the same groups and no
    others), and a picture with none spread like it is common on many one-ad posters: a victim's
    photo set, each on some ads of each burner phone, spreads together; a stock photo on every ad
    of many one-ad posters spreads alone."""
    n_ads, n_units = len(ad_site), len(strong)
    ads_of = _ads_of_units(n_units, link_ad, link_unit)
    parent = _co_travelling(n_ads, ads_of, strong, state, rules)
    heads = [u for u in range(n_units) if parent[u] == u]
    head_ads = {u: ads_of[u] for u in heads}
    travelling = set()  # heads of units travelling with others: a set of pictures is never alone
    for u in range(n_units):
        if parent[u] != u:
            head_ads[parent[u]] = sorted(set(head_ads[parent[u]]) | set(ads_of[u]))
            travelling.add(parent[u])
    head_state = {u: state[u] for u in heads}  # only NORMAL units travel together: a head's state is its own
    share, big_share = {}, {}

    def site_share(u: int) -> float:
        if u not in share:
            share[u] = _site_share(head_ads[u], ad_site, site_ads)
        return share[u]

    def shown_share(u: int, groups: int) -> float:
        # Only what could matter is worked out: a unit joining fewer groups than the rules ask for
        # shows 0 (most units: it saves a count per unit).
        return site_share(u) if groups >= rules.min_groups else 0.0

    def big_site_share(u: int) -> float:
        if u not in big_share:
            big_share[u] = _site_share(head_ads[u], ad_site, site_ads, rules.min_site_ads)
        return big_share[u]

    verdict: dict[int, Spread] = {}
    common = set()
    for u in heads:
        if head_state[u] == KEPT_COMMON:
            common.add(u)
            verdict[u] = Spread(len(head_ads[u]), 0, 1.0, site_share(u), True, "kept")
    strong_heads = [u for u in heads if strong[u]]
    weak_heads = [u for u in heads if not strong[u]]

    def taken_away(candidates: list[int], graph_units: list[int], rule, measure) -> None:
        """Judge candidates by taking each away from the graph of the ads and graph_units, again
        without what was found common, until nothing changes: each time only in the components
        that held what was found (nothing else can change)."""
        active = [u for u in graph_units if u not in common]
        for _ in range(rules.max_rounds):
            figures = measure(active)
            fresh = []
            for u in candidates:
                if u in common:
                    continue
                groups, coverage, most = figures[u]
                if head_state[u] == CONFIRMED:
                    verdict[u] = Spread(len(head_ads[u]), groups, coverage, site_share(u), False, "confirmed")
                    continue
                reason = rule(groups, coverage, most, u)
                if reason:
                    fresh.append(u)
                    verdict[u] = Spread(len(head_ads[u]), groups, coverage, site_share(u), True, reason)
                elif u not in verdict:
                    verdict[u] = Spread(len(head_ads[u]), groups, coverage, shown_share(u, groups), False, "")
            if not fresh:
                return
            common.update(fresh)
            near = _near(n_ads, active, head_ads, fresh)
            active = [u for u in active if u not in common and u in near]
            candidates = [u for u in candidates if u not in common and u in near]

    def strong_measure(active: list[int]) -> dict[int, tuple[int, float, float]]:
        # Each taken away alone, and each taken away with every other at least as widely shared:
        # a footer's phone and its email (found on some of its ads) would otherwise hide each other.
        # Its share of each group is taken from the first (1.0 when that joins too few groups).
        alone = _spread(n_ads, active, head_ads, strong)
        ordered = _ordered_spread(n_ads, active, head_ads, rules.min_groups)
        figures = {}
        for u in active:
            groups, coverage, most = alone[u]
            figures[u] = (*max((groups, coverage), ordered.get(u, (groups, coverage))),
                          most if groups >= rules.min_groups else 1.0)
        return figures

    by_spread: set[int] = set()  # found common by their coverage or share of each group alone

    def strong_rule(groups: int, coverage: float, most: float, u: int) -> str:
        if groups < rules.many_groups and _spread_rule(groups, coverage, rules, most):
            by_spread.add(u)
        return _rule(groups, coverage, lambda: big_site_share(u), rules, most)

    taken_away(strong_heads, strong_heads, strong_rule, strong_measure)

    # Base groups: the ads as the phones, emails and handles that link still join them.
    # Every phone, email or handle that would join several groups is judged last, against the
    # wider groups the pictures make (a poster whose second phone is on one ad is a piece of its
    # own until then; an operation's email on some ads of each of its burner phones' runs spreads
    # like an agency's line until the victims' photos have joined the runs): they join nothing
    # before that. Those found common by their spread alone stay out of the way meanwhile (their
    # partners, a site's phone and its email, were judged without them).
    lines = [u for u in strong_heads if head_state[u] == NORMAL
             and (u in by_spread or (u not in common and verdict[u].groups >= rules.min_groups))]
    common.difference_update(by_spread)
    is_line = set(lines)
    linking_strong = [u for u in strong_heads if u not in common and u not in is_line]
    base = _labels(n_ads, linking_strong, head_ads)
    n_base = int(base.max()) + 1 if len(base) else 0
    base_ads = np.bincount(base, minlength=n_base).tolist()
    firsts = np.fromiter((head_ads[u][0] for u in linking_strong if head_ads[u]), dtype=np.int64)
    base_strong = np.bincount(base[firsts], minlength=n_base).tolist()
    # The base groups each picture or face is on.
    weak = [u for u in weak_heads if u not in common]
    sizes = [len(head_ads[u]) for u in weak]
    flat = np.fromiter(itertools.chain.from_iterable(head_ads[u] for u in weak), dtype=np.int64, count=sum(sizes))
    on = _distinct(np.repeat(np.arange(len(weak), dtype=np.int64), sizes) * max(n_base, 1) + base[flat])
    ends = np.searchsorted(on // max(n_base, 1), np.arange(len(weak) + 1)).tolist()
    groups_on = (on % max(n_base, 1)).tolist()
    touched = {u: set(groups_on[ends[i]:ends[i + 1]]) for i, u in enumerate(weak)}
    spreading: dict[int, list[int]] = {}  # base group -> pictures and faces spanning it and another
    for u, groups_of in touched.items():
        if len(groups_of) >= 2:
            for g in groups_of:
                spreading.setdefault(g, []).append(u)
    # Pictures are judged narrowest first; those found evidence join the base groups they span into
    # wider groups, against which the wider pictures are judged: a victim's photos, each over a few
    # of the runs of burner phones a network rotated through, make one group of them, so the photo
    # on all of them joins one group; a stock photo joins networks that nothing narrower joins.
    weak_rules = dataclasses.replace(rules, many_groups=math.inf, min_groups=rules.min_picture_groups)
    wider = _Groups(base_ads, base_strong)
    find, wider_ads, wider_strong = wider.find, wider.ads, wider.strong

    cleared: dict[int, tuple[str, int, list]] = {}  # pictures found common but for others joining their groups
    order = sorted(touched, key=lambda u: len(touched[u]))
    for start, end in _runs([len(touched[u]) for u in order]):
        level = order[start:end]
        if len(touched[level[0]]) <= 1:  # most pictures: on one group's ads; none joined yet
            for u in level:
                ads, spanned, groups = len(head_ads[u]), 0, 0
                for g in touched[u]:
                    spanned = base_ads[g]
                    groups = 1 if spanned >= 2 or base_strong[g] else 0
                verdict[u] = Spread(ads, groups, ads / spanned if spanned else 1.0, 0.0, False, "")
            continue
        wide: dict[int, set[int]] = {}  # each picture's wider groups (they change between levels only)

        def wider_of(v: int) -> set[int]:
            if v not in wide:
                wide[v] = {find(g) for g in touched[v]}
            return wide[v]

        for u in level:
            groups_of = touched[u]
            joined = {find(g) for g in groups_of}
            groups = sum(1 for w in joined if wider_ads[w] >= 2 or wider_strong[w])
            spanned = sum(wider_ads[w] for w in joined)
            # Its coverage together with the pictures spread like it: over some of the same base
            # groups, no others, and across the same wider ones (a network's other photos spread
            # within it; a stock photo's companions in each network do not count).
            ads, alike = set(head_ads[u]), 0
            near = {v for g in groups_of for v in spreading.get(g, ()) if v != u} if len(joined) >= 2 else set()
            for v in near:
                if touched[v] <= groups_of and len(wider_of(v)) >= 2:
                    ads.update(head_ads[v])
                    alike += 1
            coverage = len(ads) / spanned if spanned else 1.0
            singles = sum(1 for w in joined if wider_ads[w] == 1 and wider_strong[w])
            # Corroborated when other pictures or faces (not found common, and not spread exactly like
            # it) join all the groups it joins together: a victim's photo among her own and her
            # sisters' over the runs of one operation's phones. Its coverage then says nothing. A
            # stock photo joins groups that nothing else joins, or only another stock photo spread
            # like it (two stock photos on a few ads of the same networks each hide the other).

            contrib: list[tuple[int, list[int]]] = []

            def corroborated() -> bool:
                links = _Groups([1] * len(joined), [0] * len(joined))
                index = {w: i for i, w in enumerate(joined)}
                for v in near:
                    if v not in common and wider_of(v) != joined:
                        both = [index[w] for w in wider_of(v) & joined]
                        if len(both) >= 2:
                            links.join(both)
                            contrib.append((v, both))
                return len({links.find(i) for i in range(len(joined))}) == 1

            if head_state[u] == CONFIRMED:
                reason = ""
            else:
                reason = _rule(groups, coverage, lambda: big_site_share(u), weak_rules)
                if not reason and groups >= rules.min_picture_groups:
                    # Its coverage of the groups of two ads or more it joins: a stock photo on a few
                    # ads of a big network and on one-ad posters (each wholly covered) covers little.
                    several = [w for w in joined if wider_ads[w] >= 2]
                    if several:
                        # Every ad counted is in a group it joins; a one-ad group's one ad is its.
                        inside = len(ads) - (len(joined) - len(several))
                        part = inside / sum(wider_ads[w] for w in several)
                        if part <= rules.max_coverage:
                            reason = f"joins {groups} groups on {part:.0%} of the ads of those of two ads or more"
                if reason and len(joined) >= 2 and corroborated():
                    cleared[u] = (reason, len(joined), contrib)
                    reason = ""  # its coverage says nothing when other pictures join its groups
                if not reason and singles >= rules.many_picture_groups and not alike:
                    # On the one ad of many one-ad posters, each with a number of its own, and no
                    # other picture spread like it: a stock photo (a victim's photos spread together).
                    reason = f"joins {singles} one-ad posters"
                if not reason and groups >= rules.min_groups and u not in travelling and coverage < 1.0 and \
                        not any(v not in common and len(wider_of(v) & joined) >= 2 for v in near):
                    # Alone over several groups, no other picture joining any two of them, and not on
                    # every ad of them (a person's one photo on all her phones' ads is hers): a stock photo.
                    reason = f"joins {groups} groups alone, on {coverage:.0%} of their ads"
            verdict[u] = Spread(len(head_ads[u]), groups, coverage,
                                site_share(u) if reason else shown_share(u, groups), bool(reason), reason)
            if reason:
                common.add(u)
        for u in level:
            if u not in common and touched[u]:
                wider.join(sorted(touched[u]))
    # A picture cleared by others that were judged later (wider) and found common, on a small share
    # of the groups they join, was corroborated by nothing: two copies of one room's or one stock
    # scene's photo, the narrower joining two networks, the wider five (a victim's photo cleared by
    # another of her photos that only missed the coverage stays evidence).
    changed = True
    while changed:
        changed = False
        for u, (why, n_joined, contrib) in cleared.items():
            if u in common:
                continue
            links = _Groups([1] * n_joined, [0] * n_joined)
            for v, both in contrib:
                if v not in common or verdict[v].coverage > rules.stock_coverage:
                    links.join(both)
            if len({links.find(i) for i in range(n_joined)}) > 1:
                common.add(u)
                changed = True
                v = verdict[u]
                verdict[u] = Spread(v.ads, v.groups, v.coverage, site_share(u), True,
                                    why + ", corroborated only by pictures found common")
    for u in lines:
        on = Counter(find(g) for g in base[np.asarray(head_ads[u], dtype=np.int64)].tolist())
        joined = [w for w in on if wider_ads[w] >= 2 or wider_strong[w]]
        groups = len(joined)
        spanned = sum(wider_ads[w] for w in on)
        coverage = len(head_ads[u]) / spanned if spanned else 1.0
        most = max((on[w] / wider_ads[w] for w in joined), default=1.0) if groups >= rules.min_groups else 1.0
        reason = _rule(groups, coverage, lambda: big_site_share(u), rules, most)
        if not reason and groups >= rules.many_line_groups:
            # Still on that many posters once their photos have joined each one's numbers: a site's
            # or an agency's line, however much of each poster's ads it is on.
            reason = f"joins {groups} groups once the pictures have joined theirs"
        if not reason and groups >= rules.min_groups and coverage <= rules.max_group_share:
            # A one-ad poster says nothing of whose it is (anything on it is on all of its ads): on
            # at most half of all their ads and of each group of two ads or more, it is nobody's thread.
            part = max((on[w] / wider_ads[w] for w in joined if wider_ads[w] >= 2), default=0.0)
            if part <= rules.max_group_share:
                reason = f"joins {groups} groups on {coverage:.0%} of their ads, at most {part:.0%} of each of two ads or more"
        v = verdict[u]
        if reason:
            verdict[u] = Spread(v.ads, groups, coverage, site_share(u), True, reason)
        elif v.common:  # found common by its spread before the pictures joined what they join: evidence now
            verdict[u] = Spread(v.ads, groups, coverage, shown_share(u, groups), False, "")
    return [verdict[parent[u]] for u in range(n_units)]


def networks(n_ads: int, link_ad: Sequence[int], link_unit: Sequence[int], linking: Sequence[bool]) -> np.ndarray:
    """The network of each ad: ads joined, directly or through any path, by units that link
    (linking[u]: neither ignored nor common). A label per ad; labels are arbitrary integers."""
    keep = np.asarray(linking, dtype=bool)[np.asarray(link_unit, dtype=np.int64)] if len(link_unit) else \
        np.zeros(0, dtype=bool)
    left = np.asarray(link_ad, dtype=np.int64)[keep]
    right = np.asarray(link_unit, dtype=np.int64)[keep] + n_ads
    return components(n_ads + len(linking), left, right)[:n_ads]


class _Groups:
    """Union-find over items 0..n-1, each root holding the ads and strong identifiers of its items."""

    def __init__(self, ads: list[int], strong: list[int]):
        self.parent = list(range(len(ads)))
        self.ads = ads
        self.strong = strong

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(self, items: Sequence[int]) -> int:
        """Put these items (at least one) in one group; returns its root."""
        root = self.find(items[0])
        for item in items[1:]:
            other = self.find(item)
            if other != root:
                if self.ads[other] > self.ads[root]:
                    root, other = other, root
                self.parent[other] = root
                self.ads[root] += self.ads[other]
                self.strong[root] += self.strong[other]
        return root


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (np.unique's hashing is slower on long integer arrays)."""
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values


def _runs(values: list[int]) -> list[tuple[int, int]]:
    """(start, end) of each run of equal values in a sorted list."""
    runs, start = [], 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[start]:
            runs.append((start, i))
            start = i
    return runs


def _spread_rule(groups: int, coverage: float, rules: Rules, most: float = 1.0) -> str:
    """Why a unit is common by its spread alone: its coverage of the groups it joins, or its
    largest share of one of them (most); "" when neither makes it common."""
    if groups >= rules.min_groups and coverage <= rules.max_coverage:
        return f"joins {groups} groups on {coverage:.0%} of their ads"
    if groups >= rules.min_groups and most <= rules.max_group_share:
        return f"joins {groups} groups on at most {most:.0%} of the ads of each"
    return ""


def _rule(groups: int, coverage: float, site_share, rules: Rules, most: float = 1.0) -> str:
    """Why a unit with these figures is common (site_share() its largest share of a big site's
    ads, most the largest share of one group's ads it is on), or "" when it is evidence."""
    if groups >= rules.many_groups:
        return f"joins {groups} groups"
    if reason := _spread_rule(groups, coverage, rules, most):
        return reason
    if groups >= rules.min_groups and coverage <= rules.max_site_coverage and \
            (share := site_share()) >= rules.max_site_share:
        return f"joins {groups} groups and is on {share:.0%} of a site's ads"
    return ""


def _ads_of_units(n_units: int, link_ad: Sequence[int], link_unit: Sequence[int]) -> list[Sequence[int]]:
    """Each unit's ads, sorted and distinct (as compact integer arrays: a million ads' links as
    lists of Python ints would take a few hundred MB)."""
    if not len(link_ad):
        return [array("q") for _ in range(n_units)]
    link_ad = np.asarray(link_ad, dtype=np.int64)
    width = int(link_ad.max()) + 1
    pairs = _distinct(np.asarray(link_unit, dtype=np.int64) * width + link_ad)
    ads = array("q", (pairs % width).tobytes())
    ends = np.cumsum(np.bincount(pairs // width, minlength=n_units)).tolist()
    return [ads[start:end] for start, end in zip([0] + ends[:-1], ends)]


def _co_travelling(n_ads: int, ads_of: list[list[int]], strong: Sequence[bool], state: Sequence[int],
                   rules: Rules) -> list[int]:
    """Each unit's head: units of one class (strong or not) whose ads overlap by `co_travel` of the
    larger set are one (the head: the first of them); only units on enough ads to be common, and
    neither confirmed nor kept common. Candidates are found with a prefix filter: a unit on that
    share of u's ads is on one of any len(u) - ceil(share * len(u)) + 1 of them."""
    share = rules.co_travel
    n_units = len(ads_of)
    sizes = np.fromiter((len(ads) for ads in ads_of), dtype=np.int64, count=n_units)
    units = np.flatnonzero((sizes >= rules.min_groups) & (np.asarray(state, dtype=np.int64) == NORMAL))
    d = sizes[units]
    flat = np.fromiter(itertools.chain.from_iterable(ads_of[u] for u in units.tolist()), dtype=np.int64,
                       count=int(d.sum()))
    owner = np.repeat(units, d)
    place = np.arange(len(flat)) - np.repeat(np.cumsum(d) - d, d)  # each ad's place in its unit's list
    prefix = place < np.repeat(d - np.ceil(share * d).astype(np.int64) + 1, d)
    ones = np.ones(len(flat), dtype=np.int32)
    on = csr_matrix((ones, (owner, flat)), shape=(n_units, max(n_ads, 1)))
    near = (csr_matrix((ones[prefix], (owner[prefix], flat[prefix])), shape=on.shape) @ on.T).tocoo()
    u, v = near.row.astype(np.int64), near.col.astype(np.int64)
    kind = np.asarray(strong, dtype=bool)
    need = np.ceil(share * np.maximum(sizes[u], sizes[v]))
    keep = (u < v) & (kind[u] == kind[v]) & (np.minimum(sizes[u], sizes[v]) >= need)
    u, v, need = u[keep], v[keep], need[keep]
    if len(u):
        overlap = np.asarray(on[u].multiply(on[v]).sum(axis=1)).reshape(-1)
        u, v = u[overlap >= need], v[overlap >= need]
    labels = components(n_units, u, v)
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    return first[inverse.reshape(-1)].tolist()


def _site_share(ads: list[int], ad_site: Sequence[int], site_ads: Sequence[int], min_site_ads: int = 1) -> float:
    """The largest share of one site's ads these ads are, among sites of at least min_site_ads."""
    per_site = Counter(ad_site[a] for a in ads)
    return max((n / site_ads[s] for s, n in per_site.items() if site_ads[s] >= max(min_site_ads, 1)), default=0.0)


def _spread(n_ads: int, units: list[int], ads_of: dict[int, list[int]], strong: Sequence[bool]
            ) -> dict[int, tuple[int, float, float]]:
    """(groups, coverage, the largest share of one group's ads it is on) of each unit among `units`,
    in the graph of the ads and those units.

    An ad on one of these units only is a piece of its own without it (one ad, no identifier of its
    own: not a group): it is counted as such and left out of the search, which is then run over
    far fewer ads (most ads carry one phone)."""
    sizes = np.fromiter((len(ads_of[u]) for u in units), dtype=np.int64, count=len(units))
    flat = np.fromiter(itertools.chain.from_iterable(ads_of[u] for u in units), dtype=np.int64,
                       count=int(sizes.sum()))
    owner = np.repeat(np.arange(len(units), dtype=np.int64), sizes)
    pendant = np.bincount(flat, minlength=n_ads)[flat] == 1  # folded into its unit
    n = n_ads + len(units)
    weight = np.concatenate((np.ones(n_ads, dtype=np.int64), np.bincount(owner[pendant], minlength=len(units))))
    ends = np.concatenate((flat[~pendant], owner[~pendant] + n_ads))
    others = np.concatenate((owner[~pendant] + n_ads, flat[~pendant]))
    indptr = np.concatenate(([0], np.cumsum(np.bincount(ends, minlength=n))))
    indices = others[np.argsort(ends, kind="stable")]
    is_strong = [0] * n_ads + [1 if strong[u] else 0 for u in units]
    pieces = _pieces(n, n_ads, indptr.tolist(), indices.tolist(), is_strong, weight.tolist())
    result = {}
    for i, (u, size) in enumerate(zip(units, sizes.tolist())):
        groups, group_ads, loose, most = pieces.get(n_ads + i, (0, 0, 0, 0.0))
        spanned = group_ads + loose + int(weight[n_ads + i])
        result[u] = (groups, size / spanned if spanned else 1.0, most)
    return result


def _labels(n_ads: int, units: list[int], ads_of: dict[int, list[int]]) -> np.ndarray:
    """The component of each ad in the graph of the ads and these units."""
    sizes = [len(ads_of[u]) for u in units]
    flat = np.fromiter(itertools.chain.from_iterable(ads_of[u] for u in units), dtype=np.int64, count=sum(sizes))
    return components(n_ads + len(units), flat, np.repeat(np.arange(len(units), dtype=np.int64), sizes) + n_ads)[:n_ads]


def _near(n_ads: int, units: list[int], ads_of: dict[int, list[int]], these: list[int]) -> set[int]:
    """The units in the components of these, in the graph of the ads and the units."""
    label = _labels(n_ads, units, ads_of)
    hit = set(label[[ads_of[u][0] for u in these if ads_of[u]]].tolist())
    return {u for u in units if ads_of[u] and label[ads_of[u][0]] in hit}


def _ordered_spread(n_ads: int, units: list[int], ads_of: dict[int, list[int]], at_least: int = 1
                    ) -> dict[int, tuple[int, float]]:
    """(groups, coverage) of each of these (strong) units on at_least ads or more against the ads as
    only the units on fewer ads join them: units are added smallest first, each judged just before
    its size is added. (A unit on fewer ads joins fewer groups: it is not judged, only added; those
    are added all at once.)"""
    small = [u for u in units if 0 < len(ads_of[u]) < at_least]
    sizes = [len(ads_of[u]) for u in small]
    flat = np.fromiter(itertools.chain.from_iterable(ads_of[u] for u in small), dtype=np.int64, count=sum(sizes))
    owner = np.repeat(np.arange(len(small), dtype=np.int64), sizes)
    labels = components(n_ads + len(small), flat, owner + n_ads)[:n_ads]
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    ads = np.zeros(n_ads, dtype=np.int64)
    ads[first] = np.bincount(inverse)
    first_ads = np.fromiter((ads_of[u][0] for u in small), dtype=np.int64, count=len(small))
    strongs = np.bincount(first[inverse[first_ads]], minlength=n_ads)
    parent, ads, strongs = first[inverse].tolist(), ads.tolist(), strongs.tolist()
    result = {}
    by_size = sorted((u for u in units if len(ads_of[u]) >= at_least), key=lambda u: len(ads_of[u]))
    for start, end in _runs([len(ads_of[u]) for u in by_size]):
        level = by_size[start:end]
        for u in level:
            roots = set()
            for a in ads_of[u]:
                while parent[a] != a:
                    parent[a] = a = parent[parent[a]]
                roots.add(a)
            groups = spanned = 0
            for r in roots:
                spanned += ads[r]
                if ads[r] >= 2 or strongs[r]:
                    groups += 1
            result[u] = (groups, len(ads_of[u]) / spanned if spanned else 1.0)
        for u in level:
            if not ads_of[u]:
                continue
            root = None
            for a in ads_of[u]:
                while parent[a] != a:
                    parent[a] = a = parent[parent[a]]
                if root is None:
                    root = a
                elif a != root:
                    if ads[a] > ads[root]:
                        root, a = a, root
                    parent[a] = root
                    ads[root] += ads[a]
                    strongs[root] += strongs[a]
            strongs[root] += 1
    return result


def _pieces(n: int, n_ads: int, indptr: list[int], indices: list[int], is_strong: list[int],
            weight: list[int]) -> dict[int, tuple[int, int, int, float]]:
    """For each unit node (>= n_ads) that is on some ad: (groups, ads in those groups, pieces that
    are not groups, the largest share of one group's ads it is on) among the pieces its component
    falls into without it, besides the ads folded into it (weight: the ads each node stands for,
    pieces of their own). The graph: node v's neighbours are indices[indptr[v]:indptr[v + 1]].
    Iterative DFS; a unit's ads in each child's subtree are counted as the subtree's ads reach
    back to it (in an undirected search every other edge goes to an ancestor)."""
    disc = [-1] * n
    low = [0] * n
    sub_ads = [0] * n
    sub_strong = [0] * n
    hits = [0] * n  # unit: its ads seen so far below it
    start = [0] * n  # node: its parent unit's hits when it was reached
    sep_ads: dict[int, int] = {}
    sep_strong: dict[int, int] = {}
    sep_hits: dict[int, int] = {}
    found: dict[int, list] = {}  # unit -> [groups, group ads, loose pieces, largest share of a group]
    clock = 0

    def piece(unit: int, ads: int, strongs: int, on: int) -> None:
        entry = found.setdefault(unit, [0, 0, 0, 0.0])
        if ads >= 2 or strongs >= 1:
            entry[0] += 1
            entry[1] += ads
            if on > entry[3] * ads:
                entry[3] = on / ads
        else:
            entry[2] += 1

    for root in range(n):
        if disc[root] != -1 or indptr[root] == indptr[root + 1]:
            continue
        members = [root]
        disc[root] = low[root] = clock
        clock += 1
        sub_ads[root] = weight[root]
        sub_strong[root] = is_strong[root]
        stack = [[root, -1, indptr[root]]]
        while stack:
            top = stack[-1]
            v, up, at = top
            end = indptr[v + 1]
            while at < end:
                w = indices[at]
                at += 1
                if disc[w] == -1:
                    disc[w] = low[w] = clock
                    clock += 1
                    sub_ads[w] = weight[w]
                    sub_strong[w] = is_strong[w]
                    start[w] = hits[v]
                    members.append(w)
                    stack.append([w, v, indptr[w]])
                    break
                if w != up and disc[w] < disc[v]:  # back to an ancestor
                    if disc[w] < low[v]:
                        low[v] = disc[w]
                    if w >= n_ads:
                        hits[w] += 1
            else:
                stack.pop()
                if up == -1:
                    continue
                if low[v] < low[up]:
                    low[up] = low[v]
                sub_ads[up] += sub_ads[v]
                sub_strong[up] += sub_strong[v]
                if up >= n_ads:
                    hits[up] += 1  # v itself
                    if low[v] >= disc[up]:  # without `up`, v's subtree is a piece of its own
                        on = hits[up] - start[v]
                        sep_ads[up] = sep_ads.get(up, 0) + sub_ads[v]
                        sep_strong[up] = sep_strong.get(up, 0) + sub_strong[v]
                        sep_hits[up] = sep_hits.get(up, 0) + on
                        piece(up, sub_ads[v], sub_strong[v], on)
                continue
            top[2] = at
        total_ads, total_strong = sub_ads[root], sub_strong[root]
        for v in members:
            if v >= n_ads and v != root:  # the rest of the component, reached through v's parent
                piece(v, total_ads - sep_ads.get(v, 0) - weight[v],
                      total_strong - sep_strong.get(v, 0) - is_strong[v],
                      indptr[v + 1] - indptr[v] - sep_hits.get(v, 0))
    return {u: tuple(entry) for u, entry in found.items()}
