"""`adgraph faces search`: FaceSearch a photo against every face in the graph."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.group()
def faces() -> None:
    """Faces found in ad images (engine: ADGRAPH_FACE_ENGINE, dlib by default, offline)."""


@faces.command()
@click.argument("photo", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--top", "top_k", default=20, show_default=True, type=click.IntRange(1, 1000),
              help="How many candidate faces to show.")
@click.option("--face", "number", type=click.IntRange(min=1),
              help="Which face to search for when the photo shows several (1 = the largest).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per candidate, best first.")
def search(photo: Path, top_k: int, number: int | None, as_json: bool) -> None:
    """Where has the face in PHOTO been advertised? Candidates ranked by similarity.

    A candidate is a lead, not an identification: each shows its similarity and the
    threshold above which adgraph links two faces as the same person."""
    from graph.faces import SAME_FACE_THRESHOLD
    from crawler.faces.engine import FaceInputError, choose_face, load_engine
    from graph.config import load_settings
    from graph.driver import open_driver
    from graph.faces import search_faces

    settings = load_settings()
    if settings.face_engine != "dlib":
        # Rekognition searches its own collection (crawler.faces.rekognition); the CLI speaks for the offline engine.
        raise click.ClickException(f"face search from the command line needs the dlib engine "
                                   f"(ADGRAPH_FACE_ENGINE is {settings.face_engine!r})")
    engine = load_engine("dlib")
    try:
        face = choose_face(engine.detect(photo.read_bytes()), number)
    except FaceInputError as exc:
        raise click.ClickException(f"{photo.name}: {exc}") from None
    with open_driver(settings) as driver:
        results = search_faces(driver, face.embedding, engine.name, engine.model, top_k, SAME_FACE_THRESHOLD)
    if as_json:
        for result in results:
            click.echo(json.dumps(result, ensure_ascii=False))
        return
    click.echo(f"face {number or 1} at {face.box} in {photo.name}; {len(results)} candidates; "
               f"same-person threshold {SAME_FACE_THRESHOLD} (cosine similarity)")
    for rank, result in enumerate(results, start=1):
        mark = "above" if result["above_threshold"] else "below"
        ads = ", ".join(f"{ad['site']}/{ad['site_ad_id']}" + (" (removed)" if ad["removed_at"] else "")
                        + (f" network {ad['network_id']}" if ad.get("network_id") else "")
                        for ad in result["ads"]) or "no ad"
        click.echo(f"{rank:>3}. similarity {result['similarity']:.3f} ({mark} threshold)  seen "
                   f"{result['first_seen']} .. {result['last_seen']}  image {result['image']['sha256'][:12]}  ads: {ads}")


@faces.command()
@click.option("--batch", default=32, show_default=True, type=click.IntRange(1, 1000),
              help="Images looked at between two writes to the graph.")
def index(batch: int) -> None:
    """Find the faces in every stored image not looked at yet (a backlog, or images crawled with
    faces off), link the same faces, with a progress bar. Stopped, it resumes where it was: each
    image looked at is recorded in <data>/faces/indexed-<engine>.txt."""
    from crawler.faces.dlib_engine import DlibEngine
    from crawler.faces.engine import FaceInputError, keep_thumbnails
    from crawler.faces.ledger import LookedAt
    from crawler.observations import utc_now
    from graph.config import load_settings
    from graph.driver import open_driver
    from graph.faces import add_faces, images_on_disk
    from graph.landing import Lander
    from neo4j.exceptions import DriverError, Neo4jError
    from tqdm import tqdm

    settings = load_settings()
    if settings.face_engine != "dlib":
        raise click.ClickException(f"indexing from the command line needs the dlib engine "
                                   f"(ADGRAPH_FACE_ENGINE is {settings.face_engine!r})")
    engine = DlibEngine()
    ledger = LookedAt(settings.data_dir, engine.name)
    done = ledger.read()
    found_total = linked = missing = 0
    with open_driver(settings) as driver:
        lander = Lander(driver)
        todo = [(sha, path) for sha, path in images_on_disk(driver) if sha not in done]
        if not todo:
            click.echo("every stored image has been looked at", err=True)
            return
        pool = engine.executor(2)
        try:
            with tqdm(total=len(todo), unit="image", desc="faces") as bar:
                for start in range(0, len(todo), batch):
                    chunk = [(sha, settings.data_dir / path) for sha, path in todo[start:start + batch]]
                    present = [(sha, path) for sha, path in chunk if path.exists()]
                    missing += len(chunk) - len(present)
                    datas = [path.read_bytes() for _, path in present]
                    results = engine.detect_many(datas, executor=pool)
                    faces = []
                    for (sha, _), data, result in zip(present, datas, results, strict=True):
                        if isinstance(result, FaceInputError):
                            continue
                        found = [face.observation(sha) for face in result]
                        keep_thumbnails(settings.data_dir / "faces", data, found)
                        faces += found
                    add_faces(driver, faces, utc_now())
                    linked += lander.faces_added(faces)[0]  # the same faces, and the networks they join
                    found_total += len(faces)
                    ledger.add(sha for sha, _ in chunk)
                    bar.update(len(chunk))
                    bar.set_postfix(faces=found_total)
            try:
                lander.finish()
            except (Neo4jError, DriverError) as exc:
                raise click.ClickException(f"every image was looked at, but judging again the identifiers found "
                                           f"common failed: {exc}; run `adgraph networks rebuild`") from None
        finally:
            pool.shutdown(cancel_futures=True)
    click.echo(f"{len(todo)} images looked at, {found_total} faces found, {linked} SAME_FACE links made"
               + (f", {missing} image files missing from {settings.data_dir}" if missing else ""), err=True)
