"""The client address in audit rows: the browser's, behind the documented proxy setup, and never
a value the client chose."""

import pytest
from django.test import RequestFactory

from portal.client_ip import client_ip

SPOOFED = "6.6.6.6"


def request_from(remote_addr: str, forwarded_for: str | None = None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/helpdesk/audit/", **extra)


def test_without_a_configured_proxy_the_header_is_never_trusted(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("192.0.2.10", SPOOFED)) == "192.0.2.10"


def test_behind_one_proxy_the_address_it_appended_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client sent its own X-Forwarded-For; the balancer appended the real peer address.
    request = request_from("10.0.0.2", f"{SPOOFED}, 203.0.113.9")
    assert client_ip(request) == "203.0.113.9"


def test_behind_two_proxies_the_client_is_second_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = request_from("10.0.0.3", f"{SPOOFED}, 203.0.113.9, 10.0.0.2")
    assert client_ip(request) == "203.0.113.9"


@pytest.mark.parametrize(
    ("hop", "expected"),
    [
        ("203.0.113.9:51234", "203.0.113.9"),
        ("[2001:db8::7]:443", "2001:db8::7"),
        ("2001:db8::7", "2001:db8::7"),
        ("unknown", None),
    ],
)
def test_proxy_entries_with_ports_or_without_an_address(settings, hop, expected):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from("10.0.0.2", hop)) == expected


@pytest.mark.parametrize("forwarded_for", [None, ""])
def test_a_request_that_did_not_pass_every_proxy_has_no_known_address(settings, forwarded_for):
    settings.TRUSTED_PROXY_COUNT = 1
    # Neither the peer (a proxy, or someone who got past it) nor a claimed value is recorded.
    assert client_ip(request_from("10.0.0.2", forwarded_for)) is None


def test_repeated_headers_joined_by_the_server_count_as_one_list(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # gunicorn joins repeated X-Forwarded-For headers with commas, in order.
    assert client_ip(request_from("10.0.0.2", f"{SPOOFED},198.51.100.23")) == "198.51.100.23"
