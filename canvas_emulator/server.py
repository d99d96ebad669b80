"""HTTP plumbing: parse requests, route them, run API authentication, faults and throttle headers.

Endpoint logic lives in ``channels``, ``users``, ``oauth`` and ``control``; this module only
decides *which* of them answers and wraps the cross-cutting Canvas behaviour around it.
"§N" means a section of docs/canvas-behaviour.md.
"""

from __future__ import annotations

import json
import re
import socket
import struct
import sys
import threading
import time
import traceback
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from . import (
    channels,
    control,
    lti,
    messages_api,
    notifications,
    oauth,
    register,
    reports,
    user_email,
    users,
)
from .auth import authenticate_api, token_from_request
from .faults import Faults
from .seed import DEFAULT_PORTAL_URL, apply_seed
from .state import DeveloperKey, State
from .throttle import Buckets
from .wire import (
    HttpError,
    Request,
    Response,
    encode_json,
    generic_error,
    html_response,
    not_found,
    rails_params,
)

Handler = Callable[[State, Request], Response]
MAX_BODY_BYTES = 1_000_000


class Router:
    """First matching (method, path regex) wins, mirroring Rails' declaration order."""

    def __init__(self, routes: list[tuple[str, str, Handler]]) -> None:
        # Rails routes accept an optional ``.json`` format suffix.
        self._routes = [
            (method, re.compile(f"^{pattern}(?:\\.json)?$"), handler)
            for method, pattern, handler in routes
        ]

    def match(self, method: str, path: str) -> tuple[Handler, dict[str, str]] | None:
        verb = "GET" if method == "HEAD" else method
        for route_method, regex, handler in self._routes:
            found = regex.match(path)
            if route_method == verb and found:
                return handler, found.groupdict()
        return None


# Help-desk diagnostics: default email (§13.1), channel reports (§14.1-2), comm_messages (§14.3).
DIAGNOSTIC_ROUTES = [*user_email.ROUTES, *reports.ROUTES, *messages_api.ROUTES]
CANVAS_ROUTES = Router(
    [
        *channels.ROUTES,
        *users.ROUTES,
        *oauth.ROUTES,
        *notifications.ROUTES,
        *register.ROUTES,
        *DIAGNOSTIC_ROUTES,
    ]
)
# Public, cookie- or form-driven LTI endpoints: never token-authenticated, even under /api/.
LTI_PREFIX = "/api/lti/"


class App:
    """One emulated Canvas instance: state plus the test-facing switches around it."""

    def __init__(
        self,
        seed: str = "none",
        *,
        portal_url: str = DEFAULT_PORTAL_URL,
        latency_ms: int = 0,
        deliver_sms: bool = False,
    ) -> None:
        self.seed = seed
        self.deliver_sms = deliver_sms  # --deliver-sms; a reset returns to it
        self.portal_url = portal_url
        self.state = State()
        self.faults = Faults(latency_ms)
        self.buckets = Buckets()
        self._log_lock = threading.Lock()
        self.request_log: list[dict[str, Any]] = []
        self.demo_key: DeveloperKey | None = None
        self.lti = lti.Platform()
        self.lti_routes = Router(lti.Routes(self.lti).table())
        self.reset()

    def reset(self) -> None:
        """Back to the start-up seed: data, tokens, sessions, faults, log and settings."""
        self.demo_key = apply_seed(self.state, self.seed, self.portal_url)
        self.state.settings.deliver_sms = self.deliver_sms
        self.lti.reset()
        self.faults.reset()
        self.buckets.clear()
        self.clear_log()

    def clear_log(self) -> None:
        with self._log_lock:
            self.request_log.clear()

    def log_snapshot(self) -> list[dict[str, Any]]:
        with self._log_lock:
            return [dict(row) for row in self.request_log]

    # -- request handling ------------------------------------------------------------------

    def handle(self, req: Request) -> Response:
        if req.path.startswith("/__emulator__/"):
            return control.dispatch(self, req)  # not Canvas: never logged, faulted or throttled
        if req.path == "/favicon.ico":
            # Browsers ask on every page; an empty answer keeps their consoles free of 404s.
            return Response(204)
        started = time.monotonic()
        response = self._canvas(req)
        with self._log_lock:
            self.request_log.append(
                {
                    "method": req.method,
                    "path": req.path,
                    "query": req.query_string,
                    "status": None if response.drop_connection else response.status,
                    "ms": int((time.monotonic() - started) * 1000),
                }
            )
        return response

    def _canvas(self, req: Request) -> Response:
        if req.path.startswith("/api/v1/") or req.path == "/login/oauth2/token":
            injection = self.faults.intercept()
            if injection.replace is not None:
                return injection.replace
            if injection.alter is not None:
                return injection.alter(self._route(req))
        return self._route(req)

    def _route(self, req: Request) -> Response:
        matched = self.lti_routes.match(req.method, req.path) or CANVAS_ROUTES.match(
            req.method, req.path
        )
        if req.path.startswith("/api/") and not req.path.startswith(LTI_PREFIX):
            return self._api(req, matched)
        if matched is None:
            return html_response(
                "<!DOCTYPE html><title>Not Found</title><h1>Page Not Found</h1>", 404
            )
        handler, req.route = matched
        return _run(handler, self.state, req)

    def _api(self, req: Request, matched: tuple[Handler, dict[str, str]] | None) -> Response:
        if matched is None:
            return not_found()
        handler, req.route = matched
        raw_token = token_from_request(req)
        if raw_token:
            self.buckets.start(raw_token)
        try:
            authenticate_api(self.state, req)
            response = _run(handler, self.state, req)
        except HttpError as err:
            response = err.response
        if raw_token:
            # Token-identified clients get both headers on every answer not throttled (§4).
            cost, remaining = self.buckets.finish(raw_token)
            response.header("X-Request-Cost", f"{cost:.2f}")
            response.header("X-Rate-Limit-Remaining", f"{remaining:.2f}")
        return response


