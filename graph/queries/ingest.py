"""Cypher for writing ad observations (graph.ingest).

Each statement runs once per batch over UNWIND $rows, all in one write
transaction. Times arrive as ISO strings (see graph.records) and compare
correctly when observations come out of order. A version's own fields are set
only when it is created, so history is never rewritten. Rows are sorted by key
before they are sent so concurrent writers lock nodes in the same order.
"""

# The ad, its site and the version this observation saw.
UPSERT_ADS = """
UNWIND $rows AS r
WITH r, datetime(r.fetched_at) AS seen, datetime(r.posted_at) AS posted
MERGE (s:Site {name: r.site})
MERGE (a:Ad {site: r.site, site_ad_id: r.site_ad_id})
  ON CREATE SET a.first_seen = seen
WITH s, a, r, seen, posted, (a.last_seen IS NULL OR seen >= a.last_seen) AS newest,
     (a.removed_at IS NOT NULL AND seen > a.removed_at) AS relisted
SET a.first_seen = CASE WHEN seen < a.first_seen THEN seen ELSE a.first_seen END,
    a.last_seen = CASE WHEN newest THEN seen ELSE a.last_seen END,
    a.url = CASE WHEN newest AND r.url IS NOT NULL THEN r.url ELSE a.url END,
    a.title = CASE WHEN newest THEN r.title ELSE a.title END,
    a.posted_at = CASE WHEN newest AND posted IS NOT NULL THEN posted ELSE a.posted_at END,
    // Seen live after it was reported gone: relisted. The removal is kept, not erased.
    a.past_removals = CASE WHEN relisted THEN coalesce(a.past_removals, []) + a.removed_at
                           ELSE a.past_removals END,
    a.removed_at = CASE WHEN relisted THEN null ELSE a.removed_at END
MERGE (a)-[:POSTED_ON]->(s)
MERGE (v:AdVersion {version_id: r.version_id})
  ON CREATE SET v.content_hash = r.content_hash, v.title = r.title, v.body = r.body,
                v.url = r.url, v.posted_at = posted, v.fetched_at = seen,
                v.raw_sha256 = r.raw_sha256, v.last_fetched_at = seen
  ON MATCH SET v.last_fetched_at = CASE WHEN seen > v.last_fetched_at THEN seen ELSE v.last_fetched_at END
MERGE (a)-[:HAS_VERSION]->(v)
"""

# Identifier links keep every distinct raw text the identifier appeared as
# (the disguise is evidence) and the first and last time it was seen on the ad.
LINK_PHONES = """
UNWIND $rows AS r
WITH r, datetime(r.seen) AS seen
MATCH (a:Ad {site: r.site, site_ad_id: r.site_ad_id})
MERGE (p:Phone {e164: r.e164})
  ON CREATE SET p.first_seen = seen
MERGE (a)-[h:HAS_PHONE]->(p)
  ON CREATE SET h.first_seen = seen, h.last_seen = seen, h.raw = r.raw
  ON MATCH SET h.last_seen = CASE WHEN seen > h.last_seen THEN seen ELSE h.last_seen END,
               h.raw = h.raw + [x IN r.raw WHERE NOT x IN h.raw]
"""

LINK_EMAILS = """
UNWIND $rows AS r
WITH r, datetime(r.seen) AS seen
MATCH (a:Ad {site: r.site, site_ad_id: r.site_ad_id})
MERGE (e:Email {address: r.address})
  ON CREATE SET e.first_seen = seen
MERGE (a)-[h:HAS_EMAIL]->(e)
  ON CREATE SET h.first_seen = seen, h.last_seen = seen, h.raw = r.raw
  ON MATCH SET h.last_seen = CASE WHEN seen > h.last_seen THEN seen ELSE h.last_seen END,
               h.raw = h.raw + [x IN r.raw WHERE NOT x IN h.raw]
"""

LINK_LOCATIONS = """
UNWIND $rows AS r
WITH r, datetime(r.seen) AS seen
MATCH (a:Ad {site: r.site, site_ad_id: r.site_ad_id})
MERGE (l:Location {location_id: r.location_id})
  ON CREATE SET l.name = r.name, l.region = r.region, l.country = r.country, l.lat = r.lat, l.lon = r.lon,
                l.point = CASE WHEN r.lat IS NULL OR r.lon IS NULL THEN null
                               ELSE point({latitude: r.lat, longitude: r.lon}) END
MERGE (a)-[h:IN_LOCATION]->(l)
  ON CREATE SET h.first_seen = seen, h.last_seen = seen, h.raw = r.raw
  ON MATCH SET h.last_seen = CASE WHEN seen > h.last_seen THEN seen ELSE h.last_seen END
"""

LINK_IMAGES = """
UNWIND $rows AS r
WITH r, datetime(r.seen) AS seen
MATCH (a:Ad {site: r.site, site_ad_id: r.site_ad_id})
MERGE (i:Image {sha256: r.sha256})
  ON CREATE SET i.first_seen = seen, i.phash = r.phash, i.path = r.path
MERGE (a)-[h:HAS_IMAGE]->(i)
  ON CREATE SET h.first_seen = seen, h.last_seen = seen, h.url = r.url
  ON MATCH SET h.last_seen = CASE WHEN seen > h.last_seen THEN seen ELSE h.last_seen END
"""

LINK_FACES = """
UNWIND $rows AS r
WITH r, datetime(r.seen) AS seen
MATCH (i:Image {sha256: r.image_sha256})
MERGE (f:Face {face_id: r.face_id})
  ON CREATE SET f.engine = r.engine, f.model = r.model, f.box = r.box, f.score = r.score,
                f.embedding = r.embedding, f.first_seen = seen
MERGE (i)-[h:HAS_FACE]->(f)
  ON CREATE SET h.first_seen = seen
"""

# Removal reports: the ad gets removed_at and stays, with every version. A
# report for an unknown ad, an ad already marked, or one older than the last
# live sighting changes nothing.
MARK_REMOVED = """
UNWIND $rows AS r
WITH r, datetime(r.fetched_at) AS gone
MATCH (a:Ad {site: r.site, site_ad_id: r.site_ad_id})
WHERE a.removed_at IS NULL AND gone > a.last_seen
SET a.removed_at = gone
RETURN count(a) AS marked
"""
