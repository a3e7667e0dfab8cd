"""Every network, and every identifier's commonness, recomputed from scratch: `adgraph networks
rebuild`, after the rules change or to repair networks made before them.

Everything is read first (one read transaction, in slices of node ids, identifiers by Neo4j's node
ids to keep rows small), decided in memory (graph/linking.py and graph/commonness.py, as for a
landing batch but with every ad in view, so every identifier is judged afresh), then written:
the new network ids are staged beside the ones in use (`network_next`, in batches), the verdicts
and events written, and the staged ids swapped in. Interrupted (Ctrl-C, the database gone) while
staging, the previous network ids and verdicts are left exactly as they were. Between the verdicts
and the end of the swap (seconds at a million ads) the verdicts and events already say what the
swap does: run the command again to finish it (it then records those merges and splits a second
time). Ids are kept where networks stay together, and only changes are written, so a rebuild that
changes nothing writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import neo4j

from graph.commonness import Rules
from graph.linking import Region, decide, write
from graph.queries import networks as q

SLICE = 200_000  # node ids read per statement
STAGE_BATCH = 20_000  # new network ids staged per transaction


def stage(tx: neo4j.ManagedTransaction, rows: list[dict]) -> None:
    tx.run(q.STAGE_NETWORKS, ads=rows).consume()


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
    with driver.session() as session:
        region = session.execute_read(read_everything, progress, total)
        progress(len(region.ads), len(region.ads))

        def describe(nodes: list[int]) -> dict[int, tuple[str, str]]:
            ids = [region.nodes[n] for n in nodes]
            found = {r["id"]: (r["label"], r["key"]) for r in session.run(q.DESCRIBE_NODES, ids=ids)}
            return {n: found[region.nodes[n]] for n in nodes}

        decision = decide(region, "rebuild of every network", rules, describe)
        # A million ids do not fit one transaction's memory: they are staged in batches beside the
        # ids in use, then swapped in (see the module's docstring for an interruption).
        session.run(q.CLEAR_STAGED).consume()
        for start in range(0, len(decision.changed), STAGE_BATCH):
            session.execute_write(stage, decision.changed[start:start + STAGE_BATCH])
        session.execute_write(write, decision, False)
        session.run(q.SWAP_STAGED).consume()
    return Rebuilt(len(region.ads), len(set(decision.after.values())),
                   len(decision.changed),
                   sum(1 for e in decision.events if e["kind"] == "merge"),
                   sum(1 for e in decision.events if e["kind"] == "split"),
                   len({r["unit"] for r in decision.set_common}))


def read_everything(tx: neo4j.ManagedTransaction, progress: Callable[[int, int], None], total: int) -> Region:
    """Every ad and the identifiers that may link it, as a Region whose nodes are Neo4j node ids."""
    marked: dict[str, set[int]] = {"common": set(), "confirmed": set()}  # ignored ones are not read at all
    for row in tx.run(q.REBUILD_MARKED):
        for word in marked:
            if row[word]:
                marked[word].add(row["id"])
    top = tx.run(q.MAX_NODE_ID).single(strict=True)["top"]
    ads = {"ids": [], "sites": [], "site_ad_ids": [], "networks": []}
    links = {"ads": [], "nodes": [], "strong": []}
    faces = {"ads": [], "nodes": []}
    pairs = {"a": [], "b": []}
    for lo in range(0, (top if top is not None else -1) + 1, SLICE):
        for query, into in ((q.REBUILD_ADS, ads), (q.REBUILD_LINKS, links), (q.REBUILD_FACES, faces),
                            (q.REBUILD_PAIRS, pairs)):
            row = tx.run(query, lo=lo, hi=lo + SLICE).single(strict=True)
            for key, values in into.items():
                values.extend(row[key])
        progress(len(ads["ids"]), total)

    region = Region(complete=True)  # afresh on every attempt: a retried read starts over
    ad_index = {nid: a for a, nid in enumerate(ads["ids"])}
    region.ads = list(zip(ads["sites"], ads["site_ad_ids"]))
    region.before = list(ads["networks"])
    sites: dict[str, int] = {}
    region.ad_site = [sites.setdefault(site, len(sites)) for site in ads["sites"]]
    region.sites = sorted(sites, key=sites.get)
    region.site_ads = [0] * len(sites)
    for s in region.ad_site:
        region.site_ads[s] += 1
    # Identifier nodes: every id linked to an ad or paired, numbered in order of first sight.
    strong_ids = {nid for nid, strong in zip(links["nodes"], links["strong"]) if strong}
    index: dict[int, int] = {}
    for nid in links["nodes"] + faces["nodes"] + pairs["a"] + pairs["b"]:
        if nid not in index:
            index[nid] = len(index)
    region.nodes = list(index)
    region.strong = [nid in strong_ids for nid in region.nodes]
    region.confirmed = [nid in marked["confirmed"] for nid in region.nodes]
    region.common = [nid in marked["common"] for nid in region.nodes]
    region.common_unit = [None] * len(region.nodes)  # judged afresh: no unit is kept
    region.total_ads = [-1] * len(region.nodes)
    region.link_ad = [ad_index[a] for a in links["ads"]] + [ad_index[a] for a in faces["ads"]]
    region.link_node = [index[n] for n in links["nodes"]] + [index[n] for n in faces["nodes"]]
    region.pairs = [(index[a], index[b]) for a, b in zip(pairs["a"], pairs["b"])]
    return region
