"""Batched ingest against the real Neo4j: idempotency, versions, removals, out-of-order arrival, bad lines."""

import io
import json

import pytest

from graph.ingest import StrictModeError, ingest_lines, read_lines, write_batch
from graph.records import normalize
from helpers import observation, removal, scalar, sha


def ingest(driver, *records, batch_size=500):
    lines = io.BytesIO("".join(json.dumps(r) + "\n" for r in records).encode())
    return ingest_lines(driver, read_lines(lines), batch_size=batch_size)


def counts(driver):
    return (scalar(driver, "MATCH (n) RETURN count(n)"), scalar(driver, "MATCH ()-[r]->() RETURN count(r)"))


def test_one_observation_builds_the_graph(graph):
    stats = ingest(graph, observation())
    # Site, Ad, AdVersion, Phone, Email, Location, Image
    assert (stats.nodes_created, stats.relationships_created) == (7, 6)
    row = graph.execute_query("""
        MATCH (s:Site)<-[:POSTED_ON]-(a:Ad)-[:HAS_VERSION]->(v:AdVersion),
              (a)-[hp:HAS_PHONE]->(p:Phone), (a)-[:HAS_EMAIL]->(e:Email),
              (a)-[:IN_LOCATION]->(l:Location), (a)-[:HAS_IMAGE]->(i:Image)
        RETURN s.name AS site, a.title AS title, v.body AS body, v.raw_sha256 AS raw, p.e164 AS phone,
               hp.raw AS raw_phone, e.address AS email, l.name AS city, l.point.latitude AS lat,
               i.phash AS phash, a.first_seen = datetime('2026-11-01T10:00:00Z') AS first_seen_ok
    """).records[0]
    assert row["site"] == "demo-classifieds" and row["title"] == "New in town"
    assert row["phone"] == "+13125550147" and row["raw_phone"] == ["(312) five5five-0147"]
    assert row["email"] == "contact@example.org" and row["city"] == "Chicago" and row["lat"] == pytest.approx(41.85003)
    assert row["raw"] == sha("page-1001-a") and row["phash"] == "c3c3c3c3c3c3c3c3" and row["first_seen_ok"]


def test_handles_link_ads_by_platform_and_name(graph):
    ig = [{"platform": "instagram", "handle": "Mia.New", "raw": "IG: @Mia.New"}]
    ingest(graph, observation(site_ad_id="1", handles=ig),
           observation(site_ad_id="2", handles=[{"platform": "instagram", "handle": "@mia.new", "raw": "insta mia.new"}]),
           observation(site_ad_id="3", handles=[{"platform": "snapchat", "handle": "mia.new"}]))
    rows = graph.execute_query("MATCH (x:Handle)<-[h:HAS_HANDLE]-(a:Ad) RETURN x.handle_id AS id, x.platform AS platform, "
                               "x.handle AS handle, collect(a.site_ad_id) AS ads, collect(h.raw) AS raws "
                               "ORDER BY id").records
    assert [(r["id"], r["platform"], r["handle"], sorted(r["ads"])) for r in rows] == [
        ("instagram:mia.new", "instagram", "mia.new", ["1", "2"]), ("snapchat:mia.new", "snapchat", "mia.new", ["3"])]
    assert sorted(map(tuple, rows[0]["raws"])) == [("IG: @Mia.New",), ("insta mia.new",)]


def test_same_record_twice_creates_nothing_new(graph):
    records = [observation(site_ad_id=str(i), phones=[{"e164": f"+1312555{100 + i % 10:04d}", "raw": "x"}])
               for i in range(30)]
    first = ingest(graph, *records, batch_size=7)
    before = counts(graph)
    second = ingest(graph, *records, batch_size=7)
    assert first.nodes_created > 0
    assert (second.nodes_created, second.relationships_created) == (0, 0)
    assert counts(graph) == before


def test_shared_identifiers_are_one_node(graph):
    ingest(graph, observation(site_ad_id="1"), observation(site_ad_id="2", site="demo-personals"))
    assert scalar(graph, "MATCH (p:Phone) RETURN count(p)") == 1
    assert scalar(graph, "MATCH (:Phone)<-[:HAS_PHONE]-(a:Ad) RETURN count(a)") == 2
    assert scalar(graph, "MATCH (s:Site) RETURN count(s)") == 2


