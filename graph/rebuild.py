"""Every network, and every identifier's commonness, recomputed from scratch: `adgraph networks
rebuild`, after the rules change or to repair networks made before them.

Everything is read first (in slices of node ids, two at a time, identifiers by Neo4j's node ids
to keep rows small), decided in memory (graph/linking.py and graph/commonness.py, as for a
landing batch but with every ad in view, so every identifier is judged afresh), then written: the
new network ids are staged beside the ones in use (NetworkStage nodes, a batch each), the verdicts
and events written, and the staged ids swapped in. Interrupted (Ctrl-C, the database gone) while
staging, the previous network ids and verdicts are left exactly as they were. Between the
verdicts and the end of the swap (a quarter to half a minute at a million ads) the verdicts and
events already say what the swap does: run the command again to finish it (it then records those
merges and splits a second time). Ids are kept where networks stay together, and only changes are
written, so a rebuild that changes nothing writes nothing."""

from __future__ import annotations

import itertools
import uuid
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable

import neo4j
import numpy as np

from graph.commonness import Rules
from graph.linking import Region, decide, write
from graph.queries import networks as q

SLICE = 200_000  # node ids read per statement
READERS = 2  # slices read at once
STAGE_BATCH = 20_000  # new network ids staged per transaction


def stage(tx: neo4j.ManagedTransaction, ids: list[int], network_ids: list[str]) -> None:
    tx.run(q.STAGE_NETWORKS, stage_id=uuid.uuid4().hex, ids=ids, network_ids=network_ids).consume()


@dataclass(frozen=True)
class Rebuilt:
    ads: int
    networks: int
    assigned: int  # ads whose network id was written
    merges: int
    splits: int
    common: int  # identifiers judged common


def rebuild_networks(driver: neo4j.Driver, rules: Rules = Rules(),
                     progress: Callable[[int, int], None] = lambda done, total: None) -> Rebuilt:
    """Recompute every network; progress(done, total) follows the ads read."""
    total = driver.execute_query(q.COUNT_NETWORKS, routing_=neo4j.RoutingControl.READ).records[0]["ads"]
    region = read_everything(driver, progress, total)
    progress(len(region), len(region))
    with driver.session() as session:

        def describe(nodes: list[int]) -> dict[int, tuple[str, str]]:
            ids = [int(region.nodes[n]) for n in nodes]
            found = {r["id"]: (r["label"], r["key"]) for r in session.run(q.DESCRIBE_NODES, ids=ids)}
            return {n: found[i] for n, i in zip(nodes, ids)}

        decision = decide(region, "rebuild of every network", rules, describe)
        # A million ids do not fit one transaction's memory: they are staged in batches beside the
        # ids in use, then swapped in (see the module's docstring for an interruption).
        session.run(q.CLEAR_STAGED).consume()
        for start in range(0, len(decision.changed), STAGE_BATCH):
            ads = decision.changed[start:start + STAGE_BATCH]
            session.execute_write(stage, region.ids[ads].tolist(),
                                  [decision.names[n] for n in decision.network[ads].tolist()])
        session.execute_write(write, decision, True)
        session.run(q.SWAP_STAGED).consume()
    return Rebuilt(len(region), len(decision.names), len(decision.changed),
                   sum(1 for e in decision.events if e["kind"] == "merge"),
                   sum(1 for e in decision.events if e["kind"] == "split"),
                   len({r["unit"] for r in decision.set_common}))


