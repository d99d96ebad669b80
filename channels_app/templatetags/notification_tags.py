"""`{% receives_line channel %}`: the row's one line saying what Canvas sends to an address, from
what this session last saw of its preferences (so the page stays one Canvas call)."""

from typing import Any

from django import template

from canvas.records import Channel
from channels_app import preferences, wording
from channels_app.snapshot import ChannelSnapshot

register = template.Library()


@register.filter
def has_preferences(channel: Channel) -> bool:
    return preferences.has_preferences_to_show(channel)


@register.simple_tag(takes_context=True)
def receives_line(context: dict[str, Any], channel: Channel) -> str:
    if not preferences.has_preferences_to_show(channel):
        # Current Canvas cancels every text message, whatever the settings (§11.3); the row's
        # note says so.
        return str(wording.RECEIVES_NOTHING)
    request = context["request"]
    user_id = request.portal_user.id
    channels = ChannelSnapshot(request.session, user_id).get() or [channel]
    memory = preferences.PreferenceMemory(request.session, user_id)
    return wording.receives(preferences.row_summary(memory, channel, channels))
