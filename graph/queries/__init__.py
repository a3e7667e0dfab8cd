"""All hand-written Cypher of the product, as named constants with $parameters only.

tests/test_graph_queries.py runs EXPLAIN on every constant here, so a typo
fails in CI rather than in front of an investigator.
"""

# A node's key as its references give it ("Ad:SITE/ID", "Phone:+1…": graph/explore.py), per label,
# and for a node of any label; %(n)s is the node's variable. Fragments, shared by the query modules.
KEY_OF = {
    "Ad": "%(n)s.site + '/' + %(n)s.site_ad_id",
    "AdVersion": "%(n)s.version_id",
    "Email": "%(n)s.address",
    "Face": "%(n)s.face_id",
    "Handle": "%(n)s.handle_id",
    "Image": "%(n)s.sha256",
    "Location": "%(n)s.location_id",
    "Phone": "%(n)s.e164",
}
ANY_KEY = "CASE labels(%(n)s)[0] " + " ".join(f"WHEN '{kind}' THEN {expr}" for kind, expr in KEY_OF.items()) + " END"
