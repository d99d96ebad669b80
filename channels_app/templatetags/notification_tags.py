"""`{% receives_line channel %}`: the row's one line saying what Canvas sends to an address, from
what this session last saw of its preferences (so the page stays one Canvas call)."""

from typing import Any

from django import template

from canvas.records import Channel
from channels_app import preferences, wording
from channels_app.snapshot import ChannelSnapshot

register = template.Library()


@register.simple_tag(takes_context=True)
def receives_line(context: dict[str, Any], channel: Channel) -> str:
    if channel.type == "sms":
        # Current Canvas cancels every text message, whatever the settings (§11.3).
        return wording.NO_NOTIFICATIONS_BY_TEXT
    request = context["request"]
    user_id = request.portal_user.id
    channels = ChannelSnapshot(request.session, user_id).get() or [channel]
    memory = preferences.PreferenceMemory(request.session, user_id)
    return wording.receives(preferences.row_summary(memory, channel, channels))
