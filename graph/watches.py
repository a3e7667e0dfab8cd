"""Watches: saved queries run again after every crawl cycle; rows they had not returned before
raise an alert (in the app: a badge and the alerts page), optionally posted to a webhook.

A watch keeps a copy of its query's definition and its parameters, so it runs the same way from
the crawl loop (which knows nothing of the app's users) as from the app. Its state lives in its
own SQLite file, <data>/watches.sqlite3: the watches, a hash of every row each has returned, and
the alerts. Nothing here is evidence: the evidence is in the graph and the archive."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import neo4j

from graph import stored_queries as sq

_SCHEMA = """
CREATE TABLE IF NOT EXISTS watches (
    id          INTEGER PRIMARY KEY,
    label       TEXT NOT NULL,
    query       TEXT NOT NULL,  -- JSON definition (StoredQuery.to_dict)
    params      TEXT NOT NULL,  -- JSON
    owner       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    last_run_at TEXT,
    last_error  TEXT
);
CREATE TABLE IF NOT EXISTS seen (
    watch_id INTEGER NOT NULL,
    row_hash TEXT NOT NULL,
    PRIMARY KEY (watch_id, row_hash)
);
CREATE TABLE IF NOT EXISTS alerts (
    id         INTEGER PRIMARY KEY,
    watch_id   INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    rows       TEXT NOT NULL,  -- JSON: the new rows
    count      INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS alerts_read (
    user    TEXT PRIMARY KEY,
    last_id INTEGER NOT NULL
);
"""


@dataclass(frozen=True)
class Watch:
    id: int
    label: str
    query: sq.StoredQuery
    params: dict
    owner: str
    created_at: str
    last_run_at: str | None
    last_error: str | None


def connect(data_dir: Path) -> sqlite3.Connection:
    path = Path(data_dir) / "watches.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(_SCHEMA)
    return db


# Columns that change every crawl cycle without news in them: a row is new only if the rest changed.
VOLATILE = frozenset({"last_seen", "last_fetched_at"})


def row_hash(row: dict) -> str:
    kept = {k: v for k, v in row.items() if k not in VOLATILE}
    return hashlib.sha256(json.dumps(kept, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def add(db: sqlite3.Connection, driver: neo4j.Driver, query: sq.StoredQuery, params: dict, owner: str,
        label: str | None = None) -> int:
    """Watch a query with these parameters (checked now). Its current rows are its baseline: only
    rows that appear after this raise alerts."""
    query.bind(params)  # ParameterError now, not at the next crawl
    result = sq.run(driver, query, params)
    cursor = db.execute("INSERT INTO watches (label, query, params, owner, created_at, last_run_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (label or query.title, json.dumps(query.to_dict()), json.dumps(params), owner, _now(), _now()))
    watch_id = cursor.lastrowid
    db.executemany("INSERT OR IGNORE INTO seen (watch_id, row_hash) VALUES (?, ?)",
                   [(watch_id, row_hash(row)) for row in result.rows])
    return watch_id


def remove(db: sqlite3.Connection, watch_id: int) -> bool:
    """Stop watching (its alerts stay)."""
    gone = db.execute("DELETE FROM watches WHERE id = ?", (watch_id,)).rowcount
    db.execute("DELETE FROM seen WHERE watch_id = ?", (watch_id,))
    return bool(gone)


def all_watches(db: sqlite3.Connection) -> list[Watch]:
    return [Watch(id=r[0], label=r[1], query=sq.StoredQuery.from_dict(json.loads(r[2]), origin=f"watch {r[0]}"),
                  params=json.loads(r[3]), owner=r[4], created_at=r[5], last_run_at=r[6], last_error=r[7])
            for r in db.execute("SELECT id, label, query, params, owner, created_at, last_run_at, last_error "
                                "FROM watches ORDER BY id")]


def run_all(db: sqlite3.Connection, driver: neo4j.Driver, webhook: str | None = None,
            post: Callable[[str, dict], None] | None = None) -> list[dict]:
    """Run every watch once; for each with rows it had not returned before, record an alert (and
    post it to the webhook). A watch that fails is noted and skipped. Returns the new alerts."""
    created = []
    for watch in all_watches(db):
        try:
            params, moves = follow_network(driver, watch)
            result = sq.run(driver, watch.query, params)
        except (sq.StoredQueryError, neo4j.exceptions.Neo4jError) as exc:
            db.execute("UPDATE watches SET last_run_at = ?, last_error = ? WHERE id = ?", (_now(), str(exc), watch.id))
            continue
        at = _now()
        with db:  # one transaction per watch: its new rows are marked seen only with their alert
            db.execute("BEGIN IMMEDIATE")
            known = {h for (h,) in db.execute("SELECT row_hash FROM seen WHERE watch_id = ?", (watch.id,))}
            new = [row for row in moves + result.rows if row_hash(row) not in known]
            error = "more rows than the row limit: some may not be seen" if result.truncated else None
            db.execute("UPDATE watches SET last_run_at = ?, last_error = ? WHERE id = ?", (at, error, watch.id))
            if params != watch.params:  # it followed its network: saved with the alert that says so
                db.execute("UPDATE watches SET params = ? WHERE id = ?", (json.dumps(params), watch.id))
            if not new:
                continue
            db.executemany("INSERT OR IGNORE INTO seen (watch_id, row_hash) VALUES (?, ?)",
                           [(watch.id, row_hash(row)) for row in new])
            alert_id = db.execute("INSERT INTO alerts (watch_id, created_at, rows, count) VALUES (?, ?, ?, ?)",
                                  (watch.id, at, json.dumps(new), len(new))).lastrowid
        alert = {"alert_id": alert_id, "watch_id": watch.id, "watch": watch.label, "query": watch.query.name,
                 "params": params, "created_at": at, "count": len(new), "rows": new}
        created.append(alert)
        if webhook:  # after the commit: the alert is kept whatever the webhook does
            try:
                (post or _post)(webhook, alert)
            except (OSError, ValueError) as exc:  # a webhook down must not stop the watches or the crawl
                db.execute("UPDATE watches SET last_error = ? WHERE id = ?", (f"webhook: {exc}", watch.id))
    return created


def follow_network(driver: neo4j.Driver, watch: Watch) -> tuple[dict, list[dict]]:
    """A watch on a network (a network_id parameter) follows it through merges and splits: returns
    the parameters to run it with (its successor's id when it was merged away) and rows for the
    merges and splits it took part in since the watch began (those already alerted are seen rows,
    so a run that failed loses none) and, when it moved, a row saying so. Saving the new parameters
    is the caller's, with the alert."""
    from graph.networks import network_events, successor

    network = watch.params.get("network_id")
    if not isinstance(network, str):
        return watch.params, []
    since = datetime.fromisoformat(watch.created_at)
    moves = [{"network_event": e["kind"], "event_id": e["event_id"], "at": e["at"], "network_id": e["network_id"],
              "networks": e["networks"], "cause": e["cause"]}
             for e in network_events(driver, network) if datetime.fromisoformat(e["at"]) > since]
    now = successor(driver, network)
    if now == network:
        return watch.params, moves
    return {**watch.params, "network_id": now}, moves + [
        {"network_event": "followed", "network_id": network, "now": now,
         "cause": f"network {network} was merged into {now}: the watch follows it"}]


def _post(url: str, alert: dict) -> None:
    request = urllib.request.Request(url, data=json.dumps(alert).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "User-Agent": "adgraph-watch"})
    with urllib.request.urlopen(request, timeout=10):
        pass


def owners(db: sqlite3.Connection) -> list[tuple[int, str, str]]:
    """(id, owner, query name) of every watch, without reading their definitions."""
    return db.execute("SELECT id, owner, json_extract(query, '$.name') FROM watches ORDER BY id").fetchall()


def alerts(db: sqlite3.Connection, limit: int = 100, watch_ids: list[int] | None = None) -> list[dict]:
    """The newest alerts first (of these watches only, if given), with their watch's label and query."""
    return [{"alert_id": r[0], "watch_id": r[1], "created_at": r[2], "rows": json.loads(r[3]), "count": r[4],
             "watch": r[5], "query": json.loads(r[6])["name"] if r[6] else None}
            for r in db.execute("SELECT a.id, a.watch_id, a.created_at, a.rows, a.count, w.label, w.query "
                                "FROM alerts a LEFT JOIN watches w ON w.id = a.watch_id "
                                "WHERE ? IS NULL OR a.watch_id IN (SELECT value FROM json_each(?)) "
                                "ORDER BY a.id DESC LIMIT ?", (_ids(watch_ids), _ids(watch_ids), limit))]


def unread(db: sqlite3.Connection, user: str, watch_ids: list[int]) -> int:
    """Alerts of these watches newer than the last the user saw on the alerts page (the badge)."""
    return db.execute("SELECT count(*) FROM alerts WHERE id > ? AND watch_id IN (SELECT value FROM json_each(?))",
                      (last_read(db, user), _ids(watch_ids))).fetchone()[0]


def _ids(watch_ids: list[int] | None) -> str | None:
    return None if watch_ids is None else json.dumps(list(watch_ids))


def last_read(db: sqlite3.Connection, user: str) -> int:
    """The newest alert the user has seen on the alerts page (0: none)."""
    last = db.execute("SELECT last_id FROM alerts_read WHERE user = ?", (user,)).fetchone()
    return last[0] if last else 0


def mark_read(db: sqlite3.Connection, user: str) -> None:
    newest = db.execute("SELECT coalesce(max(id), 0) FROM alerts").fetchone()[0]
    db.execute("INSERT INTO alerts_read (user, last_id) VALUES (?, ?) "
               "ON CONFLICT (user) DO UPDATE SET last_id = excluded.last_id", (user, newest))
