"""The evidence archive keeps every page once, by its SHA-256, and never rewrites it."""

from __future__ import annotations

import gzip
import hashlib
import os
import stat

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.archive import ArchiveError, EvidenceArchive

PAGE = b"<html><h1>Ad</h1><p>call 312 555 0147</p></html>"
HEADERS = {"Content-Type": "text/html; charset=utf-8", "ETag": '"v1"'}


def test_page_is_kept_by_sha256_with_url_time_status_headers(tmp_path):
    archive = EvidenceArchive(tmp_path)
    sha = archive.store_page("http://127.0.0.1:8001/ad/7", "2026-11-28T12:00:00.000001Z", 200, HEADERS, PAGE)
    assert sha == hashlib.sha256(PAGE).hexdigest()
    page = archive.read_page(sha)
    assert (page.url, page.fetched_at, page.status, page.body) == (
        "http://127.0.0.1:8001/ad/7", "2026-11-28T12:00:00.000001Z", 200, PAGE)
    assert ("ETag", '"v1"') in page.headers
    path = archive.page_path(sha)
    assert path.name == f"{sha}.warc.gz" and not stat.S_IMODE(os.stat(path).st_mode) & 0o222
    with path.open("rb") as stream:  # a standard WARC, readable by any WARC tool, digests checked
        records = list((r.rec_type, r.rec_headers.get_header("WARC-Payload-Digest"))
                       for r in ArchiveIterator(stream, check_digests=True))
    assert records == [("response", f"sha256:{sha}")]


def test_same_bytes_again_are_not_rewritten(tmp_path):
    archive = EvidenceArchive(tmp_path)
    sha = archive.store_page("http://x.example/ad/1", "2026-11-28T12:00:00Z", 200, HEADERS, PAGE)
    before = archive.page_path(sha).stat()
    assert archive.store_page("http://x.example/ad/1?again", "2026-11-29T12:00:00Z", 200, {}, PAGE) == sha
    after = archive.page_path(sha).stat()
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)
    assert archive.read_page(sha).fetched_at == "2026-11-28T12:00:00Z"  # the first fetch is the one kept
    assert [p.name for p in (tmp_path / "pages").rglob("*") if p.is_file()] == [f"{sha}.warc.gz"]


def test_altered_page_is_detected(tmp_path):
    archive = EvidenceArchive(tmp_path)
    sha = archive.store_page("http://x.example/ad/1", "2026-11-28T12:00:00Z", 200, HEADERS, PAGE)
    path = archive.page_path(sha)
    raw = gzip.decompress(path.read_bytes()).replace(b"555 0147", b"555 0148")
    os.chmod(path, 0o644)
    path.write_bytes(gzip.compress(raw))
    with pytest.raises(ArchiveError, match="altered"):
        archive.read_page(sha)
    with pytest.raises(ArchiveError, match="no archived page"):
        archive.read_page("0" * 64)


def test_fetch_log_records_every_fetch_and_is_sealed(tmp_path):
    archive = EvidenceArchive(tmp_path)
    sha = archive.store_page("http://x.example/ad/1", "2026-11-28T12:00:00Z", 200, HEADERS, PAGE)
    log = archive.fetch_log("demo", "20261128T120000Z")
    log.revisit("http://x.example/ad/1", "2026-11-28T12:00:00Z", 200, HEADERS, sha)
    log.response("http://x.example/ad/2", "2026-11-28T12:00:01Z", 410, {"Content-Type": "text/html"}, b"gone")
    log.response("http://x.example/ad/3", "2026-11-28T12:00:02Z", 304, {"ETag": '"v3"'}, b"")
    log.close()
    with log.path.open("rb") as stream:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.http_headers.get_statuscode(),
                    r.rec_headers.get_header("WARC-Date")) for r in ArchiveIterator(stream)]
    assert records == [("revisit", "http://x.example/ad/1", "200", "2026-11-28T12:00:00Z"),
                       ("response", "http://x.example/ad/2", "410", "2026-11-28T12:00:01Z"),
                       ("response", "http://x.example/ad/3", "304", "2026-11-28T12:00:02Z")]
    assert not stat.S_IMODE(os.stat(log.path).st_mode) & 0o222
    with pytest.raises(FileExistsError):  # a cycle's log is never reopened for writing
        archive.fetch_log("demo", "20261128T120000Z")
