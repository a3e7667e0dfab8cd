"""What a downloaded image is, from its bytes alone: hashes, size, format and the EXIF that matters.

Pure: no files, no network, no global Pillow settings changed. The bytes are only
read, never rewritten; they are the evidence and sha256 is taken over them as
they arrived.

The declared pixel size is read from the header and checked before anything is
decoded, so a decompression bomb (a few hundred bytes claiming 100000x100000
pixels) is refused without allocating its pixels. Only the formats ad sites
serve are opened (JPEG, PNG, GIF, WebP), each by its own Pillow plugin, which
keeps Pillow's other decoders out of reach of downloaded bytes.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import struct
import zlib
from dataclasses import dataclass, field
from datetime import datetime

import imagehash
from PIL import ExifTags, GifImagePlugin, Image, JpegImagePlugin, PngImagePlugin, WebPImagePlugin

DEFAULT_MAX_PIXELS = 50_000_000
DEFAULT_MAX_BYTES = 25_000_000


class ImageRejected(Exception):
    """The bytes are not an image this project keeps; `reason` says why, for a log line or a DropItem."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ImageFacts:
    sha256: str  # hex SHA-256 of the bytes as downloaded: the Image node's key
    phash: str  # 16 hex digits: imagehash.phash (64 bits) of the first frame as displayed (EXIF orientation applied)
    width: int  # as stored, before EXIF orientation
    height: int
    format: str  # "JPEG", "PNG", "GIF" or "WEBP"
    mime: str
    exif: dict = field(hash=False)  # only keys that were found: see _exif_facts


# format: (MIME type, file extension). MPO (the multi-picture JPEG some phones write)
# is a JPEG that any viewer shows as its first picture, so it is reported as JPEG.
_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
}

# What Pillow raises while reading a header or decoding pixels it cannot make sense of
# (ImageFile turns most of them into SyntaxError; the decoders raise OSError). Its warnings
# about malformed data (a broken EXIF block read for the DPI, say) only raise where warnings
# are errors, as in the test suite; there they count as corruption too, so that nothing but
# ImageRejected ever leaves inspect_image.
_BROKEN = (SyntaxError, OSError, ValueError, EOFError, IndexError, KeyError, TypeError, struct.error, zlib.error,
           Warning)

_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


