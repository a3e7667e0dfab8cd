"""Site files: the shipped ones load, and a bad one says precisely what is wrong."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from crawler.sites import SiteError, load_site, parse_site

SITES = Path(__file__).resolve().parent.parent / "crawler" / "sites"
GOOD = yaml.safe_load((SITES / "demo.yaml").read_text())


def test_demo_site_file_loads():
    site = load_site(SITES / "demo.yaml")
    assert site.name == "demo"
    assert site.start_urls == ("http://127.0.0.1:8001/ads",)
    assert site.allowed_domains == ("127.0.0.1",)
    assert site.ad_id("http://127.0.0.1:8001/ad/123") == "123"
    assert site.allow_private_addresses is True
    assert site.limits.concurrency == 8 and site.removal.missing_cycles == 2


def _with(path: str, value):
    data = copy.deepcopy(GOOD)
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node[key]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return data


_DELETE = object()


@pytest.mark.parametrize(("path", "value", "message"), [
    ("name", "Demo Site", "name: 'Demo Site' does not match"),
    ("start_urls", [], "start_urls: [] should be non-empty"),
    ("base_url", _DELETE, "start_urls: '/ads' is not an absolute http(s) URL"),
    ("base_url", "ftp://example.org", "base_url: 'ftp://example.org' does not match"),
    ("listing.ad_links", _DELETE, "listing: 'ad_links' is a required property"),
    ("listing.ad_links", "a[href", "listing.ad_links: not a valid CSS selector"),
    ("ad.id_from_url", "/ad/\\d+", "ad.id_from_url: needs a group"),
    ("ad.id_from_url", "/ad/(\\d+", "ad.id_from_url: not a valid regular expression"),
    ("ad.fields.titel", "h1::text", "ad.fields: Additional properties are not allowed ('titel' was unexpected)"),
    ("ad.fields.body", _DELETE, "ad.fields: 'body' is a required property"),
    ("limits.concurrency", 0, "limits.concurrency: 0 is less than the minimum of 1"),
    ("limits.delay", "fast", "limits.delay: 'fast' is not of type 'number'"),
    ("region", "usa", "region: 'usa' does not match"),
    ("removal.missing_cycles", 0, "removal.missing_cycles: 0 is less than the minimum of 1"),
])
def test_bad_site_file_is_refused_with_the_field_and_reason(path, value, message):
    with pytest.raises(SiteError) as raised:
        parse_site(_with(path, value), "bad.yaml")
    assert str(raised.value).startswith("bad.yaml: ")
    assert message in str(raised.value)


def test_unreadable_and_invalid_yaml(tmp_path):
    with pytest.raises(SiteError, match="cannot read"):
        load_site(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n")
    with pytest.raises(SiteError, match="not valid YAML"):
        load_site(bad)
    bad.write_text("- just\n- a list\n")
    with pytest.raises(SiteError, match="is not of type 'object'"):
        load_site(bad)
