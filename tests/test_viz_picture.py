"""The network picture from plain nodes and edges: labels, escaped tooltips, styles, aggregation."""

from __future__ import annotations

import json
import re

import pytest

from viz.picture import STYLES, aggregate, expansion, label, picture, tooltip

HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'


def ad(n: int, **extra) -> dict:
    return {"id": f"Ad:demo/{n}", "kind": "Ad", "key": f"demo/{n}", "title": f"Ad {n}",
            "first_seen": "2026-11-01T10:00:00+00:00", "last_seen": "2026-11-02T10:00:00+00:00", **extra}


def ident(kind: str, key: str, **extra) -> dict:
    return {"id": f"{kind}:{key}", "kind": kind, "key": key, **extra}


def edge(a: dict, b: dict, kind: str = "HAS_PHONE") -> dict:
    return {"from": a["id"], "to": b["id"], "type": kind}


@pytest.mark.parametrize("node, expected", [
    (ident("Phone", "+12025550101"), "(202) 555-0101"),
    (ident("Phone", "+442079460123"), "+44 20 7946 0123"),
    (ident("Phone", "not-a-number"), "not-a-number"),
    (ad(1, title="Sweet   new\nin town"), "Sweet new in town"),
    (ad(2, title="x" * 50), "x" * 31 + "…"),
    (ad(3, title=None), "demo/3"),
    (ident("Email", "contact@example.org"), "contact@example.org"),
    (ident("Handle", "instagram:someone"), "instagram:someone"),
    (ident("Image", "ab" * 32), "image abababab"),
    (ident("Face", "f00dfeed" * 4), "face f00dfeed"),
    (ident("Location", "geonames:1", name="Houston", region="TX"), "Houston, TX"),
    (ident("Location", "geonames:2"), "geonames:2"),
])
def test_labels_read(node, expected):
    assert label(node) == expected


@pytest.mark.parametrize("node", [
    ad(1, title=HOSTILE, body=HOSTILE),
    ident("Email", HOSTILE),
    ident("Location", "geonames:1", name=HOSTILE, region="TX"),
])
def test_tooltips_escape_every_piece_of_data(node):
    html = str(tooltip(node))
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=" in html
    # Only the tooltip's own markup is left as tags.
    assert set(re.findall(r"<(\w+)", html)) <= {"b", "i", "br", "span"}


def test_tooltips_say_removed_hub_and_ignored():
    assert "removed 2026-11-05" in str(tooltip(ad(1, removed_at="2026-11-05T00:00:00+00:00")))
    assert "live" in str(tooltip(ad(1)))
    common = ident("Phone", "+12025550101", ads=250, common=True, common_reason="joins 40 groups")
    assert "common, not evidence: joins 40 groups" in str(tooltip(common))
    assert "common" not in str(tooltip(ident("Phone", "+12025550101", ads=250)))
    assert "ignored for linking" in str(tooltip(ident("Phone", "+12025550101", ignored=True)))


def _network(ads: int = 4) -> dict:
    phone, email = ident("Phone", "+12025550101", ads=ads), ident("Email", "a@example.org", ads=2)
    place = ident("Location", "geonames:1", name="Houston", region="TX", ads=ads)
    items = [ad(n) for n in range(ads)]
    edges = [edge(a, phone) for a in items] + [edge(a, place, "IN_LOCATION") for a in items]
    edges += [edge(items[0], email, "HAS_EMAIL"), edge(items[1], email, "HAS_EMAIL")]
    return {"nodes": items + [phone, email, place], "edges": edges}


def test_picture_has_every_node_styled_by_kind_and_every_edge_once():
    graph = _network()
    graph["edges"].append(dict(graph["edges"][0]))  # the same edge twice draws once
    result = picture(graph, link=lambda node: f"/open/{node['key']}" if node["kind"] == "Ad" else None)
    nodes = {n["id"]: n for n in result.net.nodes}
    assert not result.aggregated and len(nodes) == 7 and len(result.net.edges) == 10
    for node in nodes.values():
        colour, shape, _ = STYLES[node["kind"]]
        assert (node["color"], node["shape"]) == (colour, shape)
    assert nodes["Ad:demo/0"]["url"] == "/open/demo/0" and "url" not in nodes["Phone:+12025550101"]
    assert nodes["Phone:+12025550101"]["label"] == "(202) 555-0101"
    assert all(e["arrows"] == "" for e in result.net.edges)


def test_hubs_ignored_identifiers_and_removed_ads_look_different():
    graph = {"nodes": [ad(1, removed_at="2026-11-05T00:00:00+00:00"), ident("Phone", "+12025550101", ads=500, common=True),
                       ident("Email", "a@example.org", ignored=True), ident("Email", "b@example.org", ads=3)],
             "edges": []}
    nodes = {n["id"]: n for n in picture(graph).net.nodes}
    assert nodes["Ad:demo/1"]["shapeProperties"] == {"borderDashes": [4, 3]}
    assert nodes["Phone:+12025550101"]["color"] == nodes["Email:a@example.org"]["color"] != nodes["Email:b@example.org"]["color"]


