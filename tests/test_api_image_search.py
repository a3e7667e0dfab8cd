"""Search by an uploaded image, through Flask's test client on the real app and the real Neo4j:
identical copies by SHA-256, near-duplicates by pHash (graph/imagesearch.py), paging, refusals,
CSRF and the audit log."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageEnhance

from api import audit
from crawler.files import write_once
from crawler.images import image_extension, inspect_image
from graph.imagesearch import MAX_DISTANCE, NearDuplicateIndex, search_by_image
from graph.ingest import write_batch
from graph.neardup import PhashIndex, link_near_duplicates
from graph.networks import assign_networks
from graph.records import normalize
from graph.search import PAGE_SIZE

from helpers import login, observation, picture, removal, sha, token



def encoded(im: Image.Image, fmt: str = "JPEG", **options) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **options)
    return out.getvalue()


PHOTO = encoded(picture(11), quality=90)
RESIZED = encoded(picture(11).resize((480, 360)), quality=70)  # the same photo, reposted smaller
OTHER = encoded(picture(12), quality=90)


def store(data_dir, data: bytes, url: str) -> dict:
    """An image as the crawl keeps it: the bytes on disk under their sha256, the facts in the observation."""
    facts = inspect_image(data)
    path = f"images/{facts.sha256[:2]}/{facts.sha256}.{image_extension(facts)}"
    write_once(data_dir / path, data)
    return {"sha256": facts.sha256, "phash": facts.phash, "url": url, "path": path, "width": facts.width,
            "height": facts.height, "mime": facts.mime}


def ingest(driver, observations: list[dict]) -> None:
    """What a crawl batch does: write, link near-duplicate images, give the ads their networks."""
    batch = [normalize(o) for o in observations]
    write_batch(driver, batch)
    link_near_duplicates(driver, PhashIndex(), [(img["sha256"], img["phash"]) for o in batch if not o["removed"]
                                                for img in o["images"]])
    assign_networks(driver, [(o["site"], o["site_ad_id"]) for o in batch if not o["removed"]])


def ad(site_ad_id: str, image: dict, phone_last: str, **overrides) -> dict:
    """An ad with one picture and its own fictional phone (312-555-01XX) and email."""
    return observation(site_ad_id=site_ad_id, url=f"http://127.0.0.1:8000/ad/{site_ad_id}", raw_sha256=sha(site_ad_id),
                       body=f"Call 312 555 01{phone_last}", images=[image],
                       phones=[{"e164": f"+131255501{phone_last}", "raw": f"312 555 01{phone_last}"}],
                       emails=[{"address": f"ad{site_ad_id}@example.org", "raw": f"ad{site_ad_id}@example.org"}],
                       **overrides)


@pytest.fixture
def ads(app, graph):
    """2001 and 2002 show the same photo (2002 since removed), 2003 a smaller re-save of it under a
    hostile title, 2004 another photo."""
    data_dir = app.config["ADGRAPH_SETTINGS"].data_dir
    photo = store(data_dir, PHOTO, "http://127.0.0.1:8000/a.jpg")
    ingest(graph, [
        ad("2001", photo, "01"),
        ad("2002", photo, "02"),
        ad("2003", store(data_dir, RESIZED, "http://127.0.0.1:8000/b.jpg"), "03", title="<script>alert(1)</script>"),
        ad("2004", store(data_dir, OTHER, "http://127.0.0.1:8000/c.jpg"), "04"),
    ])
    ingest(graph, [removal("2002")])
    return graph


@pytest.fixture
def client(app):
    client = app.test_client()
    login(client)
    return client


def upload(client, data: bytes, name="photo.jpg", path="/api/search/image", csrf=True, **fields):
    headers = {"X-CSRFToken": token(client, "/search")} if csrf else {}
    return client.post(path, headers=headers, data={"image": (io.BytesIO(data), name), **fields})


def found(body: dict) -> dict[str, tuple[str, int]]:
    return {a["site_ad_id"]: (a["match"], a["distance"]) for a in body["ads"]}


def test_the_same_bytes_find_identical_copies_first_then_near_duplicates(client, ads):
    response = upload(client, PHOTO)
    body = response.get_json()
    assert response.status_code == 200, body
    facts = inspect_image(PHOTO)
    assert body["query"]["kind"] == "image"
    assert (body["query"]["sha256"], body["query"]["phash"]) == (facts.sha256, facts.phash)
    assert body["query"]["max_distance"] == MAX_DISTANCE == 8 and body["query"]["near_duplicates"]
    assert (body["total"], body["page"], body["page_size"]) == (3, 1, PAGE_SIZE)
    assert [a["site_ad_id"] for a in body["ads"][:2]] == ["2001", "2002"]  # identical ones first (same last_seen)
    assert found(body)["2001"] == found(body)["2002"] == ("identical", 0)
    match, distance = found(body)["2003"]
    assert match == "near-duplicate" and 0 <= distance <= MAX_DISTANCE
    by_id = {a["site_ad_id"]: a for a in body["ads"]}
    assert by_id["2002"]["removed_at"].startswith("2026-11-03") and by_id["2001"]["removed_at"] is None
    assert by_id["2001"]["first_seen"].startswith("2026-11-01") and by_id["2001"]["last_seen"]
    assert by_id["2001"]["site"] == "demo-classifieds" and by_id["2001"]["network_id"]
    assert by_id["2001"]["image"] == facts.sha256 and by_id["2003"]["image"] == inspect_image(RESIZED).sha256


def test_an_altered_copy_finds_every_ad_as_a_near_duplicate(client, ads):
    photo = Image.open(io.BytesIO(PHOTO))
    brighter = encoded(ImageEnhance.Brightness(photo).enhance(1.3), "PNG")
    cropped = encoded(photo.crop((0, 0, 620, 470)), quality=80)  # a border trimmed, re-compressed
    for altered in (brighter, cropped):
        body = upload(client, altered, "altered.png").get_json()
        assert body["query"]["sha256"] not in {inspect_image(d).sha256 for d in (PHOTO, RESIZED, OTHER)}
        assert set(found(body)) == {"2001", "2002", "2003"}, body
        assert all(match == "near-duplicate" and distance <= MAX_DISTANCE for match, distance in found(body).values())
        distances = [a["distance"] for a in body["ads"]]
        assert distances == sorted(distances) and distances[-1] > 0  # nearest first; not the same pHash


def test_an_unrelated_picture_finds_nothing(client, ads):
    body = upload(client, encoded(picture(99), "PNG"), "other.png").get_json()
    assert body["total"] == 0 and body["ads"] == []


def test_a_blank_picture_is_only_searched_for_identical_copies(client, ads):
    body = upload(client, encoded(Image.new("RGB", (200, 200), (90, 90, 90)), "PNG"), "grey.png").get_json()
    assert body["query"]["near_duplicates"] is False and body["total"] == 0
    assert "identical copies only" in body["query"]["read_as"]


@pytest.mark.parametrize("data, message", [
    (b"", "is empty"),
    (b"<html><script>alert(1)</script></html>", "not an image"),
    (PHOTO[:len(PHOTO) // 2], "truncated or corrupt image"),
    (encoded(picture(3, (64, 64)), "TIFF"), "unsupported format: TIFF"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "truncated or corrupt image"),
])
def test_what_is_not_a_picture_is_refused_with_a_reason(client, ads, data, message):
    response = upload(client, data, "upload.jpg")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert message in error
    assert ("choose the picture again" if message == "is empty" else "send a JPEG, PNG, GIF or WebP picture") in error


def test_no_file_is_refused(client):
    headers = {"X-CSRFToken": token(client, "/search")}
    response = client.post("/api/search/image", headers=headers, data={"photo": (io.BytesIO(PHOTO), "a.jpg")})
    assert response.status_code == 400 and "multipart field 'image'" in response.get_json()["error"]
    bad = client.get("/api/search/image", query_string={"sha256": "x' OR 1=1", "phash": "0"})
    assert bad.status_code == 400 and "hexadecimal" in bad.get_json()["error"]


def test_uploads_need_a_login_and_the_csrf_token(app, ads):
    stranger = app.test_client()
    refused = stranger.post("/api/search/image", data={"image": (io.BytesIO(PHOTO), "a.jpg")})
    assert refused.status_code == 401 and refused.get_json()["error"] == "log in first"
    client = app.test_client()
    login(client)
    no_token = upload(client, PHOTO, csrf=False)
    assert no_token.status_code == 400 and "CSRF" in no_token.get_json()["error"]
    page = client.post("/search/image", data={"image": (io.BytesIO(PHOTO), "a.jpg")})
    assert page.status_code == 400 and "CSRF" in page.get_data(as_text=True)
    assert audit.entries(app.extensions["adgraph_db"]) == []  # refused before the search: nothing searched


def test_every_image_search_is_audited_refused_ones_too(app, client, ads):
    upload(client, PHOTO, "<b>photo</b>.jpg")
    upload(client, b"", "empty.jpg")
    upload(client, b"not a picture", "notes.txt")
    facts = inspect_image(PHOTO)
    client.get("/api/search/image", query_string={"sha256": facts.sha256, "phash": facts.phash, "page": 2})
    entries = audit.entries(app.extensions["adgraph_db"], newest_first=False)
    assert [e.action for e in entries] == ["search.image"] * 4 and all(e.user == "ana" for e in entries)
    first, empty, junk, paged = entries
    assert first.params == {"image": "<b>photo</b>.jpg", "sha256": facts.sha256, "phash": facts.phash, "page": 1}
    assert first.result_size == 3
    assert empty.params["image"] == "empty.jpg" and "is empty" in empty.params["refused"] and empty.result_size == 0
    assert "not an image" in junk.params["refused"] and "sha256" not in junk.params
    assert paged.params == {"sha256": facts.sha256, "phash": facts.phash, "page": 2} and paged.result_size == 3


def test_results_come_a_page_at_a_time(app, client, graph):
    data_dir = app.config["ADGRAPH_SETTINGS"].data_dir
    photo = store(data_dir, PHOTO, "http://127.0.0.1:8000/a.jpg")
    ingest(graph, [ad(f"30{n:02d}", photo, f"{n:02d}", fetched_at=f"2026-11-01T10:{n:02d}:00Z")
                   for n in range(PAGE_SIZE + 5)])
    first = upload(client, PHOTO).get_json()
    assert first["total"] == PAGE_SIZE + 5 and len(first["ads"]) == PAGE_SIZE
    assert first["ads"][0]["site_ad_id"] == f"30{PAGE_SIZE + 4:02d}"  # most recently seen first
    second = upload(client, PHOTO, page="2").get_json()
    assert second["page"] == 2 and len(second["ads"]) == 5
    again = client.get("/api/search/image", query_string={"sha256": first["query"]["sha256"],
                                                          "phash": first["query"]["phash"], "page": 2}).get_json()
    assert again["ads"] == second["ads"]
    assert {a["site_ad_id"] for a in first["ads"] + second["ads"]} == {f"30{n:02d}" for n in range(PAGE_SIZE + 5)}
    page = upload(client, PHOTO, path="/search/image").get_data(as_text=True)
    assert "page 1 of 2" in page
    assert (f'href="/search/image?sha256={first["query"]["sha256"]}&amp;phash={first["query"]["phash"]}'
            f'&amp;page=2"') in page
    assert "page 2 of 2" in client.get(f"/search/image?sha256={first['query']['sha256']}"
                                       f"&phash={first['query']['phash']}&page=2").get_data(as_text=True)


def test_the_search_page_uploads_and_shows_results_escaped(client, ads):
    form = client.get("/search").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in form and 'name="image"' in form and 'action="/search/image"' in form
    response = upload(client, PHOTO, path="/search/image")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "3 ads" in page and "identical" in page and "near-duplicate" in page and "removed 2026-11-03" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    bad = upload(client, b"<svg onload=alert(1)>", path="/search/image")
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "cannot search by this file" in text and "<svg onload" not in text
    empty = upload(client, b"", "<img src=x onerror=alert(1)>.jpg", path="/search/image")
    assert empty.status_code == 400 and "<img src=x" not in empty.get_data(as_text=True)


def test_the_index_sees_new_pictures_once_the_graph_has_changed(app, graph):
    data_dir = app.config["ADGRAPH_SETTINGS"].data_dir
    facts = inspect_image(RESIZED)
    current, stale = NearDuplicateIndex(recheck_after=0), NearDuplicateIndex(recheck_after=3600)
    for index in (current, stale):
        assert search_by_image(graph, index, facts.sha256, facts.phash).total == 0  # loads an empty index
    ingest(graph, [ad("2001", store(data_dir, PHOTO, "http://127.0.0.1:8000/a.jpg"), "01")])
    fresh = search_by_image(graph, current, facts.sha256, facts.phash)
    assert fresh.total == 1 and fresh.ads[0]["match"] == "near-duplicate"
    # Within recheck_after of its last check an index answers from what it holds (the documented lag),
    # while identical copies are always looked up in the graph itself.
    assert search_by_image(graph, stale, facts.sha256, facts.phash).total == 0
    photo = inspect_image(PHOTO)
    assert search_by_image(graph, stale, photo.sha256, photo.phash).ads[0]["match"] == "identical"
