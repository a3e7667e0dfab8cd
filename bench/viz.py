"""Network picture benchmark: how soon a ~2,000-node network is interactive in headless Chromium.

    .venv/bin/python bench/viz.py [--nodes 2000] [--runs 5]

Builds ONE connected synthetic network on a throwaway local Neo4j: phone clusters (each phone on
a handful of ads, each cluster's ads sharing its photos), chained and cross-linked by photos they
share, as real rings look; ~60% of the nodes are ads, the rest fictional phones (NANP 555-01XX),
photos (fake SHA-256/pHash), a few @example.org emails and ~40 cities from the GeoNames gazetteer.
It is ingested with graph.ingest.write_batch and given network ids with graph.networks.rebuild;
the script checks one network holds every ad and that it has exactly --nodes nodes on the page.

Then it creates an account (`adgraph user add`), starts `adgraph serve` on a free loopback port,
logs in with headless Chromium (Playwright, the system's /usr/bin/chromium) and loads the
network page --runs times for each view (?view=full, and the default view, which opens on the
aggregated picture above ADGRAPH_VIZ_AGGREGATE_ABOVE nodes), each in a fresh page after one
warm-up load that is not counted. A run's figure is the page's data-interactive-ms: performance.now()
when the layout has stabilised and physics is off, i.e. milliseconds since navigation start. Beside
it, the navigation timing (server response, DOMContentLoaded) says where the time goes. Every
request the pages make is recorded; any not to 127.0.0.1 is counted (there must be none).

The last line printed is one JSON object of figures: nodes, edges and interactive_ms (median) of
the full view, and the same for the aggregated view.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import throwaway  # noqa: E402
from graph.driver import open_driver  # noqa: E402
from graph.explore import network_graph  # noqa: E402
from graph.ingest import write_batch  # noqa: E402
from graph.model import apply_schema  # noqa: E402
from graph.networks import rebuild  # noqa: E402
from graph.records import normalize  # noqa: E402
from graph.sample import fictional_phone, us_cities  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
START = datetime(2026, 10, 1, tzinfo=timezone.utc)
SITES = ("demo-classifieds", "demo-personals")
USER, PASSWORD = "bench", "bench-" + os.urandom(8).hex()
READY = '#network-view[data-state="ready"]'
# Run in every page before its scripts: when network.js publishes its network (right after building
# it, before the first layout batch), note the time and follow the stabilisation iterations.
PROBE_JS = """(() => {
  let held;
  const probe = window.__vizProbe = {built: null, iterations: 0, done: null};
  Object.defineProperty(window, "adgraphNetwork", {configurable: true, get: () => held, set: (value) => {
    held = value;
    probe.built = performance.now();
    value.network.on("stabilizationProgress", (p) => { probe.iterations = p.iterations; });
    value.network.once("stabilizationIterationsDone", () => { probe.done = performance.now(); });
  }});
})();"""
# Navigation timing and the page's own figures, read once the view is ready.
TIMING_JS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const view = document.getElementById("network-view");
  return {ttfb: nav.responseStart, response_end: nav.responseEnd,
          dom_content_loaded: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
          html_bytes: nav.transferSize,
          interactive: Number(view.getAttribute("data-interactive-ms")),
          built: window.__vizProbe.built, iterations: window.__vizProbe.iterations,
          nodes: Number(view.getAttribute("data-nodes")), edges: Number(view.getAttribute("data-edges"))};
}"""


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def network_records(target: int, seed: int, ads_share: float = 0.6, cluster_ads: int = 30) -> list[dict]:
    """Observations of one connected network of exactly `target` nodes (ads + phones + emails +
    photos + places). Clusters of about `cluster_ads` ads around a few phones; every ad after a
    cluster's first carries a photo an earlier ad of its cluster carries, and each cluster's first
    ad a photo of an earlier cluster (some clusters borrow one more from further back), so the
    whole is one network joined the way real rings are: phone clusters bridged by shared photos."""
    rng = random.Random(seed)
    cities = list(us_cities()[:40])
    ads_wanted = round(target * ads_share)
    # Photos make up what phones, emails and places leave; about 2 per ad, one of them reused.
    new_image_p = max(0.05, min(0.95, (target - ads_wanted * (1 + 1 / 7.5) - 50) / ads_wanted - 0.05))
    phones: list[str] = []
    images: list[str] = []
    emails: list[str] = []
    places: set[str] = set()
    records: list[dict] = []
    clusters: list[dict] = []

    def nodes() -> int:
        return len(records) + len(phones) + len(images) + len(emails) + len(places)

    def new_phone() -> str:
        phones.append(fictional_phone(len(phones)))
        return phones[-1]

    def new_image() -> str:
        images.append(sha(f"bench-viz-img-{seed}-{len(images)}"))
        return images[-1]

    while nodes() < target:
        room = target - nodes()
        if not clusters or len(clusters[-1]["ads"]) >= cluster_ads:
            if room < 12 and clusters:  # too close to the target for a new cluster's identifiers
                cluster = clusters[-1]
            else:
                home = rng.randrange(len(cities))
                cluster = {"phones": [new_phone()], "images": [], "ads": [],
                           "cities": [cities[(home + rng.randint(0, 6)) % len(cities)] for _ in range(rng.randint(1, 3))],
                           "email": None, "site": rng.choice(SITES)}
                if rng.random() < 0.25:
                    emails.append(f"bench{len(emails)}@example.org")
                    cluster["email"] = emails[-1]
                clusters.append(cluster)
        room = target - nodes()
        frugal = room <= 8  # near the target (an ad adds up to 7 nodes): only identifiers already counted
        if frugal:
            phone = rng.choice(cluster["phones"])
            city = next((c for c in cluster["cities"] if c["location_id"] in places), None)
            city = city or next(c for c in cities if c["location_id"] in places)
            shared = rng.choice(cluster["images"] or images)
            picked = [shared]
            email = cluster["email"] if cluster["email"] and rng.random() < 0.5 else None
        else:
            if len(cluster["ads"]) % 8 == 7 and rng.random() < 0.9:
                cluster["phones"].append(new_phone())
                phone = cluster["phones"][-1]  # a new phone is counted: some ad must carry it
            else:
                phone = rng.choice(cluster["phones"][-2:] if cluster["ads"] else cluster["phones"])
            city = rng.choice(cluster["cities"])
            if cluster["images"]:
                shared = rng.choice(cluster["images"])
            else:  # a cluster's first ad: the bridge to an earlier cluster
                shared = rng.choice(clusters[-2]["images"]) if len(clusters) > 1 else new_image()
            picked = [shared]
            if len(clusters) > 2 and not cluster["ads"] and rng.random() < 0.4:
                picked.append(rng.choice(rng.choice(clusters[:-2])["images"]))  # a second, longer bridge
            for _ in range(rng.randint(0, 2)):
                picked.append(new_image() if rng.random() < new_image_p or not cluster["images"]
                              else rng.choice(cluster["images"]))
            email = cluster["email"] if cluster["email"] and rng.random() < 0.5 else None
        picked = list(dict.fromkeys(picked))
        cluster["images"].extend(s for s in picked if s not in cluster["images"])
        places.add(city["location_id"])
        n = len(records)
        fetched = START + timedelta(minutes=17 * n)
        national = f"({phone[2:5]}) {phone[5:8]}-{phone[8:]}"
        title = f"Visiting {city['name']}"
        records.append({
            "site": cluster["site"], "site_ad_id": str(500000 + n),
            "url": f"http://127.0.0.1:8000/{cluster['site']}/ad/{500000 + n}",
            "fetched_at": fetched.isoformat(), "posted_at": (fetched - timedelta(hours=3)).isoformat(),
            "title": title, "body": f"{title}. Text first: {national}.", "raw_sha256": sha(f"bench-viz-page-{seed}-{n}"),
            "phones": [{"e164": phone, "raw": national}],
            "emails": [{"address": email, "raw": email}] if email else [],
            "locations": [{**city, "raw": city["name"]}],
            "images": [{"sha256": s, "phash": s[:16], "url": f"http://127.0.0.1:8000/img/{s[:12]}.jpg"} for s in picked],
        })
        cluster["ads"].append(n)
    carried = {e["address"] for r in records for e in r["emails"]}
    if carried != set(emails):  # a cluster's email counted, but none of its ads drew it
        for r in records:
            r["emails"] = r["emails"] or []
        missing = set(emails) - carried
        for cluster in clusters:
            if cluster["email"] in missing:
                first = records[cluster["ads"][0]]
                first["emails"] = [{"address": cluster["email"], "raw": cluster["email"]}]
    return records


