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
