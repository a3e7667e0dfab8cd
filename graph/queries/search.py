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

# Ads by an image: the image with the uploaded bytes ($sha256) and the images whose pHash is one of
# $near ({phash, distance}: graph.imagesearch finds them within the crawl's near-duplicate distance;
# the phash range index finds their images). Each ad once, by its best-matching image (identical
# first, then the nearest; the lowest sha256 among equals), with how many of its images matched.
_IMAGE_MATCHES = """
CALL () {
  MATCH (i:Image {sha256: $sha256})<-[:HAS_IMAGE]-(a:Ad)
  RETURN a, i, 'identical' AS match, 0 AS distance, 0 AS rank
  UNION ALL
  UNWIND $near AS n
  MATCH (i:Image {phash: n.phash})<-[:HAS_IMAGE]-(a:Ad)
  WHERE i.sha256 <> $sha256
  RETURN a, i, 'near-duplicate' AS match, n.distance AS distance, 1 + n.distance AS rank
}"""
ADS_BY_IMAGE = _IMAGE_MATCHES + """
WITH a, i, match, distance, rank ORDER BY rank, i.sha256
WITH a, collect({image: i.sha256, match: match, distance: distance, rank: rank}) AS found
WITH a, found[0] AS best, size(found) AS images
RETURN """ + _AD_ROW + """, best.match AS match, best.distance AS distance, best.image AS image,
       images AS matched_images
ORDER BY best.rank, a.last_seen DESC, a.site, a.site_ad_id SKIP $skip LIMIT $limit
"""
COUNT_BY_IMAGE = _IMAGE_MATCHES + """
RETURN count(DISTINCT a) AS total
"""
