"""Ads and networks: pages and JSON API. Opening one is audit-logged (an expansion of the graph)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for

from api.app import audit, driver, json_error
from api.explore import network_picture
from graph import analysis
from graph.ads import ad_detail, network_detail, network_edges
from graph.explore import ad_key
from graph.networks import network_events, successor, why_linked
from viz import picture as viz

bp = Blueprint("networks", __name__)


def _ad(site: str, site_ad_id: str) -> dict:
    ad = ad_detail(driver(), site, site_ad_id)
    audit("ad.open", {"site": site, "site_ad_id": site_ad_id}, 1 if ad else 0)
    if ad is None:
        abort(404)
    return ad


class MergedAway(Exception):
    """A network with no ads left because it was merged into another (successor)."""

    def __init__(self, network_id: str, successor_id: str):
        super().__init__(f"network {network_id} was merged into network {successor_id}")
        self.successor = successor_id


def _network(network_id: str) -> dict:
    network = network_detail(driver(), network_id)
    audit("network.open", {"network_id": network_id}, len(network["ads"]) if network else 0)
    if network is None:
        after = successor(driver(), network_id)
        if after != network_id:
            raise MergedAway(network_id, after)
        abort(404)
    network["events"] = network_events(driver(), network_id)
    return network


@bp.route("/api/ads/<site>/<site_ad_id>")
def api_ad(site: str, site_ad_id: str):
    return jsonify(_ad(site, site_ad_id))


@bp.route("/ads/<site>/<site_ad_id>")
def ad_page(site: str, site_ad_id: str):
    return render_template("ad.html", ad=_ad(site, site_ad_id))


@bp.route("/api/networks/<network_id>")
def api_network(network_id: str):
    try:
        return jsonify(_network(network_id))
    except MergedAway as exc:  # its ads are in the successor: say where
        return json_error(404, f"{exc}; its ads are there", merged_into=exc.successor)


@bp.route("/networks/<network_id>")
def network_page(network_id: str):
    try:
        network = _network(network_id)
    except MergedAway as exc:
        flash(f"{exc}: showing that one.", "done")
        return redirect(url_for("networks.network_page", network_id=exc.successor))
    return render_template("network.html", network=network, picture=network_picture(network_id), legend=viz.legend(),
                           draw_at_most=viz.DRAW_AT_MOST)


@bp.route("/api/networks/<network_id>/analysis")
def api_analysis(network_id: str):
    """Bridges (betweenness), communities (Louvain) and, given ?from=SITE/ID&to=SITE/ID, the
    shortest chain of evidence between two of its ads."""
    graph = analysis.build(network_edges(driver(), network_id))
    first, second = request.args.get("from"), request.args.get("to")
    result = {"network_id": network_id, "nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(),
              "bridges": analysis.bridges(graph), "communities": analysis.communities(graph)}
    if first and second:
        # The same chain `adgraph networks why` gives: one definition of what joins ads.
        result["chain"] = why_linked(driver(), ad_key(first), ad_key(second))
    audit("network.analysis", {"network_id": network_id, "from": first, "to": second}, result["nodes"])
    if not result["nodes"]:
        return json_error(404, f"no network {network_id!r}")
    return jsonify(result)

