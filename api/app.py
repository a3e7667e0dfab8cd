"""The investigator web app: an application factory and its blueprints (api/auth.py, api/faces.py,
api/pages.py). Login is required for everything but the login page."""

from __future__ import annotations

import os
import secrets
import threading
from pathlib import Path

from flask import Flask, jsonify, redirect, request, url_for
from flask_login import LoginManager
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from api import accounts, store
from graph.config import Settings, load_settings

csrf = CSRFProtect()
PUBLIC_ENDPOINTS = {"auth.login", "static"}  # everything else needs a logged-in user
login_manager = LoginManager()


def _secret_key(data_dir: Path) -> str:
    """The installation's session key, made on first use and kept outside the repo (0600)."""
    path = data_dir / "app" / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_hex(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(key)
        return key


def create_app(settings: Settings | None = None, **config) -> Flask:
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=_secret_key(settings.data_dir),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        # Secure cookies need https; behind a TLS proxy set ADGRAPH_SECURE_COOKIES=1.
        SESSION_COOKIE_SECURE=os.environ.get("ADGRAPH_SECURE_COOKIES") == "1",
        REMEMBER_COOKIE_HTTPONLY=True,
        MAX_CONTENT_LENGTH=30 * 1024 * 1024,  # an uploaded photo
        WTF_CSRF_TIME_LIMIT=None,  # valid for the session
        ADGRAPH_SETTINGS=settings,
    )
    app.config.update(config)
    app.extensions["adgraph_db"] = store.connect(settings.data_dir)
    app.extensions["adgraph_lock"] = threading.Lock()
    app.extensions["adgraph_audit_lock"] = threading.Lock()
    app.extensions["adgraph_watches_lock"] = threading.Lock()
    login_manager.init_app(app)

    @app.before_request
    def require_login():
        # Before the CSRF check (registered after this): a stranger gets "log in", not a form error.
        from flask_login import current_user

        if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
            return login_manager.unauthorized()

    csrf.init_app(app)
    login_manager.login_view = "auth.login"

    from api.auth import bp as auth_bp
    from api.explore import bp as explore_bp
    from api.exports import bp as exports_bp
    from api.faces import bp as faces_bp
    from api.pages import bp as pages_bp
    from api.networks import bp as networks_bp
    from api.queries import bp as queries_bp
    from api.watches import bp as watches_bp
    from api.search import bp as search_bp
    from api.identifiers import bp as identifiers_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(identifiers_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(networks_bp)
    app.register_blueprint(explore_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(queries_bp)
    app.register_blueprint(watches_bp)
    app.register_blueprint(faces_bp)

    @app.context_processor
    def alerts_badge():
        from api.watches import unread_alerts

        return {"unread_alerts": unread_alerts}

    @app.errorhandler(CSRFError)
    def csrf_refused(error):
        return _error(400, f"refused: {error.description} (reload the page and try again)")

    @app.errorhandler(413)
    def too_large(error):
        return _error(413, "the upload is too large (at most 30 MB)")

    @app.errorhandler(HTTPException)
    def http_error(error):
        # Pages keep Flask's error pages; the API answers every error in the one JSON shape.
        return json_error(error.code, error.description) if request.path.startswith("/api/") else error

    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; "
                                    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    return app


@login_manager.user_loader
def _load_user(name: str):
    return accounts.get_user(db(), name)


@login_manager.unauthorized_handler
def _unauthorized():
    if request.path.startswith("/api/"):
        return _error(401, "log in first")
    return redirect(url_for("auth.login", next=request.full_path))


def json_error(status: int, message: str, **details):
    """Every JSON error has this shape: {"ok": false, "status", "error": what was wrong and what to
    do, "errors": [more, if any]} plus any details (api/openapi.yaml, schema Error)."""
    return jsonify(ok=False, status=status, error=message, errors=details.pop("errors", []), **details), status


def _error(status: int, message: str):
    if request.path.startswith("/api/"):
        return json_error(status, message)
    return message, status


def db():
    from flask import current_app

    return current_app.extensions["adgraph_db"]


def lazy(key: str, make):
    """One of something per app (a driver, a database file, a face engine), made on first use by
    make(settings), once even when threads ask at the same moment."""
    from flask import current_app

    ext = current_app.extensions
    with ext["adgraph_lock"]:
        if key not in ext:
            ext[key] = make(current_app.config["ADGRAPH_SETTINGS"])
    return ext[key]


def driver():
    """One Neo4j driver per app, opened on first use."""
    from graph.driver import open_driver

    return lazy("adgraph_driver", open_driver)


def audit(action: str, params: dict, result_size: int | None = None) -> int:
    from flask_login import current_user

    from flask import current_app

    from api import audit as audit_log

    # The app shares one SQLite connection between its threads: one entry is chained at a time.
    with current_app.extensions["adgraph_audit_lock"]:
        return audit_log.record(db(), current_user.name, action, params, result_size)


__all__ = ["create_app", "db", "driver", "lazy", "audit", "json_error"]
