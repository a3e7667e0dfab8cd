"""Evidence export: a subgraph (a network, chosen nodes with the paths between them, a query
result) read from Neo4j page by page, written in every format investigators' tools read, and
packed with the archived pages and images into one signed ZIP.

    subgraph.py   what is exported, read from Neo4j as sorted plain data (Node, Edge), in pages
    spool.py      the subgraph read once onto disk, with its property names and types
    graphml.py, gexf.py, csv.py, json.py
                  one module per format, each OUTPUTS = {file name: write(graph, binary out)};
                  the same subgraph always writes the same bytes
    report.py     report.html, for people
    package.py    the ZIP: formats, evidence files (checked), report, signed manifest
    signing.py    the installation's Ed25519 key
    verify.py     checking a package with nothing but the package
    cli.py        `adgraph export` and `adgraph verify`

graph/ does not know where the crawler keeps pages and images: callers pass them in as
package.EvidenceFile entries (api/evidence.py does for this installation's data folder)."""
