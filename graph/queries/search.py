"""Cypher of the search: ads by an identifier, by text, by place. Parameterized; paged with
$skip/$limit; each returns the ads' rows and, in a second statement, how many there are."""

_AD_ROW = """
a.site AS site, a.site_ad_id AS site_ad_id, a.url AS url, a.title AS title, a.posted_at AS posted_at,
a.first_seen AS first_seen, a.last_seen AS last_seen, a.removed_at AS removed_at, a.network_id AS network_id"""

ADS_BY_PHONE = """
MATCH (:Phone {e164: $value})<-[h:HAS_PHONE]-(a:Ad)
RETURN """ + _AD_ROW + """, h.raw AS matched
ORDER BY a.last_seen DESC, a.site, a.site_ad_id SKIP $skip LIMIT $limit
"""
COUNT_BY_PHONE = "MATCH (:Phone {e164: $value})<-[:HAS_PHONE]-(a:Ad) RETURN count(a) AS total"

ADS_BY_EMAIL = """
MATCH (:Email {address: $value})<-[h:HAS_EMAIL]-(a:Ad)
RETURN """ + _AD_ROW + """, h.raw AS matched
ORDER BY a.last_seen DESC, a.site, a.site_ad_id SKIP $skip LIMIT $limit
"""
COUNT_BY_EMAIL = "MATCH (:Email {address: $value})<-[:HAS_EMAIL]-(a:Ad) RETURN count(a) AS total"

ADS_BY_HANDLE = """
MATCH (:Handle {handle_id: $value})<-[h:HAS_HANDLE]-(a:Ad)
RETURN """ + _AD_ROW + """, h.raw AS matched
ORDER BY a.last_seen DESC, a.site, a.site_ad_id SKIP $skip LIMIT $limit
"""
COUNT_BY_HANDLE = "MATCH (:Handle {handle_id: $value})<-[:HAS_HANDLE]-(a:Ad) RETURN count(a) AS total"

# Full text over every version of every ad: an ad is as relevant as its best-matching version.
ADS_BY_TEXT = """
CALL db.index.fulltext.queryNodes('ad_text', $value) YIELD node, score
MATCH (a:Ad)-[:HAS_VERSION]->(node)
WITH a, max(score) AS score, collect(node)[0] AS version
RETURN """ + _AD_ROW + """, version.body AS body, version.title AS version_title, score
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
