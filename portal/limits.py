"""Abuse limits: how many changes a user, and how many sign-in requests an address, may make.

Counting is one atomic SQL statement per counted request, in the database every portal process
on every machine shares (portal/counters.py), so they all see the same counts; a rate is "5/m"
(portal/rates.py), counted in fixed windows. Each attempt counts, refused ones too: someone
hammering the button does not get through sooner. The rates are settings (docs/deploy.md).
What a refused request answers is the views' business (portal/limited.py).
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from accounts.session import signed_in_user
from portal import counters
from portal.client_ip import client_ip
from portal.rates import parse_rate
from portal.wording import try_again

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# A request that should have come through the proxies but names no client (portal/client_ip.py):
# all such requests share one count, so leaving the header out gains nobody a fresh limit.
UNKNOWN_ADDRESS = "unknown"

# Which methods a limit counts: every request (the sign-in endpoints, whose GETs start a flow),
# or only those that can change something (a GET that asks "remove this?" changes nothing).
ALL_METHODS: Final = None
UNSAFE_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def by_address(request: HttpRequest) -> str:
    """The client's address, as portal/client_ip.py reads it behind TRUSTED_PROXY_COUNT
    proxies: counting by the peer address would put every student behind a load balancer
    into the balancer's one count (docs/deploy.md §5)."""
    address = client_ip(request)
    if address is None:
        return UNKNOWN_ADDRESS
    ip = ipaddress.ip_address(address)
    # One IPv6 user usually holds a whole /64 and can pick any address in it.
    prefix = 64 if ip.version == 6 else 32
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


def by_user(request: HttpRequest) -> str:
    """The signed-in Canvas user (set by canvas_login_required), whoever they act for."""
    return f"user:{signed_in_user(request).id}"


@dataclass(frozen=True)
class Limit:
    name: str
    # The setting holding the rate, read on each request so tests and operators can change it.
    rate_setting: str
    key: Callable[[HttpRequest], str]
    # Why it was refused: the first sentence of the refusal; "try again" follows it.
    reason: StrOrPromise
    # Only these methods count: UNSAFE_METHODS, or ALL_METHODS (None) for every request.
    methods: frozenset[str] | None = ALL_METHODS
    # Whether each view counts on its own (sign-in endpoints) or all views share one count.
    per_view: bool = False

    @property
    def rate(self) -> str:
        rate: str = getattr(settings, self.rate_setting)
        return rate


CHANGES = Limit(
    name="changes",
    rate_setting="RATE_LIMIT_CHANGES",
    key=by_user,
    reason=gettext_lazy("You have made many changes in a short time, so this one was not made."),
    methods=UNSAFE_METHODS,
)
HELPDESK_CHANGES = Limit(
    name="helpdesk-changes",
    rate_setting="RATE_LIMIT_HELPDESK_CHANGES",
    key=by_user,
    reason=gettext_lazy(
        "You have made many changes for users in a short time, so this one was not made."
    ),
    methods=UNSAFE_METHODS,
)
SIGN_IN = Limit(
    name="sign-in",
    rate_setting="RATE_LIMIT_SIGN_IN",
    key=by_address,
    reason=gettext_lazy("There have been many sign-in attempts from your network in a short time."),
    per_view=True,
)


@dataclass(frozen=True)
class Refusal:
    message: str
    retry_after: int  # seconds until the window ends


def check(request: HttpRequest, limit: Limit, *, view_name: str = "") -> Refusal | None:
    """Count this request against `limit`; a Refusal when it is over."""
    if not _counts(request, limit.methods):
        return None
    group = f"{limit.name}:{view_name}" if limit.per_view else limit.name
    rate = parse_rate(limit.rate)
    count = counters.hit(group, limit.key(request), period=rate.seconds)
    if count.hits <= rate.count:
        return None
    retry_after = max(1, count.window_ends - int(time.time()))
    return Refusal(f"{limit.reason} {try_again(retry_after)}", retry_after)


def _counts(request: HttpRequest, methods: frozenset[str] | None) -> bool:
    """Whether the limit counts this request's method."""
    return methods is None or request.method in methods
