"""The evidence package (graph/export/package.py, verify.py): built from a network with its archived
pages and images on disk, verified, then tampered with every way verify must notice; streamed with
bounded memory; and the same through `adgraph export` and `adgraph verify`."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from api import evidence
from graph.export import package, signing, subgraph
from graph.export.verify import verify
from graph.ingest import write_batch
from graph.networks import assign_networks
from graph.records import normalize

from helpers import adgraph, observation
from test_graph_export import HOSTILE, SITE, build_network

FORMAT_FILES = ["edges.csv", "graph.gexf", "graph.graphml", "graph.json", "nodes.csv"]
CASE = "Case 2026-17 <script>alert(1)</script> &"
OWN_FILES = ["README.txt", "manifest.json", "manifest.sig", "public_key.fingerprint", "public_key.pem", "report.html"]


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def built(graph, data_dir, tmp_path):
    """A package of the two-ad network, with its pages and images, signed by data_dir's key."""
    net = build_network(graph, data_dir)
    key = signing.load_or_create_key(data_dir)
    result = package.build(subgraph.network(graph, net["network_id"]), tmp_path / "case.zip",
                           case=CASE, user="ana", key=key, audit_entry=41,
                           files=evidence.evidence_files(data_dir))
    return net, result


def rewrite(src: Path, dst: Path, change=lambda name, data: data, add: dict | None = None, drop=()) -> Path:
    """A copy of the package with one file's bytes changed, files added or files left out."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename not in drop:
                zout.writestr(info, change(info.filename, zin.read(info)))
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def flip(data: bytes, at: int = 10) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


# ---- what a package holds --------------------------------------------------------------------------

def test_the_package_holds_every_format_page_and_image_with_a_signed_manifest(built, data_dir):
    net, result = built
    assert result.complete and result.missing == []
    with zipfile.ZipFile(result.path) as zf:
        names = sorted(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        pages = sorted(n for n in names if n.startswith("pages/"))
        images = sorted(n for n in names if n.startswith("images/"))
        assert pages == sorted(f"pages/{s[:2]}/{s}.warc.gz" for k, s in net["pages"].items() if k != "3a")
        assert images == sorted(f"images/{i['sha256'][:2]}/{i['sha256']}.png" for i in net["images"])
        assert names == sorted(FORMAT_FILES + OWN_FILES + pages + images)
        for image in net["images"]:  # the original bytes, unchanged
            assert zf.read(f"images/{image['sha256'][:2]}/{image['sha256']}.png") == (data_dir / image["path"]).read_bytes()
        page = net["pages"]["1b"]
        assert zf.read(f"pages/{page[:2]}/{page}.warc.gz") == (data_dir / "evidence/pages" / page[:2] / f"{page}.warc.gz").read_bytes()
        listed = {f["name"]: f for f in manifest["files"]}
        assert sorted(listed) == sorted(set(names) - {"manifest.json", "manifest.sig"})
        for name, facts in listed.items():
            data = zf.read(name)
            assert facts == {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        pem = zf.read("public_key.pem")
        assert zf.read("public_key.fingerprint").decode().strip() == result.fingerprint
        public = signing.load_public(pem)
        assert signing.signature_valid(public, zf.read("manifest.sig"), zf.read("manifest.json"))
    assert manifest["tool"] == {"name": "adgraph", "version": package.tool_version()} and manifest["tool"]["version"] != "unknown"
    assert (manifest["case"], manifest["exported_by"], manifest["audit_entry"]) == (CASE, "ana", 41)
    assert manifest["key_fingerprint"] == result.fingerprint == signing.fingerprint(public)
    assert manifest["subgraph"]["selection"] == "network" and manifest["subgraph"]["network_id"] == net["network_id"]
    assert manifest["subgraph"]["counts"]["nodes"]["AdVersion"] == 3
    assert manifest["created_at"].endswith("+00:00") and manifest["format"] == package.FORMAT


def test_the_report_says_what_was_exported_with_every_value_escaped(built):
    _, result = built
    with zipfile.ZipFile(result.path) as zf:
        html = zf.read("report.html").decode()
    assert "Case 2026-17 &lt;script&gt;alert(1)&lt;/script&gt; &amp;" in html
    assert "<script" not in html and "Content-Security-Policy" in html and "default-src" in html
    assert result.fingerprint in html and ">41<" in html and ">ana<" in html
    assert "AdVersion" in html and "HAS_PHONE" in html


def test_the_signing_key_is_made_once_private_and_kept(data_dir):
    key = signing.load_or_create_key(data_dir)
    path = signing.key_path(data_dir)
    assert path == data_dir / "keys" / "export_ed25519.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    again = signing.load_or_create_key(data_dir)
    assert signing.fingerprint(again.public_key()) == signing.fingerprint(key.public_key())
    assert len(signing.fingerprint(key.public_key())) == 64


def test_verify_accepts_an_untouched_package(built):
    _, result = built
    report = verify(result.path, result.fingerprint.upper())
    assert report.ok, report.lines()
    assert report.signature_valid and report.files_checked == len(result.manifest["files"])
    assert verify(result.path).ok  # without a fingerprint: valid, key not compared


# ---- tampering -------------------------------------------------------------------------------------

def _page(net, name="1b") -> str:
    sha256 = net["pages"][name]
    return f"pages/{sha256[:2]}/{sha256}.warc.gz"


@pytest.mark.parametrize("target", ["graph.json", "nodes.csv", "report.html", "page", "image", "public_key.pem"])
def test_one_changed_byte_in_any_file_is_named(built, tmp_path, target):
    net, result = built
    name = {"page": _page(net), "image": f"images/{net['images'][0]['sha256'][:2]}/{net['images'][0]['sha256']}.png"}.get(target, target)
    copy = rewrite(result.path, tmp_path / "changed.zip", change=lambda n, data: flip(data) if n == name else data)
    report = verify(copy, result.fingerprint)
    assert not report.ok
    assert [n for n, _ in report.changed] == [name]
    assert not report.added and not report.removed


def test_a_byte_damaged_inside_the_zip_is_named(built, tmp_path):
    net, result = built
    name = _page(net)
    copy = tmp_path / "damaged.zip"
    shutil.copy(result.path, copy)
    with zipfile.ZipFile(copy) as zf:
        info = zf.getinfo(name)
    data = bytearray(copy.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)  # the stored bytes
    data[start + 20] ^= 0xFF
    copy.write_bytes(bytes(data))
    report = verify(copy, result.fingerprint)
    assert not report.ok and [n for n, _ in report.changed] == [name]


def test_an_added_file_is_named(built, tmp_path):
    _, result = built
    copy = rewrite(result.path, tmp_path / "added.zip", add={"images/00/planted.png": b"not evidence"})
    report = verify(copy, result.fingerprint)
    assert not report.ok and report.added == ["images/00/planted.png"] and not report.changed


def test_a_file_added_under_a_name_already_there_is_caught(built, tmp_path):
    _, result = built
    with pytest.warns(UserWarning, match="Duplicate name"):  # zipfile warns, and writes it
        copy = rewrite(result.path, tmp_path / "shadow.zip", add={"graph.json": b"{}"})
    report = verify(copy, result.fingerprint)
    assert not report.ok and any("graph.json occurs 2 times" in e for e in report.errors)


def test_a_removed_file_is_named(built, tmp_path):
    net, result = built
    copy = rewrite(result.path, tmp_path / "removed.zip", drop={_page(net, "2a")})
    report = verify(copy, result.fingerprint)
    assert not report.ok and report.removed == [_page(net, "2a")] and not report.changed


def test_a_wrong_fingerprint_is_refused(built):
    _, result = built
    report = verify(result.path, "ab" * 32)
    assert report.signature_valid and not report.ok
    assert any("not the expected" in e for e in report.errors)


def test_a_tampered_manifest_fails_its_signature(built, tmp_path):
    _, result = built

    def change(name, data):
        return data.replace(b'"exported_by": "ana"', b'"exported_by": "bob"') if name == "manifest.json" else data

    copy = rewrite(result.path, tmp_path / "manifest.zip", change=change)
    report = verify(copy, result.fingerprint)
    assert not report.ok and not report.signature_valid
    assert any("signature does not match" in e for e in report.errors)


def test_a_package_re_signed_with_another_key_is_refused_by_fingerprint(built, tmp_path):
    _, result = built
    forger = Ed25519PrivateKey.generate()
    with zipfile.ZipFile(result.path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    pem = signing.public_pem(forger.public_key())
    forged_fp = signing.fingerprint(forger.public_key())
    manifest["exported_by"], manifest["key_fingerprint"] = "mallory", forged_fp
    for entry in manifest["files"]:
        if entry["name"] == "public_key.pem":
            entry.update(sha256=hashlib.sha256(pem).hexdigest(), size=len(pem))
        if entry["name"] == "public_key.fingerprint":
            entry.update(sha256=hashlib.sha256(f"{forged_fp}\n".encode()).hexdigest(), size=65)
    data = json.dumps(manifest).encode()
    replaced = {"manifest.json": data, "manifest.sig": forger.sign(data), "public_key.pem": pem,
                "public_key.fingerprint": f"{forged_fp}\n".encode()}
    copy = rewrite(result.path, tmp_path / "forged.zip", change=lambda n, d: replaced.get(n, d))
    assert verify(copy).ok  # consistent in itself: only the fingerprint tells
    report = verify(copy, result.fingerprint)
    assert not report.ok and report.fingerprint == forged_fp


def test_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "junk.zip"
    path.write_bytes(b"PK not really")
    report = verify(path)
    assert not report.ok and "not a readable ZIP" in report.errors[0]


# ---- evidence missing or altered on disk -----------------------------------------------------------

def test_missing_or_altered_evidence_is_reported_not_skipped(graph, data_dir, tmp_path):
    net = build_network(graph, data_dir)
    image = data_dir / net["images"][1]["path"]
    image.unlink()
    page = data_dir / "evidence/pages" / net["pages"]["1a"][:2] / f"{net['pages']['1a']}.warc.gz"
    os.chmod(page, 0o644)
    page.write_bytes(page.read_bytes()[:-40])  # a truncated archive record
    altered = data_dir / net["images"][0]["path"]
    altered.write_bytes(altered.read_bytes() + b"x")
    result = package.build(subgraph.network(graph, net["network_id"]), tmp_path / "gaps.zip", case="c", user="ana",
                           key=signing.load_or_create_key(data_dir), files=evidence.evidence_files(data_dir))
    problems = {m["name"]: m["problem"] for m in result.missing}
    assert set(problems) == {f"images/{i['sha256'][:2]}/{i['sha256']}.png" for i in net["images"]} | {_page(net, "1a")}
    assert problems[f"images/{net['images'][1]['sha256'][:2]}/{net['images'][1]['sha256']}.png"].startswith("missing")
    assert problems[f"images/{net['images'][0]['sha256'][:2]}/{net['images'][0]['sha256']}.png"].startswith("altered")
    assert problems[_page(net, "1a")].startswith("unreadable")
    with zipfile.ZipFile(result.path) as zf:
        assert not any(n.startswith("images/") for n in zf.namelist())
        assert _page(net, "1a") not in zf.namelist() and _page(net, "1b") in zf.namelist()
        assert "could not be included" in zf.read("report.html").decode()
    report = verify(result.path, result.fingerprint)
    assert report.ok and len(report.missing_at_export) == 3  # signed as incomplete, not tampered


# ---- streaming -------------------------------------------------------------------------------------

def test_a_network_of_thousands_of_ads_streams_in_bounded_memory(graph, tmp_path):
    ads = 3000
    body = "Fictional ad text for the streaming test. " * 50  # about 2 KB an ad
    observations = []
    for n in range(ads):  # a chain: ad n shares a phone with ad n + 1, so no phone is a hub
        phones = [{"e164": f"+1{200 + k // 100}5550{100 + k % 100}", "raw": "x"} for k in (n, n + 1)]
        observations.append(normalize(observation(site_ad_id=str(n), url=f"http://127.0.0.1:8000/ad/{n}",
                                                  title=f"ad {n}", body=f"{body} {n}", phones=phones, emails=[],
                                                  images=[], raw_sha256=hashlib.sha256(str(n).encode()).hexdigest())))
    for start in range(0, ads, 1000):
        write_batch(graph, observations[start:start + 1000])
    del observations
    assign_networks(graph, [(SITE, str(n)) for n in range(ads)])
    net = graph.execute_query("MATCH (a:Ad {site_ad_id: '0'}) RETURN a.network_id").records[0][0]
    chosen = subgraph.network(graph, net, page_size=200)

    tracemalloc.start()
    try:
        result = package.build(chosen, tmp_path / "big.zip", case="stream", user="ana",
                               key=Ed25519PrivateKey.generate())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    counts = result.manifest["subgraph"]["counts"]
    assert counts["nodes"]["Ad"] == ads and counts["nodes"]["AdVersion"] == ads and counts["nodes"]["Phone"] == ads + 1
    assert chosen.pages >= 4 * ads // 200  # ads, versions, phones and the ads' edges, page by page
    written = sum(f["size"] for f in result.manifest["files"])
    print(f"peak {peak / 2**20:.1f} MiB for {written / 2**20:.1f} MiB of files, {chosen.pages} pages")
    assert written > 40 * 2**20
    assert peak < 12 * 2**20  # a fraction of what was written: nothing was held whole
    assert verify(result.path).ok


# ---- the command line ------------------------------------------------------------------------------

def _session_data_dir() -> Path:
    return Path(os.environ["ADGRAPH_DATA_DIR"])


def test_export_and_verify_from_the_command_line(graph, tmp_path):
    from api import audit, store

    net = build_network(graph, _session_data_dir())
    out = tmp_path / "cli.zip"
    done = adgraph("export", "--network", net["network_id"], "--case", "Case 9", "--out", str(out), "--user", "ana")
    assert done.returncode == 0, done.stderr
    assert "signed by key" in done.stdout
    with zipfile.ZipFile(out) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert any(n.startswith("images/") for n in zf.namelist()) and any(n.startswith("pages/") for n in zf.namelist())
        report = zf.read("report.html").decode()
    assert "<svg" in report and "<script" not in report.lower()  # the network's still picture, no script
    entry = audit.entries(store.connect(_session_data_dir()), limit=1)[0]
    assert (entry.id, entry.action, entry.user) == (manifest["audit_entry"], "export", "ana")
    assert entry.params["case"] == "Case 9" and entry.params["network_id"] == net["network_id"]
    fp = manifest["key_fingerprint"]

    ok = adgraph("verify", str(out), "--fingerprint", fp)
    assert ok.returncode == 0 and "verifies" in ok.stdout, ok.stdout + ok.stderr

    copy = rewrite(out, tmp_path / "tampered.zip", change=lambda n, d: flip(d) if n == "edges.csv" else d)
    bad = adgraph("verify", str(copy), "--fingerprint", fp)
    assert bad.returncode == 1 and "changed: edges.csv" in bad.stdout and "does not verify" in bad.stderr

    wrong = adgraph("verify", str(out), "--fingerprint", "00" * 32)
    assert wrong.returncode == 1 and "not the expected" in wrong.stdout

    again = adgraph("export", "--network", net["network_id"], "--case", "Case 9", "--out", str(out))
    assert again.returncode == 1 and "never overwritten" in again.stderr


def test_export_chosen_nodes_from_the_command_line(graph, tmp_path):
    build_network(graph, _session_data_dir())
    out = tmp_path / "nodes.zip"
    done = adgraph("export", "--node", f"Ad:{SITE}/1", "--node", "Phone:+12025550101", "--case", "c", "--out", str(out))
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as zf:
        doc = json.loads(zf.read("graph.json"))
    assert f"Ad:{SITE}/2" in {n["id"] for n in doc["nodes"]}  # on the path between them
    assert HOSTILE in {n["properties"].get("body") for n in doc["nodes"]}
    assert doc["description"]["refs"] == [f"Ad:{SITE}/1", "Phone:+12025550101"]


def test_export_a_query_result_from_the_command_line(graph, tmp_path):
    build_network(graph, _session_data_dir())
    out = tmp_path / "query.zip"
    done = adgraph("export", "--query", "phone_newest_ads", "--param", "phone=+12025550101", "--param", "days=36500",
                   "--case", "c", "--out", str(out))
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as zf:
        doc = json.loads(zf.read("graph.json"))
    assert doc["description"]["selection"] == "query" and "Phone:+12025550101" in {n["id"] for n in doc["nodes"]}


@pytest.mark.parametrize("args, message", [
    (["--case", "c"], "give one of --network ID, --node REF (repeatable) or --query NAME"),
    (["--query", "phone_newest_ads", "--case", "c"], "parameter phone is required"),
    (["--query", "no_such_query", "--case", "c"], "no saved query is called"),
    (["--network", "n-none", "--case", "c"], "there is no network"),
    (["--node", "Phone:+13125550199", "--case", "c"], "not in the graph"),
])
def test_export_refuses_a_bad_selection(graph, tmp_path, args, message):
    done = adgraph("export", *args, "--out", str(tmp_path / "x.zip"))
    assert done.returncode != 0 and message in done.stderr
    assert not (tmp_path / "x.zip").exists()

