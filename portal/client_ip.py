"""The address of the browser behind a request, as far as the portal can know it.

Behind a load balancer the connection comes from the balancer, so REMOTE_ADDR is its address;
neither Django nor gunicorn rewrite it. Each proxy appends the address it received the request
from to X-Forwarded-For, so with TRUSTED_PROXY_COUNT proxies in front of the portal the client
is that many entries from the right. Entries further left are whatever the client sent, and
are never used. With no proxy configured the header is not read at all (docs/deploy.md §5).
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address, or None when it cannot be known (never a proxy's, never a
    value the client chose)."""
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if proxies == 0:
        return _address(request.META.get("REMOTE_ADDR", ""))
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:
        # Fewer entries than proxies: the request did not come through all of them, so no
        # entry can be trusted, and the peer address is a proxy's or an unknown sender's.
        return None
    return _address(hops[-proxies])


def _address(raw: str) -> str | None:
    """An IP address from a header entry: `1.2.3.4`, `1.2.3.4:5678`, `[2001:db8::1]:443`."""
    text = raw.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None
