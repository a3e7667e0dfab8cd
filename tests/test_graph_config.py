"""Settings: environment over config file over defaults, and the generated database password."""

import stat

import pytest

from graph.config import ConfigError, ensure_password, load_settings, write_config_file


def env_for(tmp_path, **extra):
    return {"HOME": str(tmp_path), "ADGRAPH_CONFIG": str(tmp_path / "cfg" / "config.toml"), **extra}


def test_defaults(tmp_path):
    s = load_settings(env_for(tmp_path))
    assert s.neo4j_uri == "bolt://127.0.0.1:7687" and s.neo4j_user == "neo4j" and s.neo4j_password is None
    assert s.uses_local_db
    assert s.data_dir == tmp_path / ".local/share/adgraph"
    assert s.cache_dir == tmp_path / ".cache/adgraph"


@pytest.mark.parametrize("file_cfg, env, expect", [
    ({}, {"ADGRAPH_DB_PORT": "7700"}, {"db_port": 7700, "neo4j_uri": "bolt://127.0.0.1:7700"}),
    ({"local_db": {"port": 7701}}, {}, {"db_port": 7701, "neo4j_uri": "bolt://127.0.0.1:7701"}),
    ({"local_db": {"port": 7701}}, {"ADGRAPH_DB_PORT": "7702"}, {"db_port": 7702}),
    ({"neo4j": {"uri": "neo4j://db.internal:7687", "user": "u", "password": "from-file"}}, {},
     {"neo4j_uri": "neo4j://db.internal:7687", "neo4j_user": "u", "neo4j_password": "from-file", "uses_local_db": False}),
    ({"neo4j": {"password": "from-file"}}, {"NEO4J_PASSWORD": "from-env"}, {"neo4j_password": "from-env"}),
    ({}, {"NEO4J_URI": "bolt://10.0.0.5:7687", "NEO4J_USER": "svc"}, {"neo4j_user": "svc", "uses_local_db": False}),
    ({"local_db": {"heap": "2g"}}, {"ADGRAPH_DB_PAGECACHE": "3g"}, {"db_heap": "2g", "db_pagecache": "3g"}),
])
def test_precedence(tmp_path, file_cfg, env, expect):
    e = env_for(tmp_path, **env)
    write_config_file(tmp_path / "cfg" / "config.toml", file_cfg)
    s = load_settings(e)
    for key, value in expect.items():
        assert getattr(s, key) == value, key


@pytest.mark.parametrize("port", ["0", "70000", "seven"])
def test_bad_port(tmp_path, port):
    with pytest.raises(ConfigError, match="port"):
        load_settings(env_for(tmp_path, ADGRAPH_DB_PORT=port))


def test_broken_config_file_is_named(tmp_path):
    path = tmp_path / "cfg" / "config.toml"
    path.parent.mkdir()
    path.write_text("[neo4j\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(env_for(tmp_path))


def test_generated_password_is_kept_private(tmp_path):
    s = ensure_password(load_settings(env_for(tmp_path)))
    assert len(s.neo4j_password) >= 24
    assert stat.S_IMODE(s.config_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(s.config_path.parent.stat().st_mode) == 0o700
    # The next run finds the same password.
    assert load_settings(env_for(tmp_path)).neo4j_password == s.neo4j_password
    assert ensure_password(load_settings(env_for(tmp_path))).neo4j_password == s.neo4j_password


@pytest.mark.parametrize("password", ["neo4j", "password", "NEO4J", "short"])
def test_well_known_or_short_passwords_are_refused(tmp_path, password):
    with pytest.raises(ConfigError, match="refusing"):
        ensure_password(load_settings(env_for(tmp_path, NEO4J_PASSWORD=password)))


def test_driver_refuses_a_well_known_password_for_any_server(tmp_path):
    from graph.driver import open_driver
    with pytest.raises(ConfigError, match="refusing"):
        open_driver(load_settings(env_for(tmp_path, NEO4J_URI="bolt://db.example.org:7687", NEO4J_PASSWORD="password")))
