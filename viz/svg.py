"""A network as a still SVG picture, for the evidence package's report.html: it runs no script and
fetches nothing, so it reads the same offline years later. Laid out with networkx (seeded, so the
same subgraph draws the same); colours and shapes as in the browser (picture.STYLES); every label
and tooltip is XML-escaped text. A network above `limit` nodes is drawn as its aggregated picture."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

import networkx as nx

from viz.picture import AGGREGATE_ABOVE, STYLES, aggregate, label

SIZE = 900  # px, square
LIMIT = 400  # nodes drawn one by one; a spring layout of more is slow and unreadable on paper


def svg(graph: dict, limit: int = LIMIT) -> str:
    """The SVG markup of a network given as {"nodes", "edges"} (graph/explore.py's shape)."""
    nodes, edges = graph["nodes"], graph["edges"]
    note = ""
    if len(nodes) > limit:
        picture = aggregate(graph, limit=min(limit, AGGREGATE_ABOVE))
        nodes = [{"id": n["id"], "kind": n["kind"], "key": n["id"].split(":", 1)[1], "text": n["label"]}
                 for n in picture.net.nodes]
        edges = [{"from": e["from"], "to": e["to"]} for e in picture.net.edges]
        note = (f"{len(graph['nodes'])} nodes: drawn as its phones, emails, handles, images and faces, "
                f"joined where they share ads" + (f" ({picture.dropped} on the fewest ads left out)" if picture.dropped else ""))
    g = nx.Graph()
    g.add_nodes_from(n["id"] for n in nodes)
    g.add_edges_from((e["from"], e["to"]) for e in edges if e["from"] in g and e["to"] in g)
    positions = nx.spring_layout(g, seed=7, iterations=60) if len(g) > 1 else {n: (0.0, 0.0) for n in g}
    xs = [p[0] for p in positions.values()] or [0.0]
    ys = [p[1] for p in positions.values()] or [0.0]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0

    def at(node_id: str) -> tuple[float, float]:
        x, y = positions[node_id]
        return 40 + (x - min(xs)) / span * (SIZE - 80), 40 + (y - min(ys)) / span * (SIZE - 80)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE + 60}" width="{SIZE}" '
           f'height="{SIZE + 60}" role="img" aria-label="network picture">']
    out.append('<g stroke="#9aa3ad" stroke-width="1">')
    for a, b in sorted(g.edges()):
        (x1, y1), (x2, y2) = at(a), at(b)
        out.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"/>')
    out.append("</g>")
    for node in sorted(nodes, key=lambda n: n["id"]):
        x, y = at(node["id"])
        colour, shape, _ = STYLES[node["kind"]]
        text = node.get("text") or label(node)
        out.append(f"<g><title>{escape(node['kind'] + ': ' + node['key'])}</title>{_shape(shape, x, y, colour)}"
                   f'<text x="{x:.1f}" y="{y + 18:.1f}" font-size="9" text-anchor="middle" '
                   f'font-family="sans-serif">{escape(text.splitlines()[0][:40])}</text></g>')
    legend_x = 10
    for kind, (colour, shape, name) in STYLES.items():
        out.append(f"{_shape(shape, legend_x + 6, SIZE + 20, colour)}"
                   f'<text x="{legend_x + 16}" y="{SIZE + 24}" font-size="11" font-family="sans-serif">{escape(name)}</text>')
        legend_x += 110
    if note:
        out.append(f'<text x="10" y="{SIZE + 50}" font-size="11" font-family="sans-serif">{escape(note)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _shape(shape: str, x: float, y: float, colour: str) -> str:
    fill = f"fill={quoteattr(colour)}"
    if shape == "box":
        return f'<rect x="{x - 9:.1f}" y="{y - 6:.1f}" width="18" height="12" {fill}/>'
    if shape == "square":
        return f'<rect x="{x - 6:.1f}" y="{y - 6:.1f}" width="12" height="12" {fill}/>'
    if shape == "diamond":
        return f'<polygon points="{x:.1f},{y - 7:.1f} {x + 7:.1f},{y:.1f} {x:.1f},{y + 7:.1f} {x - 7:.1f},{y:.1f}" {fill}/>'
    if shape == "triangle":
        return f'<polygon points="{x:.1f},{y - 7:.1f} {x + 7:.1f},{y + 6:.1f} {x - 7:.1f},{y + 6:.1f}" {fill}/>'
    if shape in ("star", "hexagon"):
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" {fill} stroke="#333" stroke-width="{2 if shape == "star" else 0.5}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" {fill}/>'
