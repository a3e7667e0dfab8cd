"""Every shipped pattern query against one small fictional graph in which each has at least one
true hit and one near miss; results are checked exactly, columns and rows. Also `adgraph queries`."""

from __future__ import annotations

import csv
import io
import json

import pytest

from graph import stored_queries as sq
from graph.ingest import write_batch
from graph.networks import assign_networks
from graph.records import face_id, normalize

from helpers import adgraph, observation, removal, sha

A, B = "alpha-classifieds", "beta-listings"
AS_OF = "2026-11-30T00:00:00Z"
CITIES = {"chicago": ("geonames:4887398", "Chicago", "IL", 41.85, -87.65),
          "denver": ("geonames:5419384", "Denver", "CO", 39.74, -104.98),
          "houston": ("geonames:4699066", "Houston", "TX", 29.76, -95.36),
          "miami": ("geonames:4164138", "Miami", "FL", 25.77, -80.19),
          "atlanta": ("geonames:4180439", "Atlanta", "GA", 33.75, -84.39)}


def phone(n: int) -> str:
    """A fictional number, +1 312 555 0100 to 0199."""
    assert 100 <= n <= 199
    return f"+1312555{n:04d}"


def at(day: str, hour: int = 10) -> str:
    return f"2026-{day}T{hour:02d}:00:00Z"


def seen(day: str, hour: int = 10) -> str:
    """A time as the results give it."""
    return f"2026-{day}T{hour:02d}:00:00+00:00"


def face(image: str) -> dict:
    return {"image_sha256": sha(image), "engine": "dlib", "model": "test-model", "box": [10, 10, 80, 80]}


def ad(ad_id: str, when: str, site: str = A, phones=(), emails=(), handles=(), images=(), cities=(), faces=(),
       title: str | None = None, body: str | None = None) -> dict:
    """One observation with only what is given; every ad's text is its own unless given."""
    return normalize(observation(
        site=site, site_ad_id=ad_id, url=f"http://127.0.0.1:8000/ad/{ad_id}", fetched_at=when, posted_at=when,
        title=title or f"Ad {ad_id}", body=body or f"Text of ad {ad_id}", raw_sha256=sha(f"{site}/{ad_id}/{when}"),
        phones=[{"e164": phone(p), "raw": phone(p)} for p in phones],
        emails=[{"address": e} for e in emails],
        handles=[{"platform": "instagram", "handle": h} for h in handles],
        locations=[dict(zip(("location_id", "name", "region", "lat", "lon"), CITIES[c]), country="US") for c in cities],
        images=[{"sha256": sha(i), "phash": "c3c3c3c3c3c3c3c3"} for i in images],
        faces=[face(i) for i in faces]))


