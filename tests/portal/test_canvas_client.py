"""The Canvas client against the emulator over real HTTP: each endpoint, each error, pagination,
and the refresh paths of the stored-token source."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import CanvasToken
from accounts.tokens import StoredToken
from canvas import oauth
from canvas.bounded import Deadline
from canvas.client import CanvasClient, StaticToken
from canvas.errors import (
    AnswerRefused,
    DeadlineExceeded,
    Forbidden,
    InsufficientScope,
    NotAuthenticated,
    NotFound,
    Throttled,
    Unavailable,
    ValidationFailed,
)
from canvas_emulator.demo_users import DEMO_ADMIN, DEMO_BOUNCING, DEMO_STUDENT, DEMO_TEACHER
from tests.support.canvas import authorize

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada(canvas) -> CanvasClient:
    return CanvasClient(StaticToken(canvas.token_for(DEMO_STUDENT)))


def api_calls(emulator) -> list[tuple[str, str]]:
    return [
        (r["method"], r["path"])
        for r in emulator.requests_log()
        if r["path"].startswith(("/api/", "/login/oauth2/token"))
    ]


# --- endpoints ----------------------------------------------------------------------------------


def test_list_channels_returns_typed_records_in_position_order(ada):
    channels = ada.list_channels()
    assert [c.type for c in channels] == ["email", "email", "push"]
    assert [c.workflow_state for c in channels] == ["active", "unconfirmed", "active"]
    assert channels[2].address == "For All Devices"
    assert [c.position for c in channels] == sorted(c.position for c in channels)


def test_pagination_is_followed_when_canvas_pages_smaller(canvas, ada, monkeypatch):
    monkeypatch.setattr("canvas.client.PER_PAGE", 2)
    canvas.clear_requests()
    channels = ada.list_channels()
    pages = [r for r in canvas.requests_log() if r["path"].endswith("/communication_channels")]
    assert len(channels) == 3
    assert len(pages) == 2
    assert "page=2" in pages[1]["query"]


def test_create_and_delete_channel(ada):
    created = ada.create_channel("self", channel_type="email", address="new@example.com")
    assert (created.type, created.address, created.workflow_state) == (
        "email",
        "new@example.com",
        "unconfirmed",
    )
    removed = ada.delete_channel("self", created.id)
    assert removed.workflow_state == "retired"
    assert created.id not in [c.id for c in ada.list_channels()]


def test_delete_push_token_for_self(canvas, ada):
    ada.delete_push_token("device-token-1")  # no error: Ada has a push channel
    bob = CanvasClient(StaticToken(canvas.token_for(DEMO_TEACHER)))
    with pytest.raises(NotFound):
        bob.delete_push_token("anything")


def test_get_user_and_admin_endpoints(canvas):
    admin = CanvasClient(StaticToken(canvas.token_for(DEMO_ADMIN)))
    assert admin.get_user("self").name == "Hana Helpdesk"
    assert admin.list_accounts()
    assert admin.account_permissions("self", ["manage_user_logins"]) == {"manage_user_logins": True}
    found = admin.search_users("self", "okafor")
    assert [u.id for u in found] == [DEMO_BOUNCING]
    assert admin.get_user(f"sis_user_id:{found[0].sis_user_id}").id == DEMO_BOUNCING


# --- error types --------------------------------------------------------------------------------


def test_duplicate_is_a_validation_error_on_path(ada):
    with pytest.raises(ValidationFailed) as caught:
        ada.create_channel("self", channel_type="email", address="ADA.lovelace@demo.example.edu")
    assert caught.value.has("path", "unique!")


def test_banned_domain_is_forbidden_on_email(canvas, ada):
    canvas.settings(banned_email_domains=["banned.example"])
    with pytest.raises(ValidationFailed) as caught:
        ada.create_channel("self", channel_type="email", address="x@banned.example")
    assert caught.value.has("email", "forbidden")


def test_channel_cap_is_a_validation_error_on_type(canvas, ada):
    canvas.settings(max_communication_channels=3)
    with pytest.raises(ValidationFailed) as caught:
        ada.create_channel("self", channel_type="email", address="more@example.com")
    assert caught.value.has("type")


def test_editing_disabled_by_institution_is_forbidden(canvas, ada):
    canvas.settings(users_can_edit_comm_channels=False)
    with pytest.raises(Forbidden):
        ada.create_channel("self", channel_type="email", address="more@example.com")


def test_older_canvas_401_without_www_authenticate_is_forbidden(canvas):
    canvas.settings(unauthorized_status=401)
    teacher = CanvasClient(StaticToken(canvas.token_for(DEMO_TEACHER)))
    with pytest.raises(Forbidden):
        teacher.list_channels(DEMO_STUDENT)


def test_missing_channel_is_not_found(ada):
    with pytest.raises(NotFound):
        ada.delete_channel("self", 999_999)


def test_invalid_token_is_not_authenticated(canvas):
    client = CanvasClient(StaticToken("garbage"))
    with pytest.raises(NotAuthenticated):
        client.list_channels()


def test_missing_scope_is_insufficient_scope(canvas, settings):
    key = canvas.create_developer_key(
        redirect_uris=["http://testserver/oauth/callback/"],
        trusted=True,
        require_scopes=True,
        scopes=["url:GET|/api/v1/users/:user_id/communication_channels"],
    )
    settings.CANVAS_CLIENT_ID, settings.CANVAS_CLIENT_SECRET = (
        str(key["client_id"]),
        key["client_secret"],
    )
    settings.CANVAS_SCOPES = ["url:GET|/api/v1/users/:user_id/communication_channels"]
    from django.test import Client

    client = Client()
    callback = authorize(canvas, client, DEMO_STUDENT)
    client.get(callback)
    scoped = CanvasClient(StoredToken(DEMO_STUDENT))
    assert len(scoped.list_channels()) == 3
    with pytest.raises(InsufficientScope):
        scoped.create_channel("self", channel_type="email", address="x@example.com")


@pytest.mark.parametrize("style", ["403", "429"])
def test_throttling_is_retried_then_reported(canvas, ada, style):
    canvas.faults(throttle=style)
    canvas.clear_requests()
    with pytest.raises(Throttled):
        ada.list_channels()
    assert len(api_calls(canvas)) == 3  # the first try and two retries


def test_throttled_request_succeeds_when_the_limit_lifts(canvas, ada):
    canvas.faults(next=[{"status": 429}])
    assert len(ada.list_channels()) == 3


@pytest.mark.parametrize(
    "fault",
    [{"status": 503}, {"status": 500}, {"hang_s": 5}, {"body": "not json"}, {"reset": True}],
    ids=["503", "500", "timeout", "malformed", "connection-reset"],
)
def test_failures_are_unavailable(canvas, ada, fault):
    canvas.faults(next=[fault] * 3)
    with pytest.raises(Unavailable):
        ada.list_channels()


def test_idempotent_get_is_retried_after_a_5xx(canvas, ada):
    canvas.faults(next=[{"status": 503}])
    assert len(ada.list_channels()) == 3


def test_post_is_not_retried_after_a_5xx(canvas, ada):
    canvas.faults(next=[{"status": 503}])
    canvas.clear_requests()
    with pytest.raises(Unavailable):
        ada.create_channel("self", channel_type="email", address="once@example.com")
    assert api_calls(canvas) == [("POST", "/api/v1/users/self/communication_channels")]


# --- refresh paths ------------------------------------------------------------------------------


@pytest.fixture
def signed_in_row(canvas, client) -> CanvasToken:
    client.get(authorize(canvas, client, DEMO_STUDENT))
    return CanvasToken.objects.get(canvas_user_id=DEMO_STUDENT)


def test_refresh_ahead_of_expiry(canvas, signed_in_row):
    old = signed_in_row.access_token
    CanvasToken.objects.filter(pk=signed_in_row.pk).update(
        expires_at=timezone.now() + timedelta(seconds=30)
    )
    canvas.clear_requests()
    assert len(CanvasClient(StoredToken(DEMO_STUDENT)).list_channels()) == 3
    row = CanvasToken.objects.get(pk=signed_in_row.pk)
    assert row.access_token != old
    assert row.refresh_token == signed_in_row.refresh_token  # Canvas keeps the refresh token
    assert row.expires_at > timezone.now() + timedelta(minutes=50)
    assert api_calls(canvas)[0] == ("POST", "/login/oauth2/token")


def test_refresh_once_after_401_then_retry(canvas, signed_in_row):
    old = signed_in_row.access_token
    canvas.expire_token(old)
    canvas.clear_requests()
    assert len(CanvasClient(StoredToken(DEMO_STUDENT)).list_channels()) == 3
    assert [m for m, _ in api_calls(canvas)] == ["GET", "POST", "GET"]
    assert CanvasToken.objects.get(pk=signed_in_row.pk).access_token != old


def test_refresh_failure_means_sign_in_again(canvas, signed_in_row):
    canvas.revoke_token(signed_in_row.access_token)
    with pytest.raises(NotAuthenticated):
        CanvasClient(StoredToken(DEMO_STUDENT)).list_channels()
    assert not CanvasToken.objects.filter(canvas_user_id=DEMO_STUDENT).exists()


def test_token_refreshed_elsewhere_is_used_without_a_second_refresh(canvas, signed_in_row):
    stale = signed_in_row.access_token
    fresh = oauth.refresh(signed_in_row.refresh_token)
    row = CanvasToken.objects.get(pk=signed_in_row.pk)
    row.set_tokens(
        access_token=fresh.access_token,
        refresh_token=fresh.refresh_token,
        expires_at=fresh.expires_at,
    )
    row.save()
    canvas.clear_requests()
    assert StoredToken(DEMO_STUDENT).renew(rejected=stale) == fresh.access_token
    assert api_calls(canvas) == []


def test_user_search_reads_only_the_first_page(canvas, monkeypatch):
    admin = CanvasClient(StaticToken(canvas.token_for(DEMO_ADMIN)))
    assert len(admin.search_users("self", "example")) > 1
    monkeypatch.setattr("canvas.client.PER_PAGE", 1)
    canvas.clear_requests()
    assert len(admin.search_users("self", "example")) == 1
    assert len(api_calls(canvas)) == 1


# --- limits on a misbehaving Canvas -------------------------------------------------------------

CHANNELS_PAGE = "/api/v1/users/self/communication_channels?page=1&per_page=100"


def test_pagination_stops_at_the_page_cap_with_answer_refused(canvas, ada, settings):
    settings.CANVAS_MAX_PAGES = 3
    canvas.faults(next=[{"link_next": canvas.base_url + CHANNELS_PAGE}] * 10)
    canvas.clear_requests()
    with pytest.raises(AnswerRefused, match="more than 3 pages"):
        ada.list_channels()
    assert len(api_calls(canvas)) == 3


def test_a_list_exactly_at_the_page_cap_is_returned_whole(canvas, ada, settings, monkeypatch):
    settings.CANVAS_MAX_PAGES = 2
    monkeypatch.setattr("canvas.client.PER_PAGE", 2)
    assert len(ada.list_channels()) == 3  # two pages of 2 and 1


def test_user_search_keeps_reading_only_the_first_page_under_a_looping_link(canvas, settings):
    admin = CanvasClient(StaticToken(canvas.token_for(DEMO_ADMIN)))
    canvas.faults(next=[{"link_next": canvas.base_url + "/api/v1/accounts/1/users"}] * 5)
    canvas.clear_requests()
    assert admin.search_users("self", "example")
    assert len(api_calls(canvas)) == 1


def test_a_next_link_to_another_host_is_refused_before_any_request(canvas, ada):
    canvas.faults(next=[{"link_next": "http://canvas.evil.example" + CHANNELS_PAGE}])
    canvas.clear_requests()
    with pytest.raises(AnswerRefused, match=r"next page at http://canvas\.evil\.example"):
        ada.list_channels()
    assert len(api_calls(canvas)) == 1


def test_a_body_over_the_size_cap_is_refused(canvas, ada, settings):
    settings.CANVAS_MAX_RESPONSE_BYTES = 10_000
    canvas.faults(next=[{"pad_bytes": 20_000, "length": False}])
    with pytest.raises(AnswerRefused, match="more than 10000 bytes"):
        ada.list_channels()


def test_connections_are_reused_after_a_bounded_read(canvas, ada):
    """Reading the body ourselves must still hand the connection back to the pool."""
    from canvas import http

    ada.list_channels()  # warm: one kept-alive connection
    pools = http.shared_session().get_adapter(canvas.base_url).poolmanager.pools
    port = int(canvas.base_url.rpartition(":")[2])
    # RecentlyUsedContainer refuses iteration; keys() is its thread-safe listing.
    (key,) = [key for key in pools.keys() if key.key_port == port]  # noqa: SIM118
    opened = pools[key].num_connections
    for _ in range(3):
        ada.list_channels()
        ada.get_user()
    assert pools[key].num_connections == opened


def test_one_clients_deadline_is_shared_by_all_its_calls(canvas, settings):
    settings.CANVAS_TIMEOUT = (1, 1)
    client = CanvasClient(StaticToken(canvas.token_for(DEMO_STUDENT)), deadline=Deadline.after(1))
    canvas.faults(latency_ms=400)
    client.get_user()
    client.get_user()
    with pytest.raises(DeadlineExceeded):
        client.get_user()
        client.get_user()


def test_a_drip_fed_body_ends_at_the_deadline(canvas, settings):
    settings.CANVAS_TIMEOUT = (1, 1)
    client = CanvasClient(StaticToken(canvas.token_for(DEMO_STUDENT)), deadline=Deadline.after(1))
    canvas.faults(next=[{"drip_s": 0.05}] * 3)
    started = time.monotonic()
    with pytest.raises(Unavailable):
        client.list_channels()
    assert time.monotonic() - started < 1.5
