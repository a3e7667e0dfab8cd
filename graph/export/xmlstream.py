"""A small streaming XML writer: elements written as they come, nothing held, everything escaped.

Text and attribute values go through xml.sax.saxutils with the characters that XML would
otherwise change on reading escaped as well (carriage returns everywhere; newlines and tabs in
attributes), after text.xml_safe removed what XML 1.0 cannot carry. Attribute order is the order
given, so the same input writes the same bytes."""

from __future__ import annotations

from typing import BinaryIO
from xml.sax.saxutils import escape

from graph.export.text import xml_safe

_TEXT = {"\r": "&#13;"}
_ATTR = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"}


def text(value: str) -> str:
    return escape(xml_safe(value), _TEXT)


def attrs(pairs: dict[str, str]) -> str:
    return "".join(f' {name}="{escape(xml_safe(str(value)), _ATTR)}"' for name, value in pairs.items())


class XmlWriter:
    def __init__(self, out: BinaryIO, indent: str = "  "):
        self.out = out
        self.indent = indent
        self.open: list[str] = []
        self._write('<?xml version="1.0" encoding="UTF-8"?>\n')

    def _write(self, s: str) -> None:
        self.out.write(s.encode("utf-8"))

    def _pad(self) -> str:
        return self.indent * len(self.open)

    def start(self, tag: str, attributes: dict[str, str] | None = None) -> None:
        self._write(f"{self._pad()}<{tag}{attrs(attributes or {})}>\n")
        self.open.append(tag)

    def end(self) -> None:
        tag = self.open.pop()
        self._write(f"{self._pad()}</{tag}>\n")

    def leaf(self, tag: str, attributes: dict[str, str] | None = None, content: str | None = None) -> None:
        """An element with no children: empty, or holding text."""
        if content is None:
            self._write(f"{self._pad()}<{tag}{attrs(attributes or {})}/>\n")
        else:
            self._write(f"{self._pad()}<{tag}{attrs(attributes or {})}>{text(content)}</{tag}>\n")

    def close(self) -> None:
        while self.open:
            self.end()
