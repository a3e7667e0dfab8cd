"""Analysis of one network with networkx: pure functions over (ad, identifier) edges. (Why two
ads are linked is graph.networks.why_linked: one definition of what joins ads.)

The graph is bipartite: ads on one side, the identifiers they carry (phones, emails, handles,
images) on the other. Ignored identifiers are left out: they are no evidence of a link."""

from __future__ import annotations

from typing import Iterable

import networkx as nx


def build(edges: Iterable[dict]) -> nx.Graph:
    """edges: {ad, kind, key, ignored}; nodes are ("Ad", "site/id") and (kind, key)."""
    graph = nx.Graph()
    for edge in edges:
        if edge.get("ignored"):
            continue
        ad, identifier = ("Ad", edge["ad"]), (edge["kind"], edge["key"])
        graph.add_node(ad, kind="Ad")
        graph.add_node(identifier, kind=edge["kind"])
        graph.add_edge(ad, identifier)
    return graph


def bridges(graph: nx.Graph, top: int = 10) -> list[dict]:
    """The identifiers that hold sub-groups of ads together (highest betweenness first): remove one
    and the network may fall apart; for triage, the number that connects two crews."""
    if graph.number_of_nodes() < 3:
        return []
    # Exact up to a few thousand nodes; sampled (fixed seed, so the answer repeats) above.
    k = None if graph.number_of_nodes() <= 2000 else 500
    scores = nx.betweenness_centrality(graph, k=k, seed=7, normalized=True)
    ranked = sorted(((s, n) for n, s in scores.items() if n[0] != "Ad" and s > 0), key=lambda t: (-t[0], t[1]))
    return [{"kind": n[0], "key": n[1], "betweenness": round(s, 4), "ads": graph.degree(n)} for s, n in ranked[:top]]


def communities(graph: nx.Graph) -> list[list[str]]:
    """Groups of ads more tightly linked to each other than to the rest, largest first: Louvain
    (fixed seed) on the ads-only projection, where two ads are as close as the identifiers they share."""
    ads = [n for n in graph if n[0] == "Ad"]
    if not ads or len(ads) == graph.number_of_nodes():
        return [[n[1]] for n in sorted(ads)]
    projected = nx.bipartite.weighted_projected_graph(graph, ads)
    if projected.number_of_edges() == 0:
        return []
    groups = nx.community.louvain_communities(projected, weight="weight", seed=7)
    return sorted((sorted(n[1] for n in group) for group in groups), key=lambda g: (-len(g), g))
