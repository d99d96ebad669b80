"""The session engine (accounts/session_store.py): Django's database sessions, saved in one
statement, and still never brought back once deleted (signed out in another tab)."""

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.session_store import SessionStore

pytestmark = pytest.mark.django_db


def test_saving_a_changed_session_is_one_update_and_keeps_what_it_holds():
    store = SessionStore()
    store["canvas_user"] = {"id": 7, "name": "Ada"}
    store.create()
    loaded = SessionStore(store.session_key)
    loaded["channel_snapshots"] = {"7": []}
    with CaptureQueriesContext(connection) as queries:
        loaded.save()
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["UPDATE"]
    again = SessionStore(store.session_key)
    assert again["canvas_user"] == {"id": 7, "name": "Ada"}
    assert again["channel_snapshots"] == {"7": []}


def test_a_session_deleted_meanwhile_is_not_brought_back_by_a_save():
    store = SessionStore()
    store["canvas_user"] = {"id": 7, "name": "Ada"}
    store.create()
    tab = SessionStore(store.session_key)
    assert tab["canvas_user"]["id"] == 7  # this request has read its session
    Session.objects.filter(session_key=store.session_key).delete()  # signed out elsewhere
    tab["channel_snapshots"] = {"7": []}
    with pytest.raises(UpdateError):
        tab.save()
    assert not Session.objects.filter(session_key=store.session_key).exists()
