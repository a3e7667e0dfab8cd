"""A network as a pyvis picture: one colour and shape per kind of node, labels that read, tooltips
built from escaped text, and above a size an aggregated picture of identifiers that the user
drills into. Takes plain nodes and edges (graph/explore.py makes them); knows nothing of Neo4j.

Ad text is written by the people under investigation: it only ever reaches a tooltip through
markupsafe's escaping, and labels are drawn on a canvas, never parsed as HTML."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import jinja2
import pyvis
from markupsafe import Markup
from pyvis.network import Network

from graph.records import readable_phone  # pure: the one way adgraph writes a phone

AGGREGATE_ABOVE = 1500  # nodes; a bigger network opens on its aggregated picture
DRAW_AT_MOST = 5000  # nodes drawn in full on request; beyond, a browser struggles and the picture says nothing
# Which identifiers of an ad the aggregated picture joins first: who posts it, then what it shows.
KIND_ORDER = {"Phone": 0, "Email": 1, "Handle": 2, "Face": 3, "Image": 4}
TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
# pyvis ships vis-network; the app serves it, so nothing is fetched from a CDN.
VIS_NETWORK = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"

# kind: (colour, shape, legend). Shapes differ as well as colours, for colour-blind readers.
STYLES = {
    "Ad": ("#4e79a7", "box", "ad"),
    "Phone": ("#e15759", "dot", "phone"),
    "Email": ("#f28e2b", "diamond", "email"),
    "Handle": ("#b07aa1", "triangle", "social handle"),
    "Image": ("#59a14f", "square", "image"),
    "Face": ("#edc948", "star", "face"),
    "Location": ("#9c755f", "hexagon", "place"),
}
MUTED = "#bab0ac"  # hubs and identifiers ignored for linking: shown, but visibly not evidence

# Physics that settles a couple of thousand nodes in about a second and then stops (network.js
# turns it off): Barnes-Hut with a coarse theta (0.9: a third of the default's cost per step on 2,000
# nodes, and no visible difference), no overlap avoidance, no curved edges, no "improved layout"
# (quadratic), 80 steps at most, fixed seed. Measured with bench/viz.py (bench/RESULTS.md).
OPTIONS = {
    "autoResize": True,
    "layout": {"improvedLayout": False, "randomSeed": 7},
    "physics": {
        "solver": "barnesHut",
        "barnesHut": {"theta": 0.9, "gravitationalConstant": -6000, "centralGravity": 0.3, "springLength": 110,
                      "springConstant": 0.04, "damping": 0.6, "avoidOverlap": 0},
        "minVelocity": 2,
        "stabilization": {"enabled": True, "iterations": 80, "updateInterval": 25, "fit": True},
    },
    "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": True, "hideEdgesOnZoom": True,
                    "navigationButtons": False,
                    "keyboard": False, "multiselect": False},
    "nodes": {"font": {"size": 12, "face": "sans-serif"}, "scaling": {"min": 8, "max": 40}},
    "edges": {"smooth": False, "color": {"color": "#9aa3ad", "highlight": "#333333", "inherit": False},
              "width": 1, "selectionWidth": 2},
}

# pyvis renders through our own template: its stock one links Bootstrap from a CDN.
_TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)


@dataclass
class Picture:
    net: Network
    aggregated: bool  # identifiers only, with their ad counts: the user drills into them
    nodes_in_network: int
    edges_in_network: int
    dropped: int = 0  # identifiers left out of an aggregated picture still too big (fewest ads first)

    def html(self) -> Markup:
        """The picture's markup: a canvas and its data as JSON (no inline script: network.js draws it)."""
        self.net.templateEnv, self.net.path = _TEMPLATES, "network_view.html"
        return Markup(self.net.generate_html())


