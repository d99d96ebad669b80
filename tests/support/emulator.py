"""Run the Canvas emulator as a real subprocess and drive its control API.

The portal never imports ``canvas_emulator``; tests meet it over HTTP only, exactly as the portal
meets real Canvas. This module is the one place that knows how to start and stop it.
"""

from __future__ import annotations

import atexit
import collections
import json as jsonlib
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import weakref
from pathlib import Path
from typing import Any, Self

from . import processes

REPO_ROOT = Path(__file__).resolve().parents[2]
LISTENING_PREFIX = "Canvas emulator listening on "
START_TIMEOUT_S = 20.0

# Every started process, so an interpreter exit (even after a crashed test) still kills it.
_LIVE: weakref.WeakSet[EmulatorProcess] = weakref.WeakSet()


@atexit.register
def _kill_leftovers() -> None:
    for proc in list(_LIVE):
        proc.stop()


class EmulatorError(RuntimeError):
    """A control call answered non-2xx, or the process could not start."""


class EmulatorProcess:
    """``python -m canvas_emulator --port 0`` in a child process.

    ``base_url`` is learnt from the first stdout line. Output (stdout and stderr merged) is drained
    by a thread so the child never blocks on a full pipe; the last lines are kept for errors.
    """

    def __init__(
        self,
        seed: str = "demo",
        *,
        extra_args: list[str] | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.seed = seed
        self.output: collections.deque[str] = collections.deque(maxlen=500)
        cmd = [sys.executable, "-m", "canvas_emulator", "--port", "0", "--seed", seed]
        cmd += extra_args or []
        self._proc = subprocess.Popen(
            cmd,
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            bufsize=1,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
        _LIVE.add(self)
        self.base_url = self._wait_for_listening_line()
        self._drain = threading.Thread(target=self._drain_output, daemon=True)
        self._drain.start()

    # -- process lifecycle -------------------------------------------------------------------

    def _wait_for_listening_line(self) -> str:
        assert self._proc.stdout is not None
        result: list[str] = []

        def read_first() -> None:
            line = self._proc.stdout.readline() if self._proc.stdout else ""
            result.append(line)

        reader = threading.Thread(target=read_first, daemon=True)
        reader.start()
        reader.join(START_TIMEOUT_S)
        line = result[0].rstrip("\n") if result else ""
        if not line.startswith(LISTENING_PREFIX):
            self.stop()
            rest = self._proc.stdout.read() if self._proc.stdout and not reader.is_alive() else ""
            raise EmulatorError(f"emulator did not start: {line!r} {rest[-2000:]}")
        self.output.append(line)
        return line[len(LISTENING_PREFIX) :].strip()

    def _drain_output(self) -> None:
        stream = self._proc.stdout
        if stream is None:
            return
        try:
            for line in stream:
                self.output.append(line.rstrip("\n"))
        except (OSError, ValueError):
            pass  # pipe closed while stopping

    def stop(self) -> None:
        """Terminate the child (SIGTERM, then SIGKILL after 5 s). Safe to call twice."""
        processes.stop(self._proc, grace_s=5)
        _LIVE.discard(self)

    @property
    def returncode(self) -> int | None:
        return self._proc.poll()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- control API -------------------------------------------------------------------------

    def control(self, method: str, path: str, json: Any = None) -> Any:
        """Call ``/__emulator__/<path>`` and return the decoded JSON; raise on non-2xx."""
        url = f"{self.base_url}/__emulator__/{path.lstrip('/')}"
        data = None if json is None else jsonlib.dumps(json).encode()
        req = urllib.request.Request(url, data=data, method=method.upper())
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                body = resp.read()
        except urllib.error.HTTPError as err:
            detail = err.read().decode(errors="replace")
            raise EmulatorError(f"{method} {path} -> {err.code}: {detail}") from err
        return jsonlib.loads(body) if body else None

    def reset(self) -> Any:
        return self.control("POST", "reset")

    def users(self) -> list[dict[str, Any]]:
        return self.control("GET", "users")

    def create_user(self, **fields: Any) -> dict[str, Any]:
        return self.control("POST", "users", fields)

    def set_permissions(self, user_id: int, permissions: list[str]) -> dict[str, Any]:
        """Change an admin's account rights; `[]` takes the admin role away."""
        return self.control("POST", f"users/{user_id}/permissions", {"permissions": permissions})

    def token_for(self, user_id: int, developer_key_id: int | None = None) -> str:
        body: dict[str, Any] = {"user_id": user_id}
        if developer_key_id is not None:
            body["developer_key_id"] = developer_key_id
        return self.control("POST", "tokens", body)["access_token"]

    def login_session(self, user_id: int) -> dict[str, Any]:
        return self.control("POST", "session", {"user_id": user_id})

    def developer_keys(self) -> list[dict[str, Any]]:
        return self.control("GET", "developer_keys")

    def create_developer_key(self, **fields: Any) -> dict[str, Any]:
        return self.control("POST", "developer_keys", fields)

    def settings(self, **fields: Any) -> dict[str, Any]:
        return self.control("POST", "settings", fields)

    def faults(self, **fields: Any) -> dict[str, Any]:
        return self.control("POST", "faults", fields)

    def confirm_channel(self, channel_id: int) -> dict[str, Any]:
        return self.control("POST", f"channels/{channel_id}/confirm")

    def bounce_channel(self, channel_id: int, count: int = 1) -> dict[str, Any]:
        return self.control("POST", f"channels/{channel_id}/bounce", {"count": count})

    def channels(self, user_id: int) -> list[dict[str, Any]]:
        return self.control("GET", f"channels?user_id={user_id}")

    def channel_messages(self, channel_id: int) -> list[dict[str, Any]]:
        return self.control("GET", f"channels/{channel_id}/messages")

    def requests_log(self) -> list[dict[str, Any]]:
        return self.control("GET", "requests")

    def clear_requests(self) -> None:
        self.control("DELETE", "requests")

    def tokens(self, user_id: int | None = None) -> list[dict[str, Any]]:
        """Every issued token with its `status`: live, expired, hard_expired or revoked."""
        query = "" if user_id is None else f"?user_id={user_id}"
        return self.control("GET", f"tokens{query}")

    def expire_token(self, token: str) -> Any:
        return self.control("POST", f"tokens/{token}/expire")

    def revoke_token(self, token: str) -> Any:
        return self.control("POST", f"tokens/{token}/revoke")
