"""Ingest benchmark: batched `adgraph ingest` against one transaction per ad, on a throwaway local Neo4j.

    .venv/bin/python bench/ingest.py --ads 100000

Generates N synthetic ads with realistic sharing (networks reusing a few
thousand fictional phones and photos, cities from the GeoNames gazetteer),
warms the database up, ingests the file with `adgraph ingest` in a child
process (wall time and that process's peak RSS), then ingests a fresh sample
one transaction per ad. The last line printed is one JSON object of figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import throwaway  # noqa: E402
from graph.driver import open_driver  # noqa: E402
from graph.ingest import write_batch  # noqa: E402
from graph.model import apply_schema  # noqa: E402
from graph.records import normalize  # noqa: E402
from graph.sample import observations  # noqa: E402



def write_sample(path: Path, ads: int, seed: int) -> None:
    with path.open("w") as fh:
        for record in observations(ads, seed=seed):
            fh.write(json.dumps(record) + "\n")


def run_ingest(env: dict, path: Path, batch: int) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB and the summary line of one `adgraph ingest` child process."""
    adgraph = Path(sys.executable).with_name("adgraph")
    started = time.perf_counter()
    proc = subprocess.Popen([str(adgraph), "ingest", str(path), "--batch", str(batch)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"adgraph ingest failed: {out}")
    return seconds, usage.ru_maxrss / 1024, out.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ads", type=int, default=100_000, help="ads in the batched run")
    parser.add_argument("--naive-ads", type=int, default=1_000, help="ads in the one-transaction-per-ad run")
    parser.add_argument("--warmup-ads", type=int, default=10_000, help="ads ingested first to warm the JVM up")
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    tmp, env, settings = throwaway.start("adgraph-bench-")
    try:
        with open_driver(settings) as driver:
            apply_schema(driver)
        print(f"generating {args.warmup_ads:,} + {args.ads:,} ads ...", file=sys.stderr)
        warm, main_file = tmp / "warmup.jsonl", tmp / "ads.jsonl"
        write_sample(warm, args.warmup_ads, seed=args.seed + 1000)
        write_sample(main_file, args.ads, seed=args.seed)
        lines = sum(1 for _ in main_file.open())
        run_ingest(env, warm, args.batch)

        seconds, peak_rss_mb, summary = run_ingest(env, main_file, args.batch)
        print(summary, file=sys.stderr)
        batched = lines / seconds

        # The naive loop: the same statements, one transaction per ad, on ads not yet in the graph.
        naive_records = [normalize(r) for r in observations(args.naive_ads, seed=args.seed + 2000,
                                                            edit_ratio=0, removal_ratio=0)]
        for r in naive_records:
            r["site"] = "naive-" + r["site"]
        with open_driver(settings) as driver:
            started = time.perf_counter()
            for record in naive_records:
                write_batch(driver, [record])
            naive = len(naive_records) / (time.perf_counter() - started)
    finally:
        throwaway.stop(settings)
        if not args.keep:
            subprocess.run(["rm", "-rf", str(tmp)], check=False)

    print(json.dumps({
        "ads": args.ads, "records": lines, "batch": args.batch,
        "batched_ads_per_s": round(batched, 1), "naive_ads_per_s": round(naive, 1),
        "ratio": round(batched / naive, 1), "peak_rss_mb": round(peak_rss_mb, 1),
        "batched_seconds": round(seconds, 1), "naive_ads": len(naive_records),
        "machine": f"{platform.machine()} {os.cpu_count()} cores {platform.python_implementation()} {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d"),
    }))


if __name__ == "__main__":
    main()
