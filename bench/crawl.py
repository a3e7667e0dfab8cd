"""Crawl benchmark: the demo site (≥ 5,000 ad pages, images excluded) crawled with full
extraction, evidence archiving and ingest into a throwaway Neo4j, against `scrapy bench` run on
the same machine in the same run.

    .venv/bin/python bench/crawl.py [--ads 6500] [--concurrency 16]

pages_per_min counts ad pages (listing pages are extra work not counted) over the wall time of
one whole cycle, from process start to the last observation written to Neo4j. The last line
printed is one JSON object of figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import throwaway  # noqa: E402
from graph.driver import open_driver  # noqa: E402
from graph.model import apply_schema  # noqa: E402

BIN = Path(sys.executable).parent



def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def scrapy_bench(seconds: int) -> float:
    """Mean pages/min of `scrapy bench` over its steady state (its first report, the ramp-up, is left out)."""
    run = subprocess.run([str(BIN / "scrapy"), "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}", "-s", "LOG_LEVEL=INFO"],
                         capture_output=True, text=True, timeout=seconds + 120)
    rates = [int(x) for x in re.findall(r"Crawled \d+ pages \(at (\d+) pages/min\)", run.stderr)]
    if len(rates) < 2:
        raise SystemExit(f"scrapy bench printed no rates:\n{run.stderr[-2000:]}")
    steady = rates[1:]
    return sum(steady) / len(steady)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ads", type=int, default=6500, help="ads in the corpus (about 80%% are live in cycle 0)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--scrapy-bench-seconds", type=int, default=40)
    args = parser.parse_args()

    tmp, env, settings = throwaway.start("adgraph-bench-crawl-")
    port = throwaway.free_port()
    site_proc = subprocess.Popen([str(BIN / "adgraph"), "demosite", "--port", str(port), "--ads", str(args.ads),
                                  "--seed", str(args.seed)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/ads")
        with open_driver(settings) as driver:
            apply_schema(driver)
        site = yaml.safe_load((ROOT / "crawler" / "sites" / "demo.yaml").read_text())
        site.update(base_url=base, images=False)
        site["limits"].update(concurrency=args.concurrency, delay=0, autothrottle=False)
        site_file = tmp / "demo.yaml"
        site_file.write_text(yaml.safe_dump(site))
        report = tmp / "report.json"
        started = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "crawler.cycle", str(site_file), "--report", str(report)],
                             env=env, cwd=ROOT, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if run.returncode != 0 or not report.exists():
            raise SystemExit(f"crawl failed:\n{run.stderr[-3000:]}")
        result = json.loads(report.read_text())
        with open_driver(settings) as driver:
            ads_in_graph = driver.execute_query("MATCH (a:Ad) RETURN count(a) AS n").records[0]["n"]
    finally:
        site_proc.terminate()
        site_proc.wait()
        throwaway.stop(settings)
    pages = result["pages"]
    pages_per_min = pages / seconds * 60
    print(f"crawl: {pages} ad pages in {seconds:.1f} s, {ads_in_graph} ads in the graph, "
          f"{result['written']} observations written, errors {result['errors']}", file=sys.stderr)
    bench_rate = scrapy_bench(args.scrapy_bench_seconds)
    figures = {
        "pages": pages, "seconds": round(seconds, 1), "ads_in_graph": ads_in_graph,
        "pages_per_min": round(pages_per_min), "scrapy_bench_pages_per_min": round(bench_rate),
        "ratio": round(pages_per_min / bench_rate, 3), "concurrency": args.concurrency,
        "machine": f"{platform.machine()} {os.cpu_count()} cores", "python": platform.python_version(),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
