"""Command-line commands of the crawler package: `adgraph extract`."""

from __future__ import annotations

import json
import sys

import click

from crawler.extract import extract as extract_text


@click.command()
@click.option("--region", default="US", show_default=True,
              help="Country whose national numbers are read (ISO 3166 code), unless a line gives its own.")
def extract(region: str) -> None:
    """Show what adgraph extracts from ad text on standard input, as JSON.

    Plain text is read as one ad. JSON Lines of {"title", "body", "region",
    "location"} give one result per line, in input order."""
    data = sys.stdin.read()
    if not data.lstrip().startswith("{"):
        click.echo(json.dumps(extract_text("", data, region), ensure_ascii=False))
        return
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            ad = json.loads(line)
            if not isinstance(ad, dict):
                raise ValueError("not a JSON object")
            title, body = str(ad.get("title") or ""), str(ad.get("body") or "")
            location = str(ad["location"]) if ad.get("location") else None
        except ValueError as exc:
            raise click.ClickException(f"line {number}: {exc}") from None
        click.echo(json.dumps(extract_text(title, body, str(ad.get("region") or region), location),
                              ensure_ascii=False))


@click.command()
@click.argument("site_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--every", "every", type=click.FloatRange(min=0.1), metavar="MINUTES",
              help="Crawl again every MINUTES (counted from each cycle's start) until stopped.")
@click.option("--max-pages", type=click.IntRange(min=1), help="Listing pages per cycle (default: the site file's limit).")
@click.option("--cycles", type=click.IntRange(min=1), help="With --every: stop after this many cycles.")
def crawl(site_file: str, every: float | None, max_pages: int | None, cycles: int | None) -> None:
    """Crawl the site described by SITE_FILE into the graph: once, or every MINUTES.

    Each cycle runs in a process of its own. Ctrl-C or SIGTERM lets the running cycle
    finish the items in flight and write them before adgraph exits; a second one stops at once."""
    from crawler.run import CrawlLoop
    from crawler.sites import SiteError, load_site

    try:
        load_site(site_file)  # say what is wrong with the file before starting anything
    except SiteError as exc:
        raise click.ClickException(str(exc)) from None
    loop = CrawlLoop(site_file, every_minutes=every, max_pages=max_pages, cycles=cycles if every else 1,
                     after_cycle=lambda result: _run_watches(lambda message: click.echo(message, err=True)))
    failed = loop.run(echo=lambda message: click.echo(message, err=True))
    if failed:
        raise SystemExit(1)


def _run_watches(echo) -> None:
    """After each cycle: every watch runs on the graph as it now is; new rows raise alerts."""
    from graph import watches
    from graph.config import load_settings
    from graph.driver import open_driver

    settings = load_settings()
    db = watches.connect(settings.data_dir)
    try:
        if not watches.all_watches(db):
            return
        with open_driver(settings) as driver:
            created = watches.run_all(db, driver, webhook=settings.webhook_url)
        for alert in created:
            echo(f"watch {alert['watch']!r}: {alert['count']} new result{'s' if alert['count'] != 1 else ''}")
    except Exception as exc:  # noqa: BLE001 — a failing watch must never stop the crawl
        echo(f"watches not run: {exc}")
    finally:
        db.close()
