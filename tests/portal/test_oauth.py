"""Signing in and out through Canvas OAuth2 (emulator over real HTTP)."""

import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import CanvasToken
from accounts.tokens import StoredToken
from canvas_emulator.demo_users import DEMO_STUDENT
from tests.support.canvas import authorize, canvas_browser, sign_in

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


# --- tokens are revoked at Canvas, never just forgotten ----------------------------------------


def _stored_access_token() -> str:
    return CanvasToken.objects.get(canvas_user_id=DEMO_STUDENT).access_token


def _canvas_token_id(canvas, access_token: str) -> int:
    (row,) = [t for t in canvas.tokens(DEMO_STUDENT) if t["access_token"] == access_token]
    return row["id"]


def _status_at_canvas(canvas, token_id: int) -> str:
    (row,) = [t for t in canvas.tokens(DEMO_STUDENT) if t["id"] == token_id]
    return row["status"]


def test_signing_in_again_revokes_the_previous_token_at_canvas(canvas, student):
    previous = _canvas_token_id(canvas, _stored_access_token())
    sign_in(canvas, Client(), DEMO_STUDENT)  # the same person, another browser
    current = _canvas_token_id(canvas, _stored_access_token())
    assert current != previous
    assert _status_at_canvas(canvas, previous) == "revoked"
    assert _status_at_canvas(canvas, current) == "live"
    live = [t for t in canvas.tokens(DEMO_STUDENT) if t["status"] == "live"]
    assert [t["id"] for t in live] == [current]
    exchange = [r for r in canvas.requests_log() if r["path"] == "/login/oauth2/token"][-1]
    assert exchange["method"] == "POST"


@pytest.mark.parametrize("portal_knows", [True, False], ids=["expiry-recorded", "401-from-canvas"])
def test_signing_out_after_the_access_token_expired_still_revokes_it_at_canvas(
    canvas, student, portal_knows
):
    token_id = _canvas_token_id(canvas, _stored_access_token())
    canvas.expire_token(_stored_access_token())
    if portal_knows:
        CanvasToken.objects.update(expires_at=timezone.now() - timedelta(minutes=5))
    canvas.clear_requests()
    response = student.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/?signed_out=1"
    assert not CanvasToken.objects.exists()
    assert _status_at_canvas(canvas, token_id) == "revoked"
    calls = [(r["method"], r["status"]) for r in canvas.requests_log()]
    if portal_knows:
        assert calls == [("POST", 200), ("DELETE", 200)]
    else:
        assert calls == [("DELETE", 401), ("POST", 200), ("DELETE", 200)]


def test_signing_out_when_canvas_refuses_still_forgets_the_token_and_logs_why(
    canvas, student, caplog
):
    access = _stored_access_token()
    canvas.revoke_token(access)  # the user already removed the integration in Canvas
    with caplog.at_level("WARNING", logger="accounts"):
        assert student.post("/logout/").status_code == 302
    assert not CanvasToken.objects.exists()
    (line,) = [r.getMessage() for r in caplog.records if r.name == "accounts"]
    assert f"Canvas user {DEMO_STUDENT}" in line and "refused" in line
    assert access not in line


# --- the token endpoint's answers are checked ---------------------------------------------------


class Thief:
    """A host a hijacked token endpoint could redirect to; records every request it receives."""

    def __init__(self) -> None:
        received: list[dict[str, str]] = []

        class Handler(BaseHTTPRequestHandler):
            def _record(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                received.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": str(self.headers),
                        "body": self.rfile.read(length).decode(errors="replace"),
                    }
                )
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            do_GET = do_POST = do_DELETE = _record

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.received = received
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/steal"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def thief() -> Iterator[Thief]:
    host = Thief()
    yield host
    host.close()


@pytest.mark.parametrize("status", [307, 302])
def test_a_redirect_from_the_token_endpoint_is_not_followed_during_sign_in(
    canvas, client, settings, thief, status
):
    callback = authorize(canvas, client, DEMO_STUDENT)
    canvas.faults(next=[{"redirect": thief.url, "status": status}])
    response = client.get(callback)
    assert thief.received == []
    assert response.status_code == 200  # Canvas failed, not the portal
    assert "Canvas did not answer, so we could not sign you in" in response.content.decode()
    assert not CanvasToken.objects.exists()


def test_a_redirect_from_the_token_endpoint_is_not_followed_during_a_refresh(
    canvas, student, settings, thief
):
    CanvasToken.objects.update(expires_at=timezone.now() - timedelta(minutes=5))
    refresh_token = CanvasToken.objects.get().refresh_token
    canvas.clear_requests()
    canvas.faults(next=[{"redirect": thief.url, "status": 307}])
    response = student.get("/channels/")
    assert thief.received == []
    assert response.status_code == 200  # Canvas failed, not the portal
    assert [(r["method"], r["path"], r["status"]) for r in canvas.requests_log()] == [
        ("POST", "/login/oauth2/token", 307)
    ]
    # The stored token is kept: the redirect proves nothing about it.
    assert CanvasToken.objects.get().refresh_token == refresh_token
    assert settings.CANVAS_CLIENT_SECRET not in str(thief.received)


def test_a_redirect_from_the_token_endpoint_is_not_followed_when_signing_out(
    canvas, student, thief
):
    canvas.faults(next=[{"redirect": thief.url, "status": 307}])
    assert student.post("/logout/").status_code == 302
    assert thief.received == []
    assert not CanvasToken.objects.exists()


def _token_answer(**fields: object) -> str:
    body = {"token_type": "Bearer", "refresh_token": "r" * 64, "expires_in": 3600, **fields}
    return json.dumps(body)


