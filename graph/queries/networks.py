"""Cypher of networks: ads joined, directly or through any path, by a shared phone, email, handle,
image (identical or near-duplicate) or face. Identifiers judged common (graph/commonness.py) or
marked ignored by an admin join nothing."""

# $ads: [{site, site_ad_id, network_id}]: each ad's network, all in one statement.
SET_NETWORKS = """
UNWIND $ads AS row
MATCH (a:Ad {site: row.site, site_ad_id: row.site_ad_id})
SET a.network_id = row.network_id
"""

COUNT_NETWORKS = "MATCH (a:Ad) RETURN count(a) AS ads, count(DISTINCT a.network_id) AS networks"

# Why two ads are in one network: the shortest chain of shared evidence through ads of that network,
# ignored and common identifiers left out.
WHY_LINKED = """
MATCH (a:Ad {site: $a.site, site_ad_id: $a.site_ad_id}), (b:Ad {site: $b.site, site_ad_id: $b.site_ad_id})
MATCH p = shortestPath((a)-[:HAS_PHONE|HAS_EMAIL|HAS_HANDLE|HAS_IMAGE|NEAR_DUPLICATE|HAS_FACE|SAME_FACE*..24]-(b))
WHERE all(n IN nodes(p)[1..-1] WHERE NOT n:Ad OR n.network_id = a.network_id)
  AND all(n IN nodes(p) WHERE NOT coalesce(n.ignored, false) AND NOT coalesce(n.common, false))
RETURN [n IN nodes(p) | {labels: labels(n), key: coalesce(n.e164, n.address, n.handle_id, n.sha256, n.face_id,
        n.site + '/' + n.site_ad_id)}] AS chain
"""

ADS_WITH_IMAGES = """
MATCH (a:Ad)-[:HAS_IMAGE]->(i:Image) WHERE i.sha256 IN $sha256s
RETURN DISTINCT a.site AS site, a.site_ad_id AS site_ad_id
"""

# One identifier of one kind ($label) by its key ($key): one indexed lookup per label (an OR across
# labels would scan every node). A fragment; IDENTIFIER_OF_ROW reads them from `row` instead.
_IDENTIFIER = """CALL () {
  MATCH (x:Phone {e164: $key}) WHERE $label = 'Phone' RETURN x
  UNION MATCH (x:Email {address: $key}) WHERE $label = 'Email' RETURN x
  UNION MATCH (x:Handle {handle_id: $key}) WHERE $label = 'Handle' RETURN x
  UNION MATCH (x:Image {sha256: $key}) WHERE $label = 'Image' RETURN x
  UNION MATCH (x:Face {face_id: $key}) WHERE $label = 'Face' RETURN x
}"""
_IDENTIFIER_OF_ROW = _IDENTIFIER.replace("CALL ()", "CALL (row)").replace("$key", "row.key").replace("$label", "row.label")

# An admin's word (ignored, or confirmed) on one identifier and on every copy judged with it (a
# picture's near-duplicates, a face's same faces: one identifier to linking), returning the networks
# of the ads they are on (and those ads, some of which may have no network yet): the networks the
# word may split or join.
_MARK_OF_KIND = _IDENTIFIER + """
WITH x, COLLECT { MATCH (x)-[:NEAR_DUPLICATE|SAME_FACE*0..]-(y) RETURN DISTINCT y } AS family
UNWIND family AS y
SET y.%s = $value
WITH x, y
OPTIONAL CALL (y) {
  MATCH (y)<-[:HAS_PHONE|HAS_EMAIL|HAS_HANDLE|HAS_IMAGE]-(a:Ad) RETURN a
  UNION
  MATCH (y)<-[:HAS_FACE]-(:Image)<-[:HAS_IMAGE]-(a:Ad) RETURN a
}
WITH x, collect(DISTINCT a) AS ads
RETURN labels(x)[0] AS label, [a IN ads WHERE a.network_id IS NOT NULL | a.network_id] AS networks,
       [a IN ads | {site: a.site, site_ad_id: a.site_ad_id}] AS ads
"""
SET_IGNORED_OF_KIND = _MARK_OF_KIND % "ignored"
SET_CONFIRMED_OF_KIND = _MARK_OF_KIND % "confirmed"

NETWORK_HAS_ADS = "RETURN EXISTS { MATCH (a:Ad {network_id: $network_id}) } AS has"

# Every ad of these networks (network_id is indexed).
ADS_OF_NETWORKS = """
MATCH (a:Ad) WHERE a.network_id IN $networks
RETURN a.site AS site, a.site_ad_id AS site_ad_id, a.network_id AS network_id
"""

