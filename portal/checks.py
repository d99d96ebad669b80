"""Start-up warnings (Django's system checks, shown by `runserver`, `migrate` and `check`)."""

from typing import Any

from django.conf import settings
from django.core import checks

_WARNINGS = {
    "DJANGO_SECRET_KEY": (
        "DJANGO_SECRET_KEY is a public development default: anyone can forge a session on this "
        "server. Fine on your own machine; set a random 50+ character key anywhere else."
    ),
    "TOKEN_ENCRYPTION_KEYS": (
        "TOKEN_ENCRYPTION_KEYS is not set, so Canvas tokens are encrypted with a key derived from "
        "DJANGO_SECRET_KEY. Fine on your own machine; set a Fernet key anywhere else."
    ),
    "LTI_TOOL_PRIVATE_KEY": (
        "LTI_TOOL_PRIVATE_KEY is not set, so the LTI key is a development key generated on this "
        "machine and kept in run/. Fine on your own machine; set an RSA key anywhere else "
        "(docs/lti.md)."
    ),
}


@checks.register(checks.Tags.security)
def development_defaults_check(app_configs: Any = None, **kwargs: Any) -> list[checks.Warning]:
    """One warning per secret a DEBUG run takes from a public default (none in production)."""
    return [
        checks.Warning(_WARNINGS[name], id=f"portal.W{index:03d}")
        for index, name in enumerate(_WARNINGS, start=1)
        if name in getattr(settings, "DEVELOPMENT_DEFAULTS", [])
    ]
