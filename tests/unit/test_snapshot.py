"""The last channel list kept in the session (channels_app/snapshot.py), on a session with no
store behind it."""

from django.contrib.sessions.backends.base import SessionBase
from django.core.signing import JSONSerializer

from channels_app.snapshot import MAX_LISTS, SESSION_KEY, ChannelSnapshot
from tests.unit.builders import channel


def test_a_user_never_shown_has_no_snapshot():
    assert ChannelSnapshot(SessionBase(), 7).get() is None


def test_a_stored_list_comes_back_in_position_order():
    snapshot = ChannelSnapshot(SessionBase(), 7)
    snapshot.replace([channel(1, position=2), channel(2, "sms", position=1)])
    assert [c.id for c in snapshot.get() or []] == [2, 1]


def test_the_list_survives_the_session_s_json_serializer_unchanged():
    session = SessionBase()
    kept = [channel(1, bounce_count=3), channel(2, "push"), channel(3, "sms", position=0)]
    ChannelSnapshot(session, 7).replace(kept)
    serializer = JSONSerializer()
    reloaded = SessionBase()
    reloaded.update(serializer.loads(serializer.dumps(dict(session.items()))))
    assert ChannelSnapshot(reloaded, 7).get() == sorted(kept, key=lambda c: c.position)


def test_users_lists_are_kept_apart():
    session = SessionBase()
    ChannelSnapshot(session, 7).replace([channel(1)])
    ChannelSnapshot(session, 8).replace([channel(2)])
    assert [c.id for c in ChannelSnapshot(session, 7).get() or []] == [1]
    assert [c.id for c in ChannelSnapshot(session, 8).get() or []] == [2]


def test_only_the_most_recently_shown_lists_are_kept():
    session = SessionBase()
    for user_id in range(1, MAX_LISTS + 2):
        ChannelSnapshot(session, user_id).replace([channel(user_id)])
    # Showing user 2 again makes it recent, so user 3 is the next to go.
    ChannelSnapshot(session, 2).replace([channel(2)])
    ChannelSnapshot(session, 99).replace([])
    assert list(session[SESSION_KEY]) == ["4", "5", "6", "2", "99"]
    assert ChannelSnapshot(session, 1).get() is None


def test_storing_the_same_list_again_leaves_the_session_unwritten():
    session = SessionBase()
    ChannelSnapshot(session, 7).replace([channel(1)])
    session.modified = False
    ChannelSnapshot(session, 7).replace([channel(1)])
    assert not session.modified
    ChannelSnapshot(session, 7).replace([channel(1, workflow_state="unconfirmed")])
    assert session.modified


def test_an_added_channel_joins_the_list_and_a_retired_one_leaves_it():
    snapshot = ChannelSnapshot(SessionBase(), 7)
    snapshot.replace([channel(1)])
    assert [c.id for c in snapshot.upsert(channel(2, "sms"))] == [1, 2]
    assert [c.id for c in snapshot.upsert(channel(1, workflow_state="retired"))] == [2]


def test_an_updated_channel_replaces_the_old_record():
    snapshot = ChannelSnapshot(SessionBase(), 7)
    snapshot.replace([channel(1, workflow_state="unconfirmed")])
    assert snapshot.upsert(channel(1)) == [channel(1)]


def test_discard_and_find_work_on_the_stored_list_and_tolerate_none():
    snapshot = ChannelSnapshot(SessionBase(), 7)
    assert snapshot.find(1) is None
    assert snapshot.discard(1) == []
    snapshot.replace([channel(1), channel(2)])
    assert snapshot.find(2) == channel(2)
    assert snapshot.discard(1) == [channel(2)]
    assert snapshot.find(1) is None
