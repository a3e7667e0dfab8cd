"""Networks of ads, kept up to date incrementally, against the real Neo4j."""

from __future__ import annotations

import pytest

from graph import linking
from graph.ingest import write_batch
from graph.linking import settle, settle_commons
from graph.networks import (assign_networks, common_identifiers, ignore, keep_ids, network_events, network_id, rebuild,
                            why_linked)
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
    # The larger network's id stays, and the merge is recorded with its cause.
    assert set(networks(graph).values()) == {network_id(SITE, "1")}
    [event] = network_events(graph, network_id(SITE, "1"))
    assert (event["kind"], event["networks"], event["ads"]) == ("merge", [network_id(SITE, "3")], 4)
    assert event["cause"] == "new links" and network_events(graph, network_id(SITE, "3")) == [event]
    assert add(graph, ad("4", phones=["+13125550101"], emails=["x@example.org"])) == 0  # again: nothing moves


def test_a_common_identifier_on_few_ads_is_judged_again_when_more_of_its_ads_arrive(graph):
    """An email on one of the three ads of each of three phones looks like an agency's line and is
    judged common; when two more ads of the first phone bring it, it is on most of that phone's
    ads: the batch's region takes in its other ads too, and it is judged evidence (a batch on
    the first phone alone would otherwise leave it common: its other ads out of view)."""
    email = "thread@example.org"
    add(graph, *[ad(f"{p}-{n}", phones=[f"+131255501{p}0"], emails=[email] if n == 0 else [])
                 for p in range(1, 4) for n in range(3)])
    assert [r["key"] for r in common_identifiers(graph)] == [email]
    assert len(set(networks(graph).values())) == 3
    add(graph, *[ad(f"1-{n}", phones=["+13125550110"], emails=[email]) for n in (3, 4)])
    assert common_identifiers(graph) == []
    assert len(set(networks(graph).values())) == 1


def test_a_picture_family_kept_common_by_a_copy_out_of_view_is_judged_again_whole(graph):
    """A victim's photo on one ad of each of two phones' four looks like a stock photo and is judged
    common; its copy's copy is on an ad no later batch reaches. When six more ads bring the photo
    (three of each phone), the batch sees the photo and its first copy but not the second: the
    family stays common (KEPT_COMMON). Judged again whole, as the end of a cycle does, it is on
    most of both phones' ads: evidence, as a rebuild finds it."""
    def batch(*ads):
        write_batch(graph, list(ads))
        return settle(graph, [(SITE, a["site_ad_id"]) for a in ads], "test")

    batch(*[ad(f"{p}-{n}", phones=[f"+131255501{p}0"], images=["photo"] if n == 0 else [])
                    for p in (1, 2) for n in range(4)], ad("copy", images=["copy"]), ad("copy-of-copy", images=["far"]))
    for a, b in (("photo", "copy"), ("copy", "far")):
        graph.execute_query("MATCH (a:Image {sha256: $a}), (b:Image {sha256: $b}) MERGE (a)-[:NEAR_DUPLICATE {distance: 4}]->(b)",
                            a=sha(a), b=sha(b))
    first = settle(graph, [(SITE, "copy")], "near-duplicates")
    assert ("Image", sha("photo")) in first.small_commons
    second = batch(*[ad(f"{p}-{n}", phones=[f"+131255501{p}0"], images=["photo"]) for p in (1, 2) for n in (4, 5, 6)])
    assert len(set(networks(graph).values())) == 4 and ("Image", sha("far")) in second.small_commons
    again = settle_commons(graph, second.small_commons, "end of cycle")
    assert again.stopped_common == 3 and common_identifiers(graph) == []
    assert len(set(networks(graph).values())) == 1
    rebuild(graph)
    assert len(set(networks(graph).values())) == 1