def inspect_image(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS, max_bytes: int = DEFAULT_MAX_BYTES) -> ImageFacts:
    """The facts of one downloaded image, or ImageRejected saying why it is not kept.

    Rejected: more than max_bytes, bytes that are no image, image formats other than
    JPEG, PNG, GIF and WebP, a declared size over max_pixels (checked on the header,
    before decoding), and files whose first frame does not decode completely
    (truncated or corrupt; as long as PIL.ImageFile.LOAD_TRUNCATED_IMAGES keeps its
    default, False)."""
    if len(data) > max_bytes:
        raise ImageRejected(f"too large: {len(data) / 1e6:.1f} MB (limit {max_bytes / 1e6:g} MB)")
    kind = _sniff(data)
    if kind is None:
        raise ImageRejected("not an image")
    if kind not in _FORMATS:
        raise ImageRejected(f"unsupported format: {kind} (only JPEG, PNG, GIF and WebP are kept)")

    if kind == "WEBP" and (size := _webp_size(data)):
        # libwebp allocates the whole canvas as soon as Pillow opens the file: check first.
        _check_pixels(*size, max_pixels)
    try:
        im = _open(kind, io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own limit, checked inside some plugins (and a warning is an error under -W error).
        raise ImageRejected(f"decompression bomb: {exc}") from exc
    except _BROKEN as exc:
        raise ImageRejected("truncated or corrupt image") from exc
    with im:
        width, height = im.size
        _check_pixels(width, height, max_pixels)
        try:
            im.load()  # first frame only
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageRejected(f"decompression bomb: {exc}") from exc
        except _BROKEN as exc:
            raise ImageRejected("truncated or corrupt image") from exc
        exif, orientation = _exif_facts(im)
        mime, _ = _FORMATS[kind]
        return ImageFacts(
            sha256=hashlib.sha256(data).hexdigest(),
            phash=_phash(im, orientation),
            width=width,
            height=height,
            format=kind,
            mime=mime,
            exif=exif,
        )


def image_extension(facts: ImageFacts) -> str:
    """The usual file extension for the image's format, without the dot: "jpg", "png", "gif", "webp"."""
    try:
        return _FORMATS[facts.format][1]
    except KeyError:
        raise ValueError(f"no extension known for image format {facts.format!r}") from None


def _sniff(data: bytes) -> str | None:
    """The image format the leading bytes announce (supported or not), or None if they announce none."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "TIFF"
    if data[:2] == b"BM" and len(data) >= 18 and struct.unpack("<I", data[14:18])[0] in (12, 40, 52, 56, 64, 108, 124):
        return "BMP"
    if data[:4] == b"8BPS":
        return "PSD"
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand in (b"avif", b"avis"):
            return "AVIF"
        if brand in _HEIF_BRANDS:
            return "HEIF"
    if data.startswith((b"\x00\x00\x00\x0cjP  \r\n\x87\n", b"\xff\x4f\xff\x51")):
        return "JPEG 2000"
    if data.startswith((b"\xff\x0a", b"\x00\x00\x00\x0cJXL \r\n\x87\n")):
        return "JPEG XL"
    if data[:4] == b"\x00\x00\x01\x00" and len(data) >= 6 and data[4:6] != b"\x00\x00":
        return "ICO"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head):
        return "SVG"
    return None


def _open(kind: str, fp: io.BytesIO) -> Image.Image:
    """The format's own plugin reads the header only (Image.open would also try every other
    format and apply Pillow's global pixel limit, which we leave alone)."""
    if kind == "JPEG":
        im = JpegImagePlugin.jpeg_factory(fp)  # a JpegImageFile, or an MpoImageFile
    elif kind == "PNG":
        im = PngImagePlugin.PngImageFile(fp)
    elif kind == "GIF":
        im = GifImagePlugin.GifImageFile(fp)
    else:
        im = WebPImagePlugin.WebPImageFile(fp)
    return im


def _webp_size(data: bytes) -> tuple[int, int] | None:
    """The canvas size a WebP header declares (VP8X, lossy VP8 or lossless VP8L), if readable."""
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        return (int.from_bytes(data[26:28], "little") & 0x3FFF, int.from_bytes(data[28:30], "little") & 0x3FFF)
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _check_pixels(width: int, height: int, max_pixels: int) -> None:
    if width * height > max_pixels:
        raise ImageRejected(f"decompression bomb: {width}x{height} pixels declared (limit {max_pixels:,} pixels)")


# EXIF Orientation -> the transpose that shows the picture upright (as ImageOps.exif_transpose does).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _phash(im: Image.Image, orientation: int | None) -> str:
    """imagehash.phash of the picture as a viewer shows it: a copy re-saved upright by a site that
    strips EXIF gets the same hash. Palette transparency goes through RGBA, as Pillow asks."""
    picture = im
    if picture.mode in ("P", "PA") or (picture.mode != "RGBA" and "transparency" in picture.info):
        picture = picture.convert("RGBA")
    if orientation in _UPRIGHT:
        picture = picture.transpose(_UPRIGHT[orientation])
    try:
        return str(imagehash.phash(picture))
    except _BROKEN as exc:
        raise ImageRejected(f"unsupported pixel mode {im.mode}") from exc


_EXIF_TIME = re.compile(r"(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")


def _exif_facts(im: Image.Image) -> tuple[dict, int | None]:
    """(the EXIF investigators use, the Orientation tag). Keys, present only when found:
    camera_make, camera_model, software, taken_at (DateTimeOriginal, else DateTimeDigitized,
    as "YYYY-MM-DDTHH:MM:SS" in the camera's local time: EXIF records no zone), gps_lat,
    gps_lon (decimal degrees, south and west negative; both or neither, and never 0,0).

    EXIF is whatever the uploader's software wrote: a malformed block costs the metadata,
    never the image."""
    facts: dict = {}
    orientation = None
    try:
        exif = im.getexif()
        for key, tag in (("camera_make", ExifTags.Base.Make), ("camera_model", ExifTags.Base.Model),
                         ("software", ExifTags.Base.Software)):
            if text := _text(exif.get(tag)):
                facts[key] = text
        value = exif.get(ExifTags.Base.Orientation)
        orientation = value if isinstance(value, int) else None
        details = exif.get_ifd(ExifTags.IFD.Exif)
        for tag in (ExifTags.Base.DateTimeOriginal, ExifTags.Base.DateTimeDigitized):
            if taken := _timestamp(details.get(tag)):
                facts["taken_at"] = taken
                break
        facts.update(_gps(exif.get_ifd(ExifTags.IFD.GPSInfo)))
    except Exception:  # noqa: BLE001 - untrusted metadata: keep what was read before the fault
        pass
    return facts, orientation


def _text(value) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    value = value.replace("\x00", "").strip()
    return value[:200] or None


def _timestamp(value) -> str | None:
    text = _text(value)
    match = _EXIF_TIME.match(text or "")
    if not match:
        return None
    try:
        return datetime(*map(int, match.groups())).isoformat()
    except ValueError:  # "0000:00:00 00:00:00" and other impossible dates
        return None


def _gps(gps: dict) -> dict:
    lat = _degrees(gps.get(ExifTags.GPS.GPSLatitude), _text(gps.get(ExifTags.GPS.GPSLatitudeRef)), "N", "S", 90)
    lon = _degrees(gps.get(ExifTags.GPS.GPSLongitude), _text(gps.get(ExifTags.GPS.GPSLongitudeRef)), "E", "W", 180)
    if lat is None or lon is None or (lat == 0 and lon == 0):  # 0,0 is what some apps write without a fix
        return {}
    return {"gps_lat": lat, "gps_lon": lon}


def _degrees(dms, ref: str | None, positive: str, negative: str, limit: float) -> float | None:
    """Degrees, minutes, seconds and a hemisphere letter as signed decimal degrees; None if unusable
    (no hemisphere: a coordinate with a guessed sign would put the picture on the wrong continent)."""
    if ref is None or ref.upper()[:1] not in (positive, negative) or not isinstance(dms, tuple) or len(dms) != 3:
        return None
    degrees, minutes, seconds = (float(part) for part in dms)
    value = degrees + minutes / 60 + seconds / 3600
    if not math.isfinite(value) or not 0 <= value <= limit:
        return None
    return round(-value if ref.upper()[:1] == negative else value, 7)
