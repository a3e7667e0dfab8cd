"""The network page and its JSON twin on the real app and the real Neo4j: sites, readable phones,
faces and face groups, places per week, images used with several phones, the ads' versions; and the
pure functions behind them, table-driven."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from graph.ads import image_reuse, network_faces, places_per_week, sites
from graph.faces import link_face_pairs
from graph.ingest import write_batch
from graph.networks import assign_networks
from graph.records import face_id, normalize, readable_phone

from helpers import login, observation, removal, sha

CHICAGO = {"location_id": "geonames:4887398", "name": "Chicago", "region": "IL", "country": "US",
           "lat": 41.85003, "lon": -87.65005, "raw": "Chicago"}
DENVER = {"location_id": "geonames:5419384", "name": "Denver", "region": "CO", "country": "US",
          "lat": 39.73915, "lon": -104.9847, "raw": "Denver"}
MILWAUKEE = {"location_id": "geonames:5263045", "name": "Milwaukee", "region": "WI", "country": "US",
             "lat": 43.0389, "lon": -87.90647, "raw": "Milwaukee"}
PHONE_1, PHONE_2 = "+13125550101", "+13125550102"


def logged_in(app):
    client = app.test_client()
    assert login(client).status_code == 302
    return client


def image(name: str) -> dict:
    return {"sha256": sha(name), "phash": "c3c3c3c3c3c3c3c3", "url": f"http://127.0.0.1:8000/{name}.jpg"}


def face(image_name: str, left: int) -> dict:
    return {"image_sha256": sha(image_name), "engine": "dlib", "model": "test", "box": [left, 10, 40, 40]}


def phone(e164: str) -> list[dict]:
    return [{"e164": e164, "raw": e164[2:]}]


F1, F2, F3 = (face_id(f) for f in (face("img-1", 1), face("img-2", 2), face("img-3", 3)))


def build_network(graph) -> str:
    """Three ads on two sites, one network: ad 1 and ad 2 share image img-1 (under two phones),
    ad 2 and ad 3 share phone 0102. img-1's face is the same person as img-3's (SAME_FACE);
    img-2's face is someone else. Ad 1 was edited (a <script> in its new title), ad 2 removed."""
    a1 = dict(site="demo-classifieds", site_ad_id="1", emails=[], phones=phone(PHONE_1), images=[image("img-1")],
              faces=[face("img-1", 1)], locations=[CHICAGO])
    a2 = dict(site="demo-personals", site_ad_id="2", emails=[], phones=phone(PHONE_2),
              images=[image("img-1"), image("img-2")], faces=[face("img-1", 1), face("img-2", 2)],
              locations=[DENVER])
    a3 = dict(site="demo-classifieds", site_ad_id="3", emails=[], phones=phone(PHONE_2), images=[image("img-3")],
              faces=[face("img-3", 3)], locations=[CHICAGO, MILWAUKEE])
    records = [
        observation(**a1, fetched_at="2026-11-02T10:00:00Z", raw_sha256=sha("p1a")),
        observation(**a1, fetched_at="2026-11-10T10:00:00Z", raw_sha256=sha("p1b"),
                    title="New <script>alert(1)</script> in town"),
        observation(**a2, fetched_at="2026-11-10T12:00:00Z", raw_sha256=sha("p2")),
        removal("2", "2026-11-20T10:00:00Z", site="demo-personals"),
        observation(**a3, fetched_at="2026-11-17T10:00:00Z", raw_sha256=sha("p3")),
        observation(**a3, fetched_at="2026-11-24T10:00:00Z", raw_sha256=sha("p3")),
    ]
    write_batch(graph, [normalize(r) for r in records])
    assert link_face_pairs(graph, [(F1, F3, 0.97)]) == 1
    assign_networks(graph, [("demo-classifieds", "1"), ("demo-personals", "2"), ("demo-classifieds", "3")])
    ids = {r[0] for r in graph.execute_query("MATCH (a:Ad) RETURN DISTINCT a.network_id").records}
    assert len(ids) == 1
    return ids.pop()


