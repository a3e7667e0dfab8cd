"""Saved pattern queries in the app: the shipped library (graph/library/) and the queries users save
and share, run read-only from a page or the API, shown as a table and as a network. Every run and
every save is audit-logged; refused ones too.

  GET  /queries                  the list; a form to save a query of your own
  GET  /queries/<name>[?p=v…]    its description, parameters and Cypher; with ?run=1 its results
  POST /queries                  save a query (form): name, title, description, cypher, parameters (JSON), shared
  GET  /api/queries              JSON list
  GET  /api/queries/<name>?p=v…  run it: {query, params, columns, rows, truncated, elapsed_ms}
  POST /api/queries              save one (JSON: the same fields)"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from api.app import audit, db, driver, json_error
from api.explore import link
from graph import explore
from graph import stored_queries as sq
from viz import picture as viz

bp = Blueprint("queries", __name__)
STATUS = {sq.UnknownQuery: 404, sq.ParameterError: 400, sq.QueryDefinitionError: 400, sq.QueryRefused: 403,
          sq.QueryTimeout: 504, sq.QueryFailed: 400}


def visible() -> dict[str, sq.StoredQuery]:
    """The shipped queries, then the user's own and those shared with the team, by name."""
    queries = dict(sq.library())
    for name, author, shared, definition in db().execute(
            "SELECT name, author, shared, definition FROM saved_queries WHERE author = ? OR shared = 1 ORDER BY name",
            (current_user.name,)):
        queries[name] = sq.StoredQuery.from_dict(json.loads(definition), origin=f"saved query {name}")
    return queries


def visible_names() -> set[str]:
    """The names of the queries visible() gives, without reading their definitions."""
    return set(sq.library()) | {name for (name,) in db().execute(
        "SELECT name FROM saved_queries WHERE author = ? OR shared = 1", (current_user.name,))}


def authors() -> dict[str, tuple[str, bool]]:
    return {name: (author, bool(shared)) for name, author, shared in
            db().execute("SELECT name, author, shared FROM saved_queries")}


def run(name: str, values: dict) -> tuple[sq.StoredQuery, sq.Result]:
    """Run a visible query with these parameter values; audit-logged, refusals too."""
    params = {k: v for k, v in values.items() if k not in ("run", "view")}
    try:
        query = sq.get(name, visible())
        result = sq.run(driver(), query, params)
    except sq.StoredQueryError as exc:
        audit("query.run", {"name": name, "params": params, "refused": str(exc)}, 0)
        raise
    audit("query.run", {"name": name, "params": params}, len(result.rows))
    return query, result


def save(data: dict) -> sq.StoredQuery:
    """Check a user's query (its definition, that it only reads, that its name is free) and keep it."""
    shared = bool(data.get("shared"))
    definition = {k: data.get(k) for k in ("name", "title", "description", "cypher", "parameters") if data.get(k)}
    try:
        if isinstance(definition.get("parameters"), str):
            try:
                definition["parameters"] = json.loads(definition["parameters"])
            except ValueError as exc:
                raise sq.QueryDefinitionError(f"parameters: not JSON ({exc})") from None
        query = sq.StoredQuery.from_dict(definition, origin="your query")
        if query.name in sq.library() or query.name in authors():
            raise sq.QueryDefinitionError(f"name: {query.name!r} is taken; choose another")
        sq.check_read_only(driver(), query)
    except sq.StoredQueryError as exc:
        audit("query.save", {**definition, "shared": shared, "refused": str(exc)}, 0)
        raise
    db().execute("INSERT INTO saved_queries (name, author, shared, definition, created_at) VALUES (?, ?, ?, ?, ?)",
                 (query.name, current_user.name, int(shared), json.dumps(query.to_dict()),
                  datetime.now(timezone.utc).isoformat()))
    audit("query.save", {**query.to_dict(), "shared": shared}, 1)
    return query


def _error(exc: sq.StoredQueryError):
    errors = getattr(exc, "errors", [])
    return json_error(STATUS.get(type(exc), 400), str(exc), errors=list(errors))


@bp.route("/api/queries")
def api_list():
    owners = authors()
    return jsonify(queries=[{**q.to_dict(), "author": owners.get(n, ("adgraph", True))[0],
                             "shared": owners.get(n, ("adgraph", True))[1]} for n, q in visible().items()])


@bp.route("/api/queries/<name>")
def api_run(name: str):
    try:
        query, result = run(name, request.args.to_dict())
    except sq.StoredQueryError as exc:
        return _error(exc)
    return jsonify(query=query.name, params=request.args.to_dict(), **result.to_dict())


@bp.route("/api/queries", methods=["POST"])
def api_save():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return json_error(400, "send a JSON object: {name, title, description, cypher, parameters, shared}")
    try:
        query = save(body)
    except sq.StoredQueryError as exc:
        return _error(exc)
    return jsonify(saved=query.name, url=url_for("queries.page", name=query.name)), 201


@bp.route("/queries")
def index():
    return render_template("queries.html", queries=visible(), owners=authors(), form={}, error=None)


@bp.route("/queries", methods=["POST"])
def save_form():
    form = request.form.to_dict()
    try:
        query = save(form)
    except sq.StoredQueryError as exc:
        return render_template("queries.html", queries=visible(), owners=authors(), form=form, error=str(exc)), 400
    flash(f"Saved {query.name}.")
    return redirect(url_for("queries.page", name=query.name))


@bp.route("/queries/<name>")
def page(name: str):
    try:
        query = sq.get(name, visible())
    except sq.UnknownQuery as exc:
        return render_template("query.html", query=None, error=str(exc), result=None, values={}), 404
    values = {p: request.args.get(p, "") for p in query.parameters}
    if not request.args.get("run"):
        return render_template("query.html", query=query, error=None, result=None, values=values)
    try:
        _, result = run(name, request.args.to_dict())
    except sq.StoredQueryError as exc:
        errors = getattr(exc, "errors", None)
        return render_template("query.html", query=query, error=str(exc), errors=errors, result=None,
                               values=values), STATUS.get(type(exc), 400)
    graph = explore.result_graph(result.rows)
    picture = viz.picture(graph, link, aggregate_above=viz.DRAW_AT_MOST) if graph["nodes"] else None
    if picture:
        picture.net.heading = f"{query.title}: {len(graph['nodes'])} nodes"
    return render_template("query.html", query=query, error=None, result=result, values=values,
                           picture=picture, legend=viz.legend(), draw_at_most=viz.DRAW_AT_MOST)
