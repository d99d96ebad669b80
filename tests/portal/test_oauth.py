"""Signing in and out through Canvas OAuth2 (emulator over real HTTP)."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.db import connection
from django.test import Client

from accounts.models import CanvasToken
from tests.conftest import DEMO_STUDENT, authorize, canvas_browser

pytestmark = pytest.mark.django_db


def test_login_redirects_to_canvas_with_state_pkce_and_minimal_scopes(canvas, client, settings):
    response = client.get("/login/")
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    query = parse_qs(url.query)
    assert f"{url.scheme}://{url.netloc}" == canvas.base_url
    assert url.path == "/login/oauth2/auth"
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [settings.CANVAS_CLIENT_ID]
    assert query["redirect_uri"] == ["http://testserver/oauth/callback/"]
    assert len(query["state"][0]) >= 32
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["scope"][0].split() == list(settings.CANVAS_SCOPES)


def test_code_exchange_signs_in_and_stores_the_token(canvas, client):
    callback = authorize(canvas, client, DEMO_STUDENT, next_path="/channels/")
    response = client.get(callback)
    assert response.status_code == 302
    assert response["Location"] == "/channels/"
    page = client.get("/channels/")
    assert page.status_code == 200
    assert "Ada Lovelace" in page.content.decode()
    assert CanvasToken.objects.filter(canvas_user_id=DEMO_STUDENT).exists()


def test_session_key_changes_at_sign_in(canvas, client):
    client.get("/")
    callback = authorize(canvas, client, DEMO_STUDENT)
    before = client.session.session_key
    client.get(callback)
    assert client.session.session_key != before


def test_state_mismatch_is_rejected(canvas, client):
    callback = authorize(canvas, client, DEMO_STUDENT)
    tampered = callback.replace("state=", "state=x")
    response = client.get(tampered)
    assert response.status_code == 400
    assert "This sign-in has expired" in response.content.decode()
    assert not CanvasToken.objects.exists()


def test_callback_from_another_browser_is_rejected(canvas, client):
    callback = authorize(canvas, client, DEMO_STUDENT)
    response = Client().get(callback)
    assert response.status_code == 400
    assert not CanvasToken.objects.exists()


def test_pkce_verifier_is_sent_and_checked(canvas, client):
    callback = authorize(canvas, client, DEMO_STUDENT)
    # Swap the verifier kept for this sign-in: Canvas must then refuse the code.
    session = client.session
    state = parse_qs(urlsplit(callback).query)["state"][0]
    pending = session["oauth_pending"]
    pending[state]["verifier"] = "x" * 64
    session["oauth_pending"] = pending
    session.save()
    response = client.get(callback)
    assert response.status_code == 400
    assert not CanvasToken.objects.exists()


def test_code_cannot_be_used_twice(canvas, client):
    callback = authorize(canvas, client, DEMO_STUDENT)
    assert client.get(callback).status_code == 302
    other = Client()
    other_callback = authorize(canvas, other, DEMO_STUDENT)
    state = parse_qs(urlsplit(other_callback).query)["state"][0]
    code = parse_qs(urlsplit(callback).query)["code"][0]
    response = other.get(f"/oauth/callback/?code={code}&state={state}")
    assert response.status_code == 400
    assert "Please start again" in response.content.decode()


def test_access_denied_explains_and_offers_retry(canvas, client, settings):
    key = canvas.create_developer_key(
        redirect_uris=["http://testserver/oauth/callback/"],
        trusted=False,
        require_scopes=True,
        scopes=list(settings.CANVAS_SCOPES),
    )
    settings.CANVAS_CLIENT_ID, settings.CANVAS_CLIENT_SECRET = (
        str(key["client_id"]),
        key["client_secret"],
    )
    login = client.get("/login/")
    browser = canvas_browser(canvas, DEMO_STUDENT)
    confirm = browser.get(login["Location"], timeout=5)
    assert confirm.status_code == 200
    denied = _submit_deny(browser, canvas.base_url, confirm.text)
    back = urlsplit(denied.headers["Location"])
    assert parse_qs(back.query)["error"] == ["access_denied"]
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 403
    body = response.content.decode()
    assert "You chose not to let this portal use your Canvas account" in body
    assert 'href="/login/"' in body


def _submit_deny(browser: requests.Session, base_url: str, page: str) -> requests.Response:
    """Press "Cancel" on the emulator's authorize page (a form post with its own token)."""
    import re

    form = re.search(r'<form[^>]*action="([^"]*deny[^"]*)"[^>]*>(.*?)</form>', page, re.S)
    assert form, page
    fields = dict(re.findall(r'name="([^"]+)"\s+value="([^"]*)"', form.group(2)))
    return browser.post(base_url + form.group(1), data=fields, allow_redirects=False, timeout=5)


