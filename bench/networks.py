"""Network benchmark: the hard demo site crawled for real, and every ad's network scored against its truth.

    .venv/bin/python bench/networks.py [--seeds 1 2 3] [--sizes 300 1000] [--no-faces]
                                       [--generator MODULE:FUNCTION] [--concurrency 8] [--keep]

One throwaway Neo4j is started for the whole run (its own config, data folder, free port and
password; never ~/.local/share/adgraph, never port 7687). Then for each size and each seed:

1. the corpus is generated: by default the demo site's hard profile
   (`generate(ads, seed, profile="hard")`, crawler/demosite/hard.py: stock photos, the site's
   phone, agency phones, rotating burner phones, shared emails, shared wording, singletons);
2. it is served by the demo site on a free loopback port, and crawled for real with
   `adgraph crawl SITE.yaml` (a copy of crawler/sites/demo.yaml pointing at that port, images on,
   faces on unless --no-faces) into a fresh data folder of its own;
3. the site advances one cycle (POST /_admin/advance: edits, removals, new ads) and is crawled again;
4. every stored Ad's `network_id` is read from Neo4j and compared with each ad's true network;
5. `networks rebuild` judges the same graph from scratch, every ad in view at once, and its
   networks are scored too (`rebuild_…`): landing judges on growing partial views, and what it
   found common stays common, which can flatter the landing figures;
6. the graph is emptied and the run's data folder deleted.

Only ads the crawler stored are scored (an ad posted in a later cycle was never seen: it is
counted in `unseen_ads`, not scored). An ad with no network_id counts as a network of its own.

Figures of one run: `ari` (adjusted Rand index of the predicted against the true partition,
1 = identical, about 0 = no better than chance), `pair_precision` (of the pairs of ads put in
one network, the share truly in one; 1.0 when no pair is), `pair_recall` (of the pairs truly in
one network, the share put in one), `largest_network` (ads in the largest predicted network) and
the true networks it mixes, `true_networks` and `predicted_networks` (among the stored ads),
`impure_networks` (predicted networks holding ads of more than one true network), per kind of
network (when the truth names kinds, as the hard profile does) the pair recall within that kind,
and the seconds each crawl took. The last line printed is one JSON object: the means over all
runs of `ari`, `pair_precision`, `pair_recall`, `true_networks` and `predicted_networks`, the
largest `largest_network`, `min_ari` and `min_pair_precision` over runs, `rebuild_ari`,
`rebuild_pair_precision` and their minimums `min_rebuild_…` (the same from scratch), the same per size under
`by_size`, every run under `runs`, and `rebuild_ads_per_s` / `rebuild_peak_rss_mb` (null: measured
separately). Progress goes to stderr.

--generator MODULE:FUNCTION replaces the hard profile with another generator (for a blind set
written by someone else). The contract: `FUNCTION(ads: int, seed: int) -> Corpus`, where Corpus is
crawler.demosite.corpus.Corpus or a subclass, deterministic for (ads, seed). The demo site serves
it as it serves its own corpora: `corpus.ads` (Ad records: `id` is the site's ad id, `network` the
true network, `appears`/`edits`/`removed` its lifecycle over cycles 0-4, `images` names in
`corpus.images`), `corpus.text(ad, version)` its wording (override it, and `footer()`, in a
subclass to write your own), `corpus.truth()` what /_admin/truth.json publishes. The truth scored is
`ad.network` of each ad; `truth()["networks"][id]["kind"]`, when present, groups the per-kind recall.
MODULE is imported with the repository root and bench/ on sys.path.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Callable

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import throwaway  # noqa: E402
from crawler.demosite import create_app, generate, serve_in_thread  # noqa: E402
from crawler.demosite.corpus import Corpus  # noqa: E402
from graph.driver import open_driver  # noqa: E402
from graph.networks import common_identifiers, rebuild, why_linked  # noqa: E402
from graph.model import apply_schema  # noqa: E402

BIN = Path(sys.executable).parent
SITE_FILE = ROOT / "crawler" / "sites" / "demo.yaml"
CLEAR = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
NETWORKS = "MATCH (a:Ad {site: $site}) RETURN a.site_ad_id AS id, a.network_id AS network"
COUNTS = ("MATCH (i:Image) WITH count(i) AS images "
          "OPTIONAL MATCH (f:Face) WITH images, count(f) AS faces "
          "OPTIONAL MATCH ()-[n:NEAR_DUPLICATE]->() WITH images, faces, count(n) AS near "
          "OPTIONAL MATCH ()-[s:SAME_FACE]->() RETURN images, faces, near, count(s) AS same_faces")


CRAWL_LOG_TAIL = 40  # lines of a failed crawl's output shown when it stops the benchmark


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- scoring (pure) ---

def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def score(truth: dict[str, object], predicted: dict[str, str | None],
          kinds: dict[object, str] | None = None) -> dict:
    """Compare predicted networks {ad id: network id or None} with the true ones {ad id: network}
    over the ads in both. None is a network of one. kinds: {true network: kind}, for recall per kind."""
    ids = sorted(i for i in predicted if i in truth)
    pred = {i: predicted[i] if predicted[i] is not None else f"\x00alone:{i}" for i in ids}
    cells = Counter((truth[i], pred[i]) for i in ids)
    true_sizes = Counter(truth[i] for i in ids)
    pred_sizes = Counter(pred.values())
    together = sum(_pairs(n) for n in cells.values())  # pairs in one network by both
    true_pairs = sum(_pairs(n) for n in true_sizes.values())
    pred_pairs = sum(_pairs(n) for n in pred_sizes.values())
    all_pairs = _pairs(len(ids))
    expected = true_pairs * pred_pairs / all_pairs if all_pairs else 0.0
    most = (true_pairs + pred_pairs) / 2
    ari = (together - expected) / (most - expected) if most != expected else 1.0
    largest, largest_size = max(pred_sizes.items(), key=lambda kv: (kv[1], kv[0])) if pred_sizes else (None, 0)
    mixed = Counter(p for (_, p) in cells)  # predicted network -> how many true networks it holds
    result = {
        "ads": len(ids), "ari": round(ari, 4),
        "pair_precision": round(together / pred_pairs, 4) if pred_pairs else 1.0,
        "pair_recall": round(together / true_pairs, 4) if true_pairs else 1.0,
        "largest_network": largest_size, "largest_network_true_networks": mixed.get(largest, 0),
        "true_networks": len(true_sizes), "predicted_networks": len(pred_sizes),
        "impure_networks": sum(1 for n in mixed.values() if n > 1),
        "ads_without_network": sum(1 for i in ids if predicted[i] is None),
    }
    if kinds:
        recall = {}
        for kind in sorted(set(kinds.values())):
            pairs = sum(_pairs(n) for t, n in true_sizes.items() if kinds.get(t) == kind)
            if pairs:
                hit = sum(_pairs(n) for (t, _), n in cells.items() if kinds.get(t) == kind)
                recall[kind] = round(hit / pairs, 4)
        result["pair_recall_by_kind"] = recall
    return result


# --- one run ---

def load_generator(spec: str | None) -> Callable[[int, int], Corpus]:
    if not spec:
        return lambda ads, seed: generate(ads, seed, profile="hard")
    module, _, function = spec.partition(":")
    if not module or not function:
        raise SystemExit(f"--generator wants MODULE:FUNCTION, not {spec!r}")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    return getattr(importlib.import_module(module), function)


def crawl(site_file: Path, env: dict, log_file: Path) -> float:
    """`adgraph crawl SITE_FILE` once; its seconds. Its terminal output goes to log_file. A crawl that
    fails (exits non-zero) ends the benchmark: SystemExit with the log's last CRAWL_LOG_TAIL lines."""
    started = time.perf_counter()
    with open(log_file, "a") as out:
        code = subprocess.run([str(BIN / "adgraph"), "crawl", str(site_file)], env=env, cwd=ROOT,
                              stdout=out, stderr=subprocess.STDOUT).returncode
    seconds = time.perf_counter() - started
    lines = log_file.read_text().splitlines()
    if code != 0:  # a partial crawl scored as a whole one would mislead: stop, with the crawl's last words
        tail = "\n".join(lines[-CRAWL_LOG_TAIL:])
        raise SystemExit(f"adgraph crawl {site_file} exited {code}; the end of its output ({log_file}):\n{tail}")
    summary = [line for line in lines if line.startswith("cycle ")]
    log(f"    {summary[-1] if summary else '(no summary line)'}")
    return seconds


