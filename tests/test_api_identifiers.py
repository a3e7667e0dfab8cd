"""The hubs page and marking an identifier ignored for linking, through Flask's test client on the
real app and the real Neo4j: two networks glued only by a site's footer phone come apart when an
admin ignores it, and join again when it counts as evidence again."""

from __future__ import annotations

import pytest

from api import accounts, audit
from graph.ingest import write_batch
from graph.networks import assign_networks
from graph.records import normalize

from helpers import PASSWORD, login, observation, sha, token

FOOTER = "+13125550100"  # fictional: NANP 555-01XX


def ad(site: str, site_ad_id: str, phones: list[str], emails: list[str] = ()) -> dict:
    return normalize(observation(
        site=site, site_ad_id=site_ad_id, raw_sha256=sha(f"page-{site}-{site_ad_id}"), locations=[], images=[],
        phones=[{"e164": p, "raw": p} for p in phones], emails=[{"address": e} for e in emails]))


@pytest.fixture
def glued(graph):
    """Network A (three ads on one site sharing a phone) and network B (three on another sharing an
    email), every ad also showing the same footer phone: one network, by the footer alone."""
    ads = [ad("site-a", str(n), [FOOTER, "+13125550111"]) for n in range(3)]
    ads += [ad("site-b", str(n), [FOOTER], ["booking@example.org"]) for n in range(3)]
    write_batch(graph, ads)
    assign_networks(graph, [(a["site"], a["site_ad_id"]) for a in ads])
    assert len(set(networks(graph).values())) == 1
    return graph


def networks(driver) -> dict[str, str]:
    return {f"{r['site']}/{r['id']}": r["net"] for r in driver.execute_query(
        "MATCH (a:Ad) RETURN a.site AS site, a.site_ad_id AS id, a.network_id AS net").records}


def a_and_b(driver) -> tuple[set, set]:
    nets = networks(driver)
    return ({v for k, v in nets.items() if k.startswith("site-a/")},
            {v for k, v in nets.items() if k.startswith("site-b/")})


@pytest.fixture
def admin(app):  # noqa: F811
    accounts.add_user(app.extensions["adgraph_db"], "ada", "admin", PASSWORD)
    client = app.test_client()
    assert login(client, name="ada").status_code == 302
    return client


def analyst(app):  # noqa: F811
    client = app.test_client()
    assert login(client).status_code == 302
    return client


def ignore(client, ignored=True, key=FOOTER, kind="phone", reason="the site's own number, in every footer", **kw):
    return client.post(f"/api/identifiers/{kind}/ignore", json={"key": key, "ignored": ignored, "reason": reason},
                       headers={"X-CSRFToken": token(client, "/")}, **kw)


def test_a_footer_on_two_networks_is_not_judged_common(app, glued):  # noqa: F811
    # It joins two groups: as good as any link (an admin may ignore it, below).
    assert analyst(app).get("/api/identifiers/hubs").get_json() == {"min_ads": 1, "identifiers": []}


def test_common_identifiers_are_listed_with_their_figures_for_every_user(app, graph):  # noqa: F811
    # A site's own number on every ad of twelve posters, each with a number of their own.
    ads = [ad("site-a", str(n), [FOOTER, f"+1312555{110 + n:04d}"]) for n in range(12)]
    write_batch(graph, ads)
    assign_networks(graph, [(a["site"], a["site_ad_id"]) for a in ads])
    client = analyst(app)
    listed = client.get("/api/identifiers/hubs", query_string={"min_ads": 5}).get_json()
    [row] = listed["identifiers"]
    assert listed["min_ads"] == 5 and {k: row[k] for k in (
        "label", "kind", "key", "value", "ads", "networks", "sites", "places", "common", "reason", "groups",
        "coverage", "site_share", "ignored", "confirmed", "members")} == {
        "label": "Phone", "kind": "phone", "key": FOOTER, "value": "(312) 555-0100", "ads": 12, "networks": 12,
        "sites": 1, "places": 0, "common": True, "reason": "joins 12 groups", "groups": 12, "coverage": 1.0,
        "site_share": 1.0, "ignored": False, "confirmed": False, "members": 1}
    assert client.get("/api/identifiers/hubs?min_ads=13").get_json()["identifiers"] == []
    page = client.get("/identifiers/hubs?min_ads=5")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "(312) 555-0100" in html and FOOTER in html and "common: joins 12 groups" in html
    assert "Ignore for linking" not in html and "Confirm as evidence" not in html  # no form for an analyst
    assert "/identifiers/hubs" in client.get("/").get_data(as_text=True)


