"""Observation records: what passes, what is refused and why, and how passing ones are normalized."""

import json

import pytest

from graph.records import RecordError, content_hash, parse_line
from helpers import observation, removal, sha


@pytest.mark.parametrize("line, reason", [
    ("not json", "not valid JSON"),
    ("[1, 2]", "is not of type 'object'"),
    (json.dumps({"site": "x"}), "'site_ad_id' is a required property"),
    (json.dumps(observation(title=None)), "title: None is not of type 'string'"),
    (json.dumps({k: v for k, v in observation().items() if k != "body"}), "'body' is a required property"),
    (json.dumps(observation(fetched_at="2026-11-01")), "fetched_at must be an RFC 3339 date-time with a time zone"),
    (json.dumps(observation(fetched_at="2026-11-01T10:00:00")), "fetched_at must be an RFC 3339 date-time with a time zone"),
    (json.dumps(observation(posted_at="yesterday")), "posted_at must be an RFC 3339 date-time"),
    (json.dumps(observation(phones=[{"e164": "312-555-0147"}])), "phones/0/e164: '312-555-0147' does not match"),
    (json.dumps(observation(images=[{"sha256": "abc"}])), "images/0/sha256: 'abc' does not match"),
    (json.dumps(observation(colour="red")), "('colour' was unexpected)"),
    (json.dumps(observation(url="file:///etc/passwd")), "url: 'file:///etc/passwd' does not match"),
    (json.dumps(observation(locations=[{"location_id": "g:1", "name": "X", "lat": 91}])), "locations/0/lat: 91 is greater"),
    (json.dumps(observation(faces=[{"image_sha256": sha("i"), "engine": "dlib", "model": "m", "box": [1, 2, 3]}])),
     "faces/0/box: [1, 2, 3] is too short"),
    (json.dumps(observation(faces=[{"image_sha256": sha("other"), "engine": "dlib", "model": "m", "box": [1, 2, 3, 4]}])),
     "faces/0/image_sha256: not one of this observation's images"),
])
def test_bad_lines_say_why(line, reason):
    with pytest.raises(RecordError) as info:
        parse_line(line)
    assert reason in str(info.value)


@pytest.mark.parametrize("record", [
    observation(),
    observation(posted_at=None, phones=[], emails=[], locations=[], images=[]),
    removal(),
    observation(faces=[{"image_sha256": sha("image-a"), "engine": "dlib", "model": "resnet-v1",
                        "box": [10, 20, 30, 40], "score": 0.99, "embedding": [0, 1, 0.5]}]),
])
def test_valid_records_pass(record):
    out = parse_line(json.dumps(record))
    assert out["site_ad_id"] == record["site_ad_id"]


def test_times_become_utc():
    out = parse_line(json.dumps(observation(fetched_at="2026-11-01T12:00:00+02:00")))
    assert out["fetched_at"] == "2026-11-01T10:00:00+00:00"


def test_emails_are_normalized_and_raw_texts_merged():
    out = parse_line(json.dumps(observation(
        emails=[{"address": "Foo@Example.ORG", "raw": "foo at example dot org"}, {"address": "foo@example.org", "raw": "foo@example.org"}],
        phones=[{"e164": "+13125550147", "raw": "a"}, {"e164": "+13125550147", "raw": "b"}, {"e164": "+13125550147", "raw": "a"}],
    )))
    assert out["emails"] == [{"address": "foo@example.org", "raw": ["foo at example dot org", "foo@example.org"]}]
    assert out["phones"] == [{"e164": "+13125550147", "raw": ["a", "b"]}]


def test_embedding_becomes_floats():
    face = {"image_sha256": sha("image-a"), "engine": "dlib", "model": "m", "box": [1, 2, 3, 4], "embedding": [0, 1]}
    out = parse_line(json.dumps(observation(faces=[face])))
    assert out["faces"][0]["embedding"] == [0.0, 1.0] and isinstance(out["faces"][0]["embedding"][0], float)
    assert len(out["faces"][0]["face_id"]) == 64


@pytest.mark.parametrize("a, b, same", [
    (("t", "b", ["1", "2"]), ("t", "b", ["2", "1"]), True),    # image order does not matter
    (("t", "b", []), ("t", "b ", []), False),                  # any text change is a new version
    (("t", "b", []), ("t2", "b", []), False),
    (("t", "b", ["1"]), ("t", "b", ["1", "2"]), False),         # a new photo is a new version
    (("ab", "c", []), ("a", "bc", []), False),                  # fields do not run together
    (("a\x1fb", "c", []), ("a", "b\x1fc", []), False),          # not even through separator characters
    (("a\0", "b", []), ("a", "\0b", []), False),
])
def test_content_hash(a, b, same):
    assert (content_hash(*a) == content_hash(*b)) is same


def test_version_id_cannot_be_forged_through_the_ad_id():
    one = parse_line(json.dumps(observation(site="x\u0000y", site_ad_id="z")))
    other = parse_line(json.dumps(observation(site="x", site_ad_id="y\u0000z")))
    assert one["version_id"] != other["version_id"]


def test_reasons_are_bounded():
    with pytest.raises(RecordError) as info:
        parse_line(json.dumps(observation(body="x" * 1_000_001)))
    assert len(str(info.value)) < 400 and "characters" in str(info.value)


def test_version_id_depends_on_the_ad():
    one = parse_line(json.dumps(observation()))
    other = parse_line(json.dumps(observation(site_ad_id="1002")))
    assert one["content_hash"] == other["content_hash"]
    assert one["version_id"] != other["version_id"]


def test_stored_keys_do_not_drift():
    """These hashes are keys in every store: a change here re-versions every ad already ingested."""
    assert content_hash("t", "b", ["2", "1"]) == "c4b7eb40d1188350a950820ca01f98b68fe9cc6c6911d29d6ddc42f8ea7683c0"
    assert parse_line(json.dumps(observation()))["version_id"] == (
        "9445eb0dbed952c2a3a62d514b2051a96d4ffa11dc0d5fafae50d33ecdda23b4")
