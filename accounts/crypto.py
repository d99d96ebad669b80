"""Encryption at rest for Canvas tokens (Fernet, with MultiFernet for key rotation).

The first key in TOKEN_ENCRYPTION_KEYS encrypts; every key decrypts, so a new key can be put
first without making stored tokens unreadable.
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class UnreadableToken(Exception):
    """A stored value no configured key can decrypt (keys rotated away, or tampering)."""


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode("ascii")) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.TOKEN_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return _current().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(ciphertext: str) -> str:
    try:
        return _current().decrypt(ciphertext.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise UnreadableToken("stored token cannot be decrypted with the configured keys") from exc


def reencrypt(ciphertext: str) -> str:
    """The same secret, encrypted with the newest key."""
    try:
        return _current().rotate(ciphertext.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise UnreadableToken("stored token cannot be decrypted with the configured keys") from exc