def label(node: dict) -> str:
    """What a node reads as on the canvas: a phone in national format, an ad by its title."""
    kind, key = node["kind"], node["key"]
    if kind == "Ad":
        return _short(node.get("title") or key, 32)
    if kind == "Phone":
        return readable_phone(key)
    if kind == "Location":
        return ", ".join(x for x in (node.get("name"), node.get("region")) if x) or key
    if kind == "Image":
        return f"image {key[:8]}"
    if kind == "Face":
        return f"face {key[:8]}"
    return key


def tooltip(node: dict, ads_here: int | None = None) -> Markup:
    """The tooltip as HTML in which every piece of data is escaped (Markup.format escapes its arguments)."""
    kind, key = node["kind"], node["key"]
    lines = [Markup("<b>{}</b> <i>{}</i>").format(label(node), STYLES[kind][2])]
    if kind == "Ad":
        status = f"removed {node['removed_at'][:10]}" if node.get("removed_at") else "live"
        lines.append(Markup("{} · {}").format(key, status))
        lines.append(Markup("seen {} to {}").format((node.get("first_seen") or "")[:10], (node.get("last_seen") or "")[:10]))
        if node.get("body"):
            lines.append(Markup("<span class=\"tip-body\">{}</span>").format(_short(node["body"], 400)))
    else:
        if key != label(node):
            lines.append(Markup("{}").format(key))
        if ads_here is not None:
            lines.append(Markup("{} ads in this network").format(ads_here))
        if node.get("ads") is not None:
            lines.append(Markup("{} ads in all").format(node["ads"]))
        if node.get("common"):
            lines.append(Markup("common, not evidence: {}").format(node.get("common_reason") or "judged so"))
        if node.get("ignored"):
            lines.append(Markup("ignored for linking"))
    lines.append(Markup("<i>click: expand · double-click: open</i>"))
    return Markup("<br>").join(lines)


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def vis_node(net: Network, node: dict, link: Callable[[dict], str | None], ads_here: int | None = None) -> None:
    colour, shape, _ = STYLES[node["kind"]]
    muted = node.get("ignored") or node.get("common")
    # No pyvis "group": pyvis drops the colour of a node that has one.
    options = {"title": str(tooltip(node, ads_here)), "kind": node["kind"]}
    if url := link(node):
        options["url"] = url
    if ads_here is not None:
        options["value"] = ads_here
    if node["kind"] == "Ad" and node.get("removed_at"):
        options["shapeProperties"] = {"borderDashes": [4, 3]}
        colour = {"background": "#dfe6ee", "border": colour}
    text = label(node) if ads_here is None else f"{label(node)}\n{ads_here} ads"
    net.add_node(node["id"], label=text, shape=shape, color=MUTED if muted else colour, **options)


class _Ids(list):
    """pyvis' list of node ids, with membership by set: add_node scans it for every node."""

    def __init__(self):
        super().__init__()
        self._set = set()

    def append(self, item):
        super().append(item)
        self._set.add(item)

    def __contains__(self, item):
        return item in self._set


