"""Evidence export from the app: a network, as one signed ZIP package (graph/export/), downloaded
from its page. The export is audit-logged before it is written (the package carries the entry's
id), kept under <data>/exports/ (never overwritten), and its report carries a still picture of the
network (viz/svg.py). `adgraph verify PACKAGE.zip` checks it."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

from flask import Blueprint, current_app, render_template, request, send_file, url_for
from flask_login import current_user

from api.app import audit, driver
from api.evidence import evidence_files
from graph import explore
from graph import stored_queries as sq
from graph.export import package, report, signing
from graph.export.spool import ChangedDuringExport
from graph.export import subgraph as selection
from viz.svg import svg

bp = Blueprint("exports", __name__)


@bp.route("/networks/<network_id>/export", methods=["POST"])
def export_network(network_id: str):
    back = url_for("networks.network_page", network_id=network_id)
    try:
        chosen = selection.network(driver(), network_id)
    except selection.SelectionError as exc:
        return _refused(str(exc), back, {"network_id": network_id}, 404)
    return _export(chosen, network_id, lambda: explore.network_graph(driver(), network_id), back)


@bp.route("/queries/<name>/export", methods=["POST"])
def export_query(name: str):
    """The nodes a saved query's result names (run again, read-only, with the parameters given)."""
    from api.queries import run

    back = url_for("queries.page", name=name)
    params = {k[6:]: v for k, v in request.form.items() if k.startswith("param.")}
    try:
        query, result = run(name, params)
        chosen = selection.saved_query_result(driver(), query, result.rows, params)
    except (sq.StoredQueryError, selection.SelectionError) as exc:
        return _refused(str(exc), back, {"query": name, "params": params}, 400)
    return _export(chosen, name, lambda: explore.result_graph(result.rows), back)


@bp.route("/exports/nodes", methods=["POST"])
def export_nodes():
    """Hand-picked nodes (refs as KIND:KEY, picked in a network picture) and the chains of evidence
    between them."""
    refs = request.form.getlist("ref")
    back = request.referrer or url_for("pages.home")
    try:
        chosen = selection.nodes(driver(), refs)
    except selection.SelectionError as exc:
        return _refused(str(exc), back, {"refs": refs}, 400)
    members = [{"id": explore.ref(kind, key), "kind": kind, "key": key}
               for kind, keys in sorted(chosen.members.items()) if kind in explore.KINDS for key in sorted(keys)]
    return _export(chosen, "nodes", lambda: {"nodes": members, "edges": []}, back)


def _refused(error: str, back: str, params: dict, status: int):
    audit("export", {**params, "case": request.form.get("case"), "refused": error}, 0)
    return render_template("export_refused.html", error=error, back=back), status


def _export(chosen, name: str, picture_graph, back: str):
    """Build the package (audit entry first: the manifest carries its id) and send it."""
    case = (request.form.get("case") or "").strip()
    if not case:
        return _refused("name the case the export is for", back, chosen.description, 400)
    settings = current_app.config["ADGRAPH_SETTINGS"]
    folder = Path(settings.data_dir) / "exports"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", case)[:40].strip("-") or "case"
    entry = audit("export", {"case": case, "interface": "web", **chosen.description})
    out = folder / f"{stamp}-{name}-{slug}-{entry}.zip"
    picture = svg(picture_graph())
    try:
        result = package.build(chosen, out, case=case, user=current_user.name,
                               key=signing.load_or_create_key(settings.data_dir), audit_entry=entry,
                               files=evidence_files(settings.data_dir),
                               report=lambda info: report.render(info, picture_html=picture))
    except ChangedDuringExport as exc:
        audit("export.written", {"export_entry": entry, "refused": str(exc)}, 0)
        return render_template("export_refused.html", error=str(exc), back=back), 409
    # What went in, in the log beside the export itself; evidence that could not is listed in the package too.
    audit("export.written", {"export_entry": entry, "package": out.name, "files": len(result.manifest["files"]),
                              "missing": [m["name"] for m in result.missing]}, len(result.manifest["files"]))
    response = send_file(out, mimetype="application/zip", as_attachment=True, download_name=out.name)
    response.headers["X-Adgraph-Key-Fingerprint"] = result.fingerprint
    response.headers["X-Adgraph-Missing-Evidence"] = str(len(result.missing))
    return response
