"""Ad observations: parse one JSON line, validate it against observation.schema.json, normalize it.

An observation that passes is a plain dict ready for graph.ingest; one that
does not raises RecordError with a reason a person can act on.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

import fastjsonschema
import jsonschema
import orjson
import phonenumbers

SCHEMA_FILE = Path(__file__).with_name("observation.schema.json")


class RecordError(ValueError):
    """An observation line is not valid; str() says why."""


@cache
def _schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text())


@cache
def _fast_validate():
    # Compiled to Python: about 20x faster than jsonschema, which matters at thousands of ads/s.
    return fastjsonschema.compile(_schema())


def _explain(record) -> str:
    """Every schema error, worded by jsonschema (only for lines that failed, so speed does not matter)."""
    errors = sorted(jsonschema.Draft7Validator(_schema()).iter_errors(record), key=jsonschema.exceptions.relevance)
    return "; ".join(
        f"{'/'.join(str(p) for p in error.absolute_path) or 'record'}: {_shorten(error.message)}" for error in errors[:5]
    )


def _shorten(message: str, limit: int = 300) -> str:
    """Messages quote the offending value, which can be a megabyte of ad text."""
    return message if len(message) <= limit else message[:limit] + f"… ({len(message):,} characters)"


def _reword(message: str) -> str:
    """fastjsonschema's wording for what jsonschema does not check (formats)."""
    message = message.removeprefix("data.")
    return _shorten(message.replace("must be date-time", "must be an RFC 3339 date-time with a time zone, "
                                                         "like 2026-11-01T10:00:00Z"))


def parse_line(line: str | bytes) -> dict:
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise RecordError(f"not valid JSON: {_shorten(str(exc))}") from None
    return normalize(record)


def normalize(record) -> dict:
    try:
        _fast_validate()(record)
    except fastjsonschema.JsonSchemaValueException as exc:
        raise RecordError(_explain(record) or _reword(exc.message)) from None

    out = dict(record)
    out["fetched_at"] = _timestamp(record["fetched_at"], "fetched_at")
    out["removed"] = bool(record.get("removed", False))
    if out["removed"]:
        return out
    out["posted_at"] = _timestamp(record["posted_at"], "posted_at") if record.get("posted_at") else None
    out["url"] = record.get("url")
    out["phones"] = _merge_raw(record.get("phones", []), "e164")
    out["emails"] = _merge_raw([{**e, "address": e["address"].strip().lower()} for e in record.get("emails", [])], "address")
    out["handles"] = _merge_raw([{"handle_id": handle_id(h["platform"], h["handle"]), **h}
                                 for h in record.get("handles", [])], "handle_id")
    out["locations"] = list({loc["location_id"]: loc for loc in record.get("locations", [])}.values())
    out["images"] = list({img["sha256"]: img for img in record.get("images", [])}.values())
    images = {img["sha256"] for img in out["images"]}
    for n, face in enumerate(record.get("faces", [])):
        if face["image_sha256"] not in images:
            raise RecordError(f"faces/{n}/image_sha256: not one of this observation's images")
    out["faces"] = [face_row(face) for face in record.get("faces", [])]
    out["content_hash"] = content_hash(record["title"], record["body"], [img["sha256"] for img in out["images"]])
    out["version_id"] = _sha256(json.dumps([record["site"], record["site_ad_id"], out["content_hash"]]))
    return out


# content_hash, version_id and face_id are stored keys: changing how they are computed would give
# every stored ad a second copy of its versions. Treat them as part of the stored format.
def content_hash(title: str, body: str, image_sha256s: list[str]) -> str:
    """What makes two fetches of an ad the same version: its visible text and its set of images."""
    return _sha256(json.dumps([title, body, sorted(image_sha256s)]))


def face_id(face: dict) -> str:
    return _sha256(json.dumps([face["image_sha256"], face["engine"], face["model"], face["box"]]))


def readable_phone(e164: str, home: str = "US") -> str:
    """A number as an investigator reads it: national format at home ("+13125550147" -> "(312)
    555-0147"), international abroad ("+44 20 7946 0123"); the text itself when it is no number."""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    style = (phonenumbers.PhoneNumberFormat.NATIONAL if phonenumbers.region_code_for_number(number) == home
             else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, style) or e164


def handle_id(platform: str, handle: str) -> str:
    """A Handle node's key: platform:handle, lower case, without the @."""
    return f"{platform}:{handle.strip().lstrip('@').lower()}"


def face_row(face: dict) -> dict:
    """A face observation item as the ingest writes it: with its face_id, its vector as floats."""
    out = {"score": None, "embedding": None, **face, "face_id": face_id(face)}
    if out["embedding"] is not None:
        out["embedding"] = [float(x) for x in out["embedding"]]  # the vector index takes only float lists
    return out


def _merge_raw(items: list[dict], key: str) -> list[dict]:
    """One entry per identifier, keeping every distinct raw text it appeared as (evidence of the disguise)."""
    merged: dict[str, list[str]] = {}
    for item in items:
        raws = merged.setdefault(item[key], [])
        raw = item.get("raw")
        if raw is not None and raw not in raws:
            raws.append(raw)
    return [{key: value, "raw": raws} for value, raws in merged.items()]


def _timestamp(value: str, field: str) -> str:
    """The time in UTC, ISO 8601. Kept a string: the driver packs datetime objects about 5x slower,
    and Cypher's datetime() reads this form."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise RecordError(f"{field}: {value!r} is not an RFC 3339 date-time") from None
    if parsed.tzinfo is None:
        raise RecordError(f"{field}: {value!r} has no time zone (add Z or +00:00)")
    return parsed.astimezone(timezone.utc).isoformat()


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
