"""What the page tells a reader about their addresses beyond their state: the role of the default
email, what text messages and push can really carry, what a resend sets off, what removing the
default leads to, and the "Not getting notifications?" panel. Built only from what the page
knows (the channel list and the settings); the sentences are in `wording`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.html import format_html

from canvas.records import Channel
from channels_app import preferences, presenters, wording
from channels_app.preferences import PUSH_CATEGORY_LABELS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _sms_sends() -> bool:
    return preferences.texts_are_delivered()


def annotate(
    groups: list[presenters.ChannelGroup], channels: list[Channel], *, for_self: bool
) -> list[presenters.ChannelGroup]:
    default = presenters.default_email(channels)
    return [
        replace(group, rows=[_annotated(row, default, for_self=for_self) for row in group.rows])
        for group in groups
    ]


def _annotated(
    row: presenters.ChannelRow, default: Channel | None, *, for_self: bool
) -> presenters.ChannelRow:
    channel = row.channel
    notes: list[StrOrPromise] = []
    if row.is_default:
        if for_self:
            notes.append(wording.DEFAULT_EMAIL_ROLE)
            notes.append(
                format_html(
                    str(wording.CHOOSE_DEFAULT), url=f"{settings.CANVAS_BASE_URL}/profile/settings"
                )
            )
        else:
            notes.append(wording.DEFAULT_EMAIL_ROLE_FOR_STAFF)
            notes.append(wording.CHOOSE_DEFAULT_FOR_STAFF)
    if channel.type == "sms" and not _sms_sends():
        notes.append(wording.SMS_NOT_SENT)
    if channel.type == "push":
        notes.append(wording.push_receives([str(c) for c in PUSH_CATEGORY_LABELS.values()]))
    resend_note: StrOrPromise = ""
    if row.can_resend and channel.type == "email" and default is not None and not row.is_default:
        resend_note = wording.RESEND_NOTICES if for_self else wording.RESEND_NOTICES_FOR_STAFF
    # The code is typed on Canvas's own page, under the student's own Canvas session (§12.2):
    # a staff member's session there would be the wrong user.
    offers_code = for_self and _sms_sends() and channel.type == "sms" and channel.is_unconfirmed
    return replace(row, notes=tuple(notes), resend_note=resend_note, offers_code=offers_code)


def unconfirmed_default(channels: list[Channel]) -> Channel | None:
    default = presenters.default_email(channels)
    return default if default is not None and default.is_unconfirmed else None


def banner_default(channels: list[Channel], *, for_self: bool) -> str:
    """The banner's sentence when the default email itself is unconfirmed, else ""."""
    default = unconfirmed_default(channels)
    if default is None:
        return ""
    return wording.default_unconfirmed(default.address, for_self=for_self)


@dataclass(frozen=True)
class HelpPanel:
    """The "Not getting notifications?" items that apply, in the order worth checking."""

    items: list[StrOrPromise]
    title: StrOrPromise = wording.HELP_PANEL_TITLE
    asks_help_desk: StrOrPromise = wording.HELP_ASK


def help_panel(channels: list[Channel]) -> HelpPanel:
    items: list[StrOrPromise] = []
    if unconfirmed_default(channels) is not None:
        items.append(wording.HELP_DEFAULT_UNCONFIRMED)
    items.append(wording.HELP_NEW_ADDRESS_NEVER)
    if _sms_sends():
        items.append(wording.HELP_SMS_ON)
    elif any(c.type == "sms" for c in channels):
        items.append(wording.HELP_SMS_OFF)
    if any(c.type == "push" for c in channels):
        items.append(wording.HELP_PUSH)
    items.append(wording.HELP_SPAM)
    return HelpPanel(items=items)


def removal_warning(
    channel: Channel, channels: list[Channel], *, for_self: bool = True
) -> StrOrPromise | None:
    """What removing this channel costs, said before the user confirms."""
    if channel.type != "email":
        if channel.type == "push":
            return wording.STOPS_ALL_PUSH if for_self else wording.STOPS_ALL_PUSH_FOR_STAFF
        return None
    emails = [c for c in channels if c.type == "email"]
    if len(emails) == 1:
        return wording.ONLY_EMAIL if for_self else wording.ONLY_EMAIL_FOR_STAFF
    default = presenters.default_email(channels)
    if default is not None and default.id == channel.id:
        # Canvas's next default is the next unretired email by position (§1.6, §1.9).
        following = next(c for c in sorted(emails, key=lambda c: c.position) if c.id != channel.id)
        return wording.next_default(
            following.address, confirmed=following.is_active, for_self=for_self
        )
    return None
