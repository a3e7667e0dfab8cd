"""Network pictures for the browser (pyvis), from plain nodes and edges; knows nothing of Neo4j.

Not built yet: see the web app issue.
"""
