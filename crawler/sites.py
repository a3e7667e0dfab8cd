"""Site files: one YAML file per crawled site, validated on load with precise messages.

Adding a site means adding a file (see crawler/sites/demo.yaml and crawler/site.schema.json)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import jsonschema
import yaml
from parsel import Selector
from parsel.csstranslator import HTMLTranslator
from cssselect import SelectorError

FIELDS = ("title", "body", "posted_at", "location", "phone", "images")


class SiteError(ValueError):
    """A site file that cannot be used, with where and why."""


@dataclass(frozen=True)
class Limits:
    max_pages: int = 0
    concurrency: int = 4
    delay: float = 0.5
    autothrottle: bool = True
    retries: int = 3
    timeout: float = 30
    max_response_mb: float = 10
    max_image_pixels: int = 50_000_000


@dataclass(frozen=True)
class Removal:
    missing_cycles: int = 2
    recheck_unlisted: bool = True


@dataclass(frozen=True)
class Site:
    name: str
    start_urls: tuple[str, ...]
    ad_links: str
    id_from_url: re.Pattern
    fields: dict[str, str]
    next_page: str | None = None
    region: str = "US"
    allowed_domains: tuple[str, ...] = ()
    allow_private_addresses: bool = False
    obey_robots_txt: bool = True
    user_agent: str = "adgraph (+https://github.com/adgraph/adgraph)"
    limits: Limits = field(default_factory=Limits)
    removal: Removal = field(default_factory=Removal)
    images: bool = True
    faces: bool = True
    path: str = ""

    def ad_id(self, url: str) -> str | None:
        match = self.id_from_url.search(url)
        return match.group(1) if match else None


@cache
def schema() -> dict:
    return json.loads(resources.files("crawler").joinpath("site.schema.json").read_text())


def _where(error: jsonschema.ValidationError) -> str:
    return ".".join(str(p) for p in error.absolute_path) or "(top level)"


def _check_css(where: str, css: str) -> None:
    try:
        HTMLTranslator().css_to_xpath(css)
    except SelectorError as exc:
        raise SiteError(f"{where}: not a valid CSS selector ({exc}): {css!r}") from None


def parse_site(data: object, source: str = "<site>") -> Site:
    """A Site from the parsed YAML, or SiteError naming the field and the problem."""
    errors = sorted(jsonschema.Draft7Validator(schema()).iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"{_where(e)}: {e.message}" for e in errors[:10]]
        raise SiteError(f"{source}: " + "; ".join(lines))
    assert isinstance(data, dict)
    try:
        id_pattern = re.compile(data["ad"]["id_from_url"])
    except re.error as exc:
        raise SiteError(f"{source}: ad.id_from_url: not a valid regular expression ({exc})") from None
    if id_pattern.groups < 1:
        raise SiteError(f"{source}: ad.id_from_url: needs a group, e.g. '/ad/(\\d+)', to say which part is the id")
    _check_css(f"{source}: listing.ad_links", data["listing"]["ad_links"])
    if "next_page" in data["listing"]:
        _check_css(f"{source}: listing.next_page", data["listing"]["next_page"])
    for name, css in data["ad"]["fields"].items():
        _check_css(f"{source}: ad.fields.{name}", css)
    base = data.get("base_url", "")
    start_urls = tuple(urljoin(base, u) for u in data["start_urls"])
    for url in start_urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SiteError(f"{source}: start_urls: {url!r} is not an absolute http(s) URL (relative URLs need base_url)")
    allowed = tuple(data.get("allowed_domains") or sorted({urlsplit(u).hostname for u in start_urls}))
    extra = {k: data[k] for k in ("region", "allow_private_addresses", "obey_robots_txt", "user_agent", "images", "faces") if k in data}
    return Site(
        name=data["name"], start_urls=start_urls, ad_links=data["listing"]["ad_links"],
        next_page=data["listing"].get("next_page"), id_from_url=id_pattern, fields=dict(data["ad"]["fields"]),
        allowed_domains=allowed, limits=Limits(**data.get("limits", {})), removal=Removal(**data.get("removal", {})),
        path=source, **extra)


def load_site(path: str | Path) -> Site:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SiteError(f"{path}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise SiteError(f"{path}: not valid YAML: {exc}") from None
    return parse_site(data, str(path))


def select_text(selector: Selector, css: str) -> str:
    """All text the selector picks, one stripped piece per line (how ad bodies keep their line breaks)."""
    pieces = (piece.strip() for piece in selector.css(css).getall())
    return "\n".join(piece for piece in pieces if piece)
