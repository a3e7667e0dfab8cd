"""`adgraph queries`: the saved pattern queries from the command line, for scripts and scheduled jobs.

Exit codes: 0 done, 2 unknown query or bad parameters, 3 refused (a write, LOAD CSV, a procedure
not allowed) or stopped at its time limit, 1 anything else (the database unreachable, a Cypher
error). Messages go to standard error; standard output has only results.
"""

from __future__ import annotations

import csv
import json
import sys

import click

from graph import stored_queries as sq
from graph.cli import connect, parse_param, settings_from_env

EXIT_BAD_INPUT = 2
EXIT_REFUSED = 3


def _fail(message: str, code: int) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def _library() -> dict[str, sq.StoredQuery]:
    try:
        return sq.library()
    except sq.QueryDefinitionError as exc:  # a broken shipped file: the message names it
        raise click.ClickException(str(exc)) from None


@click.group()
def queries() -> None:
    """Saved pattern queries: named, documented, parameterized, always read-only."""


@queries.command("list")
def list_queries() -> None:
    """Print every saved query as one JSON object per line: name, title, description,
    parameters (type, description, required, default) and result columns."""
    for query in _library().values():
        click.echo(json.dumps(query.to_dict(cypher=False), ensure_ascii=False))


@queries.command("run")
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter (repeatable): key=value, read by the parameter's type (a,b,c for a list); "
                   "key:=JSON also works.")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True,
              help="json: one JSON object per row (JSON Lines); csv: a header, then one line per row "
                   "(lists and maps as JSON).")
@click.option("--limit", default=sq.ROW_LIMIT, show_default=True, type=click.IntRange(1, 1_000_000),
              help="The most rows to print; a note on standard error says when more matched.")
@click.option("--timeout", default=sq.TIMEOUT_S, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Seconds the query may run before the database stops it.")
def run_query(name: str, params: tuple[str, ...], fmt: str, limit: int, timeout: float) -> None:
    """Run the saved query NAME (read-only) and print its rows."""
    try:
        query = sq.get(name, _library())
        values = dict(parse_param(p) for p in params)
        query.bind(values)  # parameters are checked before the database is contacted
    except click.BadParameter as exc:
        _fail(exc.format_message(), EXIT_BAD_INPUT)
    except (sq.UnknownQuery, sq.ParameterError) as exc:
        _fail(str(exc), EXIT_BAD_INPUT)
    with connect(settings_from_env()) as driver:
        try:
            result = sq.run(driver, query, values, row_limit=limit, timeout_s=timeout)
        except (sq.QueryRefused, sq.QueryTimeout) as exc:
            _fail(str(exc), EXIT_REFUSED)
        except sq.StoredQueryError as exc:
            raise click.ClickException(str(exc)) from None
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(result.columns)
        writer.writerows([_cell(row[c]) for c in result.columns] for row in result.rows)
    else:
        for row in result.rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    more = f"; more matched: these are the first {limit} (raise --limit)" if result.truncated else ""
    click.echo(f"{len(result.rows)} rows in {result.elapsed_ms} ms{more}", err=True)


def _cell(value) -> str:
    """A CSV cell: text as it is, nothing for null, everything else as JSON (true, 3, [..], {..})."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
