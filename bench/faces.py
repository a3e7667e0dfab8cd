"""Face benchmark: accuracy and speed of the default (dlib) engine, and FaceSearch latency in Neo4j.

    .venv/bin/python bench/faces.py [--faces /work/shared/data/faces] [--index-size 100000]

Accuracy, on the shared face photos (read in place, never copied; see their SOURCE.md):
- identities/: the largest face of each photo, every pair of photos compared (cosine of the
  unit embeddings). True-match rate at false-match rates of 1% and 0.1% (the threshold for each
  is the lowest that lets through at most that share of different-person pairs), and at the
  engine's SAME_FACE_THRESHOLD; rank-1 identification (each photo whose person has another photo,
  searched against all the others: is the nearest the same person?). A photo where no face is
  found counts as a miss in every pair and search.
- multi_face/pascal_voc: detections against the face boxes of training.xml and testing.xml
  (a detection matches a box at IoU >= 0.4, one to one, greedily by IoU), recall and false detections.
- no_face/: faces found (there should be none).

Speed: faces detected and embedded per second with detect_many on `--workers` processes (the
identity and multi-face photos, after a warm-up); FaceSearch (graph.faces.search_faces, top 20,
with images and ads) p50/p95 over `--searches` searches on a throwaway Neo4j holding `--index-size`
faces: synthetic unit vectors plus the real ones, each face on its own image and ad. The queries
are the real faces' embeddings; their results are checked against an exact numpy search (recall).

The last line printed is one JSON object of figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from crawler.faces.dlib_engine import ENGINE, MODEL, DlibEngine  # noqa: E402
from graph.faces import SAME_FACE_THRESHOLD  # noqa: E402

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp"}


def images_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def accuracy(paths: list[Path], results: list) -> dict:
    labels = np.array([p.parent.name for p in paths])
    found = np.array([bool(r) and not isinstance(r, Exception) for r in results])
    vectors = np.array([r[0].embedding if ok else [0.0] * 128 for r, ok in zip(results, found)])
    sims = vectors @ vectors.T
    sims[~found, :] = -2.0  # no face: never a match
    sims[:, ~found] = -2.0
    upper = np.triu_indices(len(paths), 1)
    same = (labels[:, None] == labels[None, :])[upper]
    pair_sims = sims[upper]
    genuine, impostor = pair_sims[same], np.sort(pair_sims[~same])[::-1]

    def at_fmr(fmr: float) -> tuple[float, float]:
        allowed = int(fmr * len(impostor))  # at most this many different-person pairs may pass
        threshold = float(np.nextafter(impostor[allowed], 2)) if allowed < len(impostor) else -1.0
        return float((genuine >= threshold).mean()), threshold

    tmr2, thr2 = at_fmr(1e-2)
    tmr3, thr3 = at_fmr(1e-3)
    np.fill_diagonal(sims, -3.0)
    has_mate = np.array([(labels == label).sum() > 1 for label in labels])
    nearest = sims.argmax(axis=1)
    rank1 = (labels[nearest] == labels) & found
    return {
        "photos": len(paths), "identities": len(set(labels)), "no_face_found": int((~found).sum()),
        "genuine_pairs": int(len(genuine)), "impostor_pairs": int(len(impostor)),
        "tmr_at_fmr_1e-2": tmr2, "threshold_at_fmr_1e-2": thr2,
        "tmr_at_fmr_1e-3": tmr3, "threshold_at_fmr_1e-3": thr3,
        "threshold": SAME_FACE_THRESHOLD,
        "tmr_at_threshold": float((genuine >= SAME_FACE_THRESHOLD).mean()),
        "false_matches_at_threshold": int((impostor >= SAME_FACE_THRESHOLD).sum()),
        "misses_at_threshold": int((genuine < SAME_FACE_THRESHOLD).sum()),
        "fmr_at_threshold": float((impostor >= SAME_FACE_THRESHOLD).mean()),
        "lowest_genuine": float(genuine.min()), "highest_impostor": float(impostor[0]),
        "rank1": float(rank1[has_mate].mean()), "rank1_probes": int(has_mate.sum()),
    }


def iou(a, b) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    w = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    h = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = w * h
    return inter / (aw * ah + bw * bh - inter) if inter else 0.0


def detection(engine: DlibEngine, folder: Path, min_iou: float) -> dict:
    truth: dict[str, list[tuple[int, int, int, int]]] = {}
    for xml in ("training.xml", "testing.xml"):
        if (folder / xml).exists():
            for image in ET.parse(folder / xml).getroot().iter("image"):
                truth[image.get("file")] = [(int(b.get("left")), int(b.get("top")), int(b.get("width")),
                                             int(b.get("height"))) for b in image.iter("box")]
    boxes = matched = false = 0
    for name, expected in sorted(truth.items()):
        found = [f.box for f in engine.detect((folder / name).read_bytes())]
        pairs = sorted(((iou(f, e), i, j) for i, f in enumerate(found) for j, e in enumerate(expected)), reverse=True)
        used_f, used_e = set(), set()
        for overlap, i, j in pairs:
            if overlap >= min_iou and i not in used_f and j not in used_e:
                used_f.add(i)
                used_e.add(j)
        boxes += len(expected)
        matched += len(used_e)
        false += len(found) - len(used_f)
    return {"images": len(truth), "boxes": boxes, "found": matched, "recall": matched / boxes if boxes else None,
            "false_detections": false}


def embedding_speed(engine: DlibEngine, images: list[bytes], workers: int) -> tuple[float, int, float]:
    with engine.executor(workers) as pool:
        engine.detect_many(images[:workers * 2], executor=pool)  # warm-up: models loaded in every worker
        started = time.perf_counter()
        results = engine.detect_many(images, executor=pool)
        elapsed = time.perf_counter() - started
    faces = sum(len(r) for r in results if not isinstance(r, Exception))
    return faces / elapsed, faces, elapsed


def search_latency(real: np.ndarray, size: int, searches: int, seed: int) -> dict:
    import throwaway
    from graph.driver import open_driver
    from graph.faces import search_faces
    from graph.model import apply_schema

    rng = np.random.default_rng(seed)
    synthetic = rng.standard_normal((size - len(real), 128))
    synthetic /= np.linalg.norm(synthetic, axis=1, keepdims=True)
    everything = np.vstack([real, synthetic])
    tmp, _, settings = throwaway.start("adgraph-bench-faces-")
    try:
        with open_driver(settings) as driver:
            apply_schema(driver)
            started = time.perf_counter()
            for start in range(0, len(everything), 5_000):
                rows = [{"n": start + i, "embedding": v.tolist()}
                        for i, v in enumerate(everything[start:start + 5_000])]
                driver.execute_query("""
                    UNWIND $rows AS r
                    CREATE (a:Ad {site: 'bench', site_ad_id: toString(r.n), url: 'http://bench.invalid/' + r.n,
                                  title: 'Ad ' + r.n, first_seen: datetime(), last_seen: datetime(),
                                  removed_at: CASE WHEN r.n % 10 = 0 THEN datetime() END})
                           -[:HAS_IMAGE {first_seen: datetime(), last_seen: datetime()}]->
                           (i:Image {sha256: 'img-' + r.n, path: 'images/' + r.n + '.jpg', width: 640, height: 480})
                           -[:HAS_FACE {first_seen: datetime()}]->
                           (f:Face {face_id: 'face-' + r.n, engine: $engine, model: $model, box: [0, 0, 100, 100],
                                    score: 1.0, embedding: r.embedding, first_seen: datetime()})
                    """, rows=rows, engine=ENGINE, model=MODEL)
            load_s = time.perf_counter() - started
            started = time.perf_counter()
            driver.execute_query("CALL db.awaitIndexes(1800)")
            index_s = time.perf_counter() - started
            count = driver.execute_query("MATCH (f:Face) RETURN count(f) AS n").records[0]["n"]
            queries = [real[i % len(real)] for i in range(searches)]
            for q in queries[:20]:  # warm-up
                search_faces(driver, q, ENGINE, MODEL, top_k=20, threshold=SAME_FACE_THRESHOLD)
            latencies, recalls = [], []
            for q in queries:
                started = time.perf_counter()
                results = search_faces(driver, q, ENGINE, MODEL, top_k=20, threshold=SAME_FACE_THRESHOLD)
                latencies.append((time.perf_counter() - started) * 1000)
                exact = {f"face-{i}" for i in np.argsort(-(everything @ q))[:20]}
                recalls.append(len(exact & {r["face_id"] for r in results}) / 20)
    finally:
        throwaway.stop(settings)
    return {"search_index_size": int(count), "load_s": round(load_s, 1), "await_index_s": round(index_s, 1),
            "search_p50_ms": round(percentile(latencies, 50), 1), "search_p95_ms": round(percentile(latencies, 95), 1),
            "search_max_ms": round(max(latencies), 1), "search_recall_at_20": round(float(np.mean(recalls)), 4),
            "searches": len(latencies)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--faces", type=Path, default=ROOT.parent / "shared" / "data" / "faces")
    parser.add_argument("--detector", default="hog", choices=["hog", "cnn"])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--index-size", type=int, default=100_000)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--min-iou", type=float, default=0.4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-search", action="store_true", help="no Neo4j part")
    args = parser.parse_args()
    if not (args.faces / "identities").is_dir():
        sys.exit(f"no face photos at {args.faces}: pass --faces FOLDER (see the faces issue for the data set)")

    engine = DlibEngine(detector=args.detector)
    paths = images_under(args.faces / "identities")
    photos = [p.read_bytes() for p in paths]
    with engine.executor(args.workers) as pool:
        results = engine.detect_many(photos, executor=pool)
    figures = accuracy(paths, results)
    print(f"identities: {figures['photos']} photos of {figures['identities']} people, no face found in "
          f"{figures['no_face_found']}; {figures['genuine_pairs']} same-person and {figures['impostor_pairs']} "
          f"different-person pairs", file=sys.stderr)
    print(f"  TMR {figures['tmr_at_fmr_1e-2']:.4f} at FMR 1% (threshold {figures['threshold_at_fmr_1e-2']:.4f}), "
          f"{figures['tmr_at_fmr_1e-3']:.4f} at FMR 0.1% (threshold {figures['threshold_at_fmr_1e-3']:.4f})",
          file=sys.stderr)
    print(f"  at SAME_FACE_THRESHOLD {SAME_FACE_THRESHOLD}: TMR {figures['tmr_at_threshold']:.4f}, "
          f"{figures['misses_at_threshold']} misses, {figures['false_matches_at_threshold']} false matches "
          f"(FMR {figures['fmr_at_threshold']:.5f}); lowest same-person {figures['lowest_genuine']:.4f}, "
          f"highest different-person {figures['highest_impostor']:.4f}; rank-1 {figures['rank1']:.4f} "
          f"over {figures['rank1_probes']} probes", file=sys.stderr)

    figures["detection"] = detection(engine, args.faces / "multi_face" / "pascal_voc", args.min_iou)
    no_face = {p.name: len(engine.detect(p.read_bytes())) for p in images_under(args.faces / "no_face")}
    figures["no_face"] = {"images": len(no_face), "faces_found": sum(no_face.values()),
                          "images_with_a_face": sorted(name for name, n in no_face.items() if n)}
    print(f"detection: {figures['detection']}; no_face: {figures['no_face']}", file=sys.stderr)

    speed_set = photos + [p.read_bytes() for p in images_under(args.faces / "multi_face")]
    rate, faces, elapsed = embedding_speed(engine, speed_set, args.workers)
    single, _, _ = embedding_speed(engine, speed_set, 1)
    figures.update(faces_per_s=round(rate, 2), faces_per_s_one_process=round(single, 2), speed_faces=faces,
                   speed_images=len(speed_set), speed_s=round(elapsed, 1), workers=args.workers)
    print(f"speed: {faces} faces in {len(speed_set)} photos, {rate:.1f} faces/s on {args.workers} processes "
          f"({single:.1f}/s on one)", file=sys.stderr)

    if not args.skip_search:
        real = np.array([r[0].embedding for r in results if r and not isinstance(r, Exception)])
        figures.update(search_latency(real, args.index_size, args.searches, args.seed))
        print(f"search: {figures['searches']} searches over {figures['search_index_size']:,} faces: "
              f"p50 {figures['search_p50_ms']} ms, p95 {figures['search_p95_ms']} ms, "
              f"recall@20 {figures['search_recall_at_20']}", file=sys.stderr)

    figures.update(detector=args.detector, engine=ENGINE, model=MODEL, machine=platform.platform(),
                   cpus=os.cpu_count(), python=platform.python_version())
    order = ["tmr_at_fmr_1e-2", "tmr_at_fmr_1e-3", "rank1", "threshold", "faces_per_s", "search_p50_ms",
             "search_p95_ms", "search_index_size"]
    print(json.dumps({**{k: figures.get(k) for k in order}, **{k: v for k, v in figures.items() if k not in order}}))


if __name__ == "__main__":
    main()
