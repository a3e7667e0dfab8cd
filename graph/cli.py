"""Command-line commands of the graph package: `adgraph db`, `adgraph cypher`, `adgraph ingest`, `adgraph sample`."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click
import neo4j
from neo4j.exceptions import ClientError, DriverError, Neo4jError, ServiceUnavailable
from tqdm import tqdm

from graph import localdb
from graph.config import ConfigError, Settings, load_settings
from graph.driver import open_driver
from graph.ingest import DEFAULT_BATCH, BadLine, IngestStats, StrictModeError, ingest_lines, read_lines
from graph.model import apply_schema, load_model
from graph.queries import admin as q
from graph.sample import observations
from graph.values import to_json


def settings_from_env() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def connect(settings: Settings) -> neo4j.Driver:
    """A driver that is known to reach the database, or a clear error saying how to start it."""
    try:
        driver = open_driver(settings)
        driver.verify_connectivity()
        return driver
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    except ServiceUnavailable:
        hint = " (start it with `adgraph db start`)" if settings.uses_local_db else ""
        raise click.ClickException(f"cannot reach Neo4j at {settings.neo4j_uri}{hint}") from None
    except neo4j.exceptions.AuthError:
        raise click.ClickException(f"Neo4j at {settings.neo4j_uri} refused user {settings.neo4j_user!r}: "
                                   f"check NEO4J_PASSWORD or {settings.config_path}") from None
    except (Neo4jError, DriverError) as exc:
        raise click.ClickException(f"cannot use Neo4j at {settings.neo4j_uri}: {database_error(exc)}") from None


def database_error(exc: Exception) -> str:
    """One line for any driver or server error: the server's code and message when there is one."""
    if isinstance(exc, Neo4jError) and exc.code:
        return f"{exc.code}: {exc.message}"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


# ---- adgraph db -------------------------------------------------------------

@click.group()
def db() -> None:
    """Run the local Neo4j (embedded Neo4j Community from Maven Central jars)."""


@db.command()
def build() -> None:
    """Build the Neo4j launcher into the cache folder now (start does it on first use)."""
    try:
        launcher = localdb.ensure_launcher(settings_from_env(), echo=click.echo)
    except localdb.DbError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Neo4j launcher: {launcher.jar.parent}")


@db.command()
@click.option("--timeout", default=180.0, show_default=True, help="Seconds to wait for Bolt to answer.")
def start(timeout: float) -> None:
    """Start the local database in the background (building its launcher on first use) and apply the schema."""
    try:
        settings = localdb.start(settings_from_env(), timeout=timeout, echo=click.echo)
    except (ConfigError, localdb.DbError) as exc:
        raise click.ClickException(str(exc)) from None
    with connect(settings) as driver:
        created = apply_schema(driver)
    click.echo(f"Neo4j is ready at {settings.neo4j_uri} (schema: {created} constraints/indexes created)")


@db.command()
def stop() -> None:
    """Stop the local database cleanly (SIGTERM; Neo4j checkpoints its store before it exits)."""
    try:
        localdb.stop(settings_from_env(), echo=click.echo)
    except localdb.DbError as exc:
        raise click.ClickException(str(exc)) from None


@db.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def status(as_json: bool) -> None:
    """URI, version, store size and node counts. Exits 3 when the database does not answer."""
    settings = settings_from_env()
    report: dict = {"uri": settings.neo4j_uri, "running": False}
    if settings.uses_local_db:
        report["pid"] = localdb.running_pid(settings)
        report["store"] = str(settings.db_home / "data")
        report["store_size_bytes"] = localdb.store_size(settings)
    try:
        with open_driver(settings) as driver:
            driver.verify_connectivity()
            component = driver.execute_query(q.COMPONENTS, routing_=neo4j.RoutingControl.READ).records[0]
            model = load_model()
            counts = driver.execute_query(model.count_query(), routing_=neo4j.RoutingControl.READ).records
            rels = driver.execute_query(q.RELATIONSHIP_COUNT, routing_=neo4j.RoutingControl.READ).records[0]["count"]
        report.update(running=True, version=component["version"], edition=component["edition"],
                      # Neo4j 5.26 drops the zero rows of this UNION ALL of counts; the zeros are real.
                      nodes={**dict.fromkeys(model.nodes, 0), **{r["label"]: r["count"] for r in counts}},
                      relationships=rels)
    except (ConfigError, Neo4jError, DriverError, OSError) as exc:
        report["error"] = database_error(exc)
    if as_json:
        click.echo(json.dumps(report))
    else:
        click.echo(f"uri:      {report['uri']}")
        if report["running"]:
            click.echo(f"version:  Neo4j {report['version']} {report['edition']}")
        else:
            click.echo(f"running:  no ({report.get('error', 'no answer')})")
        if "store" in report:
            click.echo(f"pid:      {report['pid'] or '-'}")
            click.echo(f"store:    {report['store']} ({report['store_size_bytes'] / 1e6:.1f} MB)")
        if report["running"]:
            click.echo("nodes:    " + ", ".join(f"{k} {v:,}" for k, v in report["nodes"].items()))
            click.echo(f"relationships: {report['relationships']:,}")
    if not report["running"]:
        sys.exit(3)