class _Network(Network):
    """pyvis, with its node lookups by dict and set: add_edge checks both ends are in get_nodes(), a
    list scanned twice per edge (a tenth of a second on 2,000 nodes and 5,000 edges), and add_node
    scans node_ids (quadratic)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.node_ids = _Ids()

    def get_nodes(self):
        return self.node_map


def _network() -> Network:
    # directed=True only spares pyvis a quadratic duplicate-edge check; arrows stay off (edges are deduplicated here).
    net = _Network(height="70vh", width="100%", directed=True, cdn_resources="local")
    net.options = OPTIONS
    return net


def picture(graph: dict, link: Callable[[dict], str | None] = lambda node: None,
            aggregate_above: int = AGGREGATE_ABOVE) -> Picture:
    """The pyvis picture of a network ({"nodes", "edges"} from graph/explore.py). Above
    `aggregate_above` nodes it starts from the aggregated picture (see aggregate())."""
    nodes, edges = graph["nodes"], graph["edges"]
    if len(nodes) > aggregate_above:
        return aggregate(graph, link, limit=aggregate_above)
    net = _network()
    for node in nodes:
        vis_node(net, node, link)
    known = set(net.node_map)
    for edge in _unique(edges):
        if edge["from"] in known and edge["to"] in known:
            net.add_edge(edge["from"], edge["to"], title=edge["type"], arrows="")
    return Picture(net, aggregated=False, nodes_in_network=len(nodes), edges_in_network=len(edges))


def aggregate(graph: dict, link: Callable[[dict], str | None] = lambda node: None,
              limit: int = AGGREGATE_ABOVE) -> Picture:
    """The network without its ads: one node per phone, email, handle, image and face, sized by how
    many of the network's ads carry it, joined where they appear on the same ads (edge width: how
    many). Places are left out: they join everything and say nothing about who posts. When even
    this is bigger than `limit`, the identifiers on the fewest ads are left out (and counted)."""
    kinds = {node["id"]: node["kind"] for node in graph["nodes"]}
    carried = defaultdict(list)  # ad -> its identifiers
    ads_here = Counter()
    for edge in graph["edges"]:
        if kinds.get(edge["from"]) == "Ad" and kinds.get(edge["to"]) not in (None, "Location"):
            carried[edge["from"]].append(edge["to"])
            ads_here[edge["to"]] += 1
    together = Counter()
    for identifiers in carried.values():
        # A dozen identifiers per ad is plenty to show which belong together (phones first: a
        # gallery of images must not crowd them out); more only adds clutter.
        first = sorted(set(identifiers), key=lambda x: (KIND_ORDER.get(kinds[x], 9), -ads_here[x], x))[:12]
        for pair in itertools.combinations(sorted(first), 2):
            together[pair] += 1
    keep_kinds = {"Phone", "Email", "Handle", "Image", "Face"}
    candidates = [n for n in graph["nodes"] if n["kind"] in keep_kinds]
    candidates.sort(key=lambda n: (-ads_here[n["id"]], n["id"]))
    shown = candidates[:limit]
    net = _network()
    for node in shown:
        vis_node(net, node, link, ads_here=ads_here[node["id"]])
    known = set(net.node_map)
    for (a, b), count in sorted(together.items()):
        if a in known and b in known:
            net.add_edge(a, b, value=count, title=f"together on {count} ads", arrows="")
    for edge in _unique(graph["edges"]):  # faces on images, near-duplicate images, the same face
        if edge["from"] in known and edge["to"] in known:
            net.add_edge(edge["from"], edge["to"], title=edge["type"], arrows="")
    return Picture(net, aggregated=True, nodes_in_network=len(graph["nodes"]), edges_in_network=len(graph["edges"]),
                   dropped=len(candidates) - len(shown))


def _unique(edges: list[dict]) -> list[dict]:
    seen, out = set(), []
    for edge in edges:
        pair = (edge["from"], edge["to"]) if edge["from"] <= edge["to"] else (edge["to"], edge["from"])
        if pair not in seen:
            seen.add(pair)
            out.append(edge)
    return out


def expansion(found: dict, link: Callable[[dict], str | None] = lambda node: None) -> dict:
    """A node's neighbours (graph/explore.neighbours) as pyvis nodes and edges to add to a picture."""
    net = _network()
    vis_node(net, found["node"], link)
    for node in found["nodes"]:
        if node["id"] not in net.node_map:
            vis_node(net, node, link)
    for edge in _unique(found["edges"]):
        net.add_edge(edge["from"], edge["to"], title=edge["type"], arrows="")
    return {"node": found["node"]["id"], "total": found["total"], "nodes": net.nodes, "edges": net.edges}


def legend() -> list[dict]:
    return [{"kind": kind, "colour": colour, "shape": shape, "label": text} for kind, (colour, shape, text) in STYLES.items()]