def test_settling_commons_leaves_a_unit_on_more_ads_than_it_judges_again(graph, monkeypatch):
    monkeypatch.setattr(linking, "REJUDGE_ADS", 5)
    write_batch(graph, [ad(str(n), phones=[f"+1312555{n:04d}"], images=["stock"]) for n in range(100, 106)])
    assert settle(graph, [(SITE, str(n)) for n in range(100, 106)], "test").became_common >= 1
    assert linking.units_within(graph, [("Image", sha("stock"))], 5) == []
    assert linking.units_within(graph, [("Image", sha("stock"))], 6) == [[("Image", sha("stock"))]]
    assert settle_commons(graph, [("Image", sha("stock"))], "end of cycle").ads == 0
    # A phone met on few ads that has grown past the limit since is left as it is too.
    assert settle_commons(graph, [("Phone", "+13125550100")], "end of cycle").ads > 0
    write_batch(graph, [ad(str(n), phones=["+13125550100"]) for n in range(200, 206)])
    assert settle_commons(graph, [("Phone", "+13125550100")], "end of cycle").ads == 0


def test_a_unit_is_walked_out_whole_and_cut_off_where_it_grows_too_large(graph):
    """photo - copy - far (near-duplicates), a face in far, the same face in portrait: one unit of
    four pictures on four ads. A picture with more near-duplicates than the limit ends the walk."""
    write_batch(graph, [ad(name, images=[name]) for name in ("photo", "copy", "far", "portrait", "alone")])
    edges = [("NEAR_DUPLICATE", "photo", "copy"), ("NEAR_DUPLICATE", "copy", "far")]
    for kind, a, b in edges:
        graph.execute_query(f"MATCH (a:Image {{sha256: $a}}), (b:Image {{sha256: $b}}) MERGE (a)-[:{kind}]->(b)",
                            a=sha(a), b=sha(b))
    graph.execute_query("MATCH (i:Image {sha256: $far}), (j:Image {sha256: $portrait}) "
                        "CREATE (i)-[:HAS_FACE]->(:Face {face_id: 'f1'})-[:SAME_FACE]->(:Face {face_id: 'f2'})<-[:HAS_FACE]-(j)",
                        far=sha("far"), portrait=sha("portrait"))
    unit = sorted([("Face", "f1"), ("Face", "f2")] + [("Image", sha(n)) for n in ("photo", "copy", "far", "portrait")])
    for seed in (("Image", sha("photo")), ("Face", "f2")):
        assert linking.units_within(graph, [seed], 4) == [unit]
        assert linking.units_within(graph, [seed, ("Image", sha("alone"))], 4) == sorted([unit, [("Image", sha("alone"))]])
        assert linking.units_within(graph, [seed], 3) == []
    # copy has two near-duplicates: over a limit of one, whatever the ads.
    assert linking.units_within(graph, [("Image", sha("copy"))], 1) == []
    # Settled in transactions of one unit each, or all at once: the same ads.
    seeds = [("Image", sha("photo")), ("Image", sha("alone"))]
    assert settle_commons(graph, seeds, "test", chunk_ads=1).ads == settle_commons(graph, seeds, "test").ads == 5


def test_images_and_near_duplicates_join_networks(graph):
    add(graph, ad("1", images=["photo"]), ad("2", images=["photo"]), ad("3", images=["copy"]), ad("4", images=["other"]))
    graph.execute_query("MATCH (a:Image {sha256: $a}), (b:Image {sha256: $b}) MERGE (a)-[:NEAR_DUPLICATE {distance: 2}]->(b)",
                        a=sha("photo"), b=sha("copy"))
    assign_networks(graph, [(SITE, "3")])
    nets = networks(graph)
    assert nets["1"] == nets["2"] == nets["3"] != nets["4"]


