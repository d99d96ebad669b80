"""JSON log lines that carry the request id and hashed user, with secrets masked.

One line per record on stdout, so any log shipper can parse it. The request id and the hashed
Canvas user id come from context variables the request-id middleware sets (portal/middleware.py),
so every line written while a request is handled carries them, whichever logger wrote it.

The portal never logs tokens on purpose; `mask_secrets` is defence in depth for the line
someone adds by mistake (a library's debug output, an exception that quotes a request body).
"""

import contextvars
import hashlib
import hmac
import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "portal_request_id", default=None
)
user_hash_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "portal_user_hash", default=None
)

# WSGI environ keys the middleware fills so gunicorn's access log (written after Django has
# finished and the context variables are reset) can name the request and user too.
ENVIRON_REQUEST_ID = "portal.request_id"
ENVIRON_USER_HASH = "portal.user_hash"

MASK = "[masked]"
# Names whose values are masked, not secrets themselves.
_SECRET_NAMES = r"access_token|refresh_token|client_secret|code_verifier|code|password|secret"  # noqa: S105
_SECRET_PATTERNS = [
    # Authorization: Bearer <token>
    (re.compile(r"(?i)\b(bearer)\s+[^\s\"',;\\]+"), rf"\1 {MASK}"),
    # name=value (query strings, form bodies), name: value, "name": "value", 'name': 'value'.
    # Short values are left alone so "status code: 302" stays readable; secrets are long.
    (
        re.compile(
            rf"(?i)(?<![A-Za-z0-9])({_SECRET_NAMES})(\"|')?(\s*[:=]\s*)(\"|')?"
            r"[^\s\"'&,;)}\]\\]{6,}"
        ),
        rf"\1\2\3\4{MASK}",
    ),
    # The shape of a Canvas access or refresh token: <id>~<64 alphanumerics>.
    (re.compile(r"\b\d+~[A-Za-z0-9]{20,}"), MASK),
]

# Attributes every LogRecord has; anything else was passed with `extra=` and is emitted as a field.
_STANDARD_ATTRS = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "taskName",
}


def mask_secrets(text: str) -> str:
    """The text with anything that looks like a token, code or client secret replaced."""
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def hash_user_id(user_id: int | str) -> str:
    """A stable pseudonym for a Canvas user id: lines of one user can be correlated, but the
    log alone does not say who it is."""
    from django.conf import settings

    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"canvas-user:{user_id}".encode(), hashlib.sha256
    )
    return digest.hexdigest()[:16]


class SecretMaskingFilter(logging.Filter):
    """Rewrite a record's message and exception text with `mask_secrets` before any handler
    formats it, whichever formatter that handler uses."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_secrets(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_secrets(record.exc_text)
        return True


class RequestContextFilter(logging.Filter):
    """Stamp the current request id and hashed user on the record (for any formatter).

    gunicorn's access records are written after the request, so they take both from the WSGI
    environ instead, and their fields become attributes before masking rewrites the arguments.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            for key, value in _access_fields(record.args).items():
                setattr(record, key, value)
        # Django logs 4xx/5xx responses after the middleware has returned; the request it passes
        # along still knows its id.
        request = getattr(record, "request", None)
        meta = getattr(request, "META", None)
        meta = meta if isinstance(meta, dict) else {}
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id_var.get() or meta.get(ENVIRON_REQUEST_ID)
        if getattr(record, "user", None) is None:
            record.user = user_hash_var.get() or meta.get(ENVIRON_USER_HASH)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, user, extras."""

    def __init__(self, *args: Any, mask: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mask = mask  # off only in tests that prove nothing secret is logged to begin with

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
            "user": getattr(record, "user", None) or user_hash_var.get(),
            "pid": record.process,
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and key not in line and not key.startswith("_"):
                line[key] = _field(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        text = json.dumps(line, default=str, ensure_ascii=False)
        return mask_secrets(text) if self.mask else text


def _field(value: Any) -> Any:
    """An extra's value as it may appear in a log line.

    Django passes the request object (`django.request`); its repr has the query string, so only
    its path is written. Other objects are named, not printed.
    """
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    path = getattr(value, "path", None)
    if isinstance(path, str):
        return path
    return type(value).__name__


def _access_fields(atoms: dict[str, Any]) -> dict[str, Any]:
    """Structured fields of a gunicorn access record; the path only, never the query string."""
    return {
        "request_id": atoms.get(f"{{{ENVIRON_REQUEST_ID}}}e") or None,
        "user": atoms.get(f"{{{ENVIRON_USER_HASH}}}e") or None,
        "method": atoms.get("m"),
        "path": atoms.get("U"),
        "status": _int_or_none(atoms.get("s")),
        "ms": atoms.get("M"),
        "bytes": atoms.get("B"),
        "remote": atoms.get("h"),
    }


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def logging_config(level: str = "INFO", *, json_lines: bool = True) -> dict[str, Any]:
    """The `logging.config.dictConfig` used by Django settings and by gunicorn's master."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "context": {"()": "portal.logging.RequestContextFilter"},
            "mask": {"()": "portal.logging.SecretMaskingFilter"},
        },
        "formatters": {
            "json": {"()": "portal.logging.JsonFormatter"},
            "plain": {
                "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
            },
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json" if json_lines else "plain",
                "filters": ["context", "mask"],
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # These log tokens and client secrets at DEBUG: never let them go lower.
            "oauthlib": {"level": "WARNING"},
            "requests_oauthlib": {"level": "WARNING"},
            "urllib3": {"level": "WARNING"},
            # gunicorn's own loggers write through the same handler, once.
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }
