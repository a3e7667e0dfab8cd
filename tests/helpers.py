"""Small helpers shared by the tests: fictional observations and one-number queries."""

from __future__ import annotations

import hashlib
import json
import random
import socket
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
ADGRAPH = str(Path(sys.executable).with_name("adgraph"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def observation(**overrides) -> dict:
    """A valid live observation of one ad; every phone number is fictional (NXX-555-01XX)."""
    record = {
        "site": "demo-classifieds",
        "site_ad_id": "1001",
        "url": "http://127.0.0.1:8000/ad/1001",
        "fetched_at": "2026-11-01T10:00:00Z",
        "posted_at": "2026-11-01T08:00:00Z",
        "title": "New in town",
        "body": "Call (312) five5five-0147 any time",
        "raw_sha256": sha("page-1001-a"),
        "phones": [{"e164": "+13125550147", "raw": "(312) five5five-0147"}],
        "emails": [{"address": "Contact@Example.org", "raw": "contact at example dot org"}],
        "locations": [{"location_id": "geonames:4887398", "name": "Chicago", "region": "IL", "country": "US",
                       "lat": 41.85003, "lon": -87.65005, "raw": "Chicago"}],
        "images": [{"sha256": sha("image-a"), "phash": "c3c3c3c3c3c3c3c3", "url": "http://127.0.0.1:8000/a.jpg"}],
    }
    record.update(overrides)
    return record


def removal(site_ad_id: str = "1001", fetched_at: str = "2026-11-03T10:00:00Z", site: str = "demo-classifieds") -> dict:
    return {"site": site, "site_ad_id": site_ad_id, "removed": True, "fetched_at": fetched_at}


def write_jsonl(path: Path, lines: list) -> Path:
    """Dicts become JSON lines; strings are written as they are (for bad lines)."""
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines))
    return path


def scalar(driver, query: str, **params):
    return driver.execute_query(query, params).records[0][0]


def adgraph(*args: str, input: str | None = None) -> subprocess.CompletedProcess:
    """Run the installed `adgraph` command with the test session's environment."""
    return subprocess.run([ADGRAPH, *args], capture_output=True, text=True, input=input, timeout=600)


def picture(seed: int = 1, size=(640, 480)):
    """A fictional picture with no face: overlapping coloured discs on a coloured ground, different for every seed."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    im = Image.new("RGB", size, tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(im)
    for _ in range(12):
        x, y, r = rng.randrange(size[0]), rng.randrange(size[1]), rng.randrange(30, 160)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    return im


PASSWORD = "correct horse battery"  # of the accounts tests make


def token(client, path="/login") -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def login(client, name="ana", password=PASSWORD, **extra):
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token(client), **extra})
