"""What the spider hands the pipelines: one item per ad page fetch."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class AdPage:
    """An ad page that answered 200, read with the site file's selectors.
    The pipelines fill in the rest: archive, change, extraction, images."""

    site: str
    site_ad_id: str
    url: str
    fetched_at: str
    status: int
    headers: dict[str, str]
    raw: bytes
    listed: bool
    title: str = ""
    body: str = ""
    posted_at: str | None = None
    location: str | None = None
    phone: str | None = None
    image_urls: list[str] = field(default_factory=list)
    # Filled in by the pipelines.
    raw_sha256: str = ""
    change: str = ""  # new | changed | unchanged
    extracted: dict = field(default_factory=dict)
    images: list[dict] = field(default_factory=list)
    files: list[dict] = field(default_factory=list)  # FilesPipeline's own results


@dataclass
class AdNotModified:
    """A conditional request the site answered 304: the ad is live and as it was."""

    site: str
    site_ad_id: str
    url: str
    fetched_at: str
    status: int
    headers: dict[str, str]
    listed: bool


@dataclass
class AdGone:
    """An ad page that answered 404 or 410: the ad was removed."""

    site: str
    site_ad_id: str
    url: str
    fetched_at: str
    status: int
    headers: dict[str, str]
    raw: bytes
    listed: bool
    raw_sha256: str = ""