@pytest.mark.parametrize(
    "user",
    [
        pytest.param(None, id="no-user-object"),
        pytest.param({"name": "Ada Lovelace"}, id="no-id"),
        pytest.param({"id": "1", "name": "Ada Lovelace"}, id="id-as-text"),
        pytest.param({"id": 0, "name": "Nobody"}, id="id-zero"),
        pytest.param({"id": True, "name": "Ada Lovelace"}, id="id-boolean"),
    ],
)
def test_a_token_answer_without_a_canvas_user_is_refused_and_nothing_is_kept(canvas, client, user):
    # A real token Canvas issued, so the test can see the portal end it rather than keep it.
    issued = canvas.token_for(DEMO_STUDENT, developer_key_id=canvas.developer_key["id"])
    answer = {"access_token": issued} if user is None else {"access_token": issued, "user": user}
    callback = authorize(canvas, client, DEMO_STUDENT)
    canvas.faults(next=[{"body": _token_answer(**answer)}])
    response = client.get(callback)
    assert response.status_code == 200  # Canvas failed, not the portal
    page = response.content.decode()
    assert "Canvas did not say who you are" in page
    assert "did not tell us which Canvas account is yours" in page
    assert not CanvasToken.objects.exists()
    assert "canvas_user" not in client.session
    assert client.get("/channels/").status_code == 302  # not signed in
    assert _status_at_canvas(canvas, _canvas_token_id(canvas, issued)) == "revoked"


# --- anonymous requests are checked before anything is written ---------------------------------


def test_a_callback_with_an_unknown_state_writes_no_session(canvas, client):
    response = client.get(f"/oauth/callback/?state={'a' * 43}&code={'0' * 128}")
    assert response.status_code == 400
    assert "This sign-in has expired" in response.content.decode()
    assert not Session.objects.exists()
    assert "sessionid" not in response.cookies
    assert canvas.requests_log() == []


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("state=" + "a" * 5000, id="huge-state"),
        pytest.param("state=<script>&code=1", id="odd-state"),
        pytest.param("error=" + "x" * 5000, id="huge-error"),
    ],
)
def test_oversized_or_malformed_callback_parameters_change_nothing(canvas, client, query):
    response = client.get(f"/oauth/callback/?{query}")
    assert response.status_code == 400
    assert not Session.objects.exists()
    assert "x" * 100 not in response.content.decode()


def test_a_malformed_code_is_refused_without_asking_canvas(canvas, client):
    callback = authorize(canvas, client, DEMO_STUDENT)
    state = parse_qs(urlsplit(callback).query)["state"][0]
    canvas.clear_requests()
    response = client.get(f"/oauth/callback/?state={state}&code={'0' * 600}")
    assert response.status_code == 400
    assert "Please start again" in response.content.decode()
    assert canvas.requests_log() == []
    assert not CanvasToken.objects.exists()


def test_an_overlong_next_is_not_kept_and_the_channels_page_is_used(canvas, client):
    client.get("/login/?next=/channels/?q=" + "x" * 2000)
    (flow,) = client.session["oauth_pending"].values()
    assert flow["next"] == "/channels/"
    assert set(flow) == {"verifier", "next"}


def test_at_most_five_sign_ins_under_way_are_kept_per_browser(canvas, client):
    for _ in range(8):
        client.get("/login/")
    assert len(client.session["oauth_pending"]) == 5


# --- refreshing holds no database lock while Canvas answers ------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_token_refresh_leaves_the_database_writable_while_canvas_answers(canvas, client):
    """On SQLite a transaction holds the one database-wide write lock: a refresh done inside
    one would stall every other request's writes (sign-ins, sessions) for as long as Canvas
    takes to answer."""
    sign_in(canvas, client, DEMO_STUDENT)
    stale = _stored_access_token()
    canvas.faults(latency_ms=800)
    outcome: dict[str, str] = {}

    def refresh() -> None:
        try:
            outcome["token"] = StoredToken(DEMO_STUDENT).renew(rejected=stale)
        finally:
            connection.close()

    refreshing = threading.Thread(target=refresh)
    refreshing.start()
    time.sleep(0.3)  # the refresh is now waiting for Canvas
    started = time.monotonic()
    Session.objects.create(session_key="w" * 32, session_data="", expire_date=timezone.now())
    write_took = time.monotonic() - started
    still_refreshing = refreshing.is_alive()
    refreshing.join(10)
    canvas.faults(latency_ms=0)

    assert still_refreshing, "the write must happen while Canvas is still answering"
    assert write_took < 0.2
    assert outcome["token"] not in ("", stale)
    assert _stored_access_token() == outcome["token"]


def test_a_canvas_outage_during_a_refresh_keeps_the_token_for_later(canvas, student):
    CanvasToken.objects.update(expires_at=timezone.now() - timedelta(minutes=5))
    before = CanvasToken.objects.get().refresh_token
    canvas.faults(next=[{"status": 503}])
    response = student.get("/channels/")
    assert response.status_code == 200  # Canvas failed, not the portal
    assert CanvasToken.objects.get().refresh_token == before
    assert student.get("/channels/").status_code == 200  # Canvas is back: refreshed, shown


def test_signing_in_gives_the_browser_a_new_session_key(canvas, client):
    client.get("/login/")  # an anonymous session now holds the OAuth state
    before = client.session.session_key
    assert before
    client.get(authorize(canvas, client, DEMO_STUDENT))
    after = client.session.session_key
    assert after and after != before  # a key planted before sign-in is worth nothing after it
