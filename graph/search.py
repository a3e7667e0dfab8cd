"""Ads found by a search: by phone, email, handle, full text or place, a page at a time."""

from __future__ import annotations

import neo4j

from graph.queries import search as q
from graph.values import to_json

PAGE_SIZE = 25

_BY_KIND = {
    "phone": (q.ADS_BY_PHONE, q.COUNT_BY_PHONE),
    "email": (q.ADS_BY_EMAIL, q.COUNT_BY_EMAIL),
    "handle": (q.ADS_BY_HANDLE, q.COUNT_BY_HANDLE),
    "text": (q.ADS_BY_TEXT, q.COUNT_BY_TEXT),
    "place": (q.ADS_NEAR, q.COUNT_NEAR),
}


def search_ads(driver: neo4j.Driver, kind: str, value: str, page: int = 1, *, lat: float | None = None,
               lon: float | None = None, radius_km: float | None = None) -> tuple[int, list[dict]]:
    """(how many ads match in all, the ads of this page as plain JSON-ready dicts)."""
    rows_query, count_query = _BY_KIND[kind]
    params = {"value": value, "skip": (page - 1) * PAGE_SIZE, "limit": PAGE_SIZE}
    if kind == "place":
        params.update(lat=lat, lon=lon, meters=radius_km * 1000)
    read = neo4j.RoutingControl.READ
    total = driver.execute_query(count_query, params, routing_=read).records[0]["total"]
    rows = driver.execute_query(rows_query, params, routing_=read).records
    return total, [{key: to_json(value) for key, value in row.items()} for row in rows]
