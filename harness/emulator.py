"""The Canvas emulator as a real child process, and a client for its control API.

The portal never imports ``canvas_emulator``; tests, the benchmark and the demo meet it over HTTP
only, exactly as the portal meets real Canvas (docs/emulator.md). This is the one place that
knows how to start it.
"""

from __future__ import annotations

import collections
import json as jsonlib
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any, cast

from .processes import REPO_ROOT, Child

__all__ = ["REPO_ROOT", "EmulatorError", "EmulatorProcess"]

LISTENING_PREFIX = "Canvas emulator listening on "
START_TIMEOUT_S = 20.0


class EmulatorError(RuntimeError):
    """A control call answered non-2xx, or the process could not start."""


class EmulatorProcess(Child):
    """``python -m canvas_emulator --port <port> --seed <seed>`` in a child process.

    ``port`` 0 picks a free one; ``base_url`` is learnt from the first stdout line. Output
    (stdout and stderr merged) is drained by a thread so the child never blocks on a full pipe;
    the last lines are kept in ``output`` for errors, and each is also handed to ``echo`` (the
    demo prints them).
    """

    def __init__(
        self,
        seed: str = "demo",
        *,
        port: int = 0,
        latency_ms: int = 0,
        portal_url: str | None = None,
        extra_args: list[str] | None = None,
        env: dict[str, str] | None = None,
        echo: Callable[[str], None] | None = None,
    ) -> None:
        self.seed = seed
        self.output: collections.deque[str] = collections.deque(maxlen=500)
        self._echo = echo
        cmd = [sys.executable, "-m", "canvas_emulator", "--port", str(port), "--seed", seed]
        if latency_ms:
            cmd += ["--latency-ms", str(latency_ms)]
        if portal_url is not None:
            cmd += ["--portal-url", portal_url]
        cmd += extra_args or []
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        super().__init__(cmd, env=env, stdout=subprocess.PIPE)
        self.base_url = self._wait_for_listening_line()
        self._drain = threading.Thread(target=self._drain_output, daemon=True)
        self._drain.start()

    # -- process lifecycle -------------------------------------------------------------------

    def _keep(self, line: str) -> None:
        self.output.append(line)
        if self._echo is not None:
            self._echo(line)

    def _wait_for_listening_line(self) -> str:
        stdout = self._proc.stdout
        assert stdout is not None
        result: list[str] = []
        reader = threading.Thread(target=lambda: result.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(START_TIMEOUT_S)
        line = result[0].rstrip("\n") if result else ""
        if not line.startswith(LISTENING_PREFIX):
            self.stop()
            rest = stdout.read() if not reader.is_alive() else ""
            raise EmulatorError(f"emulator did not start: {line!r} {rest[-2000:]}")
        self._keep(line)
        return line[len(LISTENING_PREFIX) :].strip()

    def _drain_output(self) -> None:
        stream = self._proc.stdout
        if stream is None:
            return
        try:
            for line in stream:
                self._keep(line.rstrip("\n"))
        except (OSError, ValueError):
            pass  # pipe closed while stopping

    # -- control API (docs/emulator.md) --------------------------------------------------------

    def control(self, method: str, path: str, json: Any = None) -> Any:
        """Call ``/__emulator__/<path>`` and return the decoded JSON; raise on non-2xx."""
        url = f"{self.base_url}/__emulator__/{path.lstrip('/')}"
        data = None if json is None else jsonlib.dumps(json).encode()
        req = urllib.request.Request(url, data=data, method=method.upper())  # noqa: S310 - ours
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 - our own URL
                body = resp.read()
        except urllib.error.HTTPError as err:
            detail = err.read().decode(errors="replace")
            raise EmulatorError(f"{method} {path} -> {err.code}: {detail}") from err
        return jsonlib.loads(body) if body else None

    def _record(self, method: str, path: str, json: Any = None) -> dict[str, Any]:
        return cast(dict[str, Any], self.control(method, path, json))

    def _records(self, method: str, path: str, json: Any = None) -> list[dict[str, Any]]:
        return cast(list[dict[str, Any]], self.control(method, path, json))

    def reset(self) -> Any:
        return self.control("POST", "reset")

    def users(self) -> list[dict[str, Any]]:
        return self._records("GET", "users")

    def create_user(self, **fields: Any) -> dict[str, Any]:
        return self._record("POST", "users", fields)

    def set_permissions(self, user_id: int, permissions: list[str]) -> dict[str, Any]:
        """Change an admin's account rights; `[]` takes the admin role away."""
        return self._record("POST", f"users/{user_id}/permissions", {"permissions": permissions})

    def token_for(self, user_id: int, developer_key_id: int | None = None) -> str:
        body: dict[str, Any] = {"user_id": user_id}
        if developer_key_id is not None:
            body["developer_key_id"] = developer_key_id
        return str(self.control("POST", "tokens", body)["access_token"])

    def login_session(self, user_id: int) -> dict[str, Any]:
        return self._record("POST", "session", {"user_id": user_id})

    def developer_keys(self) -> list[dict[str, Any]]:
        return self._records("GET", "developer_keys")

    def create_developer_key(self, **fields: Any) -> dict[str, Any]:
        return self._record("POST", "developer_keys", fields)

    def settings(self, **fields: Any) -> dict[str, Any]:
        return self._record("POST", "settings", fields)

    def faults(self, **fields: Any) -> dict[str, Any]:
        return self._record("POST", "faults", fields)

    def confirm_channel(self, channel_id: int) -> dict[str, Any]:
        return self._record("POST", f"channels/{channel_id}/confirm")

    def bounce_channel(self, channel_id: int, count: int = 1) -> dict[str, Any]:
        return self._record("POST", f"channels/{channel_id}/bounce", {"count": count})

    def channels(self, user_id: int) -> list[dict[str, Any]]:
        return self._records("GET", f"channels?user_id={user_id}")

    def channel_messages(self, channel_id: int) -> list[dict[str, Any]]:
        return self._records("GET", f"channels/{channel_id}/messages")

    def requests_log(self) -> list[dict[str, Any]]:
        return self._records("GET", "requests")

    def clear_requests(self) -> None:
        self.control("DELETE", "requests")

    def tokens(self, user_id: int | None = None) -> list[dict[str, Any]]:
        """Every issued token with its `status`: live, expired, hard_expired or revoked."""
        query = "" if user_id is None else f"?user_id={user_id}"
        return self._records("GET", f"tokens{query}")

    def expire_token(self, token: str) -> Any:
        return self.control("POST", f"tokens/{token}/expire")

    def revoke_token(self, token: str) -> Any:
        return self.control("POST", f"tokens/{token}/revoke")
