"""Whose address a request counts as (portal/client_ip.py) and how the sign-in limit groups
addresses (portal/limits.py `by_address`). tests/helpdesk/test_client_ip.py covers the proxy
setups on the audit side; these are the edges."""

from django.test import RequestFactory

from portal.client_ip import client_ip
from portal.limits import by_address

BALANCER = "10.0.0.2"


def request_from(remote_addr: str, forwarded_for: str | None = None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/login/", **extra)


def test_with_fewer_entries_than_proxies_no_address_is_trusted(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request_from(BALANCER, "203.0.113.9")) is None
    assert client_ip(request_from(BALANCER, " , ")) is None
    assert client_ip(request_from(BALANCER)) is None


def test_a_peer_address_that_is_no_ip_address_is_unknown(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("")) is None
    assert client_ip(request_from("unix:/run/gunicorn.sock")) is None


def test_an_ipv6_address_is_written_one_way_whatever_way_it_came(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from(BALANCER, "[2001:DB8:0::7]:443")) == "2001:db8::7"


def test_the_sign_in_limit_counts_an_ipv4_client_alone_and_an_ipv6_client_by_its_64(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert by_address(request_from("192.0.2.10")) == "192.0.2.10"
    one, other = request_from("2001:db8:1:2::a"), request_from("2001:db8:1:2:ffff::b")
    assert by_address(one) == by_address(other) == "2001:db8:1:2::"
    assert by_address(request_from("2001:db8:1:3::a")) != by_address(one)


def test_behind_a_proxy_the_sign_in_limit_counts_each_client_not_the_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    ada = by_address(request_from(BALANCER, "203.0.113.9"))
    ben = by_address(request_from(BALANCER, "198.51.100.4"))
    assert (ada, ben) == ("203.0.113.9", "198.51.100.4")


def test_a_request_that_skipped_the_proxies_shares_one_count(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert by_address(request_from("203.0.113.9")) == by_address(request_from("198.51.100.4"))
