"""What the spider hands the pipelines: one item per ad page fetch."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Fetch:
    """One fetch of an ad page: what every kind of answer carries."""

    site: str
    site_ad_id: str
    url: str
    fetched_at: str
    status: int
    headers: dict[str, str]
    listed: bool  # linked from this cycle's listing (or fetched because it was known before)


@dataclass
class AdPage(Fetch):
    """An ad page that answered 200, read with the site file's selectors.
    The pipelines fill in the rest: archive, change, extraction, images."""

    raw: bytes = b""
    title: str = ""
    body: str = ""
    posted_at: str | None = None
    location: str | None = None
    phone: str | None = None
    image_urls: list[str] = field(default_factory=list)
    # Filled in by the pipelines.
    raw_sha256: str = ""
    change: str = ""  # new | changed | unchanged
    fingerprint: str = ""
    previous: dict | None = None  # the ad's last observation, as the crawl state has it
    extracted: dict = field(default_factory=dict)
    images: list[dict] = field(default_factory=list)
    faces: list[dict] = field(default_factory=list)


@dataclass
class AdNotModified(Fetch):
    """A conditional request the site answered 304: the ad is live and as it was."""


@dataclass
class AdGone(Fetch):
    """An ad page that answered 404 or 410: the ad was removed."""

    raw: bytes = b""
