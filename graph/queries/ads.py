"""Cypher of the ad and network pages. Parameterized."""

AD = """
MATCH (a:Ad {site: $site, site_ad_id: $site_ad_id})
RETURN a.site AS site, a.site_ad_id AS site_ad_id, a.url AS url, a.title AS title, a.posted_at AS posted_at,
       a.first_seen AS first_seen, a.last_seen AS last_seen, a.removed_at AS removed_at,
       a.past_removals AS past_removals, a.network_id AS network_id,
       COLLECT { MATCH (a)-[:HAS_VERSION]->(v) WITH v ORDER BY v.fetched_at
                 RETURN {version_id: v.version_id, fetched_at: v.fetched_at, last_fetched_at: v.last_fetched_at,
                         title: v.title, body: v.body, raw_sha256: v.raw_sha256} } AS versions,
       COLLECT { MATCH (a)-[h:HAS_PHONE]->(p) RETURN {e164: p.e164, raw: h.raw} } AS phones,
       COLLECT { MATCH (a)-[h:HAS_EMAIL]->(e) RETURN {address: e.address, raw: h.raw} } AS emails,
       COLLECT { MATCH (a)-[h:HAS_HANDLE]->(x) RETURN {handle_id: x.handle_id, raw: h.raw} } AS handles,
       COLLECT { MATCH (a)-[h:HAS_IMAGE]->(i) RETURN {sha256: i.sha256, url: h.url,
                 faces: COUNT { (i)-[:HAS_FACE]->() }} } AS images,
       COLLECT { MATCH (a)-[h:IN_LOCATION]->(l) RETURN {name: l.name, region: l.region, first_seen: h.first_seen} } AS places
"""

# The network's ads, each with how many versions it has had and when the first and the newest
# version were first fetched (the ad page shows every version).
NETWORK_ADS = """
MATCH (a:Ad {network_id: $network_id})
CALL (a) {
  MATCH (a)-[:HAS_VERSION]->(v:AdVersion)
  RETURN count(v) AS versions, min(v.fetched_at) AS first_version_at, max(v.fetched_at) AS last_version_at
}
RETURN a.site AS site, a.site_ad_id AS site_ad_id, a.url AS url, a.title AS title, a.first_seen AS first_seen,
       a.last_seen AS last_seen, a.removed_at AS removed_at, versions, first_version_at, last_version_at
ORDER BY a.first_seen, a.site, a.site_ad_id
"""

# The identifiers of a network, each with how many of its ads carry it.
NETWORK_IDENTIFIERS = """
MATCH (a:Ad {network_id: $network_id})-[:HAS_PHONE|HAS_EMAIL|HAS_HANDLE|HAS_IMAGE]->(x)
WITH x, count(DISTINCT a) AS ads
RETURN labels(x)[0] AS kind, coalesce(x.e164, x.address, x.handle_id, x.sha256) AS key, ads,
       coalesce(x.ignored, false) AS ignored
ORDER BY kind, ads DESC, key
"""

# Where the network has posted, over time: a movement timeline (a strong trafficking indicator).
# spans: [first_seen, last_seen] of each of its ads' links to the place, for places per week, in
# epoch seconds: whole seconds are plenty to find a week, and the driver reads integers many times
# faster than DATETIMEs (a network of 12,000 ads: about 0.1 s instead of 1.8 s).
NETWORK_PLACES = """
MATCH (a:Ad {network_id: $network_id})-[h:IN_LOCATION]->(l:Location)
WITH l, min(h.first_seen) AS first_seen, max(h.last_seen) AS last_seen, count(DISTINCT a) AS ads,
     collect([h.first_seen.epochSeconds, h.last_seen.epochSeconds]) AS spans
RETURN l.location_id AS location_id, l.name AS name, l.region AS region, l.country AS country, first_seen,
       last_seen, ads, spans
ORDER BY first_seen, name
"""

# The network's images, each with the network ads that show it, the distinct phones on those ads
# (one image behind several phones is a strong link) and the faces found in it, each with the faces
# it is the same person as (SAME_FACE, either direction; in this network or not).
NETWORK_IMAGES = """
MATCH (a:Ad {network_id: $network_id})-[:HAS_IMAGE]->(i:Image)
WITH i, collect(DISTINCT a) AS ads
RETURN i.sha256 AS sha256, coalesce(i.ignored, false) AS ignored,
       [a IN ads | a.site + '/' + a.site_ad_id] AS ads,
       COLLECT { UNWIND ads AS a MATCH (a)-[:HAS_PHONE]->(p:Phone) RETURN DISTINCT p.e164 } AS phones,
       COLLECT { MATCH (i)-[:HAS_FACE]->(f:Face)
                 RETURN {face_id: f.face_id, engine: f.engine, model: f.model, box: f.box, score: f.score,
                         first_seen: f.first_seen, ignored: coalesce(f.ignored, false),
                         same_as: COLLECT { MATCH (f)-[:SAME_FACE]-(g:Face) RETURN g.face_id }} } AS faces
ORDER BY sha256
"""

# The network as nodes and edges for analysis and pictures: its ads, and every identifier they
# carry (hubs and ignored ones included: a picture shows them; analysis decides what counts).
NETWORK_EDGES = """
MATCH (a:Ad {network_id: $network_id})-[r:HAS_PHONE|HAS_EMAIL|HAS_HANDLE|HAS_IMAGE]->(x)
RETURN a.site + '/' + a.site_ad_id AS ad, labels(x)[0] AS kind,
       coalesce(x.e164, x.address, x.handle_id, x.sha256) AS key, coalesce(x.ignored, false) AS ignored
"""
