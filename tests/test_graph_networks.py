"""Networks of ads, kept up to date incrementally, against the real Neo4j."""

from __future__ import annotations

import pytest

from graph.ingest import write_batch
from graph.networks import assign_networks, hubs, keep_ids, network_id, rebuild, set_ignored, why_linked
from graph.records import normalize

from helpers import observation, sha

SITE = "demo-classifieds"


def ad(site_ad_id: str, phones=(), emails=(), images=()) -> dict:
    """An ad with only the identifiers given (fictional numbers only)."""
    return normalize(observation(
        site_ad_id=site_ad_id, raw_sha256=sha(f"page-{site_ad_id}"), locations=[],
        phones=[{"e164": p, "raw": p} for p in phones], emails=[{"address": e} for e in emails],
        images=[{"sha256": sha(i), "phash": "c3c3c3c3c3c3c3c3"} for i in images]))


def add(driver, *ads) -> int:
    write_batch(driver, list(ads))
    return assign_networks(driver, [(SITE, a["site_ad_id"]) for a in ads])


def networks(driver) -> dict[str, str]:
    return {r["id"]: r["net"] for r in driver.execute_query(
        "MATCH (a:Ad) RETURN a.site_ad_id AS id, a.network_id AS net").records}


def test_shared_identifiers_make_one_network_and_a_bridge_merges_two(graph):
    add(graph, ad("1", phones=["+13125550101"]), ad("2", phones=["+13125550101"]), ad("3", emails=["x@example.org"]))
    nets = networks(graph)
    assert nets["1"] == nets["2"] == network_id(SITE, "1") and nets["3"] == network_id(SITE, "3")
    # A later ad shares the phone of one network and the email of the other: they become one.
    assert add(graph, ad("4", phones=["+13125550101"], emails=["x@example.org"])) == 1
    assert len(set(networks(graph).values())) == 1
    assert set(networks(graph).values()) == {min(network_id(SITE, "1"), network_id(SITE, "3"))}
    assert add(graph, ad("4", phones=["+13125550101"], emails=["x@example.org"])) == 0  # again: nothing moves


def test_images_and_near_duplicates_join_networks(graph):
    add(graph, ad("1", images=["photo"]), ad("2", images=["photo"]), ad("3", images=["copy"]), ad("4", images=["other"]))
    graph.execute_query("MATCH (a:Image {sha256: $a}), (b:Image {sha256: $b}) MERGE (a)-[:NEAR_DUPLICATE {distance: 2}]->(b)",
                        a=sha("photo"), b=sha("copy"))
    assign_networks(graph, [(SITE, "3")])
    nets = networks(graph)
    assert nets["1"] == nets["2"] == nets["3"] != nets["4"]


def test_hubs_and_ignored_identifiers_join_nothing(graph):
    # A site's own number on every ad is no evidence of anything.
    add(graph, *[ad(str(n), phones=["+13125550199", f"+1312555{110 + n:04d}"]) for n in range(5)])
    assert assign_networks(graph, [(SITE, str(n)) for n in range(5)], hub=3) == 0
    rebuild(graph, hub=3)
    assert len(set(networks(graph).values())) == 5
    assert [(h["key"], h["ads"]) for h in hubs(graph, hub=3)] == [("+13125550199", 5)]
    # An admin marks a shared email as not evidence (a footer address): after a rebuild it joins nothing.
    add(graph, ad("a", emails=["footer@example.com"]), ad("b", emails=["footer@example.com"]))
    assert networks(graph)["a"] == networks(graph)["b"]
    assert set_ignored(graph, "footer@example.com") == "Email"
    rebuild(graph)
    assert networks(graph)["a"] != networks(graph)["b"]
    assert set_ignored(graph, "+10000000000") is None


def test_why_two_ads_are_in_one_network(graph):
    add(graph, ad("1", phones=["+13125550101"]), ad("2", phones=["+13125550101"], emails=["y@example.org"]),
        ad("3", emails=["y@example.org"]), ad("4", phones=["+13125550102"]))
    chain = why_linked(graph, (SITE, "1"), (SITE, "3"))
    assert [step["key"] for step in chain] == [f"{SITE}/1", "+13125550101", f"{SITE}/2", "y@example.org", f"{SITE}/3"]
    assert why_linked(graph, (SITE, "1"), (SITE, "4")) is None


