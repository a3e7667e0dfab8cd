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
stay common), its networks recomputed, identifiers that became common or stopped being so
marked, and networks that merged or split recorded as NetworkEvent nodes with the time and the
cause. A network keeps its id when it stays together or is the largest part of a split or merge
(graph.networks.keep_ids), so the ids investigators know, watch and export survive.

`network_id`, `common…` and NetworkEvent are working data, not evidence: the evidence is the ads,
their versions and their links, which linking never changes.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterable

import neo4j
import numpy as np

from graph.commonness import CONFIRMED, KEPT_COMMON, NORMAL, STRONG_KINDS, Rules, components, judge
from graph.commonness import networks as components_of_ads
from graph.queries import networks as q

KINDS = {"phone": "Phone", "email": "Email", "handle": "Handle", "image": "Image", "face": "Face"}  # kind: label
KIND_OF_LABEL = {label: kind for kind, label in KINDS.items()}


def network_id(site: str, site_ad_id: str) -> str:
    """A new network's id, from the ad that founds it (stable: the same ad founds the same id)."""
    return "n" + hashlib.sha256(f"{site}\x1f{site_ad_id}".encode()).hexdigest()[:16]


def keep_ids(before: dict, fresh: dict, in_use=lambda network: False) -> dict:
    """Network ids after a recomputation, keeping the ones investigators know: each old id goes to
    the new network holding most of its ads (ties: the smaller new id); a new network that gets no
    old id keeps its fresh id, or, if another network took that one or in_use(it) says ads outside
    `before` still carry it, another its ads would found. before/fresh: {ad key: network id or
    None}. Pure but for in_use; returns {ad key: id}."""
    pieces: dict[str, list] = {}
    for key, net in fresh.items():
        if net:
            pieces.setdefault(net, []).append(key)
    claims = sorted(((-sum(1 for k in members if before.get(k) == old), new, old)
                     for new, members in pieces.items() for old in {before.get(k) for k in members} if old))
    names: dict[str, str] = {}
    taken: set[str] = set()
    for _, new, old in claims:
        if new not in names and old not in taken:
            names[new] = old
            taken.add(old)
    known = {n for n in before.values() if n}
    for new, members in sorted(pieces.items()):
        if new not in names:
            free = new not in taken and (new in known or not in_use(new))  # in known: all its ads are here
            names[new] = new if free else next(
                nid for nid in _candidate_ids(sorted(members)) if nid not in taken and nid not in known and not in_use(nid))
            taken.add(names[new])
    return {key: names.get(net) if net else None for key, net in fresh.items()}


def _candidate_ids(members: list[tuple[str, str]]):
    """Ids a network of these ads could take: the ones its ads would found, then salted ones."""
    yield from (network_id(*key) for key in members)
    site, site_ad_id = members[0]
    yield from (network_id(site, f"{site_ad_id}#{n}") for n in itertools.count(1))


@dataclass
class Region:
    """What linking reads of a region, as plain data: its ads (key, site, network before), the
    identifier nodes on them or next to their pictures and faces, and the links between them."""

    ads: list[tuple[str, str]] = field(default_factory=list)
    before: list[str | None] = field(default_factory=list)
    ad_site: list[int] = field(default_factory=list)
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
    pairs: list[tuple[int, int]] = field(default_factory=list)  # near-duplicate images, same faces
    complete: bool = False  # every ad of the graph is in view: every identifier is judged afresh

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


@dataclass
class Decision:
    """What settling a region decided: each ad's network after (and before), the ads whose network
    id changes ([{site, site_ad_id, network_id}], sorted), the identifiers newly common or no longer
    so, and the merges and splits."""

    after: dict[tuple[str, str], str]
    before: dict[tuple[str, str], str | None]
    changed: list[dict]
    set_common: list[dict]
    clear_common: list[dict]
    events: list[dict]
    became_common: list[str]

    @property
    def moved(self) -> int:
        return sum(1 for k, n in self.after.items() if self.before.get(k) and self.before[k] != n)


