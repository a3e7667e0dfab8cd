"""The investigator-facing interfaces: the `adgraph` command line now, the Flask web app later."""