# ---- Networks settled over a region (graph/linking.py) ------------------------------------------
# An identifier links when an admin has not ignored it and it is not judged common (a confirmed one
# never carries the verdict).
# The ads one hop of linking evidence away from each given ad (through a phone, email, handle,
# image, a near-duplicate of it, or the same face, none of them ignored or judged common; or through
# one judged common on at most $rejudge ads), with the networks of both: the region whose networks
# a batch may change is those networks' ads.
REGION_SEEDS = """
UNWIND $ads AS key
MATCH (a:Ad {site: key.site, site_ad_id: key.site_ad_id})
OPTIONAL CALL (a) {
  MATCH (a)-[:HAS_PHONE|HAS_EMAIL|HAS_HANDLE|HAS_IMAGE]->(x)<-[:HAS_PHONE|HAS_EMAIL|HAS_HANDLE|HAS_IMAGE]-(b:Ad)
  WHERE NOT coalesce(x.ignored, false) AND NOT coalesce(x.common, false)
  RETURN b
  UNION
  MATCH (a)-[:HAS_IMAGE]->(i:Image)-[:NEAR_DUPLICATE]-(j:Image)<-[:HAS_IMAGE]-(b:Ad)
  WHERE NOT coalesce(i.ignored, false) AND NOT coalesce(j.ignored, false)
    AND NOT coalesce(i.common, false) AND NOT coalesce(j.common, false)
  RETURN b
  UNION
  MATCH (a)-[:HAS_IMAGE]->(:Image)-[:HAS_FACE]->(f:Face)-[:SAME_FACE]-(g:Face)<-[:HAS_FACE]-(:Image)<-[:HAS_IMAGE]-(b:Ad)
  WHERE NOT coalesce(f.ignored, false) AND NOT coalesce(g.ignored, false)
    AND NOT coalesce(f.common, false) AND NOT coalesce(g.common, false)
  RETURN b
  UNION
  // Common identifiers on a few ads are judged again with all their ads in view: one judged common
  // on the first ads of an operation the crawl saw may be its thread once more of them arrive.
  MATCH (a)-[:HAS_PHONE|HAS_EMAIL|HAS_HANDLE|HAS_IMAGE]->(x)
  WHERE x.common AND NOT coalesce(x.ignored, false)
    AND COUNT { (x)<-[:HAS_PHONE|HAS_EMAIL|HAS_HANDLE|HAS_IMAGE]-() } <= $rejudge
  MATCH (x)<-[:HAS_PHONE|HAS_EMAIL|HAS_HANDLE|HAS_IMAGE]-(b:Ad)
  RETURN b
  UNION
  MATCH (a)-[:HAS_IMAGE]->(i:Image)-[:NEAR_DUPLICATE]-(j:Image)
  WHERE i.common AND NOT coalesce(i.ignored, false) AND NOT coalesce(j.ignored, false)
    AND COUNT { (i)-[:NEAR_DUPLICATE]-() } <= $rejudge AND COUNT { (j)<-[:HAS_IMAGE]-() } <= $rejudge
  MATCH (j)<-[:HAS_IMAGE]-(b:Ad)
  RETURN b
  UNION
  MATCH (a)-[:HAS_IMAGE]->(:Image)-[:HAS_FACE]->(f:Face)-[:SAME_FACE]-(g:Face)
  WHERE f.common AND NOT coalesce(f.ignored, false) AND NOT coalesce(g.ignored, false)
    AND COUNT { (f)-[:SAME_FACE]-() } <= $rejudge
  MATCH (g)<-[:HAS_FACE]-(:Image)<-[:HAS_IMAGE]-(b:Ad)
  RETURN b
}
WITH a, collect(DISTINCT b) AS others
RETURN a.site AS site, a.site_ad_id AS site_ad_id, a.network_id AS network_id,
       [b IN others WHERE b <> a | {site: b.site, site_ad_id: b.site_ad_id, network_id: b.network_id}] AS neighbours
"""