def test_network_api_gives_sites_phones_faces_weeks_and_image_reuse(app, graph):
    network_id = build_network(graph)
    client = logged_in(app)
    network = client.get(f"/api/networks/{network_id}").get_json()
    assert network["sites"] == [{"site": "demo-classifieds", "ads": 2, "live": 2},
                                {"site": "demo-personals", "ads": 1, "live": 0}]
    assert network["phones"] == [
        {"e164": PHONE_2, "national": "(312) 555-0102", "ads": 2, "ignored": False},
        {"e164": PHONE_1, "national": "(312) 555-0101", "ads": 1, "ignored": False}]
    assert network["places_per_week"] == [
        {"week": "2026-W45", "places": 1, "names": ["Chicago, IL"]},
        {"week": "2026-W46", "places": 2, "names": ["Chicago, IL", "Denver, CO"]},
        {"week": "2026-W47", "places": 2, "names": ["Chicago, IL", "Milwaukee, WI"]},
        {"week": "2026-W48", "places": 2, "names": ["Chicago, IL", "Milwaukee, WI"]}]
    assert network["image_reuse"] == [{"sha256": sha("img-1"), "phones": 2, "phone_numbers": [PHONE_1, PHONE_2],
                                       "ads": 2, "ignored": False}]
    same_person = sorted([F1, F3])
    assert network["face_groups"] == [{"group": 1, "faces": same_person, "ads": 3},
                                      {"group": 2, "faces": [F2], "ads": 1}]
    assert [(f["face_id"], f["image_sha256"], f["ads"], f["group"]) for f in network["faces"]] == [
        (F1, sha("img-1"), 2, 1), (F3, sha("img-3"), 1, 1), (F2, sha("img-2"), 1, 2)]
    assert network["faces"][0]["box"] == [1, 10, 40, 40] and network["faces"][0]["engine"] == "dlib"
    ads = {a["site_ad_id"]: a for a in network["ads"]}
    assert (ads["1"]["versions"], ads["1"]["first_version_at"], ads["1"]["last_version_at"]) == (
        2, "2026-11-02T10:00:00+00:00", "2026-11-10T10:00:00+00:00")
    assert (ads["3"]["versions"], ads["3"]["first_version_at"], ads["3"]["last_version_at"]) == (
        1, "2026-11-17T10:00:00+00:00", "2026-11-17T10:00:00+00:00")
    assert network["counts"] == {"Phone": 2, "Email": 0, "Handle": 0, "Image": 3, "ads": 3, "live": 2,
                                 "removed": 1, "places": 3, "sites": 2, "busiest_week_places": 2,
                                 "images_across_phones": 1, "faces": 3, "face_groups": 2}
    assert (network["first_seen"], network["last_seen"]) == ("2026-11-02T10:00:00+00:00", "2026-11-24T10:00:00+00:00")
    assert client.get("/api/networks/n-no-such-network").status_code == 404


