"""The tool's own RSA key, published at /lti/jwks for Canvas (public_jwk_url).

Production reads LTI_TOOL_PRIVATE_KEY (PEM). Development derives a stable key from the secret key,
so every process and every restart publishes the same JWKS without a key file to manage.
"""

import base64
import hashlib
import random
from functools import cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_SMALL_PRIMES = [p for p in range(3, 2000, 2) if all(p % d for d in range(3, int(p**0.5) + 1, 2))]
_E = 65537


def _probable_prime(n: int, rng: random.Random) -> bool:
    if any(n % p == 0 for p in _SMALL_PRIMES):
        return False
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for _ in range(40):  # Miller-Rabin; 40 rounds make a composite vanishingly unlikely
        x = pow(rng.randrange(2, n - 1), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _derived_key(secret: str) -> rsa.RSAPrivateKey:
    # Seeded, so reproducible: development only (settings refuse to run LTI without a PEM
    # when DEBUG is off). Not a cryptographic RNG, hence the noqa.
    rng = random.Random(hashlib.sha256(f"lti-tool-key:{secret}".encode()).digest())  # noqa: S311

    def prime() -> int:
        while True:
            candidate = rng.getrandbits(1024) | (3 << 1022) | 1
            if candidate % _E != 1 and _probable_prime(candidate, rng):
                return candidate

    p, q = prime(), prime()
    d = pow(_E, -1, (p - 1) * (q - 1))
    public = rsa.RSAPublicNumbers(_E, p * q)
    return rsa.RSAPrivateNumbers(
        p=p,
        q=q,
        d=d,
        dmp1=d % (p - 1),
        dmq1=d % (q - 1),
        iqmp=pow(q, -1, p),
        public_numbers=public,
    ).private_key()


@cache
def _load(pem: str, secret: str, debug: bool) -> rsa.RSAPrivateKey:
    if pem:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ImproperlyConfigured("LTI_TOOL_PRIVATE_KEY must be an RSA private key.")
        return key
    if debug:
        return _derived_key(secret)
    raise ImproperlyConfigured("LTI_TOOL_PRIVATE_KEY is not set (see docs/lti.md).")


def _b64(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def public_jwks() -> dict[str, list[dict[str, str]]]:
    key = _load(settings.LTI_TOOL_PRIVATE_KEY, settings.SECRET_KEY, settings.DEBUG)
    numbers = key.public_key().public_numbers()
    # The key id names the key itself, so a rotated PEM publishes a new kid.
    kid = hashlib.sha256(f"{numbers.n}:{numbers.e}".encode()).hexdigest()[:16]
    jwk = {"kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid, "e": _b64(numbers.e)}
    jwk["n"] = _b64(numbers.n)
    return {"keys": [jwk]}