OBSERVATIONS = [
    # phone_in_many_cities: 0101 in three cities in five days (hit); 0102 takes eleven (miss).
    ad("a1", at("11-01"), phones=[101], cities=["chicago"]),
    ad("a2", at("11-03"), phones=[101], cities=["denver"]),
    ad("a3", at("11-05"), phones=[101], cities=["houston"]),
    ad("b1", at("11-01"), phones=[102], cities=["chicago"]),
    ad("b2", at("11-03"), phones=[102], cities=["denver"]),
    ad("b3", at("11-12"), phones=[102], cities=["houston"]),
    # network_many_cities_same_day: three cities on 20 Nov (hit); three cities over two days (miss).
    ad("c1", at("11-20", 8), emails=["tour@example.org"], cities=["chicago"]),
    ad("c2", at("11-20", 12), emails=["tour@example.org"], cities=["denver"]),
    ad("c3", at("11-20", 20), emails=["tour@example.org"], cities=["miami"]),
    ad("d1", at("11-20", 8), emails=["two@example.org"], cities=["chicago"]),
    ad("d2", at("11-20", 12), emails=["two@example.org"], cities=["denver"]),
    ad("d3", at("11-21", 1), emails=["two@example.org"], cities=["miami"]),
    # network_moved_city: Chicago, then Atlanta (hit); Houston, then Houston again (miss).
    ad("e1", at("10-20"), emails=["mover@example.org"], cities=["chicago"]),
    ad("e2", at("11-25"), emails=["mover@example.org"], cities=["atlanta"]),
    ad("f1", at("10-20"), emails=["stayer@example.org"], cities=["houston"]),
    ad("f2", at("11-25"), emails=["stayer@example.org"], cities=["houston"]),
    # image_with_several_phones: one picture, two phones (hit); one picture, one phone twice (miss).
    ad("g1", at("11-02"), phones=[103], images=["img-g"]),
    ad("g2", at("11-04"), phones=[104], images=["img-g"]),
    ad("h1", at("11-02"), phones=[105], images=["img-h"]),
    ad("h2", at("11-04"), phones=[105], images=["img-h"]),
    # face_with_several_phones: two pictures of one face (SAME_FACE, added below), two phones (hit);
    # two faces never judged the same, two phones (miss).
    ad("i1", at("11-02"), phones=[106], images=["img-i1"], faces=["img-i1"]),
    ad("i2", at("11-04"), phones=[107], images=["img-i2"], faces=["img-i2"]),
    ad("j1", at("11-02"), phones=[108], images=["img-j1"], faces=["img-j1"]),
    ad("j2", at("11-04"), phones=[109], images=["img-j2"], faces=["img-j2"]),
    # near_duplicate_images_different_phones (edges added below): distance 4, two phones (hit);
    # distance 3, one phone (miss); distance 12, two phones (miss).
    ad("k1", at("11-02"), phones=[110], images=["img-k1"]),
    ad("k2", at("11-04"), phones=[111], images=["img-k2"]),
    ad("l1", at("11-02"), phones=[112], images=["img-l1"]),
    ad("l2", at("11-04"), phones=[112], images=["img-l2"]),
    ad("m1", at("11-02"), phones=[113], images=["img-m1"]),
    ad("m2", at("11-04"), phones=[114], images=["img-m2"]),
    # reposted_after_removal: removed on 3 Nov, the same ad on another site on 10 Nov (hit);
    # the same phone on an ad older than the removal, and on one 47 days after it (misses).
    ad("n1", at("11-01"), phones=[115], title="Back in town", body="Sweet and discreet"),
    normalize(removal("n1", at("11-03"), site=A)),
    ad("n2", at("11-10"), site=B, phones=[115], title="Back in town", body="Sweet and discreet"),
    ad("o1", at("11-01"), phones=[116]),
    normalize(removal("o1", at("11-03"), site=A)),
    ad("o2", at("10-25"), phones=[116]),
    ad("o3", at("12-20"), phones=[116]),
    # network_newest_ads: the network of q1..q3; q1 is older than a week (miss), r1 is another network (miss).
    ad("q1", at("11-10"), phones=[117]),
    ad("q2", at("11-26"), phones=[117]),
    ad("q3", at("11-28"), phones=[117]),
    ad("r1", at("11-27"), phones=[118]),
    # new_phone_many_ads (min_ads 3): new and in three ads (hit); new in two (miss); in three but old (miss).
    ad("s1", at("11-25"), phones=[119]),
    ad("s2", at("11-26"), phones=[119]),
    ad("s3", at("11-27"), phones=[119]),
    ad("t1", at("11-26"), phones=[120]),
    ad("t2", at("11-27"), phones=[120]),
    ad("t3", at("10-01"), phones=[121]),
    ad("t4", at("11-26"), phones=[121]),
    ad("t5", at("11-26"), phones=[121]),
    # ad_changed_phone: 0122 replaced by 0123 (hit); 0125 added beside 0124 (miss).
    ad("u1", at("11-05"), phones=[122], body="Call 0122"),
    ad("u1", at("11-12"), phones=[123], body="Call 0123"),
    ad("u2", at("11-05"), phones=[124], body="Call 0124"),
    ad("u2", at("11-12"), phones=[124, 125], body="Call 0124 or 0125"),
    # email_across_sites: one address on two sites (hit); the addresses above are each on one site (misses).
    ad("v1", at("11-02"), emails=["shared@example.org"]),
    ad("v2", at("11-04"), site=B, emails=["shared@example.org"]),
    # handle_with_several_phones: one handle, two phones (hit); one handle, one phone twice (miss).
    ad("w1", at("11-02"), phones=[126], handles=["mia.fictional"]),
    ad("w2", at("11-04"), phones=[127], handles=["mia.fictional"]),
    ad("w3", at("11-02"), phones=[128], handles=["solo.fictional"]),
    ad("w4", at("11-04"), phones=[128], handles=["solo.fictional"]),
    # hubs (min_ads 3): a phone on four ads (hit); 0117, 0119 and 0121 are on three (misses).
    *[ad(f"x{n}", at("10-01"), phones=[130]) for n in range(1, 5)],
    # ads_mentioning: the phrase now (hit), a word in an old version only (hit), the words apart (miss).
    ad("y1", at("11-02"), body="Meet me at the Blue Lagoon tonight"),
    ad("y2", at("11-02"), body="A little paradise downtown"),
    ad("y2", at("11-06"), title="Ad y2, edited", body="A little place downtown"),
    ad("y3", at("11-02"), body="A blue sky over the lagoon"),
]


