"""Network analysis: pure functions, table-driven."""

from __future__ import annotations

from graph.analysis import bridges, build, communities


def edges(*pairs: tuple[str, str], ignored: tuple[str, ...] = ()) -> list[dict]:
    return [{"ad": ad, "kind": "Phone" if key.startswith("+") else "Email", "key": key, "ignored": key in ignored}
            for ad, key in pairs]


# Two crews (ads 1-3 on one phone, 4-6 on another) joined by one email on ads 3 and 4.
TWO_CREWS = edges(("s/1", "+13125550101"), ("s/2", "+13125550101"), ("s/3", "+13125550101"),
                  ("s/4", "+13125550102"), ("s/5", "+13125550102"), ("s/6", "+13125550102"),
                  ("s/3", "boss@example.org"), ("s/4", "boss@example.org"))


def test_the_bridge_between_two_crews_ranks_first():
    ranked = bridges(build(TWO_CREWS))
    assert ranked[0]["key"] == "boss@example.org" and ranked[0]["ads"] == 2
    assert {r["key"] for r in ranked} == {"boss@example.org", "+13125550101", "+13125550102"}


def test_communities_find_the_crews():
    assert communities(build(TWO_CREWS)) == [["s/1", "s/2", "s/3"], ["s/4", "s/5", "s/6"]]


def test_ignored_identifiers_are_no_evidence():
    graph = build(edges(*[(a, k) for a, k in (("s/1", "+13125550101"), ("s/2", "+13125550101"))],
                        ignored=("+13125550101",)))
    assert graph.number_of_edges() == 0 and bridges(graph) == [] and communities(graph) == []
