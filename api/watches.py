"""Watches and alerts in the app. Any saved query can be watched with its parameters; a phone or a
network is watched in one click from its page (the shipped queries phone_newest_ads and
network_newest_ads). After every crawl cycle each watch runs again (graph/watches.py); rows it had
not returned before become an alert: a badge in the header and the alerts page.

  POST /watches                   form: query, parameters as fields named param.<name>, label
  POST /watches/<id>/remove       stop watching
  GET  /alerts                    the alerts, newest first (seeing them clears the badge)
  GET  /api/watches, POST /api/watches {query, params, label}, GET /api/alerts
Adding and removing a watch is audit-logged."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from api.app import audit, driver, json_error, lazy
from api.queries import STATUS, visible, visible_names
from graph import stored_queries as sq
from graph import watches

bp = Blueprint("watches", __name__)


def wdb():
    """The watches' SQLite file, one connection per app."""
    return lazy("adgraph_watches", lambda settings: watches.connect(settings.data_dir))


def unread_alerts() -> int:
    """The badge: alerts of watches this user sees, newer than the last they looked at."""
    if not current_user.is_authenticated:
        return 0
    return watches.unread(wdb(), current_user.name, visible_watches())


def _add(name: str, params: dict, label: str | None) -> int:
    try:
        query = sq.get(name, visible())
        db, graph = wdb(), driver()
        with current_app.extensions["adgraph_watches_lock"]:
            watch_id = watches.add(db, graph, query, params, current_user.name, label)
    except sq.StoredQueryError as exc:
        audit("watch.add", {"query": name, "params": params, "refused": str(exc)}, 0)
        raise
    audit("watch.add", {"query": name, "params": params, "watch_id": watch_id}, 1)
    return watch_id


@bp.route("/watches", methods=["POST"])
def add_form():
    params = {key[6:]: value for key, value in request.form.items() if key.startswith("param.") and value != ""}
    name = request.form.get("query", "")
    try:
        _add(name, params, request.form.get("label") or None)
    except sq.StoredQueryError as exc:
        flash(f"Not watched: {exc}")
        return redirect(request.referrer or url_for("queries.index"))
    flash("Watched: new results will show under Alerts after each crawl.")
    return redirect(url_for("watches.alerts_page"))


def visible_watches() -> list[int]:
    """The watches a user sees (and their alerts): their own, and those on a query they may run."""
    names = visible_names()
    return [i for i, owner, name in watches.owners(wdb()) if owner == current_user.name or name in names]


def listed() -> list[watches.Watch]:
    ids = set(visible_watches())
    return [w for w in watches.all_watches(wdb()) if w.id in ids]


def seen_alerts() -> list[dict]:
    return watches.alerts(wdb(), watch_ids=visible_watches())


@bp.route("/watches/<int:watch_id>/remove", methods=["POST"])
def remove(watch_id: int):
    db = wdb()
    owned = [w for w in watches.all_watches(db) if w.id == watch_id and
             (w.owner == current_user.name or current_user.role == "admin")]
    with current_app.extensions["adgraph_watches_lock"]:
        gone = watches.remove(db, watch_id) if owned else False
    audit("watch.remove", {"watch_id": watch_id, **({} if owned else {"refused": "not yours"})}, int(gone))
    if not owned:
        flash("Only its owner (or an admin) may stop a watch.")
    return redirect(url_for("watches.alerts_page"))


@bp.route("/alerts")
def alerts_page():
    found = seen_alerts()
    audit("alerts.view", {}, len(found))
    page = render_template("alerts.html", alerts=found, watches=listed())
    with current_app.extensions["adgraph_watches_lock"]:
        watches.mark_read(wdb(), current_user.name)
    return page


@bp.route("/api/watches")
def api_watches():
    return jsonify(watches=[{"id": w.id, "label": w.label, "query": w.query.name, "params": w.params,
                             "owner": w.owner, "created_at": w.created_at, "last_run_at": w.last_run_at,
                             "last_error": w.last_error} for w in listed()])


@bp.route("/api/watches", methods=["POST"])
def api_add():
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return json_error(400, 'send a JSON object: {"query": NAME, "params": {...}, "label": "..."}')
    try:
        watch_id = _add(body["query"], body.get("params") or {}, body.get("label"))
    except sq.StoredQueryError as exc:
        return json_error(STATUS.get(type(exc), 400), str(exc), errors=list(getattr(exc, "errors", [])))
    return jsonify(watch_id=watch_id), 201


@bp.route("/api/alerts")
def api_alerts():
    found = seen_alerts()
    audit("alerts.view", {}, len(found))
    return jsonify(unread=unread_alerts(), alerts=found)
