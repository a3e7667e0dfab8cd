"""Cypher for faces (graph.faces): nearest faces through the face_embedding vector index, SAME_FACE
edges, and face-search results with their images, ads and sites.

Neo4j's cosine vector index scores (1 + cos) / 2, between 0 and 1; these queries turn it back into
the cosine similarity (2 * score - 1, between -1 and 1), which is what thresholds and edges hold.
The index only proposes the candidates: Neo4j 5.26 quantizes the vectors it indexes, so its own
score is off by up to about 3e-4 (bench/RESULTS.md), and the similarity kept and compared with thresholds is computed
again, exactly, from the stored embeddings (vector.similarity.cosine, also (1 + cos) / 2).
The index holds the faces of every engine and model that has vectors: only faces of the query's
own engine and model are kept, after the index has answered, so a query asks it for more
neighbours than it wants to return.
"""

# The k nearest faces of each given face (itself left out) of the same engine and model, at or above
# the threshold. Faces without an embedding (Rekognition's) are not in the index and get none.
FACE_NEIGHBOURS = """
UNWIND $face_ids AS id
MATCH (f:Face {face_id: id})
WHERE f.embedding IS NOT NULL
CALL db.index.vector.queryNodes('face_embedding', $k, f.embedding) YIELD node
WHERE node <> f AND node.engine = f.engine AND node.model = f.model
WITH f, node, 2 * vector.similarity.cosine(f.embedding, node.embedding) - 1 AS similarity
WHERE similarity >= $threshold
RETURN f.face_id AS face, node.face_id AS other, similarity
"""

# One edge per pair of faces, always from the lower face_id to the higher (rows arrive that way,
# sorted), so a pair found from either side is one edge. similarity (cosine) and first_seen (when
# the link was made) are set when the edge is created and never rewritten, as NEAR_DUPLICATE's are.
# A face that is not in the graph gets no edge.
LINK_SAME_FACES = """
UNWIND $rows AS r
MATCH (low:Face {face_id: r.low})
MATCH (high:Face {face_id: r.high})
MERGE (low)-[e:SAME_FACE]->(high)
  ON CREATE SET e.similarity = r.similarity, e.first_seen = datetime()
"""

# What a search result shows of a face: its box and score, its image, and every ad that showed
# the image (with when the image was first and last seen on it), oldest first.
_face_result = """
OPTIONAL MATCH (i:Image)-[:HAS_FACE]->(f)
RETURN f.face_id AS face_id, similarity, f.engine AS engine, f.model AS model, f.box AS box, f.score AS score,
       i.sha256 AS image_sha256, i.path AS image_path, i.width AS image_width, i.height AS image_height,
       COLLECT {
         MATCH (a:Ad)-[h:HAS_IMAGE]->(i)
         WITH a, h ORDER BY h.first_seen, a.site, a.site_ad_id
         RETURN {site: a.site, site_ad_id: a.site_ad_id, url: a.url, title: a.title, first_seen: h.first_seen,
                 last_seen: h.last_seen, removed_at: a.removed_at, network_id: a.network_id}
       } AS ads,
       f.first_seen AS face_first_seen
ORDER BY similarity DESC, face_id
"""

# The faces of one engine and model nearest to an embedding (unit length), best first: $k asked of
# the index, $top_k returned.
SEARCH_FACES = """
CALL db.index.vector.queryNodes('face_embedding', $k, $embedding) YIELD node AS f
WHERE f.engine = $engine AND f.model = $model
WITH f, 2 * vector.similarity.cosine($embedding, f.embedding) - 1 AS similarity
ORDER BY similarity DESC, f.face_id
LIMIT $top_k
""" + _face_result

# The same results for faces an engine found itself (Rekognition's SearchFacesByImage), by face_id,
# with the similarity the engine gave. Faces not in the graph are left out.
DESCRIBE_FACES = """
UNWIND $rows AS r
MATCH (f:Face {face_id: r.face_id})
WITH f, r.similarity AS similarity
""" + _face_result

# Images stored on disk, for `adgraph faces index` to look at those it has not looked at yet.
IMAGES_ON_DISK = """
MATCH (i:Image) WHERE i.path IS NOT NULL
RETURN i.sha256 AS sha256, i.path AS path
ORDER BY i.sha256
"""