def build_graph(settings, records: list[dict], fresh_plans: bool = True) -> tuple[str, int, int, dict]:
    """Ingest, assign networks; (network id, nodes and edges on its page, node counts by kind).

    With fresh_plans, index statistics are resampled and the query plan cache cleared afterwards,
    as on a database that has been running a while: plans made just after a bulk ingest, on stale
    statistics, can be far slower (graph.explore's edge query took ~4 s instead of ~0.2 s here)."""
    with open_driver(settings) as driver:
        apply_schema(driver)
        rows = [normalize(r) for r in records]
        for start in range(0, len(rows), 2000):
            write_batch(driver, rows[start:start + 2000])
        rebuild(driver)
        nets = driver.execute_query("MATCH (a:Ad) RETURN a.network_id AS id, count(*) AS ads").records
        if len(nets) != 1 or nets[0]["id"] is None or nets[0]["ads"] != len(records):
            raise SystemExit(f"expected one network holding all {len(records)} ads, got "
                             f"{[(r['id'], r['ads']) for r in nets]}")
        network_id = nets[0]["id"]
        if fresh_plans:
            driver.execute_query("CALL db.awaitIndexes(300)")
            driver.execute_query("CALL db.resampleOutdatedIndexes()")
        graph = network_graph(driver, network_id)
        if fresh_plans:
            driver.execute_query("CALL db.clearQueryCaches()")
    kinds: dict[str, int] = {}
    for node in graph["nodes"]:
        kinds[node["kind"]] = kinds.get(node["kind"], 0) + 1
    return network_id, len(graph["nodes"]), len(graph["edges"]), kinds


