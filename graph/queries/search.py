"""Cypher of the search: ads by an identifier, by text, by place. Parameterized; paged with
$skip/$limit; each returns the ads' rows and, in a second statement, how many there are."""

_AD_ROW = """
a.site AS site, a.site_ad_id AS site_ad_id, a.url AS url, a.title AS title, a.posted_at AS posted_at,
a.first_seen AS first_seen, a.last_seen AS last_seen, a.removed_at AS removed_at, a.network_id AS network_id"""


def _by_identifier(label: str, key: str, relationship: str) -> tuple[str, str]:
    """The ads carrying one identifier (with the text it stood as in each), and how many there are."""
    match = f"MATCH (:{label} {{{key}: $value}})<-[h:{relationship}]-(a:Ad)"
    rows = f"{match}\nRETURN {_AD_ROW}, h.raw AS matched\nORDER BY a.last_seen DESC, a.site, a.site_ad_id SKIP $skip LIMIT $limit"
    return rows, f"{match} RETURN count(a) AS total"


ADS_BY_PHONE, COUNT_BY_PHONE = _by_identifier("Phone", "e164", "HAS_PHONE")
ADS_BY_EMAIL, COUNT_BY_EMAIL = _by_identifier("Email", "address", "HAS_EMAIL")
ADS_BY_HANDLE, COUNT_BY_HANDLE = _by_identifier("Handle", "handle_id", "HAS_HANDLE")

# Full text over every version of every ad: an ad is as relevant as its best-matching version.
ADS_BY_TEXT = """
CALL db.index.fulltext.queryNodes('ad_text', $value) YIELD node, score
MATCH (a:Ad)-[:HAS_VERSION]->(node)
WITH a, max(score) AS score, collect(node)[0] AS version
RETURN """ + _AD_ROW + """, version.body AS body, score
ORDER BY score DESC, a.site, a.site_ad_id SKIP $skip LIMIT $limit
"""
COUNT_BY_TEXT = """
CALL db.index.fulltext.queryNodes('ad_text', $value) YIELD node
MATCH (a:Ad)-[:HAS_VERSION]->(node)
RETURN count(DISTINCT a) AS total
"""

ADS_NEAR = """
MATCH (l:Location)<-[:IN_LOCATION]-(a:Ad)
WITH a, min(point.distance(l.point, point({latitude: $lat, longitude: $lon}))) AS meters
WHERE meters <= $meters
RETURN """ + _AD_ROW + """, meters
ORDER BY meters, a.last_seen DESC, a.site, a.site_ad_id SKIP $skip LIMIT $limit
"""
COUNT_NEAR = """
MATCH (l:Location)<-[:IN_LOCATION]-(a:Ad)
WITH a, min(point.distance(l.point, point({latitude: $lat, longitude: $lon}))) AS meters
WHERE meters <= $meters
RETURN count(a) AS total
"""
