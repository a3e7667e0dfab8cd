"""The web app's own small database (SQLite, <data>/app/app.sqlite3): accounts, the audit log and
the queries users save.
Kept apart from the graph: investigators' evidence lives in Neo4j, who did what lives here."""

from __future__ import annotations

import sqlite3
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name          TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    user        TEXT NOT NULL,
    action      TEXT NOT NULL,
    params      TEXT NOT NULL,
    result_size INTEGER,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS saved_queries (
    name        TEXT PRIMARY KEY,
    author      TEXT NOT NULL,
    shared      INTEGER NOT NULL DEFAULT 0,
    definition  TEXT NOT NULL,  -- JSON, in the shape graph.stored_queries.StoredQuery.from_dict reads
    created_at  TEXT NOT NULL
);
-- Append-only: the product never changes or removes an entry.
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""


def connect(data_dir: Path) -> sqlite3.Connection:
    path = data_dir / "app" / "app.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(_SCHEMA)
    return db
