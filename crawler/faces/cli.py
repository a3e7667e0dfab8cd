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
    from crawler.faces.dlib_engine import DEFAULT_THRESHOLD
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
        results = search_faces(driver, face.embedding, engine.name, engine.model, top_k, DEFAULT_THRESHOLD)
    if as_json:
        for result in results:
            click.echo(json.dumps(result, ensure_ascii=False))
        return
    click.echo(f"face {number or 1} at {face.box} in {photo.name}; {len(results)} candidates; "
               f"same-person threshold {DEFAULT_THRESHOLD} (cosine similarity)")
    for rank, result in enumerate(results, start=1):
        mark = "above" if result["above_threshold"] else "below"
        ads = ", ".join(f"{ad['site']}/{ad['site_ad_id']}" + (" (removed)" if ad["removed_at"] else "")
                        for ad in result["ads"]) or "no ad"
        click.echo(f"{rank:>3}. similarity {result['similarity']:.3f} ({mark} threshold)  seen "
                   f"{result['first_seen']} .. {result['last_seen']}  image {result['image']['sha256'][:12]}  ads: {ads}")
