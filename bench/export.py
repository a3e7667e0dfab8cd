"""Evidence export benchmark: `adgraph export` of a 10,000-ad network, time and memory, on a throwaway local Neo4j.

    .venv/bin/python bench/export.py [--ads 10000] [--small-ads 2500]

Issue 6: "Export size is bounded only by disk: stream it; a 10,000-ad network exports without
loading everything into memory at once." So: two synthetic networks, one of --ads ads and one of
--small-ads (default a quarter), are ingested into a throwaway local Neo4j (bench/throwaway.py)
with graph.ingest.write_batch and given network ids with graph.networks.rebuild. Each ad has one
version, one fictional phone (NANP 555-01XX, from a pool: clusters of ~30 ads share a few phones),
1-3 photos (fake SHA-256 from a pool: each cluster's ads share photos, and each cluster's first ad
carries a photo of the cluster before, which chains the clusters into one network) and a place
(~40 US cities from the GeoNames gazetteer). The script checks each network holds all its ads.

Then the REAL command runs as a child process with the throwaway environment:
`adgraph export --network ID --case bench --out TMP/x.zip`, wall time and the child's peak RSS
(GNU time's %M, cross-checked by polling its RSS every 20 ms; not os.wait4's ru_maxrss, which on
Linux starts from the RSS of the parent the child was forked from), then `adgraph verify` on the package (time, result, peak RSS). The small
network is exported once first, uncounted, to warm the database up, then big, then small again.
A failed export of an unknown network gives the baseline RSS (imports, driver, click) to compare.

The archived pages and image bytes of these synthetic ads are not on disk, so every evidence
file is reported missing and the export exits 1 with the package written: for this benchmark that
counts as success (the missing count is reported). Any other exit, or no package, is a failure.

Then, in this process and not counted in the figures above, the big network is exported again
stage by stage (the spool read from Neo4j, each format written to a deflating null sink, the
evidence look-ups) to say where the time goes.

The last line printed is one JSON object of figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # before bench/: this folder's viz.py must not shadow the viz package

import throwaway  # noqa: E402  (bench/throwaway.py, found through the script's own folder)
from graph.driver import open_driver  # noqa: E402
from graph.ingest import write_batch  # noqa: E402
from graph.model import apply_schema  # noqa: E402
from graph.networks import rebuild  # noqa: E402
from graph.records import normalize  # noqa: E402
from graph.sample import fictional_phone, us_cities  # noqa: E402

START = datetime(2026, 10, 1, tzinfo=timezone.utc)
SITES = ("demo-classifieds", "demo-personals")
CLUSTER_ADS = 30
TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
WORDS = ("new in town", "available now", "call or text", "no deposit", "outcall only", "friendly",
         "upscale", "discreet", "weekend special", "last day", "serious inquiries", "reviews on request")


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def network_records(ads: int, seed: int, tag: str, phone_offset: int) -> list[dict]:
    """Observations of one connected network of `ads` ads (adapted from bench/viz.py's generator, by
    ad count instead of node count). Clusters of CLUSTER_ADS ads: a new phone every ~8 ads (each ad
    carries one of the cluster's last two), 1-3 photos per ad, the first one shared with an earlier ad
    of the cluster, or for a cluster's first ad with the cluster before (sometimes also one further
    back): so the whole is one network, and no phone or photo spreads like a stock photo (graph/commonness.py)."""
    rng = random.Random(seed)
    cities = list(us_cities()[:40])
    phones = phone_offset
    images = 0
    records: list[dict] = []
    clusters: list[dict] = []

    def new_image() -> str:
        nonlocal images
        images += 1
        return sha(f"bench-export-{tag}-img-{seed}-{images}")

    for n in range(ads):
        if not clusters or len(clusters[-1]["ads"]) >= CLUSTER_ADS:
            home = rng.randrange(len(cities))
            clusters.append({"phones": [fictional_phone(phones)], "images": [], "ads": [],
                             "cities": [cities[(home + rng.randint(0, 6)) % len(cities)] for _ in range(rng.randint(1, 3))],
                             "site": rng.choice(SITES)})
            phones += 1
        cluster = clusters[-1]
        if len(cluster["ads"]) % 8 == 7:
            cluster["phones"].append(fictional_phone(phones))
            phones += 1
            phone = cluster["phones"][-1]
        else:
            phone = rng.choice(cluster["phones"][-2:])
        if cluster["images"]:
            picked = [rng.choice(cluster["images"])]
        elif len(clusters) > 1:  # the bridge to the cluster before
            picked = [rng.choice(clusters[-2]["images"])]
            if len(clusters) > 2 and rng.random() < 0.4:
                picked.append(rng.choice(rng.choice(clusters[:-2])["images"]))
        else:
            picked = [new_image()]
        for _ in range(rng.randint(0, 2)):
            if len(picked) >= 3:
                break
            picked.append(new_image() if rng.random() < 0.6 or not cluster["images"] else rng.choice(cluster["images"]))
        picked = list(dict.fromkeys(picked))
        cluster["images"].extend(s for s in picked if s not in cluster["images"])
        city = rng.choice(cluster["cities"])
        fetched = START + timedelta(minutes=7 * n)
        national = f"({phone[2:5]}) {phone[5:8]}-{phone[8:]}"
        title = f"{rng.choice(WORDS).capitalize()} in {city['name']}"
        body = (f"{title}. " + ". ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20)))
                + f". Text first: {national}. Ref {tag}-{n}.")
        site_ad_id = f"{tag}{700000 + n}"
        records.append({
            "site": cluster["site"], "site_ad_id": site_ad_id,
            "url": f"http://127.0.0.1:8000/{cluster['site']}/ad/{site_ad_id}",
            "fetched_at": fetched.isoformat(), "posted_at": (fetched - timedelta(hours=3)).isoformat(),
            "title": title, "body": body, "raw_sha256": sha(f"bench-export-{tag}-page-{seed}-{n}"),
            "phones": [{"e164": phone, "raw": national}],
            "emails": [],
            "locations": [{**city, "raw": city["name"]}],
            "images": [{"sha256": s, "phash": s[:16], "url": f"http://127.0.0.1:8000/img/{s[:12]}.jpg",
                        "path": f"images/{s[:2]}/{s}.jpg", "width": 800, "height": 1200} for s in picked],
        })
        cluster["ads"].append(n)
    return records


def build_graph(settings, networks: dict[str, list[dict]]) -> dict[str, str]:
    """Ingest every network's records, assign network ids; {name: network id}, each checked to hold its ads."""
    with open_driver(settings) as driver:
        apply_schema(driver)
        started = time.perf_counter()
        for records in networks.values():
            rows = [normalize(r) for r in records]
            for start in range(0, len(rows), 2000):
                write_batch(driver, rows[start:start + 2000])
        print(f"ingested {sum(map(len, networks.values())):,} ads in {time.perf_counter() - started:.1f} s",
              file=sys.stderr)
        started = time.perf_counter()
        rebuild(driver)
        print(f"networks rebuilt in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        ids = {}
        for name, records in networks.items():
            first = records[0]
            found = driver.execute_query(
                "MATCH (a:Ad {site: $site, site_ad_id: $id}) WITH a.network_id AS net "
                "MATCH (b:Ad {network_id: net}) RETURN net, count(b) AS ads",
                site=first["site"], id=first["site_ad_id"]).records
            if not found or found[0]["ads"] != len(records):
                raise SystemExit(f"network {name}: expected one network of {len(records)} ads, got "
                                 f"{[(r['net'], r['ads']) for r in found]}")
            ids[name] = found[0]["net"]
        # As on a database that has run a while: plans made on statistics from before the bulk ingest
        # can be far slower (see bench/viz.py).
        driver.execute_query("CALL db.awaitIndexes(300)")
        driver.execute_query("CALL db.resampleOutdatedIndexes()")
        driver.execute_query("CALL db.clearQueryCaches()")
    return ids


def run(env: dict, args: list[str], log: Path) -> tuple[float, float, int, str, float]:
    """Wall seconds, peak RSS (MB), exit code and output of one `adgraph` child process, and its
    RSS as polled every 20 ms (a cross-check).

    The peak comes from /usr/bin/time (GNU time's %M), not from this process's os.wait4: on Linux a
    child's ru_maxrss starts from the RSS of the process it was forked (here vforked) from, so
    wait4 here would report at least this script's own RSS, whatever the child does."""
    adgraph = str(Path(sys.executable).with_name("adgraph"))
    rss_file = log.with_suffix(".rss")
    command = ([TIME, "-f", "%M", "-o", str(rss_file), adgraph, *args] if TIME else [adgraph, *args])
    polled = 0
    with log.open("w") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        watched = None
        while proc.poll() is None:
            try:
                if watched is None:
                    me = psutil.Process(proc.pid)
                    watched = (me.children() or [None])[0] if TIME else me
                if watched is not None:
                    polled = max(polled, watched.memory_info().rss)
            except psutil.Error:
                pass
            time.sleep(0.02)
        seconds = time.perf_counter() - started
    if TIME:
        peak = int(rss_file.read_text().strip().splitlines()[-1]) / 1024  # KiB
    else:
        peak = polled / 2**20
    return seconds, peak, proc.returncode, log.read_text(), polled / 2**20


def export(env: dict, network_id: str, out: Path) -> dict:
    seconds, rss, rc, output, polled = run(env, ["export", "--network", network_id, "--case", "bench", "--out", str(out)],
                                           out.with_suffix(".export.log"))
    if not out.exists() or rc not in (0, 1):
        raise SystemExit(f"adgraph export failed (exit {rc}): {output[-3000:]}")
    with zipfile.ZipFile(out) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        entries = {i.filename: (i.file_size, i.compress_size) for i in zf.infolist()}
    missing = manifest.get("missing") or []
    if rc == 1 and not missing:
        raise SystemExit(f"adgraph export exited 1 with nothing missing: {output[-3000:]}")
    counts = manifest["subgraph"]["counts"]
    figures = {"export_s": round(seconds, 2), "peak_rss_mb": round(rss, 1), "polled_rss_mb": round(polled, 1), "exit": rc,
               "package_mb": round(out.stat().st_size / 1e6, 2), "nodes": counts["node_total"],
               "edges": counts["edge_total"], "node_counts": counts["nodes"], "edge_counts": counts["edges"],
               "files": len(manifest["files"]), "missing": len(missing),
               "missing_pages": sum(1 for m in missing if m["name"].startswith("pages/")),
               "missing_images": sum(1 for m in missing if m["name"].startswith("images/")),
               "manifest_mb": round(entries["manifest.json"][0] / 1e6, 2),
               "entry_mb": {name: round(size / 1e6, 2) for name, (size, _) in sorted(entries.items())
                            if not name.startswith(("pages/", "images/")) and size > 100_000}}
    seconds, rss, rc, output, _ = run(env, ["verify", str(out)], out.with_suffix(".verify.log"))
    figures.update(verify_s=round(seconds, 2), verify_ok=rc == 0, verify_peak_rss_mb=round(rss, 1),
                   verify_line=output.strip().splitlines()[-1][:300] if output.strip() else "")
    return figures


class _Deflate:
    """Where a format writes in the breakdown: deflated as the ZIP entry would be, then dropped."""

    def __init__(self):
        self.z = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        self.size = 0

    def write(self, b) -> int:
        self.size += len(self.z.compress(b))
        return len(b)


def breakdown(settings, data_dir: Path, network_id: str, folder: Path) -> dict:
    """Seconds per stage of package.build, run stage by stage in this process (the same code)."""
    from api.evidence import evidence_files
    from graph.export import package
    from graph.export.spool import SpooledGraph
    from graph.export.subgraph import network

    stages: dict[str, float] = {}
    with open_driver(settings) as driver:
        chosen = network(driver, network_id)
        for part in ("edges", "nodes"):  # the database reads alone, as SpooledGraph makes them
            started = time.perf_counter()
            before = chosen.pages
            read = sum(1 for _ in getattr(chosen, part)())
            stages[f"read_{part}_s"] = round(time.perf_counter() - started, 2)
            stages[f"read_{part}_queries"] = chosen.pages - before
            stages[f"read_{part}"] = read
        started = time.perf_counter()
        with SpooledGraph(chosen, folder) as graph:
            stages["spool_s"] = round(time.perf_counter() - started, 2)  # the same reads, written to disk
            for module in package.FORMATS:
                for name, write in module.OUTPUTS.items():
                    started = time.perf_counter()
                    sink = package._Sink(_Deflate())
                    write(graph, sink)
                    sink.flush()
                    stages[f"{name}_s"] = round(time.perf_counter() - started, 2)
            started = time.perf_counter()
            looked = unavailable = 0
            for ef in evidence_files(data_dir)(graph):  # as package.add_evidence opens them
                looked += 1
                try:
                    with package._open(ef.source) as src:
                        src.read(1)
                except (TypeError, OSError, package.EvidenceUnavailable):
                    unavailable += 1
            stages["evidence_s"] = round(time.perf_counter() - started, 2)
            stages["evidence_files"] = looked
            stages["evidence_unavailable"] = unavailable
    return stages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ads", type=int, default=10_000, help="ads in the big network")
    parser.add_argument("--small-ads", type=int, default=None, help="ads in the small network (default --ads / 4)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-breakdown", action="store_true", help="skip the stage-by-stage run")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    small_ads = args.small_ads or max(1, args.ads // 4)

    networks = {"big": network_records(args.ads, args.seed, "b", phone_offset=0),
                "small": network_records(small_ads, args.seed + 1, "s", phone_offset=20_000)}
    load_before = os.getloadavg()
    tmp, env, settings = throwaway.start("adgraph-bench-export-")
    out_dir = Path(tempfile.mkdtemp(prefix="adgraph-bench-export-out-"))
    try:
        ids = build_graph(settings, networks)
        for name, net in ids.items():
            print(f"{name}: network {net}, {len(networks[name]):,} ads", file=sys.stderr)
        del networks
        seconds, baseline_rss, rc, _, _ = run(env, ["export", "--network", "n-none", "--case", "bench",
                                                 "--out", str(out_dir / "none.zip")], out_dir / "none.log")
        print(f"baseline (unknown network, exit {rc}): {baseline_rss:.1f} MB peak RSS, {seconds:.1f} s", file=sys.stderr)
        warm = export(env, ids["small"], out_dir / "warmup.zip")
        print(f"warm-up export (small, not counted): {warm['export_s']} s", file=sys.stderr)
        results = {}
        for name in ("big", "small"):
            figures = results[name] = export(env, ids[name], out_dir / f"{name}.zip")
            print(f"{name}: {figures['nodes']:,} nodes, {figures['edges']:,} edges -> {figures['package_mb']} MB "
                  f"in {figures['export_s']} s, peak RSS {figures['peak_rss_mb']} MB (polled {figures['polled_rss_mb']}), exit {figures['exit']} "
                  f"({figures['missing']:,} evidence files missing: {figures['missing_pages']:,} pages, "
                  f"{figures['missing_images']:,} images; expected, none are on disk); verify {figures['verify_s']} s, "
                  f"ok={figures['verify_ok']}, {figures['verify_peak_rss_mb']} MB; entries {figures['entry_mb']}",
                  file=sys.stderr)
            (out_dir / f"{name}.zip").unlink()
        stages = {}
        if not args.no_breakdown:
            stages = breakdown(settings, Path(env["ADGRAPH_DATA_DIR"]), ids["big"], out_dir)
            print(f"big, stage by stage (in-process): {stages}", file=sys.stderr)
    finally:
        throwaway.stop(settings)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.rmtree(out_dir, ignore_errors=True)
    load_after = os.getloadavg()

    big, small = results["big"], results["small"]
    print(json.dumps({
        "ads": args.ads, "nodes": big["nodes"], "edges": big["edges"], "export_s": big["export_s"],
        "peak_rss_mb": big["peak_rss_mb"], "polled_rss_mb": big["polled_rss_mb"], "package_mb": big["package_mb"], "verify_s": big["verify_s"],
        "verify_ok": big["verify_ok"], "verify_peak_rss_mb": big["verify_peak_rss_mb"],
        "export_exit": big["exit"], "missing": big["missing"], "missing_pages": big["missing_pages"],
        "missing_images": big["missing_images"], "manifest_mb": big["manifest_mb"],
        "node_counts": big["node_counts"], "edge_counts": big["edge_counts"], "entry_mb": big["entry_mb"],
        "small_ads": small_ads, "small_nodes": small["nodes"], "small_edges": small["edges"],
        "small_peak_rss_mb": small["peak_rss_mb"], "small_polled_rss_mb": small["polled_rss_mb"], "small_export_s": small["export_s"],
        "small_package_mb": small["package_mb"], "small_verify_s": small["verify_s"],
        "small_verify_ok": small["verify_ok"], "small_missing": small["missing"],
        "warmup_export_s": warm["export_s"], "baseline_rss_mb": round(baseline_rss, 1), "stages": stages,
        "load_avg_1m": [round(load_before[0], 2), round(load_after[0], 2)],
        "machine": f"{platform.machine()} {os.cpu_count()} cores {platform.python_implementation()} {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d"),
    }))


if __name__ == "__main__":
    main()
