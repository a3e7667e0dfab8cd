"""Content-addressed files (images, face crops): written once, whole, read-only, never replaced."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_once(path: Path, data: bytes) -> None:
    """Write the file unless it exists; a reader never sees it half-written."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())  # evidence: on disk before it has a name
        os.chmod(tmp, 0o444)
        try:
            os.link(tmp, path)  # fails if someone stored the same content meanwhile: theirs stays
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)
