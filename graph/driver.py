"""Opening the official neo4j driver from settings: the same code for the local launcher and a production server."""

from __future__ import annotations

import neo4j

from graph.config import ConfigError, Settings, check_password


def open_driver(settings: Settings) -> neo4j.Driver:
    """A driver for the configured database. Close it (or use it as a context manager) when done.

    Work goes through managed transactions (`execute_query`, `execute_read`,
    `execute_write`), which the driver retries on connection loss, so a driver
    outlives a database restart."""
    if not settings.neo4j_password:
        raise ConfigError(
            "no database password is configured: run `adgraph db start` (it creates one for the local "
            f"database) or set NEO4J_PASSWORD / put it in {settings.config_path}"
        )
    check_password(settings.neo4j_password)  # for a production server too, not only the local one
    return neo4j.GraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password),
        # Check connections that sat idle before handing them out: after a restart
        # the pool would otherwise hand out dead sockets first.
        liveness_check_timeout=30.0,
        connection_acquisition_timeout=60.0,
        max_transaction_retry_time=60.0,
        user_agent="adgraph",
        # Optional properties (ignored, removed_at…) that no node has yet make Neo4j warn on every query;
        # the warnings are not for the people using adgraph. Errors still raise.
        notifications_min_severity="OFF",
    )
