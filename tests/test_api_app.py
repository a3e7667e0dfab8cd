"""The web app's foundation, through Flask's test client on the real app and the real Neo4j:
login, roles, CSRF, the audit chain, FaceSearch over the API, and `adgraph serve`."""

from __future__ import annotations

import hashlib
import io
import os
import sqlite3
import subprocess
import time
import urllib.request

import pytest
from PIL import Image

from api import accounts, audit, store
from graph.ingest import write_batch
from graph.records import normalize

from helpers import ADGRAPH, PASSWORD, free_port, login, observation, picture, sha, token



def test_nothing_without_login(app):
    client = app.test_client()
    page = client.get("/")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    api = client.post("/api/faces/search")
    assert api.status_code == 401 and api.get_json() == {"ok": False, "status": 401, "error": "log in first", "errors": []}


def test_login_with_the_right_password_only(app):
    client = app.test_client()
    wrong = login(client, password="not the password")
    assert wrong.status_code == 401 and "Wrong name or password." in wrong.get_data(as_text=True)
    unknown = login(client, name="nobody")
    assert unknown.status_code == 401
    ok = login(client)
    assert ok.status_code == 302 and ok.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200 and "ana (analyst)" in home.get_data(as_text=True)
    cookie = ok.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "default-src 'self'" in home.headers["Content-Security-Policy"]


def test_posts_without_the_csrf_token_are_refused(app):
    client = app.test_client()
    refused = client.post("/login", data={"name": "ana", "password": PASSWORD})
    assert refused.status_code == 400 and "CSRF" in refused.get_data(as_text=True)
    assert login(client).status_code == 302
    api = client.post("/api/faces/search", data={"photo": (io.BytesIO(b"x"), "x.jpg")})
    assert api.status_code == 400 and "CSRF" in api.get_json()["error"]


def test_logins_are_rate_limited(app):
    client = app.test_client()
    for _ in range(5):
        assert login(client, password="guess").status_code == 401
    assert login(client).status_code == 429  # even the right password, for a while


@pytest.mark.parametrize("target", ["//evil.example/x", "/%09/evil.example", "/\\evil.example", "https://evil.example/",
                                    "/%0a/evil.example", "javascript:alert(1)"])
def test_login_never_redirects_off_the_site(app, target):
    client = app.test_client()
    response = client.post(f"/login?next={target}", data={"name": "ana", "password": PASSWORD,
                                                           "csrf_token": token(client)})
    assert response.headers["Location"] == "/"


def test_login_goes_back_to_the_page_asked_for(app):
    client = app.test_client()
    response = client.post("/login?next=/search?q=x", data={"name": "ana", "password": PASSWORD,
                                                            "csrf_token": token(client)})
    assert response.headers["Location"] == "/search?q=x"


