"""Checking an evidence package with nothing but the package (and, best, the key's fingerprint).

verify(path, expected_fingerprint) checks, and reports everything it finds rather than stopping at
the first problem:
  - the ZIP can be read, and no name occurs twice in it (a second entry could shadow the first);
  - manifest.json, manifest.sig and public_key.pem are there, the key is Ed25519, and the signature
    over the exact bytes of manifest.json is valid under it;
  - the key's fingerprint (SHA-256 of the raw public key) is the expected one, when given, and is the
    one the manifest and public_key.fingerprint name;
  - every file the manifest lists is there (else: removed), with the same SHA-256 and size (else:
    changed; a file whose compressed bytes were damaged counts as changed), and nothing is there that
    the manifest does not list (else: added).
Without an expected fingerprint a valid signature only shows the package is as its signer made it:
compare the fingerprint with the one the exporting installation publishes."""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from graph.export.package import FINGERPRINT, MANIFEST, PUBLIC_KEY, SIGNATURE
from graph.export.signing import fingerprint, load_public, signature_valid

_CHUNK = 1 << 20


@dataclass
class VerifyReport:
    path: Path
    signature_valid: bool = False
    fingerprint: str | None = None  # of the public key in the package
    expected_fingerprint: str | None = None
    files_checked: int = 0
    changed: list[tuple[str, str]] = field(default_factory=list)  # (name, how)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # the package as a whole: signature, key, manifest
    manifest: dict | None = None

    @property
    def fingerprint_ok(self) -> bool:
        return self.expected_fingerprint is None or self.fingerprint == self.expected_fingerprint

    @property
    def ok(self) -> bool:
        return (self.signature_valid and self.fingerprint_ok and not self.errors
                and not self.changed and not self.added and not self.removed)

    @property
    def missing_at_export(self) -> list[dict]:
        """Evidence the package says could not be included when it was made (not a tampering sign)."""
        return list((self.manifest or {}).get("missing") or [])

    def lines(self) -> list[str]:
        out = list(self.errors)
        out += [f"changed: {name} ({how})" for name, how in self.changed]
        out += [f"added: {name} (not in the manifest)" for name in self.added]
        out += [f"removed: {name} (in the manifest, not in the package)" for name in self.removed]
        return out


def normalize_fingerprint(text: str) -> str:
    return "".join(c for c in text.lower() if c in "0123456789abcdef")


def verify(path: str | Path, expected_fingerprint: str | None = None) -> VerifyReport:
    path = Path(path)
    report = VerifyReport(path, expected_fingerprint=normalize_fingerprint(expected_fingerprint)
                          if expected_fingerprint else None)
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        report.errors.append(f"not a readable ZIP file: {exc}")
        return report
    with zf:
        names = [info.filename for info in zf.infolist()]
        for name, n in sorted(Counter(names).items()):
            if n > 1:
                report.errors.append(f"{name} occurs {n} times in the ZIP (one may hide another)")
        present = set(names)
        _check_signature(zf, present, report)
        manifest = report.manifest
        if manifest is None:
            return report
        listed = {}
        for entry in manifest.get("files") or []:
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                listed[entry["name"]] = entry
        for name in sorted(listed):
            if name not in present:
                report.removed.append(name)
                continue
            report.files_checked += 1
            how = _compare(zf, name, listed[name])
            if how:
                report.changed.append((name, how))
        report.added = sorted(present - set(listed) - {MANIFEST, SIGNATURE})
    if report.expected_fingerprint and report.fingerprint and not report.fingerprint_ok:
        report.errors.append(f"the package is signed with key {report.fingerprint}, not the expected "
                             f"{report.expected_fingerprint}")
    return report


def _read(zf: zipfile.ZipFile, name: str, present: set[str], report: VerifyReport) -> bytes | None:
    if name not in present:
        report.errors.append(f"{name} is missing")
        return None
    try:
        return zf.read(name)
    except (zipfile.BadZipFile, zlib.error, OSError) as exc:
        report.errors.append(f"{name} cannot be read: {exc}")
        return None


def _check_signature(zf: zipfile.ZipFile, present: set[str], report: VerifyReport) -> None:
    data = _read(zf, MANIFEST, present, report)
    signature = _read(zf, SIGNATURE, present, report)
    pem = _read(zf, PUBLIC_KEY, present, report)
    if data is not None:
        try:
            manifest = json.loads(data)
            if not isinstance(manifest, dict):
                raise ValueError("not a JSON object")
            report.manifest = manifest
        except ValueError as exc:
            report.errors.append(f"{MANIFEST} is not a manifest: {exc}")
    if pem is None:
        return
    try:
        public = load_public(pem)
    except ValueError as exc:
        report.errors.append(f"{PUBLIC_KEY} is not a usable key: {exc}")
        return
    report.fingerprint = fingerprint(public)
    if data is not None and signature is not None:
        report.signature_valid = signature_valid(public, signature, data)
        if not report.signature_valid:
            report.errors.append(f"the signature does not match {MANIFEST}: the manifest was altered or "
                                 "signed with another key")
    if report.manifest is not None and report.manifest.get("key_fingerprint") != report.fingerprint:
        report.errors.append(f"{MANIFEST} names key {report.manifest.get('key_fingerprint')}, "
                             f"but {PUBLIC_KEY} is {report.fingerprint}")
    if FINGERPRINT in present:
        stated = _read(zf, FINGERPRINT, present, report)
        if stated is not None and normalize_fingerprint(stated.decode("ascii", "replace")) != report.fingerprint:
            report.errors.append(f"{FINGERPRINT} does not name the key in {PUBLIC_KEY}")


def _compare(zf: zipfile.ZipFile, name: str, entry: dict) -> str | None:
    sha = hashlib.sha256()
    size = 0
    try:
        with zf.open(name) as stream:
            while chunk := stream.read(_CHUNK):
                sha.update(chunk)
                size += len(chunk)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        return f"its stored bytes are damaged: {exc}"
    if sha.hexdigest() != entry.get("sha256"):
        return f"SHA-256 {sha.hexdigest()}, the manifest says {entry.get('sha256')}"
    if size != entry.get("size"):
        return f"{size} bytes, the manifest says {entry.get('size')}"
    return None
