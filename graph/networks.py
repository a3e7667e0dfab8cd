"""Networks of ads, kept up to date as ads arrive: each ad carries a network_id, shared by every
ad it is joined to, directly or through any path, by a phone, email, handle, image (identical or
near-duplicate) or face. Incremental: a batch of ads is joined to its neighbours' networks, merging
them when it bridges two; nothing is recomputed for the rest of the graph.

Identifiers linked to more than HUB_ADS ads (a site's own number, a stock photo) or marked ignored
by an admin join nothing. Networks an identifier joined before it became a hub or was ignored stay
joined until `rebuild` (adgraph networks rebuild), or until `ignore` recomputes the networks
around that one identifier (the web app's hubs page)."""

from __future__ import annotations

import hashlib
import itertools
from typing import Iterable

import neo4j

from graph.queries import networks as q

HUB_ADS = 200


def network_id(site: str, site_ad_id: str) -> str:
    """A new network's id, from the ad that founds it (stable: the same ad founds the same id)."""
    return "n" + hashlib.sha256(f"{site}\x1f{site_ad_id}".encode()).hexdigest()[:16]


def assign_networks(driver: neo4j.Driver, ads: Iterable[tuple[str, str]], hub: int = HUB_ADS) -> int:
    """Give these ads (site, site_ad_id), and any ad next to them without one, their network id,
    merging networks they bridge. Returns how many networks were merged into others."""
    keys = sorted({(site, ad_id) for site, ad_id in ads})
    if not keys:
        return 0
    with driver.session() as session:
        return session.execute_write(_assign, keys, hub)


def _assign(tx: neo4j.ManagedTransaction, keys: list[tuple[str, str]], hub: int) -> int:
    """assign_networks inside a transaction (keys sorted, distinct)."""
    rows = tx.run(q.NEIGHBOURS, ads=[{"site": s, "site_ad_id": i} for s, i in keys], hub=hub).data()
    parent: dict[tuple, tuple] = {}

    def find(x: tuple) -> tuple:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(x: tuple, y: tuple) -> None:
        parent[find(x)] = find(y)

    for row in rows:
        me = ("ad", row["site"], row["site_ad_id"])
        find(me)
        if row["network_id"]:
            union(me, ("net", row["network_id"]))
        for other in row["neighbours"]:
            union(me, ("net", other["network_id"]) if other["network_id"]
                  else ("ad", other["site"], other["site_ad_id"]))
    groups: dict[tuple, list[tuple]] = {}
    for node in list(parent):
        groups.setdefault(find(node), []).append(node)
    assigned, merges = [], []
    for members in groups.values():
        nets = sorted(node[1] for node in members if node[0] == "net")
        ads_here = sorted(node[1:] for node in members if node[0] == "ad")
        chosen = nets[0] if nets else network_id(*ads_here[0])
        assigned += [{"site": s, "site_ad_id": i, "network_id": chosen} for s, i in ads_here]
        if len(nets) > 1:
            merges.append({"old": nets[1:], "network_id": chosen})
    tx.run(q.SET_NETWORKS, ads=assigned).consume()
    if merges:
        tx.run(q.MERGE_NETWORKS, merges=merges).consume()
    return sum(len(m["old"]) for m in merges)


def ads_with_images(driver: neo4j.Driver, sha256s: list[str]) -> list[tuple[str, str]]:
    records = driver.execute_query(q.ADS_WITH_IMAGES, sha256s=sha256s, routing_=neo4j.RoutingControl.READ).records
    return [(r["site"], r["site_ad_id"]) for r in records]


def count(driver: neo4j.Driver) -> tuple[int, int]:
    """(ads, networks)."""
    record = driver.execute_query(q.COUNT_NETWORKS, routing_=neo4j.RoutingControl.READ).records[0]
    return record["ads"], record["networks"]


def rebuild(driver: neo4j.Driver, hub: int = HUB_ADS, batch: int = 1000, progress=lambda done, total: None) -> int:
    """Every network from scratch (after marking identifiers ignored, or changing the hub size).
    Returns the number of ads; progress(done, total) follows each batch."""
    with driver.session() as session:  # CALL … IN TRANSACTIONS needs an auto-commit transaction
        session.run(q.CLEAR_NETWORKS).consume()
    ads = [(r["site"], r["site_ad_id"]) for r in driver.execute_query(q.ALL_ADS).records]
    for start in range(0, len(ads), batch):
        assign_networks(driver, ads[start:start + batch], hub)
        progress(min(start + batch, len(ads)), len(ads))
    return len(ads)


def why_linked(driver: neo4j.Driver, a: tuple[str, str], b: tuple[str, str]) -> list[dict] | None:
    """The shortest chain of shared evidence from ad a to ad b through ads of their network
    (ignored identifiers left out), or None when there is none."""
    records = driver.execute_query(q.WHY_LINKED, a={"site": a[0], "site_ad_id": a[1]},
                                   b={"site": b[0], "site_ad_id": b[1]}, routing_=neo4j.RoutingControl.READ).records
    return records[0]["chain"] if records else None


