"""Networks settled over a region of the graph: which identifiers link, which ads form one network,
and how networks merged or split.

A network is the ads joined, directly or through any path, by identifiers that link: a phone,
email, handle, picture family (near-duplicates) or face that is neither ignored by an admin nor
judged common (graph/commonness.py) unless an admin confirmed it. Every ad carries its network's
id in `network_id`.

Settling a batch reads its *region*: the networks of the batch's ads and of every ad one linking
hop away from them. Networks are closed under linking identifiers, so everything a batch can
join, split or make common is in there, and nothing else is read. In one write transaction the
region's identifiers are judged again (those judged common before whose ads are not all in view
stay common; the region takes in every ad of a common identifier on at most REJUDGE_ADS ads the
batch touches, so that one is judged again whole), its networks recomputed, identifiers that
became common or stopped being so marked, and networks that merged or split recorded as NetworkEvent nodes with the time and the
cause. A network keeps its id when it stays together or is the largest part of a split or merge
(graph.networks.keep_ids), so the ids investigators know, watch and export survive.

`network_id`, `common…` and NetworkEvent are working data, not evidence: the evidence is the ads,
their versions and their links, which linking never changes.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from typing import Iterable

import neo4j
import numpy as np

from graph.commonness import CONFIRMED, KEPT_COMMON, NORMAL, STRONG_KINDS, Rules, _distinct, components, judge
from graph.commonness import networks as components_of_ads
from graph.queries import networks as q

KINDS = {"phone": "Phone", "email": "Email", "handle": "Handle", "image": "Image", "face": "Face"}  # kind: label
KIND_OF_LABEL = {label: kind for kind, label in KINDS.items()}
# A common identifier on at most this many ads is judged again, all its ads in view, whenever a batch
# lands on one of them (what the first ads of an operation made common may be its thread once more
# of them arrive); one on more stays common until `networks rebuild`.
REJUDGE_ADS = 100
# Judged again at the end of a cycle, units are settled together in write transactions of about
# this many of their ads (each region also holds their networks).
SETTLE_CHUNK_ADS = 2000


def network_id(site: str, site_ad_id: str) -> str:
    """A new network's id, from the ad that founds it (stable: the same ad founds the same id)."""
    return "n" + hashlib.sha256(f"{site}\x1f{site_ad_id}".encode()).hexdigest()[:16]


def keep_ids(before: dict, fresh: dict, in_use=lambda network: False) -> dict:
    """Network ids after a recomputation, keeping the ones investigators know: each old id goes to
    the new network holding most of its ads (ties: the smaller new id); a new network that gets no
    old id keeps its fresh id, or, if another network took that one or in_use(it) says ads outside
    `before` still carry it, another its ads would found. before/fresh: {ad key: network id or
    None}. Pure but for in_use; returns {ad key: id}. (decide works on arrays: see _keep.)"""
    keys = list(fresh)
    old, old_names = _codes([before.get(k) for k in keys])
    new, new_names = _codes([fresh[k] for k in keys])
    names = _keep(old, old_names, new, new_names,
                  lambda c: sorted(k for k, n in zip(keys, new.tolist()) if n == c), in_use)
    return {k: names[n] if n >= 0 else None for k, n in zip(keys, new.tolist())}


