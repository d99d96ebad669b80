"""The tool's own RSA key, published at /lti/jwks for Canvas (public_jwk_url).

Production reads LTI_TOOL_PRIVATE_KEY (PEM); settings refuse to start with LTI on and no key when
DJANGO_DEBUG is off. Development makes one key per DJANGO_SECRET_KEY with `cryptography` and keeps
it in a file, so every process and every restart publishes the same JWKS without a key to manage.
"""

import base64
import contextlib
import hashlib
import os
import tempfile
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEVELOPMENT_KEY_BITS = 2048


def _development_key(secret: str, directory: Path) -> rsa.RSAPrivateKey:
    """This machine's development key for `secret`: made once, then read by every process.

    Why a file: `cryptography` generates keys from OpenSSL's random source, which cannot be
    seeded, so the only sound way to have one key across gunicorn workers and `make run` restarts
    is to keep the first one made (a seeded home-made prime search is what this replaced). Why
    not the database: a development convenience does not need a model and migration, and deleting
    the file simply makes a new key. The file name is a hash of the secret key, so changing the
    secret key changes the key, as a deployment rotating both would; the hash does not reveal it.
    """
    name = hashlib.sha256(f"lti-tool-key:{secret}".encode()).hexdigest()[:32]
    path = directory / f"lti-development-key-{name}.pem"
    if not path.exists():
        _publish_once(path, _new_pem())
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"The development LTI key in {path} cannot be read. Delete it and a new one is made."
        ) from error
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < DEVELOPMENT_KEY_BITS:
        raise ImproperlyConfigured(
            f"The development LTI key in {path} is not a {DEVELOPMENT_KEY_BITS}-bit RSA key. "
            "Delete it and a new one is made."
        )
    return key


def _new_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=DEVELOPMENT_KEY_BITS)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _publish_once(path: Path, pem: bytes) -> None:
    """Write `pem` to `path` unless another process got there first; never a half-written file.

    Workers starting together may each make a key: each writes a private temporary file, then
    hard-links it into place, which fails for all but the first, so they all read the first one.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".lti-key-")  # mode 0600
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(pem)
            file.flush()
            os.fsync(file.fileno())
        # Another process published first: its key is the one.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


@cache
def _load(pem: str, secret: str, debug: bool, directory: Path) -> rsa.RSAPrivateKey:
    if pem:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ImproperlyConfigured("LTI_TOOL_PRIVATE_KEY must be an RSA private key.")
        return key
    if debug:
        return _development_key(secret, directory)
    raise ImproperlyConfigured("LTI_TOOL_PRIVATE_KEY is not set (see docs/lti.md).")


def _b64(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def public_jwks() -> dict[str, list[dict[str, str]]]:
    key = _load(
        settings.LTI_TOOL_PRIVATE_KEY,
        settings.SECRET_KEY,
        settings.DEBUG,
        Path(settings.LTI_DEVELOPMENT_KEY_DIR),
    )
    numbers = key.public_key().public_numbers()
    # The key id names the key itself, so a rotated PEM publishes a new kid.
    kid = hashlib.sha256(f"{numbers.n}:{numbers.e}".encode()).hexdigest()[:16]
    jwk = {"kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid, "e": _b64(numbers.e)}
    jwk["n"] = _b64(numbers.n)
    return {"keys": [jwk]}
