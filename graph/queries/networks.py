"""Cypher of networks: ads joined, directly or through any path, by a shared phone, email, handle,
image (identical or near-duplicate) or face. Identifiers shared by too many ads to be evidence
(hubs) or marked ignored by an admin join nothing."""

# The ads one hop of evidence away from each given ad, with their network ids.
# $hub: an identifier linked to more ads than this is a hub.
NEIGHBOURS = """
UNWIND $ads AS key
MATCH (a:Ad {site: key.site, site_ad_id: key.site_ad_id})
OPTIONAL CALL (a) {
  MATCH (a)-[:HAS_PHONE|HAS_EMAIL|HAS_HANDLE|HAS_IMAGE]->(x)
  WHERE NOT coalesce(x.ignored, false) AND COUNT { (x)<-[:HAS_PHONE|HAS_EMAIL|HAS_HANDLE|HAS_IMAGE]-(:Ad) } <= $hub
  MATCH (x)<-[:HAS_PHONE|HAS_EMAIL|HAS_HANDLE|HAS_IMAGE]-(b:Ad)
  RETURN b
  UNION
  MATCH (a)-[:HAS_IMAGE]->(i:Image)-[:NEAR_DUPLICATE]-(j:Image)<-[:HAS_IMAGE]-(b:Ad)
  WHERE NOT coalesce(i.ignored, false) AND NOT coalesce(j.ignored, false)
  RETURN b
  UNION
  MATCH (a)-[:HAS_IMAGE]->(:Image)-[:HAS_FACE]->(f:Face)-[:SAME_FACE]-(g:Face)<-[:HAS_FACE]-(:Image)<-[:HAS_IMAGE]-(b:Ad)
  WHERE NOT coalesce(f.ignored, false) AND NOT coalesce(g.ignored, false)
  RETURN b
}
WITH key, a, collect(DISTINCT b) AS others
RETURN key.site AS site, key.site_ad_id AS site_ad_id, a.network_id AS network_id,
       [b IN others WHERE b <> a | {site: b.site, site_ad_id: b.site_ad_id, network_id: b.network_id}] AS neighbours
"""

# $ads: [{site, site_ad_id, network_id}]: each ad's network, all in one statement.
SET_NETWORKS = """
UNWIND $ads AS row
MATCH (a:Ad {site: row.site, site_ad_id: row.site_ad_id})
SET a.network_id = row.network_id
"""

# $merges: [{old: [ids], network_id}]: the ads of the old networks move to the one that stays.
MERGE_NETWORKS = """
UNWIND $merges AS merge
MATCH (a:Ad) WHERE a.network_id IN merge.old
SET a.network_id = merge.network_id
"""

COUNT_NETWORKS = "MATCH (a:Ad) RETURN count(a) AS ads, count(DISTINCT a.network_id) AS networks"

CLEAR_NETWORKS = """
MATCH (a:Ad) WHERE a.network_id IS NOT NULL
CALL (a) { SET a.network_id = null } IN TRANSACTIONS OF 10000 ROWS
"""

ALL_ADS = "MATCH (a:Ad) RETURN a.site AS site, a.site_ad_id AS site_ad_id ORDER BY a.first_seen, site, site_ad_id"

# Why two ads are in one network: the shortest chain of shared evidence through ads of that network,
# ignored identifiers left out. (A hub inside the network may show in the chain: Neo4j 5.26 cannot
# count a node's ads inside a shortestPath predicate, "Index 1 out of bounds".)
WHY_LINKED = """
MATCH (a:Ad {site: $a.site, site_ad_id: $a.site_ad_id}), (b:Ad {site: $b.site, site_ad_id: $b.site_ad_id})
MATCH p = shortestPath((a)-[:HAS_PHONE|HAS_EMAIL|HAS_HANDLE|HAS_IMAGE|NEAR_DUPLICATE|HAS_FACE|SAME_FACE*..24]-(b))
WHERE all(n IN nodes(p)[1..-1] WHERE NOT n:Ad OR n.network_id = a.network_id)
  AND all(n IN nodes(p) WHERE NOT coalesce(n.ignored, false))
RETURN [n IN nodes(p) | {labels: labels(n), key: coalesce(n.e164, n.address, n.handle_id, n.sha256, n.face_id,
        n.site + '/' + n.site_ad_id)}] AS chain
"""

