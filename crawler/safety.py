"""Where the crawler may connect: http(s) only, and never to loopback, private, link-local or
otherwise non-public addresses unless the site file allows it (the demo site does).

Checked twice: by a downloader middleware on every request (redirects included, since a
redirect is a new request), with a clear reason; and by the DNS resolver at connect time, so
a name that resolves to a public address when checked and to a private one when connecting
(DNS rebinding) is still refused."""

from __future__ import annotations

import ipaddress
import socket

from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError

ALLOWED_SCHEMES = ("http", "https")


class AddressRefused(IgnoreRequest):
    pass


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def refusal(url_scheme: str, host: str | None, allow_private: bool, resolve=socket.getaddrinfo) -> str | None:
    """Why a request to this scheme and host must not be made, or None when it may.
    resolve=None checks names no further than their form (the resolver checks them at connect time)."""
    if url_scheme not in ALLOWED_SCHEMES:
        return f"scheme {url_scheme!r} is not http or https"
    if not host:
        return "no host"
    if allow_private:
        return None
    try:
        addresses = {ipaddress.ip_address(host).compressed}
    except ValueError:
        if resolve is None:
            return None
        try:
            addresses = {info[4][0] for info in resolve(host, None)}
        except (socket.gaierror, UnicodeError):
            return None  # unresolvable: the download fails on its own, with the DNS error
    private = sorted(a for a in addresses if not is_public(a))
    if private:
        return f"{host} is a non-public address ({', '.join(private)}); set allow_private_addresses in the site file to allow it"
    return None


class AddressGuardMiddleware:
    """Downloader middleware: refuses requests the site file does not allow (see module doc)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.allow_private = crawler.settings.getbool("ADGRAPH_ALLOW_PRIVATE_ADDRESSES")
        self._verdicts: dict[tuple[str, str | None], str | None] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        from scrapy.utils.httpobj import urlparse_cached

        parts = urlparse_cached(request)
        key = (parts.scheme, parts.hostname)
        if key not in self._verdicts:
            # Names are left to GuardedResolver: resolving here would block the event loop.
            self._verdicts[key] = refusal(parts.scheme, parts.hostname, self.allow_private, resolve=None)
        reason = self._verdicts[key]
        if reason:
            self.crawler.stats.inc_value("adgraph/refused")
            self.crawler.spider.logger.warning("refused %s: %s", request.url, reason)  # counted as refused, not as an error
            raise AddressRefused(reason)
        return None


class GuardedResolver(CachingThreadedResolver):
    """The default resolver, refusing non-public answers unless the site allows them."""

    allow_private = False

    @classmethod
    def from_crawler(cls, crawler, reactor):
        resolver = super().from_crawler(crawler, reactor)
        resolver.allow_private = crawler.settings.getbool("ADGRAPH_ALLOW_PRIVATE_ADDRESSES")
        return resolver

    def getHostByName(self, name, timeout=()):
        d = super().getHostByName(name, timeout)
        if self.allow_private:
            return d

        def check(address):
            if not is_public(address):
                raise DNSLookupError(f"{name} resolved to non-public address {address}: refused")
            return address

        return d.addCallback(check)
