"""The local Neo4j launcher: authentication, clean stop and start, persistence, and a driver that survives a restart."""

import stat

import neo4j
import pytest
from neo4j.exceptions import AuthError

from graph import localdb
from graph.config import load_settings
from helpers import adgraph, observation, scalar, write_jsonl

pytestmark = pytest.mark.usefixtures("graph")


@pytest.fixture
def local(neo4j_settings):
    if not neo4j_settings.uses_local_db:
        pytest.skip("the suite runs against ADGRAPH_TEST_NEO4J_URI, which this test cannot restart")
    return neo4j_settings


def test_well_known_password_is_refused(local):
    with neo4j.GraphDatabase.driver(local.neo4j_uri, auth=("neo4j", "neo4j")) as drv:
        with pytest.raises(AuthError):
            drv.verify_connectivity()


def test_generated_password_and_store_are_private(local):
    assert stat.S_IMODE(local.config_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(local.data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(local.db_home.stat().st_mode) == 0o700
    assert load_settings().neo4j_password == local.neo4j_password


def test_bolt_listens_on_loopback_only(local):
    conf = (local.db_home / "conf" / "neo4j.conf").read_text()
    assert f"server.bolt.listen_address=127.0.0.1:{local.db_port}" in conf
    assert "server.http.enabled=false" in conf and "dbms.usage_report.enabled=false" in conf
    assert "dbms.security.auth_enabled=true" in conf


def test_start_twice_is_harmless(local):
    out = adgraph("db", "start")
    assert out.returncode == 0 and "already running" in out.stdout


def test_restart_keeps_data_and_the_driver_reconnects(local, driver, tmp_path):
    adgraph("ingest", str(write_jsonl(tmp_path / "ads.jsonl", [observation()])))
    assert scalar(driver, "MATCH (a:Ad) RETURN count(a)") == 1
    log = localdb.log_file(local).parent / "debug.log"
    log_size = log.stat().st_size

    stopped = adgraph("db", "stop")
    assert stopped.returncode == 0 and "Neo4j stopped" in stopped.stdout
    assert localdb.running_pid(local) is None
    status = adgraph("db", "status")
    assert status.returncode == 3 and "running:  no" in status.stdout

    started = adgraph("db", "start")
    assert started.returncode == 0, started.stderr
    # The same driver object, opened before the restart, carries on.
    assert scalar(driver, "MATCH (a:Ad)-[:HAS_PHONE]->(p) RETURN p.e164") == "+13125550147"
    # A clean stop checkpoints the store: the next start needs no recovery.
    since_restart = log.read_text(errors="replace")[log_size:]
    assert "Checkpoint triggered by \"Database shutdown\"" in since_restart
    assert "recovery" not in since_restart.lower()


def test_load_csv_cannot_read_local_files(local):
    out = adgraph("cypher", f"LOAD CSV FROM 'file://{local.config_path}' AS row RETURN row")
    assert out.returncode == 1 and "password" not in out.stdout
    assert "file" in out.stderr.lower()


def test_stop_during_startup_is_clean_and_concurrent_starts_share_one_database(tmp_path):
    """SIGTERM while Neo4j is still starting (here: setting a new store's password) still checkpoints;
    and two starts at once end with one database and one password."""
    import threading

    from helpers import free_port
    env = {"HOME": str(tmp_path), "ADGRAPH_CONFIG": str(tmp_path / "config.toml"),
           "ADGRAPH_DATA_DIR": str(tmp_path / "data"), "ADGRAPH_DB_PORT": str(free_port()),
           "ADGRAPH_DB_HEAP": "512m", "ADGRAPH_DB_PAGECACHE": "64m"}
    settings = load_settings(env)
    with pytest.raises(localdb.DbError, match="did not answer"):
        localdb.start(settings, timeout=0.5, echo=lambda msg: None)
    assert localdb.stop(settings, echo=lambda msg: None)
    assert "adgraph-launcher: stopped" in localdb.log_file(settings).read_text()

    results, errors = [], []

    def start():
        try:
            results.append(localdb.start(load_settings(env), echo=lambda msg: None))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
    threads = [threading.Thread(target=start) for _ in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        assert not errors, errors
        assert results[0].neo4j_password == results[1].neo4j_password
        with neo4j.GraphDatabase.driver(results[0].neo4j_uri, auth=("neo4j", results[0].neo4j_password)) as drv:
            drv.verify_connectivity()
        debug = (settings.db_home / "logs" / "debug.log").read_text(errors="replace")
        assert "recovery" not in debug.lower()
    finally:
        localdb.stop(settings, echo=lambda msg: None)
