"""Cypher for administration: what `adgraph db status` reports."""

COMPONENTS = """
CALL dbms.components() YIELD name, versions, edition
RETURN name, versions[0] AS version, edition
"""

RELATIONSHIP_COUNT = "MATCH ()-[r]->() RETURN count(r) AS count"
