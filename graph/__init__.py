"""The graph: settings, the local Neo4j, the model and its schema, ingest, and all Cypher."""
