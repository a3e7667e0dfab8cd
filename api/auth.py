"""Logging in and out; failed logins are rate-limited per address."""

from __future__ import annotations

import threading
from urllib.parse import urlsplit
import time
from collections import defaultdict, deque

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from api import accounts
from api.app import db

bp = Blueprint("auth", __name__)

MAX_FAILURES = 5
WINDOW_SECONDS = 300
_lock = threading.Lock()


def _failures() -> dict[str, deque]:
    """Failed logins per address, for this app (kept in memory: a restart forgets them)."""
    return current_app.extensions.setdefault("adgraph_login_failures", defaultdict(deque))


class LoginForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])


def _too_many(address: str) -> bool:
    now = time.monotonic()
    with _lock:
        recent = _failures()[address]
        while recent and now - recent[0] > WINDOW_SECONDS:
            recent.popleft()
        return len(recent) >= MAX_FAILURES


def _failed(address: str) -> None:
    with _lock:
        _failures()[address].append(time.monotonic())


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    address = request.remote_addr or "?"
    if request.method == "POST" and _too_many(address):
        return render_template("login.html", form=form, error="Too many failed logins: wait a few minutes."), 429
    error = None
    if form.validate_on_submit():
        user = accounts.authenticate(db(), form.name.data, form.password.data)
        if user:
            login_user(user)
            return redirect(_local(request.args.get("next") or "") or url_for("pages.home"))
        _failed(address)
        error = "Wrong name or password."
    return render_template("login.html", form=form, error=error), (401 if error else 200)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    return redirect(url_for("auth.login"))


def _local(target: str) -> str | None:
    """target if it is a path on this site, else None: never an open redirect. Browsers drop tabs
    and newlines and read backslashes as slashes, so "/\t/evil.example" is "//evil.example"."""
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
