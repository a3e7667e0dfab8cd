"""crawler.faces: the engine interface, the offline dlib engine on real photos, bad input, and the
Rekognition engine against botocore's Stubber (no network).

The real photos are in /work/shared/data/faces (see its SOURCE.md); they are read in place, never
copied into the project, and the tests that need them skip when the folder is absent.
"""

import hashlib
import io
import math
import struct
import zlib

import boto3
import pytest
from botocore.stub import ANY, Stubber
from PIL import ExifTags, Image

from crawler.faces import DetectedFace, FaceEngine, FaceInputError, choose_face, crop_thumbnail, load_engine
from crawler.faces.dlib_engine import MODEL, DlibEngine
from graph.faces import SAME_FACE_THRESHOLD
from crawler.faces.rekognition import RekognitionEngine
from graph.records import face_id
from helpers import SHARED, picture

FACES = SHARED / "data" / "faces"
needs_faces = pytest.mark.skipif(not FACES.is_dir(), reason=f"the shared face photos are not here ({FACES}): "
                                                             "see the faces issue for where they come from")


def photo(relative: str) -> bytes:
    return (FACES / relative).read_bytes()


@pytest.fixture(scope="session")
def engine() -> DlibEngine:
    """One engine for the session: its models load once, on first use."""
    return load_engine("dlib")


def encode(im: Image.Image, fmt: str = "JPEG", **options) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **options)
    return out.getvalue()


