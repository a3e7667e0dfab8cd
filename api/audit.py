"""The audit log: every search, query, FaceSearch, expansion and export, who did it, when, with
what parameters and how many results. Each entry carries the SHA-256 of the one before it, so
changing, removing or inserting an entry breaks the chain: `adgraph audit verify` finds where."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone

GENESIS = "0" * 64


@dataclass(frozen=True)
class Entry:
    id: int
    at: str
    user: str
    action: str
    params: dict
    result_size: int | None
    prev_hash: str
    hash: str


def _digest(prev_hash: str, id: int, at: str, user: str, action: str, params: str, result_size: int | None) -> str:
    body = json.dumps([prev_hash, id, at, user, action, params, result_size], ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def record(db: sqlite3.Connection, user: str, action: str, params: dict, result_size: int | None = None) -> int:
    """Append an entry; returns its id. One writer at a time (BEGIN IMMEDIATE), so the chain never forks."""
    at = datetime.now(timezone.utc).isoformat(timespec="microseconds")
    text = json.dumps(params, ensure_ascii=False, sort_keys=True, default=str)
    db.execute("BEGIN IMMEDIATE")
    try:
        last = db.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        entry_id, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
        db.execute("INSERT INTO audit (id, at, user, action, params, result_size, prev_hash, hash) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   (entry_id, at, user, action, text, result_size, prev,
                    _digest(prev, entry_id, at, user, action, text, result_size)))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return entry_id


def entries(db: sqlite3.Connection, newest_first: bool = True, limit: int = 100, offset: int = 0) -> list[Entry]:
    order = "DESC" if newest_first else "ASC"
    rows = db.execute(f"SELECT id, at, user, action, params, result_size, prev_hash, hash FROM audit "
                      f"ORDER BY id {order} LIMIT ? OFFSET ?", (limit, offset)).fetchall()
    return [Entry(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6], r[7]) for r in rows]


def verify(db: sqlite3.Connection) -> tuple[int, int | None, str]:
    """(entries checked, id of the first broken entry or None, what is wrong there)."""
    prev, expected_id, checked = GENESIS, 1, 0
    for row in db.execute("SELECT id, at, user, action, params, result_size, prev_hash, hash FROM audit ORDER BY id"):
        entry_id, at, user, action, params, result_size, prev_hash, stored = row
        if entry_id != expected_id:
            return checked, entry_id, f"entry {expected_id} is missing"
        if prev_hash != prev:
            return checked, entry_id, "it does not follow from the entry before it"
        if _digest(prev, entry_id, at, user, action, params, result_size) != stored:
            return checked, entry_id, "its content does not match its hash: it was altered"
        prev, expected_id, checked = stored, expected_id + 1, checked + 1
    return checked, None, ""