# Everything linking knows of each ad of a region: its site and network, and each identifier it
# carries (phones, emails, handles, images, the faces in its images) with an admin's word on it
# (confirmed), whether it was judged common (the unit it was judged with, or null), and how many ads
# it is on in all (to tell whether all of them are in view). Ignored identifiers are left out: they link nothing.
REGION_ADS = """
UNWIND $ads AS key
MATCH (a:Ad {site: key.site, site_ad_id: key.site_ad_id})
RETURN a.site AS site, a.site_ad_id AS site_ad_id, a.network_id AS network_id,
  COLLECT { MATCH (a)-[:HAS_PHONE|HAS_EMAIL|HAS_HANDLE]->(x) WHERE NOT coalesce(x.ignored, false)
            RETURN [labels(x)[0], coalesce(x.e164, x.address, x.handle_id), coalesce(x.confirmed, false),
                    CASE WHEN x.common THEN coalesce(x.common_unit, '') END, COUNT { (x)<-[:HAS_PHONE|HAS_EMAIL|HAS_HANDLE]-() }] } AS strong,
  COLLECT { MATCH (a)-[:HAS_IMAGE]->(i:Image) WHERE NOT coalesce(i.ignored, false)
            RETURN [i.sha256, coalesce(i.confirmed, false), CASE WHEN i.common THEN coalesce(i.common_unit, '') END,
                    COUNT { (i)<-[:HAS_IMAGE]-() }] } AS images,
  COLLECT { MATCH (a)-[:HAS_IMAGE]->(i:Image)-[:HAS_FACE]->(f:Face) WHERE NOT coalesce(f.ignored, false)
            RETURN [f.face_id, coalesce(f.confirmed, false), CASE WHEN f.common THEN coalesce(f.common_unit, '') END,
                    COUNT { (f)<-[:HAS_FACE]-(:Image)<-[:HAS_IMAGE]-(:Ad) }] } AS faces
"""

# The near-duplicates of these images and the same faces of these faces (pairs, each with the far
# end's word and verdict): what makes picture families and faces out of single nodes.
REGION_IMAGE_PAIRS = """
UNWIND $keys AS key
MATCH (i:Image {sha256: key})-[:NEAR_DUPLICATE]-(j:Image) WHERE NOT coalesce(j.ignored, false)
RETURN i.sha256 AS a, j.sha256 AS b, coalesce(j.confirmed, false) AS confirmed,
       CASE WHEN j.common THEN coalesce(j.common_unit, '') END AS common
"""

REGION_FACE_PAIRS = """
UNWIND $keys AS key
MATCH (f:Face {face_id: key})-[:SAME_FACE]-(g:Face) WHERE NOT coalesce(g.ignored, false)
RETURN f.face_id AS a, g.face_id AS b, coalesce(g.confirmed, false) AS confirmed,
       CASE WHEN g.common THEN coalesce(g.common_unit, '') END AS common
"""

# The pictures the region's faces are in: a face is judged with its picture (one identifier: a stock
# photo and the face in it, even a face the detector imagined, spread together).
REGION_FACE_PICTURES = """
UNWIND $keys AS key
MATCH (i:Image)-[:HAS_FACE]->(f:Face {face_id: key})
RETURN f.face_id AS face, i.sha256 AS image
"""

# One step out from these pictures and faces through what makes them one identifier to linking
# (near-duplicates, the same faces, a face and the picture it is in), with the ads each picture is
# on: a common unit is walked out this way to be judged again whole (graph/linking.settle_commons).
# A picture or face with more than $most near-duplicates or same faces is `over` (each is on an ad
# at least): its unit is left, and its neighbours are not listed. Ignored ones are left out as the
# region queries leave them out (a face in an ignored picture still counts, as in REGION_ADS).
UNIT_STEP = """
UNWIND $nodes AS row
CALL (row) {
  MATCH (i:Image {sha256: row.key}) WHERE row.label = 'Image'
  WITH i, COUNT { (i)-[:NEAR_DUPLICATE]-() } > $most AS over
  RETURN COUNT { (i)<-[:HAS_IMAGE]-(:Ad) } AS ads, over,
         COLLECT { MATCH (i)-[:NEAR_DUPLICATE]-(j:Image) WHERE NOT over AND NOT coalesce(j.ignored, false)
                   RETURN ['Image', j.sha256] } +
         COLLECT { MATCH (i)-[:HAS_FACE]->(f:Face) WHERE NOT coalesce(f.ignored, false)
                   RETURN ['Face', f.face_id] } AS next
  UNION
  MATCH (f:Face {face_id: row.key}) WHERE row.label = 'Face'
  WITH f, COUNT { (f)-[:SAME_FACE]-() } > $most AS over
  RETURN 0 AS ads, over,
         COLLECT { MATCH (f)-[:SAME_FACE]-(g:Face) WHERE NOT over AND NOT coalesce(g.ignored, false)
                   RETURN ['Face', g.face_id] } +
         COLLECT { MATCH (i:Image)-[:HAS_FACE]->(f) RETURN ['Image', i.sha256] } AS next
}
RETURN row.label AS label, row.key AS key, ads, over, next
"""

