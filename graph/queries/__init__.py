"""All hand-written Cypher of the product, as named constants with $parameters only.

tests/test_graph_queries.py runs EXPLAIN on every constant here, so a typo
fails in CI rather than in front of an investigator.
"""
