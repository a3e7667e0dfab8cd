"""Cypher of the network picture: a network's nodes and edges, and one node's neighbours when an
investigator expands it. Parameterized; each node comes back as one map (_NODE below)."""

from graph.queries import ANY_KEY as _ANY_KEY  # private: EXPLAIN runs public ones

# Every node as one map: its kind, its key, and what a label or tooltip needs. Ads carry their
# newest version's text for the tooltip. Times come back as ISO strings: the driver takes about
# 100 µs to make each zoned datetime, a second on a 2,000-node picture.
_NODE = """{kind: labels(%(n)s)[0], key: """ + _ANY_KEY + """,
  title: %(n)s.title, name: %(n)s.name, region: %(n)s.region, engine: %(n)s.engine,
  first_seen: toString(%(n)s.first_seen), last_seen: toString(%(n)s.last_seen),
  removed_at: toString(%(n)s.removed_at),
  network_id: %(n)s.network_id, ignored: coalesce(%(n)s.ignored, false),
  common: coalesce(%(n)s.common, false) AND NOT coalesce(%(n)s.confirmed, false), common_reason: %(n)s.common_reason,
  body: CASE WHEN %(n)s:Ad THEN COLLECT { MATCH (%(n)s)-[:HAS_VERSION]->(v) WITH v ORDER BY v.fetched_at DESC
                                          RETURN v.body LIMIT 1 }[0] END,
  ads: CASE WHEN %(n)s:Ad THEN null
            ELSE COUNT { (%(n)s)<-[:HAS_PHONE|HAS_EMAIL|HAS_HANDLE|HAS_IMAGE|IN_LOCATION]-() } END}"""

_LINKS = "HAS_PHONE|HAS_EMAIL|HAS_HANDLE|HAS_IMAGE|IN_LOCATION"

# The network's ads and everything they carry, with faces on its images; edges as [from key, to key, type].
NETWORK_NODES = f"""
MATCH (a:Ad {{network_id: $network_id}})
OPTIONAL MATCH (a)-[:{_LINKS}]->(x)
WITH collect(DISTINCT a) + collect(DISTINCT x) AS nodes
OPTIONAL CALL (nodes) {{
  UNWIND nodes AS i
  MATCH (i:Image)-[:HAS_FACE]->(f:Face)
  RETURN collect(DISTINCT f) AS faces
}}
UNWIND nodes + coalesce(faces, []) AS n
RETURN {_NODE % {"n": "n"}} AS node
"""

# The other end's network is tested as a filter, not matched as a pattern: planned right after a
# bulk ingest, the pattern became a hash join over every ad (4 s instead of 0.2 s on 1,200 ads).
NETWORK_EDGES = f"""
MATCH (a:Ad {{network_id: $network_id}})
CALL (a) {{
  MATCH (a)-[r:{_LINKS}]->(x)
  RETURN a AS s, r, x AS t
  UNION
  MATCH (a)-[:HAS_IMAGE]->(i:Image)-[r:HAS_FACE]->(f:Face)
  RETURN i AS s, r, f AS t
  UNION
  MATCH (a)-[:HAS_IMAGE]->(i:Image)-[r:NEAR_DUPLICATE]->(j:Image)
  WHERE EXISTS {{ MATCH (j)<-[:HAS_IMAGE]-(b) WHERE b.network_id = $network_id }}
  RETURN i AS s, r, j AS t
  UNION
  MATCH (a)-[:HAS_IMAGE]->(:Image)-[:HAS_FACE]->(f:Face)-[r:SAME_FACE]->(g:Face)
  WHERE EXISTS {{ MATCH (g)<-[:HAS_FACE]-()<-[:HAS_IMAGE]-(b) WHERE b.network_id = $network_id }}
  RETURN f AS s, r, g AS t
}}
WITH DISTINCT s, r, t
RETURN labels(s)[0] AS from_kind, {_ANY_KEY % {"n": "s"}} AS from_key,
       labels(t)[0] AS to_kind, {_ANY_KEY % {"n": "t"}} AS to_key, type(r) AS type
"""

# How to find one node from its kind and key ($key; an ad's key is split into $site and $site_ad_id).
_FIND = {
    "Ad": "MATCH (n:Ad {site: $site, site_ad_id: $site_ad_id})",
    "Phone": "MATCH (n:Phone {e164: $key})",
    "Email": "MATCH (n:Email {address: $key})",
    "Handle": "MATCH (n:Handle {handle_id: $key})",
    "Image": "MATCH (n:Image {sha256: $key})",
    "Face": "MATCH (n:Face {face_id: $key})",
    "Location": "MATCH (n:Location {location_id: $key})",
}

_EVIDENCE = f"{_LINKS}|HAS_FACE|NEAR_DUPLICATE|SAME_FACE"

# A node's neighbours, newest ads first, at most $limit; with how many there are in all.
_EXPAND = f"""
WITH n, COUNT {{ (n)-[:{_EVIDENCE}]-() }} AS total
CALL (n) {{
  MATCH (n)-[r:{_EVIDENCE}]-(m)
  RETURN r, m ORDER BY m.last_seen DESC LIMIT $limit
}}
RETURN {_NODE % {"n": "n"}} AS node, total, collect({{
  node: {_NODE % {"n": "m"}}, type: type(r), outgoing: startNode(r) = n}}) AS neighbours
"""
EXPAND = {kind: find + _EXPAND for kind, find in _FIND.items()}
