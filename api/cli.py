"""The `adgraph` command: one entry point that gathers every package's commands."""

from __future__ import annotations

import click

from crawler import cli as crawler_cli
from crawler.demosite.cli import demosite
from crawler.faces.cli import faces
from graph import cli as graph_cli


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="adgraph")
def main() -> None:
    """adgraph: investigative graph analytics over classified-ad sites.

    Configuration comes from NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, ADGRAPH_*
    variables and ~/.config/adgraph/config.toml (see the README)."""


main.add_command(graph_cli.db)
main.add_command(graph_cli.cypher)
main.add_command(graph_cli.ingest)
main.add_command(graph_cli.sample)
main.add_command(crawler_cli.extract)
main.add_command(crawler_cli.crawl)
main.add_command(demosite)
main.add_command(faces)
