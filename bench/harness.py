"""Processes a benchmark needs: the Canvas emulator and a real gunicorn portal wired to it.

Everything listens on 127.0.0.1, writes its output to files in the caller's temporary folder
(never to a pipe nobody reads, which would stall the child once full), and is stopped by
`stop()`, which the context managers call even after an error or Ctrl-C.
"""

from __future__ import annotations

import math
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

import requests
from cryptography.fernet import Fernet

REPO_ROOT = Path(__file__).resolve().parent.parent
LISTENING_PREFIX = "Canvas emulator listening on "
START_TIMEOUT_S = 30.0
HTTP_TIMEOUT_S = 10.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tail(path: Path, chars: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


def machine_cpu() -> dict[str, float]:
    """Core-seconds the whole machine spent busy, idle, and stolen by the hypervisor since boot.

    On a shared VM, stolen time is CPU this machine wanted and did not get: a run with much of
    it measured the neighbours as much as the portal. Linux /proc only; empty elsewhere.
    """
    try:
        ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:9]]
    except (OSError, ValueError):
        return {}
    user, nice, system, idle, iowait, irq, softirq, steal = ticks
    hz = os.sysconf("SC_CLK_TCK")
    return {
        "busy": (user + nice + system + irq + softirq) / hz,
        "idle": (idle + iowait) / hz,
        "stolen": steal / hz,
    }


def _stat_fields(pid: int) -> list[str]:
    # The command name in parentheses may hold spaces: the numbers start after its ")".
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()


class Child:
    """A child process whose stdout and stderr go to `log_path`."""

    def __init__(self, cmd: list[str], log_path: Path, env: dict[str, str]) -> None:
        self.log_path = log_path
        with log_path.open("w") as log:
            self._proc = subprocess.Popen(
                cmd,
                cwd=REPO_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    def exited(self) -> bool:
        return self._proc.poll() is not None

    def cpu_seconds(self) -> float:
        """CPU time of the process, its live children (gunicorn's workers) and the children it
        has reaped (recycled workers). Linux /proc only; NaN elsewhere."""
        try:
            fields = _stat_fields(self._proc.pid)
            total = sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
            children = Path(f"/proc/{self._proc.pid}/task/{self._proc.pid}/children").read_text()
            for child in children.split():
                total += sum(int(v) for v in _stat_fields(int(child))[11:13])
        except (OSError, ValueError, IndexError):
            return math.nan
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        """SIGTERM, then SIGKILL: a benchmark must never leave a process behind."""
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(5)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Emulator(Child):
    """`python -m canvas_emulator --seed demo`; its control API under /__emulator__/."""

    def __init__(self, log_path: Path, *, latency_ms: int) -> None:
        cmd = [sys.executable, "-m", "canvas_emulator", "--port", "0", "--seed", "demo"]
        cmd += ["--latency-ms", str(latency_ms)]
        super().__init__(cmd, log_path, {**os.environ, "PYTHONUNBUFFERED": "1"})
        try:
            self.base_url = self._wait_for_listening_line()
        except Exception:
            self.stop()
            raise

    def _wait_for_listening_line(self) -> str:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            first = tail(self.log_path).partition("\n")
            if first[1] and first[0].startswith(LISTENING_PREFIX):
                return first[0][len(LISTENING_PREFIX) :].strip()
            if self.exited():
                break
            time.sleep(0.05)
        raise RuntimeError(f"the emulator did not start:\n{tail(self.log_path)}")

    def control(self, method: str, path: str, json: Any = None) -> Any:
        response = requests.request(
            method, f"{self.base_url}/__emulator__/{path}", json=json, timeout=HTTP_TIMEOUT_S
        )
        response.raise_for_status()
        return response.json() if response.content else None

    def requests_log(self) -> list[dict[str, Any]]:
        return self.control("GET", "requests")

    def clear_requests(self) -> None:
        self.control("DELETE", "requests")


def portal_env(
    *, database_url: str, static_root: Path, canvas_url: str, client_id: str, client_secret: str
) -> dict[str, str]:
    """Production settings (DEBUG off, hashed static files), except plain http on loopback.

    Only these variables plus PATH/HOME reach the portal, so a developer's DJANGO_DEBUG or
    DATABASE_URL in the shell cannot quietly turn the measurement into a development one.
    """
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_DEBUG": "false",
        # Fresh secrets per run: nothing real is ever used, and nothing outlives the run.
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "DJANGO_STATIC_ROOT": str(static_root),
        "CANVAS_BASE_URL": canvas_url,
        "CANVAS_CLIENT_ID": client_id,
        "CANVAS_CLIENT_SECRET": client_secret,
        # No TLS in front of a loopback benchmark: no https redirect, no https-only cookies.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_HSTS_SECONDS": "0",
        # Each simulated student adds and removes far faster than a person: the benchmark
        # measures throughput, so the abuse limits (docs/deploy.md) are lifted out of its way.
        "RATE_LIMIT_CHANGES": "1000000/m",
        "RATE_LIMIT_SIGN_IN": "1000000/m",
    }


def manage(*args: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")


class Portal(Child):
    """`gunicorn -c portal/gunicorn.conf.py` (gthread) on 127.0.0.1:`port`, once /healthz answers.

    Static files are collected and migrations applied first, as `make serve` does.
    """

    def __init__(
        self, port: int, env: dict[str, str], log_path: Path, *, workers: int, threads: int
    ) -> None:
        manage("collectstatic", "--noinput", env=env)
        manage("migrate", "--noinput", env=env)
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        super().__init__(
            [sys.executable, "-m", "gunicorn", "-c", "portal/gunicorn.conf.py"],
            log_path,
            {
                **env,
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "GUNICORN_WORKERS": str(workers),
                "GUNICORN_THREADS": str(threads),
                # Nothing is in flight when the benchmark stops it: no reason to wait 30 s.
                "GUNICORN_GRACEFUL_TIMEOUT": "5",
            },
        )
        try:
            self._wait_until_healthy()
        except Exception:
            self.stop()
            raise

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline and not self.exited():
            try:
                if requests.get(f"{self.base_url}/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not become healthy:\n{tail(self.log_path)}")


def sign_in(portal: Portal, emulator: Emulator, user_id: int) -> requests.Session:
    """A browser signed in at the portal through Canvas OAuth, as a student would be.

    Two cookie jars, because cookies are not port-scoped: the Canvas one stays with Canvas.
    """
    browser = requests.Session()
    login = browser.get(f"{portal.base_url}/login/", allow_redirects=False, timeout=HTTP_TIMEOUT_S)
    if login.status_code != 302:
        raise RuntimeError(f"/login/ answered {login.status_code}")
    at_canvas = requests.Session()
    at_canvas.post(
        f"{emulator.base_url}/__emulator__/session", json={"user_id": user_id}, timeout=5
    ).raise_for_status()
    authorized = at_canvas.get(
        login.headers["Location"], allow_redirects=False, timeout=HTTP_TIMEOUT_S
    )
    back = authorized.headers.get("Location", "")
    if authorized.status_code != 302 or urlsplit(back).port != portal.port:
        raise RuntimeError(f"Canvas did not send user {user_id} back: {authorized.status_code}")
    done = browser.get(back, allow_redirects=False, timeout=HTTP_TIMEOUT_S)
    if done.status_code != 302 or done.headers.get("Location") != "/channels/":
        raise RuntimeError(f"the OAuth callback answered {done.status_code} for user {user_id}")
    return browser
