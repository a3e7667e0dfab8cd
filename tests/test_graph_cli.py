"""The `adgraph` command end to end, as a child process against the session's Neo4j."""

import json

import pytest

from graph.cli import parse_param
from helpers import adgraph, observation, removal, scalar, sha, write_jsonl


@pytest.mark.parametrize("text, expect", [
    ("name=Chicago", ("name", "Chicago")),
    ("phone=+13125550147", ("phone", "+13125550147")),
    ("n=5", ("n", "5")),
    ("n:=5", ("n", 5)),
    ("ids:=[1, \"x\"]", ("ids", [1, "x"])),
    ("flag:=true", ("flag", True)),
    ("q=a=b", ("q", "a=b")),
    ("empty=", ("empty", "")),
])
def test_parse_param(text, expect):
    assert parse_param(text) == expect


@pytest.mark.parametrize("text", ["noequals", "=x", "bad key=1", "n:=[1,"])
def test_parse_param_refuses(text):
    import click
    with pytest.raises(click.BadParameter):
        parse_param(text)


def test_cypher_prints_json_lines(graph):
    out = adgraph("cypher", "UNWIND range(1, $n) AS i RETURN i, $who AS who, datetime('2026-11-01T10:00:00Z') AS t",
                  "--param", "n:=3", "--param", "who=analyst")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert rows == [{"i": i, "who": "analyst", "t": "2026-11-01T10:00:00+00:00"} for i in (1, 2, 3)]


def test_cypher_serializes_nodes(graph):
    adgraph("cypher", "CREATE (:Phone {e164: $p})", "-p", "p=+13125550147", "--write")
    out = adgraph("cypher", "MATCH (p:Phone) RETURN p")
    node = json.loads(out.stdout)["p"]
    assert node["_labels"] == ["Phone"] and node["e164"] == "+13125550147" and node["_id"]


def test_cypher_is_read_only_unless_asked(graph):
    out = adgraph("cypher", "CREATE (:Phone {e164: '+13125550101'})")
    assert out.returncode == 1
    assert "add --write" in out.stderr
    assert scalar(graph, "MATCH (n) RETURN count(n)") == 0
    assert adgraph("cypher", "CREATE (:Phone {e164: '+13125550101'})", "--write").returncode == 0
    assert scalar(graph, "MATCH (n) RETURN count(n)") == 1


def test_cypher_syntax_error_is_clear(graph):
    out = adgraph("cypher", "MATCH (n RETURN n")
    assert out.returncode == 1 and "Neo.ClientError.Statement.SyntaxError" in out.stderr


def test_ingest_command_reports_bad_lines_and_counts(graph, tmp_path):
    path = write_jsonl(tmp_path / "ads.jsonl", [
        observation(site_ad_id="1"),
        "{broken",
        observation(site_ad_id="2"),
        observation(site_ad_id="3", fetched_at="yesterday"),
        removal(site_ad_id="1"),
    ])
    out = adgraph("ingest", str(path), "--batch", "2")
    assert out.returncode == 1  # some lines were bad
    assert "line 2: not valid JSON" in out.stderr
    assert "line 4: fetched_at must be an RFC 3339 date-time" in out.stderr
    assert "3 records ingested, 2 bad lines skipped" in out.stdout
    assert scalar(graph, "MATCH (a:Ad) RETURN count(a)") == 2
    assert scalar(graph, "MATCH (a:Ad {site_ad_id: '1'}) RETURN a.removed_at IS NOT NULL")

    again = adgraph("ingest", str(path))
    assert "0 nodes and 0 relationships created" in again.stdout


def test_ingest_strict_and_stdin(graph, tmp_path):
    lines = [json.dumps(observation(site_ad_id="1")), "[]", json.dumps(observation(site_ad_id="3"))]
    out = adgraph("ingest", "-", "--strict", input="\n".join(lines) + "\n")
    assert out.returncode == 1 and "stopped at line 2 (--strict)" in out.stderr
    assert scalar(graph, "MATCH (a:Ad) RETURN count(a)") == 1


