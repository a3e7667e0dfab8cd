"""One evidence package: a ZIP file, streamed to disk, that stands on its own in court.

    README.txt                     what the package is and how to check it
    report.html                    for people: what was exported, for which case, by whom, when
    graph.graphml, graph.gexf      the subgraph for yEd / Gephi / networkx
    nodes.csv, edges.csv           the same for i2 Analyst's Notebook and Maltego
    graph.json                     the same, exact
    pages/ab/<sha256>.warc.gz      the archived raw page of every ad version (WARC, as archived)
    images/ab/<sha256>.<ext>       the original bytes of every image
    public_key.pem                 the installation's Ed25519 public key
    public_key.fingerprint         its fingerprint: SHA-256 of the raw public key, hex
    manifest.json                  every file above with its SHA-256 and size, the tool version,
                                   case, user, time, audit-log entry and the selection
    manifest.sig                   Ed25519 signature of manifest.json (64 raw bytes)

Evidence files (pages, images, anything else) come from the caller as EvidenceFile entries, each
with where to read it and the SHA-256 its bytes must have (or an opener that checks them itself):
graph/ does not know where the crawler keeps them. A file that is missing, unreadable or whose
bytes no longer match is not put in the package; it is listed under "missing" in the manifest and
in the report, and returned, so the caller can say so.

Nothing is held whole in memory: the subgraph is read once into a spool on disk (spool.py), each
format streams from it into its ZIP entry, each evidence file is copied through a temporary file
(checked before it goes in). The package is written under a temporary name and renamed at the end."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Callable, Iterable, Iterator

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from graph.export import csv as csv_format, gexf, graphml, json as json_format, report as report_html
from graph.export.signing import fingerprint, public_pem
from graph.export.spool import SpooledGraph
from graph.export.subgraph import Subgraph

FORMAT = "adgraph-evidence-package/1"
FORMATS = (graphml, gexf, csv_format, json_format)  # each: OUTPUTS = {file name: write(graph, out)}
MANIFEST, SIGNATURE = "manifest.json", "manifest.sig"
PUBLIC_KEY, FINGERPRINT = "public_key.pem", "public_key.fingerprint"
REPORT, README = "report.html", "README.txt"
_CHUNK = 1 << 20

Source = str | os.PathLike | bytes | Callable[[], BinaryIO] | None


class EvidenceUnavailable(Exception):
    """Raised by an opener: the evidence file is missing, or its content fails its own check."""


@dataclass(frozen=True)
class EvidenceFile:
    name: str  # its path in the package
    source: Source  # a file, bytes, or an opener returning a binary stream; None: nowhere to be found
    sha256: str | None = None  # what its bytes must hash to; None when the opener checks them
    about: str = ""  # what it is the evidence of, for the report of what is missing


@dataclass
class BuildResult:
    path: Path
    fingerprint: str
    manifest: dict
    missing: list[dict] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing


def page_name(raw_sha256: str) -> str:
    return f"pages/{raw_sha256[:2]}/{raw_sha256}.warc.gz"


def image_name(sha256: str, suffix: str) -> str:
    return f"images/{sha256[:2]}/{sha256}{suffix}"


def archived_evidence(graph: SpooledGraph, page: Callable[[str], Source],
                      image: Callable[[str, str | None], Source]) -> Iterator[EvidenceFile]:
    """The archived page of every ad version and the stored bytes of every image in the graph:
    page(raw_sha256) and image(sha256, stored path) say where each is (the opener of a page checks
    the archived payload against raw_sha256 itself; an image's bytes must hash to its sha256)."""
    for node in graph.nodes():
        if node.kind == "AdVersion":
            raw = node.properties.get("raw_sha256")
            if raw:
                yield EvidenceFile(page_name(raw), page(raw), None, f"raw page of {node.id}")
            else:
                yield EvidenceFile(node.id, None, None, "the version records no archived page")
        elif node.kind == "Image":
            path = node.properties.get("path")
            suffix = PurePosixPath(path).suffix if path else ""
            yield EvidenceFile(image_name(node.key, suffix), image(node.key, path), node.key, node.id)


def tool_version() -> str:
    try:
        return metadata.version("adgraph")
    except metadata.PackageNotFoundError:
        return "unknown"


class _Sink(io.RawIOBase):
    """Counts and hashes what passes, and writes it on in large chunks."""

    def __init__(self, out: BinaryIO):
        self.out = out
        self.sha = hashlib.sha256()
        self.size = 0
        self._buf = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        self.sha.update(b)
        self.size += len(b)
        self._buf += b
        if len(self._buf) >= _CHUNK:
            self.flush()
        return len(b)

    def flush(self) -> None:
        if self._buf:
            self.out.write(self._buf)
            self._buf.clear()


class _Package:
    def __init__(self, zf: zipfile.ZipFile, date_time: tuple, work: Path):
        self.zf = zf
        self.date_time = date_time
        self.work = work
        self.files: dict[str, dict] = {}  # name -> {sha256, size}

    def _info(self, name: str, compress: bool) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, self.date_time)
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info.external_attr = (0o100444 << 16)  # a regular file, read-only
        return info

    def stream(self, name: str, write: Callable[[BinaryIO], None], compress: bool = True,
               size: int | None = None) -> None:
        """A new entry written by write(out); Zip64 unless its size is known to be small."""
        info = self._info(name, compress)
        if size is not None:
            info.file_size = size
        with self.zf.open(info, "w", force_zip64=size is None) as entry:
            sink = _Sink(entry)
            write(sink)
            sink.flush()
        self.files[name] = {"sha256": sink.sha.hexdigest(), "size": sink.size}

    def add_bytes(self, name: str, data: bytes, compress: bool = True) -> None:
        self.stream(name, lambda out: out.write(data), compress, len(data))

    def add_evidence(self, ef: EvidenceFile) -> str | None:
        """Copy one evidence file in after checking it; why not, when it cannot be."""
        if ef.name in self.files:
            return None  # content-addressed: the same name is the same file
        if ef.source is None:
            return "not found"
        tmp = self.work / "evidence.tmp"
        try:
            with _open(ef.source) as src, tmp.open("wb") as out:
                sha = hashlib.sha256()
                while chunk := src.read(_CHUNK):
                    sha.update(chunk)
                    out.write(chunk)
        except FileNotFoundError as exc:
            return f"missing: {exc.filename or exc}"
        except (OSError, EvidenceUnavailable) as exc:
            return f"unreadable: {exc}"
        if ef.sha256 is not None and sha.hexdigest() != ef.sha256.lower():
            return f"altered: its bytes hash to {sha.hexdigest()}, not {ef.sha256}"
        compress = not ef.name.endswith((".gz", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".zip"))
        with tmp.open("rb") as src:
            self.stream(ef.name, lambda out: shutil.copyfileobj(src, out, _CHUNK), compress, tmp.stat().st_size)
        return None


