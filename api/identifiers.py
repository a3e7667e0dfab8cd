"""Identifiers too common to be evidence (a stock photo on hundreds of ads, a site's own phone
number, a footer email): the hubs page for every user, and marking one ignored for linking, which
only admins may do.

  GET  /identifiers/hubs[?min_ads=N]      the page: identifiers on more than N ads (default
                                          HUB_ADS, as `adgraph networks hubs`) and every ignored one
  GET  /api/identifiers/hubs[?min_ads=N]  its JSON twin
  POST /api/identifiers/<kind>/ignore     JSON {"key": ..., "ignored": true|false, "reason": "..."}
  POST /identifiers/<kind>/ignore         the page's form: key, ignored (1 or 0), reason, min_ads

kind is phone, email, handle, image or face. The key (E.164, email address, platform:handle, image
SHA-256, face id) travels in the body, not the path: keys hold '+', '@', '/' and the like. Both
POSTs need the CSRF token (the X-CSRFToken header for JSON) and an admin (403 for anyone else);
every attempt is audit-logged as "identifier.ignore" with the number of ads that changed network.
The networks around the identifier are recomputed at once (graph.networks.ignore): ignoring it
splits networks it alone joined, counting it again joins them back."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from api.app import audit, driver, json_error
from graph import networks
from graph.records import readable_phone

bp = Blueprint("identifiers", __name__)

MAX_REASON = 500
MAX_KEY = 1000


class IgnoreError(ValueError):
    """A request to (un)ignore an identifier that cannot be carried out; status is the HTTP status."""

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


def _min_ads() -> int:
    value = request.args.get("min_ads", type=int)
    return networks.HUB_ADS if value is None else max(value, 1)


def _hubs(min_ads: int) -> list[dict]:
    rows = networks.hub_spread(driver(), min_ads)
    for row in rows:
        row["kind"] = row["label"].lower()
        row["value"] = readable(row["label"], row["key"])
        row["hub"] = row["ads"] > networks.HUB_ADS  # joins no ad that arrives now, ignored or not
    audit("identifier.hubs", {"min_ads": min_ads}, len(rows))
    return rows


@bp.route("/api/identifiers/hubs")
def api_hubs():
    min_ads = _min_ads()
    return jsonify(min_ads=min_ads, hub_ads=networks.HUB_ADS, identifiers=_hubs(min_ads))


@bp.route("/identifiers/hubs")
def hubs_page():
    min_ads = _min_ads()
    return render_template("hubs.html", rows=_hubs(min_ads), min_ads=min_ads, hub_ads=networks.HUB_ADS,
                           admin=current_user.role == "admin")


def _ignore(kind: str, key, ignored, reason) -> dict:
    """Check the request, mark the identifier, recompute its networks, log it all. Raises IgnoreError."""
    params = {"kind": kind, "key": key, "ignored": ignored, "reason": reason}
    def refuse(message: str, status: int = 400):
        audit("identifier.ignore", {**params, "refused": message}, 0)  # refused attempts are logged too
        raise IgnoreError(message, status)

    if current_user.role != "admin":
        refuse("only an admin may mark an identifier ignored for linking", 403)
    if kind not in networks.KINDS:
        refuse(f"no kind of identifier {kind!r}: use one of {', '.join(networks.KINDS)}", 404)
    if not isinstance(key, str) or not key or len(key) > MAX_KEY:
        refuse("give the identifier as \"key\": its E.164 number, address, platform:handle, "
                          "SHA-256 or face id, as the hubs list shows it")
    if not isinstance(ignored, bool):
        refuse("give \"ignored\": true to ignore it for linking, false to count it as evidence again")
    if not isinstance(reason, str) or not reason.strip() or len(reason) > MAX_REASON:
        refuse(f"give a \"reason\" for the audit log (at most {MAX_REASON} characters), "
                          "e.g. \"the site's own number, in every ad's footer\"")
    result = networks.ignore(driver(), kind, key, ignored)
    if result is None:
        refuse(f"no {kind} {key!r} in the graph", 404)
    audit("identifier.ignore", params, result["moved"])
    return {"kind": kind, "key": key, "value": readable(result["label"], key), "ignored": ignored,
            "ads": result["ads"], "moved": result["moved"], "networks_before": result["networks_before"],
            "networks_after": result["networks_after"]}


@bp.route("/api/identifiers/<kind>/ignore", methods=["POST"])
def api_ignore(kind: str):
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return json_error(400, 'send a JSON object: {"key": ..., "ignored": true|false, "reason": ...}')
    try:
        return jsonify(_ignore(kind, body.get("key"), body.get("ignored"), body.get("reason")))
    except IgnoreError as exc:
        return json_error(exc.status, str(exc))


@bp.route("/identifiers/<kind>/ignore", methods=["POST"])
def ignore_form(kind: str):
    ignored = {"1": True, "0": False}.get(request.form.get("ignored", ""), request.form.get("ignored"))
    try:
        done = _ignore(kind, request.form.get("key"), ignored, request.form.get("reason"))
    except IgnoreError as exc:
        if exc.status == 403:
            abort(403)
        flash(str(exc), "error")
    else:
        flash(f"{done['value']} {'is ignored for linking' if done['ignored'] else 'counts as evidence again'}: "
              f"{done['moved']} of {done['ads']} ads changed network "
              f"({done['networks_before']} networks before, {done['networks_after']} after).", "done")
    min_ads = request.form.get("min_ads", networks.HUB_ADS, type=int) or networks.HUB_ADS
    return redirect(url_for("identifiers.hubs_page", min_ads=max(min_ads, 1)))
