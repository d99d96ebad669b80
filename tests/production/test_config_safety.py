"""Start-up refuses weak or malformed secrets and names them; development says which public
defaults it runs on; secure cookies carry `__Host-` names. Each case starts `manage.py` in a
child process with exactly the environment an operator would set (harness/portal.py).
"""

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from harness.portal import manage, production_env
from tests.support.lti import LTI_ENV

# Fetches /login/ (it starts a session for the OAuth state) over https, printing the cookies.
SET_COOKIES = (
    "from django.core.management import call_command; call_command('migrate', verbosity=0); "
    "from django.test import Client; "
    "r = Client().get('/login/', secure=True, HTTP_HOST='portal.example.edu'); "
    "print(r.cookies.output()); "
    "from django.conf import settings as s; print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME)"
)


def pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def refusal(**env: str) -> str:
    """The error a production start-up with `env` on top fails with (it must fail)."""
    result = manage("check", env=production_env(**env))
    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured" in result.stderr
    return result.stderr.strip().splitlines()[-1]


# --- DJANGO_SECRET_KEY ------------------------------------------------------------------------


def test_production_refuses_a_secret_key_shorter_than_50_characters_and_names_it() -> None:
    short = "k9-" * 16  # 48 characters, plenty of variety
    message = refusal(DJANGO_SECRET_KEY=short)
    assert "DJANGO_SECRET_KEY is 48 characters long" in message
    assert short not in message


def test_production_refuses_a_long_secret_key_made_of_few_different_characters() -> None:
    message = refusal(DJANGO_SECRET_KEY="abab" * 20)
    assert "DJANGO_SECRET_KEY uses fewer than 5 different characters" in message


@pytest.mark.parametrize(
    "published",
    [
        "development-only-secret-key-not-for-production",
        "django-insecure-" + "x7#q2!m9@z" * 5,
    ],
)
def test_production_refuses_a_published_default_secret_key(published: str) -> None:
    message = refusal(DJANGO_SECRET_KEY=published)
    assert "DJANGO_SECRET_KEY is a published default value" in message
    assert published not in message


# --- TOKEN_ENCRYPTION_KEYS --------------------------------------------------------------------


def test_production_refuses_a_malformed_token_encryption_key_and_says_which_entry() -> None:
    good = production_env()["TOKEN_ENCRYPTION_KEYS"]
    message = refusal(TOKEN_ENCRYPTION_KEYS=f"{good},not-a-fernet-key")
    assert "TOKEN_ENCRYPTION_KEYS entry 2 of 2 is not a valid Fernet key" in message
    assert "entry 1 of 2" not in message
    assert "not-a-fernet-key" not in message


def test_development_also_refuses_a_malformed_token_encryption_key() -> None:
    """A malformed key cannot encrypt anything: it would only fail later, at a sign-in."""
    result = manage(
        "check", env=production_env(DJANGO_DEBUG="true", TOKEN_ENCRYPTION_KEYS="short==")
    )
    assert result.returncode != 0
    assert "TOKEN_ENCRYPTION_KEYS entry 1 of 1 is not a valid Fernet key" in result.stderr


# --- LTI_TOOL_PRIVATE_KEY ---------------------------------------------------------------------


def test_production_refuses_an_unreadable_lti_private_key_and_names_it() -> None:
    message = refusal(**LTI_ENV, LTI_TOOL_PRIVATE_KEY="-----BEGIN PRIVATE KEY-----\nnope")
    assert "LTI_TOOL_PRIVATE_KEY is not a readable, unencrypted PEM private key" in message


def test_production_refuses_an_lti_key_canvas_cannot_verify() -> None:
    message = refusal(**LTI_ENV, LTI_TOOL_PRIVATE_KEY=pem(ec.generate_private_key(ec.SECP256R1())))
    assert "LTI_TOOL_PRIVATE_KEY must be an RSA private key" in message


def test_production_starts_with_a_readable_rsa_lti_key() -> None:
    key = pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    result = manage("check", env=production_env(**LTI_ENV, LTI_TOOL_PRIVATE_KEY=key))
    assert result.returncode == 0, result.stderr


def test_every_unfit_secret_is_named_in_one_refusal() -> None:
    message = refusal(
        **LTI_ENV,
        DJANGO_SECRET_KEY="too-short",
        TOKEN_ENCRYPTION_KEYS="bad",
        LTI_TOOL_PRIVATE_KEY="bad",
    )
    for name in ("DJANGO_SECRET_KEY", "TOKEN_ENCRYPTION_KEYS", "LTI_TOOL_PRIVATE_KEY"):
        assert name in message


# --- development defaults ---------------------------------------------------------------------


def test_development_on_default_secrets_says_so_at_start_up() -> None:
    env = production_env(DJANGO_DEBUG="true", **LTI_ENV)
    for name in ("DJANGO_SECRET_KEY", "TOKEN_ENCRYPTION_KEYS"):
        del env[name]
    result = manage("check", env=env)
    assert result.returncode == 0, result.stderr
    shown = result.stdout + result.stderr
    assert "DJANGO_SECRET_KEY is a public development default" in shown
    assert "TOKEN_ENCRYPTION_KEYS is not set" in shown
    assert "LTI_TOOL_PRIVATE_KEY is not set" in shown


def test_development_with_its_own_secrets_starts_without_warnings() -> None:
    result = manage("check", env=production_env(DJANGO_DEBUG="true"))
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


# --- cookie names -----------------------------------------------------------------------------


def test_secure_session_and_csrf_cookies_carry_host_prefixed_names() -> None:
    result = manage("shell", "-c", SET_COOKIES, env=production_env())
    assert result.returncode == 0, result.stderr
    *cookies, names = result.stdout.strip().splitlines()
    assert names == "__Host-sessionid __Host-csrftoken"
    [session] = [line for line in cookies if "sessionid" in line]
    assert session.startswith("Set-Cookie: __Host-sessionid=")
    # What browsers require of a __Host- cookie, or they drop it.
    assert "Secure" in session and "Path=/" in session and "Domain" not in session


@pytest.mark.parametrize(
    "env",
    [
        {"DJANGO_DEBUG": "true"},
        # LTI makes the cookies Secure even in development; the demo still runs over http.
        {"DJANGO_DEBUG": "true", **LTI_ENV},
        {"DJANGO_SECURE_COOKIES": "false"},
    ],
    ids=["development", "development-with-lti", "cookies-not-secure"],
)
def test_cookies_sent_over_plain_http_keep_their_plain_names(env: dict[str, str]) -> None:
    """Browsers drop a `__Host-` cookie that is not Secure, which would break sign-in."""
    result = manage("shell", "-c", SET_COOKIES, env=production_env(**env))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "sessionid csrftoken"
