"""The face-engine interface: image bytes in, faces out (box, detection score, embedding, engine, model).

Every engine decodes the same way (`load_picture`): the bytes are checked by
crawler.images.inspect_image first, so non-images, truncated files,
decompression bombs and over-large pictures are refused with a reason before
any pixels are allocated; then the EXIF orientation is applied, so boxes are in
the picture as a viewer shows it (upright), which is not always the stored
width x height of the Image node.

Embeddings are only comparable within one engine and model: DetectedFace
carries both, the graph stores both on every Face, and graph.faces only ever
compares faces whose engine and model are equal.
"""

from __future__ import annotations

from pathlib import Path

import io
import math
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from PIL import Image, ImageOps

from crawler.images import DEFAULT_MAX_PIXELS, ImageRejected, inspect_image

DEFAULT_MAX_FACES = 32
THUMBNAIL_SIZE = 112
THUMBNAIL_MARGIN = 0.25  # of the box's size, on each side, so the thumbnail shows a little more than the face


class FaceInputError(ValueError):
    """Bytes no face engine can use (not an image, truncated, a decompression bomb, too large),
    or a face search that cannot go ahead; `reason` says why and what to do."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class DetectedFace:
    box: tuple[int, int, int, int]  # left, top, width, height in pixels of the upright picture, all >= 0
    score: float  # the detector's confidence; its scale depends on the engine and detector
    embedding: tuple[float, ...]  # unit length for vector engines; () for engines that keep no vector (Rekognition)
    engine: str
    model: str  # the version of what made the embedding: faces are compared only within one engine and model
    external_id: str | None = None  # the engine's own id of the stored face (Rekognition's FaceId), if it keeps one

    def __post_init__(self):
        if len(self.box) != 4 or any(not isinstance(v, int) or v < 0 for v in self.box):
            raise ValueError(f"a face box is four whole numbers >= 0 (left, top, width, height), not {self.box!r}")

    def observation(self, image_sha256: str) -> dict:
        """The face as an item of an observation's "faces" list (graph/observation.schema.json)."""
        out = {"image_sha256": image_sha256, "engine": self.engine, "model": self.model, "box": list(self.box),
               "score": self.score}
        if self.embedding:
            out["embedding"] = list(self.embedding)
        return out


@runtime_checkable
class FaceEngine(Protocol):
    name: str  # "dlib", "rekognition": stored as Face.engine

    @property
    def model(self) -> str: ...

    def detect(self, image_bytes: bytes, *, max_faces: int = DEFAULT_MAX_FACES) -> list[DetectedFace]:
        """Every face found, largest first, at most max_faces of them (the largest are kept);
        [] when there is none. FaceInputError for bytes that are not a usable image."""
        ...


def load_engine(name: str, **options) -> FaceEngine:
    """The engine called `name` ("dlib", the offline default, or "rekognition"), built with `options`
    (see DlibEngine and RekognitionEngine). Models and clients are created lazily, on first use."""
    if name == "dlib":
        from crawler.faces.dlib_engine import DlibEngine

        return DlibEngine(**options)
    if name == "rekognition":
        from crawler.faces.rekognition import RekognitionEngine

        return RekognitionEngine(**options)
    raise ValueError(f"unknown face engine {name!r}: use 'dlib' (offline, the default) or 'rekognition' (Amazon)")


def load_picture(image_bytes: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS, max_side: int | None = None
                 ) -> tuple[Image.Image, float]:
    """(the picture upright, in RGB, scale), where scale is the picture's size over the upright original's
    (below 1 when max_side shrank it). FaceInputError for what inspect_image refuses.

    A JPEG larger than max_side is decoded at a reduced size straight away (Pillow's draft mode),
    which makes a 40-megapixel photo cheap."""
    if not isinstance(image_bytes, (bytes, bytearray, memoryview)):
        raise FaceInputError(f"expected the bytes of an image, got {type(image_bytes).__name__}")
    try:
        facts = inspect_image(bytes(image_bytes), max_pixels=max_pixels)
    except ImageRejected as exc:
        raise FaceInputError(f"{exc.reason}: use a JPEG, PNG, GIF or WebP photo") from None
    try:
        im = Image.open(io.BytesIO(image_bytes), formats=[facts.format])
        if max_side and facts.format == "JPEG" and max(im.size) > 2 * max_side:
            ratio = max_side / max(im.size)
            im.draft("RGB", (math.ceil(im.width * ratio), math.ceil(im.height * ratio)))
        im.load()
        stored = im.size  # as decoded (draft mode may have shrunk it), before the EXIF orientation
        try:
            im = ImageOps.exif_transpose(im)
        except Exception:  # noqa: BLE001 - a malformed EXIF block costs the orientation, not the picture
            pass
        if im.mode != "RGB":
            im = _rgb(im)
        turned = im.size != stored  # a quarter turn swapped width and height
        full_width = facts.height if turned else facts.width  # of the upright original
        scale = im.width / full_width
        if max_side and max(im.size) > max_side:
            ratio = max_side / max(im.size)
            im = im.resize((max(1, round(im.width * ratio)), max(1, round(im.height * ratio))),
                           Image.Resampling.BILINEAR, reducing_gap=2.0)
            scale = im.width / full_width
        return im, scale
    except FaceInputError:
        raise
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError, Warning) as exc:
        raise FaceInputError(f"the image could not be decoded ({type(exc).__name__}): use another copy of it") from None


