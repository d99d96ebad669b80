"""A production-like environment for child processes (manage.py, gunicorn).

Children get exactly these variables plus PATH, never the test process's environment: pytest's
settings module sets development-friendly defaults there (no SSL redirect, insecure cookies) that
would hide what production does.
"""

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
# Test-only values shaped like real ones: a 50+ character key, a Fernet key.
SECRET_KEY = "prod-like-test-key-9f2c1e7a4b6d8e0f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f"
TOKEN_KEY = "Vq3B1gk2N4e0m8Q0o1c7n6WvQ2l3YzJ5b0h5c2p6d0k="
# An LTI registration (issuer, client id, deployment), so settings turn LTI on.
LTI_ENV = {
    "LTI_ISSUER": "https://canvas.instructure.com",
    "LTI_CLIENT_ID": "10000000000077",
    "LTI_DEPLOYMENT_IDS": "1:abc",
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
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
