"""A mail bounce reaching Canvas: its effect on the channel (docs/canvas-behaviour.md §14.1)."""

from __future__ import annotations

import time

from .messages_api import mark_latest_bounced
from .state import Channel


def record_bounce(
    channel: Channel,
    *,
    count: int | None = None,
    reason: str | None = None,
    at: float | None = None,
) -> None:
    """Count the bounce and remember when and why, as ``last_bounce_at``/``last_bounce_summary``.

    ``count`` replaces the bounce count (default: one more); a count of 0 only resets the count.
    The channel's latest delivered message becomes ``bounced``. Call with the state lock held.
    """
    channel.bounce_count = channel.bounce_count + 1 if count is None else count
    if channel.bounce_count == 0:
        return
    channel.last_bounce_at = time.time() if at is None else at
    if reason is not None:
        channel.last_bounce_summary = reason
    mark_latest_bounced(channel)