def test_a_site_phone_on_every_ad_is_common_and_splits_what_it_joined(graph):
    # A site's own number on every ad of twelve posters, each with a number of their own: while
    # it was on few ads it joined them; as it spreads it is judged common and the network splits.
    add(graph, *[ad(str(n), phones=["+13125550199", f"+1312555{110 + n:04d}"]) for n in range(3)])
    assert len(set(networks(graph).values())) == 1
    first = set(networks(graph).values()).pop()
    add(graph, *[ad(str(n), phones=["+13125550199", f"+1312555{110 + n:04d}"]) for n in range(3, 12)])
    nets = networks(graph)
    assert len(set(nets.values())) == 12 and first in nets.values()
    [row] = common_identifiers(graph)
    assert (row["key"], row["ads"], row["groups"], row["common"], row["reason"]) == (
        "+13125550199", 12, 12, True, "joins 12 groups")
    split = [e for e in network_events(graph, first) if e["kind"] == "split"]
    # The three ads it had joined split three ways (the nine new ones were in no network before).
    assert len(split) == 1 and len(split[0]["networks"]) == 2 and split[0]["ads"] == 3
    assert "Phone:+13125550199" in split[0]["identifiers"] and "judged common" in split[0]["cause"]
    # A rebuild finds the same, and moves nothing.
    rebuild(graph)
    assert networks(graph) == nets


def test_ignored_identifiers_join_nothing_and_confirmed_ones_always_join(graph):
    add(graph, ad("a", emails=["footer@example.com"]), ad("b", emails=["footer@example.com"]))
    assert networks(graph)["a"] == networks(graph)["b"]
    assert ignore(graph, "email", "footer@example.com")["networks_after"] == 2
    assert networks(graph)["a"] != networks(graph)["b"]
    rebuild(graph)  # the rebuild finds the same
    assert networks(graph)["a"] != networks(graph)["b"]
    assert ignore(graph, "phone", "+10000000000") is None
    # A booking line on one ad of each of four posters is judged common; an admin says it is one operation.
    posters = [ad(f"{p}-{n}", phones=[f"+1312555{120 + p:04d}"] + (["+13125550150"] if n == 0 else []))
               for p in range(4) for n in range(4)]
    add(graph, *posters)
    assert len({networks(graph)[f"{p}-0"] for p in range(4)}) == 4
    from graph.networks import confirm

    result = confirm(graph, "phone", "+13125550150")
    assert (result["ads"], result["networks_before"], result["networks_after"]) == (16, 4, 1)
    assert len({networks(graph)[f"{p}-{n}"] for p in range(4) for n in range(4)}) == 1
    assert [r["confirmed"] for r in common_identifiers(graph) if r["key"] == "+13125550150"] == [True]
    rebuild(graph)
    assert len({networks(graph)[f"{p}-{n}"] for p in range(4) for n in range(4)}) == 1
    assert confirm(graph, "phone", "+13125550150", False)["networks_after"] == 4


def test_a_rebuild_gives_ads_written_without_a_network_theirs(graph):
    """Ads written by an older version (no network_id) beside ads that have one: the rebuild reads
    each ad with its own network, or none."""
    write_batch(graph, [ad("3", emails=["z@example.org"]), ad("4", emails=["z@example.org"])])
    add(graph, ad("1", phones=["+13125550101"]), ad("2", phones=["+13125550101"]))
    write_batch(graph, [ad("5", phones=["+13125550101"])])
    assert networks(graph)["3"] is None
    rebuild(graph)
    nets = networks(graph)
    assert nets["1"] == nets["2"] == nets["5"] == network_id(SITE, "1")
    assert nets["3"] == nets["4"] == network_id(SITE, "3")


def test_a_rebuild_read_in_many_slices_reads_every_ad(graph, monkeypatch):
    """Slices of three node ids, read two at a time: every ad and link arrives, in order."""
    from graph import rebuild as rebuilding

    monkeypatch.setattr(rebuilding, "SLICE", 3)
    write_batch(graph, [ad(str(n), phones=[f"+131255501{10 + n // 4:02d}"]) for n in range(20)])
    seen = []
    result = rebuilding.rebuild_networks(graph, progress=lambda done, total: seen.append((done, total)))
    nets = networks(graph)
    assert result.ads == 20 and len(seen) >= 7 and seen[-1] == (20, 20)
    assert sorted(sorted(int(a) for a in nets if nets[a] == n) for n in set(nets.values())) == \
        [list(range(start, start + 4)) for start in range(0, 20, 4)]


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
    assert ignore.returncode == 0 and "1 of 2 ads changed network (1 networks before, 2 after)" in ignore.stderr
    assert len(set(networks(graph).values())) == 3
    rebuilt = adgraph("networks", "rebuild")
    assert rebuilt.returncode == 0 and "3 ads in 3 networks; 0 ads changed network" in rebuilt.stderr
    assert adgraph("networks", "hubs", "--min-ads", "1").stdout.count("\n") == 1
    assert adgraph("networks", "ignore", "+13125550101", "--undo").returncode == 0
    assert len(set(networks(graph).values())) == 2
    assert "no phone, email" in adgraph("networks", "confirm", "+10000000000").stderr


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


