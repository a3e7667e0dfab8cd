"""Near-duplicate index benchmark: graph.neardup.PhashIndex over synthetic 64-bit pHashes, no database.

    .venv/bin/python bench/neardup.py --hashes 1000000

Generates N seeded hashes, uniformly random except for planted clusters (a centre and
copies a few bits away, as a photo and its re-crops and re-compressions are), builds the
index, then times queries at max_distance: half near a planted cluster (true hits), half
random (mostly none). Recall is checked against a numpy brute force on a sample of the
queries; the incremental pattern of link_near_duplicates (query, then add) is timed too.
The last line printed is one JSON object of figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.neardup import PhashIndex  # noqa: E402


def flip(value: int, bits: int, rng: random.Random) -> int:
    for bit in rng.sample(range(64), bits):
        value ^= 1 << bit
    return value


def synthetic(n: int, clusters: int, size: int, rng: random.Random) -> tuple[list[int], list[int]]:
    """n hashes: `clusters` centres with size - 1 copies each 1..8 bits away, the rest random."""
    centres = [rng.getrandbits(64) for _ in range(clusters)]
    hashes = [flip(c, rng.randint(1, 8), rng) if k else c for c in centres for k in range(size)]
    hashes += [rng.getrandbits(64) for _ in range(n - len(hashes))]
    rng.shuffle(hashes)
    return hashes, centres


def percentile(sorted_values: list[float], p: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(p / 100 * len(sorted_values)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hashes", type=int, default=1_000_000)
    parser.add_argument("--clusters", type=int, default=1_000, help="planted near-duplicate clusters")
    parser.add_argument("--cluster-size", type=int, default=5)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--distance", type=int, default=8, help="max_distance of every query")
    parser.add_argument("--substrings", type=int, default=3)
    parser.add_argument("--recall-sample", type=int, default=200, help="queries checked against brute force")
    parser.add_argument("--incremental", type=int, default=10_000, help="new hashes queried then added, one by one")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    hashes, centres = synthetic(args.hashes, args.clusters, args.cluster_size, rng)
    keys = [f"{i:064x}" for i in range(len(hashes))]  # sha256-sized keys

    started = time.perf_counter()
    index = PhashIndex(args.substrings)
    index.add_many(zip(keys, hashes))
    index.build()
    build_s = time.perf_counter() - started

    near = [flip(rng.choice(centres), rng.randint(0, 4), rng) for _ in range(args.queries // 2)]
    queries = near + [rng.getrandbits(64) for _ in range(args.queries - len(near))]
    rng.shuffle(queries)
    for value in queries[:50]:  # warm-up: the lookup masks for this distance are built on first use
        index.query(value, args.distance)
    latencies, results = [], []
    for value in queries:
        t = time.perf_counter()
        results.append(index.query(value, args.distance))
        latencies.append((time.perf_counter() - t) * 1000)
    latencies.sort()
    candidates = sum(index.candidate_count(value, args.distance) for value in queries) / len(queries)

    everything = np.array(hashes, dtype=np.uint64)
    expected = found = 0
    for value, result in zip(queries[:args.recall_sample], results):
        distances = np.bitwise_count(everything ^ np.uint64(value))
        truth = {(keys[i], int(distances[i])) for i in np.flatnonzero(distances <= args.distance)}
        expected += len(truth)
        found += len(truth & set(result))
    recall = found / expected if expected else 1.0

    fresh = [(f"{len(hashes) + i:064x}", rng.getrandbits(64)) for i in range(args.incremental)]
    started = time.perf_counter()
    for key, value in fresh:
        index.query(value, args.distance)
        index.add(key, value)
    incremental_ms = (time.perf_counter() - started) * 1000 / max(1, len(fresh))

    print(f"{len(hashes):,} hashes indexed in {build_s:.2f} s; {len(queries):,} queries at distance "
          f"{args.distance}: p50 {percentile(latencies, 50):.3f} ms, p95 {percentile(latencies, 95):.3f} ms, "
          f"p99 {percentile(latencies, 99):.3f} ms; {candidates:,.0f} candidates a query; "
          f"{sum(map(len, results)) / len(results):.2f} hits a query; recall {recall:.4f} "
          f"({found}/{expected} over {args.recall_sample} queries)", file=sys.stderr)
    print(json.dumps({
        "hashes": len(hashes), "substrings": args.substrings, "max_distance": args.distance,
        "build_s": round(build_s, 3),
        "query_p50_ms": round(percentile(latencies, 50), 4), "query_p95_ms": round(percentile(latencies, 95), 4),
        "query_p99_ms": round(percentile(latencies, 99), 4),
        "candidates_per_query": round(candidates, 1), "hits_per_query": round(sum(map(len, results)) / len(results), 2),
        "recall": recall, "recall_queries": args.recall_sample, "recall_true_hits": expected,
        "incremental_ms_per_image": round(incremental_ms, 4),
        "machine": f"{platform.machine()} {os.cpu_count()} cores {platform.python_implementation()} "
                   f"{platform.python_version()} numpy {np.__version__}",
        "date": time.strftime("%Y-%m-%d"),
    }))


if __name__ == "__main__":
    main()