def decide(region: Region, cause: str, rules: Rules = Rules(), describe=None, in_use=lambda network: False) -> Decision:
    """Judge the region's identifiers, recompute its networks and name them. Pure but for
    describe(nodes) -> {node: (label, key)}, needed only when region.nodes are not (label, key)
    already (a rebuild's are node ids): it is asked only about identifiers whose verdict changed;
    and in_use(network id): whether ads outside the region carry that id (see keep_ids)."""
    n_nodes = len(region.nodes)
    family = components(n_nodes, [a for a, _ in region.pairs], [b for _, b in region.pairs]) if n_nodes else []
    unit_of: dict[int, int] = {}
    units = [unit_of.setdefault(int(label), len(unit_of)) for label in family]
    n_units = len(unit_of)
    members: list[list[int]] = [[] for _ in range(n_units)]
    for node, unit in enumerate(units):
        members[unit].append(node)
    # Each (ad, unit) once, and how many of the region's ads each node is on.
    link_ad = np.asarray(region.link_ad, dtype=np.int64)
    link_node = np.asarray(region.link_node, dtype=np.int64)
    node_pairs = _distinct(link_ad * max(n_nodes, 1) + link_node)
    linked = np.bincount(node_pairs % max(n_nodes, 1), minlength=n_nodes).tolist()
    unit_array = np.asarray(units, dtype=np.int64)
    unit_pairs = _distinct(link_ad * max(n_units, 1) + unit_array[link_node]) if len(link_ad) else link_ad
    pair_ads, pair_units = (unit_pairs // max(n_units, 1)).tolist(), (unit_pairs % max(n_units, 1)).tolist()
    state = []
    for nodes in members:
        if any(region.confirmed[n] for n in nodes):
            state.append(CONFIRMED)
        elif not region.complete and any(region.common[n] for n in nodes) and \
                any(region.total_ads[n] != linked[n] for n in nodes):
            state.append(KEPT_COMMON)  # some of its ads are out of view: it stays as it was judged
        else:
            state.append(NORMAL)
    strong = [region.strong[nodes[0]] for nodes in members]
    spreads = judge(region.ad_site, region.site_ads, pair_ads, pair_units, strong, state, rules)
    labels = components_of_ads(len(region.ads), pair_ads, pair_units, [not s.common for s in spreads]).tolist()
    founders: dict[int, tuple[str, str]] = {}
    for key, label in zip(region.ads, labels):
        if label not in founders or key < founders[label]:
            founders[label] = key
    names = {label: network_id(*key) for label, key in founders.items()}
    fresh = {key: names[label] for key, label in zip(region.ads, labels)}
    before = dict(zip(region.ads, region.before))
    after = keep_ids(before, fresh, in_use)
    # Only what changes is written: an identifier keeps the figures it was judged common with.
    to_set = [node for node in range(n_nodes) if spreads[units[node]].common and not region.common[node]]
    to_clear = [node for node in range(n_nodes) if region.common[node] and not spreads[units[node]].common]
    need = sorted(set(to_clear) | {m for node in to_set for m in members[units[node]]})
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
        known = [region.common_unit[m] for m in members[units[node]] if region.common_unit[m]]
        unit_key = min(known) if known else min(name[m] for m in members[units[node]])
        set_rows.append({"label": label, "key": key, "unit": unit_key, **figures})
        newly.append(name[node])
    clear_rows = [{"label": described[n][0], "key": described[n][1]} for n in to_clear]
    stopped = [f"{r['label']}:{r['key']}" for r in clear_rows]
    changed = [{"site": s, "site_ad_id": i, "network_id": n} for (s, i), n in sorted(after.items())
               if before.get((s, i)) != n]
    return Decision(after, before, changed, set_rows, clear_rows,
                    network_events(before, after, cause, sorted(newly), stopped), sorted(newly))


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (np.unique's hashing is slower on long integer arrays)."""
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values


def network_events(before: dict, after: dict, cause: str, became_common: list[str], stopped_common: list[str]) -> list[dict]:
    """Merges (ads of two or more networks now in one; the largest's id stays) and splits (ads of
    one network now in two or more; the largest part keeps the id), with their cause. Pure."""
    into: dict[str, set[str]] = {}
    parts: dict[str, set[str]] = {}
    sizes: dict[str, int] = {}
    for key, new in after.items():
        old = before.get(key)
        sizes[new] = sizes.get(new, 0) + 1
        if old:
            into.setdefault(new, set()).add(old)
            parts.setdefault(old, set()).add(new)
    text = cause
    if became_common:
        text += f"; judged common: {', '.join(became_common[:5])}" + (" …" if len(became_common) > 5 else "")
    if stopped_common:
        text += f"; no longer common: {', '.join(stopped_common[:5])}" + (" …" if len(stopped_common) > 5 else "")
    identifiers = became_common + stopped_common
    events = []
    for new, olds in sorted(into.items()):
        if len(olds) > 1:
            others = sorted(olds - {new})
            events.append(_event("merge", new, others, sizes[new], text, identifiers))
    for old, news in sorted(parts.items()):
        if len(news) > 1:
            others = sorted(news - {old})
            events.append(_event("split", old, others, sum(sizes[n] for n in news), text, identifiers))
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
    return Settled(len(region.ads), len({n for n in decision.before.values() if n}),
                   len(set(decision.after.values())), decision.moved,
                   sum(1 for e in decision.events if e["kind"] == "merge"),
                   sum(1 for e in decision.events if e["kind"] == "split"),
                   sum(len(e["networks"]) for e in decision.events if e["kind"] == "merge"),
                   len(decision.became_common), len(decision.clear_common))


def region_ads(tx: neo4j.ManagedTransaction, keys: list[tuple[str, str]], networks: Iterable[str] = ()) -> list[tuple[str, str]]:
    """The ads whose networks settling these ads may change: theirs, and those of the networks of
    every ad one linking hop away."""
    found = set(keys)
    nets = set(networks)
    for row in tx.run(q.REGION_SEEDS, ads=[{"site": s, "site_ad_id": i} for s, i in keys]):
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
    a = len(region.ads)
    region.ads.append((row["site"], row["site_ad_id"]))
    region.before.append(row["network_id"])
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
    """The near-duplicate and same-face pairs of the region's pictures and faces, then the ad counts
    of the region's sites."""
    for label, query in (("Image", q.REGION_IMAGE_PAIRS), ("Face", q.REGION_FACE_PAIRS)):
        keys = sorted(key for lab, key in region.nodes if lab == label)
        for row in tx.run(query, keys=keys) if keys else ():
            near = region._index.get((label, row["a"]))
            if near is None:
                continue
            far = region.node(label, row["b"], row["confirmed"], row["common"])
            region.pairs.append((near, far))
    counts = {r["site"]: r["ads"] for r in tx.run(q.SITE_AD_COUNTS, sites=region.sites)}
    region.site_ads = [counts[s] for s in region.sites]


def write(tx: neo4j.ManagedTransaction, decision: Decision, ids: bool = True) -> None:
    """Write what was decided: verdicts, network ids where they changed (unless not ids: a rebuild
    stages them itself), events."""
    now = datetime.now(timezone.utc).isoformat()
    if decision.set_common:
        tx.run(q.SET_COMMON, rows=sorted(decision.set_common, key=lambda r: (r["label"], r["key"])), now=now).consume()
    if decision.clear_common:
        tx.run(q.CLEAR_COMMON, rows=sorted(decision.clear_common, key=lambda r: (r["label"], r["key"]))).consume()
    if decision.changed and ids:
        tx.run(q.SET_NETWORKS, ads=decision.changed).consume()
    if decision.events:
        tx.run(q.ADD_NETWORK_EVENTS, events=decision.events, now=now).consume()
