"""Amazon Rekognition as a face engine, for agencies that use it (chosen by configuration; never the default).

Rekognition keeps no vector it will give out: a face is stored in a Rekognition *collection*
(IndexFaces) and found again by Rekognition itself (SearchFacesByImage, SearchFaces). So:

- detect() calls DetectFaces: boxes and confidences, nothing stored at Amazon, embedding ().
- index() calls IndexFaces: the faces are stored in the collection, each DetectedFace carries
  Rekognition's FaceId as external_id, and still no embedding. The graph's Face nodes for them
  have engine "rekognition", the collection's face model as model, and no embedding, so they are
  never in the face_embedding vector index and never compared with dlib's vectors.
- search() calls SearchFacesByImage and returns the graph face_id of each match, which
  graph.faces.describe_matches turns into the same results as a dlib search.

How a match finds its graph Face: IndexFaces is given ExternalImageId "<image sha256>:<width>x<height>"
(the upright picture's size), and a match returns that id and the face's BoundingBox as ratios of
the picture, exactly as IndexFaces returned it; converting it to pixels the same way gives the same
box, hence the same face_id (graph.records.face_id) as the one ingested.

Boxes: Rekognition gives Left, Top, Width, Height as ratios of the picture after its EXIF
orientation, which can reach past its edges; they become pixels of the upright picture, clamped
to it, as the dlib engine's are. Similarity is Rekognition's percentage over 100 (0 to 1).

Rekognition takes JPEG or PNG up to 5 MB: other pictures (GIF, WebP, larger files) are sent as a
JPEG of the upright picture, at most 4096 pixels on the longest side.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from crawler.faces.engine import DEFAULT_MAX_FACES, DetectedFace, FaceInputError, clamp_box, load_picture
from crawler.images import DEFAULT_MAX_PIXELS
from graph.records import face_id as _face_id

ENGINE = "rekognition"
# Amazon recommends a similarity threshold of 99% where a match may affect someone's rights
# ("Using Amazon Rekognition to help public safety", Rekognition developer guide).
DEFAULT_THRESHOLD = 0.99
MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 4096


@dataclass(frozen=True)
class RekognitionMatch:
    face_id: str  # the graph Face's face_id (graph.records.face_id)
    similarity: float  # 0 to 1
    image_sha256: str
    box: tuple[int, int, int, int]
    external_id: str  # Rekognition's FaceId


class RekognitionEngine:
    """Faces with Amazon Rekognition. client: a boto3 "rekognition" client (made from region, and the
    usual AWS configuration, when not given); collection_id: the collection index() and search() use."""

    name = ENGINE

    def __init__(self, *, collection_id: str | None = None, client=None, region: str | None = None,
                 max_pixels: int = DEFAULT_MAX_PIXELS, min_confidence: float = 90.0):
        self.collection_id = collection_id
        self._client = client
        self.region = region
        self.max_pixels = max_pixels
        self.min_confidence = min_confidence
        self._model: str | None = None

    @property
    def client(self):
        if self._client is None:
            import boto3

            self._client = boto3.client("rekognition", region_name=self.region)
        return self._client

    @property
    def model(self) -> str:
        """The collection's face model ("rekognition-7.0"), asked of Rekognition once; "rekognition"
        (unversioned) for an engine without a collection, whose faces are only ever detected."""
        if self._model is None:
            if not self.collection_id:
                return ENGINE
            version = self.client.describe_collection(CollectionId=self.collection_id)["FaceModelVersion"]
            self._model = f"{ENGINE}-{version}"
        return self._model

    def _collection(self) -> str:
        if not self.collection_id:
            raise ValueError("this Rekognition engine has no collection_id: set one to index or search faces")
        return self.collection_id

    def _prepare(self, image_bytes: bytes) -> tuple[bytes, int, int, str]:
        """(bytes Rekognition accepts, upright width, height, sha256 of the original bytes)."""
        picture, _ = load_picture(image_bytes, max_pixels=self.max_pixels)
        data = bytes(image_bytes)
        upright_as_stored = data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")) and len(data) <= MAX_BYTES
        if not upright_as_stored:  # a format or size Rekognition refuses: send the upright picture as a JPEG
            picture.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            picture.save(out, format="JPEG", quality=90)
            data = out.getvalue()
        return data, picture.width, picture.height, hashlib.sha256(image_bytes).hexdigest()

    def detect(self, image_bytes: bytes, *, max_faces: int = DEFAULT_MAX_FACES) -> list[DetectedFace]:
        """DetectFaces: every face, largest first, at most max_faces; nothing is stored at Amazon."""
        data, width, height, _ = self._prepare(image_bytes)
        response = self.client.detect_faces(Image={"Bytes": data}, Attributes=["DEFAULT"])
        faces = [self._face(detail["BoundingBox"], detail.get("Confidence", 0.0), width, height, ENGINE)
                 for detail in response.get("FaceDetails", [])]
        return _largest([f for f in faces if f is not None], max_faces)

    def index(self, image_bytes: bytes, *, max_faces: int = DEFAULT_MAX_FACES) -> list[DetectedFace]:
        """IndexFaces into the collection: the faces as detect() gives them, each with its FaceId
        as external_id and the collection's model."""
        data, width, height, sha256 = self._prepare(image_bytes)
        response = self.client.index_faces(
            CollectionId=self._collection(), Image={"Bytes": data}, ExternalImageId=f"{sha256}:{width}x{height}",
            MaxFaces=min(max_faces, 100), QualityFilter="AUTO", DetectionAttributes=["DEFAULT"])
        if version := response.get("FaceModelVersion"):
            self._model = f"{ENGINE}-{version}"
        faces = []
        for record in response.get("FaceRecords", []):
            face = record["Face"]
            found = self._face(face["BoundingBox"], face.get("Confidence", 0.0), width, height, self.model,
                               external_id=face["FaceId"])
            if found is not None:
                faces.append(found)
        return _largest(faces, max_faces)

    def search(self, image_bytes: bytes, *, threshold: float = DEFAULT_THRESHOLD, top_k: int = 20,
               box: tuple[int, int, int, int] | None = None) -> list[RekognitionMatch]:
        """SearchFacesByImage: the collection's faces most like the largest face in the picture (or the
        face in box, from detect(), when the photo has several), best first, down to threshold."""
        if box is not None:
            from crawler.faces.engine import crop_thumbnail

            image_bytes = crop_thumbnail(image_bytes, box, size=max(box[2], box[3], 80) * 2)
        data, _, _, _ = self._prepare(image_bytes)
        try:
            response = self.client.search_faces_by_image(
                CollectionId=self._collection(), Image={"Bytes": data}, MaxFaces=top_k,
                FaceMatchThreshold=threshold * 100, QualityFilter="NONE")
        except self.client.exceptions.InvalidParameterException as exc:
            # What Rekognition says when the picture holds no face it can search with.
            raise FaceInputError(f"Rekognition found no face to search with: {exc}") from None
        if version := response.get("FaceModelVersion"):
            self._model = f"{ENGINE}-{version}"
        return [m for m in (self._match(match) for match in response.get("FaceMatches", [])) if m is not None]

    def _match(self, match: dict) -> RekognitionMatch | None:
        face = match["Face"]
        sha256, _, size = (face.get("ExternalImageId") or "").partition(":")
        width, _, height = size.partition("x")
        if len(sha256) != 64 or not width.isdigit() or not height.isdigit():
            return None  # indexed by something other than this engine: no graph face to name
        found = self._face(face["BoundingBox"], 0.0, int(width), int(height), self.model)
        if found is None:
            return None
        return RekognitionMatch(face_id=graph_face_id(sha256, self.model, found.box),
                                similarity=round(match["Similarity"] / 100, 6), image_sha256=sha256,
                                box=found.box, external_id=face["FaceId"])

    def _face(self, ratios: dict, confidence: float, width: int, height: int, model: str,
              external_id: str | None = None) -> DetectedFace | None:
        if confidence and confidence < self.min_confidence:
            return None
        left, top = ratios.get("Left", 0.0) * width, ratios.get("Top", 0.0) * height
        box = clamp_box(left, top, left + ratios.get("Width", 0.0) * width, top + ratios.get("Height", 0.0) * height,
                        width, height)
        if box is None:
            return None
        return DetectedFace(box=box, score=round(confidence / 100, 6), embedding=(), engine=ENGINE, model=model,
                            external_id=external_id)


def graph_face_id(image_sha256: str, model: str, box) -> str:
    """The graph face_id of a Rekognition face (graph.records.face_id, the stored key)."""
    return _face_id({"image_sha256": image_sha256, "engine": ENGINE, "model": model, "box": list(box)})


def _largest(faces: list[DetectedFace], max_faces: int) -> list[DetectedFace]:
    faces.sort(key=lambda f: (-f.box[2] * f.box[3], f.box[1], f.box[0]))
    return faces[:max_faces]
