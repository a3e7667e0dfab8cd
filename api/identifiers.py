"""Identifiers that are no evidence of a link: those judged common (a stock photo on many unrelated
networks, a site's own number, a booking line shared by unrelated posters; see graph/commonness.py)
and those an admin marked ignored, listed for every user with the figures that made them common;
and an admin's word on one, which only admins may give: ignored (never links) or confirmed
(always links, "this booking line is one operation").

  GET  /identifiers/hubs[?min_ads=N]      the page: identifiers judged common, ignored or confirmed,
                                          on at least N ads (default 1), most shared first
  GET  /api/identifiers/hubs[?min_ads=N]  its JSON twin
  POST /api/identifiers/<kind>/ignore     JSON {"key": ..., "ignored": true|false, "reason": "..."}
  POST /api/identifiers/<kind>/confirm    JSON {"key": ..., "confirmed": true|false, "reason": "..."}
  POST /identifiers/<kind>/ignore         the page's forms: key, ignored (1 or 0), reason, min_ads
  POST /identifiers/<kind>/confirm        key, confirmed (1 or 0), reason, min_ads
  POST /identifiers/mark                  any identifier: kind, key, action (ignore or confirm), reason

kind is phone, email, handle, image or face. The key (E.164, email address, platform:handle, image
SHA-256, face id) travels in the body, not the path: keys hold '+', '@', '/' and the like. The
POSTs need the CSRF token (the X-CSRFToken header for JSON) and an admin (403 for anyone else);
every attempt is audit-logged ("identifier.ignore", "identifier.confirm") with the number of ads
that changed network. The networks around the identifier are settled at once (graph.networks.mark):
networks it alone joined split, networks it joins again merge, both recorded as network events."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from api.app import audit, driver, json_error
from graph import networks
from graph.records import readable_phone

bp = Blueprint("identifiers", __name__)

MAX_REASON = 500
MAX_KEY = 1000


class MarkError(ValueError):
    """A request to mark an identifier that cannot be carried out; status is the HTTP status."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def readable(label: str, key: str) -> str:
    """How an investigator reads an identifier: a phone in its national format, a handle as @name."""
    if label == "Phone":
        return readable_phone(key)
    if label == "Handle":
        platform, _, handle = key.partition(":")
        return f"@{handle} on {platform}" if handle else key
    if label in ("Image", "Face"):
        return key[:12] + "…"
    return key


# action: (its word, what true does, what false does, what it marks an identifier as)
WORDS = {"ignore": ("ignored", "to ignore it for linking", "to count it as evidence again", "ignored for linking"),
         "confirm": ("confirmed", "to confirm it as evidence whatever its spread", "to let its spread decide again",
                     "confirmed as evidence")}


def _min_ads() -> int:
    value = request.args.get("min_ads", type=int)
    return 1 if value is None else max(value, 1)


def _hubs(min_ads: int) -> list[dict]:
    rows = networks.common_identifiers(driver(), min_ads)
    for row in rows:
        row["kind"] = row["label"].lower()
        row["value"] = readable(row["label"], row["key"])
    audit("identifier.hubs", {"min_ads": min_ads}, len(rows))
    return rows


@bp.route("/api/identifiers/hubs")
def api_hubs():
    min_ads = _min_ads()
    return jsonify(min_ads=min_ads, identifiers=_hubs(min_ads))


@bp.route("/identifiers/hubs")
def hubs_page():
    min_ads = _min_ads()
    return render_template("hubs.html", rows=_hubs(min_ads), min_ads=min_ads, admin=current_user.role == "admin")


def _mark(action: str, kind: str, key, value, reason) -> dict:
    """Check the request, mark the identifier, settle its networks, log it all. Raises MarkError."""
    word, yes, no, as_what = WORDS[action]
    params = {"kind": kind, "key": key, word: value, "reason": reason}
    event = f"identifier.{action}"

    def refuse(message: str, status: int = 400):
        audit(event, {**params, "refused": message}, 0)  # refused attempts are logged too
        raise MarkError(message, status)

    if current_user.role != "admin":
        refuse(f"only an admin may mark an identifier {as_what}", 403)
    if kind not in networks.KINDS:
        refuse(f"no kind of identifier {kind!r}: use one of {', '.join(networks.KINDS)}", 404)
    if not isinstance(key, str) or not key or len(key) > MAX_KEY:
        refuse("give the identifier as \"key\": its E.164 number, address, platform:handle, "
               "SHA-256 or face id, as the hubs list shows it")
    if not isinstance(value, bool):
        refuse(f"give \"{word}\": true {yes}, false {no}")
    if not isinstance(reason, str) or not reason.strip() or len(reason) > MAX_REASON:
        refuse(f"give a \"reason\" for the audit log (at most {MAX_REASON} characters), "
               "e.g. \"the site's own number, in every ad's footer\"")
    result = networks.mark(driver(), kind, key, word, value)
    if result is None:
        refuse(f"no {kind} {key!r} in the graph", 404)
    audit(event, params, result["moved"])
    return {"kind": kind, "key": key, "value": readable(result["label"], key), word: value,
            "ads": result["ads"], "moved": result["moved"], "networks_before": result["networks_before"],
            "networks_after": result["networks_after"]}


def _api_mark(action: str, kind: str):
    word = WORDS[action][0]
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return json_error(400, f'send a JSON object: {{"key": ..., "{word}": true|false, "reason": ...}}')
    try:
        return jsonify(_mark(action, kind, body.get("key"), body.get(word), body.get("reason")))
    except MarkError as exc:
        return json_error(exc.status, str(exc))


def _form_mark(action: str, kind: str):
    word = WORDS[action][0]
    value = {"1": True, "0": False}.get(request.form.get(word, "1"), request.form.get(word))
    try:
        done = _mark(action, kind, request.form.get("key"), value, request.form.get("reason"))
    except MarkError as exc:
        if exc.status == 403:
            abort(403)
        flash(str(exc), "error")
    else:
        said = {("ignored", True): "is ignored for linking", ("ignored", False): "counts as evidence again",
                ("confirmed", True): "is confirmed as evidence", ("confirmed", False): "is judged by its spread again"}
        flash(f"{done['value']} {said[(word, done[word])]}: {done['moved']} of {done['ads']} ads changed network "
              f"({done['networks_before']} networks before, {done['networks_after']} after).", "done")
    min_ads = request.form.get("min_ads", 1, type=int) or 1
    return redirect(url_for("identifiers.hubs_page", min_ads=max(min_ads, 1)))


@bp.route("/api/identifiers/<kind>/ignore", methods=["POST"])
def api_ignore(kind: str):
    return _api_mark("ignore", kind)


@bp.route("/api/identifiers/<kind>/confirm", methods=["POST"])
def api_confirm(kind: str):
    return _api_mark("confirm", kind)


@bp.route("/identifiers/mark", methods=["POST"])
def mark_form():
    """The page's form for any identifier, listed or not: kind, key, action (ignore or confirm), reason."""
    action = request.form.get("action", "")
    if action not in WORDS:
        flash("choose to ignore the identifier or to confirm it", "error")
        return redirect(url_for("identifiers.hubs_page"))
    return _form_mark(action, request.form.get("kind", ""))


@bp.route("/identifiers/<kind>/ignore", methods=["POST"])
def ignore_form(kind: str):
    return _form_mark("ignore", kind)


@bp.route("/identifiers/<kind>/confirm", methods=["POST"])
def confirm_form(kind: str):
    return _form_mark("confirm", kind)
