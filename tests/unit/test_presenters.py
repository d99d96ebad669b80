"""How a channel list reads on the page (channels_app/presenters.py), from Channel records."""

from channels_app.guidance import removal_warning
from channels_app.presenters import (
    ChannelRow,
    default_email,
    display_order,
    group_channels,
    neighbour_after_removal,
    unconfirmed,
)
from tests.unit.builders import channel


def test_groups_come_in_a_fixed_order_and_empty_groups_are_left_out():
    channels = [channel(1, "push"), channel(2, "sms"), channel(3, "email")]
    assert [g.label for g in group_channels(channels)] == ["Email", "Text (SMS)", "Push"]


def test_a_type_the_portal_does_not_know_is_listed_under_other():
    groups = group_channels([channel(1, "email"), channel(2, "twitter", "@ada")])
    assert [(g.key, [r.address for r in g.rows]) for g in groups] == [
        ("email", ["user1@example.edu"]),
        ("other", ["@ada"]),
    ]


def test_rows_within_a_group_follow_canvas_positions_not_ids():
    channels = [channel(1, position=3), channel(2, position=1), channel(3, position=2)]
    assert [c.id for c in display_order(channels)] == [2, 3, 1]


def test_the_default_email_is_the_first_by_position_even_when_unconfirmed():
    first = channel(5, position=1, workflow_state="unconfirmed")
    channels = [channel(1, position=2), first, channel(2, "sms", position=0)]
    assert default_email(channels) == first
    rows = group_channels(channels)[0].rows
    assert [(r.id, r.is_default) for r in rows] == [(5, True), (1, False)]


def test_a_list_without_email_has_no_default():
    assert default_email([channel(1, "sms"), channel(2, "push")]) is None


def test_a_row_names_its_status_in_words():
    shown = {"active": "Active", "unconfirmed": "Unconfirmed", "suspended": "Suspended"}
    assert {
        state: ChannelRow(channel(workflow_state=state), is_default=False).status for state in shown
    } == shown


def test_push_is_named_for_what_it_does_not_canvas_s_for_all_devices():
    row = ChannelRow(channel(1, "push"), is_default=False)
    assert row.address == "For All Devices"
    assert row.spoken_name == "push notifications for all devices"


def test_only_an_unconfirmed_email_or_text_number_offers_a_new_confirmation():
    offered = {
        (kind, state): ChannelRow(
            channel(type=kind, workflow_state=state), is_default=False
        ).can_resend
        for kind in ("email", "sms", "push")
        for state in ("active", "unconfirmed")
    }
    assert {key for key, can in offered.items() if can} == {
        ("email", "unconfirmed"),
        ("sms", "unconfirmed"),
    }


def test_a_bounce_count_marks_the_row_as_bouncing_and_zero_or_none_does_not():
    assert ChannelRow(channel(bounce_count=2), is_default=False).is_bouncing
    assert not ChannelRow(channel(bounce_count=0), is_default=False).is_bouncing
    assert not ChannelRow(channel(bounce_count=None), is_default=False).is_bouncing


def test_the_unconfirmed_banner_lists_unconfirmed_channels_in_position_order():
    channels = [
        channel(1, position=2, workflow_state="unconfirmed"),
        channel(2, "sms", position=1, workflow_state="unconfirmed"),
        channel(3, position=0),
    ]
    assert [c.id for c in unconfirmed(channels)] == [2, 1]


def test_removing_the_only_email_warns_that_canvas_will_have_none():
    only = channel(1)
    assert removal_warning(only, [only, channel(2, "sms")]) == (
        "This is your only email address: Canvas will have no email to send notifications to."
    )


def test_removing_the_default_email_names_the_one_canvas_will_use_instead():
    default, second, third = channel(1), channel(2, position=5), channel(3, position=4)
    assert removal_warning(default, [default, second, third]) == (
        "This is your default email. Canvas will use user3@example.edu as your default instead; "
        "it is confirmed."
    )


def test_on_help_desk_pages_the_warning_speaks_of_the_user():
    default, other = channel(1), channel(2)
    assert removal_warning(default, [default, other], for_self=False) == (
        "This is the user's default email. Canvas will use user2@example.edu as the default "
        "instead; it is confirmed."
    )


def test_removing_push_warns_about_every_device_and_a_spare_email_or_number_needs_no_warning():
    channels = [channel(1), channel(2), channel(3, "sms"), channel(4, "push")]
    assert removal_warning(channels[3], channels) == (
        "Canvas will stop sending push notifications to all your devices."
    )
    assert removal_warning(channels[1], channels) is None
    assert removal_warning(channels[2], channels) is None


def test_after_a_removal_focus_goes_to_the_next_row_across_groups():
    channels = [channel(1), channel(2, "sms"), channel(3, "push")]
    assert neighbour_after_removal(1, channels) == 2
    assert neighbour_after_removal(2, channels) == 3


def test_after_removing_the_last_row_focus_goes_to_the_one_before_it():
    channels = [channel(1), channel(2, "sms")]
    assert neighbour_after_removal(2, channels) == 1


def test_after_removing_the_only_row_or_an_unlisted_one_there_is_nothing_to_focus():
    assert neighbour_after_removal(1, [channel(1)]) is None
    assert neighbour_after_removal(9, [channel(1), channel(2)]) is None
