"""Canvas JSON read into typed records (canvas/records.py): what varies across Canvas versions is
accepted, and anything malformed is one `Unavailable`, never a crash further on."""

from datetime import UTC, datetime

import pytest

from canvas.errors import Unavailable
from canvas.records import CanvasUser, Channel

CHANNEL = {
    "id": 11,
    "type": "email",
    "address": "ada@example.edu",
    "position": 2,
    "workflow_state": "unconfirmed",
    "user_id": 42,
    "created_at": "2025-01-02T03:04:05Z",
    "bounce_count": 0,
}


def test_a_channel_is_read_with_its_time_in_utc():
    parsed = Channel.from_json(CHANNEL)
    assert parsed.id == 11
    assert parsed.is_unconfirmed and not parsed.is_active
    assert parsed.created_at == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_string_ids_are_read_as_numbers():
    parsed = Channel.from_json({**CHANNEL, "id": "11", "user_id": "42", "position": "2"})
    assert (parsed.id, parsed.user_id, parsed.position) == (11, 42, 2)


def test_fields_older_canvas_leaves_out_have_defaults():
    minimal = {k: CHANNEL[k] for k in ("id", "type", "address", "workflow_state")}
    parsed = Channel.from_json(minimal)
    assert (parsed.position, parsed.user_id, parsed.created_at, parsed.bounce_count) == (
        0,
        None,
        None,
        None,
    )


def test_an_unreadable_creation_time_is_left_unknown():
    for created_at in ["yesterday", 1735787045, None, ""]:
        assert Channel.from_json({**CHANNEL, "created_at": created_at}).created_at is None


MALFORMED_CHANNELS = {
    "no id": {k: v for k, v in CHANNEL.items() if k != "id"},
    "no state": {k: v for k, v in CHANNEL.items() if k != "workflow_state"},
    "word id": {**CHANNEL, "id": "eleven"},
    "null id": {**CHANNEL, "id": None},
    "word position": {**CHANNEL, "position": "first"},
    "list bounce count": {**CHANNEL, "bounce_count": [1]},
    "null": None,
    "list": [],
    "string": "channel",
    "number": 42,
}


def test_a_malformed_channel_is_canvas_answering_nonsense():
    for case, data in MALFORMED_CHANNELS.items():
        with pytest.raises(Unavailable, match="Unexpected channel record from Canvas"):
            Channel.from_json(data)
            pytest.fail(f"accepted: {case}")


def test_a_channel_survives_a_round_trip_through_json():
    parsed = Channel.from_json(CHANNEL)
    assert Channel.from_json(parsed.to_json()) == parsed


def test_a_user_s_name_and_email_fall_back_to_the_fields_older_canvas_sends():
    user = CanvasUser.from_json({"id": "5", "short_name": "Ada", "primary_email": "a@b.edu"})
    assert (user.id, user.name, user.email, user.sortable_name) == (5, "Ada", "a@b.edu", "")


def test_a_user_with_no_name_at_all_has_an_empty_one():
    assert CanvasUser.from_json({"id": 5, "name": None}).name == ""


def test_a_malformed_user_is_canvas_answering_nonsense():
    for data in [{}, {"id": "x"}, None, ["id"]]:
        with pytest.raises(Unavailable, match="Unexpected user record from Canvas"):
            CanvasUser.from_json(data)
            pytest.fail(f"accepted: {data!r}")
