"""`adgraph extract`: what investigators run to see why an ad was or was not linked."""

import json

from helpers import adgraph


def test_plain_text_is_one_ad():
    out = adgraph("extract", input="New in town\nCall (312) five5five-\n0147, age 21, $200/hr")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["phones"] == [{"e164": "+13125550147", "raw": "(312) five5five-\n0147"}]
    assert result["ages"] == [{"age": 21, "raw": "age 21"}]
    assert result["prices"][0]["amount"] == 200.0


def test_json_lines_give_one_result_per_line_in_order():
    lines = [{"title": "A", "body": "txt 3@1@2@5@5@5@0@1@4@7"},
             {"title": "B", "body": "nothing here"},
             {"body": "call 020 7946 0123", "region": "GB"}]
    out = adgraph("extract", input="".join(json.dumps(line) + "\n" for line in lines))
    results = [json.loads(line) for line in out.stdout.splitlines()]
    assert [[p["e164"] for p in r["phones"]] for r in results] == [["+13125550147"], [], ["+442079460123"]]


def test_bad_json_line_is_named():
    out = adgraph("extract", input='{"body": "x"}\n{broken\n')
    assert out.returncode == 1 and "line 2" in out.stderr


def test_locations_from_the_field_and_the_text():
    line = {"title": "Last days in Dallas", "body": "then Houston", "location": "Chicago, IL"}
    out = adgraph("extract", input=__import__("json").dumps(line) + "\n")
    places = [(p["name"], p["region"], p["raw"]) for p in json.loads(out.stdout)["locations"]]
    assert places == [("Chicago", "IL", "Chicago, IL"), ("Dallas", "TX", "Dallas"), ("Houston", "TX", "Houston")]