# The ads of each of these identifiers ($rows: [{label, key}]; phones, emails, handles, pictures)
# on at most $most ads (one on more has grown since it was met: it is left as it is).
ADS_OF_IDENTIFIERS = "UNWIND $rows AS row\n" + _IDENTIFIER_OF_ROW + """
WITH row, x WHERE COUNT { (x)<-[:HAS_PHONE|HAS_EMAIL|HAS_HANDLE|HAS_IMAGE]-() } <= $most
RETURN row.label AS label, row.key AS key,
       COLLECT { MATCH (x)<-[:HAS_PHONE|HAS_EMAIL|HAS_HANDLE|HAS_IMAGE]-(a:Ad) RETURN [a.site, a.site_ad_id] } AS ads
"""

# Each ad is POSTED_ON its site once: the site's degree is its ad count, read without a scan.
SITE_AD_COUNTS = """
UNWIND $sites AS site
MATCH (s:Site {name: site})
RETURN site, COUNT { (s)<-[:POSTED_ON]-() } AS ads
"""

# $rows: [{label, key, reason, ads, groups, coverage, site_share, unit}]: identifiers judged common
# now (common_since set once). $clear: [{label, key}]: no longer common.
_SET_COMMON = """
SET x.common = true, x.common_since = coalesce(x.common_since, datetime($now)),
    x.common_reason = row.reason, x.common_ads = row.ads, x.common_groups = row.groups,
    x.common_coverage = row.coverage, x.common_site_share = row.site_share, x.common_unit = row.unit
"""
_CLEAR_COMMON = """
REMOVE x.common, x.common_since, x.common_reason, x.common_ads, x.common_groups, x.common_coverage,
       x.common_site_share, x.common_unit
"""
SET_COMMON = "UNWIND $rows AS row\n" + _IDENTIFIER_OF_ROW + _SET_COMMON
CLEAR_COMMON = "UNWIND $rows AS row\n" + _IDENTIFIER_OF_ROW + _CLEAR_COMMON
# The same for a rebuild, whose rows carry the identifiers' node ids (row.id).
SET_COMMON_BY_ID = "UNWIND $rows AS row\nMATCH (x) WHERE id(x) = row.id" + _SET_COMMON
CLEAR_COMMON_BY_ID = "UNWIND $rows AS row\nMATCH (x) WHERE id(x) = row.id" + _CLEAR_COMMON

# $events: [{event_id, kind, network_id, networks, ads, cause, identifiers}]: merges and splits.
ADD_NETWORK_EVENTS = """
UNWIND $events AS e
CREATE (:NetworkEvent {event_id: e.event_id, at: datetime($now), kind: e.kind, network_id: e.network_id,
                       networks: e.networks, ads: e.ads, cause: e.cause, identifiers: e.identifiers})
"""

# The merges and splits a network took part in, newest first: those it is named in (it kept its
# id) and those it is among the others of (it was merged away, or split off).
NETWORK_EVENTS = """
CALL () {
  MATCH (e:NetworkEvent {network_id: $network_id}) RETURN e
  UNION
  MATCH (e:NetworkEvent) WHERE $network_id IN e.networks RETURN e
}
RETURN e.event_id AS event_id, toString(e.at) AS at, e.kind AS kind, e.network_id AS network_id,
       e.networks AS networks, e.ads AS ads, e.cause AS cause, e.identifiers AS identifiers
ORDER BY e.at DESC, e.event_id LIMIT $limit
"""

# Where the ads a network had went: the latest event that merged it away (it lives on in
# network_id), for following a watched or exported network.
MERGED_INTO = """
MATCH (e:NetworkEvent {kind: 'merge'}) WHERE $network_id IN e.networks
RETURN e.network_id AS network_id, toString(e.at) AS at ORDER BY e.at DESC LIMIT 1
"""




def _flagged(words: tuple[str, ...]) -> str:
    """Identifier nodes (x) with any of these boolean properties true, each found through its own
    index (an OR across labels and properties would scan every node)."""
    return "CALL () {\n  " + "\n  UNION ".join(
        f"MATCH (x:{label}) WHERE x.{word} = true RETURN x"
        for label in ("Phone", "Email", "Handle", "Image", "Face") for word in words) + "\n}"


