"""Server-rendered pages (thin: the JSON API and the api modules do the work)."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, render_template, request
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


@bp.route("/audit")
@roles("auditor", "admin")
def audit():
    page = max(request.args.get("page", 1, type=int), 1)
    checked, broken, why = audit_log.verify(db())
    entries = audit_log.entries(db(), limit=100, offset=(page - 1) * 100)
    return render_template("audit.html", entries=entries, page=page, checked=checked, broken=broken, why=why)
