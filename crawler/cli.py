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