def start_server(env: dict, port: int, log: Path) -> subprocess.Popen:
    adgraph = str(Path(sys.executable).with_name("adgraph"))
    added = subprocess.run([adgraph, "user", "add", USER, "--role", "analyst", "--password-stdin"], env=env,
                           input=PASSWORD + "\n", text=True, capture_output=True)
    if added.returncode != 0:
        raise SystemExit(f"adgraph user add failed: {added.stderr.strip()}")
    proc = subprocess.Popen([adgraph, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"adgraph serve exited ({proc.returncode}): {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as response:
                if response.status == 200:
                    return proc
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise SystemExit(f"adgraph serve did not answer within 60 s: {log.read_text()[-2000:]}")


def stop_server(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def load(context, url: str) -> dict:
    page = context.new_page()
    try:
        page.goto(url, wait_until="commit", timeout=60_000)
        page.wait_for_selector(READY, state="attached", timeout=60_000)
        return page.evaluate(TIMING_JS)
    finally:
        page.close()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=2000, help="nodes in the network (ads and what they carry)")
    parser.add_argument("--runs", type=int, default=5, help="page loads per view (after one warm-up)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chromium", default=CHROMIUM, help="the Chromium executable")
    parser.add_argument("--stale-plans", action="store_true",
                        help="do not refresh statistics and query plans after the bulk ingest")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    records = network_records(args.nodes, args.seed)
    load_before = os.getloadavg()[0]
    tmp, env, settings = throwaway.start("adgraph-bench-viz-")
    server = None
    offsite: list[str] = []
    results: dict[str, list[dict]] = {"full": [], "default": []}
    warm: dict[str, dict] = {}
    try:
        network_id, nodes, edges, kinds = build_graph(settings, records, fresh_plans=not args.stale_plans)
        print(f"network {network_id}: {nodes} nodes on its page ({', '.join(f'{v} {k}' for k, v in sorted(kinds.items()))}), "
              f"{edges} edges", file=sys.stderr)
        if nodes != args.nodes:
            raise SystemExit(f"expected {args.nodes} nodes on the page, the network has {nodes}")
        env = {k: v for k, v in env.items() if k != "ADGRAPH_SECURE_COOKIES"}
        port = throwaway.free_port()
        server = start_server(env, port, tmp / "serve.log")
        base = f"http://127.0.0.1:{port}"
        print(f"adgraph serve at {base}/ (aggregated above {settings.viz_aggregate_above} nodes)", file=sys.stderr)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, headless=True)
            try:
                chromium = browser.version
                context = browser.new_context(viewport={"width": 1280, "height": 900})

                def on_request(request) -> None:
                    parts = urlsplit(request.url)
                    if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname != "127.0.0.1":
                        offsite.append(request.url)

                context.on("request", on_request)
                context.add_init_script(PROBE_JS)
                page = context.new_page()
                page.goto(f"{base}/login")
                page.fill('input[name="name"]', USER)
                page.fill('input[name="password"]', PASSWORD)
                with page.expect_navigation():
                    page.click('main button[type="submit"]')
                if "/login" in urlsplit(page.url).path:
                    raise SystemExit("logging in failed")
                page.close()
                for view, query in (("full", "?view=full"), ("default", "")):
                    url = f"{base}/networks/{network_id}{query}"
                    warm[view] = load(context, url)
                    print(f"{view}: warm-up {warm[view]['interactive']:.0f} ms", file=sys.stderr)
                    for run in range(args.runs):
                        figures = load(context, url)
                        results[view].append(figures)
                        print(f"{view} run {run + 1}: {figures['nodes']} nodes, {figures['edges']} edges; "
                              f"server {figures['ttfb']:.0f} ms, HTML done {figures['response_end']:.0f} ms "
                              f"({figures['html_bytes'] / 1e6:.1f} MB), DOMContentLoaded "
                              f"{figures['dom_content_loaded']:.0f} ms, network built {figures['built'] or 0:.0f} ms, interactive {figures['interactive']:.0f} ms "
                              f"({figures['iterations']} layout iterations)",
                              file=sys.stderr)
                context.close()
            finally:
                browser.close()
    finally:
        stop_server(server)
        throwaway.stop(settings)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    load_after = os.getloadavg()[0]
    for r in results["full"] + results["default"]:
        r["script"] = (r["built"] or r["dom_content_loaded"]) - r["response_end"]  # parse, load vis, build the network
        r["layout"] = r["interactive"] - (r["built"] or r["dom_content_loaded"])  # stabilisation iterations

    def median(view: str, key: str) -> float:
        return round(statistics.median(r[key] for r in results[view]), 1)

    full, agg = results["full"], results["default"]
    interactive = [r["interactive"] for r in full]
    if offsite:
        print(f"requests off 127.0.0.1: {sorted(set(offsite))}", file=sys.stderr)
    print(json.dumps({
        "nodes": full[-1]["nodes"], "edges": full[-1]["edges"],
        "interactive_ms": median("full", "interactive"),
        "interactive_ms_p95": round(percentile(interactive, 95), 1), "interactive_ms_max": round(max(interactive), 1),
        "interactive_ms_min": round(min(interactive), 1),
        "ttfb_ms": median("full", "ttfb"), "dom_content_loaded_ms": median("full", "dom_content_loaded"),
        "script_ms": median("full", "script"), "layout_ms": median("full", "layout"),
        "layout_iterations": full[-1]["iterations"],
        "ms_per_iteration": round(median("full", "layout") / full[-1]["iterations"], 1) if full[-1]["iterations"] else None,
        "html_mb": round(full[-1]["html_bytes"] / 1e6, 2),
        "aggregated_nodes": agg[-1]["nodes"], "aggregated_edges": agg[-1]["edges"],
        "aggregated_interactive_ms": median("default", "interactive"),
        "aggregated_ttfb_ms": median("default", "ttfb"), "aggregated_layout_ms": median("default", "layout"),
        "warmup_interactive_ms": {k: round(v["interactive"], 1) for k, v in warm.items()},
        "network_nodes": nodes, "network_edges": edges, "aggregate_above": settings.viz_aggregate_above,
        "runs": args.runs, "offsite_requests": len(offsite), "chromium": chromium, "fresh_plans": not args.stale_plans,
        "load_avg_1m": [round(load_before, 2), round(load_after, 2)],
        "machine": f"{platform.machine()} {os.cpu_count()} cores {platform.python_implementation()} {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d"),
    }))


if __name__ == "__main__":
    main()
