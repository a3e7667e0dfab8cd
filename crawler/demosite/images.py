"""The demo site's pictures: abstract, generated, and built so perceptual hashes behave.

A picture is a smooth luminance field with coloured shapes laid over it in the
chroma channels only, so the shapes do not move its brightness. The field is the sum
of the 63 lowest non-constant 2-D cosines, each with the sign of one bit of a
designed code word, and that is exactly what a 64-bit pHash (imagehash.phash)
measures: the hash of a picture is its code word (give or take one bit). Code words
come from the BCH(63,16) code, whose words differ in at least 23 bits, keeping only
the balanced ones (30-32 ones; pHash splits at the median). So unrelated pictures
are at least 21 bits apart, while a re-cropped, resized, brighter, re-compressed
copy stays within a few bits of its original.

Bad files are here too: HTML served as a JPEG, a truncated JPEG, and a PNG whose
header declares 100,000 x 100,000 pixels (a decompression bomb, built by hand
without the pixels).
"""

from __future__ import annotations

import io
import random
import struct
import zlib
from fractions import Fraction
from functools import lru_cache

import numpy as np
from PIL import ExifTags, Image, ImageDraw, ImageEnhance, ImageOps

from crawler.demosite.corpus import Exif, ImageSpec

BAD_HTML = (b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
            b"<body><h1>502 Bad Gateway</h1><p>The image server is not answering.</p></body></html>\n")
BOMB_SIZE = 100_000  # pixels each way, as the bomb's header declares
MIN_SIDE, MAX_SIDE = 320, 800  # a resized variant stays within these


