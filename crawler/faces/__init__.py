"""Faces in ad images: detected and embedded by a face engine (offline dlib by default, or Amazon
Rekognition), written to the graph as Face nodes, linked across ads by graph.faces.

    engine = load_engine("dlib")            # or load_engine("rekognition", collection_id=..., client=...)
    faces = engine.detect(image_bytes)      # [DetectedFace(box, score, embedding, engine, model)]
    face.observation(image_sha256)          # an item of an observation's "faces" list
"""

from crawler.faces.engine import (
    DEFAULT_MAX_FACES,
    DetectedFace,
    FaceEngine,
    FaceInputError,
    choose_face,
    crop_thumbnail,
    load_engine,
)

__all__ = ["DEFAULT_MAX_FACES", "DetectedFace", "FaceEngine", "FaceInputError", "choose_face", "crop_thumbnail",
           "load_engine"]
