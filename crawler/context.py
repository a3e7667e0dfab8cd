"""How the pipelines, middlewares and extensions of a cycle reach its shared objects (state,
spool, site): Scrapy copies its settings, which cannot hold a database connection, so the
settings carry a key into this registry instead."""

from __future__ import annotations

from typing import Any

_cycles: dict[str, Any] = {}


def register(cycle: Any) -> str:
    _cycles[cycle.cycle_id] = cycle
    return cycle.cycle_id


def current_cycle(crawler) -> Any:
    return _cycles[crawler.settings["ADGRAPH_CYCLE"]]