def test_a_part_never_takes_an_id_that_ads_outside_still_carry():
    # Ad A founded network N, which was renamed Z here when it split; N lives on elsewhere. When Z
    # splits again with A in the smaller part, that part must not be called N.
    held = network_id(*A)
    result = keep_ids({A: "z", B: "z", C: "z"}, {A: held, B: "f", C: "f"}, in_use=lambda network: network == held)
    assert result[B] == result[C] == "z" and result[A] not in (held, "z", "f")
    assert keep_ids({A: "z", B: "z", C: "z"}, {A: held, B: "f", C: "f"})[A] == held  # nothing holds it: free


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


def test_a_face_is_judged_with_the_picture_it_is_in(graph):
    """A stock photo on six one-ad posters is common; a mirrored copy (no near-duplicate of it) on two
    more posters shows the same face. Judged apart, the mirrored picture would join its two posters;
    judged with its face, and so with the stock photo, it is common too."""
    from graph.faces import link_face_pairs
    from graph.records import face_id

    def poster(n: int, picture: str) -> dict:
        face = {"image_sha256": sha(picture), "engine": "dlib", "model": "test", "box": [10, 10, 40, 40]}
        return normalize(observation(
            site="demo", site_ad_id=str(n), raw_sha256=sha(f"page-{n}"), emails=[], locations=[],
            phones=[{"e164": f"+1312555{120 + n:04d}", "raw": f"312 555 {120 + n:04d}"}],
            images=[{"sha256": sha(picture), "phash": "c3c3c3c3c3c3c3c3" if picture == "stock" else "3c3c3c3c3c3c3c3c",
                     "url": f"http://127.0.0.1:8000/{picture}.jpg"}], faces=[face]))

    write_batch(graph, [poster(n, "stock") for n in range(6)] + [poster(n, "mirrored") for n in (6, 7)])
    box = {"engine": "dlib", "model": "test", "box": [10, 10, 40, 40]}
    stock, mirrored = (face_id({"image_sha256": sha(p), **box}) for p in ("stock", "mirrored"))
    assert link_face_pairs(graph, [(stock, mirrored, 0.97)]) == 1
    assign_networks(graph, [("demo", str(n)) for n in range(8)])
    nets = {r["id"]: r["net"] for r in graph.execute_query(
        "MATCH (a:Ad) RETURN a.site_ad_id AS id, a.network_id AS net").records}
    assert len(set(nets.values())) == 8
    rebuild(graph)  # the rebuild reads the same pairs
    assert len({r[0] for r in graph.execute_query("MATCH (a:Ad) RETURN DISTINCT a.network_id").records}) == 8


