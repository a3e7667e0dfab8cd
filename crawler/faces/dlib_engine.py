"""The default face engine, fully offline: dlib with the models shipped in `face-recognition-models`.

Detection: dlib's frontal HOG detector (fast, frontal faces of about 80 pixels and up in the
picture it is given), or the MMOD CNN detector (`detector="cnn"`: finds turned and small faces
the HOG detector misses, but slow on a CPU: seconds per photo, measured 22 s for a 1-megapixel
photo upsampled once, so it upsamples only small pictures). Small pictures are upsampled before
detection so faces of about 40 pixels are found; large ones are shrunk to max_side first.

Embedding: the face is aligned on 5 landmarks (shape_predictor_5_face_landmarks) and described
by dlib's ResNet (dlib_face_recognition_resnet_model_v1), 128 numbers. dlib compares descriptors
by euclidean distance (same person below 0.6); its descriptors are not of unit length (about 1.2
to 1.5), so they are stored scaled to length 1: on the unit sphere cosine similarity and euclidean
distance rank alike, and the graph's cosine vector index applies. The threshold is on cosine
similarity, calibrated by bench/faces.py; as a linking rule it lives in graph/faces.py
(SAME_FACE_THRESHOLD).

Models are loaded once per engine, on first use. dlib holds the GIL while it computes (measured:
two threads take as long as one doing the same work), so detect_many uses processes.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
from typing import Iterable, Sequence

import numpy as np

from crawler.faces.engine import (
    DEFAULT_MAX_FACES,
    DetectedFace,
    FaceInputError,
    clamp_box,
    load_picture,
    unit,
)
from crawler.images import DEFAULT_MAX_PIXELS

ENGINE = "dlib"
# What made the embedding, stored as Face.model: faces are only compared with faces of the same
# model. Part of each Face's face_id, so never reword it for the same models. The detector is not
# in it: HOG and CNN boxes are aligned and embedded alike, so their embeddings are comparable.
MODEL = "dlib_face_recognition_resnet_model_v1/shape_predictor_5_face_landmarks"

DETECTORS = ("hog", "cnn")
DEFAULT_MAX_SIDE = 1600  # larger pictures are shrunk to this longest side before detection
# Pictures of at most this many pixels are upsampled once before detection (faces of ~40 px are found).
UPSAMPLE_BELOW = {"hog": 1_200_000, "cnn": 300_000}
CHIP_PADDING = 0.25  # dlib's default: the aligned chip shows this much around the landmarks


class DlibEngine:
    """Faces with dlib: `detect(image_bytes)` for one picture, `detect_many(images)` for many on all cores.

    detector: "hog" (default) or "cnn". upsample: times the picture is doubled before detection,
    or None to decide by its size (once for pictures of at most UPSAMPLE_BELOW[detector] pixels).
    jitters: dlib's num_jitters (each costs one more ResNet pass; 0 is the plain descriptor).
    min_score: detections scoring below it are dropped (HOG scores are SVM margins around 0 to 3;
    CNN scores are confidences around 0 to 1.5)."""

    name = ENGINE
    model = MODEL

    def __init__(self, *, detector: str = "hog", upsample: int | None = None, max_side: int = DEFAULT_MAX_SIDE,
                 jitters: int = 0, min_score: float = 0.0, max_pixels: int = DEFAULT_MAX_PIXELS):
        if detector not in DETECTORS:
            raise ValueError(f"unknown dlib detector {detector!r}: use 'hog' (default) or 'cnn'")
        if upsample is not None and not 0 <= upsample <= 3:
            raise ValueError(f"upsample must be between 0 and 3, not {upsample}")
        if max_side < 64:
            raise ValueError(f"max_side must be at least 64 pixels, not {max_side}")
        self.detector = detector
        self.upsample = upsample
        self.max_side = max_side
        self.jitters = jitters
        self.min_score = min_score
        self.max_pixels = max_pixels
        self._models = None

    def options(self) -> dict:
        """The options this engine was built with: DlibEngine(**engine.options()) is the same engine."""
        return {"detector": self.detector, "upsample": self.upsample, "max_side": self.max_side,
                "jitters": self.jitters, "min_score": self.min_score, "max_pixels": self.max_pixels}

    def _load(self):
        if self._models is None:
            import dlib
            import face_recognition_models as files

            if self.detector == "cnn":
                detector = dlib.cnn_face_detection_model_v1(files.cnn_face_detector_model_location())
            else:
                detector = dlib.get_frontal_face_detector()
            self._models = (dlib, detector,
                            dlib.shape_predictor(files.pose_predictor_five_point_model_location()),
                            dlib.face_recognition_model_v1(files.face_recognition_model_location()))
        return self._models

    def detect(self, image_bytes: bytes, *, max_faces: int = DEFAULT_MAX_FACES) -> list[DetectedFace]:
        """Every face in the picture, largest first, at most max_faces (the largest); [] if none.
        FaceInputError for bytes that are not a usable image."""
        if max_faces < 1:
            raise ValueError(f"max_faces must be at least 1, not {max_faces}")
        picture, scale = load_picture(image_bytes, max_pixels=self.max_pixels, max_side=self.max_side)
        pixels = np.asarray(picture)
        return self.detect_pixels(pixels, scale=scale, max_faces=max_faces)

    def detect_pixels(self, pixels: np.ndarray, *, scale: float = 1.0,
                      max_faces: int = DEFAULT_MAX_FACES) -> list[DetectedFace]:
        """detect() on an RGB uint8 array (height x width x 3) already decoded; boxes are divided by scale."""
        dlib, detector, shapes, resnet = self._load()
        height, width = pixels.shape[:2]
        upsample = self.upsample if self.upsample is not None else int(width * height <= UPSAMPLE_BELOW[self.detector])
        if self.detector == "cnn":
            found = [(d.rect, float(d.confidence)) for d in detector(pixels, upsample)]
        else:
            rects, scores, _ = detector.run(pixels, upsample, 0.0)
            found = list(zip(rects, (float(s) for s in scores)))
        found = [(rect, score) for rect, score in found if score >= self.min_score
                 and clamp_box(rect.left(), rect.top(), rect.right() + 1, rect.bottom() + 1, width, height)]
        # Largest first (ties by position, so the order never depends on the detector's own).
        found.sort(key=lambda rs: (-rs[0].area(), rs[0].top(), rs[0].left()))
        found = found[:max_faces]
        if not found:
            return []
        landmarks = dlib.full_object_detections([shapes(pixels, rect) for rect, _ in found])
        descriptors = resnet.compute_face_descriptor(pixels, landmarks, self.jitters, CHIP_PADDING)
        faces = []
        for (rect, score), descriptor in zip(found, descriptors, strict=True):
            box = clamp_box(rect.left() / scale, rect.top() / scale, (rect.right() + 1) / scale,
                            (rect.bottom() + 1) / scale, round(width / scale), round(height / scale))
            faces.append(DetectedFace(box=box, score=round(score, 4), embedding=unit(descriptor),
                                      engine=ENGINE, model=MODEL))
        return faces

    def executor(self, workers: int = 2) -> concurrent.futures.ProcessPoolExecutor:
        """A pool of worker processes, each with its own copy of this engine (models loaded once per
        worker): pass it to detect_many calls to keep it between batches, and shut it down after."""
        return concurrent.futures.ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker, initargs=(self.options(),))

    def submit(self, executor: concurrent.futures.ProcessPoolExecutor, image_bytes: bytes, *,
               max_faces: int = DEFAULT_MAX_FACES) -> concurrent.futures.Future:
        """detect() in one of executor's workers (made by self.executor()): a future of the faces, or
        of the picture's FaceInputError."""
        return executor.submit(_worker_detect, image_bytes, max_faces)

    def detect_many(self, images: Sequence[bytes] | Iterable[bytes], *, workers: int = 2,
                    max_faces: int = DEFAULT_MAX_FACES,
                    executor: concurrent.futures.Executor | None = None) -> list[list[DetectedFace] | FaceInputError]:
        """detect() on every picture, in order, on `workers` processes (dlib holds the GIL, so threads
        would share one core); a picture that is not usable gives its FaceInputError in its place
        instead of stopping the batch. workers=1 works in this process. Starting workers costs
        about a second: pass executor=engine.executor() to reuse one pool over many calls."""
        images = list(images)
        if executor is None and (workers <= 1 or len(images) <= 1):
            return [_detect_or_error(self, data, max_faces) for data in images]
        own = executor is None
        pool = self.executor(workers) if own else executor
        try:
            chunk = max(1, min(8, len(images) // (4 * max(workers, 1))))
            return list(pool.map(_worker_detect, images, [max_faces] * len(images), chunksize=chunk))
        finally:
            if own:
                pool.shutdown()


def _detect_or_error(engine: DlibEngine, data: bytes, max_faces: int) -> list[DetectedFace] | FaceInputError:
    try:
        return engine.detect(data, max_faces=max_faces)
    except FaceInputError as exc:
        return exc


# Each worker process holds its own engine: it is the process's state, made by the pool's initializer.
_worker_engine: DlibEngine | None = None


def _start_worker(options: dict) -> None:
    global _worker_engine
    _worker_engine = DlibEngine(**options)
    _worker_engine._load()


def _worker_detect(data: bytes, max_faces: int) -> list[DetectedFace] | FaceInputError:
    return _detect_or_error(_worker_engine, data, max_faces)
