"""The local Neo4j: build the embedded launcher, start it in the background, stop it cleanly.

Only for the database on this machine (`NEO4J_URI` unset or pointing at the
launcher's own port); a production server is managed by its own tooling.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from neo4j.exceptions import AuthError, ServiceUnavailable

from graph.config import ConfigError, Settings, ensure_password, local_uri
from graph.driver import open_driver

LAUNCHER_DIR = Path(__file__).with_name("launcher")
LAUNCHER_CLASS = "org.adgraph.launcher.Launcher"
LAUNCHER_JAR = "adgraph-neo4j-launcher-1.0.0.jar"

# The flags Neo4j 5.26's own neo4j.conf passes to its JVM (server.jvm.additional).
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
)


class DbError(Exception):
    """The local database could not be built, started or stopped; the message says why."""


@dataclass(frozen=True)
class Launcher:
    jar: Path
    lib: Path

    @property
    def classpath(self) -> str:
        return f"{self.jar}{os.pathsep}{self.lib}/*"


def launcher_sources() -> list[Path]:
    return [LAUNCHER_DIR / "pom.xml", *sorted((LAUNCHER_DIR / "src").rglob("*.java"))]


def launcher_build_dir(settings: Settings) -> Path:
    """A folder per launcher source version, so an edited launcher is rebuilt and an unchanged one never is."""
    digest = hashlib.sha256()
    for path in launcher_sources():
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return settings.cache_dir / f"launcher-{digest.hexdigest()[:16]}"


def ensure_launcher(settings: Settings, echo=print) -> Launcher:
    build_dir = launcher_build_dir(settings)
    launcher = Launcher(jar=build_dir / LAUNCHER_JAR, lib=build_dir / "lib")
    if launcher.jar.exists() and launcher.lib.is_dir():
        return launcher
    mvn = shutil.which("mvn")
    if mvn is None:
        raise DbError("Maven (mvn) is not installed; it builds the Neo4j launcher on first use")
    echo(f"Building the Neo4j launcher into {build_dir} (first use only; Maven fetches Neo4j's jars) ...")
    tmp = build_dir.with_name(build_dir.name + f".tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    cmd = [mvn, "-B", "-q", "-f", str(LAUNCHER_DIR / "pom.xml"), f"-Dadgraph.build.dir={tmp}",
           "package", "dependency:copy-dependencies"]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise DbError(f"the launcher build failed (mvn exit {result.returncode}):\n{result.stdout[-4000:]}{result.stderr[-4000:]}")
    # Only a complete build is ever renamed into place, so a killed build is simply redone.
    for stale in ("classes", "maven-status", "maven-archiver", "generated-sources"):
        shutil.rmtree(tmp / stale, ignore_errors=True)
    tmp.rename(build_dir)
    return launcher


def neo4j_conf(settings: Settings) -> str:
    home = settings.db_home
    lines = {
        "server.directories.data": home / "data",
        "server.directories.logs": home / "logs",
        "server.bolt.enabled": "true",
        "server.bolt.listen_address": f"127.0.0.1:{settings.db_port}",
        "server.bolt.advertised_address": f"127.0.0.1:{settings.db_port}",
        # The HTTP connector needs servlet classes the embedded jars lack; Bolt is all we use.
        "server.http.enabled": "false",
        "server.https.enabled": "false",
        "dbms.security.auth_enabled": "true",
        "dbms.security.auth_minimum_password_length": "8",
        "dbms.usage_report.enabled": "false",
        # LOAD CSV runs even in read transactions: without this, `adgraph cypher` could read any
        # file the database can (the config file with its password, the evidence archive).
        "dbms.security.allow_csv_import_from_file_urls": "false",
        "server.memory.pagecache.size": settings.db_pagecache,
        # Bound transaction memory so one runaway query cannot take the JVM down.
        "dbms.memory.transaction.total.max": "512m",
        "db.tx_log.rotation.retention_policy": "2 days 2G",
        # Preallocating 256 MB per transaction log costs every throwaway test store 500 MB of disk.
        "db.tx_log.preallocate": "false",
    }
    return "".join(f"{key}={value}\n" for key, value in lines.items())


def pid_file(settings: Settings) -> Path:
    return settings.db_home / "run" / "neo4j.pid"


def log_file(settings: Settings) -> Path:
    return settings.db_home / "logs" / "launcher.log"


def running_pid(settings: Settings) -> int | None:
    """The launcher's pid if it is running for this data folder, else None (a stale pid file is ignored)."""
    try:
        pid = int(pid_file(settings).read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None
    args = cmdline.split(b"\0")
    return pid if LAUNCHER_CLASS.encode() in args and str(settings.db_home).encode() in args else None


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


@contextlib.contextmanager
def _exclusive(settings: Settings):
    """One start or stop at a time per store: two racing starts would fight over the store lock,
    the pid file and, on a new store, the generated password."""
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(settings.data_dir / ".neo4j-launcher.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def start(settings: Settings, timeout: float = 180.0, echo=print) -> Settings:
    """Start the local database unless it runs already; return settings with the password it uses."""
    if not settings.uses_local_db:
        raise ConfigError(
            f"NEO4J_URI is {settings.neo4j_uri}: `adgraph db` manages only the local database "
            f"({local_uri(settings.db_port)}); unset NEO4J_URI to use it"
        )
    with _exclusive(settings):
        return _start(settings, timeout, echo)


def _start(settings: Settings, timeout: float, echo) -> Settings:
    settings = ensure_password(settings)
    pid = running_pid(settings)
    if pid is not None:
        echo(f"Neo4j is already running (pid {pid}) at {settings.neo4j_uri}")
        return settings
    if not port_is_free(settings.db_port):
        raise DbError(f"port {settings.db_port} is taken by another program; choose another with ADGRAPH_DB_PORT")
    launcher = ensure_launcher(settings, echo)

    home = settings.db_home
    # The data folder will also hold the evidence archive: private to this user from the start.
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    home.mkdir(exist_ok=True, mode=0o700)
    for sub in ("conf", "data", "logs", "run"):
        (home / sub).mkdir(parents=True, exist_ok=True, mode=0o700)
    conf = home / "conf" / "neo4j.conf"
    conf.write_text(neo4j_conf(settings))
    java = shutil.which("java", path=os.path.join(os.environ.get("JAVA_HOME", ""), "bin") + os.pathsep + os.environ.get("PATH", ""))
    if java is None:
        raise DbError("Java is not installed; the local database needs Java 17 or 21")
    cmd = [java, f"-Xms{settings.db_heap}", f"-Xmx{settings.db_heap}", *JVM_FLAGS,
           "-cp", launcher.classpath, LAUNCHER_CLASS, str(home), str(conf)]
    env = {**os.environ, "ADGRAPH_NEO4J_INITIAL_PASSWORD": settings.neo4j_password}
    pid = _spawn(cmd, env, log_file(settings))
    pid_file(settings).write_text(f"{pid}\n")
    echo(f"Starting Neo4j (pid {pid}) at {settings.neo4j_uri}, store {home / 'data'} ...")
    _wait_for_bolt(settings, pid, timeout)
    return settings


def _spawn(cmd: list[str], env: dict[str, str], log: Path) -> int:
    """Start a daemon in its own session with output appended to log; return its pid.
    Not subprocess.Popen: the launcher outlives this process by design."""
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        return os.posix_spawn(cmd[0], cmd, env, setsid=True, file_actions=[
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_DUP2, fd, 1),
            (os.POSIX_SPAWN_DUP2, fd, 2),
        ])
    finally:
        os.close(fd)


def _exit_code(pid: int) -> int | None:
    """The exit code if our child has exited (reaping it), else None."""
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return None if _alive(pid) else -1
    return os.waitstatus_to_exitcode(status) if done else None


def _wait_for_bolt(settings: Settings, pid: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    with open_driver(settings) as driver:
        while True:
            if (code := _exit_code(pid)) is not None:
                pid_file(settings).unlink(missing_ok=True)
                raise DbError(f"Neo4j exited with code {code} while starting; "
                              f"last lines of {log_file(settings)}:\n{_tail(log_file(settings))}")
            try:
                driver.verify_connectivity()
                return
            except AuthError:
                raise DbError(
                    f"Neo4j at {settings.neo4j_uri} refused the configured password: the store in "
                    f"{settings.db_home} was created with another one. Set NEO4J_PASSWORD to that password "
                    f"(or put it in {settings.config_path})") from None
            except (ServiceUnavailable, OSError):
                pass
            if time.monotonic() > deadline:
                raise DbError(f"Neo4j did not answer on {settings.neo4j_uri} within {timeout:.0f}s; "
                              f"see {log_file(settings)}")
            time.sleep(0.5)


def stop(settings: Settings, timeout: float = 120.0, echo=print) -> bool:
    """SIGTERM the launcher and wait for Neo4j's own clean shutdown. Returns False if it was not running."""
    with _exclusive(settings):
        return _stop(settings, timeout, echo)


def _stop(settings: Settings, timeout: float, echo) -> bool:
    pid = running_pid(settings)
    if pid is None:
        pid_file(settings).unlink(missing_ok=True)
        echo("Neo4j is not running")
        return False
    os.kill(pid, signal.SIGTERM)
    echo(f"Stopping Neo4j (pid {pid}) ...")
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() > deadline:
            # Never SIGKILL: a killed store needs recovery; let the operator decide.
            raise DbError(f"Neo4j (pid {pid}) did not stop within {timeout:.0f}s; see {log_file(settings)}")
        time.sleep(0.2)
    pid_file(settings).unlink(missing_ok=True)
    echo("Neo4j stopped")
    return True


def _alive(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)  # reap it if it is our own child
    except ChildProcessError:
        pass
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def store_size(settings: Settings) -> int:
    data = settings.db_home / "data"
    return sum(p.stat().st_size for p in data.rglob("*") if p.is_file()) if data.exists() else 0


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"