def png_bomb(width=100_000, height=100_000) -> bytes:
    """A valid PNG header claiming width x height pixels, with a tiny IDAT."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def jpeg_claiming(width: int, height: int) -> bytes:
    """A real JPEG whose frame header (SOF0) is rewritten to declare another size."""
    data = encode(picture(1, (64, 48)))
    sof = data.index(b"\xff\xc0") + 5
    return data[:sof] + struct.pack(">HH", height, width) + data[sof + 4:]


# ---------------------------------------------------------------------------------------------
# Bad input: a clear reason, never a crash

JPEG = encode(picture())


@pytest.mark.parametrize("name, data, reason", [
    ("html", b"<!doctype html><html><body>Not found</body></html>", "not an image"),
    ("empty", b"", "not an image"),
    ("truncated jpeg", JPEG[:len(JPEG) // 2], "truncated or corrupt image"),
    ("png bomb", png_bomb(), "decompression bomb: 100000x100000 pixels declared"),
    ("too many pixels", jpeg_claiming(10_000, 6_000), "decompression bomb: 10000x6000 pixels declared"),
    ("svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "unsupported format: SVG"),
    ("not bytes", "a string", "expected the bytes of an image"),
], ids=lambda v: v if isinstance(v, str) and len(v) < 20 else "")
def test_bad_input_is_refused_with_a_reason(engine, name, data, reason):
    with pytest.raises(FaceInputError) as caught:
        engine.detect(data)
    assert reason in caught.value.reason


def test_a_picture_without_a_face_has_no_face(engine):
    assert engine.detect(JPEG) == []
    assert engine.detect(encode(picture(2, (120, 90)), "PNG")) == []  # small: upsampled, still nothing


def test_a_huge_picture_is_shrunk_not_refused(engine):
    """48 megapixels, under the limit: decoded small (JPEG draft mode) and searched."""
    assert engine.detect(encode(picture(3, (8_000, 6_000)), quality=30)) == []


@needs_faces
@pytest.mark.parametrize("path", sorted(p.name for p in (FACES / "no_face").glob("*.jpg")) if FACES.is_dir() else [])
def test_no_face_in_the_no_face_photos(engine, path):
    assert engine.detect(photo(f"no_face/{path}")) == []


# ---------------------------------------------------------------------------------------------
# Real photos

# face_recognition's own test expects (top, right, bottom, left) = (142, 617, 409, 349) for obama.jpg.
OBAMA_BOX = (349, 142, 617 - 349, 409 - 142)


def near(box, expected, pixels=4):
    return all(abs(a - b) <= pixels for a, b in zip(box, expected))


@needs_faces
def test_detects_the_face_in_a_real_photo(engine):
    [face] = engine.detect(photo("identities/fr_obama/obama.jpg"))
    assert isinstance(engine, FaceEngine)
    assert near(face.box, OBAMA_BOX), face.box
    assert face.score > 1.0 and face.engine == "dlib" and face.model == MODEL
    assert len(face.embedding) == 128 and math.isclose(sum(v * v for v in face.embedding), 1.0, rel_tol=1e-9)
    item = face.observation("ab" * 32)
    assert item["box"] == list(face.box) and len(item["embedding"]) == 128


@needs_faces
@pytest.mark.parametrize("orientation, turn", [(3, Image.Transpose.ROTATE_180), (6, Image.Transpose.ROTATE_90),
                                               (8, Image.Transpose.ROTATE_270)])
def test_boxes_are_in_the_picture_as_displayed(engine, orientation, turn):
    """A phone photo stored sideways with an EXIF orientation: the face is found, in upright coordinates."""
    upright = Image.open(io.BytesIO(photo("identities/fr_obama/obama.jpg")))
    block = Image.Exif()
    block[ExifTags.Base.Orientation] = orientation
    stored = encode(upright.transpose(turn), quality=95, exif=block)
    [face] = engine.detect(stored)
    assert near(face.box, OBAMA_BOX, pixels=6), face.box


@needs_faces
def test_same_person_is_closer_than_different_people(engine):
    def embedding(path):
        return engine.detect(photo(path))[0].embedding

    def cosine(a, b):
        return sum(x * y for x, y in zip(a, b))

    obama, obama2, biden = (embedding("identities/fr_obama/obama.jpg"), embedding("identities/fr_obama/obama2.jpg"),
                            embedding("identities/fr_biden/biden.jpg"))
    assert cosine(obama, obama2) >= SAME_FACE_THRESHOLD > cosine(obama, biden)
    assert cosine(obama, obama2) > cosine(obama, biden) + 0.05


@needs_faces
def test_many_faces_are_capped_largest_first(engine):
    """dlib_bald_guys.jpg is a collage of 24 faces: max_faces keeps the largest, in order of size."""
    faces = engine.detect(photo("multi_face/dlib_bald_guys.jpg"), max_faces=20)
    assert len(faces) == 20
    areas = [f.box[2] * f.box[3] for f in faces]
    assert areas == sorted(areas, reverse=True)
    assert len(engine.detect(photo("multi_face/fr_two_people.jpg"))) == 2


def test_choose_face_says_what_to_do():
    faces = [DetectedFace((0, 0, 10, 10), 1.0, (1.0,), "dlib", MODEL),
             DetectedFace((0, 0, 5, 5), 1.0, (1.0,), "dlib", MODEL)]
    with pytest.raises(FaceInputError, match="no face was found"):
        choose_face([])
    with pytest.raises(FaceInputError, match="2 faces were found in the photo: choose one by its number"):
        choose_face(faces)
    with pytest.raises(FaceInputError, match="there is no face 3"):
        choose_face(faces, 3)
    assert choose_face(faces, 2) is faces[1] and choose_face(faces[:1]) is faces[0]


@needs_faces
def test_detect_many_on_two_processes_keeps_order_and_errors_in_place(engine):
    images = [photo("identities/fr_obama/obama.jpg"), b"not an image", JPEG, photo("identities/fr_biden/biden.jpg")]
    results = engine.detect_many(images, workers=2)
    assert len(results) == 4
    assert near(results[0][0].box, OBAMA_BOX)
    assert isinstance(results[1], FaceInputError) and results[1].reason.startswith("not an image")
    assert results[2] == []
    assert results[3] == engine.detect(images[3])  # the same faces as in this process


@needs_faces
def test_crop_thumbnail_is_a_small_jpeg_of_the_face():
    data = crop_thumbnail(photo("identities/fr_obama/obama.jpg"), OBAMA_BOX)
    im = Image.open(io.BytesIO(data))
    assert im.format == "JPEG" and max(im.size) == 112
    with pytest.raises(FaceInputError, match="outside"):
        crop_thumbnail(JPEG, (5000, 5000, 10, 10))


def test_engine_choices():
    with pytest.raises(ValueError, match="unknown face engine 'opencv'"):
        load_engine("opencv")
    with pytest.raises(ValueError, match="unknown dlib detector"):
        load_engine("dlib", detector="yolo")
    assert load_engine("dlib", detector="cnn").detector == "cnn"  # loads nothing until used


@pytest.mark.parametrize("box", [(-1, 0, 5, 5), (0, 0, 5), (0.5, 0, 5, 5)])
def test_a_face_box_is_four_whole_numbers(box):
    with pytest.raises(ValueError, match="four whole numbers"):
        DetectedFace(box, 1.0, (), "dlib", MODEL)


# ---------------------------------------------------------------------------------------------
# Amazon Rekognition, stubbed: no network, dummy credentials

COLLECTION = "adgraph-test"


@pytest.fixture
def rekognition():
    client = boto3.client("rekognition", region_name="eu-west-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
    with Stubber(client) as stubber:
        yield RekognitionEngine(collection_id=COLLECTION, client=client), stubber
        stubber.assert_no_pending_responses()


BOX = {"Width": 0.25, "Height": 0.5, "Left": 0.5, "Top": 0.25}  # of a 640x480 picture: (320, 120, 160, 240)


def test_rekognition_detect_maps_ratios_to_pixels(rekognition):
    engine, stubber = rekognition
    stubber.add_response("detect_faces", {"FaceDetails": [
        {"BoundingBox": BOX, "Confidence": 99.9},
        {"BoundingBox": {"Width": 0.2, "Height": 0.2, "Left": -0.05, "Top": 0.9}, "Confidence": 97.0},  # past the edges
        {"BoundingBox": {"Width": 0.1, "Height": 0.1, "Left": 0.1, "Top": 0.1}, "Confidence": 40.0},  # too unsure
    ]}, {"Image": {"Bytes": JPEG}, "Attributes": ["DEFAULT"]})
    faces = engine.detect(JPEG)
    assert [f.box for f in faces] == [(320, 120, 160, 240), (0, 432, 96, 48)]
    assert faces[0].score == pytest.approx(0.999) and faces[0].embedding == () and faces[0].engine == "rekognition"


def test_rekognition_index_then_search_names_graph_faces(rekognition):
    engine, stubber = rekognition
    sha256 = hashlib.sha256(JPEG).hexdigest()
    stubber.add_response("index_faces", {
        "FaceModelVersion": "7.0",
        "FaceRecords": [{"Face": {"FaceId": "11111111-1111-1111-1111-111111111111", "BoundingBox": BOX,
                                  "Confidence": 99.5, "ExternalImageId": f"{sha256}:640x480"}}],
    }, {"CollectionId": COLLECTION, "Image": {"Bytes": JPEG}, "ExternalImageId": f"{sha256}:640x480",
        "MaxFaces": 32, "QualityFilter": "AUTO", "DetectionAttributes": ["DEFAULT"]})
    [indexed] = engine.index(JPEG)
    assert indexed.external_id == "11111111-1111-1111-1111-111111111111"
    assert indexed.model == "rekognition-7.0" and indexed.box == (320, 120, 160, 240) and indexed.embedding == ()
    stored_face_id = face_id(indexed.observation(sha256))  # as graph.records computes it at ingest

    stubber.add_response("search_faces_by_image", {
        "FaceModelVersion": "7.0",
        "SearchedFaceBoundingBox": BOX,
        "FaceMatches": [
            {"Similarity": 99.6, "Face": {"FaceId": "11111111-1111-1111-1111-111111111111", "BoundingBox": BOX,
                                          "ExternalImageId": f"{sha256}:640x480"}},
            {"Similarity": 99.2, "Face": {"FaceId": "22222222-2222-2222-2222-222222222222", "BoundingBox": BOX,
                                          "ExternalImageId": "indexed-by-someone-else"}},
        ],
    }, {"CollectionId": COLLECTION, "Image": {"Bytes": ANY}, "MaxFaces": 20, "FaceMatchThreshold": 99.0,
        "QualityFilter": "NONE"})
    [match] = engine.search(encode(picture(5), "GIF"))  # a GIF is sent as a JPEG
    assert match.face_id == stored_face_id and match.similarity == pytest.approx(0.996)


def test_rekognition_without_a_face_to_search_is_a_clear_answer(rekognition):
    engine, stubber = rekognition
    stubber.add_client_error("search_faces_by_image", service_error_code="InvalidParameterException",
                             service_message="There are no faces in the image. Should be at least 1.",
                             http_status_code=400)
    with pytest.raises(FaceInputError, match="Rekognition found no face to search with"):
        engine.search(JPEG)


def test_rekognition_refuses_bad_bytes_before_calling_amazon(rekognition):
    engine, _ = rekognition  # no response queued: any call would fail the test
    with pytest.raises(FaceInputError, match="decompression bomb"):
        engine.detect(png_bomb())


def test_rekognition_model_comes_from_the_collection(rekognition):
    engine, stubber = rekognition
    stubber.add_response("describe_collection", {"FaceModelVersion": "6.0", "FaceCount": 3},
                         {"CollectionId": COLLECTION})
    assert engine.model == "rekognition-6.0"
    assert engine.model == "rekognition-6.0"  # asked once
