"""Server-rendered pages (thin: the JSON API and the api modules do the work)."""

from __future__ import annotations

import dataclasses
from functools import wraps

from pathlib import Path

from flask import Blueprint, abort, jsonify, render_template, request, send_file
from flask_login import current_user

from api import audit as audit_log
from api.app import db

bp = Blueprint("pages", __name__)


def roles(*allowed: str):
    """Only users with one of these roles (login itself is required everywhere: api/app.py)."""
    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)
        return guarded
    return decorate


@bp.route("/")
def home():
    return render_template("home.html")


def _audit() -> dict:
    page = max(request.args.get("page", 1, type=int), 1)
    checked, broken, why = audit_log.verify(db())
    entries = audit_log.entries(db(), limit=100, offset=(page - 1) * 100)
    return {"entries": entries, "page": page, "checked": checked, "broken": broken, "why": why}


@bp.route("/audit")
@roles("auditor", "admin")
def audit():
    return render_template("audit.html", **_audit())


@bp.route("/api/audit")
@roles("auditor", "admin")
def api_audit():
    """The audit log, newest first, 100 a page, and whether its hash chain verifies."""
    log = _audit()
    return jsonify(verified=log["broken"] is None, checked=log["checked"], broken_at=log["broken"], why=log["why"],
                   page=log["page"], entries=[dataclasses.asdict(e) for e in log["entries"]])


@bp.route("/api/openapi.yaml")
def openapi():
    """The API's description (tests/test_api_openapi.py holds it to the real routes)."""
    return send_file(Path(__file__).parent / "openapi.yaml", mimetype="application/yaml")
