"""report.html: what a person reads first when opening an evidence package.

What was exported (the selection, the query and its parameters), for which case, by whom, when,
with which tool and audit-log entry, how many nodes and relationships of each kind, which evidence
files are in it and which could not be included, and how to check the package. Every value is
HTML-escaped (ad text and case names are not markup), and the page runs no script.

The web app can put the network picture in with `picture_html` (HTML it made and escaped itself);
package.build takes any `report(info) -> bytes`, so a caller can also render its own page."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html import escape

# No script, nothing fetched from anywhere: the page is read offline, often years later.
DEFAULT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@dataclass(frozen=True)
class ReportInfo:
    case: str
    user: str
    created_at: str
    tool: dict
    audit_entry: int | None
    description: dict
    counts: dict
    files: dict  # folder or file -> how many files
    problems: list[dict] = field(default_factory=list)  # [{name, problem}] evidence not included
    key_fingerprint: str = ""


_STYLE = """body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #ccc;padding:.25rem .6rem;text-align:left;
vertical-align:top}th{background:#f3f3f3}pre{white-space:pre-wrap;word-break:break-all;background:#f7f7f7;padding:.6rem}
.bad{color:#a00}code{font-size:.95em}"""


def _e(value) -> str:
    return escape("" if value is None else str(value), quote=True)


def _table(rows, head: tuple[str, ...] = ()) -> str:
    out = ["<table>"]
    if head:
        out.append("<tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr>")
    for row in rows:
        cells = [f"<th>{_e(row[0])}</th>"] if not head else [f"<td>{_e(row[0])}</td>"]
        out.append("<tr>" + "".join(cells + [f"<td>{_e(c)}</td>" for c in row[1:]]) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def _selection(description: dict) -> str:
    what = description.get("selection")
    if what == "network":
        summary = f"Network {description.get('network_id')}: every ad of it, what they link to, the faces on their images."
    elif what == "nodes":
        summary = (f"{len(description.get('refs', []))} chosen nodes and the shortest chain of evidence between "
                   f"every two of them ({description.get('pairs_without_path', 0)} of "
                   f"{description.get('pairs', 0)} pairs have none).")
    elif what == "query":
        summary = f"The nodes named by the result of the query {description.get('name') or ''}".rstrip() + "."
    else:
        summary = "A selection of the graph."
    parts = [f"<p>{_e(summary)}</p>"]
    if what == "query":
        parts.append(f"<h3>Query</h3>\n<pre>{_e(description.get('query'))}</pre>")
        parts.append(f"<h3>Parameters</h3>\n<pre>{_e(json.dumps(description.get('parameters'), indent=2, ensure_ascii=False, sort_keys=True))}</pre>")
    parts.append("<h3>Selection, as recorded in the manifest</h3>\n"
                 f"<pre>{_e(json.dumps(description, indent=2, ensure_ascii=False, sort_keys=True))}</pre>")
    return "\n".join(parts)


def render(info: ReportInfo, picture_html: str | None = None, csp: str = DEFAULT_CSP) -> bytes:
    counts = info.counts
    problems = (_table([(p["name"], p["problem"]) for p in info.problems], ("file", "why it is not in the package"))
                if info.problems else "<p>None: every archived page and image of the export is in the package.</p>")
    html = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_e(csp)}">
<title>Evidence package: {_e(info.case)}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>Evidence package</h1>
{_table([("Case", info.case), ("Exported by", info.user), ("Exported at (UTC)", info.created_at),
         ("Tool", f"{info.tool.get('name')} {info.tool.get('version')}"),
         ("Audit-log entry", info.audit_entry if info.audit_entry is not None else "none"),
         ("Signing key fingerprint (SHA-256)", info.key_fingerprint)])}
<h2>What was exported</h2>
{_selection(info.description)}
<h2>Counts</h2>
{_table([(kind, n) for kind, n in counts.get("nodes", {}).items()] + [("nodes in all", counts.get("node_total", 0))], ("node kind", "nodes"))}
{_table([(kind, n) for kind, n in counts.get("edges", {}).items()] + [("relationships in all", counts.get("edge_total", 0))], ("relationship type", "relationships"))}
{"<h2>Network picture</h2>" + chr(10) + picture_html if picture_html else ""}
<h2>Files</h2>
{_table(sorted(info.files.items()), ("file or folder", "files"))}
<p>graph.graphml (yEd, Gephi, networkx), graph.gexf (Gephi), nodes.csv and edges.csv (i2 Analyst's Notebook,
Maltego), graph.json (exact text); pages/ holds the archived raw page of every ad version (WARC, as fetched),
images/ the original bytes of every image, each named by its SHA-256.</p>
<h2 class="{"bad" if info.problems else ""}">Evidence that could not be included</h2>
{problems}
<h2>Checking this package</h2>
<p>manifest.json lists every file with its SHA-256 and size; manifest.sig is its Ed25519 signature by the key in
public_key.pem. Check it all with <code>adgraph verify PACKAGE.zip --fingerprint {_e(info.key_fingerprint)}</code>,
or by hand: <code>openssl pkeyutl -verify -pubin -inkey public_key.pem -rawin -in manifest.json -sigfile manifest.sig</code>,
then <code>sha256sum</code> of each file against the manifest.</p>
</body>
</html>
"""
    return html.encode("utf-8")
