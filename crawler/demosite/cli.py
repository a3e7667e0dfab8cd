"""`adgraph demosite`: serve the demo classifieds site in the foreground."""

from __future__ import annotations

import click

from crawler.demosite.app import create_app
from crawler.demosite.corpus import PROFILES, generate
from crawler.demosite.server import serve


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. /_admin answers loopback clients only.")
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True,
              help="Port to listen on; 0 picks a free one (the URL printed first says which).")
@click.option("--ads", type=click.IntRange(min=1), default=400, show_default=True, help="How many ads to generate.")
@click.option("--seed", type=int, default=7, show_default=True, help="Corpus seed: the same seed serves the same ads.")
@click.option("--profile", type=click.Choice(PROFILES), default="default", show_default=True,
              help="hard: the site of hard cases for network formation (stock photos, the site's phone, "
                   "agency phones, rotating burner phones; crawler/demosite/hard.py).")
@click.option("--advance-every", type=click.FloatRange(min=0, min_open=True), default=None, metavar="SECONDS",
              help="Move to the next cycle every SECONDS (otherwise: POST /_admin/advance).")
def demosite(host: str, port: int, ads: int, seed: int, profile: str, advance_every: float | None) -> None:
    """Serve the demo classifieds site (generated, fictional ads) until Ctrl-C.

    Ads appear, change and disappear as the site moves through cycles. From loopback:
    POST /_admin/advance moves to the next cycle, GET /_admin/state counts ads, and
    GET /_admin/truth.json is the ground truth (networks, phones, images) to score a crawl."""
    app = create_app(generate(ads, seed, profile))
    try:
        serve(app, host, port, advance_every=advance_every, echo=click.echo)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host} port {port}: {exc.strerror or exc}. "
                                   "Stop what uses it or pick another --port (0 picks a free one).") from None