def _keep(old: np.ndarray, old_names: list[str], new: np.ndarray, new_names: list[str], members,
          in_use) -> list[str]:
    """keep_ids on arrays: old[a] and new[a] are ad a's network before and fresh, as indexes into
    old_names and new_names (-1: none); members(n) gives new network n's ad keys, sorted (asked
    only when its fresh id is taken). Returns the id of each new network."""
    width = max(len(old_names), 1)
    both = (old >= 0) & (new >= 0)
    claims, counts = np.unique(new[both] * width + old[both], return_counts=True)
    new_rank, old_rank = _ranks(new_names), _ranks(old_names)
    order = np.lexsort((old_rank[claims % width], new_rank[claims // width], -counts))
    names: list[str | None] = [None] * len(new_names)
    taken: set[str] = set()
    for claim in claims[order].tolist():
        n, name = claim // width, old_names[claim % width]
        if names[n] is None and name not in taken:
            names[n] = name
            taken.add(name)
    known = set(old_names)
    for n in np.argsort(new_rank).tolist():
        if names[n] is None:
            name = new_names[n]
            free = name not in taken and (name in known or not in_use(name))  # in known: all its ads are here
            names[n] = name if free else next(
                nid for nid in _candidate_ids(members(n)) if nid not in taken and nid not in known and not in_use(nid))
            taken.add(names[n])
    return names


def _codes(values) -> tuple[np.ndarray, list]:
    """Each value as an index into the distinct values (in order of first sight; None or "": -1)."""
    index: dict = {}
    codes = np.fromiter((index.setdefault(v, len(index)) if v else -1 for v in values), dtype=np.int64,
                        count=len(values))
    return codes, list(index)


def _ranks(names: list[str]) -> np.ndarray:
    """Each name's place in sorted order."""
    ranks = np.empty(len(names), dtype=np.int64)
    ranks[np.argsort(np.asarray(names, dtype=str), kind="stable")] = np.arange(len(names))
    return ranks


def _candidate_ids(members: list[tuple[str, str]]):
    """Ids a network of these ads could take: the ones its ads would found, then salted ones."""
    yield from (network_id(*key) for key in members)
    site, site_ad_id = members[0]
    yield from (network_id(site, f"{site_ad_id}#{n}") for n in itertools.count(1))


@dataclass
class Region:
    """What linking reads of a region, as plain data: its ads (site, id, network before), the
    identifier nodes on them or next to their pictures and faces, and the links between them.
    Lists when a landing fills it ad by ad (add_ad), numpy arrays when a rebuild reads everything."""

    site_ad_ids: list[str] = field(default_factory=list)
    ad_site: list[int] = field(default_factory=list)
    before: list[int] = field(default_factory=list)  # each ad's network before: an index in networks, or -1
    networks: list[str] = field(default_factory=list)  # the networks before
    sites: list[str] = field(default_factory=list)
    site_ads: list[int] = field(default_factory=list)
    nodes: list = field(default_factory=list)  # (label, key); in a rebuild, Neo4j's node id
    strong: list[bool] = field(default_factory=list)  # a phone, email or handle
    confirmed: list[bool] = field(default_factory=list)
    common: list[bool] = field(default_factory=list)  # judged common before
    common_unit: list[str | None] = field(default_factory=list)  # the unit it was judged common with
    total_ads: list[int] = field(default_factory=list)  # ads it is on in the whole graph (-1: unknown)
    link_ad: list[int] = field(default_factory=list)
    link_node: list[int] = field(default_factory=list)
    pairs_a: list[int] = field(default_factory=list)  # near-duplicate images, same faces: node pairs
    pairs_b: list[int] = field(default_factory=list)
    complete: bool = False  # every ad of the graph is in view: every identifier is judged afresh
    ids: object = None  # a rebuild's: each ad's Neo4j node id

    def __len__(self) -> int:
        return len(self.site_ad_ids)

    def key(self, ad: int) -> tuple[str, str]:
        return self.sites[self.ad_site[ad]], self.site_ad_ids[ad]

    def key_order(self) -> np.ndarray:
        """The ads in order of (site, site_ad_id)."""
        if not len(self):
            return np.zeros(0, dtype=np.int64)
        return np.lexsort((np.asarray(self.site_ad_ids, dtype=str), _ranks(self.sites)[np.asarray(self.ad_site)]))

    def node(self, label: str, key: str, confirmed: bool, common, total: int = -1) -> int:
        """The index of this identifier node, added if new. common: as the region queries give it
        (the unit it was judged common with, "" if unknown, None when not common) or a bool."""
        index = self._index.get((label, key))
        if index is None:
            index = self._index[(label, key)] = len(self.nodes)
            self.nodes.append((label, key))
            self.strong.append(KIND_OF_LABEL[label] in STRONG_KINDS)
            self.confirmed.append(confirmed)
            self.common.append(common is not None and common is not False)
            self.common_unit.append(common if isinstance(common, str) and common else None)
            self.total_ads.append(total)
        elif total >= 0:
            self.total_ads[index] = total
        return index

    def __post_init__(self):
        self._index: dict[tuple[str, str], int] = {}
        self._sites: dict[str, int] = {}
        self._networks: dict[str, int] = {}


@dataclass
class Decision:
    """What settling a region decided: the networks after (names, and each ad's by number), each
    ad's network before, the ads whose network id changes, the identifiers newly common or no
    longer so, and the merges and splits."""

    region: Region
    names: list[str]  # the id of each network after
    network: np.ndarray  # each ad's network after: an index in names
    changed: np.ndarray  # the ads whose network id changes, in order
    set_common: list[dict]
    clear_common: list[dict]
    events: list[dict]
    became_common: list[str]

    @property
    def moved(self) -> int:
        """Ads that had a network and are now in another."""
        return int(np.count_nonzero(np.asarray(self.region.before)[self.changed] >= 0))

    def changed_rows(self, ads: np.ndarray) -> list[dict]:
        """[{site, site_ad_id, network_id}] for these ads."""
        return [{"site": site, "site_ad_id": ad_id, "network_id": self.names[n]}
                for (site, ad_id), n in zip(map(self.region.key, ads.tolist()), self.network[ads].tolist())]


def decide(region: Region, cause: str, rules: Rules = Rules(), describe=None, in_use=lambda network: False) -> Decision:
    """Judge the region's identifiers, recompute its networks and name them. Pure but for
    describe(nodes) -> {node: (label, key)}, needed only when region.nodes are not (label, key)
    already (a rebuild's are node ids): it is asked only about identifiers whose verdict changed;
    and in_use(network id): whether ads outside the region carry that id (see keep_ids)."""
    n_ads, n_nodes = len(region), len(region.nodes)
    family = components(n_nodes, region.pairs_a, region.pairs_b)
    unit_ids, first_node, units = np.unique(family, return_index=True, return_inverse=True)
    units = units.reshape(-1)
    n_units = len(unit_ids)
    # Each (ad, unit) once, and how many of the region's ads each node is on.
    link_ad = np.asarray(region.link_ad, dtype=np.int64)
    link_node = np.asarray(region.link_node, dtype=np.int64)
    node_pairs = _distinct(link_ad * max(n_nodes, 1) + link_node)
    linked = np.bincount(node_pairs % max(n_nodes, 1), minlength=n_nodes)
    unit_pairs = _distinct(link_ad * max(n_units, 1) + units[link_node]) if len(link_ad) else link_ad
    pair_ads, pair_units = unit_pairs // max(n_units, 1), unit_pairs % max(n_units, 1)

    def any_of(flags) -> np.ndarray:  # per unit: any of its nodes
        return np.bincount(units, weights=np.asarray(flags, dtype=bool), minlength=n_units) > 0

    confirmed = any_of(region.confirmed)
    out_of_view = np.asarray(region.total_ads, dtype=np.int64) != linked
    kept = ~confirmed & any_of(region.common) & any_of(out_of_view) if not region.complete else np.zeros(n_units, bool)
    state = np.where(confirmed, CONFIRMED, np.where(kept, KEPT_COMMON, NORMAL)).tolist()
    strong = np.asarray(region.strong, dtype=bool)[first_node].tolist() if n_nodes else []
    spreads = judge(np.asarray(region.ad_site).tolist(), region.site_ads, pair_ads, pair_units, strong, state, rules)
    labels = components_of_ads(n_ads, pair_ads, pair_units, [not s.common for s in spreads])
    # Each fresh network is named after its first ad in (site, site_ad_id) order, then known ids kept.
    fresh = np.unique(labels, return_inverse=True)[1].reshape(-1)
    order = region.key_order()
    founders = order[np.unique(fresh[order], return_index=True)[1]]
    fresh_names = [network_id(*region.key(a)) for a in founders.tolist()]
    before = np.asarray(region.before, dtype=np.int64)
    names = _keep(before, region.networks, fresh, fresh_names,
                  lambda n: sorted(map(region.key, np.flatnonzero(fresh == n).tolist())), in_use)
    was = {name: i for i, name in enumerate(region.networks)}
    as_before = np.asarray([was.get(name, -2) for name in names], dtype=np.int64)
    changed = np.flatnonzero(as_before[fresh] != before) if n_ads else np.zeros(0, dtype=np.int64)
    # Only what changes is written: an identifier keeps the figures it was judged common with.
    common_now = np.asarray([s.common for s in spreads], dtype=bool)[units] if n_nodes else np.zeros(0, bool)
    common_before = np.asarray(region.common, dtype=bool)
    to_set = np.flatnonzero(common_now & ~common_before).tolist()
    to_clear = np.flatnonzero(common_before & ~common_now).tolist()
    by_unit = np.argsort(units, kind="stable")
    bounds = np.searchsorted(units[by_unit], np.arange(n_units + 1))

    def members(unit: int) -> list[int]:
        return by_unit[bounds[unit]:bounds[unit + 1]].tolist()

    need = sorted(set(to_clear) | {m for node in to_set for m in members(units[node])})
    described = describe(need) if describe else {n: region.nodes[n] for n in need}
    name = {n: f"{label}:{key}" for n, (label, key) in described.items()}
    set_rows, newly = [], []
    for node in to_set:
        spread = spreads[units[node]]
        label, key = described[node]
        figures = spread.figures() if spread.reason != "kept" else {
            "ads": spread.ads, "groups": None, "coverage": None, "site_share": None,
            "reason": "kept: joined to an identifier judged common"}
        # A unit judged common before keeps its name as copies join it (they come in as kept).
        known = [region.common_unit[m] for m in members(units[node]) if region.common_unit[m]]
        unit_key = min(known) if known else min(name[m] for m in members(units[node]))
        set_rows.append({"node": node, "label": label, "key": key, "unit": unit_key, **figures})
        newly.append(name[node])
    clear_rows = [{"node": n, "label": described[n][0], "key": described[n][1]} for n in to_clear]
    stopped = [f"{r['label']}:{r['key']}" for r in clear_rows]
    events = network_events(before, region.networks, fresh, names, cause, sorted(newly), stopped)
    return Decision(region, names, fresh, changed, set_rows, clear_rows, events, sorted(newly))


def network_events(before: np.ndarray, before_names: list[str], after: np.ndarray, after_names: list[str],
                   cause: str, became_common: list[str], stopped_common: list[str]) -> list[dict]:
    """Merges (ads of two or more networks now in one; the largest's id stays) and splits (ads of
    one network now in two or more; the largest part keeps the id), with their cause. before[a] and
    after[a]: ad a's network, as indexes into before_names (-1: none) and after_names. Pure."""
    sizes = np.bincount(after, minlength=len(after_names)).tolist()
    width = max(len(before_names), 1)
    had = before >= 0
    moves = np.unique(after[had] * width + before[had]).tolist()
    into: dict[str, set[str]] = {}
    parts: dict[str, set[str]] = {}
    for move in moves:
        new, old = after_names[move // width], before_names[move % width]
        into.setdefault(new, set()).add(old)
        parts.setdefault(old, set()).add(new)
    size = dict(zip(after_names, sizes))
    text = cause
    if became_common:
        text += f"; judged common: {', '.join(became_common[:5])}" + (" …" if len(became_common) > 5 else "")
    if stopped_common:
        text += f"; no longer common: {', '.join(stopped_common[:5])}" + (" …" if len(stopped_common) > 5 else "")
    identifiers = became_common + stopped_common
    events = []
    for new, olds in sorted(into.items()):
        if len(olds) > 1:
            events.append(_event("merge", new, sorted(olds - {new}), size[new], text, identifiers))
    for old, news in sorted(parts.items()):
        if len(news) > 1:
            events.append(_event("split", old, sorted(news - {old}), sum(size[n] for n in news), text, identifiers))
    return events


def _event(kind: str, network: str, others: list[str], ads: int, cause: str, identifiers: list[str]) -> dict:
    stamp = datetime.now(timezone.utc).isoformat()
    event_id = hashlib.sha256(f"{stamp}\x1f{kind}\x1f{network}\x1f{','.join(others)}".encode()).hexdigest()[:20]
    return {"event_id": event_id, "kind": kind, "network_id": network, "networks": others, "ads": ads,
            "cause": cause, "identifiers": identifiers}


@dataclass(frozen=True)
class Settled:
    ads: int
    networks_before: int
    networks_after: int
    moved: int
    merges: int
    splits: int
    merged: int  # networks merged into others
    became_common: int
    stopped_common: int
    # Identifiers common after settling that are on at most REJUDGE_ADS ads, or whose count is not
    # known (a near-duplicate or same face at the region's edge): (label, key). See settle_commons.
    small_commons: frozenset = frozenset()

    def __add__(self, other: "Settled") -> "Settled":
        counts = [getattr(self, f.name) + getattr(other, f.name) for f in fields(self) if f.name != "small_commons"]
        return Settled(*counts, small_commons=self.small_commons | other.small_commons)


def settle(driver: neo4j.Driver, ads: Iterable[tuple[str, str]], cause: str, rules: Rules = Rules()) -> Settled:
    """Settle the networks around these ads (site, site_ad_id): in one write transaction, read their
    region, decide, and write what changed. Returns what happened."""
    keys = sorted(set(ads))
    if not keys:
        return Settled(0, 0, 0, 0, 0, 0, 0, 0, 0)
    with driver.session() as session:
        return session.execute_write(settle_in, keys, cause, rules)


def settle_in(tx: neo4j.ManagedTransaction, keys: list[tuple[str, str]], cause: str, rules: Rules = Rules(),
              networks: Iterable[str] = ()) -> Settled:
    """settle inside a transaction; networks: ids whose ads belong to the region too."""
    region = read_region(tx, region_ads(tx, keys, networks))
    decision = decide(region, cause, rules, in_use=lambda network: tx.run(
        q.NETWORK_HAS_ADS, network_id=network).single(strict=True)["has"])
    write(tx, decision)
    return Settled(len(region), len(region.networks), len(decision.names), decision.moved,
                   sum(1 for e in decision.events if e["kind"] == "merge"),
                   sum(1 for e in decision.events if e["kind"] == "split"),
                   sum(len(e["networks"]) for e in decision.events if e["kind"] == "merge"),
                   len(decision.became_common), len(decision.clear_common), small_commons(decision))


def small_commons(decision: Decision) -> frozenset:
    """The identifiers of the decision's region that are common after it, on at most REJUDGE_ADS ads."""
    region = decision.region
    cleared = {row["node"] for row in decision.clear_common}
    common = {n for n, was in enumerate(region.common) if was and n not in cleared}
    common.update(row["node"] for row in decision.set_common)
    return frozenset(region.nodes[n] for n in common if region.total_ads[n] <= REJUDGE_ADS)


def settle_commons(driver: neo4j.Driver, identifiers: Iterable[tuple[str, str]], cause: str,
                   rules: Rules = Rules(), chunk_ads: int = None) -> Settled:
    """Settle once more around identifiers judged common, each with every ad of its unit in view.

    A batch sees part of an operation: a picture family or face judged common on the ads it saw
    stays common while any of its copies is on an ad outside the batch's region (KEPT_COMMON), even
    once the rest of the operation has landed. Walked out whole here (near-duplicates, same faces,
    a face and its picture), a unit on at most REJUDGE_ADS ads is judged again with all its ads in
    view, as a rebuild would judge it; one on more is left as it is. Units are settled together
    in transactions of about chunk_ads of their ads (default: SETTLE_CHUNK_ADS). Returns the sums."""
    chunk_ads = chunk_ads or SETTLE_CHUNK_ADS
    identifiers = sorted(set(identifiers))
    units = [[node] for node in identifiers if node[0] not in ("Image", "Face")]
    units += units_within(driver, [node for node in identifiers if node[0] in ("Image", "Face")], REJUDGE_ADS)
    rows = [{"label": label, "key": key} for unit in units for label, key in unit if label != "Face"]
    found = {(r["label"], r["key"]): r["ads"] for r in driver.execute_query(
        q.ADS_OF_IDENTIFIERS, rows=rows, most=REJUDGE_ADS, routing_=neo4j.RoutingControl.READ).records} if rows else {}
    total = Settled(0, 0, 0, 0, 0, 0, 0, 0, 0)
    chunk: set[tuple[str, str]] = set()
    for n, unit in enumerate(units):
        chunk.update(tuple(ad) for node in unit for ad in found.get(node, ()))
        if chunk and (len(chunk) >= chunk_ads or n == len(units) - 1):
            total = total + settle(driver, chunk, cause, rules)
            chunk = set()
    return total


def units_within(driver: neo4j.Driver, seeds: list[tuple[str, str]], most_ads: int) -> list[list[tuple[str, str]]]:
    """The units (pictures and faces, each list sorted) these seeds belong to, for units whose
    pictures are on at most most_ads ads in all (counted per picture: an ad showing two copies
    counts twice); a unit found larger is dropped, and walked no further."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}
    ads: dict[tuple[str, str], int] = {}  # per root: the ads of the unit's pictures so far

    def root(node):
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def join(a, b):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[rb] = ra
            ads[ra] += ads.pop(rb)

    for node in seeds:
        if node not in parent:
            parent[node], ads[node] = node, 0
    frontier = sorted(parent)
    while frontier:
        found = []
        with driver.session(default_access_mode=neo4j.READ_ACCESS) as session:
            records = session.run(q.UNIT_STEP, nodes=[{"label": l, "key": k} for l, k in frontier], most=most_ads).data()
        for row in records:
            node = (row["label"], row["key"])
            if ads[root(node)] > most_ads:
                continue  # dropped already: walked no further
            ads[root(node)] += row["ads"] if not row["over"] else most_ads + 1
            for label, key in row["next"]:
                other = (label, key)
                if other not in parent:
                    parent[other], ads[other] = other, 0
                    found.append(other)
                join(node, other)
        frontier = sorted(n for n in found if ads[root(n)] <= most_ads)
    units: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for node in sorted(parent):
        if ads[root(node)] <= most_ads:
            units.setdefault(root(node), []).append(node)
    return sorted(units.values())


def region_ads(tx: neo4j.ManagedTransaction, keys: list[tuple[str, str]], networks: Iterable[str] = ()) -> list[tuple[str, str]]:
    """The ads whose networks settling these ads may change: theirs, and those of the networks of
    every ad one linking hop away (or one hop through a common identifier on at most REJUDGE_ADS
    ads: it is judged again)."""
    found = set(keys)
    nets = set(networks)
    for row in tx.run(q.REGION_SEEDS, ads=[{"site": s, "site_ad_id": i} for s, i in keys], rejudge=REJUDGE_ADS):
        if row["network_id"]:
            nets.add(row["network_id"])
        for other in row["neighbours"]:
            found.add((other["site"], other["site_ad_id"]))
            if other["network_id"]:
                nets.add(other["network_id"])
    if nets:
        found.update((r["site"], r["site_ad_id"]) for r in tx.run(q.ADS_OF_NETWORKS, networks=sorted(nets)))
    return sorted(found)


def read_region(tx: neo4j.ManagedTransaction, keys: list[tuple[str, str]]) -> Region:
    region = Region()
    for row in tx.run(q.REGION_ADS, ads=[{"site": s, "site_ad_id": i} for s, i in keys]):
        add_ad(region, row)
    read_pairs(tx, region)
    return region


def add_ad(region: Region, row) -> None:
    """One ad of a region as REGION_ADS returns it."""
    a = len(region)
    region.site_ad_ids.append(row["site_ad_id"])
    network = row["network_id"]
    if network and network not in region._networks:
        region._networks[network] = len(region.networks)
        region.networks.append(network)
    region.before.append(region._networks[network] if network else -1)
    site = region._sites.get(row["site"])
    if site is None:
        site = region._sites[row["site"]] = len(region.sites)
        region.sites.append(row["site"])
    region.ad_site.append(site)
    for label, key, confirmed, common, total in row["strong"]:
        region.link_ad.append(a)
        region.link_node.append(region.node(label, key, confirmed, common, total))
    for key, confirmed, common, total in row["images"]:
        region.link_ad.append(a)
        region.link_node.append(region.node("Image", key, confirmed, common, total))
    for key, confirmed, common, total in row["faces"]:
        region.link_ad.append(a)
        region.link_node.append(region.node("Face", key, confirmed, common, total))


def read_pairs(tx: neo4j.ManagedTransaction, region: Region) -> None:
    """The near-duplicate and same-face pairs of the region's pictures and faces, each face with the
    picture it is in, then the ad counts of the region's sites."""
    for label, query in (("Image", q.REGION_IMAGE_PAIRS), ("Face", q.REGION_FACE_PAIRS)):
        keys = sorted(key for lab, key in region.nodes if lab == label)
        for row in tx.run(query, keys=keys) if keys else ():
            near = region._index.get((label, row["a"]))
            if near is None:
                continue
            far = region.node(label, row["b"], row["confirmed"], row["common"])
            region.pairs_a.append(near)
            region.pairs_b.append(far)
    faces = sorted(key for lab, key in region.nodes if lab == "Face")
    for row in tx.run(q.REGION_FACE_PICTURES, keys=faces) if faces else ():
        face, image = region._index.get(("Face", row["face"])), region._index.get(("Image", row["image"]))
        if face is not None and image is not None:
            region.pairs_a.append(face)
            region.pairs_b.append(image)
    counts = {r["site"]: r["ads"] for r in tx.run(q.SITE_AD_COUNTS, sites=region.sites)}
    region.site_ads = [counts[s] for s in region.sites]


def write(tx: neo4j.ManagedTransaction, decision: Decision, staged: bool = False) -> None:
    """Write what was decided: verdicts, network ids where they changed, events. staged: a
    rebuild's decision (its nodes are Neo4j node ids; it stages network ids itself)."""
    now = datetime.now(timezone.utc).isoformat()
    order = (lambda r: r["id"]) if staged else (lambda r: (r["label"], r["key"]))
    by_id = [{**r, "id": int(decision.region.nodes[r["node"]])} for r in decision.set_common + decision.clear_common] \
        if staged else []
    set_rows = sorted(by_id[:len(decision.set_common)] if staged else decision.set_common, key=order)
    clear_rows = sorted(by_id[len(decision.set_common):] if staged else decision.clear_common, key=order)
    if set_rows:
        tx.run(q.SET_COMMON_BY_ID if staged else q.SET_COMMON, rows=set_rows, now=now).consume()
    if clear_rows:
        tx.run(q.CLEAR_COMMON_BY_ID if staged else q.CLEAR_COMMON, rows=clear_rows).consume()
    if len(decision.changed) and not staged:
        rows = sorted(decision.changed_rows(decision.changed), key=lambda r: (r["site"], r["site_ad_id"]))
        tx.run(q.SET_NETWORKS, ads=rows).consume()
    if decision.events:
        tx.run(q.ADD_NETWORK_EVENTS, events=decision.events, now=now).consume()