@pytest.fixture(scope="module")
def fixture_graph(driver):
    """The fixture graph, built once for this module (its tests only read it)."""
    with driver.session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    write_batch(driver, OBSERVATIONS)
    near = [("img-k1", "img-k2", 4), ("img-l1", "img-l2", 3), ("img-m1", "img-m2", 12)]
    driver.execute_query("""
        UNWIND $pairs AS pair
        MATCH (a:Image {sha256: pair.low}), (b:Image {sha256: pair.high})
        MERGE (a)-[:NEAR_DUPLICATE {distance: pair.distance}]->(b)""",
                         pairs=[{"low": min(sha(x), sha(y)), "high": max(sha(x), sha(y)), "distance": d} for x, y, d in near])
    low, high = sorted(face_id(face(i)) for i in ("img-i1", "img-i2"))
    driver.execute_query("MATCH (a:Face {face_id: $low}), (b:Face {face_id: $high}) "
                         "MERGE (a)-[:SAME_FACE {similarity: 0.97}]->(b)", low=low, high=high)
    assign_networks(driver, {(o["site"], o["site_ad_id"]) for o in OBSERVATIONS})
    return driver


@pytest.fixture(scope="module")
def nets(fixture_graph) -> dict[str, str]:
    return {r["id"]: r["net"] for r in fixture_graph.execute_query(
        "MATCH (a:Ad) RETURN a.site_ad_id AS id, a.network_id AS net").records}


def ads(nets, *ids: str) -> list[dict]:
    return [{"site": B if i in ("n2", "v2") else A, "site_ad_id": i, "network_id": nets[i]} for i in ids]


def pair(x: str, y: str) -> tuple[str, str]:
    return tuple(sorted((sha(x), sha(y))))


