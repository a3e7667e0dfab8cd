"""Accounts: a name, a hashed password (scrypt, via Werkzeug) and one role."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone

from werkzeug.security import check_password_hash, generate_password_hash

ROLES = ("analyst", "admin", "auditor")
MIN_PASSWORD = 12
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
# Checked against when a name is unknown, so a login takes as long either way (no user enumeration).
_DUMMY_HASH = generate_password_hash("not a password of anyone")


class AccountError(ValueError):
    pass


@dataclass(frozen=True)
class User:
    name: str
    role: str

    # What Flask-Login asks of a user object.
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return self.name


def add_user(db: sqlite3.Connection, name: str, role: str, password: str) -> User:
    if not _NAME.match(name):
        raise AccountError(f"{name!r} is not a usable account name (letters, digits, _ . @ -; at most 64)")
    if role not in ROLES:
        raise AccountError(f"the role must be one of {', '.join(ROLES)}, not {role!r}")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    try:
        db.execute("INSERT INTO users (name, password_hash, role, created_at) VALUES (?, ?, ?, ?)",
                   (name, generate_password_hash(password), role, datetime.now(timezone.utc).isoformat()))
    except sqlite3.IntegrityError:
        raise AccountError(f"there is already an account called {name!r}") from None
    return User(name, role)


def get_user(db: sqlite3.Connection, name: str) -> User | None:
    row = db.execute("SELECT name, role FROM users WHERE name = ?", (name,)).fetchone()
    return User(*row) if row else None


def authenticate(db: sqlite3.Connection, name: str, password: str) -> User | None:
    row = db.execute("SELECT name, role, password_hash FROM users WHERE name = ?", (name,)).fetchone()
    if row is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return User(row[0], row[1]) if check_password_hash(row[2], password) else None


def count_users(db: sqlite3.Connection) -> int:
    return db.execute("SELECT count(*) FROM users").fetchone()[0]
