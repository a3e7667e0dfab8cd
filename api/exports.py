"""Evidence export from the app: a network, as one signed ZIP package (graph/export/), downloaded
from its page. The export is audit-logged before it is written (the package carries the entry's
id), kept under <data>/exports/ (never overwritten), and its report carries a still picture of the
network (viz/svg.py). `adgraph verify PACKAGE.zip` checks it."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

from flask import Blueprint, current_app, render_template, request, send_file
from flask_login import current_user

from api.app import audit, driver
from api.evidence import evidence_files
from graph import explore
from graph.export import package, report, signing
from graph.export import subgraph as selection
from viz.svg import svg

bp = Blueprint("exports", __name__)


@bp.route("/networks/<network_id>/export", methods=["POST"])
def export_network(network_id: str):
    case = (request.form.get("case") or "").strip()
    settings = current_app.config["ADGRAPH_SETTINGS"]
    if not case:
        return render_template("export_refused.html", network_id=network_id,
                               error="name the case the export is for"), 400
    try:
        chosen = selection.network(driver(), network_id)
    except selection.SelectionError as exc:
        audit("export", {"network_id": network_id, "case": case, "refused": str(exc)}, 0)
        return render_template("export_refused.html", network_id=network_id, error=str(exc)), 404
    folder = Path(settings.data_dir) / "exports"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", case)[:40].strip("-") or "case"
    entry = audit("export", {"case": case, "interface": "web", **chosen.description})
    out = folder / f"{stamp}-{network_id}-{slug}-{entry}.zip"
    picture = svg(explore.network_graph(driver(), network_id))
    result = package.build(chosen, out, case=case, user=current_user.name, key=signing.load_or_create_key(settings.data_dir),
                           audit_entry=entry, files=evidence_files(settings.data_dir),
                           report=lambda info: report.render(info, picture_html=picture))
    response = send_file(out, mimetype="application/zip", as_attachment=True, download_name=out.name)
    response.headers["X-Adgraph-Key-Fingerprint"] = result.fingerprint
    return response