def run_once(size: int, seed: int, generator, env: dict, settings, tmp: Path, faces: bool, concurrency: int,
             keep: bool) -> dict:
    started = time.perf_counter()
    corpus = generator(size, seed)
    generated = time.perf_counter() - started
    truth = {str(ad.id): ad.network for ad in corpus.ads}
    app = create_app(corpus)
    server, base = serve_in_thread(app)
    run_dir = tmp / f"run-{size}-{seed}"
    run_dir.mkdir()
    try:
        site = yaml.safe_load(SITE_FILE.read_text())
        site.update(base_url=base, images=True, faces=faces)
        site["limits"].update(concurrency=concurrency)
        site_file = run_dir / "site.yaml"
        site_file.write_text(yaml.safe_dump(site))
        # The crawl's files go to a folder of the run's (the store stays put), and the crawler runs the
        # code beside this script, whatever the venv's editable install points at.
        run_env = {**env, "ADGRAPH_DATA_DIR": str(run_dir / "data"),
                   "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), env.get("PYTHONPATH"))))}
        crawl_log = run_dir / "crawl.log"
        log(f"  size {size} seed {seed}: {len(corpus.ads)} ads generated in {generated:.1f}s, served at {base}; crawl 1")
        first = crawl(site_file, run_env, crawl_log)
        with urllib.request.urlopen(urllib.request.Request(f"{base}/_admin/advance", method="POST"), timeout=30) as r:
            cycle = json.loads(r.read())["cycle"]
        log(f"  site advanced to cycle {cycle}; crawl 2")
        second = crawl(site_file, run_env, crawl_log)
        with open_driver(settings) as driver:
            rows = driver.execute_query(NETWORKS, site=site["name"]).records
            counts = driver.execute_query(COUNTS).records[0].data()
            predicted = {r["id"]: r["network"] for r in rows}
            welds = explain_welds(driver, site["name"], predicted, truth)
            common = [{k: row[k] for k in ("label", "key", "members", "ads", "groups", "coverage", "reason")}
                      for row in common_identifiers(driver)]
            log(f"    judged common: {len(common)} identifiers " + "; ".join(
                f"{c['label']} ({c['members']} copies) on {c['ads']} ads: {c['reason']}" for c in common[:8]))
            # The same graph judged from scratch, every ad in view at once (as `networks rebuild`):
            # landing judges on growing partial views, and what it found common stays so.
            rebuild(driver)
            rebuilt = {r["id"]: r["network"] for r in driver.execute_query(NETWORKS, site=site["name"]).records}
            log("    rebuilt from scratch:")
            rebuilt_welds = explain_welds(driver, site["name"], rebuilt, truth)
            with driver.session() as session:
                session.run(CLEAR).consume()
    finally:
        server.shutdown()
        server.server_close()
        if not keep:
            shutil.rmtree(run_dir, ignore_errors=True)
    networks = corpus.truth().get("networks", {})
    kinds = {int(n) if str(n).isdigit() else n: row["kind"] for n, row in networks.items()
             if isinstance(row, dict) and row.get("kind")}
    result = score(truth, predicted, kinds)
    from_scratch = score(truth, rebuilt, kinds)
    result.update({f"rebuild_{key}": from_scratch[key] for key in ("ari", "pair_precision", "pair_recall")})
    unseen = sum(1 for i in truth if i not in predicted)
    unknown = sum(1 for i in predicted if i not in truth)
    return {"size": size, "seed": seed, **result, "ads_in_corpus": len(truth), "unseen_ads": unseen,
            "unknown_ads": unknown, **counts, "crawl_seconds": [round(first, 1), round(second, 1)],
            "generate_seconds": round(generated, 2), "judged_common": len(common), "welds": welds,
            "rebuild_welds": rebuilt_welds}


def explain_welds(driver, site: str, predicted: dict, truth: dict, most: int = 5) -> list[str]:
    """For the largest predicted networks that mix true ones: the chain of evidence (as `adgraph
    networks why` gives it) between two of their ads of different true networks. Logged."""
    members: dict[str, list[str]] = {}
    for ad_id, network in predicted.items():
        if network and ad_id in truth:
            members.setdefault(network, []).append(ad_id)
    found = []
    for network, ads in sorted(members.items(), key=lambda kv: -len(kv[1])):
        if len(found) >= most:
            break
        first = ads[0]
        other = next((a for a in ads if truth[a] != truth[first]), None)
        if other is None:
            continue
        chain = why_linked(driver, (site, first), (site, other)) or []
        text = " -> ".join(f"{step['labels'][0]} {step['key'][:20]}" for step in chain)
        found.append(text)
        log(f"    weld in a network of {len(ads)} ads ({len({truth[a] for a in ads})} true): {text}")
    return found


# --- the whole benchmark ---

def summarise(runs: list[dict]) -> dict:
    def mean(key: str) -> float:
        return round(sum(r[key] for r in runs) / len(runs), 4)
    return {
        "ari": mean("ari"), "pair_precision": mean("pair_precision"), "pair_recall": mean("pair_recall"),
        "largest_network": max(r["largest_network"] for r in runs),
        "true_networks": mean("true_networks"), "predicted_networks": mean("predicted_networks"),
        "min_ari": min(r["ari"] for r in runs), "min_pair_precision": min(r["pair_precision"] for r in runs),
        "crawl_seconds": round(sum(sum(r["crawl_seconds"]) for r in runs) / len(runs), 1),
        "rebuild_ari": mean("rebuild_ari"), "rebuild_pair_precision": mean("rebuild_pair_precision"),
        "min_rebuild_ari": min(r["rebuild_ari"] for r in runs),
        "min_rebuild_pair_precision": min(r["rebuild_pair_precision"] for r in runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 1000], help="ads per corpus")
    parser.add_argument("--faces", action=argparse.BooleanOptionalAction, default=True,
                        help="find faces while crawling (dlib; the slowest part of a crawl)")
    parser.add_argument("--generator", metavar="MODULE:FUNCTION",
                        help="a function (ads, seed) -> Corpus used instead of the hard profile")
    parser.add_argument("--concurrency", type=int, default=8, help="the crawl's concurrent requests")
    parser.add_argument("--keep", action="store_true", help="keep each run's folder (site file, crawl log, data)")
    args = parser.parse_args()
    if min(args.sizes) < 1:
        raise SystemExit("--sizes must be at least 1")
    generator = load_generator(args.generator)

    tmp, env, settings = throwaway.start("adgraph-bench-networks-")
    runs = []
    try:
        with open_driver(settings) as driver:
            apply_schema(driver)
            with driver.session() as session:
                session.run(CLEAR).consume()
        for size in args.sizes:
            for seed in args.seeds:
                run = run_once(size, seed, generator, env, settings, tmp, args.faces, args.concurrency, args.keep)
                runs.append(run)
                log(f"  -> ari {run['ari']}, pair precision {run['pair_precision']}, recall {run['pair_recall']}, "
                    f"largest network {run['largest_network']} ads ({run['largest_network_true_networks']} true "
                    f"networks), networks true {run['true_networks']} / predicted {run['predicted_networks']}, "
                    f"{run['ads']} ads scored, {run['unseen_ads']} never seen, crawls {run['crawl_seconds']} s")
    finally:
        throwaway.stop(settings)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    figures = {
        **summarise(runs), "seeds": args.seeds, "sizes": args.sizes, "faces": args.faces,
        "generator": args.generator or "crawler.demosite.hard (profile hard)",
        "unseen_ads": sum(r["unseen_ads"] for r in runs),
        "by_size": {str(size): summarise([r for r in runs if r["size"] == size]) for size in args.sizes},
        "runs": runs, "rebuild_ads_per_s": None, "rebuild_peak_rss_mb": None,
        "machine": f"{platform.machine()} {os.cpu_count()} cores", "python": platform.python_version(),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