# Identifiers judged common, ignored or confirmed, with the figures that made them common and the
# networks, sites and places their ads span.
COMMON_IDENTIFIERS = _flagged(("common", "ignored", "confirmed")) + """
WITH x, COLLECT {
  MATCH (x)<-[:HAS_PHONE|HAS_EMAIL|HAS_HANDLE|HAS_IMAGE]-(a:Ad) RETURN a
  UNION
  MATCH (x)<-[:HAS_FACE]-(:Image)<-[:HAS_IMAGE]-(a:Ad) RETURN a
} AS ads
WHERE size(ads) >= $min_ads
RETURN labels(x)[0] AS label, coalesce(x.e164, x.address, x.handle_id, x.sha256, x.face_id) AS key,
       size(ads) AS ads, x.common_ads AS judged_ads,
       COUNT { UNWIND ads AS a WITH a WHERE a.network_id IS NOT NULL RETURN DISTINCT a.network_id } AS networks,
       COUNT { UNWIND ads AS a RETURN DISTINCT a.site } AS sites,
       COUNT { UNWIND ads AS a MATCH (a)-[:IN_LOCATION]->(l:Location) RETURN DISTINCT l } AS places,
       coalesce(x.common, false) AS common, x.common_reason AS reason, x.common_groups AS groups,
       x.common_coverage AS coverage, x.common_site_share AS site_share, toString(x.common_since) AS common_since,
       x.common_unit AS unit, coalesce(x.ignored, false) AS ignored, coalesce(x.confirmed, false) AS confirmed
ORDER BY ads DESC, key LIMIT $limit
"""

# ---- A rebuild of every network (graph/rebuild.py), by Neo4j's node ids: compact to read ---------
# Ads and their links are read in slices of node ids ($lo <= id < $hi, each found by its id), each
# slice one row of lists: far fewer records for the driver to decode than a row per ad, and no list
# the size of the graph in the database's heap. Faces and picture pairs are read whole, from their
# relationship type's index (slices would look up every node id again to find a few). Ignored
# identifiers are read on their own (through their index) and left out by the reader: a property
# read per link costs more than the links.
MAX_NODE_ID = "MATCH (n) RETURN max(id(n)) AS top"

REBUILD_ADS = """
UNWIND range($lo, $hi - 1) AS nid
MATCH (a:Ad) WHERE id(a) = nid
RETURN collect(nid) AS ids, collect(a.site) AS sites, collect(a.site_ad_id) AS site_ad_ids,
       collect(coalesce(a.network_id, "")) AS networks  // collect() would drop nulls
"""

REBUILD_LINKS = """
UNWIND range($lo, $hi - 1) AS nid
MATCH (a:Ad)-[r:HAS_PHONE|HAS_EMAIL|HAS_HANDLE|HAS_IMAGE]->(x) WHERE id(a) = nid
RETURN collect(nid) AS ads, collect(id(x)) AS nodes, collect(type(r) <> 'HAS_IMAGE') AS strong
"""

# The faces an ad shows, through its pictures.
REBUILD_FACES = """
MATCH (a:Ad)-[:HAS_IMAGE]->(:Image)-[:HAS_FACE]->(f:Face)
RETURN collect(id(a)) AS ads, collect(id(f)) AS nodes
"""

REBUILD_PAIRS = """
MATCH (i)-[:NEAR_DUPLICATE|SAME_FACE|HAS_FACE]->(j)
RETURN collect(id(i)) AS a, collect(id(j)) AS b
"""

# Identifiers with an admin's word or a verdict on them, each found through its own index.
REBUILD_MARKED = _flagged(("common", "confirmed", "ignored")) + """
RETURN id(x) AS id, coalesce(x.common, false) AS common, coalesce(x.confirmed, false) AS confirmed,
       coalesce(x.ignored, false) AS ignored
"""

DESCRIBE_NODES = """
UNWIND $ids AS nid
MATCH (x) WHERE id(x) = nid
RETURN nid AS id, labels(x)[0] AS label, coalesce(x.e164, x.address, x.handle_id, x.sha256, x.face_id) AS key
"""

# A rebuild's new network ids are staged first, a batch per NetworkStage node (the ads' node ids and
# their new ids, side by side: no ad is written), then swapped in, a batch per transaction, two at
# once (the batches hold different ads): a rebuild stopped while staging leaves every network_id as
# it was.
STAGE_NETWORKS = """
CREATE (:NetworkStage {stage_id: $stage_id, ids: $ids, network_ids: $network_ids})
"""

CLEAR_STAGED = "MATCH (s:NetworkStage) DELETE s"

SWAP_STAGED = """
MATCH (s:NetworkStage)
CALL (s) {
  CALL (s) {
    UNWIND range(0, size(s.ids) - 1) AS i
    MATCH (a:Ad) WHERE id(a) = s.ids[i]
    SET a.network_id = s.network_ids[i]
  }
  DELETE s
} IN 2 CONCURRENT TRANSACTIONS OF 1 ROW
"""
