"""The `adgraph` command: one entry point that gathers every package's commands."""

from __future__ import annotations

import click

from api import evidence
from crawler import cli as crawler_cli
from crawler.demosite.cli import demosite
from crawler.faces.cli import faces
from graph import cli as graph_cli
from graph.export import cli as export_cli
from graph.stored_cli import queries


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
main.add_command(graph_cli.networks)
main.add_command(crawler_cli.extract)
main.add_command(crawler_cli.crawl)
main.add_command(demosite)
main.add_command(faces)
main.add_command(evidence.export)
main.add_command(export_cli.verify)
main.add_command(queries)


@main.group()
def user() -> None:
    """Accounts of the web app."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["analyst", "admin", "auditor"]), required=True,
              help="analyst: search and explore; admin: also manage; auditor: read the audit log.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
def user_add(name: str, role: str, password_stdin: bool) -> None:
    """Create an account (the first admin too). The password is asked for, never an argument."""
    from api import accounts, store
    from graph.config import load_settings

    if password_stdin:
        password = click.get_text_stream("stdin").readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        accounts.add_user(store.connect(load_settings().data_dir), name, role, password)
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"account {name} ({role}) created", err=True)


@main.group()
def audit() -> None:
    """The audit log of everything investigators do in the app."""


@audit.command("verify")
def audit_verify() -> None:
    """Check the audit log's hash chain; exit 1 and name the first broken entry if it was tampered with."""
    from api import audit as audit_log, store
    from graph.config import load_settings

    checked, broken, why = audit_log.verify(store.connect(load_settings().data_dir))
    if broken is not None:
        raise click.ClickException(f"the audit log does not verify at entry {broken}: {why} "
                                   f"({checked} entries before it are intact)")
    click.echo(f"the audit log verifies: {checked} entries, chain intact")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
def serve(host: str, port: int, threads: int) -> None:
    """Run the web app under waitress (a production WSGI server), until Ctrl-C or SIGTERM."""
    from waitress import serve as waitress_serve

    from api import accounts, store
    from api.app import create_app
    from graph.config import load_settings

    settings = load_settings()
    if accounts.count_users(store.connect(settings.data_dir)) == 0:
        click.echo("No account yet: create the first with `adgraph user add NAME --role admin`.", err=True)
    app = create_app(settings)
    click.echo(f"adgraph at http://{host}:{port}/ (Ctrl-C stops it)", err=True)
    waitress_serve(app, host=host, port=port, threads=threads, ident="adgraph")