def test_a_stock_photo_recompressed_for_every_ad_is_one_identifier_and_common(graph):
    """Five posters of three ads each, each poster with a phone of its own; one stock photo on one
    ad of each, re-compressed every time (different bytes, pHashes a bit apart): landed batch by
    batch, the copies are linked as near-duplicates and judged as one picture, common."""
    from graph.landing import Lander

    lander = Lander(graph)
    base = 0x9F3C_5A5A_0FF0_3C3C
    for p in range(5):
        batch = []
        for n in range(3):
            images = [{"sha256": sha(f"own-{p}-{n}"), "phash": sha(f"own-{p}-{n}")[:16]}]  # far apart
            if n == 0:
                images.append({"sha256": sha(f"stock-{p}"), "phash": f"{base ^ (1 << p):016x}"})
            batch.append(normalize(observation(site_ad_id=f"{p}-{n}", raw_sha256=sha(f"page-{p}-{n}"), locations=[],
                                               phones=[{"e164": f"+1312555{130 + p:04d}", "raw": "x"}], emails=[],
                                               images=[{**i, "url": "http://127.0.0.1:8000/i.jpg"} for i in images])))
        landed = lander.land(batch)
        assert landed.written.records == 3
    nets = networks(graph)
    assert len(set(nets.values())) == 5 and all(nets[f"{p}-0"] == nets[f"{p}-2"] for p in range(5))
    assert scalar_count(graph, "MATCH (:Image)-[r:NEAR_DUPLICATE]->(:Image) RETURN count(r)") == 10
    rows = common_identifiers(graph)
    # Judged common once it joined two posters; the copies that came later joined it as common,
    # one picture however many copies (the hubs list shows one row).
    assert len(rows) == 1 and (rows[0]["label"], rows[0]["members"], rows[0]["ads"]) == ("Image", 5, 5)
    assert (rows[0]["groups"], rows[0]["judged_ads"], rows[0]["reason"]) == (2, 2, "joins 2 groups on 33% of their ads")
    # Judged in the same batch that would have joined the first two posters: they never merged.
    assert graph.execute_query("MATCH (e:NetworkEvent) RETURN count(e)").records[0][0] == 0
    # An admin's word on one copy is a word on the picture: every copy is ignored, one row lists them.
    assert ignore(graph, "image", sha("stock-3"))["networks_after"] == 5
    assert scalar_count(graph, "MATCH (i:Image {ignored: true}) RETURN count(i)") == 5
    [row] = common_identifiers(graph)
    assert (row["ignored"], row["members"], row["ads"]) == (True, 5, 5)


def scalar_count(driver, query: str) -> int:
    return driver.execute_query(query).records[0][0]


def test_an_interrupted_rebuild_leaves_the_networks_as_they_were(graph, monkeypatch):
    import graph.rebuild as rebuild_module

    add(graph, *[ad(str(n), phones=["+13125550199", f"+1312555{110 + n:04d}"]) for n in range(3)])
    before = networks(graph)
    graph.execute_query("MATCH (p:Phone {e164: '+13125550199'}) SET p.ignored = true")  # without settling
    stage = rebuild_module.stage

    def stage_then_fail(tx, ids, network_ids):
        stage(tx, ids, network_ids)
        raise KeyboardInterrupt  # Ctrl-C while the new ids are staged

    monkeypatch.setattr(rebuild_module, "stage", stage_then_fail)
    with pytest.raises(KeyboardInterrupt):
        rebuild(graph)
    assert networks(graph) == before
    monkeypatch.undo()
    rebuild(graph)  # run again: done, nothing staged left behind
    assert graph.execute_query("MATCH (s:NetworkStage) RETURN count(s)").records[0][0] == 0
    assert len(set(networks(graph).values())) == 3 and set(before.values()) <= set(networks(graph).values())


def test_a_watch_on_a_network_follows_it_when_it_is_merged_away(graph, tmp_path):
    from graph import stored_queries, watches
    from graph.networks import successor

    add(graph, ad("1", phones=["+13125550101"]), ad("2", phones=["+13125550101"]), ad("3", emails=["z@example.org"]))
    small = network_id(SITE, "3")
    db = watches.connect(tmp_path)
    query = stored_queries.library()["network_newest_ads"]
    watch_id = watches.add(db, graph, query, {"network_id": small, "days": 36500}, "ana")
    add(graph, ad("4", phones=["+13125550101"], emails=["z@example.org"]))  # merged into the larger network
    assert successor(graph, small) == network_id(SITE, "1")
    [alert] = watches.run_all(db, graph)
    events = [row for row in alert["rows"] if "network_event" in row]
    assert [e["network_event"] for e in events] == ["merge", "followed"]
    assert events[1]["now"] == network_id(SITE, "1")
    [watch] = [w for w in watches.all_watches(db) if w.id == watch_id]
    assert watch.params["network_id"] == alert["params"]["network_id"] == network_id(SITE, "1")
    assert watches.run_all(db, graph) == []  # said once
    assert {row.get("site_ad_id") for row in alert["rows"]} >= {"1", "2", "4"}  # it now sees the whole network