def test_an_admin_confirms_a_common_identifier_as_one_operation(app, admin, graph):  # noqa: F811
    ads = [ad("site-a", str(n), [FOOTER, f"+1312555{110 + n:04d}"]) for n in range(12)]
    write_batch(graph, ads)
    assign_networks(graph, [(a["site"], a["site_ad_id"]) for a in ads])
    assert len(set(networks(graph).values())) == 12
    done = admin.post("/api/identifiers/phone/confirm", json={"key": FOOTER, "confirmed": True,
                                                               "reason": "one agency's booking line"},
                      headers={"X-CSRFToken": token(admin, "/")})
    assert done.status_code == 200 and done.get_json() == {
        "kind": "phone", "key": FOOTER, "value": "(312) 555-0100", "confirmed": True, "ads": 12, "moved": 11,
        "networks_before": 12, "networks_after": 1}
    assert len(set(networks(graph).values())) == 1
    [row] = admin.get("/api/identifiers/hubs").get_json()["identifiers"]
    assert (row["confirmed"], row["common"]) == (True, False)
    page = admin.post("/identifiers/phone/confirm", data={"key": FOOTER, "confirmed": "0", "reason": "undo",
                                                          "csrf_token": token(admin, "/identifiers/hubs")})
    assert "is judged by its spread again: 11 of 12 ads changed network" in admin.get(page.headers["Location"]).get_data(as_text=True)
    assert len(set(networks(graph).values())) == 12
    assert [e.params["confirmed"] for e in audit.entries(app.extensions["adgraph_db"])
            if e.action == "identifier.confirm"] == [False, True]


def test_only_admins_may_ignore_and_only_with_the_csrf_token(app, admin, glued):  # noqa: F811
    ana = analyst(app)
    refused = ignore(ana)
    assert refused.status_code == 403 and "only an admin" in refused.get_json()["error"]
    form = ana.post("/identifiers/phone/ignore", data={"key": FOOTER, "ignored": "1", "reason": "x",
                                                       "csrf_token": token(ana, "/")})
    assert form.status_code == 403
    assert [(e.user, e.params["refused"]) for e in audit.entries(app.extensions["adgraph_db"])
            if e.action == "identifier.ignore"] == [("ana", "only an admin may mark an identifier ignored for linking")] * 2
    no_token = admin.post("/api/identifiers/phone/ignore", json={"key": FOOTER, "ignored": True, "reason": "x"})
    assert no_token.status_code == 400 and "CSRF" in no_token.get_json()["error"]
    a, b = a_and_b(glued)
    assert a == b  # nothing changed


