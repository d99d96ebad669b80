"""JSON log lines, request ids and the secret mask (portal/logging.py, portal/middleware.py)."""

import json
import logging
import sys

import pytest
from django.test import Client

from portal.logging import (
    JsonFormatter,
    RequestContextFilter,
    SecretMaskingFilter,
    hash_user_id,
    mask_secrets,
    request_id_var,
)
from portal.middleware import HEADER

TOKEN = "7~" + "a1B2c3D4" * 8


@pytest.mark.parametrize(
    "text",
    [
        f"Authorization: Bearer {TOKEN}",
        "POST /login/oauth2/token grant_type=refresh_token&refresh_token=Zx9yW8vU7tS6&x=1",
        '{"access_token": "abcdef123456", "token_type": "Bearer"}',
        "{'refresh_token': 'qwerty987654'}",
        "callback ?code=0f1e2d3c4b5a69788796a5b4c3d2e1f0&state=xyz",
        "client_secret=demo-client-secret",
        "code_verifier: kJ8hG7fD6sA5pO4iU3yT2rE1wQ0",
        f"refreshed {TOKEN} for user 1",
    ],
)
def test_mask_hides_every_token_shape(text: str) -> None:
    masked = mask_secrets(text)
    for secret in (
        TOKEN,
        "Zx9yW8vU7tS6",
        "abcdef123456",
        "qwerty987654",
        "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        "demo-client-secret",
        "kJ8hG7fD6sA5pO4iU3yT2rE1wQ0",
    ):
        assert secret not in masked
    assert "[masked]" in masked


def test_mask_leaves_ordinary_lines_readable() -> None:
    line = "canvas GET /api/v1/users/self/communication_channels -> 401 in 12 ms (attempt 1)"
    assert mask_secrets(line) == line
    assert mask_secrets("status code: 302") == "status code: 302"


def _format(record: logging.LogRecord) -> dict:
    for log_filter in (RequestContextFilter(), SecretMaskingFilter()):
        log_filter.filter(record)
    return json.loads(JsonFormatter().format(record))


def test_json_line_carries_request_id_extras_and_masked_exception() -> None:
    token = request_id_var.set("req-12345678")
    try:
        try:
            raise ValueError(f"Canvas said no to Bearer {TOKEN}")
        except ValueError:
            record = logging.getLogger("x").makeRecord(
                "x", logging.ERROR, __file__, 1, "failed %s", ("once",), exc_info=sys.exc_info()
            )
        record.status = 503
        line = _format(record)
    finally:
        request_id_var.reset(token)
    assert line["request_id"] == "req-12345678"
    assert line["message"] == "failed once"
    assert line["status"] == 503
    assert line["level"] == "ERROR"
    assert TOKEN not in line["exception"]
    assert "ValueError" in line["exception"]


def test_gunicorn_access_line_has_request_id_user_and_no_query() -> None:
    atoms = {
        "m": "GET",
        "U": "/oauth/callback/",
        "q": "code=0f1e2d3c4b5a69788796a5b4c3d2e1f0&state=s",
        "s": "302",
        "M": 12,
        "B": 0,
        "h": "10.0.0.1",
        "{portal.request_id}e": "abcdef0123456789",
        "{portal.user_hash}e": "0123456789abcdef",
    }
    record = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, "%(m)s %(U)s %(s)s %(M)sms", (), None
    )
    record.args = atoms  # gunicorn passes the atoms dict as the only argument
    line = _format(record)
    assert line["message"] == "GET /oauth/callback/ 302 12ms"
    assert line["request_id"] == "abcdef0123456789"
    assert line["user"] == "0123456789abcdef"
    assert line["path"] == "/oauth/callback/"
    assert line["status"] == 302
    assert "0f1e2d3c4b5a69788796a5b4c3d2e1f0" not in json.dumps(line)


def test_user_hash_is_stable_short_and_not_the_id(settings) -> None:
    assert hash_user_id(1) == hash_user_id("1")
    assert len(hash_user_id(1)) == 16
    assert hash_user_id(1) != hash_user_id(2)
    before = hash_user_id(1)
    # Keyed with the secret key: nobody can hash every id to unmask a user from the logs alone.
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert hash_user_id(1) != before


def test_request_id_is_made_or_kept_and_echoed(client: Client) -> None:
    made = client.get("/healthz")
    assert len(made[HEADER]) == 32
    kept = client.get("/healthz", headers={HEADER: "lb-7f3a9c2e-0001"})
    assert kept[HEADER] == "lb-7f3a9c2e-0001"
    forged = client.get("/healthz", headers={HEADER: 'x\n{"level": "CRITICAL"}'})
    assert forged[HEADER] != 'x\n{"level": "CRITICAL"}'
    assert len(forged[HEADER]) == 32


def test_request_id_on_redirects_of_early_middleware(client: Client, settings) -> None:
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/channels/")
    assert response.status_code == 301
    assert response[HEADER]
