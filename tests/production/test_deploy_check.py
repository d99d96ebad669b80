"""`manage.py check --deploy` is clean under production settings, and production refuses to
start insecurely."""

import pytest

from harness.portal import manage, production_env


def test_check_deploy_is_clean_under_production_settings() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_catches_insecure_cookies() -> None:
    """The check above has teeth: turning a protection off makes it fail."""
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production_env(DJANGO_SECURE_COOKIES="false"),
    )
    assert result.returncode != 0
    assert "security.W012" in result.stderr + result.stdout


@pytest.mark.parametrize(
    "missing",
    ["DJANGO_SECRET_KEY", "CANVAS_CLIENT_SECRET", "TOKEN_ENCRYPTION_KEYS", "DJANGO_ALLOWED_HOSTS"],
)
def test_production_refuses_to_start_without_a_required_variable(missing: str) -> None:
    env = production_env()
    del env[missing]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_plain_http_canvas() -> None:
    result = manage("check", env=production_env(CANVAS_BASE_URL="http://canvas.example.edu"))
    assert result.returncode != 0
    assert "https" in result.stderr