# ---- adgraph cypher ----------------------------------------------------------

def parse_param(text: str) -> tuple[str, object]:
    """`key=value` gives a string; `key:=json` gives a typed value (number, list, map, true, null)."""
    eq = text.find("=")
    if eq < 0:
        raise click.BadParameter(f"{text!r}: use key=value (a string) or key:=JSON (typed)")
    if eq > 0 and text[eq - 1] == ":":
        key, raw = text[: eq - 1], text[eq + 1:]
        try:
            value: object = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise click.BadParameter(f"{text!r}: the value after := must be JSON ({exc})") from None
    else:
        key, value = text[:eq], text[eq + 1:]
    if not key.isidentifier():
        raise click.BadParameter(f"{text!r}: {key!r} is not a parameter name")
    return key, value


@click.command()
@click.argument("query")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A query parameter: key=string or key:=JSON (repeatable).")
@click.option("--write", is_flag=True, help="Allow the query to write (default: a read-only transaction).")
def cypher(query: str, params: tuple[str, ...], write: bool) -> None:
    """Run one Cypher QUERY and print its rows as JSON Lines (read-only unless --write)."""
    parameters = dict(parse_param(p) for p in params)
    settings = settings_from_env()
    mode = neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS
    with connect(settings) as driver, driver.session(default_access_mode=mode) as session:
        try:
            # An auto-commit transaction, not a retried function: rows stream out as they come (a retry
            # could print them twice), and admins can use CALL { ... } IN TRANSACTIONS.
            result = session.run(query, parameters)  # type: ignore[arg-type]  # the operator's own query
            for record in result:
                click.echo(json.dumps({k: to_json(v) for k, v in record.items()}, ensure_ascii=False))
            result.consume()
        except ClientError as exc:
            if exc.code == "Neo.ClientError.Statement.AccessMode":
                raise click.ClickException("this query writes, and cypher is read-only by default: add --write") from None
            raise click.ClickException(database_error(exc)) from None
        except (Neo4jError, DriverError) as exc:
            raise click.ClickException(database_error(exc)) from None


# ---- adgraph ingest ------------------------------------------------------------

@click.command()
@click.argument("file", type=click.File("rb"))
@click.option("--batch", default=DEFAULT_BATCH, show_default=True, type=click.IntRange(1, 100_000),
              help="Observations per write transaction.")
@click.option("--strict", is_flag=True, help="Stop at the first bad line (what came before it is kept).")
def ingest(file, batch: int, strict: bool) -> None:
    """Ingest a JSON Lines FILE of ad observations (- for standard input).

    The format is graph/observation.schema.json. Bad lines are reported with
    their line number and skipped; the good ones land."""
    settings = settings_from_env()
    started = time.monotonic()
    from graph.landing import Lander

    with connect(settings) as driver, tqdm(unit=" records", unit_scale=True, file=sys.stderr, disable=None) as bar:
        apply_schema(driver)
        lander = Lander(driver)  # every batch is linked and its networks settled as it lands

        def on_bad(bad: BadLine) -> None:
            tqdm.write(f"line {bad.line_number}: {bad.reason}", file=sys.stderr)
            bar.update(1)

        def on_batch(stats: IngestStats) -> None:
            bar.update(stats.records)

        try:
            total = ingest_lines(driver, read_lines(file), batch_size=batch, strict=strict,
                                 on_bad=on_bad, on_batch=on_batch, write=lambda rows: lander.land(rows).written)
        except StrictModeError as exc:
            raise click.ClickException(f"stopped at line {exc.bad.line_number} (--strict): {exc.bad.reason}") from None
        except (Neo4jError, DriverError) as exc:
            # Every batch written before this one is committed; ingesting the file again is safe.
            raise click.ClickException(f"ingest stopped, the database failed: {database_error(exc)}; "
                                       f"{bar.n:,} records were written; run the same command again "
                                       "to finish (ingest is idempotent)") from None
        except OSError as exc:
            raise click.ClickException(f"ingest stopped, reading {file.name} failed: {exc}") from None
        try:
            lander.finish()
        except (Neo4jError, DriverError) as exc:
            raise click.ClickException(f"every record was ingested, but judging again the identifiers its batches "
                                       f"found common failed: {database_error(exc)}; run `adgraph networks rebuild` "
                                       "(no need to ingest again)") from None
    seconds = time.monotonic() - started
    click.echo(
        f"{total.records:,} records ingested, {total.bad_lines:,} bad lines skipped; "
        f"{total.nodes_created:,} nodes and {total.relationships_created:,} relationships created; "
        f"{total.removals:,} removals ({total.removals_ignored:,} changed nothing: unknown ad, already "
        f"removed, or older than its last sighting); "
        f"{seconds:.1f}s, {total.records / seconds if seconds else 0:,.0f} records/s"
    )
    if total.bad_lines:
        sys.exit(1)


