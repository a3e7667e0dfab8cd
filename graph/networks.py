"""Networks of ads, and the identifiers that make or do not make them: the repository over
graph/linking.py (how a region's networks are settled) and graph/commonness.py (which identifiers
are common).

Every ad carries a network_id shared by every ad it is joined to, directly or through any path, by
a phone, email, handle, picture (identical or near-duplicate) or face that links: one an admin has
not marked ignored, and not judged common (a stock photo, a site's own number, a booking line
shared by unrelated posters) unless an admin confirmed it as evidence of one operation. Networks
are settled as each batch lands (graph/landing.py), merging and splitting as the evidence says;
`rebuild` recomputes all of them at once."""

from __future__ import annotations

from typing import Iterable

import neo4j

from graph.linking import KINDS, keep_ids, network_id, settle, settle_in  # noqa: F401 (the naming rule, the kinds)
from graph.queries import networks as q


def assign_networks(driver: neo4j.Driver, ads: Iterable[tuple[str, str]], cause: str = "new links") -> int:
    """Settle the networks around these ads (site, site_ad_id) after they were written. Returns how
    many networks were merged into others."""
    settled = settle(driver, ads, cause)
    return settled.merged


def ads_with_images(driver: neo4j.Driver, sha256s: list[str]) -> list[tuple[str, str]]:
    records = driver.execute_query(q.ADS_WITH_IMAGES, sha256s=sha256s, routing_=neo4j.RoutingControl.READ).records
    return [(r["site"], r["site_ad_id"]) for r in records]


def rebuild(driver: neo4j.Driver, progress=lambda done, total: None) -> int:
    """Every network and every identifier's commonness from scratch. Returns the number of ads."""
    from graph.rebuild import rebuild_networks

    return rebuild_networks(driver, progress=progress).ads


def why_linked(driver: neo4j.Driver, a: tuple[str, str], b: tuple[str, str]) -> list[dict] | None:
    """The shortest chain of shared evidence from ad a to ad b through ads of their network
    (ignored and common identifiers left out), or None when there is none."""
    records = driver.execute_query(q.WHY_LINKED, a={"site": a[0], "site_ad_id": a[1]},
                                   b={"site": b[0], "site_ad_id": b[1]}, routing_=neo4j.RoutingControl.READ).records
    return records[0]["chain"] if records else None


def ignore(driver: neo4j.Driver, kind: str, key: str, ignored: bool = True) -> dict | None:
    """An admin's word that an identifier (kind: a key of KINDS) is no evidence of a link, or undo
    it, applied to networks at once: see mark."""
    return mark(driver, kind, key, "ignored", ignored)


def confirm(driver: neo4j.Driver, kind: str, key: str, confirmed: bool = True) -> dict | None:
    """An admin's word that an identifier judged common is real evidence ("this booking line is one
    operation"), or undo it, applied to networks at once: see mark."""
    return mark(driver, kind, key, "confirmed", confirmed)


def mark(driver: neo4j.Driver, kind: str, key: str, word: str, value: bool) -> dict | None:
    """Set an admin's word (ignored or confirmed) on one identifier, and on every copy linking judges
    with it (a picture's near-duplicates, a face's same faces), and settle the networks of the ads
    they are on in the same transaction, so networks it alone joined split and networks it joins
    again merge, recorded as network events. Returns {label, ads, moved, networks_before,
    networks_after}; None when there is no such identifier."""
    label = KINDS[kind]
    query = {"ignored": q.SET_IGNORED_OF_KIND, "confirmed": q.SET_CONFIRMED_OF_KIND}[word]
    verb = {("ignored", True): "ignored", ("ignored", False): "counted again",
            ("confirmed", True): "confirmed as evidence", ("confirmed", False): "no longer confirmed"}[(word, value)]

    def work(tx: neo4j.ManagedTransaction) -> dict | None:
        record = tx.run(query, label=label, key=key, value=value).single()
        if record is None:
            return None
        ads = [(a["site"], a["site_ad_id"]) for a in record["ads"]]
        settled = settle_in(tx, ads, f"{label} {key} {verb} by an admin", networks=record["networks"])
        return {"label": record["label"], "ads": settled.ads, "moved": settled.moved,
                "networks_before": settled.networks_before, "networks_after": settled.networks_after}

    with driver.session() as session:
        return session.execute_write(work)


def common_identifiers(driver: neo4j.Driver, min_ads: int = 1, limit: int = 500) -> list[dict]:
    """Identifiers judged common, ignored or confirmed, with the figures that made them common
    (ads, groups they would join, their coverage of those groups, their share of a site) and how
    many networks, sites and places their ads span. One row per picture family or face: its
    members are counted in `members`, its ads summed over them (networks, sites and places: the
    most of any one). The figures are those of when it was judged (on judged_ads ads); a family
    judged common stays so as copies join it. Most shared first."""
    rows: dict[tuple, dict] = {}
    for record in driver.execute_query(q.COMMON_IDENTIFIERS, min_ads=min_ads, limit=limit,
                                       routing_=neo4j.RoutingControl.READ).records:
        row = record.data()
        unit = row.pop("unit") or f"{row['label']}:{row['key']}"
        group = (unit, row["ignored"], row["confirmed"])  # an admin's word sets a copy apart
        if group in rows:
            first = rows[group]
            first["members"] += 1
            first["ads"] += row["ads"]
            for field in ("networks", "sites", "places"):
                first[field] = max(first[field], row[field])
            if row["groups"] is not None and (first["groups"] is None or row["groups"] > first["groups"]):
                first.update({k: row[k] for k in ("groups", "coverage", "site_share", "reason", "judged_ads")})
            continue
        rows[group] = {**row, "unit": unit, "members": 1}
    return sorted(rows.values(), key=lambda r: (-r["ads"], r["label"], r["key"]))[:limit]


def network_events(driver: neo4j.Driver, network: str, limit: int = 100) -> list[dict]:
    """The merges and splits a network took part in, newest first."""
    return [r.data() for r in driver.execute_query(q.NETWORK_EVENTS, network_id=network, limit=limit,
                                                  routing_=neo4j.RoutingControl.READ).records]


def successor(driver: neo4j.Driver, network: str) -> str:
    """The network whose ads a network's are now: itself while it has ads, else the one it was
    merged into, followed along later merges."""
    seen = {network}
    while not driver.execute_query(q.NETWORK_HAS_ADS, network_id=network, routing_=neo4j.RoutingControl.READ).records[0]["has"]:
        records = driver.execute_query(q.MERGED_INTO, network_id=network, routing_=neo4j.RoutingControl.READ).records
        if not records or records[0]["network_id"] in seen:
            break
        network = records[0]["network_id"]
        seen.add(network)
    return network
