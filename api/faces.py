"""FaceSearch over the JSON API: POST /api/faces/search with a photo."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask_login import login_required

from api.app import audit, driver, json_error

bp = Blueprint("faces", __name__)


@bp.route("/search", methods=["POST"])
@login_required
def search():
    from crawler.faces.dlib_engine import DEFAULT_THRESHOLD
    from crawler.faces.engine import FaceInputError, choose_face
    from graph.faces import search_faces

    upload = request.files.get("photo")
    if upload is None:
        return json_error(400, "send the photo as the multipart field 'photo'")
    try:
        number = int(request.form["face"]) if request.form.get("face") else None
        top_k = min(max(int(request.form.get("top", 20)), 1), 200)
    except ValueError:
        return json_error(400, "face and top must be whole numbers")
    settings = current_app.config["ADGRAPH_SETTINGS"]
    if settings.face_engine != "dlib":
        return json_error(400, f"face search here needs the dlib engine (the engine is {settings.face_engine!r})")
    engine = _engine()
    params = {"photo": upload.filename or "", "face": number, "top": top_k}
    try:
        faces = engine.detect(upload.read())
    except FaceInputError as exc:
        audit("faces.search", {**params, "refused": str(exc)}, 0)
        return json_error(400, str(exc))
    try:
        face = choose_face(faces, number)
    except FaceInputError as exc:  # no face, or several and none chosen: say which there are
        audit("faces.search", {**params, "refused": str(exc)}, 0)
        return json_error(400, str(exc), faces=[{"number": n, "box": list(f.box)}
                                                  for n, f in enumerate(faces, start=1)])
    results = search_faces(driver(), face.embedding, engine.name, engine.model, top_k, DEFAULT_THRESHOLD)
    entry = audit("faces.search", params, len(results))
    return jsonify(face={"number": number or 1, "box": list(face.box)}, faces_in_photo=len(faces),
                   threshold=DEFAULT_THRESHOLD, audit_entry=entry, candidates=results,
                   note="A candidate is a lead, not an identification.")


def _engine():
    ext = current_app.extensions
    if "adgraph_face_engine" not in ext:
        from crawler.faces.engine import load_engine

        ext["adgraph_face_engine"] = load_engine("dlib")
    return ext["adgraph_face_engine"]
