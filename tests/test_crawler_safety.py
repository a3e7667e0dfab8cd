"""The crawler connects only where a site file allows: http(s), public addresses."""

from __future__ import annotations

import socket

import pytest

from crawler.safety import is_public, refusal


def resolver(answers: dict[str, list[str]]):
    def resolve(host, port):
        if host not in answers:
            raise socket.gaierror("unknown")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 0)) for a in answers[host]]
    return resolve


DNS = resolver({"ads.example": ["93.184.215.14"], "sneaky.example": ["93.184.215.14", "10.0.0.5"],
                "metadata.example": ["169.254.169.254"]})


@pytest.mark.parametrize(("scheme", "host", "allow", "refused"), [
    ("https", "ads.example", False, None),
    ("http", "93.184.215.14", False, None),
    ("file", "", False, "scheme 'file' is not http or https"),
    ("ftp", "ads.example", False, "scheme 'ftp'"),
    ("gopher", "ads.example", True, "scheme 'gopher'"),
    ("http", "127.0.0.1", False, "non-public address (127.0.0.1)"),
    ("http", "::1", False, "non-public address (::1)"),
    ("http", "10.1.2.3", False, "non-public"),
    ("http", "192.168.0.1", False, "non-public"),
    ("http", "172.16.0.9", False, "non-public"),
    ("http", "169.254.169.254", False, "non-public"),
    ("http", "0.0.0.0", False, "non-public"),
    ("http", "::ffff:127.0.0.1", False, "non-public"),
    ("http", "metadata.example", False, "metadata.example is a non-public address (169.254.169.254)"),
    ("http", "sneaky.example", False, "non-public address (10.0.0.5)"),
    ("http", "127.0.0.1", True, None),
    ("http", "does-not-resolve.example", False, None),
])
def test_refusal(scheme, host, allow, refused):
    reason = refusal(scheme, host, allow, resolve=DNS)
    if refused is None:
        assert reason is None
    else:
        assert reason is not None and refused in reason


@pytest.mark.parametrize(("address", "public"), [
    ("8.8.8.8", True), ("127.0.0.53", False), ("100.64.0.1", False), ("fc00::1", False),
    ("fe80::1", False), ("224.0.0.1", False), ("2606:4700::1111", True),
])
def test_is_public(address, public):
    assert is_public(address) is public


def _guard(allow_private: bool):
    from scrapy.utils.test import get_crawler

    from crawler.safety import AddressGuardMiddleware
    from crawler.spiders.classifieds import ClassifiedsSpider

    crawler = get_crawler(ClassifiedsSpider, {"ADGRAPH_ALLOW_PRIVATE_ADDRESSES": allow_private})
    crawler.spider = type("S", (), {"logger": __import__("logging").getLogger("test")})()
    return AddressGuardMiddleware.from_crawler(crawler), crawler


@pytest.mark.parametrize(("url", "allow", "refused"), [
    ("http://127.0.0.1:8001/ad/1", False, True),
    ("http://169.254.169.254/latest/meta-data/", False, True),
    ("http://127.0.0.1:8001/ad/1", True, False),
    ("ftp://127.0.0.1/", True, True),
])
def test_every_request_is_checked_including_redirects(url, allow, refused):
    from scrapy import Request

    from crawler.safety import AddressRefused

    guard, crawler = _guard(allow)
    # What RedirectMiddleware sends on: a new request, which passes the downloader middlewares again.
    redirected = Request(url, meta={"redirect_times": 1, "redirect_urls": ["http://ads.example/ad/1"]})
    if refused:
        with pytest.raises(AddressRefused):
            guard.process_request(redirected)
        assert crawler.stats.get_value("adgraph/refused") == 1
    else:
        assert guard.process_request(redirected) is None


@pytest.mark.parametrize(("answer", "refused"), [("10.0.0.7", True), ("127.0.0.1", True), ("93.184.215.14", False)])
def test_the_resolver_refuses_non_public_answers_at_connect_time(monkeypatch, answer, refused):
    # A name checked while it resolved to a public address may answer with a private one when the
    # connection is made (DNS rebinding): the resolver the connection uses refuses it then.
    from scrapy.resolver import CachingThreadedResolver
    from twisted.internet import defer
    from twisted.internet.error import DNSLookupError

    from crawler.safety import GuardedResolver

    monkeypatch.setattr(CachingThreadedResolver, "getHostByName", lambda self, name, timeout=(): defer.succeed(answer))
    resolver = GuardedResolver.__new__(GuardedResolver)
    resolver.allow_private = False
    results = []
    resolver.getHostByName("ads.example").addCallbacks(results.append, results.append)
    if refused:
        assert results[0].check(DNSLookupError) and f"non-public address {answer}" in str(results[0].value)
    else:
        assert results == [answer]
