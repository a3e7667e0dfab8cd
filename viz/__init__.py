"""Network pictures for the browser (pyvis), from plain nodes and edges; knows nothing of Neo4j.

picture.py builds them; templates/network_view.html is the template pyvis renders through;
static/network.js draws them with the vis-network that pyvis ships.
"""