def read_everything(driver: neo4j.Driver, progress: Callable[[int, int], None], total: int) -> Region:
    """Every ad and the identifiers that may link it, as a Region whose nodes are Neo4j node ids.
    Slices are read READERS at a time, each in a read transaction of its own: while one is decoded
    here the database finds the next (Community's transactions see committed writes anyway, so one
    transaction for all would be no more consistent)."""
    marked, top = _read(driver, _read_marked)
    region = Region(complete=True)
    ids, site_ad_ids, links, strong = [], [], ([], []), []
    sites: dict[str, int] = {}
    networks: dict[str, int] = {}
    read = 0
    pool = ThreadPoolExecutor(READERS)
    try:
        whole = pool.submit(_read, driver, _read_whole)
        starts = iter(range(0, (top if top is not None else -1) + 1, SLICE))
        # A few slices ahead, no more: each waiting answer holds a slice's rows.
        ahead = deque(pool.submit(_read, driver, _read_slice, lo) for lo in itertools.islice(starts, READERS))
        while ahead:
            ads, linked = ahead.popleft().result()
            for lo in itertools.islice(starts, 1):
                ahead.append(pool.submit(_read, driver, _read_slice, lo))
            ids.append(np.asarray(ads["ids"], dtype=np.int64))
            site_ad_ids.append(np.asarray(ads["site_ad_ids"], dtype=str))
            region.ad_site.extend(sites.setdefault(site, len(sites)) for site in ads["sites"])
            region.before.extend(networks.setdefault(n, len(networks)) if n else -1 for n in ads["networks"])
            links[0].append(np.asarray(linked["ads"], dtype=np.int64))
            links[1].append(np.asarray(linked["nodes"], dtype=np.int64))
            strong.append(np.asarray(linked["strong"], dtype=bool))
            read += len(ids[-1])
            progress(read, total)
        faces, pairs = whole.result()
    finally:  # Ctrl-C or a failed read: slices not started are not read
        pool.shutdown(wait=True, cancel_futures=True)

    def array(values) -> np.ndarray:
        return np.asarray(values, dtype=np.int64)

    region.ids = np.concatenate(ids) if ids else array([])
    region.site_ad_ids = np.concatenate(site_ad_ids) if site_ad_ids else np.zeros(0, dtype=str)
    region.sites, region.networks = list(sites), list(networks)
    region.ad_site, region.before = array(region.ad_site), array(region.before)
    region.site_ads = np.bincount(region.ad_site, minlength=len(sites)).tolist()
    ignored = array(marked["ignored"])
    link_ad = np.concatenate(links[0] + [array(faces["ads"])])
    link_node = np.concatenate(links[1] + [array(faces["nodes"])])
    link_strong = np.concatenate(strong + [np.zeros(len(faces["ads"]), dtype=bool)])
    keep = ~np.isin(link_node, ignored)
    link_ad, link_node, link_strong = link_ad[keep], link_node[keep], link_strong[keep]
    pairs_a, pairs_b = array(pairs["a"]), array(pairs["b"])
    keep = ~np.isin(pairs_a, ignored) & ~np.isin(pairs_b, ignored)
    pairs_a, pairs_b = pairs_a[keep], pairs_b[keep]
    # Identifier nodes: every node id linked to an ad or paired, numbered in order of node id.
    region.nodes, index = np.unique(np.concatenate((link_node, pairs_a, pairs_b)), return_inverse=True)
    n_links = len(link_node)
    region.link_node = index[:n_links]
    region.pairs_a, region.pairs_b = index[n_links:n_links + len(pairs_a)], index[n_links + len(pairs_a):]
    order = np.argsort(region.ids)
    region.link_ad = order[np.searchsorted(region.ids, link_ad, sorter=order)]
    region.strong = np.zeros(len(region.nodes), dtype=bool)
    region.strong[region.link_node[link_strong]] = True
    region.confirmed = np.isin(region.nodes, array(marked["confirmed"]))
    region.common = np.isin(region.nodes, array(marked["common"]))
    region.common_unit = [None] * len(region.nodes)  # judged afresh: no unit is kept
    region.total_ads = np.full(len(region.nodes), -1, dtype=np.int64)
    return region


def _read(driver: neo4j.Driver, work, *args):
    with driver.session() as session:
        return session.execute_read(work, *args)


def _read_marked(tx: neo4j.ManagedTransaction) -> tuple[dict[str, list[int]], int | None]:
    marked = {"common": [], "confirmed": [], "ignored": []}
    for row in tx.run(q.REBUILD_MARKED):
        for word, ids in marked.items():
            if row[word]:
                ids.append(row["id"])
    return marked, tx.run(q.MAX_NODE_ID).single(strict=True)["top"]


def _read_slice(tx: neo4j.ManagedTransaction, lo: int) -> tuple[neo4j.Record, neo4j.Record]:
    return (tx.run(q.REBUILD_ADS, lo=lo, hi=lo + SLICE).single(strict=True),
            tx.run(q.REBUILD_LINKS, lo=lo, hi=lo + SLICE).single(strict=True))


def _read_whole(tx: neo4j.ManagedTransaction) -> tuple[neo4j.Record, neo4j.Record]:
    """The faces each ad shows and every pair of linked identifiers, read whole."""
    return tx.run(q.REBUILD_FACES).single(strict=True), tx.run(q.REBUILD_PAIRS).single(strict=True)
