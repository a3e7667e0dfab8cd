"""Cypher for writing ad observations (graph.ingest).

Each statement runs once per batch over UNWIND $rows, all in one write
transaction. Times arrive as ISO strings (see graph.records) and compare
correctly when observations come out of order. A version's own fields are set
only when it is created, so history is never rewritten. Rows are sorted by key
before they are sent so concurrent writers lock nodes in the same order.
"""

# The ads of one phase of a batch (each ad at most once, see graph.ingest), grouped by
# site so each Site is merged once per batch, not once per ad. Returns every ad's
# elementId, for the link statements to find it without another index seek.
UPSERT_ADS = """
UNWIND $rows AS g
MERGE (s:Site {name: g.name})
WITH s, g
UNWIND g.ads AS r
WITH s, r, datetime(r.fetched_at) AS seen, datetime(r.posted_at) AS posted
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
RETURN r.k AS k, elementId(a) AS ad
"""

# Identifier links keep every distinct raw text the identifier appeared as
# (the disguise is evidence) and the first and last time it was seen on the ad.
# r.ad is the ad's elementId from UPSERT_ADS in the same transaction (no second
# index seek per ad).

LINK_PHONES = """
UNWIND $rows AS r
WITH r, datetime(r.seen) AS seen
MATCH (a:Ad) WHERE elementId(a) = r.ad
MERGE (p:Phone {e164: r.e164})
  ON CREATE SET p.first_seen = seen
  ON MATCH SET p.first_seen = CASE WHEN seen < p.first_seen THEN seen ELSE p.first_seen END
MERGE (a)-[h:HAS_PHONE]->(p)
  ON CREATE SET h.first_seen = seen, h.last_seen = seen, h.raw = r.raw
  ON MATCH SET h.first_seen = CASE WHEN seen < h.first_seen THEN seen ELSE h.first_seen END,
               h.last_seen = CASE WHEN seen > h.last_seen THEN seen ELSE h.last_seen END,
               h.raw = h.raw + [x IN r.raw WHERE NOT x IN h.raw]
"""


LINK_HANDLES = """
UNWIND $rows AS r
WITH r, datetime(r.seen) AS seen
MATCH (a:Ad) WHERE elementId(a) = r.ad
MERGE (x:Handle {handle_id: r.handle_id})
  ON CREATE SET x.first_seen = seen, x.platform = split(r.handle_id, ':')[0],
                x.handle = substring(r.handle_id, size(split(r.handle_id, ':')[0]) + 1)
  ON MATCH SET x.first_seen = CASE WHEN seen < x.first_seen THEN seen ELSE x.first_seen END
MERGE (a)-[h:HAS_HANDLE]->(x)
  ON CREATE SET h.first_seen = seen, h.last_seen = seen, h.raw = r.raw
  ON MATCH SET h.first_seen = CASE WHEN seen < h.first_seen THEN seen ELSE h.first_seen END,
               h.last_seen = CASE WHEN seen > h.last_seen THEN seen ELSE h.last_seen END,
               h.raw = h.raw + [x IN r.raw WHERE NOT x IN h.raw]
"""

LINK_EMAILS = """
UNWIND $rows AS r
WITH r, datetime(r.seen) AS seen
MATCH (a:Ad) WHERE elementId(a) = r.ad
MERGE (e:Email {address: r.address})
  ON CREATE SET e.first_seen = seen
  ON MATCH SET e.first_seen = CASE WHEN seen < e.first_seen THEN seen ELSE e.first_seen END
MERGE (a)-[h:HAS_EMAIL]->(e)
  ON CREATE SET h.first_seen = seen, h.last_seen = seen, h.raw = r.raw
  ON MATCH SET h.first_seen = CASE WHEN seen < h.first_seen THEN seen ELSE h.first_seen END,
               h.last_seen = CASE WHEN seen > h.last_seen THEN seen ELSE h.last_seen END,
               h.raw = h.raw + [x IN r.raw WHERE NOT x IN h.raw]
"""


LINK_LOCATIONS = """
UNWIND $rows AS r
WITH r, datetime(r.seen) AS seen
MATCH (a:Ad) WHERE elementId(a) = r.ad
MERGE (l:Location {location_id: r.location_id})
  ON CREATE SET l.name = r.name, l.region = r.region, l.country = r.country, l.lat = r.lat, l.lon = r.lon,
                l.point = CASE WHEN r.lat IS NULL OR r.lon IS NULL THEN null
                               ELSE point({latitude: r.lat, longitude: r.lon}) END
MERGE (a)-[h:IN_LOCATION]->(l)
  ON CREATE SET h.first_seen = seen, h.last_seen = seen, h.raw = r.raw
  ON MATCH SET h.first_seen = CASE WHEN seen < h.first_seen THEN seen ELSE h.first_seen END,
               h.last_seen = CASE WHEN seen > h.last_seen THEN seen ELSE h.last_seen END
"""


LINK_IMAGES = """
UNWIND $rows AS r
WITH r, datetime(r.seen) AS seen
MATCH (a:Ad) WHERE elementId(a) = r.ad
MERGE (i:Image {sha256: r.sha256})
  ON CREATE SET i.first_seen = seen, i.phash = r.phash, i.path = r.path, i.width = r.width, i.height = r.height,
                i.mime = r.mime, i.camera_make = r.exif.camera_make, i.camera_model = r.exif.camera_model,
                i.software = r.exif.software, i.taken_at = r.exif.taken_at,
                i.gps = CASE WHEN r.exif.gps_lat IS NULL THEN null
                             ELSE point({latitude: r.exif.gps_lat, longitude: r.exif.gps_lon}) END
  ON MATCH SET i.first_seen = CASE WHEN seen < i.first_seen THEN seen ELSE i.first_seen END
MERGE (a)-[h:HAS_IMAGE]->(i)
  ON CREATE SET h.first_seen = seen, h.last_seen = seen, h.url = r.url
  ON MATCH SET h.first_seen = CASE WHEN seen < h.first_seen THEN seen ELSE h.first_seen END,
               h.last_seen = CASE WHEN seen > h.last_seen THEN seen ELSE h.last_seen END
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

# Removal reports: the ad gets removed_at and stays, with every version. A report
# newer than the ad's last live sighting is the current removal (the earliest such
# report wins); one older than it is a removal the ad came back from, kept in
# past_removals, so the outcome does not depend on the order reports arrive in.
# A report for an ad never seen live, or one already recorded, changes nothing.
MARK_REMOVED = """
UNWIND $rows AS r
WITH r, datetime(r.fetched_at) AS gone
MATCH (a:Ad {site: r.site, site_ad_id: r.site_ad_id})
WITH a, gone,
     gone > a.last_seen AND (a.removed_at IS NULL OR gone < a.removed_at) AS current,
     gone <= a.last_seen AND NOT gone IN coalesce(a.past_removals, []) AS past
SET a.removed_at = CASE WHEN current THEN gone ELSE a.removed_at END,
    a.past_removals = CASE WHEN past THEN coalesce(a.past_removals, []) + gone ELSE a.past_removals END
RETURN count(CASE WHEN current OR past THEN 1 END) AS marked
"""
