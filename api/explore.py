"""Exploring a network in the browser: its pyvis picture (on the network page, and as JSON), node
expansion, and the JavaScript and CSS that draw it, all served by the app (no CDN: investigators
often work on closed networks). Every expansion is audit-logged."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request, send_from_directory, url_for

from api.app import audit, driver, json_error
from graph import explore
from viz import picture as viz

bp = Blueprint("explore", __name__, static_folder=str(viz.STATIC), static_url_path="/assets/viz")


def link(node: dict) -> str | None:
    """The page a node opens on double-click."""
    kind, key = node["kind"], node["key"]
    if kind == "Ad":
        site, site_ad_id = explore.ad_key(key)
        return url_for("networks.ad_page", site=site, site_ad_id=site_ad_id)
    if kind in ("Phone", "Email"):
        return url_for("search.page", q=key)
    if kind == "Location" and node.get("name"):
        return url_for("search.page", q=f"near {node['name']}, {node.get('region') or ''}".rstrip(", "))
    return None


def network_picture(network_id: str) -> viz.Picture:
    """The network's picture: aggregated above the configured size unless ?view=full (or ?view=aggregated)."""
    graph = explore.network_graph(driver(), network_id)
    above = current_app.config["ADGRAPH_SETTINGS"].viz_aggregate_above
    view = request.args.get("view")
    if view == "aggregated":
        result = viz.aggregate(graph, link, limit=above)
    else:
        full = view == "full" and len(graph["nodes"]) <= viz.DRAW_AT_MOST
        result = viz.picture(graph, link, aggregate_above=len(graph["nodes"]) if full else above)
    result.net.heading = f"Network {network_id}: {result.nodes_in_network} nodes"
    return result


@bp.route("/api/networks/<network_id>/picture")
def api_picture(network_id: str):
    result = network_picture(network_id)
    audit("network.picture", {"network_id": network_id, "view": request.args.get("view")}, result.nodes_in_network)
    if not result.nodes_in_network:
        return json_error(404, f"no network {network_id!r}")
    return jsonify(network_id=network_id, aggregated=result.aggregated, dropped=result.dropped,
                   nodes_in_network=result.nodes_in_network, edges_in_network=result.edges_in_network,
                   nodes=result.net.nodes, edges=result.net.edges, legend=viz.legend())


@bp.route("/api/nodes/expand")
def api_expand():
    """A node's neighbours (at most graph/explore.EXPAND_LIMIT, most recently seen first). ?node=KIND:KEY,
    e.g. Phone:+12025550101 or Ad:demo/1042."""
    ref = request.args.get("node", "")
    try:
        found = explore.neighbours(driver(), ref)
    except explore.UnknownNode as exc:
        audit("node.expand", {"node": ref, "refused": str(exc)}, 0)
        return json_error(400, str(exc))
    audit("node.expand", {"node": ref}, found["total"] if found else 0)
    if found is None:
        return json_error(404, f"no node {ref!r}")
    return jsonify(viz.expansion(found, link))


@bp.route("/assets/vis/<path:name>")
def vis_asset(name: str):
    return send_from_directory(viz.VIS_NETWORK, name, max_age=86400)
