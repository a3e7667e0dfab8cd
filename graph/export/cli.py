"""`adgraph export` and `adgraph verify`.

The export command is made by export_command(evidence, audit): where this installation keeps its
archived pages and images, and its audit log, belong to the crawler and the app (api/evidence.py
passes them in), not to graph/."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Callable, Iterable

import click
from neo4j.exceptions import DriverError, Neo4jError
from tqdm import tqdm

from graph.cli import connect, database_error, settings_from_env
from graph import stored_queries
from graph.export import package, signing, subgraph as selection
from graph.export.spool import ChangedDuringExport
from graph.export import verify as checking
from graph.export.spool import SpooledGraph

EvidenceFor = Callable[[Path], Callable[[SpooledGraph], Iterable[package.EvidenceFile]]]
AuditFor = Callable[[Path, str, dict], int]


def _default_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class _Progress:
    """One progress bar per stage on stderr (shown on a terminal only)."""

    UNITS = {"nodes": "nodes", "edges": "relationships", "formats": "files", "files": "evidence files"}

    def __init__(self):
        self.stage, self.bar = None, None

    def __call__(self, stage: str, n: int) -> None:
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = tqdm(desc=stage, unit=f" {self.UNITS.get(stage, stage)}", disable=None, leave=False)
        self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        self.stage, self.bar = None, None


def export_command(evidence: EvidenceFor, audit: AuditFor,
                   picture: Callable[[object, dict], str | None] | None = None) -> click.Command:
    """The export command, given where evidence files are, how to audit-log, and (optionally) how to
    draw the selection for report.html: picture(driver, selection description) -> HTML or None."""
    @click.command("export")
    @click.option("--network", "network_id", metavar="ID", help="Export this network (its id from the network page).")
    @click.option("--node", "refs", multiple=True, metavar="REF",
                  help="Export this node, as KIND:KEY (Ad:SITE/ID, Phone:+1…); repeat it: the shortest chains "
                       "of evidence between them come too.")
    @click.option("--query", "query_name", metavar="NAME",
                  help="Export the nodes this saved query's result names (`adgraph queries list`).")
    @click.option("--param", "query_params", multiple=True, metavar="KEY=VALUE", help="A parameter of --query; repeat it.")
    @click.option("--case", required=True, help="The case the export is for (in the report and the manifest).")
    @click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path),
                  help="The package to write (a .zip); never overwritten.")
    @click.option("--user", default=_default_user, show_default="your login name",
                  help="Who exports (recorded in the audit log, the manifest and the report).")
    def export(network_id: str | None, refs: tuple[str, ...], query_name: str | None, query_params: tuple[str, ...],
               case: str, out: Path, user: str) -> None:
        """Export a network or chosen nodes as one signed ZIP evidence package: GraphML, GEXF, CSV for
        i2/Maltego, JSON, the archived pages and images, report.html and a signed manifest.json.

        Exits 1 when evidence files could not be included (the package is written and names them)."""
        if sum(map(bool, (network_id, refs, query_name))) != 1:
            raise click.UsageError("give one of --network ID, --node REF (repeatable) or --query NAME")
        if not case.strip():
            raise click.UsageError("--case must name the case")
        if out.exists():
            raise click.ClickException(f"{out} already exists: an evidence package is never overwritten, "
                                       "choose another name")
        if not out.parent.is_dir():
            raise click.ClickException(f"{out.parent} is not a folder")
        settings = settings_from_env()
        try:
            key = signing.load_or_create_key(settings.data_dir)
        except (OSError, signing.SigningKeyError) as exc:
            raise click.ClickException(f"cannot use the signing key: {exc}") from None
        progress = _Progress()
        with connect(settings) as driver:
            try:
                if query_name:
                    chosen = _query_selection(driver, query_name, query_params)
                else:
                    chosen = selection.network(driver, network_id) if network_id else selection.nodes(driver, refs)
                entry = audit(settings.data_dir, user, {"case": case, "out": str(out.absolute()),
                                                        "interface": "cli", **chosen.description})
                result = package.build(chosen, out, case=case, user=user, key=key, audit_entry=entry,
                                       files=evidence(settings.data_dir), progress=progress,
                                       report=_report_with(picture(driver, chosen.description) if picture else None))
            except (selection.SelectionError, stored_queries.StoredQueryError, ChangedDuringExport) as exc:
                raise click.ClickException(str(exc)) from None
            except (Neo4jError, DriverError) as exc:
                raise click.ClickException(f"reading the graph failed: {database_error(exc)}") from None
            finally:
                progress.close()
        counts = result.manifest["subgraph"]["counts"]
        click.echo(f"{out}: {counts['node_total']} nodes, {counts['edge_total']} relationships, "
                   f"{len(result.manifest['files'])} files; audit-log entry {entry}; signed by key {result.fingerprint}")
        if result.missing:
            for m in result.missing:
                click.echo(f"not included: {m['name']} ({m['about']}: {m['problem']})", err=True)
            raise click.ClickException(f"{len(result.missing)} evidence files could not be included; the package "
                                       "lists them in manifest.json and report.html")

    return export


def _report_with(picture_html: str | None):
    from graph.export import report

    return lambda info: report.render(info, picture_html=picture_html)


def _query_selection(driver, name: str, pairs: tuple[str, ...]):
    """The nodes a saved query's rows name (run read-only, as `adgraph queries run` does)."""
    values = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise click.UsageError(f"--param takes KEY=VALUE, not {pair!r}")
        values[key] = value
    query = stored_queries.get(name)
    return selection.saved_query_result(driver, query, stored_queries.run(driver, query, values).rows, values)


@click.command("verify")
@click.argument("package_path", metavar="PACKAGE.zip", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--fingerprint", metavar="HEX", help="The SHA-256 fingerprint of the key the package must be signed with.")
def verify(package_path: Path, fingerprint: str | None) -> None:
    """Check an evidence package: its signature, the key's fingerprint, and every file's SHA-256 against
    the signed manifest. Exits 1 naming every file changed, added or removed."""
    report = checking.verify(package_path, fingerprint)
    for line in report.lines():
        click.echo(line)
    for m in report.missing_at_export:
        click.echo(f"note: not included when exported: {m.get('name')} ({m.get('problem')})")
    if not report.ok:
        raise click.ClickException(f"{package_path} does not verify")
    checked = (f"the expected key {report.fingerprint}" if report.expected_fingerprint
               else f"key {report.fingerprint} (not compared: pass --fingerprint to check it is the exporter's)")
    click.echo(f"{package_path} verifies: signature valid, {report.files_checked} files match the manifest, "
               f"signed by {checked}")
