"""Whose contact methods a request acts on, and the routes of that user's pages.

A student always acts on `self`; the help desk reuses the channel views with another user's id
and its own routes. Every URL comes from `reverse()` on a route name, so renaming a route moves
the help desk's links with it (a path built from pieces would break silently).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

from django.conf import settings
from django.urls import reverse

from channels_app import services

Action = Literal["add", "remove", "resend"]
PAGE = "channels/page.html"


@dataclass(frozen=True)
class ChannelRoutes:
    """The route names of one user's channel page and actions, and the arguments that come
    before the channel id (the help desk's user id)."""

    page: str = "channels"
    add: str = "channel_add"
    remove: str = "channel_remove"
    resend: str = "channel_resend"
    args: tuple[int, ...] = ()


@dataclass(frozen=True)
class Scope:
    api_user: int | str
    snapshot_key: int
    owner_name: str
    routes: ChannelRoutes = field(default_factory=ChannelRoutes)
    is_self: bool = True
    can_skip_confirmation: bool = False
    # Called with the outcome of every change attempt (the help desk audits them).
    record: Callable[[services.ActionRecord], None] | None = None
    # The full-page template; the help desk extends the page with its own tools.
    template: str = PAGE
    # A template included inside every change form (the help desk's reason field), or none.
    change_fields: str = ""

    @property
    def offers_sms(self) -> bool:
        """Students are offered text messages only where Canvas still sends them (§11.3); the
        help desk keeps them, since "Skip confirmation" can make a number active without a code."""
        return bool(settings.SMS_ENABLED) or not self.is_self

    @property
    def page_url(self) -> str:
        return reverse(self.routes.page, args=self.routes.args)

    def url(self, action: Action, channel_id: int | None = None) -> str:
        ids = () if channel_id is None else (channel_id,)
        return reverse(getattr(self.routes, action), args=[*self.routes.args, *ids])

    def note(
        self, action: str, channel_type: str, address: str, exc: Exception | None = None
    ) -> None:
        if self.record is not None:
            self.record(services.record_of(action, channel_type, address, exc))

    @contextmanager
    def failure_noted(self, action: str, channel_type: str, address: str) -> Iterator[None]:
        """Record the attempt if it fails in any way, a lost sign-in included (that one goes on
        to the sign-in redirect); the caller records the success, which may name what Canvas
        answered."""
        try:
            yield
        except Exception as exc:
            cause = exc.cause if isinstance(exc, services.ResendIncomplete) else exc
            self.note(action, channel_type, address, cause)
            raise
