"""FaceSearch: the ads whose pictures show the face in an uploaded photo. A page (/faces) and its
JSON twin (POST /api/faces/search), and the face crops kept at crawl time (/faces/<id>.jpg).
Every search is audit-logged, refused ones too. A candidate is a lead, not an identification."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, render_template, request, send_from_directory

from api.app import audit, driver, json_error, lazy

bp = Blueprint("faces", __name__)
NOTE = "A candidate is a lead, not an identification."
FACE_ID = re.compile(r"[0-9a-f]{16,64}")


class FaceSearchError(ValueError):
    def __init__(self, message: str, faces: list[dict] | None = None):
        super().__init__(message)
        self.faces = faces or []


def face_search() -> dict:
    """Run the search the request asks for (multipart: photo, optional face and top); raises
    FaceSearchError with what was wrong, after logging the refusal."""
    from graph.faces import SAME_FACE_THRESHOLD
    from crawler.faces.engine import FaceInputError, choose_face
    from graph.faces import search_faces

    upload = request.files.get("photo")
    if upload is None or not upload.filename:
        raise FaceSearchError("send the photo as the multipart field 'photo'")
    try:
        number = int(request.form["face"]) if request.form.get("face") else None
        top_k = min(max(int(request.form.get("top") or 20), 1), 200)
    except ValueError:
        raise FaceSearchError("face and top must be whole numbers") from None
    settings = current_app.config["ADGRAPH_SETTINGS"]
    if settings.face_engine != "dlib":
        raise FaceSearchError(f"face search here needs the dlib engine (the engine is {settings.face_engine!r})")
    engine = _engine()
    params = {"photo": upload.filename or "", "face": number, "top": top_k}
    def refuse(exc: Exception, faces=()) -> FaceSearchError:
        audit("faces.search", {**params, "refused": str(exc)}, 0)
        return FaceSearchError(str(exc), [{"number": n, "box": list(f.box)} for n, f in enumerate(faces, start=1)])

    try:
        faces = engine.detect(upload.read())
    except FaceInputError as exc:  # not an image, or one it cannot read
        raise refuse(exc) from None
    try:
        face = choose_face(faces, number)
    except FaceInputError as exc:  # no face, or several and none chosen: say which there are
        raise refuse(exc, faces) from None
    results = search_faces(driver(), face.embedding, engine.name, engine.model, top_k, SAME_FACE_THRESHOLD)
    entry = audit("faces.search", params, len(results))
    return {"face": {"number": number or 1, "box": list(face.box)}, "faces_in_photo": len(faces),
            "threshold": SAME_FACE_THRESHOLD, "audit_entry": entry, "candidates": results, "note": NOTE}


@bp.route("/api/faces/search", methods=["POST"])
def api_search():
    try:
        return jsonify(face_search())
    except FaceSearchError as exc:
        return json_error(400, str(exc), faces=exc.faces) if exc.faces else json_error(400, str(exc))


@bp.route("/faces", methods=["GET", "POST"])
def page():
    if request.method == "GET":
        return render_template("faces.html", result=None, error=None, faces=[])
    try:
        return render_template("faces.html", result=face_search(), error=None, faces=[])
    except FaceSearchError as exc:
        return render_template("faces.html", result=None, error=str(exc), faces=exc.faces), 400


@bp.route("/faces/<face_id>.jpg")
def crop(face_id: str):
    """The crop of a face kept at crawl time (<data>/faces/ab/<face_id>.jpg)."""
    if not FACE_ID.fullmatch(face_id):
        abort(404)
    folder = Path(current_app.config["ADGRAPH_SETTINGS"].data_dir) / "faces" / face_id[:2]
    return send_from_directory(folder, f"{face_id}.jpg", mimetype="image/jpeg", max_age=86400)


def _engine():
    from crawler.faces.engine import load_engine

    return lazy("adgraph_face_engine", lambda settings: load_engine("dlib"))
