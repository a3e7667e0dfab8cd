"""Cypher for image similarity (graph.neardup): reading every pHash, writing NEAR_DUPLICATE edges."""

# Every image that has a pHash, streamed to build the in-memory index. Images without one
# (a download that was not decoded) cannot be compared and are left out.
IMAGE_PHASHES = """
MATCH (i:Image)
WHERE i.phash IS NOT NULL
RETURN i.sha256 AS sha256, i.phash AS phash
"""

# One edge per pair of near-duplicate images, always from the lower sha256 to the higher
# (rows arrive that way, sorted), so a pair found twice, from either side, is one edge.
# distance is the Hamming distance between the two pHashes, which never changes: it and
# first_seen are set when the edge is created and never rewritten. An image that is not
# in the graph gets no edge.
LINK_NEAR_DUPLICATES = """
UNWIND $rows AS r
MATCH (low:Image {sha256: r.low})
MATCH (high:Image {sha256: r.high})
MERGE (low)-[e:NEAR_DUPLICATE]->(high)
  ON CREATE SET e.distance = r.distance, e.first_seen = datetime()
"""

# How many Image nodes there are, from Neo4j's count store (constant time, whatever their number):
# graph.imagesearch compares it with the count taken when its index was loaded, to see new images.
IMAGE_COUNT = """
MATCH (i:Image)
RETURN count(i) AS images
"""

# The distinct pHashes starting with one hex digit, as one list (a seek on the phash range index).
# One row per image costs the driver about 20 µs; a list of a million arrives in about a second.
# graph.imagesearch asks for each of the 16 digits in turn, so no single answer holds every pHash.
PHASHES_STARTING_WITH = """
MATCH (i:Image)
WHERE i.phash STARTS WITH $prefix
RETURN collect(DISTINCT i.phash) AS phashes
"""