def test_other_oauth_errors_name_the_reason(canvas, client):
    client.get("/login/")
    state = next(iter(client.session["oauth_pending"]))
    response = client.get(f"/oauth/callback/?error=invalid_scope&state={state}")
    assert response.status_code == 400
    assert "invalid_scope" in response.content.decode()


def test_sign_out_revokes_at_canvas_and_forgets_the_token(canvas, student):
    token = CanvasToken.objects.get(canvas_user_id=DEMO_STUDENT).access_token
    response = student.post("/logout/")
    assert response.status_code == 302
    assert not CanvasToken.objects.exists()
    api = requests.get(
        f"{canvas.base_url}/api/v1/users/self",
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert api.status_code == 401
    assert student.get("/channels/").status_code == 302


def test_sign_out_needs_post(student):
    assert student.get("/logout/").status_code == 405


def test_tokens_are_unreadable_in_the_raw_database_row(canvas, student):
    row = CanvasToken.objects.get(canvas_user_id=DEMO_STUDENT)
    access, refresh = row.access_token, row.refresh_token
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT access_token_encrypted, refresh_token_encrypted FROM accounts_canvastoken"
        )
        raw = " ".join(str(v) for v in cursor.fetchone())
    assert access not in raw
    assert refresh not in raw
    assert access[:12] not in raw


def test_tokens_never_reach_the_browser(canvas, student):
    row = CanvasToken.objects.get(canvas_user_id=DEMO_STUDENT)
    page = student.get("/channels/")
    body = page.content.decode()
    cookies = " ".join(c.value for c in student.cookies.values())
    for secret in (row.access_token, row.refresh_token):
        assert secret not in body
        assert secret not in cookies


def test_refresh_failure_sends_the_user_to_sign_in_and_back(canvas, student):
    canvas.revoke_token(CanvasToken.objects.get(canvas_user_id=DEMO_STUDENT).access_token)
    response = student.get("/channels/?from=test")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fchannels%2F%3Ffrom%3Dtest"
    login = student.get(response["Location"])
    callback = canvas_browser(canvas, DEMO_STUDENT).get(
        login["Location"], allow_redirects=False, timeout=5
    )
    back = urlsplit(callback.headers["Location"])
    done = student.get(f"{back.path}?{back.query}")
    assert done["Location"] == "/channels/?from=test"


def test_refresh_failure_during_htmx_answers_hx_redirect(canvas, student):
    canvas.revoke_token(CanvasToken.objects.get(canvas_user_id=DEMO_STUDENT).access_token)
    response = student.post(
        "/channels/add/",
        {"channel_type": "email", "address": "new@example.com"},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/channels/"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/login/?next=%2Fchannels%2F"


def test_next_cannot_leave_the_site(canvas, client):
    client.get("/login/?next=https://evil.example/")
    flow = next(iter(client.session["oauth_pending"].values()))
    assert flow["next"] == "/channels/"


def test_token_endpoint_calls_are_logged_with_status_and_timing(canvas, client, caplog):
    callback = authorize(canvas, client, DEMO_STUDENT)
    with caplog.at_level("INFO", logger="canvas"):
        client.get(callback)
    lines = [r for r in caplog.records if getattr(r, "path", "") == "/login/oauth2/token"]
    assert [(r.method, r.status) for r in lines] == [("POST", 200)]
    assert isinstance(lines[0].ms, int)
