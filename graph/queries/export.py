"""Cypher of evidence export (graph/export/subgraph.py): a subgraph read page by page, each node with
all its properties and each relationship with its own, so a 10,000-ad network never has to be held at
once. Pages are keyset pages: `key > $after ORDER BY key LIMIT $limit`, the same order every time.

Nodes come kind by kind (one dict entry per kind); relationships come with the node they leave
(ads, images and faces are the only nodes relationships leave), grouped per source node."""

from graph.queries import ANY_KEY as _ANY_KEY, KEY_OF as _KEY_OF  # private: EXPLAIN runs public ones

# The relationships an exported node leaves by, per kind of node (every other kind has none).
_OUT = {
    "Ad": "HAS_VERSION|HAS_PHONE|HAS_EMAIL|HAS_HANDLE|HAS_IMAGE|IN_LOCATION",
    "Face": "SAME_FACE",
    "Image": "HAS_FACE|NEAR_DUPLICATE",
}

# One relationship, from the node it leaves: its type, the node it goes to, its properties.
_EDGE = ("{type: type(r), target_kind: labels(t)[0], target_key: " + _ANY_KEY % {"n": "t"}
         + ", properties: properties(r)}")

# ---- a network: every ad with its network_id, all they link to, the faces on their images ----------

_IN_NETWORK = {
    "Ad": "MATCH (n:Ad {network_id: $network_id})",
    "AdVersion": "MATCH (:Ad {network_id: $network_id})-[:HAS_VERSION]->(n:AdVersion)",
    "Email": "MATCH (:Ad {network_id: $network_id})-[:HAS_EMAIL]->(n:Email)",
    "Face": "MATCH (:Ad {network_id: $network_id})-[:HAS_IMAGE]->(:Image)-[:HAS_FACE]->(n:Face)",
    "Handle": "MATCH (:Ad {network_id: $network_id})-[:HAS_HANDLE]->(n:Handle)",
    "Image": "MATCH (:Ad {network_id: $network_id})-[:HAS_IMAGE]->(n:Image)",
    "Location": "MATCH (:Ad {network_id: $network_id})-[:IN_LOCATION]->(n:Location)",
    "Phone": "MATCH (:Ad {network_id: $network_id})-[:HAS_PHONE]->(n:Phone)",
}


def _page(kind: str) -> str:
    return f"""
WITH DISTINCT n
WITH n, {_KEY_OF[kind] % {"n": "n"}} AS key
WHERE key > $after
ORDER BY key LIMIT $limit"""


# One page of the network's nodes of one kind: [{key, properties}], in key order.
NETWORK_NODES = {kind: find + _page(kind) + "\nRETURN key, properties(n) AS properties"
                 for kind, find in _IN_NETWORK.items()}

# Whether the other end of a relationship is in the network too (an ad's own links always are).
_TARGET_IN_NETWORK = {
    "Ad": "true",
    "Face": "EXISTS { (t)<-[:HAS_FACE]-(:Image)<-[:HAS_IMAGE]-(:Ad {network_id: $network_id}) }",
    "Image": "(t:Face OR EXISTS { (t)<-[:HAS_IMAGE]-(:Ad {network_id: $network_id}) })",
}

# One page of the network's nodes of one kind that relationships leave, each with those
# relationships: [{key, edges: [{type, target_kind, target_key, properties}]}], in key order.
NETWORK_EDGES = {kind: _IN_NETWORK[kind] + _page(kind) + f"""
RETURN key, COLLECT {{
  MATCH (n)-[r:{_OUT[kind]}]->(t)
  WHERE {_TARGET_IN_NETWORK[kind]}
  RETURN {_EDGE}
}} AS edges""" for kind in _OUT}

NETWORK_SIZE = "MATCH (a:Ad {network_id: $network_id}) RETURN count(a) AS ads"

# ---- a given set of nodes: $rows [{key}] (ads: [{key, site, site_ad_id}]) -------------------------

_FIND = {
    "Ad": "MATCH (n:Ad {site: row.site, site_ad_id: row.site_ad_id})",
    "AdVersion": "MATCH (n:AdVersion {version_id: row.key})",
    "Email": "MATCH (n:Email {address: row.key})",
    "Face": "MATCH (n:Face {face_id: row.key})",
    "Handle": "MATCH (n:Handle {handle_id: row.key})",
    "Image": "MATCH (n:Image {sha256: row.key})",
    "Location": "MATCH (n:Location {location_id: row.key})",
    "Phone": "MATCH (n:Phone {e164: row.key})",
}

# The given nodes of one kind that exist: [{key, element_id}].
RESOLVE = {kind: f"UNWIND $rows AS row\n{find}\nRETURN row.key AS key, elementId(n) AS element_id"
           for kind, find in _FIND.items()}

# The given nodes of one kind with their properties: [{key, properties}].
NODES = {kind: f"UNWIND $rows AS row\n{find}\nRETURN row.key AS key, properties(n) AS properties"
         for kind, find in _FIND.items()}

# The versions of the given ads: [{key}] (version ids).
VERSIONS = f"""UNWIND $rows AS row
{_FIND["Ad"]}
MATCH (n)-[:HAS_VERSION]->(v:AdVersion)
RETURN DISTINCT v.version_id AS key"""

# Every relationship the given nodes of one kind leave by: [{key, edges: [...]}] as NETWORK_EDGES;
# the caller keeps those whose other end is in the set.
EDGES = {kind: f"""UNWIND $rows AS row
{_FIND[kind]}
RETURN row.key AS key, COLLECT {{
  MATCH (n)-[r:{_OUT[kind]}]->(t)
  RETURN {_EDGE}
}} AS edges""" for kind in _OUT}

# The shortest chain of evidence between each pair of nodes ($pairs: [[element id, element id]]), as
# `adgraph networks why` finds it (phones, emails, handles, images, near-duplicates, faces), ignored
# and common identifiers left out: [{pair, nodes: [{kind, key}] or null}].
PATHS = f"""
UNWIND $pairs AS pair
MATCH (a) WHERE elementId(a) = pair[0]
MATCH (b) WHERE elementId(b) = pair[1]
OPTIONAL MATCH p = shortestPath((a)-[:HAS_PHONE|HAS_EMAIL|HAS_HANDLE|HAS_IMAGE|NEAR_DUPLICATE|HAS_FACE|SAME_FACE*..24]-(b))
WHERE all(x IN nodes(p)[1..-1] WHERE NOT coalesce(x.ignored, false) AND NOT coalesce(x.common, false))
RETURN pair, CASE WHEN p IS NULL THEN null
                  ELSE [x IN nodes(p) | {{kind: labels(x)[0], key: {_ANY_KEY % {"n": "x"}}}}] END AS nodes
"""