def test_network_page_shows_them_escaped(app, graph):
    network_id = build_network(graph)
    page = logged_in(app).get(f"/networks/{network_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "New &lt;script&gt;alert(1)&lt;/script&gt; in town" in html
    assert "<td>(312) 555-0102</td><td>+13125550102</td><td>2</td>" in html
    assert "<td>2026-W46</td><td>2</td><td>Chicago, IL · Denver, CO</td>" in html
    assert f"<code>{sha('img-1')[:16]}…</code></td><td>2</td><td>{PHONE_1} · {PHONE_2}</td>" in html
    assert f"<td>1</td><td><code>{F3[:16]}…</code>" in html and f"<td>2</td><td><code>{F2[:16]}…</code>" in html
    assert "<td>demo-personals</td><td>1</td><td>0</td>" in html
    assert "3 ads (2 live, 1 removed) on 2 sites" in html
    assert "style=" not in html.split("<main>", 1)[1] and "<style" not in html


@pytest.mark.parametrize("e164, readable", [
    ("+13125550147", "(312) 555-0147"),
    ("+442079460123", "+44 20 7946 0123"),
    ("+4930901820", "+49 30 901820"),
    ("not a number", "not a number"),
    ("+999", "+999"),
])
def test_readable_phone(e164, readable):
    assert readable_phone(e164) == readable


def t(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=timezone.utc)


@pytest.mark.parametrize("spans, weeks", [
    ([], []),
    # one sighting: its week only
    ([("a", "A", t("2026-11-04T00:00"), t("2026-11-04T00:00"))], [("2026-W45", 1, ["A"])]),
    # Sunday to Monday crosses a week; two ads in one place count it once
    ([("a", "A", t("2026-11-08T23:00"), t("2026-11-09T01:00")), ("a", "A", t("2026-11-09T00:00"), t("2026-11-09T00:00"))],
     [("2026-W45", 1, ["A"]), ("2026-W46", 1, ["A"])]),
    # a span covers every week from its first to its last sighting; a gap week is left out
    ([("a", "A", t("2026-11-02T00:00"), t("2026-11-16T00:00")), ("b", "B", t("2026-11-30T00:00"), t("2026-11-30T00:00"))],
     [("2026-W45", 1, ["A"]), ("2026-W46", 1, ["A"]), ("2026-W47", 1, ["A"]), ("2026-W49", 1, ["B"])]),
    # ISO years: 2026 has a week 53, then 2027-W01
    ([("a", "A", t("2026-12-31T00:00"), t("2027-01-05T00:00")), ("b", "B", t("2027-01-04T00:00"), t("2027-01-04T00:00"))],
     [("2026-W53", 1, ["A"]), ("2027-W01", 2, ["A", "B"])]),
    # two places with the same name are two places
    ([("a", "Springfield, IL", t("2026-11-02T00:00"), t("2026-11-02T00:00")),
      ("b", "Springfield, MO", t("2026-11-03T00:00"), t("2026-11-03T00:00"))],
     [("2026-W45", 2, ["Springfield, IL", "Springfield, MO"])]),
])
def test_places_per_week(spans, weeks):
    assert [(w["week"], w["places"], w["names"]) for w in places_per_week(spans)] == weeks


def test_places_per_week_is_in_utc():
    from datetime import timedelta
    sunday_night_in_chicago = datetime(2026, 11, 8, 20, 0, tzinfo=timezone(timedelta(hours=-6)))  # Monday 02:00 UTC
    assert places_per_week([("a", "A", sunday_night_in_chicago, sunday_night_in_chicago)])[0]["week"] == "2026-W46"


def img(sha256, ads, phones=(), faces=(), ignored=False):
    return {"sha256": sha256, "ads": list(ads), "phones": list(phones), "faces": list(faces), "ignored": ignored}


def fc(face_id, same_as=(), ignored=False):
    return {"face_id": face_id, "engine": "dlib", "model": "m", "box": [0, 0, 1, 1], "score": None,
            "first_seen": None, "ignored": ignored, "same_as": list(same_as)}


@pytest.mark.parametrize("images, reused", [
    ([], []),
    ([img("x", ["s/1", "s/2"], ["+1"])], []),
    ([img("x", ["s/1"], ["+2", "+1"]), img("y", ["s/1", "s/2", "s/3"], ["+1", "+2", "+3"]),
      img("z", ["s/1", "s/2"], ["+1", "+2"], ignored=True)],
     [("y", 3, ["+1", "+2", "+3"], 3, False), ("z", 2, ["+1", "+2"], 2, True), ("x", 2, ["+1", "+2"], 1, False)]),
])
def test_image_reuse(images, reused):
    assert [(r["sha256"], r["phones"], r["phone_numbers"], r["ads"], r["ignored"]) for r in image_reuse(images)] == reused


@pytest.mark.parametrize("images, groups, face_groups", [
    ([], {}, []),
    # a chain a-b, b-c is one person; d is another; an edge to a face outside the network is ignored
    ([img("i1", ["s/1"], faces=[fc("a", ["b"]), fc("d", ["zz"])]), img("i2", ["s/2"], faces=[fc("b", ["a", "c"])]),
      img("i3", ["s/2", "s/3"], faces=[fc("c", ["b"])])],
     {"a": 1, "b": 1, "c": 1, "d": 2}, [(["a", "b", "c"], 3), (["d"], 1)]),
    # an ignored face joins no group
    ([img("i1", ["s/1"], faces=[fc("a", ["b"], ignored=True)]), img("i2", ["s/2", "s/3"], faces=[fc("b", ["a"])])],
     {"a": 2, "b": 1}, [(["b"], 2), (["a"], 1)]),
])
def test_network_faces(images, groups, face_groups):
    faces, found = network_faces(images)
    assert {f["face_id"]: f["group"] for f in faces} == groups
    assert [(g["faces"], g["ads"]) for g in found] == face_groups
    assert [g["group"] for g in found] == list(range(1, len(found) + 1))


def test_sites():
    ads = [{"site": "b", "removed_at": None}, {"site": "a", "removed_at": "2026-11-01"}, {"site": "a", "removed_at": None},
           {"site": "c", "removed_at": None}]
    assert sites(ads) == [{"site": "a", "ads": 2, "live": 1}, {"site": "b", "ads": 1, "live": 1},
                          {"site": "c", "ads": 1, "live": 1}]


def test_a_network_merged_away_leads_to_its_successor_and_both_show_the_merge(app, graph):
    def one(site_ad_id: str, phones: list[str], emails: list[str]) -> dict:
        return normalize(observation(site="demo", site_ad_id=site_ad_id, raw_sha256=sha(f"page-{site_ad_id}"),
                                     locations=[], images=[], phones=[p for e in phones for p in phone(e)],
                                     emails=[{"address": e} for e in emails]))

    from graph.export import subgraph
    from graph.networks import network_id

    write_batch(graph, [one("1", [PHONE_1], []), one("2", [PHONE_1], []), one("3", [], ["m@example.org"])])
    assign_networks(graph, [("demo", "1"), ("demo", "2"), ("demo", "3")])
    write_batch(graph, [one("4", [PHONE_1], ["m@example.org"])])
    assign_networks(graph, [("demo", "4")])
    big, small = network_id("demo", "1"), network_id("demo", "3")
    client = logged_in(app)
    page = client.get(f"/networks/{small}")
    assert page.status_code == 302 and page.headers["Location"] == f"/networks/{big}"
    html = client.get(page.headers["Location"]).get_data(as_text=True)
    assert f"network {small} was merged into network {big}: showing that one." in html
    assert "Merges and splits" in html and "merged in" in html and f">{small}</a>" in html
    gone = client.get(f"/api/networks/{small}")
    assert gone.status_code == 404 and gone.get_json()["merged_into"] == big
    [event] = client.get(f"/api/networks/{big}").get_json()["events"]
    assert (event["kind"], event["network_id"], event["networks"], event["ads"]) == ("merge", big, [small], 4)
    with pytest.raises(subgraph.SelectionError, match=f"merged into network {big}"):
        subgraph.network(graph, small)