def test_above_the_limit_the_picture_starts_from_identifiers_sized_by_their_ads():
    graph = _network(ads=6)
    full = picture(graph, aggregate_above=9)
    small = picture(graph, aggregate_above=8)
    assert not full.aggregated and small.aggregated
    nodes = {n["id"]: n for n in small.net.nodes}
    # No ads and no places: one node per identifier, sized by its ads in this network.
    assert set(nodes) == {"Phone:+12025550101", "Email:a@example.org"}
    assert nodes["Phone:+12025550101"]["value"] == 6 and nodes["Email:a@example.org"]["value"] == 2
    assert nodes["Phone:+12025550101"]["label"] == "(202) 555-0101\n6 ads"
    [joined] = small.net.edges  # together on two ads
    assert {joined["from"], joined["to"]} == set(nodes) and joined["value"] == 2
    assert (small.nodes_in_network, small.dropped) == (9, 0)


def test_an_aggregated_picture_still_too_big_keeps_the_identifiers_on_most_ads():
    phones = [ident("Phone", f"+1202555{100 + n:04d}") for n in range(5)]
    ads = [ad(n) for n in range(15)]
    # Phone n is on n + 1 ads.
    edges = [edge(ads[i], phones[n]) for n in range(5) for i in range(n + 1)]
    result = aggregate({"nodes": ads + phones, "edges": edges}, limit=3)
    assert [n["id"] for n in result.net.nodes] == [p["id"] for p in reversed(phones[2:])]
    assert result.dropped == 2


def test_faces_near_duplicates_and_same_faces_survive_aggregation():
    image_a, image_b = ident("Image", "a" * 64), ident("Image", "b" * 64)
    face_a, face_b = ident("Face", "fa"), ident("Face", "fb")
    one, two = ad(1), ad(2)
    graph = {"nodes": [one, two, image_a, image_b, face_a, face_b],
             "edges": [edge(one, image_a, "HAS_IMAGE"), edge(two, image_b, "HAS_IMAGE"),
                       edge(image_a, image_b, "NEAR_DUPLICATE"), edge(image_a, face_a, "HAS_FACE"),
                       edge(image_b, face_b, "HAS_FACE"), edge(face_a, face_b, "SAME_FACE")]}
    result = aggregate(graph, limit=10)
    assert {e["title"] for e in result.net.edges} == {"NEAR_DUPLICATE", "HAS_FACE", "SAME_FACE"}
    assert len(result.net.nodes) == 4


def test_the_rendered_picture_is_data_only_and_cannot_be_closed_by_ad_text():
    graph = {"nodes": [ad(1, title="</script><script>window.__pwned = 1</script>", body=HOSTILE)], "edges": []}
    html = str(picture(graph).html())
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert [attrs for attrs, _ in scripts] == [' type="application/json" id="network-nodes"',
                                              ' type="application/json" id="network-edges"']
    nodes = json.loads(scripts[0][1])
    assert nodes[0]["label"].startswith("</script>")  # the data is intact, only its encoding is safe
    assert "cdn" not in html.lower() and "http" not in html


def test_an_expansion_adds_the_node_and_its_neighbours_once():
    phone = ident("Phone", "+12025550101", ads=3)
    found = {"node": phone, "total": 3, "nodes": [ad(1), ad(2), ad(2)],
             "edges": [edge(ad(1), phone), edge(ad(2), phone), edge(ad(2), phone)]}
    result = expansion(found)
    assert result["node"] == "Phone:+12025550101" and result["total"] == 3
    assert [n["id"] for n in result["nodes"]] == ["Phone:+12025550101", "Ad:demo/1", "Ad:demo/2"]
    assert len(result["edges"]) == 2


def test_a_gallery_of_images_does_not_crowd_the_phone_out_of_the_aggregated_picture():
    phone, one = ident("Phone", "+12025550101"), ad(1)
    images = [ident("Image", f"{n:064x}") for n in range(20)]
    graph = {"nodes": [one, phone, *images],
             "edges": [edge(one, phone)] + [edge(one, image, "HAS_IMAGE") for image in images]}
    joined = {frozenset((e["from"], e["to"])) for e in aggregate(graph, limit=100).net.edges}
    assert sum(1 for pair in joined if phone["id"] in pair) == 11  # the phone and the first 11 images


def test_the_still_picture_for_reports_is_escaped_deterministic_and_aggregates_big_networks():
    from xml.etree import ElementTree

    from viz.svg import svg

    graph = _network(ads=4)
    graph["nodes"][0]["title"] = HOSTILE
    drawn = svg(graph)
    ElementTree.fromstring(drawn)  # well-formed: the hostile title is text, not markup
    assert "<script" not in drawn and "&lt;script&gt;" in drawn and drawn == svg(graph)
    assert drawn.count("<line ") == 10 and drawn.count("<title>") == 7
    big = svg(_network(ads=50), limit=20)
    assert "drawn as its phones, emails" in big and big.count("<title>") == 2  # the phone and the email
