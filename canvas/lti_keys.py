"""Canvas's LTI platform keys (its JWKS), fetched over the shared pool and cached per process.

A cache miss on a key id fetches the set again, once: Canvas rotates keys and publishes the new one
before signing with it. Forced refetches are spaced out so that tokens naming random key ids
cannot turn the portal into a JWKS-fetching loop against Canvas.
"""

import threading
import time
from dataclasses import dataclass, field

import jwt

from canvas import http

# Keep a fetched set this long even without a miss; a rotation is caught by the refetch anyway.
CACHE_SECONDS = 3600
# At most one forced refetch per URL in this many seconds.
REFETCH_MIN_INTERVAL = 10.0


class UnknownSigningKey(Exception):
    """The token names a key id Canvas does not publish (even after one refetch)."""


@dataclass
class _KeySet:
    keys: dict[str, jwt.PyJWK]
    fetched_at: float
    forced_at: float = field(default=float("-inf"))


_lock = threading.Lock()
_cache: dict[str, _KeySet] = {}


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def _fetch(url: str) -> dict[str, jwt.PyJWK]:
    body = http.parse_json(http.send("GET", url))
    found: dict[str, jwt.PyJWK] = {}
    for data in body.get("keys", []) if isinstance(body, dict) else []:
        if not isinstance(data, dict) or data.get("kty") != "RSA" or not data.get("kid"):
            continue
        try:
            found[str(data["kid"])] = jwt.PyJWK(data, algorithm="RS256")
        except jwt.PyJWTError:
            continue  # one unusable key must not hide the others
    return found


def _store(url: str, forced_at: float) -> _KeySet:
    entry = _KeySet(_fetch(url), fetched_at=time.monotonic(), forced_at=forced_at)
    with _lock:
        _cache[url] = entry
    return entry


def signing_key(kid: str, url: str) -> jwt.PyJWK:
    """The public key `kid` from the JWKS at `url`; raises UnknownSigningKey or a CanvasError."""
    now = time.monotonic()
    with _lock:
        entry = _cache.get(url)
    fetched = False
    if entry is None or now - entry.fetched_at >= CACHE_SECONDS:
        entry = _store(url, forced_at=entry.forced_at if entry else float("-inf"))
        fetched = True
    if kid not in entry.keys and not fetched and now - entry.forced_at >= REFETCH_MIN_INTERVAL:
        entry = _store(url, forced_at=now)
    if kid not in entry.keys:
        raise UnknownSigningKey(kid)
    return entry.keys[kid]