@lru_cache(maxsize=2048)
def render(spec: ImageSpec) -> bytes:
    """The file a spec stands for, drawn on first use and then kept (the 2,048 most recent, about
    80 MB; drawing one takes 2-15 ms)."""
    if spec.bad == "html":
        return BAD_HTML
    if spec.bad == "bomb":
        return bomb_png(BOMB_SIZE, BOMB_SIZE)
    image = portrait() if spec.portrait else picture(spec.seed, spec.picture, spec.width, spec.height)
    if spec.mirror:
        image = ImageOps.mirror(image)
    if spec.crop != (0.0, 0.0, 0.0, 0.0):
        left, top, right, bottom = spec.crop
        w, h = image.size
        image = image.crop((round(left * w), round(top * h), w - round(right * w), h - round(bottom * h)))
    if spec.scale != 1.0:
        w, h = image.size
        factor = min(max(spec.scale, MIN_SIDE / min(w, h)), MAX_SIDE / max(w, h))
        image = image.resize((round(w * factor), round(h * factor)), Image.Resampling.BICUBIC)
    if spec.brightness != 1.0:
        image = ImageEnhance.Brightness(image).enhance(spec.brightness)
    out = io.BytesIO()
    if spec.format == "PNG":
        image.save(out, "PNG", compress_level=1)
    else:
        extra = {"exif": _exif(spec.exif)} if spec.exif else {}
        image.save(out, "JPEG", quality=spec.quality, **extra)
    data = out.getvalue()
    if spec.bad == "truncated":
        return data[: len(data) * 2 // 5]
    return data


@lru_cache(maxsize=1)
def portrait() -> Image.Image:
    """The NASA portrait of astronaut Eileen Collins (public domain) that scikit-image ships in its
    wheel: a real face for face matching, with no one's private photo in the project."""
    from skimage.data import astronaut

    return Image.fromarray(astronaut())


@lru_cache(maxsize=16)
def picture(seed: int, index: int, width: int, height: int) -> Image.Image:
    """The base picture `index` of a corpus (RGB). Treat the result as read-only: it is shared."""
    rng = random.Random(seed * 1_000_003 + index)
    words = _balanced_codewords()
    code = int(words[(index + seed * 7919) % len(words)])
    coeffs = np.zeros((8, 8))
    for bit in range(63):  # coefficient (v, u) = (row, column) frequency; (0, 0) is the mean
        v, u = divmod(bit + 1, 8)
        coeffs[v, u] = (1.0 if code >> bit & 1 else -1.0) * (1.0 + 0.4 * rng.random())
    cos_y = np.cos(np.pi * np.outer(np.arange(8), (np.arange(height) + 0.5) / height))
    cos_x = np.cos(np.pi * np.outer(np.arange(8), (np.arange(width) + 0.5) / width))
    # einsum, not @: BLAS would start its thread pool for the big product and spin on busy machines.
    field = np.einsum("hu,uw->hw", np.einsum("vh,vu->hu", cos_y, coeffs), cos_x)
    luma = 128 + field * (60 / np.abs(field).max())
    planes = []
    for _ in range(2):  # Cb, Cr: a tint and coloured shapes, leaving brightness alone
        plane = Image.new("L", (width, height), 128 + rng.randint(-20, 20))
        draw = ImageDraw.Draw(plane)
        for _ in range(rng.randint(4, 9)):
            x, y, r = rng.randrange(width), rng.randrange(height), rng.randint(width // 12, width // 3)
            value = 128 + rng.choice((-1, 1)) * rng.randint(15, 45)
            shape = rng.random()
            if shape < 0.4:
                draw.ellipse((x - r, y - r, x + r, y + r), fill=value)
            elif shape < 0.7:
                draw.rectangle((x - r, y - r // 2, x + r, y + r // 2), fill=value)
            else:
                draw.polygon([(rng.randrange(width), rng.randrange(height)) for _ in range(3)], fill=value)
        planes.append(plane)
    return Image.merge("YCbCr", (Image.fromarray(luma.astype(np.uint8)), *planes)).convert("RGB")


def bomb_png(width: int, height: int) -> bytes:
    """A PNG that declares width x height RGB pixels but holds one tiny compressed row."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))


def _exif(info: Exif) -> Image.Exif:
    exif = Image.Exif()
    stamp = info.taken_at.strftime("%Y:%m:%d %H:%M:%S")
    exif[ExifTags.Base.Make] = info.make
    exif[ExifTags.Base.Model] = info.model
    exif[ExifTags.Base.DateTime] = stamp
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = stamp
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSVersionID] = b"\x02\x03\x00\x00"
    gps[ExifTags.GPS.GPSLatitudeRef] = "N" if info.lat >= 0 else "S"
    gps[ExifTags.GPS.GPSLatitude] = _dms(info.lat)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E" if info.lon >= 0 else "W"
    gps[ExifTags.GPS.GPSLongitude] = _dms(info.lon)
    return exif


def _dms(degrees: float) -> tuple[Fraction, Fraction, Fraction]:
    value = abs(degrees)
    whole = int(value)
    minutes = int((value - whole) * 60)
    seconds = round(((value - whole) * 60 - minutes) * 60 * 100)
    return Fraction(whole), Fraction(minutes), Fraction(seconds, 100)


@lru_cache(maxsize=1)
def _balanced_codewords() -> np.ndarray:
    """The words of the BCH(63,16) code (minimum distance 23) with 30 to 32 ones, about 30,000."""
    generator = _bch_generator()
    messages = np.arange(1, 1 << 16, dtype=np.uint64)
    words = np.zeros_like(messages)
    for bit in range(16):  # word = message x generator, carry-less
        words ^= np.where((messages >> np.uint64(bit)) & np.uint64(1), np.uint64(generator << bit), np.uint64(0))
    weight = np.bitwise_count(words)
    return words[(weight >= 30) & (weight <= 32)]


def _bch_generator() -> int:
    """The generator polynomial of the narrow-sense binary BCH code of length 63 correcting 11
    errors: the product of the minimal polynomials of a^1..a^22 over GF(64) = GF(2)[x]/(x^6+x+1)."""
    exp, log = [0] * 126, [0] * 64
    x = 1
    for i in range(63):
        exp[i] = exp[i + 63] = x
        log[x] = i
        x <<= 1
        if x & 64:
            x ^= 0b1000011
    generator, done = 1, set()
    for i in range(1, 23):
        if i in done:
            continue
        coset, j = [], i
        while j not in coset:
            coset.append(j)
            j = j * 2 % 63
        done.update(coset)
        poly = [1]  # coefficients in GF(64), lowest degree first
        for j in coset:  # poly *= (x + a^j)
            shifted = [0] + poly
            for k, c in enumerate(poly):
                shifted[k] ^= exp[log[c] + j] if c else 0
            poly = shifted
        minimal = sum(c << k for k, c in enumerate(poly))  # its coefficients are 0 or 1
        product = 0
        for k in range(minimal.bit_length()):
            if minimal >> k & 1:
                product ^= generator << k
        generator = product
    return generator