# ---- adgraph sample --------------------------------------------------------------

@click.command()
@click.option("--ads", default=200, show_default=True, type=click.IntRange(1))
@click.option("--seed", default=0, show_default=True)
@click.option("--edits", default=0.1, show_default=True, type=click.FloatRange(0, 1), help="Share of ads edited once.")
@click.option("--removals", default=0.05, show_default=True, type=click.FloatRange(0, 1), help="Share of ads deleted.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout).")
def sample(ads: int, seed: int, edits: float, removals: float, output: Path | None) -> None:
    """Write synthetic, fictional ad observations as JSON Lines (for the demo and benchmarks)."""
    out = output.open("w") if output else sys.stdout
    try:
        for record in observations(ads, seed=seed, edit_ratio=edits, removal_ratio=removals):
            out.write(json.dumps(record) + "\n")
    finally:
        if output:
            out.close()


@click.group()
def networks() -> None:
    """Networks of ads joined by shared phones, emails, handles, images and faces."""


def _ad_key(text: str) -> tuple[str, str]:
    from graph.explore import ad_key

    site, ad_id = ad_key(text)
    if not site or not ad_id:
        raise click.BadParameter(f"{text!r}: give an ad as SITE/AD_ID, e.g. demo/48123")
    return site, ad_id


@networks.command("why")
@click.argument("first")
@click.argument("second")
def networks_why(first: str, second: str) -> None:
    """The chain of shared evidence that puts ad FIRST and ad SECOND (SITE/AD_ID) in one network."""
    from graph.networks import why_linked

    with connect(settings_from_env()) as driver:
        chain = why_linked(driver, _ad_key(first), _ad_key(second))
    if chain is None:
        raise click.ClickException(f"{first} and {second} are not joined by any evidence")
    click.echo(" -> ".join(f"{step['labels'][0]} {step['key']}" for step in chain))


@networks.command("hubs")
@click.option("--min-ads", default=1, show_default=True, type=click.IntRange(min=1),
              help="List only identifiers on at least this many ads.")
def networks_hubs(min_ads: int) -> None:
    """Identifiers judged common (they join nothing), ignored or confirmed by an admin, most shared
    first, one JSON object per line with the figures that made each common: the ads it is on, the
    groups of otherwise unrelated ads it would join, its coverage of those groups, its largest
    share of one site, and the networks, sites and places its ads span."""
    from graph.networks import common_identifiers

    with connect(settings_from_env()) as driver:
        for row in common_identifiers(driver, min_ads):
            click.echo(json.dumps(row))


def _mark(identifier: str, kind: str | None, word: str, value: bool) -> None:
    from graph.networks import KINDS, mark

    kinds = [kind] if kind else list(KINDS)
    with connect(settings_from_env()) as driver:
        for each in kinds:
            result = mark(driver, each, identifier, word, value)
            if result is not None:
                break
    if result is None:
        raise click.ClickException(f"no phone, email, handle, image or face {identifier!r} in the graph")
    click.echo(f"{result['label']} {identifier}: {result['moved']} of {result['ads']} ads changed network "
               f"({result['networks_before']} networks before, {result['networks_after']} after)", err=True)


KIND_OPTION = click.option("--kind", type=click.Choice(["phone", "email", "handle", "image", "face"]),
                           help="The kind of identifier (found by its key when not given).")


@networks.command("ignore")
@click.argument("identifier")
@KIND_OPTION
@click.option("--undo", is_flag=True, help="Count it as evidence again.")
def networks_ignore(identifier: str, kind: str | None, undo: bool) -> None:
    """Mark IDENTIFIER (E.164 phone, email, platform:handle, image SHA-256 or face id) as no evidence of
    a link (a site's own number, a footer address); the networks of its ads are settled at once."""
    _mark(identifier, kind, "ignored", not undo)


@networks.command("confirm")
@click.argument("identifier")
@KIND_OPTION
@click.option("--undo", is_flag=True, help="Let its spread decide again.")
def networks_confirm(identifier: str, kind: str | None, undo: bool) -> None:
    """Mark IDENTIFIER as real evidence of a link whatever its spread ("this booking line is one
    operation"): it is never judged common; the networks of its ads are settled at once."""
    _mark(identifier, kind, "confirmed", not undo)


@networks.command("rebuild")
def networks_rebuild() -> None:
    """Recompute every ad's network and every identifier's commonness from scratch, with a progress
    bar; interrupted, it leaves the networks as they were."""
    from graph.rebuild import rebuild_networks

    with connect(settings_from_env()) as driver, tqdm(unit="ad", desc="networks", file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        done = rebuild_networks(driver, progress=progress)
    click.echo(f"{done.ads} ads in {done.networks} networks; {done.assigned} ads changed network "
               f"({done.merges} merges, {done.splits} splits); {done.common} identifiers judged common", err=True)
