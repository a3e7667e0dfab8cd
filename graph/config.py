"""Settings: environment variables over the user's config file over defaults.

Read once by the command line (or the app factory) and passed down explicitly;
nothing deeper in the code reads the environment.

Environment variables:
  ADGRAPH_CONFIG      path of the config file (default ~/.config/adgraph/config.toml)
  ADGRAPH_DATA_DIR    where the local database and later the evidence archive live
  ADGRAPH_CACHE_DIR   where the Neo4j launcher is built (jars, not evidence)
  ADGRAPH_DB_PORT     Bolt port of the local database (default 7687)
  ADGRAPH_DB_HEAP     JVM heap of the local database (default 1g)
  ADGRAPH_DB_PAGECACHE  page cache of the local database (default 1g)
  ADGRAPH_FACE_ENGINE, ADGRAPH_REKOGNITION_COLLECTION  faces: dlib, rekognition or off
  ADGRAPH_VIZ_AGGREGATE_ABOVE  networks with more nodes open on their aggregated picture (default 1500)
  ADGRAPH_WEBHOOK_URL  where watches post their alerts as JSON (none by default)
  NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD  the database the product talks to
"""

from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping

import tomli_w

DEFAULT_PORT = 7687
# Passwords that anybody would try first; never accepted for a store.
WELL_KNOWN_PASSWORDS = frozenset({"neo4j", "password", "admin", "changeme", "secret", "test"})
MIN_PASSWORD_LENGTH = 8


class ConfigError(Exception):
    """A setting is missing or wrong; the message says which and what to do."""


FACE_ENGINES = ("dlib", "rekognition", "off")


@dataclass(frozen=True)
class Settings:
    config_path: Path
    data_dir: Path
    cache_dir: Path
    neo4j_uri: str
    neo4j_user: str
    neo4j_password: str | None
    db_port: int
    db_heap: str
    db_pagecache: str
    face_engine: str = "dlib"  # dlib (offline), rekognition (Amazon), or off
    rekognition_collection: str | None = None
    viz_aggregate_above: int = 1500  # nodes; bigger networks open on an aggregated picture
    webhook_url: str | None = None  # watches post their alerts here

    @property
    def uses_local_db(self) -> bool:
        """True when the configured URI is the launcher this machine runs."""
        return self.neo4j_uri == local_uri(self.db_port)

    @property
    def db_home(self) -> Path:
        return self.data_dir / "neo4j"


def local_uri(port: int) -> str:
    return f"bolt://127.0.0.1:{port}"


def _xdg(environ: Mapping[str, str], var: str, fallback: str) -> Path:
    base = environ.get(var) or str(Path(environ.get("HOME", str(Path.home()))) / fallback)
    return Path(base) / "adgraph"


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    config_path = Path(env.get("ADGRAPH_CONFIG") or _xdg(env, "XDG_CONFIG_HOME", ".config") / "config.toml").absolute()
    file_cfg = read_config_file(config_path)
    neo4j_cfg = file_cfg.get("neo4j", {})
    local_cfg = file_cfg.get("local_db", {})
    faces_cfg = file_cfg.get("faces", {})
    viz_cfg = file_cfg.get("viz", {})

    try:
        port = int(env.get("ADGRAPH_DB_PORT") or local_cfg.get("port") or DEFAULT_PORT)
    except ValueError as exc:
        raise ConfigError(f"ADGRAPH_DB_PORT must be a port number: {exc}") from None
    if not 0 < port < 65536:
        raise ConfigError(f"the database port must be between 1 and 65535, not {port}")
    try:
        aggregate_above = int(env.get("ADGRAPH_VIZ_AGGREGATE_ABOVE") or viz_cfg.get("aggregate_above") or 1500)
    except ValueError as exc:
        raise ConfigError(f"ADGRAPH_VIZ_AGGREGATE_ABOVE must be a number of nodes: {exc}") from None

    return Settings(
        config_path=config_path,
        # Absolute, so the pid check and the launcher see the same store from any working folder.
        data_dir=Path(env.get("ADGRAPH_DATA_DIR") or local_cfg.get("data_dir") or _xdg(env, "XDG_DATA_HOME", ".local/share")).absolute(),
        cache_dir=Path(env.get("ADGRAPH_CACHE_DIR") or _xdg(env, "XDG_CACHE_HOME", ".cache")).absolute(),
        neo4j_uri=env.get("NEO4J_URI") or neo4j_cfg.get("uri") or local_uri(port),
        neo4j_user=env.get("NEO4J_USER") or neo4j_cfg.get("user") or "neo4j",
        neo4j_password=env.get("NEO4J_PASSWORD") or neo4j_cfg.get("password"),
        db_port=port,
        db_heap=env.get("ADGRAPH_DB_HEAP") or local_cfg.get("heap") or "1g",
        db_pagecache=env.get("ADGRAPH_DB_PAGECACHE") or local_cfg.get("pagecache") or "1g",
        face_engine=_face_engine(env.get("ADGRAPH_FACE_ENGINE") or faces_cfg.get("engine") or "dlib"),
        rekognition_collection=env.get("ADGRAPH_REKOGNITION_COLLECTION") or faces_cfg.get("rekognition_collection"),
        viz_aggregate_above=aggregate_above,
        webhook_url=env.get("ADGRAPH_WEBHOOK_URL") or file_cfg.get("watches", {}).get("webhook_url"),
    )


def _face_engine(name: str) -> str:
    if name not in FACE_ENGINES:
        raise ConfigError(f"the face engine must be one of {', '.join(FACE_ENGINES)}, not {name!r}")
    return name


def read_config_file(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None


def check_password(password: str) -> None:
    if password.lower() in WELL_KNOWN_PASSWORDS or len(password) < MIN_PASSWORD_LENGTH:
        raise ConfigError(
            f"refusing a well-known or short database password (at least {MIN_PASSWORD_LENGTH} characters, "
            "not a default like 'neo4j'); unset NEO4J_PASSWORD to have one generated"
        )


def ensure_password(settings: Settings) -> Settings:
    """Return settings with a database password, generating and saving one if there is none.

    The generated password goes into the config file, created with mode 0600
    in a 0700 folder, because it guards evidence."""
    if settings.neo4j_password:
        check_password(settings.neo4j_password)
        return settings
    password = secrets.token_urlsafe(24)
    cfg = read_config_file(settings.config_path)
    cfg.setdefault("neo4j", {})["password"] = password
    write_config_file(settings.config_path, cfg)
    return replace(settings, neo4j_password=password)


def write_config_file(path: Path, cfg: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        tomli_w.dump(cfg, fh)
    os.chmod(tmp, 0o600)  # O_CREAT's mode does not apply to an existing file
    os.replace(tmp, path)