def _rgb(im: Image.Image) -> Image.Image:
    """RGB, with transparent parts on white (a transparent PNG's hidden pixels are often black)."""
    if im.mode in ("P", "PA") or (im.mode not in ("RGBA", "LA") and "transparency" in im.info):
        im = im.convert("RGBA")
    if im.mode in ("RGBA", "LA"):
        background = Image.new("RGB", im.size, (255, 255, 255))
        background.paste(im.convert("RGBA"), mask=im.convert("RGBA").getchannel("A"))
        return background
    if im.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        im = im.point(lambda v: v / 256).convert("L") if im.mode != "F" else im.convert("L")
    return im.convert("RGB")


def crop_thumbnail(image_bytes: bytes, box: tuple[int, int, int, int] | list[int], size: int = THUMBNAIL_SIZE) -> bytes:
    """A JPEG of the face in box (left, top, width, height in the upright picture, as DetectedFace.box),
    with a margin around it, fitted into size x size pixels: what a search result shows."""
    left, top, width, height = (int(v) for v in box)
    if width <= 0 or height <= 0:
        raise FaceInputError(f"the face box {list(box)} is empty")
    im, _ = load_picture(image_bytes)
    margin_x, margin_y = round(width * THUMBNAIL_MARGIN), round(height * THUMBNAIL_MARGIN)
    region = (max(0, left - margin_x), max(0, top - margin_y),
              min(im.width, left + width + margin_x), min(im.height, top + height + margin_y))
    if region[0] >= region[2] or region[1] >= region[3]:
        raise FaceInputError(f"the face box {list(box)} lies outside the {im.width}x{im.height} picture")
    face = im.crop(region)
    face.thumbnail((size, size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    face.save(out, format="JPEG", quality=85)
    return out.getvalue()


def choose_face(faces: list[DetectedFace], number: int | None = None) -> DetectedFace:
    """The face a search is about: the only one, or number (1-based, largest first, as detect orders
    them) when the photo has several. FaceInputError saying what to do otherwise."""
    if not faces:
        raise FaceInputError("no face was found in the photo: use a photo where a face is clearly visible, "
                             "frontal and at least about 40 pixels wide")
    if number is None:
        if len(faces) > 1:
            raise FaceInputError(f"{len(faces)} faces were found in the photo: choose one by its number "
                                 f"(1 to {len(faces)}, largest first)")
        return faces[0]
    if not 1 <= number <= len(faces):
        raise FaceInputError(f"there is no face {number}: the photo has {len(faces)} "
                             f"(1 to {len(faces)}, largest first)")
    return faces[number - 1]


def unit(vector) -> tuple[float, ...]:
    """The vector scaled to length 1, so cosine similarity and euclidean distance rank alike
    (|a - b|^2 = 2 - 2 cos for unit vectors)."""
    values = [float(v) for v in vector]
    norm = math.sqrt(sum(v * v for v in values))
    if not norm or not math.isfinite(norm):
        raise ValueError("an embedding must be finite and not all zeros")
    return tuple(v / norm for v in values)


def clamp_box(left: float, top: float, right: float, bottom: float, width: int, height: int
              ) -> tuple[int, int, int, int] | None:
    """(left, top, width, height) of the part of a box inside a width x height picture, rounded to
    pixels; None when nothing of it is inside."""
    l, t = max(0, round(left)), max(0, round(top))
    r, b = min(width, round(right)), min(height, round(bottom))
    if r <= l or b <= t:
        return None
    return l, t, r - l, b - t


def keep_thumbnails(faces_dir: Path, image_bytes: bytes, faces: list[dict]) -> None:
    """A crop of each face (observation items of this image) as <faces_dir>/ab/<face_id>.jpg, written once."""
    from crawler.files import write_once
    from graph.records import face_id

    for face in faces:
        name = face_id(face)
        write_once(faces_dir / name[:2] / f"{name}.jpg", crop_thumbnail(image_bytes, tuple(face["box"])))