def cases(nets) -> dict[str, tuple[dict, list[dict]]]:
    """Each shipped query: its parameters and its exact rows."""
    face_group = sorted(face_id(face(i)) for i in ("img-i1", "img-i2"))
    k_low, k_high = pair("img-k1", "img-k2")
    k_phones = {sha("img-k1"): [phone(110)], sha("img-k2"): [phone(111)]}
    return {
        "phone_in_many_cities": ({}, [
            {"phone": phone(101), "cities": ["Chicago, IL", "Denver, CO", "Houston, TX"], "city_count": 3,
             "window_start": seen("11-01"), "window_end": seen("11-05"), "ads": ads(nets, "a1", "a2", "a3")}]),
        "network_many_cities_same_day": ({}, [
            {"network_id": nets["c1"], "day": "2026-11-20", "city_count": 3,
             "cities": ["Chicago, IL", "Denver, CO", "Miami, FL"], "ads": ads(nets, "c1", "c2", "c3")}]),
        "network_moved_city": ({"as_of": AS_OF}, [
            {"network_id": nets["e1"], "new_cities": ["Atlanta, GA"], "previous_cities": ["Chicago, IL"],
             "moved_at": seen("11-25"), "ads": ads(nets, "e2")}]),
        "image_with_several_phones": ({}, [
            {"image": sha("img-g"), "first_seen": seen("11-02"), "phones": [phone(103), phone(104)],
             "ads": ads(nets, "g1", "g2")}]),
        "face_with_several_phones": ({}, [
            {"face_id": face_group[0], "faces": face_group, "phones": [phone(106), phone(107)],
             "images": sorted([sha("img-i1"), sha("img-i2")]), "ads": ads(nets, "i1", "i2")}]),
        "near_duplicate_images_different_phones": ({}, [
            {"image": k_low, "other_image": k_high, "distance": 4, "phones": k_phones[k_low],
             "other_phones": k_phones[k_high], "ads": ads(nets, "k1", "k2")}]),
        "reposted_after_removal": ({}, [
            {"removed_site": A, "removed_site_ad_id": "n1", "removed_at": seen("11-03"), "site": B, "site_ad_id": "n2",
             "network_id": nets["n2"], "first_seen": seen("11-10"), "shared_phones": [phone(115)],
             "shared_images": [], "same_content": True}]),
        "network_newest_ads": ({"network_id": nets["q1"], "as_of": AS_OF}, [
            {"site": A, "site_ad_id": q, "network_id": nets["q1"], "title": f"Ad {q}",
             "url": f"http://127.0.0.1:8000/ad/{q}", "first_seen": seen(day), "last_seen": seen(day),
             "removed_at": None, "phones": [phone(117)], "cities": []}
            for q, day in (("q3", "11-28"), ("q2", "11-26"))]),
        # The same ads through their phone: q1 is older than a week (miss), r1 has another phone (miss).
        "phone_newest_ads": ({"phone": phone(117), "as_of": AS_OF}, [
            {"site": A, "site_ad_id": q, "network_id": nets["q1"], "phone": phone(117), "title": f"Ad {q}",
             "url": f"http://127.0.0.1:8000/ad/{q}", "first_seen": seen(day), "last_seen": seen(day),
             "removed_at": None, "cities": []}
            for q, day in (("q3", "11-28"), ("q2", "11-26"))]),
        "new_phone_many_ads": ({"min_ads": "3", "as_of": AS_OF}, [
            {"phone": phone(119), "first_seen": seen("11-25"), "ad_count": 3, "networks": [nets["s1"]],
             "ads": ads(nets, "s1", "s2", "s3")}]),
        "ad_changed_phone": ({"as_of": AS_OF}, [
            {"site": A, "site_ad_id": "u1", "network_id": nets["u1"], "old_phone": phone(122),
             "new_phone": phone(123), "old_last_seen": seen("11-05"), "new_first_seen": seen("11-12"), "versions": 2}]),
        "email_across_sites": ({}, [
            {"email": "shared@example.org", "sites": [A, B], "networks": [nets["v1"]], "ads": ads(nets, "v1", "v2")}]),
        "handle_with_several_phones": ({}, [
            {"handle": "instagram:mia.fictional", "platform": "instagram", "phones": [phone(126), phone(127)],
             "ads": ads(nets, "w1", "w2")}]),
        "hubs": ({"min_ads": 3}, [
            {"kind": "Phone", "identifier": phone(130), "ad_count": 4, "networks": 1, "sites": 1, "ignored": False}]),
    }


class _NoNets(dict):
    def __missing__(self, key):
        return None


def test_every_shipped_query_has_a_case():
    assert set(cases(_NoNets())) | {"ads_mentioning"} == set(sq.library())
    assert len(sq.library()) >= 12


