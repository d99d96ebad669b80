"""The last channel list Canvas gave for a user, kept in the server-side session.

It lets an action answer with the updated list and banner from the one Canvas call the action
makes (the create or delete reply), instead of a second call to list the channels again.
A full page view always asks Canvas afresh and replaces it.

Only the lists of the last few users shown are kept: a help-desk session may open hundreds of
users in a day, and the session row is read and written on every request. An action on a user
whose list was dropped simply asks Canvas for it again.
"""

from django.contrib.sessions.backends.base import SessionBase

from canvas.records import Channel

SESSION_KEY = "channel_snapshots"
# The signed-in user's own list plus a handful of users the help desk is working on.
MAX_LISTS = 5


class ChannelSnapshot:
    def __init__(self, session: SessionBase, user_id: int) -> None:
        self._session = session
        self._key = str(user_id)

    def get(self) -> list[Channel] | None:
        stored = self._session.get(SESSION_KEY, {}).get(self._key)
        if stored is None:
            return None
        return [Channel.from_json(item) for item in stored]

    def replace(self, channels: list[Channel]) -> None:
        stored = [c.to_json() for c in sorted(channels, key=lambda c: c.position)]
        snapshots = dict(self._session.get(SESSION_KEY, {}))
        if list(snapshots)[-1:] == [self._key] and snapshots[self._key] == stored:
            # Unchanged and already the most recent: leave the session unmodified so this
            # request does not rewrite it.
            return
        # Most recent last, so the oldest lists are the ones dropped.
        snapshots.pop(self._key, None)
        snapshots[self._key] = stored
        self._session[SESSION_KEY] = dict(list(snapshots.items())[-MAX_LISTS:])

    def upsert(self, channel: Channel) -> list[Channel]:
        channels = [c for c in (self.get() or []) if c.id != channel.id]
        if channel.workflow_state != "retired":
            channels.append(channel)
        self.replace(channels)
        return self.get() or []

    def discard(self, channel_id: int) -> list[Channel]:
        channels = [c for c in (self.get() or []) if c.id != channel_id]
        self.replace(channels)
        return channels

    def find(self, channel_id: int) -> Channel | None:
        return next((c for c in self.get() or [] if c.id == channel_id), None)
