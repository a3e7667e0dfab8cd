"""The evidence archive: every fetched ad page kept as a WARC record, content-addressed by the
SHA-256 of its payload, never rewritten.

    <root>/pages/ab/<sha256>.warc.gz    the response (URL, fetch time, status, headers, bytes)
                                        the first time these exact bytes were fetched
    <root>/fetches/<site>/<cycle>.warc.gz
                                        one record per fetch in a crawl cycle: a revisit record
                                        pointing at the page by digest, or the whole response
                                        when it carried no page (304, 404, 410)

Pages are written once and never replaced (crawler.files.write_once); a cycle's fetch log is
appended to while the cycle runs and made read-only when it ends."""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.files import write_once

PROFILE_IDENTICAL_PAYLOAD = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
_REASONS = {200: "OK", 304: "Not Modified", 404: "Not Found", 410: "Gone"}


@dataclass(frozen=True)
class ArchivedPage:
    sha256: str
    url: str
    fetched_at: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes


class ArchiveError(Exception):
    """A page missing from the archive, or whose bytes no longer match their hash."""


def _digest(sha256: str) -> str:
    return f"sha256:{sha256}"


def _record(writer: WARCWriter, url: str, fetched_at: str, status: int, headers: dict[str, str],
            body: bytes, sha256: str):
    http = StatusAndHeaders(f"{status} {_REASONS.get(status, 'Status')}", list(headers.items()),
                            protocol="HTTP/1.1")
    # warcio would label the payload with SHA-1; the archive is addressed by SHA-256, so say that one.
    return writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
                                     warc_headers_dict={"WARC-Date": fetched_at, "WARC-Payload-Digest": _digest(sha256)})


class EvidenceArchive:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def page_path(self, sha256: str) -> Path:
        return self.root / "pages" / sha256[:2] / f"{sha256}.warc.gz"

    def store_page(self, url: str, fetched_at: str, status: int, headers: dict[str, str], body: bytes) -> str:
        """Keep the page unless these exact bytes are already kept; return their SHA-256."""
        sha256 = hashlib.sha256(body).hexdigest()
        path = self.page_path(sha256)
        if not path.exists():
            record = io.BytesIO()
            writer = WARCWriter(record, gzip=True)
            writer.write_record(_record(writer, url, fetched_at, status, headers, body, sha256))
            write_once(path, record.getvalue())
        return sha256

    def read_page(self, sha256: str) -> ArchivedPage:
        """The kept page, after checking its bytes still hash to sha256."""
        path = self.page_path(sha256)
        try:
            stream = path.open("rb")
        except FileNotFoundError:
            raise ArchiveError(f"no archived page {sha256}") from None
        with stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "response":
                    continue
                body = record.content_stream().read()
                if hashlib.sha256(body).hexdigest() != sha256:
                    raise ArchiveError(f"archived page {sha256} does not match its hash: it was altered")
                return ArchivedPage(sha256, record.rec_headers.get_header("WARC-Target-URI"),
                                    record.rec_headers.get_header("WARC-Date"),
                                    int(record.http_headers.get_statuscode()), record.http_headers.headers, body)
        raise ArchiveError(f"archived page {sha256} holds no response record")

    def fetch_log(self, site: str, cycle: str) -> "FetchLog":
        return FetchLog(self.root / "fetches" / site / f"{cycle}.warc.gz")


class FetchLog:
    """Every fetch of one crawl cycle, appended as it happens; read-only once closed."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        # "x": a cycle's log is created once; a second writer for the same cycle is a bug.
        self._out = path.open("xb")
        self._writer = WARCWriter(self._out, gzip=True)

    def revisit(self, url: str, fetched_at: str, status: int, headers: dict[str, str], sha256: str) -> None:
        http = StatusAndHeaders(f"{status} {_REASONS.get(status, 'Status')}", list(headers.items()),
                                protocol="HTTP/1.1")
        record = self._writer.create_revisit_record(url, _digest(sha256), url, fetched_at, http_headers=http)
        record.rec_headers.replace_header("WARC-Date", fetched_at)
        record.rec_headers.replace_header("WARC-Profile", PROFILE_IDENTICAL_PAYLOAD)
        self._writer.write_record(record)

    def response(self, url: str, fetched_at: str, status: int, headers: dict[str, str], body: bytes) -> None:
        sha256 = hashlib.sha256(body).hexdigest()
        self._writer.write_record(_record(self._writer, url, fetched_at, status, headers, body, sha256))

    def close(self) -> None:
        if not self._out.closed:
            self._out.flush()
            os.fsync(self._out.fileno())
            self._out.close()
            os.chmod(self.path, 0o444)