def test_networks_from_the_command_line(graph):
    from helpers import adgraph

    add(graph, ad("1", phones=["+13125550101"]), ad("2", phones=["+13125550101"]), ad("3", phones=["+13125550102"]))
    why = adgraph("networks", "why", f"{SITE}/1", f"{SITE}/2")
    assert why.returncode == 0 and why.stdout.strip() == f"Ad {SITE}/1 -> Phone +13125550101 -> Ad {SITE}/2"
    apart = adgraph("networks", "why", f"{SITE}/1", f"{SITE}/3")
    assert apart.returncode == 1 and "not joined by any evidence" in apart.stderr
    assert "give an ad as SITE/AD_ID" in adgraph("networks", "why", "1", "2").stderr
    ignore = adgraph("networks", "ignore", "+13125550101")
    assert ignore.returncode == 0 and "ignored for linking" in ignore.stderr
    rebuilt = adgraph("networks", "rebuild")
    assert rebuilt.returncode == 0 and "3 ads in 3 networks" in rebuilt.stderr
    assert adgraph("networks", "hubs", "--min-ads", "1").stdout.count("\n") == 1


A, B, C, D, E = (("s", x) for x in "abcde")


@pytest.mark.parametrize("before, fresh, after", [
    # Nothing split: the known id stays, whatever the recomputation called it.
    ({A: "n1", B: "n1"}, {A: "f", B: "f"}, {A: "n1", B: "n1"}),
    # A split: the old id goes to the part holding most of its ads; the other part keeps its fresh id.
    ({A: "n1", B: "n1", C: "n1"}, {A: "f1", B: "f2", C: "f2"}, {A: "f1", B: "n1", C: "n1"}),
    # A tie goes to the smaller fresh id.
    ({A: "n1", B: "n1"}, {A: "f1", B: "f2"}, {A: "n1", B: "f2"}),
    # A merge keeps the id of the network with most ads; an ad new to the graph joins it.
    ({A: "n1", B: "n2", C: "n2", D: None}, {A: "f", B: "f", C: "f", D: "f"}, {A: "n2", B: "n2", C: "n2", D: "n2"}),
    # Two networks untouched by the recomputation keep their ids even if it swapped them.
    ({A: "n1", B: "n2"}, {A: "n2", B: "n1"}, {A: "n1", B: "n2"}),
])
def test_recomputed_networks_keep_the_ids_investigators_know(before, fresh, after):
    assert keep_ids(before, fresh) == after


def test_a_part_whose_fresh_id_was_taken_gets_another():
    # The part with ad A was named after A, as the old network was; the bigger part took the old id.
    old = network_id(*A)
    result = keep_ids({A: old, B: old, C: old}, {A: old, B: "f2", C: "f2"})
    assert result[B] == result[C] == old
    assert result[A] not in (old, "f2") and result[A].startswith("n")


@pytest.mark.parametrize("ignored_side", [0, 1])
def test_an_ignored_face_joins_nothing_from_either_side(graph, ignored_side):
    """Two ads sharing nothing but the same face (SAME_FACE between their pictures' faces): one
    network, until either face is ignored; then two, with the known id kept by one of them."""
    from graph.faces import link_face_pairs
    from graph.networks import ignore
    from graph.records import face_id

    faces = [{"image_sha256": sha(f"img-{n}"), "engine": "dlib", "model": "test", "box": [n, 10, 40, 40]}
             for n in range(2)]
    ads = [normalize(observation(site="demo", site_ad_id=str(n), raw_sha256=sha(f"page-{n}"), emails=[],
                                 locations=[], phones=[{"e164": f"+1312555010{n}", "raw": f"312 555 010{n}"}],
                                 images=[{"sha256": sha(f"img-{n}"), "phash": f"{n + 1:016x}",
                                          "url": f"http://127.0.0.1:8000/{n}.jpg"}], faces=[faces[n]]))
           for n in range(2)]
    write_batch(graph, ads)
    ids = [face_id(f) for f in faces]
    assert link_face_pairs(graph, [(ids[0], ids[1], 0.97)]) == 1
    assign_networks(graph, [("demo", "0"), ("demo", "1")])
    [known] = {r[0] for r in graph.execute_query("MATCH (a:Ad) RETURN DISTINCT a.network_id").records}

    done = ignore(graph, "face", ids[ignored_side])
    assert (done["moved"], done["networks_after"]) == (1, 2)
    after = {r[0] for r in graph.execute_query("MATCH (a:Ad) RETURN DISTINCT a.network_id").records}
    assert len(after) == 2 and known in after
    assert ignore(graph, "face", ids[ignored_side], ignored=False)["networks_after"] == 1