def set_ignored(driver: neo4j.Driver, key: str, ignored: bool = True) -> str | None:
    """Mark an identifier (E.164, email, platform:handle, image SHA-256, face id) as not evidence of
    a link, or undo it. Returns its label, or None when there is no such identifier."""
    records = driver.execute_query(q.SET_IGNORED, key=key, ignored=ignored).records
    return records[0]["label"] if records else None


def hubs(driver: neo4j.Driver, hub: int = HUB_ADS, limit: int = 100) -> list[dict]:
    return [r.data() for r in driver.execute_query(q.HUBS, hub=hub, limit=limit,
                                                  routing_=neo4j.RoutingControl.READ).records]


KINDS = {"phone": "Phone", "email": "Email", "handle": "Handle", "image": "Image", "face": "Face"}


def ignore(driver: neo4j.Driver, kind: str, key: str, ignored: bool = True, hub: int = HUB_ADS) -> dict | None:
    """set_ignored for one kind of identifier (a key of KINDS), applied to networks at once: the
    networks of the ads it is on are recomputed in the same transaction, so ignoring it splits
    networks it alone joined and counting it again joins them back (no `rebuild` needed; the rest
    of the graph is untouched). Returns {label, ads, moved, networks_before, networks_after}: the
    ads of the networks recomputed, how many of them changed network, and how many networks they
    were in before and after; None when there is no such identifier. One transaction: a network of
    many thousands of ads makes it a large one."""
    label = KINDS[kind]

    def work(tx: neo4j.ManagedTransaction) -> dict | None:
        record = tx.run(q.SET_IGNORED_OF_KIND, label=label, key=key, ignored=ignored).single()
        if record is None:
            return None
        before = {(r["site"], r["site_ad_id"]): r["network_id"]
                  for r in tx.run(q.ADS_OF_NETWORKS, networks=sorted(set(record["networks"])))}
        for ad in record["ads"]:
            before.setdefault((ad["site"], ad["site_ad_id"]), None)
        keys = sorted(before)
        rows = [{"site": s, "site_ad_id": i} for s, i in keys]
        if keys:
            tx.run(q.SET_NETWORKS, ads=[{**row, "network_id": None} for row in rows]).consume()
            _assign(tx, keys, hub)
        fresh = {(r["site"], r["site_ad_id"]): r["network_id"] for r in tx.run(q.AD_NETWORKS, ads=rows)}
        after = keep_ids(before, fresh)
        renamed = [{"site": s, "site_ad_id": i, "network_id": after[(s, i)]} for s, i in keys
                   if after.get((s, i)) != fresh.get((s, i))]
        if renamed:
            tx.run(q.SET_NETWORKS, ads=renamed).consume()
        return {"label": record["label"], "ads": len(keys),
                "moved": sum(1 for k in keys if before[k] != after.get(k)),  # ids are kept: a change is a move
                "networks_before": len({n for n in before.values() if n}),
                "networks_after": len({n for n in after.values() if n})}

    with driver.session() as session:
        return session.execute_write(work)


def keep_ids(before: dict, fresh: dict) -> dict:
    """Network ids after a recomputation, keeping the ones investigators know: each old id goes to
    the new network holding most of its ads (ties: the smaller new id); a new network that gets no
    old id keeps its fresh id, or, if another network took that one, another its ads would found.
    before/fresh: {ad key: network id or None}. Pure; returns {ad key: id}."""
    pieces: dict[str, list] = {}
    for key, net in fresh.items():
        if net:
            pieces.setdefault(net, []).append(key)
    claims = sorted(((-sum(1 for k in members if before.get(k) == old), new, old)
                     for new, members in pieces.items() for old in {before.get(k) for k in members} if old))
    names: dict[str, str] = {}
    for _, new, old in claims:
        if new not in names and old not in names.values():
            names[new] = old
    taken, known = set(names.values()), {n for n in before.values() if n}
    for new, members in sorted(pieces.items()):
        if new not in names:
            names[new] = new if new not in taken else next(  # another network took the id it was given
                nid for nid in _candidate_ids(sorted(members)) if nid not in taken | known)
            taken.add(names[new])
    return {key: names.get(net) if net else None for key, net in fresh.items()}


def _candidate_ids(members: list[tuple[str, str]]):
    """Ids a network of these ads could take: the ones its ads would found, then salted ones."""
    yield from (network_id(*key) for key in members)
    site, site_ad_id = members[0]
    yield from (network_id(site, f"{site_ad_id}#{n}") for n in itertools.count(1))


def hub_spread(driver: neo4j.Driver, min_ads: int = HUB_ADS, limit: int = 500) -> list[dict]:
    """Identifiers on more than min_ads ads, and every identifier marked ignored, most shared
    first, with the networks and sites their ads span: what the hubs page shows."""
    return [r.data() for r in driver.execute_query(q.HUB_SPREAD, min_ads=min_ads, limit=limit,
                                                  routing_=neo4j.RoutingControl.READ).records]