@pytest.mark.parametrize("name", sorted(set(sq.library()) - {"ads_mentioning"}))
def test_shipped_query_finds_its_pattern_and_not_the_near_miss(fixture_graph, nets, name):
    query = sq.get(name)
    params, rows = cases(nets)[name]
    result = sq.run(fixture_graph, query, params)
    assert result.columns == list(query.columns)
    assert result.rows == rows
    assert not result.truncated


def test_ads_mentioning_reads_every_version(fixture_graph, nets):
    result = sq.run(fixture_graph, sq.get("ads_mentioning"), {"terms": "blue lagoon, paradise"})
    assert result.columns == list(sq.get("ads_mentioning").columns)
    by_ad = {row["site_ad_id"]: row for row in result.rows}
    assert set(by_ad) == {"y1", "y2"}  # y3 has the words, not the phrase
    assert by_ad["y2"]["title"] == "Ad y2, edited" and by_ad["y2"]["score"] > 0
    assert sq.run(fixture_graph, sq.get("ads_mentioning"), {"terms": []}).rows == []
    # Quotes and backslashes in a term stay inside its phrase.
    assert sq.run(fixture_graph, sq.get("ads_mentioning"), {"terms": ['lagoon" OR "paradise', "\\"]}).rows == []


def test_a_date_parameter_narrows_the_days(fixture_graph):
    query = sq.get("network_many_cities_same_day")
    assert len(sq.run(fixture_graph, query, {"since": "2026-11-20"}).rows) == 1
    assert sq.run(fixture_graph, query, {"since": "2026-11-21"}).rows == []


# ---- adgraph queries ------------------------------------------------------------------------

def test_queries_list_prints_one_json_object_per_query():
    listed = adgraph("queries", "list")
    assert listed.returncode == 0, listed.stderr
    queries = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [q["name"] for q in queries] == sorted(sq.library())
    days = next(q for q in queries if q["name"] == "phone_in_many_cities")["parameters"]["days"]
    assert days == {"type": "duration_days", "description": "Length of the window, in days.", "required": False,
                    "default": 7, "min": 1}
    assert all(q["title"] and q["description"] and "cypher" not in q for q in queries)


def test_queries_run_prints_json_lines_and_csv(fixture_graph, nets):
    as_json = adgraph("queries", "run", "email_across_sites")
    assert as_json.returncode == 0, as_json.stderr
    assert [json.loads(line) for line in as_json.stdout.splitlines()] == cases(nets)["email_across_sites"][1]
    assert "1 rows in" in as_json.stderr

    as_csv = adgraph("queries", "run", "new_phone_many_ads", "--param", "min_ads=3", "-p", f"as_of={AS_OF}",
                     "--format", "csv")
    assert as_csv.returncode == 0, as_csv.stderr
    table = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert table[0] == list(sq.get("new_phone_many_ads").columns)
    assert table[1][:3] == [phone(119), seen("11-25"), "3"]
    assert json.loads(table[1][4]) == ads(nets, "s1", "s2", "s3")

    limited = adgraph("queries", "run", "hubs", "--param", "min_ads=1", "--limit", "2")
    assert limited.returncode == 0 and len(limited.stdout.splitlines()) == 2
    assert "more matched" in limited.stderr


@pytest.mark.parametrize("args, message", [
    (["no_such_query"], "no saved query is called 'no_such_query'"),
    (["hubz"], "did you mean hubs?"),
    (["hubs", "--param", "min_ads=many"], "parameter min_ads must be a whole number, not 'many'"),
    (["hubs", "--param", "min_ads=1", "--param", "colour=red"], "unknown parameter 'colour'"),
    (["network_newest_ads"], "parameter network_id is required"),
    (["hubs", "--param", "oops"], "use key=value"),
])
def test_queries_run_exits_2_on_bad_input(args, message):
    out = adgraph("queries", "run", *args)
    assert out.returncode == 2 and message in out.stderr and out.stdout == ""