def _open(source: Source) -> BinaryIO:
    if isinstance(source, (str, os.PathLike)):
        return open(source, "rb")
    if isinstance(source, (bytes, bytearray)):
        return io.BytesIO(source)
    return source()


def build(subgraph: Subgraph, out: Path, *, case: str, user: str, key: Ed25519PrivateKey,
          files: Iterable[EvidenceFile] | Callable[[SpooledGraph], Iterable[EvidenceFile]] = (),
          audit_entry: int | None = None,
          report: Callable[[report_html.ReportInfo], bytes] = report_html.render,
          created_at: datetime | None = None,
          progress: Callable[[str, int], None] = lambda stage, n: None) -> BuildResult:
    """Write the package for this subgraph to `out` (never replacing a file there: FileExistsError)
    and return what went in, with the evidence files that could not (BuildResult.missing)."""
    out = Path(out)
    created = (created_at or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    public = key.public_key()
    fp = fingerprint(public)
    work = Path(tempfile.mkdtemp(prefix=".adgraph-export-", dir=out.parent))
    tmp_zip = work / "package.zip"
    try:
        with SpooledGraph(subgraph, work, progress) as graph, \
                zipfile.ZipFile(tmp_zip, "w", allowZip64=True) as zf:
            package = _Package(zf, created.timetuple()[:6], work)
            for module in FORMATS:
                for name, write in module.OUTPUTS.items():
                    package.stream(name, lambda sink, write=write: write(graph, sink))
                    progress("formats", 1)
            missing = []
            for ef in (files(graph) if callable(files) else files):
                why = package.add_evidence(ef)
                if why:
                    missing.append({"name": ef.name, "about": ef.about, "problem": why})
                progress("files", 1)
            missing.sort(key=lambda m: m["name"])
            tool = {"name": "adgraph", "version": tool_version()}
            description = {**graph.description, "counts": graph.counts}
            info = report_html.ReportInfo(
                case=case, user=user, created_at=created.isoformat(), tool=tool, audit_entry=audit_entry,
                description=graph.description, counts=graph.counts, files=_folders(package.files),
                problems=[{"name": m["name"], "problem": f"{m['about']}: {m['problem']}"} for m in missing],
                key_fingerprint=fp)
            package.add_bytes(REPORT, report(info))
            package.add_bytes(README, _readme(fp).encode("utf-8"))
            package.add_bytes(PUBLIC_KEY, public_pem(public))
            package.add_bytes(FINGERPRINT, (fp + "\n").encode("ascii"))
            manifest = {
                "format": FORMAT, "tool": tool, "case": case, "exported_by": user,
                "created_at": created.isoformat(), "audit_entry": audit_entry, "key_fingerprint": fp,
                "subgraph": description, "missing": missing,
                "files": [{"name": name, **facts} for name, facts in sorted(package.files.items())],
            }
            data = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8") + b"\n"
            package.add_bytes(MANIFEST, data)
            package.add_bytes(SIGNATURE, key.sign(data), compress=False)
        os.link(tmp_zip, out)  # fails if `out` exists: a package once written is never replaced
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return BuildResult(out, fp, manifest, missing)


def _folders(files: dict[str, dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name in files:
        top = name.split("/", 1)[0] + "/" if "/" in name else name
        counts[top] = counts.get(top, 0) + 1
    return counts


def _readme(fp: str) -> str:
    return f"""adgraph evidence package ({FORMAT})

report.html says what this package holds: the selection, the case, who exported it and when.
manifest.json lists every other file with its SHA-256 and size; manifest.sig is the Ed25519
signature of manifest.json by the key in public_key.pem, whose fingerprint (SHA-256 of the raw
32-byte public key) is

    {fp}

To check the package: adgraph verify PACKAGE.zip --fingerprint {fp}
or, without adgraph:
    openssl pkeyutl -verify -pubin -inkey public_key.pem -rawin -in manifest.json -sigfile manifest.sig
and sha256sum each file against manifest.json.

graph.graphml (yEd, Gephi, networkx), graph.gexf (Gephi), nodes.csv and edges.csv (i2 Analyst's
Notebook, Maltego) and graph.json (exact) hold the same subgraph. pages/ holds the archived raw page
of every ad version as a WARC record (its payload hashes to the version's raw_sha256); images/ holds
the original bytes of every image, named by their SHA-256.
"""