def test_edit_creates_a_second_version_and_keeps_the_first(graph):
    ingest(graph, observation())
    first = graph.execute_query("MATCH (v:AdVersion) RETURN properties(v) AS p").records[0]["p"]
    edited = observation(body="Call (312) 555-0147, new rates", fetched_at="2026-11-02T10:00:00Z",
                         raw_sha256=sha("page-1001-b"))
    stats = ingest(graph, edited)
    assert stats.nodes_created == 1  # only the new version
    versions = graph.execute_query(
        "MATCH (:Ad)-[:HAS_VERSION]->(v) RETURN properties(v) AS p ORDER BY v.fetched_at").records
    assert len(versions) == 2
    assert versions[0]["p"] == first  # untouched, every property
    assert versions[1]["p"]["body"] == "Call (312) 555-0147, new rates"
    assert versions[1]["p"]["raw_sha256"] == sha("page-1001-b")
    # Fetching the unchanged page again adds nothing but a later sighting.
    again = ingest(graph, dict(edited, fetched_at="2026-11-03T10:00:00Z"))
    assert (again.nodes_created, again.relationships_created) == (0, 0)
    assert scalar(graph, "MATCH (a:Ad) RETURN a.last_seen = datetime('2026-11-03T10:00:00Z')")


def test_removed_ad_is_kept_with_its_history(graph):
    ingest(graph, observation(), observation(body="edited", fetched_at="2026-11-02T10:00:00Z"))
    stats = ingest(graph, removal(fetched_at="2026-11-04T10:00:00Z"))
    assert stats.removals == 1 and stats.removals_ignored == 0
    row = graph.execute_query("""
        MATCH (a:Ad) OPTIONAL MATCH (a)-[:HAS_VERSION]->(v)
        RETURN a.removed_at = datetime('2026-11-04T10:00:00Z') AS removed, count(v) AS versions,
               COUNT { (a)-[:HAS_PHONE]->() } AS phones
    """).records[0]
    assert row["removed"] and row["versions"] == 2 and row["phones"] == 1
    # A second report of the same removal changes nothing.
    assert ingest(graph, removal(fetched_at="2026-11-05T10:00:00Z")).removals_ignored == 1
    assert scalar(graph, "MATCH (a:Ad) RETURN a.removed_at = datetime('2026-11-04T10:00:00Z')")


@pytest.mark.parametrize("report, why", [
    (removal(site_ad_id="unknown"), "unknown ad"),
    (removal(fetched_at="2026-11-04T10:00:00Z"), "already recorded"),
])
def test_removals_that_change_nothing(graph, report, why):
    ingest(graph, observation(), removal(fetched_at="2026-11-04T10:00:00Z"))
    before = graph.execute_query("MATCH (a:Ad) RETURN properties(a) AS p").records[0]["p"]
    assert ingest(graph, report).removals_ignored == 1, why
    assert graph.execute_query("MATCH (a:Ad) RETURN properties(a) AS p").records[0]["p"] == before


def test_an_earlier_removal_report_moves_removed_at_earlier(graph):
    ingest(graph, observation(), removal(fetched_at="2026-11-04T10:00:00Z"))
    assert ingest(graph, removal(fetched_at="2026-11-02T10:00:00Z")).removals_ignored == 0
    assert scalar(graph, "MATCH (a:Ad) RETURN a.removed_at.day") == 2


@pytest.mark.parametrize("order", ["in time order", "reversed", "one batch each", "reversed, one batch each"])
def test_relisted_ad_keeps_its_removal(graph, order):
    records = [observation(), removal(fetched_at="2026-11-02T10:00:00Z"), observation(fetched_at="2026-11-06T10:00:00Z")]
    if "reversed" in order:
        records.reverse()
    if "one batch each" in order:
        for record in records:
            ingest(graph, record)
    else:
        ingest(graph, *records)  # one batch: each ad's observations apply oldest first
    row = graph.execute_query("MATCH (a:Ad) RETURN a.removed_at AS removed, a.past_removals AS past").records[0]
    assert row["removed"] is None
    assert [p.to_native().isoformat() for p in row["past"]] == ["2026-11-02T10:00:00+00:00"]


def test_out_of_order_observations_keep_first_and_last_seen(graph):
    late = observation(fetched_at="2026-11-05T10:00:00Z", title="Later title",
                       phones=[{"e164": "+13125550147", "raw": "312.555.0147"}])
    early = observation(fetched_at="2026-11-01T10:00:00Z")
    ingest(graph, late)
    ingest(graph, early)
    row = graph.execute_query("""
        MATCH (a:Ad)-[h:HAS_PHONE]->(p:Phone)
        RETURN a.first_seen.day AS first, a.last_seen.day AS last, a.title AS title,
               h.first_seen.day AS hfirst, h.last_seen.day AS hlast, h.raw AS raw
    """).records[0]
    assert (row["first"], row["last"], row["hfirst"], row["hlast"]) == (1, 5, 1, 5)
    assert row["title"] == "Later title"  # the newest observation's title, whatever the order
    assert sorted(row["raw"]) == ["(312) five5five-0147", "312.555.0147"]


