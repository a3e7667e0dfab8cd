"""`adgraph networks rebuild` on a large synthetic graph: ads per second and peak memory.

Generates `--ads` fictional ads (graph.sample: networks of about 20 ads sharing phones, pictures
and emails, a few stock photos across them), writes them with graph.ingest.write_batch alone (no
networks, as a graph made before networks existed), then runs `adgraph networks rebuild` in a child
process twice: first from nothing (every ad gets its network, every identifier is judged), then
again on the result (nothing moves: the cost of reading and deciding). Wall time and the child's
peak RSS (wait4) for each; the last line printed is one JSON object.

    .venv/bin/python bench/rebuild.py --ads 1000000 [--keep]
    .venv/bin/python bench/rebuild.py --reuse DIR    # a store kept by --keep: its networks, verdicts
                                                     # and events wiped, then rebuilt as above
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import throwaway  # noqa: E402
from graph import localdb  # noqa: E402
from graph.config import load_settings  # noqa: E402
from graph.driver import open_driver  # noqa: E402
from graph.ingest import ingest_lines  # noqa: E402
from graph.model import apply_schema  # noqa: E402
from graph.records import normalize  # noqa: E402
from graph.sample import observations  # noqa: E402


def rebuild(env: dict) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB and the summary line of one `adgraph networks rebuild`."""
    adgraph = Path(sys.executable).with_name("adgraph")
    started = time.perf_counter()
    proc = subprocess.Popen([str(adgraph), "networks", "rebuild"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"adgraph networks rebuild failed: {err[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, err.strip().splitlines()[-1]


# A kept store back to a graph made before networks: no network ids, verdicts or events.
FORGET = (
    "MATCH (a:Ad) WHERE a.network_id IS NOT NULL CALL (a) { REMOVE a.network_id } IN TRANSACTIONS OF 50000 ROWS",
    "MATCH (e:NetworkEvent) CALL (e) { DELETE e } IN TRANSACTIONS OF 50000 ROWS",
    *(f"MATCH (x:{label}) WHERE x.common = true CALL (x) {{ REMOVE x.common, x.common_since, x.common_reason, "
      "x.common_ads, x.common_groups, x.common_coverage, x.common_site_share, x.common_unit } "
      "IN TRANSACTIONS OF 50000 ROWS" for label in ("Phone", "Email", "Handle", "Image", "Face")),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ads", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--keep", action="store_true", help="keep the store (its folder is printed)")
    parser.add_argument("--reuse", type=Path, help="the folder of a store kept by --keep")
    args = parser.parse_args()

    if args.reuse:
        tmp = args.reuse
        env = {**os.environ, **json.loads((tmp / "env.json").read_text())}
        settings = localdb.start(load_settings(env), echo=lambda msg: print(msg, file=sys.stderr))
    else:
        tmp, env, settings = throwaway.start("adgraph-rebuild-")
        (tmp / "env.json").write_text(json.dumps({k: env[k] for k in (
            "ADGRAPH_CONFIG", "ADGRAPH_DATA_DIR", "ADGRAPH_DB_PORT", "NEO4J_PASSWORD")}))
    try:
        with open_driver(settings) as driver:
            apply_schema(driver)
            ads = driver.execute_query("MATCH (a:Ad) RETURN count(a) AS n").records[0]["n"]
            if args.reuse:
                with driver.session() as session:
                    for statement in FORGET:
                        session.run(statement).consume()
            if not ads:
                print(f"writing {args.ads:,} ads ...", file=sys.stderr)
                started = time.perf_counter()
                lines = ((n, normalize(r)) for n, r in enumerate(observations(args.ads, seed=args.seed), 1))
                ingest_lines(driver, lines, batch_size=args.batch)
                print(f"written in {time.perf_counter() - started:.0f} s", file=sys.stderr)
                ads = driver.execute_query("MATCH (a:Ad) RETURN count(a) AS n").records[0]["n"]
        first = rebuild(env)
        print(f"first rebuild: {first[0]:.1f} s, {first[1]:.0f} MB: {first[2]}", file=sys.stderr)
        again = rebuild(env)
        print(f"again: {again[0]:.1f} s, {again[1]:.0f} MB: {again[2]}", file=sys.stderr)
    finally:
        throwaway.stop(settings)
        if args.keep or args.reuse:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            subprocess.run(["rm", "-rf", str(tmp)], check=False)
    print(json.dumps({
        "ads": ads, "rebuild_seconds": round(first[0], 1), "rebuild_ads_per_s": round(ads / first[0]),
        "rebuild_peak_rss_mb": round(first[1]), "again_seconds": round(again[0], 1),
        "again_ads_per_s": round(ads / again[0]), "again_peak_rss_mb": round(again[1]),
        "summary": first[2],
        "machine": f"{platform.machine()} {os.cpu_count()} cores {platform.python_implementation()} {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d"),
    }))


if __name__ == "__main__":
    main()