def test_ignoring_the_footer_splits_the_networks_and_counting_it_again_joins_them(app, admin, glued):  # noqa: F811
    [known] = a_and_b(glued)[0]
    done = ignore(admin)
    assert done.status_code == 200, done.get_json()
    # Three ads keep the network id investigators know; the other three move to a network of their own.
    assert done.get_json() == {"kind": "phone", "key": FOOTER, "value": "(312) 555-0100", "ignored": True,
                               "ads": 6, "moved": 3, "networks_before": 1, "networks_after": 2}
    a, b = a_and_b(glued)
    assert len(a) == len(b) == 1 and a != b and known in a | b
    split = (a | b) - {known}
    listed = admin.get("/api/identifiers/hubs?min_ads=5").get_json()["identifiers"]
    assert [(x["key"], x["ignored"], x["networks"]) for x in listed] == [(FOOTER, True, 2)]

    back = ignore(admin, ignored=False, reason="a mistake: it is the poster's own number")
    assert back.status_code == 200 and back.get_json() == {
        "kind": "phone", "key": FOOTER, "value": "(312) 555-0100", "ignored": False, "ads": 6, "moved": 3,
        "networks_before": 2, "networks_after": 1}
    a, b = a_and_b(glued)
    assert len(a | b) == 1 and (a | b) <= {known} | split

    entries = [e for e in audit.entries(app.extensions["adgraph_db"]) if e.action == "identifier.ignore"]
    assert [(e.user, e.params["ignored"], e.params["key"], e.params["kind"]) for e in entries] == [
        ("ada", False, FOOTER, "phone"), ("ada", True, FOOTER, "phone")]
    assert entries[1].params["reason"] == "the site's own number, in every footer"
    assert [e.result_size for e in entries] == [3, 3]


def test_the_page_form_ignores_and_says_what_changed(app, admin, glued):  # noqa: F811
    page = admin.get("/identifiers/hubs?min_ads=5").get_data(as_text=True)
    assert "Ignore for linking" in page and FOOTER not in page  # not common: marked through the form for any identifier
    posted = admin.post("/identifiers/mark", data={"kind": "phone", "key": FOOTER, "action": "ignore", "min_ads": "5",
                                                   "reason": "footer <b>number</b>",
                                                   "csrf_token": token(admin, "/identifiers/hubs")})
    assert posted.status_code == 302 and posted.headers["Location"] == "/identifiers/hubs?min_ads=5"
    after = admin.get(posted.headers["Location"]).get_data(as_text=True)
    assert "(312) 555-0100 is ignored for linking: 3 of 6 ads changed network" in after
    assert "1 networks before, 2 after" in after
    assert "Count as evidence again" in after
    a, b = a_and_b(glued)
    assert a != b


@pytest.mark.parametrize("kind, body, status, message", [
    ("phone", {"key": FOOTER, "ignored": True}, 400, "reason"),
    ("phone", {"key": FOOTER, "ignored": "yes", "reason": "r"}, 400, "ignored"),
    ("phone", {"ignored": True, "reason": "r"}, 400, "key"),
    ("phone", {"key": "+13125550199", "ignored": True, "reason": "r"}, 404, "no phone"),
    ("email", {"key": FOOTER, "ignored": True, "reason": "r"}, 404, "no email"),  # the kind must match
    ("fax", {"key": FOOTER, "ignored": True, "reason": "r"}, 404, "no kind of identifier"),
])
def test_bad_requests_say_what_was_wrong(app, admin, glued, kind, body, status, message):  # noqa: F811
    response = admin.post(f"/api/identifiers/{kind}/ignore", json=body, headers={"X-CSRFToken": token(admin, "/")})
    assert response.status_code == status and message in response.get_json()["error"]
    assert glued.execute_query("MATCH (p:Phone {e164: $k}) RETURN p.ignored AS i", k=FOOTER).records[0]["i"] is None


def test_the_page_escapes_what_ads_contain(app, admin, graph):  # noqa: F811
    hostile = "<script>alert(1)</script>"
    ads = [normalize(observation(site_ad_id=str(n), raw_sha256=sha(f"page-{n}"), locations=[], images=[], phones=[],
                                 emails=[], handles=[{"platform": "telegram", "handle": hostile}])) for n in range(3)]
    write_batch(graph, ads)
    done = admin.post("/api/identifiers/handle/ignore", json={"key": f"telegram:{hostile}", "ignored": True,
                                                              "reason": "a test"}, headers={"X-CSRFToken": token(admin, "/")})
    assert done.status_code == 200, done.get_json()
    html = admin.get("/identifiers/hubs?min_ads=2").get_data(as_text=True)
    assert hostile not in html and "@&lt;script&gt;alert(1)&lt;/script&gt; on telegram" in html