def _run(handler: Handler, state: State, req: Request) -> Response:
    try:
        return handler(state, req)
    except HttpError as err:
        return err.response
    except Exception:
        traceback.print_exc(file=sys.stderr)
        response = generic_error(500, "internal_server_error")
        response.json_payload["error_report_id"] = int(time.time())
        return response


# -- the stdlib HTTP server --------------------------------------------------------------------


def parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    """Form-encoded (Rails brackets) or JSON request bodies; anything else is ignored."""
    if not body:
        return {}
    if "application/json" in content_type:
        decoded = json.loads(body)
        return decoded if isinstance(decoded, dict) else {}
    if "application/x-www-form-urlencoded" in content_type or not content_type:
        return rails_params(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return {}


class EmulatorHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like Canvas behind a load balancer
    server_version = "CanvasEmulator/1.0"
    # Headers and body go out in separate writes; without TCP_NODELAY, Nagle plus delayed ACKs
    # add ~40 ms to every keep-alive request.
    disable_nagle_algorithm = True
    app: App  # set on the subclass made by make_server

    def do_GET(self) -> None:
        self._dispatch()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        sys.stderr.write(f"[emulator] {self.address_string()} {format % args}\n")

    def _dispatch(self) -> None:
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, MAX_BODY_BYTES)) if length else b""
        req = Request(self.command, split.path or "/", split.query, self.headers, body)
        try:
            params = rails_params(req.query_pairs)
            params.update(parse_body(self.headers.get("Content-Type") or "", body))
            req.params = params
            response = self.app.handle(req)
        except (ValueError, UnicodeDecodeError):
            response = generic_error(400, "bad_request")  # unparsable body (Rails ParseError)
        if response.drop_connection:
            self._drop()
            return
        self._send(req, response)

    def _drop(self) -> None:
        """Answer nothing and reset the TCP connection (fault ``{"reset": true}``)."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def _send(self, req: Request, response: Response) -> None:
        body = response.body
        if response.json_payload is not None:
            body = encode_json(response.json_payload, req.string_ids)
        self.send_response(response.status)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        for name, value in response.headers:
            if name == "Location" and value.startswith("/"):
                value = req.base_url + value  # Rails redirect_to sends absolute URLs
            self.send_header(name, value)
        body += b" " * response.pad_bytes
        if response.hide_length:
            # The body ends when the connection closes, as behind some proxies.
            self.send_header("Connection", "close")
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "HEAD":
            return
        if response.drip_s:
            self._drip(body, response.drip_s, response.drip_stop or threading.Event())
        else:
            self.wfile.write(body)

    def _drip(self, body: bytes, interval: float, stop: threading.Event) -> None:
        """One byte per `interval` seconds; the rest at once when a reset sets `stop`."""
        try:
            for index in range(len(body)):
                if stop.is_set():
                    self.wfile.write(body[index:])
                    return
                self.wfile.write(body[index : index + 1])
                self.wfile.flush()
                stop.wait(interval)
        except OSError:
            self.close_connection = True  # the client gave up: nothing more to send


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True  # a hanging fault must never keep the process alive
    allow_reuse_address = True


def make_server(app: App, host: str, port: int) -> EmulatorServer:
    handler = type("BoundEmulatorHandler", (EmulatorHandler,), {"app": app})
    return EmulatorServer((host, port), handler)
