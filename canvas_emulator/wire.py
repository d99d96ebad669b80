"""Request/response values and the body shapes Canvas uses for errors.

Kept free of routing and state so every endpoint module can build responses the same way.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

if TYPE_CHECKING:
    from email.message import Message

    from .state import AccessToken, Session, User

JSON_TYPE = "application/json; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"
STRING_IDS_ACCEPT = "application/json+canvas-string-ids"
SESSION_COOKIE = "canvas_session"

# Canvas's RecordNotFound body (docs/canvas-behaviour.md §3.9).
NOT_FOUND_BODY = {"errors": [{"message": "The specified resource does not exist."}]}


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    # Kept unserialised until sending, so ``canvas-string-ids`` can rewrite ids (§1.3).
    json_payload: Any = None
    # Fault injection: close the socket with RST instead of answering.
    drop_connection: bool = False
    # Fault injection: send the body one byte per ``drip_s`` seconds (until ``drip_stop`` is set),
    # append ``pad_bytes`` spaces (still valid JSON), or leave out Content-Length and close.
    drip_s: float = 0.0
    drip_stop: threading.Event | None = None
    pad_bytes: int = 0
    hide_length: bool = False

    def header(self, name: str, value: str) -> Response:
        self.headers.append((name, value))
        return self


class HttpError(Exception):
    """Raised by handlers to answer early with a finished response."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


@dataclass
class Request:
    method: str
    path: str  # raw (still percent-encoded) path, as Canvas keeps it in Link URLs
    query_string: str
    headers: Message
    body: bytes
    params: dict[str, Any] = field(default_factory=dict)
    route: dict[str, str] = field(default_factory=dict)
    # Filled in by authentication (API) or the session cookie (web pages).
    user: User | None = None
    token: AccessToken | None = None
    token_string: str | None = None
    session: Session | None = None

    @property
    def query_pairs(self) -> list[tuple[str, str]]:
        return parse_qsl(self.query_string, keep_blank_values=True)

    @property
    def host(self) -> str:
        return self.headers.get("Host") or "localhost"

    @property
    def base_url(self) -> str:
        return f"http://{self.host}"

    @property
    def string_ids(self) -> bool:
        return STRING_IDS_ACCEPT in (self.headers.get("Accept") or "")

    def cookie(self, name: str) -> str | None:
        jar = SimpleCookie()
        try:
            jar.load(self.headers.get("Cookie") or "")
        except Exception:  # a malformed Cookie header must not break the request
            return None
        morsel = jar.get(name)
        return morsel.value if morsel else None

    def param(self, *keys: str) -> Any:
        """Nested lookup: ``param("communication_channel", "address")``."""
        value: Any = self.params
        for key in keys:
            if not isinstance(value, dict):
                return None
            value = value.get(key)
        return value

    def str_param(self, *keys: str) -> str | None:
        value = self.param(*keys)
        if value is None:
            return None
        return value if isinstance(value, str) else str(value)

    def list_param(self, key: str) -> list[str]:
        value = self.params.get(key)
        if value is None:
            return []
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]


_KEY_RE = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def rails_params(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Decode Rails bracket keys (``a[b]``, ``a[]``, ``a[b][c]``) into nested dicts/lists.

    Canvas clients (canvasapi included) send form fields this way; Rails folds them into params.
    """
    out: dict[str, Any] = {}
    for key, value in pairs:
        match = _KEY_RE.match(key)
        if not match:
            out[key] = value
            continue
        parts = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
        node: dict[str, Any] = out
        for index, part in enumerate(parts):
            is_last = index == len(parts) - 1
            if is_last:
                node[part] = value
                break
            if parts[index + 1] == "":
                current = node.get(part)
                if not isinstance(current, list):
                    current = node[part] = []
                current.append(value)
                break
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
    return out


def truthy(value: Any) -> bool:
    """Rails ``value_to_boolean``: "1", "true", "on", "yes" (any case) and True are true."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "t", "on", "yes", "y"}


def stringify_ids(value: Any) -> Any:
    """Rewrite ``id``/``*_id``/``*_ids`` integers as strings (``json+canvas-string-ids``)."""
    if isinstance(value, list):
        return [stringify_ids(v) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key == "id" or key.endswith("_id"):
            out[key] = str(item) if isinstance(item, int) and not isinstance(item, bool) else item
        elif key.endswith("_ids") and isinstance(item, list):
            out[key] = [str(v) if isinstance(v, int) else v for v in item]
        else:
            out[key] = stringify_ids(item)
    return out


# -- response builders -----------------------------------------------------------------------


def json_response(payload: Any, status: int = 200, **headers: str) -> Response:
    response = Response(status, content_type=JSON_TYPE, json_payload=payload)
    for name, value in headers.items():
        response.header(name.replace("_", "-"), value)
    return response


def text_response(text: str, status: int = 200) -> Response:
    return Response(status, text.encode(), TEXT_TYPE)


def html_response(markup: str, status: int = 200) -> Response:
    return Response(status, markup.encode(), HTML_TYPE)


def redirect(location: str, status: int = 302) -> Response:
    return Response(status, b"", HTML_TYPE, [("Location", location)])


def not_found() -> Response:
    return json_response(NOT_FOUND_BODY, 404)


def generic_error(status: int, error_code: str) -> Response:
    """``api_error_json`` generic branch (docs/canvas-behaviour.md §3.9)."""
    body = {"errors": [{"message": "An error occurred.", "error_code": error_code}]}
    return json_response(body, status)


def model_errors(errors: dict[str, list[tuple[str, str]]]) -> Response:
    """``render json: model.errors`` via InstructureHashReporter (§1.10)."""
    shaped = {
        attribute: [
            {"attribute": attribute, "type": kind, "message": message} for kind, message in rows
        ]
        for attribute, rows in errors.items()
    }
    return json_response({"errors": shaped}, 400)


def custom_type_error(message: str) -> Response:
    """The ``{"errors":{"type":"..."}}`` shape used for cap/push failures (§1.5, §1.10)."""
    return json_response({"errors": {"type": message}}, 400)


def encode_json(payload: Any, string_ids: bool) -> bytes:
    if string_ids:
        payload = stringify_ids(payload)
    return json.dumps(payload, separators=(",", ":")).encode()
