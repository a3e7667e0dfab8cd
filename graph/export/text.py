"""Property values as the flat formats (GraphML, GEXF, CSV) write them, and text made safe for XML.

Ad text is written by the people under investigation: it can hold anything. XML 1.0 cannot carry
most control characters at all (not even escaped), nor U+FFFE, U+FFFF or lone surrogates; those
are replaced with U+FFFD (the replacement character), so an XML reader sees that something was
there. graph.json and the archived pages keep the exact text."""

from __future__ import annotations

import json
import re

from graph.export.spool import BOOLEAN, DOUBLE, LONG

# Everything XML 1.0 forbids: C0 controls but tab, newline and carriage return; surrogates; FFFE/FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def xml_safe(text: str) -> str:
    return _NOT_XML.sub(REPLACEMENT, text)


def flat(value, type_: str) -> str:
    """One property value as text, for a column or attribute of the given type: numbers as Python
    writes them (shortest exact form), booleans as true/false, lists and maps as compact JSON
    with sorted keys, times as the ISO 8601 text they already are."""
    if type_ == BOOLEAN:
        return "true" if value else "false"
    if type_ == DOUBLE:
        return repr(float(value))
    if type_ == LONG:
        return str(int(value))
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def column_names(fields: dict[str, str], reserved: tuple[str, ...]) -> dict[str, str]:
    """property -> the name its column or attribute gets: its own, unless a built-in one has it."""
    return {name: (f"property.{name}" if name in reserved else name) for name in fields}
