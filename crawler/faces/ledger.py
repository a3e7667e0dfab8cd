"""Which stored images an engine has looked at for faces: one append-only file per engine,
<data>/faces/indexed-<engine>.txt, one SHA-256 per line, shared by crawl cycles and
`adgraph faces index` (small appends to a file opened for appending do not interleave)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable


class LookedAt:
    def __init__(self, data_dir: Path, engine: str):
        self.path = data_dir / "faces" / f"indexed-{engine}.txt"

    def read(self) -> set[str]:
        return set(self.path.read_text().split()) if self.path.exists() else set()

    def add(self, sha256s: Iterable[str]) -> None:
        lines = "".join(f"{sha}\n" for sha in sha256s)
        if lines:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a") as out:
                out.write(lines)