def test_faces_attach_to_their_image(graph):
    face = {"image_sha256": sha("image-a"), "engine": "dlib", "model": "dlib_face_recognition_resnet_model_v1",
            "box": [10, 20, 30, 40], "score": 0.98, "embedding": [0.1] * 128}
    ingest(graph, observation(faces=[face]))
    row = graph.execute_query("MATCH (:Image)-[:HAS_FACE]->(f:Face) RETURN f.engine AS engine, size(f.embedding) AS dims").records[0]
    assert (row["engine"], row["dims"]) == ("dlib", 128)
    # The vector index sees it.
    hits = graph.execute_query("CALL db.index.vector.queryNodes('face_embedding', 1, $v) YIELD node, score "
                               "RETURN score", v=[0.1] * 128).records
    assert hits and hits[0]["score"] == pytest.approx(1.0)


def test_fulltext_index_finds_every_version(graph):
    ingest(graph, observation(body="first text mentions sunshine"),
           observation(body="second text mentions moonlight", fetched_at="2026-11-02T10:00:00Z"))
    for word in ("sunshine", "moonlight"):
        graph.execute_query("CALL db.awaitIndexes(60)")
        found = graph.execute_query("CALL db.index.fulltext.queryNodes('ad_text', $q) YIELD node "
                                    "MATCH (a:Ad)-[:HAS_VERSION]->(node) RETURN count(DISTINCT a)", q=word).records[0][0]
        assert found == 1, word


def test_bad_lines_are_reported_and_good_lines_land(graph):
    lines = io.BytesIO(b"\n".join([
        json.dumps(observation(site_ad_id="1")).encode(),
        b"{not json",
        json.dumps(observation(site_ad_id="2")).encode(),
        b"",
        json.dumps(observation(site_ad_id="3", phones=[{"e164": "555-0147"}])).encode(),
        json.dumps(observation(site_ad_id="4")).encode(),
    ]) + b"\n")
    bad = []
    stats = ingest_lines(graph, read_lines(lines), batch_size=2, on_bad=bad.append)
    assert [(b.line_number, b.reason.split(":")[0]) for b in bad] == [(2, "not valid JSON"), (5, "phones/0/e164")]
    assert stats.records == 3 and stats.bad_lines == 2
    assert sorted(r[0] for r in graph.execute_query("MATCH (a:Ad) RETURN a.site_ad_id").records) == ["1", "2", "4"]


def test_strict_stops_at_the_first_bad_line_after_writing_what_came_before(graph):
    lines = io.BytesIO(b"\n".join([
        json.dumps(observation(site_ad_id="1")).encode(),
        json.dumps(observation(site_ad_id="2")).encode(),
        b"[]",
        json.dumps(observation(site_ad_id="4")).encode(),
    ]))
    with pytest.raises(StrictModeError) as info:
        ingest_lines(graph, read_lines(lines), batch_size=10, strict=True)
    assert info.value.bad.line_number == 3
    assert scalar(graph, "MATCH (a:Ad) RETURN count(a)") == 2


def test_a_batch_is_one_transaction(graph):
    """Batching means one commit per batch, not one per record: a failure late in the batch leaves nothing."""
    records = [normalize(observation(site_ad_id=str(i))) for i in range(200)]
    records[-1]["locations"] = [dict(records[-1]["locations"][0], location_id="geonames:0", lat=1000.0)]
    with pytest.raises(Exception, match="invalid coordinate"):
        write_batch(graph, records)
    assert scalar(graph, "MATCH (n) RETURN count(n)") == 0
    records.pop()
    write_batch(graph, records)
    assert scalar(graph, "MATCH (a:Ad) RETURN count(a)") == 199


def test_reader_thread_stops_when_the_writer_fails():
    """A failed write must not leave the reader blocked on a full queue, which hung the ingest for good."""
    import threading
    import time
    from graph.ingest import prefetch
    # Two items and room for one: the reader is waiting to hand over its end marker when the writer fails.
    stream = prefetch(iter(range(2)), depth=1)
    with pytest.raises(RuntimeError):
        for _ in stream:
            time.sleep(0.3)  # let the reader reach its end marker and block on the full queue
            raise RuntimeError("database failed")
    closer = threading.Thread(target=stream.close, daemon=True)
    closer.start()
    closer.join(timeout=10)
    assert not closer.is_alive(), "the reader thread never stopped"
