"""The portal under gunicorn with the repo's config (portal/gunicorn.conf.py), as `make serve`
runs it, and the production-like environment children get.

A child gets exactly the variables it is given (plus PATH and HOME in `production_env`), never
the caller's environment: pytest's settings module, or a developer's shell, sets
development-friendly values (DEBUG, no SSL redirect, insecure cookies) that would quietly hide
what production does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from .processes import REPO_ROOT, Child

START_TIMEOUT_S = 30.0
# Test-only values shaped like real ones: a 50+ character key, a Fernet key.
SECRET_KEY = "prod-like-test-key-9f2c1e7a4b6d8e0f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f"  # noqa: S105
TOKEN_KEY = "Vq3B1gk2N4e0m8Q0o1c7n6WvQ2l3YzJ5b0h5c2p6d0k="  # noqa: S105

# Plain http on loopback, no TLS and no proxy in front: no https redirect, no https-only cookies.
LOOPBACK_HTTP = {
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_SECURE_COOKIES": "false",
    "DJANGO_HSTS_SECONDS": "0",
    "DJANGO_HSTS_INCLUDE_SUBDOMAINS": "false",
    "DJANGO_HSTS_PRELOAD": "false",
    "DJANGO_BEHIND_PROXY": "false",
}


def production_env(**overrides: str) -> dict[str, str]:
    """What an operator following docs/deploy.md would set, with `overrides` on top."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),  # noqa: S108 - only a fallback for HOME
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "portal.example.edu",
        "CANVAS_BASE_URL": "https://canvas.example.edu",
        "CANVAS_CLIENT_ID": "10000000000042",
        "CANVAS_CLIENT_SECRET": "client-secret-from-the-developer-key",
        "TOKEN_ENCRYPTION_KEYS": TOKEN_KEY,
        "DATABASE_URL": "sqlite:///:memory:",
        "DJANGO_HSTS_SECONDS": "31536000",
        "DJANGO_HSTS_INCLUDE_SUBDOMAINS": "true",
        "DJANGO_HSTS_PRELOAD": "true",
        "DJANGO_BEHIND_PROXY": "true",
    }
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    """`python manage.py <args>` in a child process; output captured as text."""
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def prepare(env: dict[str, str]) -> None:
    """What `make serve` does before gunicorn: collect the hashed static files, migrate."""
    for args in (("collectstatic", "--noinput"), ("migrate", "--noinput")):
        done = manage(*args, env=env, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")


class GunicornPortal(Child):
    """`gunicorn -c portal/gunicorn.conf.py` (gthread) on 127.0.0.1:`port`, once /healthz answers.

    Output goes to `log_path`, or with None to this process's own stdout (the demo).
    `graceful_timeout` (seconds) shortens gunicorn's wait for requests in flight on SIGTERM.
    """

    grace_s = 15.0  # gunicorn finishes requests in flight (graceful_timeout), then exits

    def __init__(
        self,
        port: int,
        env: dict[str, str],
        log_path: Path | None,
        *,
        workers: int = 1,
        threads: int = 4,
        graceful_timeout: int | None = None,
    ) -> None:
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        env = {
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_THREADS": str(threads),
        }
        if graceful_timeout is not None:
            env["GUNICORN_GRACEFUL_TIMEOUT"] = str(graceful_timeout)
        self._log = log_path.open("w") if log_path is not None else None
        cmd = [sys.executable, "-m", "gunicorn", "-c", "portal/gunicorn.conf.py"]
        super().__init__(cmd, env=env, stdout=self._log)
        try:
            self._wait_until_healthy()
        except Exception:
            self.stop()
            raise

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.returncode is not None:
                raise RuntimeError(f"gunicorn exited {self.returncode}: {self.output()}")
            try:
                if requests.get(f"{self.base_url}/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not become healthy: {self.output()}")

    def output(self, chars: int = 4000) -> str:
        """The end of the log (empty when the output goes to the terminal)."""
        if self._log is None or self.log_path is None:
            return ""
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-chars:]

    def stop(self) -> None:
        """SIGTERM: gunicorn finishes requests in flight (graceful_timeout), then exits."""
        super().stop()
        if self._log is not None:
            self._log.close()
