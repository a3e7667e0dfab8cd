"""crawler.images: facts of downloaded image bytes, and the bytes that are refused. Every image is drawn here."""

import hashlib
import io
import random
import re
import struct
import zlib

import imagehash
import pytest
from PIL import ExifTags, Image

from crawler.images import ImageFacts, ImageRejected, image_extension, inspect_image
from helpers import picture


def encode(im: Image.Image, fmt: str, **options) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **options)
    return buf.getvalue()


def exif(make=None, model=None, software=None, taken=None, lat=None, lon=None, orientation=None) -> Image.Exif:
    """An EXIF block written with Pillow's Image.Exif; lat/lon are (ref, (deg, min, sec))."""
    block = Image.Exif()
    for tag, value in ((ExifTags.Base.Make, make), (ExifTags.Base.Model, model),
                       (ExifTags.Base.Software, software), (ExifTags.Base.Orientation, orientation)):
        if value is not None:
            block[tag] = value
    if taken is not None:
        block.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = taken
    gps = block.get_ifd(ExifTags.IFD.GPSInfo) if lat or lon else {}
    for coordinate, ref_tag, tag in ((lat, ExifTags.GPS.GPSLatitudeRef, ExifTags.GPS.GPSLatitude),
                                     (lon, ExifTags.GPS.GPSLongitudeRef, ExifTags.GPS.GPSLongitude)):
        if coordinate:
            ref, dms = coordinate
            if ref is not None:
                gps[ref_tag] = ref
            gps[tag] = dms
    return block


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(width=100_000, height=100_000) -> bytes:
    """A valid PNG signature and header claiming width x height RGB pixels, a tiny IDAT, IEND; correct CRCs."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
            + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + png_chunk(b"IEND", b""))


def patched(data: bytes, offset: int, new: bytes) -> bytes:
    return data[:offset] + new + data[offset + len(new):]


def jpeg_claiming(width: int, height: int) -> bytes:
    """A real JPEG whose frame header (SOF0) is rewritten to declare another size."""
    data = encode(picture(1, (64, 48)), "JPEG")
    sof = data.index(b"\xff\xc0")
    return patched(data, sof + 5, struct.pack(">HH", height, width))


def gif_claiming(width: int, height: int) -> bytes:
    return patched(encode(picture(1, (64, 48)), "GIF"), 6, struct.pack("<HH", width, height))


def webp_claiming(width: int, height: int) -> bytes:
    """An extended (VP8X) WebP whose canvas is rewritten to width x height (EXIF forces the VP8X header)."""
    data = encode(picture(1, (64, 48)), "WEBP", exif=exif(make="Canon"))
    assert data[12:16] == b"VP8X"
    return patched(data, 24, (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little"))


def palette_png_with_alpha() -> bytes:
    im = picture(2, (64, 48)).convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    return encode(im, "PNG", transparency=bytes(range(0, 256, 16)))


def mpo() -> bytes:
    return encode(picture(1), "MPO", save_all=True, append_images=[picture(2)])


def animated_gif() -> bytes:
    return encode(picture(1), "GIF", save_all=True, append_images=[picture(2), picture(3)], duration=100)


def distance(a: str, b: str) -> int:
    return imagehash.hex_to_hash(a) - imagehash.hex_to_hash(b)


CHICAGO = dict(lat=("N", (41.0, 51.0, 0.108)), lon=("W", (87.0, 39.0, 0.18)))
SOURCE = picture(1)

ACCEPTED = [
    # name, bytes, format, mime, extension, (width, height)
    ("jpeg", encode(SOURCE, "JPEG", quality=90), "JPEG", "image/jpeg", "jpg", (640, 480)),
    ("png", encode(SOURCE, "PNG"), "PNG", "image/png", "png", (640, 480)),
    ("gif", encode(SOURCE, "GIF"), "GIF", "image/gif", "gif", (640, 480)),
    ("webp lossy", encode(SOURCE, "WEBP", quality=80), "WEBP", "image/webp", "webp", (640, 480)),
    ("webp lossless", encode(SOURCE, "WEBP", lossless=True), "WEBP", "image/webp", "webp", (640, 480)),
    ("mpo from a phone is a jpeg", mpo(), "JPEG", "image/jpeg", "jpg", (640, 480)),
    ("animated gif, first frame", animated_gif(), "GIF", "image/gif", "gif", (640, 480)),
    ("grey png", encode(SOURCE.convert("L"), "PNG"), "PNG", "image/png", "png", (640, 480)),
    ("16-bit png", encode(SOURCE.convert("I;16"), "PNG"), "PNG", "image/png", "png", (640, 480)),
    ("rgba png", encode(SOURCE.convert("RGBA"), "PNG"), "PNG", "image/png", "png", (640, 480)),
    ("cmyk jpeg", encode(SOURCE.convert("CMYK"), "JPEG"), "JPEG", "image/jpeg", "jpg", (640, 480)),
    ("palette png with alpha", palette_png_with_alpha(), "PNG", "image/png", "png", (64, 48)),
    ("one pixel", encode(Image.new("RGB", (1, 1)), "PNG"), "PNG", "image/png", "png", (1, 1)),
]


@pytest.mark.parametrize("name, data, fmt, mime, extension, size", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_accepted(name, data, fmt, mime, extension, size):
    original = bytes(data)
    facts = inspect_image(data)
    assert isinstance(facts, ImageFacts)
    assert (facts.format, facts.mime, image_extension(facts), (facts.width, facts.height)) == (fmt, mime, extension, size)
    assert facts.sha256 == hashlib.sha256(original).hexdigest() and data == original
    assert re.fullmatch(r"[0-9a-f]{16}", facts.phash)


def test_phash_is_what_imagehash_gives_for_the_file():
    """Investigators can reproduce it: imagehash.phash(Image.open(path)) for an upright RGB picture."""
    data = encode(SOURCE, "JPEG")
    assert inspect_image(data).phash == str(imagehash.phash(Image.open(io.BytesIO(data))))


@pytest.mark.parametrize("name, data", [(c[0], c[1]) for c in ACCEPTED[:6]], ids=[c[0] for c in ACCEPTED[:6]])
def test_every_encoding_of_a_picture_hashes_alike(name, data):
    assert distance(inspect_image(data).phash, inspect_image(ACCEPTED[1][1]).phash) <= 4


REJECTED = [
    # name, bytes, keyword arguments, reason
    ("html page", b"<!DOCTYPE html><html><head><title>404</title></head><body>Not found</body></html>", {},
     "not an image"),
    ("empty", b"", {}, "not an image"),
    ("text starting like a bitmap", b"BMW 3 series, one owner, call any time", {}, "not an image"),
    ("truncated jpeg", encode(SOURCE, "JPEG")[:9000], {}, "truncated or corrupt image"),
    ("truncated png", encode(SOURCE, "PNG")[:5000], {}, "truncated or corrupt image"),
    ("jpeg magic then junk", b"\xff\xd8\xff" + bytes(500), {}, "truncated or corrupt image"),
    ("png with a broken crc", patched(encode(SOURCE, "PNG"), 29, b"\x00\x00\x00\x00"), {},
     "truncated or corrupt image"),
    ("png bomb", png_bomb(), {}, "decompression bomb: 100000x100000 pixels declared (limit 50,000,000 pixels)"),
    ("jpeg bomb", jpeg_claiming(65_000, 65_000), {}, "decompression bomb: 65000x65000 pixels declared"),
    ("gif bomb", gif_claiming(65_535, 65_535), {}, "decompression bomb: 65535x65535 pixels declared"),
    ("webp bomb", webp_claiming(16_000, 16_000), {}, "decompression bomb: 16000x16000 pixels declared"),
    ("over the caller's pixel limit", encode(SOURCE, "PNG"), {"max_pixels": 300_000},
     "decompression bomb: 640x480 pixels declared (limit 300,000 pixels)"),
    ("over the byte limit", bytes(31_000_000), {}, "too large: 31.0 MB (limit 25 MB)"),
    ("over the caller's byte limit", encode(SOURCE, "PNG"), {"max_bytes": 1000}, "too large: "),
    ("tiff", encode(SOURCE, "TIFF"), {}, "unsupported format: TIFF"),
    ("bmp", encode(SOURCE, "BMP"), {}, "unsupported format: BMP"),
    ("svg", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', {}, "unsupported format: SVG"),
    ("avif", b"\x00\x00\x00\x1cftypavif" + bytes(64), {}, "unsupported format: AVIF"),
]


@pytest.mark.parametrize("name, data, kwargs, reason", REJECTED, ids=[c[0] for c in REJECTED])
def test_rejected(name, data, kwargs, reason):
    with pytest.raises(ImageRejected) as caught:
        inspect_image(data, **kwargs)
    assert caught.value.reason.startswith(reason) and str(caught.value) == caught.value.reason


UPRIGHT_NORTH = {"gps_lat": 41.85003, "gps_lon": -87.65005}
EXIF_CASES = [
    # name, EXIF written, what inspect_image reports
    ("camera, time and place",
     exif(make="Canon", model="Canon EOS 80D", software="GIMP 2.10", taken="2026:11:01 22:14:05", **CHICAGO),
     {"camera_make": "Canon", "camera_model": "Canon EOS 80D", "software": "GIMP 2.10",
      "taken_at": "2026-11-01T22:14:05", **UPRIGHT_NORTH}),
    ("south and east", exif(lat=("S", (33.0, 52.0, 4.0)), lon=("E", (151.0, 12.0, 36.0))),
     {"gps_lat": pytest.approx(-33.8677778), "gps_lon": pytest.approx(151.21)}),
    ("padding is stripped", exif(make="Apple\x00\x00", model="  iPhone 15  "),
     {"camera_make": "Apple", "camera_model": "iPhone 15"}),
    ("no fix written as 0,0", exif(lat=("N", (0.0, 0.0, 0.0)), lon=("E", (0.0, 0.0, 0.0))), {}),
    ("no hemisphere, no place", exif(lat=(None, (41.0, 51.0, 0.0)), lon=("W", (87.0, 39.0, 0.0))), {}),
    ("zero date", exif(taken="0000:00:00 00:00:00"), {}),
    ("impossible date", exif(taken="2026:13:45 10:00:00"), {}),
    ("orientation alone", exif(orientation=6), {}),
    ("none", Image.Exif(), {}),
]


@pytest.mark.parametrize("name, block, expected", EXIF_CASES, ids=[c[0] for c in EXIF_CASES])
@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_exif(name, block, expected, fmt):
    # As bytes: Pillow's PNG writer skips an Image.Exif whose first directory is empty (GPS only).
    assert inspect_image(encode(SOURCE, fmt, exif=block.tobytes())).exif == expected


def test_gif_has_no_exif():
    assert inspect_image(encode(SOURCE, "GIF")).exif == {}


def test_phash_is_of_the_picture_as_displayed():
    """A photo stored sideways with an Orientation tag hashes like the upright copy a site re-saves."""
    upright = inspect_image(encode(SOURCE, "PNG"))
    for orientation, stored in ((3, SOURCE.transpose(Image.Transpose.ROTATE_180)),
                                (6, SOURCE.transpose(Image.Transpose.ROTATE_90)),
                                (8, SOURCE.transpose(Image.Transpose.ROTATE_270))):
        facts = inspect_image(encode(stored, "PNG", exif=exif(orientation=orientation)))
        assert facts.phash == upright.phash
        assert (facts.width, facts.height) == stored.size  # the size as stored


def test_recropped_resized_recompressed_copy_is_near():
    original = inspect_image(encode(SOURCE, "JPEG", quality=90))
    w, h = SOURCE.size
    copy = SOURCE.crop((w // 50, h // 50, w - w // 50, h - h // 50)).resize((480, 360), Image.Resampling.BICUBIC)
    variant = inspect_image(encode(copy, "JPEG", quality=60))
    assert variant.sha256 != original.sha256
    assert distance(original.phash, variant.phash) <= 8


@pytest.mark.parametrize("seed", [2, 3, 4])
def test_unrelated_picture_is_far(seed):
    assert distance(inspect_image(encode(SOURCE, "JPEG")).phash, inspect_image(encode(picture(seed), "JPEG")).phash) > 16


@pytest.mark.parametrize("fmt, extension", [("JPEG", "jpg"), ("PNG", "png"), ("GIF", "gif"), ("WEBP", "webp")])
def test_image_extension(fmt, extension):
    assert image_extension(ImageFacts("0" * 64, "0" * 16, 1, 1, fmt, "image/x", {})) == extension


def test_image_extension_of_an_unknown_format():
    with pytest.raises(ValueError, match="TIFF"):
        image_extension(ImageFacts("0" * 64, "0" * 16, 1, 1, "TIFF", "image/tiff", {}))


def test_facts_are_frozen_and_hashable():
    facts = inspect_image(encode(SOURCE, "PNG"))
    with pytest.raises(AttributeError):
        facts.phash = "0" * 16
    assert hash(facts) == hash(inspect_image(encode(SOURCE, "PNG")))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP"])
def test_damaged_bytes_give_facts_or_a_reason_and_nothing_else(fmt):
    """Bytes from the web are hostile: flipped bytes and cut files never escape as another exception."""
    rng = random.Random(fmt)
    good = encode(picture(1, (96, 64)), fmt, **({"exif": exif(make="Canon", **CHICAGO).tobytes()} if fmt != "GIF" else {}))
    for _ in range(300):
        damaged = bytearray(good)
        for _ in range(rng.randrange(1, 6)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        if rng.random() < 0.2:
            damaged = damaged[:rng.randrange(len(damaged))]
        try:
            assert isinstance(inspect_image(bytes(damaged)), ImageFacts)
        except ImageRejected:
            pass
