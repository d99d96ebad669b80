"""Settings read every variable strictly (portal/env.py): a malformed value stops start-up naming
the variable, a valid value of each type is read, and an empty value keeps the default. The
development LTI key (lti/tool_key.py) is one real RSA key shared by every process.

Each case starts `manage.py` in a child process with exactly the environment an operator would
set (harness/portal.py), as a deployment would start.
"""

import json
import stat
import subprocess
import sys
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from harness.portal import manage, production_env
from harness.processes import REPO_ROOT
from tests.support.lti import LTI_ENV

# Prints the settings the cases below look at, one JSON object.
PRINT_SETTINGS = (
    "import json; from django.conf import settings as s; print(json.dumps({"
    "'LTI_GLOBAL_NAVIGATION': s.LTI_GLOBAL_NAVIGATION, 'CANVAS_RETRIES': s.CANVAS_RETRIES, "
    "'CANVAS_TIMEOUT': s.CANVAS_TIMEOUT, 'LTI_DEPLOYMENT_IDS': s.LTI_DEPLOYMENT_IDS, "
    "'CANVAS_SCOPES': s.CANVAS_SCOPES, 'LTI_AUTH_URL': s.LTI_AUTH_URL, "
    "'STATIC_ROOT': str(s.STATIC_ROOT), 'LOG_LEVEL': s.LOG_LEVEL, 'PORTAL_NAME': s.PORTAL_NAME, "
    "'DATABASE': s.DATABASES['default']['NAME'], 'SECURE_SSL_REDIRECT': s.SECURE_SSL_REDIRECT}))"
)


def settings_under(**env: str) -> dict:
    result = manage("shell", "-c", PRINT_SETTINGS, env=production_env(**env))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- malformed values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("LTI_GLOBAL_NAVIGATION", "ture", "Not a valid boolean."),
        ("CANVAS_RETRIES", "two", "Not a valid integer."),
        ("CANVAS_READ_TIMEOUT", "10s", "Not a valid number."),
        ("LTI_AUTH_URL", "sso.canvaslms.com/authorize", "Not a valid URL."),
        ("DATABASE_URL", "postgres-on-db1", "Not a valid database URL."),
        ("LOG_FORMAT", "text", "Must be one of: json, plain."),
        # Shown as links on every page that says "ask your help desk": http(s) and mail only.
        ("HELPDESK_URL", "javascript:alert(1)", "Not a valid URL."),
        ("HELPDESK_EMAIL", "the help desk", "Not a valid email address."),
        ("SMS_ENABLED", "sometimes", "Not a valid boolean."),
    ],
)
def test_a_malformed_value_stops_start_up_with_an_error_naming_the_variable(
    name: str, value: str, problem: str
) -> None:
    result = manage("check", env=production_env(**{name: value}))
    assert result.returncode != 0, result.stdout
    last_line = result.stderr.strip().splitlines()[-1]
    assert f'Environment variable "{name}" invalid:' in last_line
    assert problem in last_line


def test_lti_global_navigation_ture_is_refused_in_development_too() -> None:
    """A typo is not read as false anywhere: development is where it would go unnoticed."""
    result = manage("check", env=production_env(DJANGO_DEBUG="true", LTI_GLOBAL_NAVIGATION="ture"))
    assert result.returncode != 0
    assert 'Environment variable "LTI_GLOBAL_NAVIGATION" invalid' in result.stderr


# --- valid and empty values ---------------------------------------------------------------------


def test_a_valid_value_of_each_type_is_read() -> None:
    read = settings_under(
        LTI_GLOBAL_NAVIGATION="yes",
        CANVAS_RETRIES="5",
        CANVAS_READ_TIMEOUT=" 2.5 ",
        LTI_DEPLOYMENT_IDS=" 1:abc , 2:def ,",
        CANVAS_SCOPES="url:GET|/api/v1/users/:id",
        LTI_AUTH_URL="https://sso.canvaslms.com/api/lti/authorize_redirect",
        DJANGO_STATIC_ROOT="/srv/canvas-portal/static",
        LOG_LEVEL="warning",
        PORTAL_NAME="Contact preferences",
        DATABASE_URL="sqlite:////tmp/portal-settings-test.sqlite3",
        DJANGO_SECURE_SSL_REDIRECT="off",
    )
    assert read == {
        "LTI_GLOBAL_NAVIGATION": True,
        "CANVAS_RETRIES": 5,
        "CANVAS_TIMEOUT": [3.05, 2.5],
        "LTI_DEPLOYMENT_IDS": ["1:abc", "2:def"],
        "CANVAS_SCOPES": ["url:GET|/api/v1/users/:id"],
        "LTI_AUTH_URL": "https://sso.canvaslms.com/api/lti/authorize_redirect",
        "STATIC_ROOT": "/srv/canvas-portal/static",
        "LOG_LEVEL": "WARNING",
        "PORTAL_NAME": "Contact preferences",
        "DATABASE": "/tmp/portal-settings-test.sqlite3",  # noqa: S108 - a name, never opened
        "SECURE_SSL_REDIRECT": False,
    }


