"""Are the secrets in the environment fit to run on? Read by portal/settings.py at start-up.

Production (DJANGO_DEBUG off) refuses weak or published secrets, and any run refuses keys that
cannot work (a malformed Fernet or LTI key would otherwise fail at a student's first sign-in or at
Canvas's first JWKS fetch). Every refusal names the variable and never shows its value.
Development may run on public defaults; `development_defaults` lists which, for the start-up
warning (portal/checks.py).
"""

import binascii

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ImproperlyConfigured

# What settings use for DJANGO_SECRET_KEY when DJANGO_DEBUG is on and the variable is unset.
DEVELOPMENT_SECRET_KEY = "development-only-secret-key-not-for-production"  # noqa: S105
# The same thresholds as Django's own `check --deploy` (security.W009), enforced at start-up.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5
# `django-admin startproject` keys start with this; they have been in public repositories.
DJANGO_INSECURE_PREFIX = "django-insecure-"
# Values published in this repository or commonly pasted from examples: anyone can sign with them.
KNOWN_DEFAULT_SECRET_KEYS = frozenset(
    {DEVELOPMENT_SECRET_KEY, "changeme", "change-me", "CHANGE-ME", "secret", "your-secret-key"}
)
LTI_MIN_KEY_BITS = 2048
FERNET_HINT = (
    'Make one with: python -c "from cryptography.fernet import Fernet; '
    'print(Fernet.generate_key().decode())"'
)
SECRET_KEY_HINT = 'Make one with: python -c "import secrets; print(secrets.token_urlsafe(64))"'  # noqa: S105 - a command, not a key


def secret_key_problem(value: str) -> str | None:
    """Why DJANGO_SECRET_KEY is too weak for production, or None."""
    if value in KNOWN_DEFAULT_SECRET_KEYS or value.startswith(DJANGO_INSECURE_PREFIX):
        return (
            "DJANGO_SECRET_KEY is a published default value, so anyone could forge sessions. "
            f"Set it to 50 or more random characters. {SECRET_KEY_HINT}"
        )
    if len(value) < SECRET_KEY_MIN_LENGTH:
        return (
            f"DJANGO_SECRET_KEY is {len(value)} characters long; production needs at least "
            f"{SECRET_KEY_MIN_LENGTH} random characters. {SECRET_KEY_HINT}"
        )
    if len(set(value)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return (
            f"DJANGO_SECRET_KEY uses fewer than {SECRET_KEY_MIN_UNIQUE_CHARACTERS} different "
            f"characters, so it is easy to guess. {SECRET_KEY_HINT}"
        )
    return None


def _is_fernet_key(key: str) -> bool:
    try:
        Fernet(key.encode("ascii"))  # the same construction accounts/crypto.py uses
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return False
    return True


def fernet_key_problems(keys: list[str]) -> list[str]:
    """One sentence per TOKEN_ENCRYPTION_KEYS entry that is not a Fernet key (by position)."""
    return [
        f"TOKEN_ENCRYPTION_KEYS entry {position} of {len(keys)} is not a valid Fernet key "
        f"(32 bytes in URL-safe base64, 44 characters). {FERNET_HINT}"
        for position, key in enumerate(keys, start=1)
        if not _is_fernet_key(key)
    ]


def lti_key_problem(pem: str) -> str | None:
    """Why LTI_TOOL_PRIVATE_KEY cannot sign LTI messages, or None."""
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError):
        return (
            "LTI_TOOL_PRIVATE_KEY is not a readable, unencrypted PEM private key "
            "(see docs/lti.md for how to make one)."
        )
    if not isinstance(key, rsa.RSAPrivateKey):
        return "LTI_TOOL_PRIVATE_KEY must be an RSA private key (Canvas verifies RS256)."
    if key.key_size < LTI_MIN_KEY_BITS:
        return (
            f"LTI_TOOL_PRIVATE_KEY is a {key.key_size}-bit RSA key; "
            f"use {LTI_MIN_KEY_BITS} bits or more."
        )
    return None


def refuse_unsafe_secrets(
    *, debug: bool, secret_key: str, token_keys: list[str], lti_private_key: str
) -> None:
    """Raise ImproperlyConfigured naming every unfit secret; return when all are fit."""
    problems = fernet_key_problems(token_keys)
    if lti_private_key:
        problems.append(lti_key_problem(lti_private_key) or "")
    if not debug:
        problems.insert(0, secret_key_problem(secret_key) or "")
    problems = [problem for problem in problems if problem]
    if problems:
        raise ImproperlyConfigured(
            "The portal will not start with these secrets: " + " ".join(problems)
        )


def development_defaults(
    *, secret_key: str, token_keys_set: bool, lti_key_needed: bool
) -> list[str]:
    """The secret variables a DEBUG run takes from a public default, to warn about at start-up.

    An unset TOKEN_ENCRYPTION_KEYS is derived from the secret key, so it is as public as that key
    is. An LTI_TOOL_PRIVATE_KEY left unset while LTI is on (`lti_key_needed`) is a development
    key generated on this machine (lti/tool_key.py): unmanaged, and gone with the checkout.
    """
    published = secret_key in KNOWN_DEFAULT_SECRET_KEYS or secret_key.startswith(
        DJANGO_INSECURE_PREFIX
    )
    names = ["DJANGO_SECRET_KEY"] if published else []
    if not token_keys_set:
        names.append("TOKEN_ENCRYPTION_KEYS")
    if lti_key_needed:
        names.append("LTI_TOOL_PRIVATE_KEY")
    return names
