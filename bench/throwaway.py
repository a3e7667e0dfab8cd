"""A throwaway local Neo4j for a benchmark: its own config, data folder, port and password."""

from __future__ import annotations

import os
import socket
import sys
import tempfile
from pathlib import Path

from graph import localdb
from graph.config import Settings, load_settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(prefix: str) -> tuple[Path, dict, Settings]:
    """(its folder, the environment child processes need to use it, its settings), started."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    env = {**os.environ, "ADGRAPH_CONFIG": str(tmp / "config.toml"), "ADGRAPH_DATA_DIR": str(tmp / "data"),
           "ADGRAPH_DB_PORT": str(free_port()), "NEO4J_PASSWORD": "bench-" + os.urandom(8).hex()}
    env.pop("NEO4J_URI", None)
    settings = localdb.start(load_settings(env), echo=lambda msg: print(msg, file=sys.stderr))
    return tmp, env, settings


def stop(settings: Settings) -> None:
    localdb.stop(settings, echo=lambda msg: print(msg, file=sys.stderr))
