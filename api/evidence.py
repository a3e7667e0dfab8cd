"""Where this installation keeps evidence, for the export (graph/export knows nothing of it):
archived pages in the crawler's WARC archive (<data>/evidence, crawler/archive.py), image bytes
under the path each Image node records, relative to <data> (images/ab/<sha256>.<ext>), and the
audit log the export is recorded in."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from crawler.archive import EvidenceArchive
from graph.export.cli import export_command
from graph.export.package import EvidenceFile, EvidenceUnavailable, archived_evidence
from graph.export.spool import SpooledGraph


def evidence_files(data_dir: Path) -> Callable[[SpooledGraph], Iterable[EvidenceFile]]:
    """For package.build(files=...): the archived page of every version and the bytes of every image."""
    data_dir = Path(data_dir)
    archive = EvidenceArchive(data_dir / "evidence")  # crawler/cycle.py: Cycle.evidence_dir
    images = (data_dir / "images").resolve()

    def page(raw_sha256: str):
        def open_page():
            try:
                archive.read_page(raw_sha256)  # the archived payload still hashes to raw_sha256
            except Exception as exc:  # missing, altered, or not a readable WARC: all are reported
                raise EvidenceUnavailable(str(exc)) from None
            return archive.page_path(raw_sha256).open("rb")
        return open_page

    def image(sha256: str, path: str | None):
        if not path:
            return None
        found = (data_dir / path).resolve()
        return found if found.is_relative_to(images) else None  # never outside the image store

    return lambda graph: archived_evidence(graph, page, image)


def record_export(data_dir: Path, user: str, params: dict) -> int:
    """The audit-log entry of an export (before it is written: the package carries the entry's id)."""
    from api import audit, store

    return audit.record(store.connect(data_dir), user, "export", params)


def picture(driver, description: dict) -> str | None:
    """The still picture of an exported network for its report (viz/svg.py); other selections are
    described in the report by their nodes and chains."""
    if description.get("selection") != "network":
        return None
    from graph.explore import network_graph
    from viz.svg import svg

    return svg(network_graph(driver, description["network_id"]))


export = export_command(evidence_files, record_export, picture)