# One indexed lookup per label (an OR across labels would scan every node).
SET_IGNORED = """
CALL () {
  MATCH (x:Phone {e164: $key}) RETURN x
  UNION MATCH (x:Email {address: $key}) RETURN x
  UNION MATCH (x:Handle {handle_id: $key}) RETURN x
  UNION MATCH (x:Image {sha256: $key}) RETURN x
  UNION MATCH (x:Face {face_id: $key}) RETURN x
}
SET x.ignored = $ignored
RETURN labels(x)[0] AS label
"""

HUBS = """
MATCH (x)<-[:HAS_PHONE|HAS_EMAIL|HAS_HANDLE|HAS_IMAGE]-(a:Ad)
WITH x, count(a) AS ads WHERE ads > $hub
RETURN labels(x)[0] AS label, coalesce(x.e164, x.address, x.handle_id, x.sha256) AS key, ads,
       coalesce(x.ignored, false) AS ignored
ORDER BY ads DESC LIMIT $limit
"""

ADS_WITH_IMAGES = """
MATCH (a:Ad)-[:HAS_IMAGE]->(i:Image) WHERE i.sha256 IN $sha256s
RETURN DISTINCT a.site AS site, a.site_ad_id AS site_ad_id
"""

# The web app's hubs page: identifiers linked to more than $min_ads ads, and every identifier marked
# ignored (so an admin can undo it), with how many networks and sites their ads span.
HUB_SPREAD = """
CALL () {
  MATCH (x)<-[:HAS_PHONE|HAS_EMAIL|HAS_HANDLE|HAS_IMAGE]-(a:Ad) RETURN x, a
  UNION
  MATCH (x:Face)<-[:HAS_FACE]-(:Image)<-[:HAS_IMAGE]-(a:Ad) RETURN x, a
}
WITH x, count(a) AS ads, count(DISTINCT a.network_id) AS networks, count(DISTINCT a.site) AS sites
WHERE ads > $min_ads OR coalesce(x.ignored, false)
RETURN labels(x)[0] AS label, coalesce(x.e164, x.address, x.handle_id, x.sha256, x.face_id) AS key, ads, networks, sites,
       coalesce(x.ignored, false) AS ignored
ORDER BY ads DESC, key LIMIT $limit
"""

# SET_IGNORED for one kind of identifier ($label), returning the networks of the ads it is on (and
# those ads, some of which may have no network yet): the networks marking it may split or join.
SET_IGNORED_OF_KIND = """
CALL () {
  MATCH (x:Phone {e164: $key}) WHERE $label = 'Phone' RETURN x
  UNION MATCH (x:Email {address: $key}) WHERE $label = 'Email' RETURN x
  UNION MATCH (x:Handle {handle_id: $key}) WHERE $label = 'Handle' RETURN x
  UNION MATCH (x:Image {sha256: $key}) WHERE $label = 'Image' RETURN x
  UNION MATCH (x:Face {face_id: $key}) WHERE $label = 'Face' RETURN x
}
SET x.ignored = $ignored
WITH x
OPTIONAL CALL (x) {
  MATCH (x)<-[:HAS_PHONE|HAS_EMAIL|HAS_HANDLE|HAS_IMAGE]-(a:Ad) RETURN a
  UNION
  MATCH (x)<-[:HAS_FACE]-(:Image)<-[:HAS_IMAGE]-(a:Ad) RETURN a
}
WITH x, collect(DISTINCT a) AS ads
RETURN labels(x)[0] AS label, [a IN ads WHERE a.network_id IS NOT NULL | a.network_id] AS networks,
       [a IN ads | {site: a.site, site_ad_id: a.site_ad_id}] AS ads
"""

# Every ad of these networks (network_id is indexed).
ADS_OF_NETWORKS = """
MATCH (a:Ad) WHERE a.network_id IN $networks
RETURN a.site AS site, a.site_ad_id AS site_ad_id, a.network_id AS network_id
"""

AD_NETWORKS = """
UNWIND $ads AS key
MATCH (a:Ad {site: key.site, site_ad_id: key.site_ad_id})
RETURN a.site AS site, a.site_ad_id AS site_ad_id, a.network_id AS network_id
"""