def test_ingest_missing_file(graph):
    out = adgraph("ingest", "/nonexistent/ads.jsonl")
    assert out.returncode == 2 and "No such file or directory" in out.stderr


def test_status_json(graph, neo4j_settings):
    adgraph("cypher", "CREATE (:Ad {site: 's', site_ad_id: '1'})", "--write")
    out = adgraph("db", "status", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["running"] and report["version"].startswith("5.26") and report["edition"] == "community"
    assert report["uri"] == neo4j_settings.neo4j_uri
    assert report["nodes"]["Ad"] == 1 and report["nodes"]["Phone"] == 0
    if neo4j_settings.uses_local_db:
        assert report["store_size_bytes"] > 0 and report["pid"]


def test_sample_is_fictional_and_ingestable(graph, tmp_path):
    path = tmp_path / "sample.jsonl"
    assert adgraph("sample", "--ads", "50", "--seed", "3", "-o", str(path)).returncode == 0
    records = [json.loads(line) for line in path.read_text().splitlines()]
    phones = {p["e164"] for r in records for p in r.get("phones", [])}
    assert phones and all(p[5:9] == "5550" and 100 <= int(p[8:]) <= 199 for p in phones)
    out = adgraph("ingest", str(path))
    assert out.returncode == 0, out.stderr
    assert scalar(graph, "MATCH (a:Ad) RETURN count(a)") == 50
    # Landed as the crawl lands: every ad has its network, the same as a rebuild gives.
    assert scalar(graph, "MATCH (a:Ad) WHERE a.network_id IS NULL RETURN count(a)") == 0
    landed = {r[0]: r[1] for r in graph.execute_query("MATCH (a:Ad) RETURN a.site_ad_id, a.network_id").records}
    assert adgraph("networks", "rebuild").returncode == 0
    assert {r[0]: r[1] for r in graph.execute_query("MATCH (a:Ad) RETURN a.site_ad_id, a.network_id").records} == landed


def test_help_lists_every_command():
    out = adgraph("--help")
    for command in ("db", "cypher", "ingest", "sample"):
        assert command in out.stdout


def test_ingest_ends_by_judging_again_what_its_batches_kept_common(graph, tmp_path):
    """A victim's photo on one ad of each of two phones' four, a copy of it and a copy of the copy
    (6 bits apart each, 12 from the photo) on two ads of their own: the first batch finds the
    photo's family common. The second batch brings six more ads of the two phones with the photo:
    it sees the photo and its copy but not the copy of the copy, so the family stays common until
    the ingest ends and judges it again whole. Then it is evidence, as a rebuild finds it."""
    photo = 0x5A3C_96E1_0F87_D24B
    copy, far = photo ^ 0b111111, photo ^ 0b111111 ^ (0b111111 << 20)

    def ad(site_ad_id, phone=None, picture=None):
        return observation(site_ad_id=site_ad_id, raw_sha256=sha(f"page-{site_ad_id}"), emails=[], locations=[],
                           phones=[{"e164": phone, "raw": phone}] if phone else [],
                           images=[{"sha256": sha(f"{picture:016x}"), "phash": f"{picture:016x}"}] if picture else [])

    first = [ad(f"{p}-{n}", f"+131255501{p}0", photo if n == 0 else None) for p in (1, 2) for n in range(4)]
    second = [ad(f"{p}-{n}", f"+131255501{p}0", photo) for p in (1, 2) for n in (4, 5, 6)]
    path = write_jsonl(tmp_path / "ads.jsonl", first + [ad("copy", picture=copy), ad("far", picture=far)] + second)
    out = adgraph("ingest", str(path), "--batch", "10")
    assert out.returncode == 0, out.stderr
    assert scalar(graph, "MATCH ()-[n:NEAR_DUPLICATE]->() RETURN count(n)") == 2
    assert scalar(graph, "MATCH (x) WHERE x.common RETURN count(x)") == 0
    assert scalar(graph, "MATCH (a:Ad) RETURN count(DISTINCT a.network_id)") == 1