@pytest.mark.parametrize("empty", ["", "  "], ids=["empty", "spaces"])
def test_an_empty_value_keeps_the_default(empty: str) -> None:
    """`.env.example` lists optional variables as `NAME=`: such a file must start as documented."""
    names = [
        "LTI_GLOBAL_NAVIGATION",
        "CANVAS_RETRIES",
        "CANVAS_READ_TIMEOUT",
        "LTI_DEPLOYMENT_IDS",
        "CANVAS_SCOPES",
        "LTI_AUTH_URL",
        "DJANGO_STATIC_ROOT",
        "LOG_LEVEL",
        "PORTAL_NAME",
        "DATABASE_URL",
        "DJANGO_SECURE_SSL_REDIRECT",
    ]
    read = settings_under(**dict.fromkeys(names, empty))
    assert read["LTI_GLOBAL_NAVIGATION"] is False
    assert read["CANVAS_RETRIES"] == 2
    assert read["CANVAS_TIMEOUT"] == [3.05, 10.0]
    assert read["LTI_DEPLOYMENT_IDS"] == []
    assert len(read["CANVAS_SCOPES"]) == 14  # the fourteen of docs/deploy.md §1
    assert read["LTI_AUTH_URL"] == ""
    assert read["STATIC_ROOT"] == str(REPO_ROOT / "staticfiles")
    assert read["LOG_LEVEL"] == "INFO"
    assert read["PORTAL_NAME"] == "Contact Methods"
    assert read["DATABASE"] == str(REPO_ROOT / "db.sqlite3")
    assert read["SECURE_SSL_REDIRECT"] is True  # production's default, not "off"


def test_an_empty_required_variable_is_still_missing_and_named() -> None:
    result = manage("check", env=production_env(CANVAS_CLIENT_SECRET=" "))
    assert result.returncode != 0
    assert "The environment variable CANVAS_CLIENT_SECRET is not set" in result.stderr


# --- the development LTI key --------------------------------------------------------------------


def fetch_jwks(key_dir: Path, secret: str) -> subprocess.Popen:
    """A development portal process (own settings, own interpreter) that fetches /lti/jwks."""
    code = (
        "from django.conf import settings; "
        f"settings.LTI_DEVELOPMENT_KEY_DIR = {str(key_dir)!r}; "
        "from django.test import Client; "
        "r = Client().get('/lti/jwks', HTTP_HOST='portal.example.edu'); "
        "assert r.status_code == 200, r.status_code; print(r.content.decode())"
    )
    env = production_env(DJANGO_DEBUG="true", DJANGO_SECRET_KEY=secret, **LTI_ENV)
    return subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def published_key(process: subprocess.Popen) -> dict[str, str]:
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    [key] = json.loads(stdout.strip().splitlines()[-1])["keys"]
    return key


def test_the_development_lti_key_is_one_real_rsa_key_across_processes_and_restarts(
    tmp_path: Path,
) -> None:
    secret = "a-development-secret-key-for-this-test-only-7f3e9a1c5b"
    # Two workers starting at the same moment, with no key made yet: they must agree.
    first, second = fetch_jwks(tmp_path, secret), fetch_jwks(tmp_path, secret)
    worker_one, worker_two = published_key(first), published_key(second)
    assert worker_one == worker_two
    # A restart publishes it again.
    assert published_key(fetch_jwks(tmp_path, secret)) == worker_one

    [kept] = tmp_path.glob("lti-development-key-*.pem")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600  # a private key: the owner only
    assert secret not in kept.name
    private = serialization.load_pem_private_key(kept.read_bytes(), password=None)
    assert isinstance(private, rsa.RSAPrivateKey)
    assert private.key_size >= 2048
    # What the processes published is this key's public half: a token it signs verifies.
    token = jwt.encode({"sub": "tool"}, private, algorithm="RS256")
    public = jwt.PyJWK(worker_one).key
    assert jwt.decode(token, public, algorithms=["RS256"]) == {"sub": "tool"}


def test_another_secret_key_gets_another_development_lti_key(tmp_path: Path) -> None:
    one = published_key(fetch_jwks(tmp_path, "first-development-secret-key-for-this-test-2b8d4f"))
    two = published_key(fetch_jwks(tmp_path, "second-development-secret-key-for-this-test-9c1e"))
    assert one["n"] != two["n"]
    assert len(list(tmp_path.glob("lti-development-key-*.pem"))) == 2