def test_concurrent_requests_keep_one_unbroken_audit_chain(app):
    import threading

    clients = [app.test_client() for _ in range(4)]
    for client in clients:
        login(client)
    errors = []

    def search(client):
        for _ in range(10):
            response = client.get("/api/search", query_string={"q": "312"})  # refused, and logged
            if response.status_code != 400:
                errors.append(response.status_code)

    threads = [threading.Thread(target=search, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert audit.verify(app.extensions["adgraph_db"]) == (40, None, "")


def test_audit_chain_verifies_and_shows_tampering(app, tmp_path):
    db = app.extensions["adgraph_db"]
    for n in range(3):
        audit.record(db, "ana", "search", {"q": f"+1312555010{n}"}, n)
    assert audit.verify(db) == (3, None, "")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE audit SET user = 'someone else' WHERE id = 2")
    env = {**os.environ, "ADGRAPH_DATA_DIR": str(tmp_path)}
    ok = subprocess.run([ADGRAPH, "audit", "verify"], capture_output=True, text=True, env=env)
    assert ok.returncode == 0 and "3 entries, chain intact" in ok.stdout
    # Someone with the file (not the product) drops the guard and rewrites entry 2.
    db.execute("DROP TRIGGER audit_no_update")
    db.execute("""UPDATE audit SET params = '{"q": "+13125550199"}' WHERE id = 2""")
    assert audit.verify(db) == (1, 2, "its content does not match its hash: it was altered")
    bad = subprocess.run([ADGRAPH, "audit", "verify"], capture_output=True, text=True, env=env)
    assert bad.returncode == 1 and "does not verify at entry 2" in bad.stderr


def test_user_add_from_the_command_line(tmp_path):
    env = {**os.environ, "ADGRAPH_DATA_DIR": str(tmp_path)}

    def add(*args, password=PASSWORD):
        return subprocess.run([ADGRAPH, "user", "add", *args, "--password-stdin"], input=password + "\n",
                              capture_output=True, text=True, env=env)

    assert add("boss", "--role", "admin").returncode == 0
    assert "already an account" in add("boss", "--role", "admin").stderr
    assert "at least 12 characters" in add("shorty", "--role", "analyst", password="short").stderr
    assert "'god' is not one of" in add("x", "--role", "god").stderr
    db = store.connect(tmp_path)
    assert accounts.authenticate(db, "boss", PASSWORD) == accounts.User("boss", "admin")
    assert PASSWORD not in (tmp_path / "app" / "app.sqlite3").read_bytes().decode("latin-1")  # only the hash


def test_face_search_over_the_api(app, graph):
    from skimage.data import astronaut

    from crawler.faces.engine import load_engine

    photo = io.BytesIO()
    Image.fromarray(astronaut()).save(photo, "JPEG", quality=90)
    data = photo.getvalue()
    sha = hashlib.sha256(data).hexdigest()
    face = load_engine("dlib").detect(data)[0]
    write_batch(graph, [normalize(observation(images=[{"sha256": sha, "phash": "c3c3c3c3c3c3c3c3"}],
                                              faces=[face.observation(sha)]))])
    client = app.test_client()
    login(client)
    csrf = {"X-CSRFToken": token(client, "/")}
    several = client.post("/api/faces/search", headers=csrf, data={"photo": (io.BytesIO(data), "a.jpg")})
    assert several.status_code == 400 and len(several.get_json()["faces"]) >= 2  # it says which faces there are
    found = client.post("/api/faces/search", headers=csrf, data={"photo": (io.BytesIO(data), "a.jpg"), "face": "1"})
    body = found.get_json()
    assert found.status_code == 200, body
    assert body["threshold"] == 0.92 and body["candidates"][0]["above_threshold"]
    assert body["candidates"][0]["ads"][0]["site_ad_id"] == "1001"
    blank = io.BytesIO()
    picture(5).save(blank, "PNG")
    none = client.post("/api/faces/search", headers=csrf, data={"photo": (io.BytesIO(blank.getvalue()), "b.png")})
    assert none.status_code == 400 and "no face was found" in none.get_json()["error"]
    junk = client.post("/api/faces/search", headers=csrf, data={"photo": (io.BytesIO(b"<html>"), "c.jpg")})
    assert junk.status_code == 400 and "not an image" in junk.get_json()["error"]
    entries = audit.entries(app.extensions["adgraph_db"], newest_first=False)
    assert [e.action for e in entries] == ["faces.search"] * 4 and entries[1].result_size == len(body["candidates"])
    assert all(e.user == "ana" for e in entries)

    # The page: the same search, its candidates with the ads they are on, escaped.
    page = client.post("/faces", data={"photo": (io.BytesIO(data), "a.jpg"), "face": "1", "csrf_token": token(client, "/faces")})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "/ads/demo-classifieds/1001" in html and "lead, not an identification" in html
    assert f'/faces/{body["candidates"][0]["face_id"]}.jpg' in html
    refused = client.post("/faces", data={"photo": (io.BytesIO(data), "a.jpg"), "csrf_token": token(client, "/faces")})
    assert refused.status_code == 400 and "give the number" in refused.get_data(as_text=True)
    assert client.post("/faces", data={"photo": (io.BytesIO(data), "a.jpg"), "face": "1"}).status_code == 400  # no CSRF


def test_face_crops_are_served_to_users_from_the_data_folder(app):
    face_id = "ab" + "0" * 62
    crop = app.config["ADGRAPH_SETTINGS"].data_dir / "faces" / "ab" / f"{face_id}.jpg"
    crop.parent.mkdir(parents=True)
    picture(3, size=(112, 112)).save(crop, "JPEG")
    client = app.test_client()
    assert client.get(f"/faces/{face_id}.jpg").status_code == 302  # to the login page
    login(client)
    with client.get(f"/faces/{face_id}.jpg") as response:
        assert response.status_code == 200 and response.mimetype == "image/jpeg" and response.data == crop.read_bytes()
    assert client.get("/faces/" + "cd" + "0" * 62 + ".jpg").status_code == 404
    assert client.get("/faces/..%2F..%2Fapp%2Fsecret_key.jpg").status_code == 404


def test_serve_runs_under_a_production_server(neo4j_settings, tmp_path):
    port = free_port()
    env = {**os.environ, "ADGRAPH_DATA_DIR": str(tmp_path)}
    server = subprocess.Popen([ADGRAPH, "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as response:
                    assert response.status == 200 and response.headers["Server"] == "adgraph"
                    break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "adgraph serve did not answer"
                time.sleep(0.2)
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert "create the first with `adgraph user add NAME --role admin`" in stderr


def test_auditors_read_the_audit_log_and_analysts_do_not(app):
    db = app.extensions["adgraph_db"]
    accounts.add_user(db, "aud", "auditor", PASSWORD)
    audit.record(db, "ana", "search", {"q": "<script>alert(1)</script>"}, 2)
    analyst = app.test_client()
    login(analyst)
    assert analyst.get("/audit").status_code == 403
    auditor = app.test_client()
    login(auditor, name="aud")
    page = auditor.get("/audit").get_data(as_text=True)
    assert "The chain verifies: 1 entries" in page and "ana" in page
    assert "<script>alert(1)</script>" not in page  # parameters come from users: escaped


def test_search_understands_what_it_is_given(app, graph):
    write_batch(graph, [normalize(o) for o in (
        observation(site_ad_id="1"),
        observation(site_ad_id="2", title="Sweet <b>", body="<script>alert(1)</script> new in town, call me",
                    raw_sha256="1" * 64, phones=[{"e164": "+13125550147", "raw": "312 five5five 0147"}]),
        observation(site_ad_id="3", title="Elsewhere", body="Houston girl", raw_sha256="2" * 64, phones=[], emails=[],
                    locations=[{"location_id": "geonames:4699066", "name": "Houston", "region": "TX",
                                "country": "US", "lat": 29.76328, "lon": -95.36327}]),
    )])
    client = app.test_client()
    login(client)

    def search(q):
        response = client.get("/api/search", query_string={"q": q})
        return response.status_code, response.get_json()

    status, phone = search("312.555.0147")  # written differently from both ads
    assert status == 200 and phone["query"]["kind"] == "phone" and phone["total"] == 2
    assert {tuple(ad["matched"]) for ad in phone["ads"]} == {("(312) five5five-0147",), ("312 five5five 0147",)}
    assert search("contact at example dot org")[1]["total"] == 2
    near = search("near Chicago, IL within 10 km")[1]
    assert near["query"]["kind"] == "place" and {ad["site_ad_id"] for ad in near["ads"]} == {"1", "2"}
    assert {ad["site_ad_id"] for ad in search("near Houston, TX")[1]["ads"]} == {"3"}
    text = search("new in town")[1]
    assert text["query"]["kind"] == "text" and {ad["site_ad_id"] for ad in text["ads"]} >= {"1", "2"}
    assert any(hit for ad in text["ads"] for _, hit in ad["snippet"])
    status, bad = search("312")
    assert status == 400 and "not a phone number" in bad["error"]
    page = client.get("/search", query_string={"q": "alert"}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page  # ad text is escaped
    assert "Sweet &lt;b&gt;" in page
    entries = audit.entries(app.extensions["adgraph_db"], newest_first=False)
    assert [e.params.get("kind", "refused") for e in entries if e.action == "search"] == [
        "phone", "email", "place", "place", "text", "refused", "text"]


def test_ad_page_shows_every_version_with_its_changes_and_the_network(app, graph):
    from graph.networks import assign_networks

    first = observation(site_ad_id="7", body="Sweet and new\ncall (312) five5five-0147")
    edited = observation(site_ad_id="7", body="Sweet and new\n<img src=x onerror=alert(1)> call 312.555.0147",
                         fetched_at="2026-11-02T10:00:00Z", raw_sha256="7" * 64)
    other = observation(site_ad_id="8", raw_sha256="8" * 64)  # same phone: same network
    write_batch(graph, [normalize(o) for o in (first, edited, other)])
    assign_networks(graph, [("demo-classifieds", "7"), ("demo-classifieds", "8")])
    client = app.test_client()
    login(client)
    ad = client.get("/api/ads/demo-classifieds/7").get_json()
    assert [v["fetched_at"][:10] for v in ad["versions"]] == ["2026-11-01", "2026-11-02"]
    assert ad["versions"][0]["changes"] is None
    assert ["-", "call (312) five5five-0147"] in ad["versions"][1]["changes"]
    assert ["+", "<img src=x onerror=alert(1)> call 312.555.0147"] in ad["versions"][1]["changes"]
    page = client.get("/ads/demo-classifieds/7").get_data(as_text=True)
    assert "<img src=x onerror" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    network = client.get(f"/api/networks/{ad['network_id']}").get_json()
    assert {a["site_ad_id"] for a in network["ads"]} == {"7", "8"}
    assert network["counts"]["Phone"] == 1 and network["places"][0]["name"] == "Chicago"
    assert {"kind": "Phone", "key": "+13125550147", "ads": 2, "ignored": False} in network["identifiers"]
    assert client.get(f"/networks/{ad['network_id']}").status_code == 200
    found = client.get(f"/api/networks/{ad['network_id']}/analysis",
                       query_string={"from": "demo-classifieds/7", "to": "demo-classifieds/8"}).get_json()
    first_ad, shared, second_ad = found["chain"]  # the ads share a phone, an email and an image: any one is the chain
    assert (first_ad["key"], second_ad["key"]) == ("demo-classifieds/7", "demo-classifieds/8")
    assert (shared["labels"][0], shared["key"]) in {("Phone", "+13125550147"), ("Email", "contact@example.org"),
                                                    ("Image", sha("image-a"))}
    assert found["communities"] == [["demo-classifieds/7", "demo-classifieds/8"]] and found["bridges"]
    assert client.get("/ads/demo-classifieds/404").status_code == 404
    actions = [e.action for e in audit.entries(app.extensions["adgraph_db"], newest_first=False)]
    assert actions == ["ad.open", "ad.open", "network.open", "network.open", "network.analysis", "ad.open"]
