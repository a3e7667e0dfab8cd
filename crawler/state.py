"""What the crawler remembers about a site between cycles (one SQLite file per site): each ad's
URL, validators (ETag, Last-Modified), a fingerprint of its parsed content, its last observation,
and how many complete listings in a row it has been missing from.

This is working state, not evidence: the evidence is the archive and the graph."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ads (
    site_ad_id    TEXT PRIMARY KEY,
    url           TEXT NOT NULL,
    etag          TEXT,
    last_modified TEXT,
    fingerprint   TEXT,
    observation   TEXT,
    missing       INTEGER NOT NULL DEFAULT 0,
    removed       INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS image_faces (
    sha256 TEXT NOT NULL,
    engine TEXT NOT NULL,   -- engine and model: another engine looks again
    faces  TEXT NOT NULL,   -- the faces found, as observation items (JSON)
    PRIMARY KEY (sha256, engine)
);
"""


@dataclass(frozen=True)
class KnownAd:
    site_ad_id: str
    url: str
    etag: str | None
    last_modified: str | None
    fingerprint: str | None
    observation: dict | None
    missing: int
    removed: bool


class CrawlState:
    def __init__(self, path: str | Path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def get(self, site_ad_id: str) -> KnownAd | None:
        row = self._db.execute("SELECT site_ad_id, url, etag, last_modified, fingerprint, observation, missing, removed "
                               "FROM ads WHERE site_ad_id = ?", (site_ad_id,)).fetchone()
        if row is None:
            return None
        return KnownAd(*row[:5], json.loads(row[5]) if row[5] else None, row[6], bool(row[7]))

    def live_ads(self) -> dict[str, str]:
        """site_ad_id -> url of every ad not known to be removed."""
        return dict(self._db.execute("SELECT site_ad_id, url FROM ads WHERE removed = 0"))

    def record_live(self, site_ad_id: str, url: str, etag: str | None, last_modified: str | None,
                    fingerprint: str, observation: dict) -> None:
        self._db.execute(
            "INSERT INTO ads (site_ad_id, url, etag, last_modified, fingerprint, observation, missing, removed) "
            "VALUES (?, ?, ?, ?, ?, ?, 0, 0) ON CONFLICT (site_ad_id) DO UPDATE SET url = excluded.url, "
            "etag = excluded.etag, last_modified = excluded.last_modified, fingerprint = excluded.fingerprint, "
            "observation = excluded.observation, removed = 0",
            (site_ad_id, url, etag, last_modified, fingerprint, json.dumps(observation)))

    def record_removed(self, site_ad_id: str) -> None:
        self._db.execute("UPDATE ads SET removed = 1, missing = 0 WHERE site_ad_id = ?", (site_ad_id,))

    def count_missing(self, listed: set[str], threshold: int) -> list[str]:
        """After a complete listing: ads listed are missing 0 times, the other live ones once more.
        Returns the ads now missing `threshold` times in a row (the caller reports them removed)."""
        live = self.live_ads()
        gone = []
        for site_ad_id in live:
            if site_ad_id in listed:
                self._db.execute("UPDATE ads SET missing = 0 WHERE site_ad_id = ?", (site_ad_id,))
                continue
            (missing,) = self._db.execute("UPDATE ads SET missing = missing + 1 WHERE site_ad_id = ? "
                                          "RETURNING missing", (site_ad_id,)).fetchone()
            if missing >= threshold:
                gone.append(site_ad_id)
        return sorted(gone)

    def image_faces(self, sha256: str, engine: str) -> list[dict] | None:
        """The faces found in this image before (an image reused by many ads is looked at once)."""
        row = self._db.execute("SELECT faces FROM image_faces WHERE sha256 = ? AND engine = ?", (sha256, engine)).fetchone()
        return json.loads(row[0]) if row else None

    def record_image_faces(self, sha256: str, engine: str, faces: list[dict]) -> None:
        self._db.execute("INSERT OR REPLACE INTO image_faces (sha256, engine, faces) VALUES (?, ?, ?)",
                         (sha256, engine, json.dumps(faces)))

    def commit(self) -> None:
        """Make the changes since the last commit durable. The crawl commits right after the
        observations they stand for reach the spool, so the state never runs ahead of it."""
        self._db.commit()

    def close(self) -> None:
        self.commit()
        self._db.close()
