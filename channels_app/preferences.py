"""What each contact method receives: Canvas's notification preferences, grouped for students.

Canvas keeps a frequency per notification per channel and creates every row of a non-default
channel as `never` (docs/canvas-behaviour.md §6, §11.3): an address a student just added gets
nothing until someone chooses. This module loads and writes those frequencies (one Canvas call
each), groups Canvas's ~33 categories under a few names a student knows, and remembers, in the
server-side session, what the last answer said, so the channel page can say in one line what a
row receives without a Canvas call per row.

Canvas's category names ("due_date") stay the unit that is written: a student group is only a
heading over them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils.translation import gettext_lazy

from canvas.client import CanvasClient
from canvas.records import Channel, NotificationPreference
from channels_app.presenters import default_email

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# §11.4: the only values Canvas accepts; anything else is a 422.
FREQUENCIES = ("immediately", "daily", "weekly", "never")
FREQUENCY_LABELS = {
    "immediately": gettext_lazy("Right away"),
    "daily": gettext_lazy("Daily summary"),
    "weekly": gettext_lazy("Weekly summary"),
    "never": gettext_lazy("Never"),
}
# A category whose notifications are not all at one frequency (Canvas's own UI can do that).
MIXED = "mixed"

# Categories a phone can receive: Canvas cancels every other push message
# (ALLOWED_PUSH_NOTIFICATION_CATEGORIES, docs/canvas-behaviour.md §11.3). The push panel shows
# only these; the help desk and the push row's note may import it.
# Canvas's push allow-list as its own UI shows it (`ALLOWED_PUSH_NOTIFICATION_CATEGORIES`,
# docs/canvas-behaviour.md §11.3): a phone gets nothing outside these, whatever the settings say.
# Slug (as the preferences API spells the category) → how the page names it.
PUSH_CATEGORY_LABELS: dict[str, StrOrPromise] = {
    "announcement": gettext_lazy("announcements"),
    "appointment_availability": gettext_lazy("appointment availability"),
    "appointment_cancelations": gettext_lazy("appointment cancellations"),
    "calendar": gettext_lazy("calendar changes"),
    "conversation_message": gettext_lazy("inbox messages"),
    "course_content": gettext_lazy("course content"),
    "discussion_mention": gettext_lazy("discussion mentions"),
    "reported_reply": gettext_lazy("reported replies"),
    "due_date": gettext_lazy("due dates"),
    "grading": gettext_lazy("grading"),
    "invitation": gettext_lazy("invitations"),
    "student_appointment_signups": gettext_lazy("appointment sign-ups"),
    "submission_comment": gettext_lazy("submission comments"),
    "discussion": gettext_lazy("discussions"),
    "discussion_entry": gettext_lazy("discussion posts"),
}
PUSH_CATEGORIES = frozenset(PUSH_CATEGORY_LABELS)

# The group that also lists the categories an installation has and GROUPS does not (§11.1).
OTHER_GROUP = gettext_lazy("Account and other")
# Student groups, in the order a student looks for them, and each Canvas category (§11.2) in
# the words of someone who has never seen Canvas's settings page.
GROUPS: tuple[tuple[StrOrPromise, tuple[tuple[str, StrOrPromise], ...]], ...] = (
    (
        gettext_lazy("Announcements"),
        (
            ("announcement", gettext_lazy("Announcements from your courses")),
            ("account_notification", gettext_lazy("Announcements from your institution")),
        ),
    ),
    (
        gettext_lazy("Due dates and calendar"),
        (
            ("due_date", gettext_lazy("New assignments and due dates")),
            ("calendar", gettext_lazy("Course calendar events")),
            ("appointment_availability", gettext_lazy("Appointment times offered")),
            ("appointment_signups", gettext_lazy("Appointments booked for you")),
            ("appointment_cancelations", gettext_lazy("Appointments cancelled")),
            ("student_appointment_signups", gettext_lazy("Students booking your appointments")),
        ),
    ),
    (
        gettext_lazy("Grades and feedback"),
        (
            ("grading", gettext_lazy("Grades")),
            ("submission_comment", gettext_lazy("Comments on your work")),
            ("grading_policies", gettext_lazy("Changes to how grades are worked out")),
            ("late_grading", gettext_lazy("Late work handed in")),
            ("all_submissions", gettext_lazy("Work handed in by students")),
        ),
    ),
    (
        gettext_lazy("Discussions"),
        (
            ("discussion", gettext_lazy("New discussion topics")),
            ("discussion_entry", gettext_lazy("New replies in discussions")),
            ("discussion_mention", gettext_lazy("When someone mentions you")),
            ("reported_reply", gettext_lazy("Replies reported to you")),
            (
                "announcement_created_by_you",
                gettext_lazy("Your own announcements and replies to them"),
            ),
        ),
    ),
    (
        gettext_lazy("Messages"),
        (
            ("conversation_message", gettext_lazy("Inbox messages")),
            ("added_to_conversation", gettext_lazy("Being added to an Inbox conversation")),
            ("conversation_created", gettext_lazy("Inbox conversations you start")),
        ),
    ),
    (
        gettext_lazy("Course content and files"),
        (
            ("course_content", gettext_lazy("Changes to course content")),
            ("files", gettext_lazy("New files")),
            ("recording_ready", gettext_lazy("Conference recordings ready")),
            ("content_link_error", gettext_lazy("Broken links in your courses")),
            ("blueprint", gettext_lazy("Blueprint course updates")),
        ),
    ),
    (
        gettext_lazy("Groups and invitations"),
        (
            ("invitation", gettext_lazy("Invitations (groups, peer reviews, conferences)")),
            ("membership_update", gettext_lazy("Group membership changes")),
        ),
    ),
    (
        OTHER_GROUP,
        (
            ("registration", gettext_lazy("Account and sign-in messages")),
            ("summaries", gettext_lazy("Activity summaries")),
            ("alert", gettext_lazy("Alerts set up by your institution")),
            ("migration", gettext_lazy("Course copy and export results")),
            ("other", gettext_lazy("Other notifications")),
        ),
    ),
)
CATEGORY_LABELS = {key: label for _, members in GROUPS for key, label in members}
KNOWN_CATEGORIES = frozenset(CATEGORY_LABELS)

# A row Canvas created this recently is a new row, not an address removed earlier and added back
# (which keeps its id, its created_at and its old preferences, §1.5). Wide, for clock skew.
FRESH_ROW = timedelta(minutes=10)


def category_label(category: str) -> StrOrPromise:
    """A category Canvas has and this list does not (installations differ, §11.1) is still
    shown, under its own name."""
    return CATEGORY_LABELS.get(category) or category.replace("_", " ").capitalize()


def texts_are_delivered() -> bool:
    """Whether this Canvas sends text messages at all: current Canvas cancels every one (§11.3);
    SMS_ENABLED says an institution's Canvas still does."""
    return bool(settings.SMS_ENABLED)


def has_preferences_to_show(channel: Channel) -> bool:
    """An SMS row has nothing to choose while Canvas sends no text messages."""
    return channel.type != "sms" or texts_are_delivered()


def shown_categories(channel: Channel, categories: Iterable[str]) -> list[str]:
    """The categories a channel's panel offers: for push, only those a phone can receive."""
    if channel.type == "push":
        return [c for c in categories if c in PUSH_CATEGORIES]
    return list(categories)


# --- from Canvas's rows to one frequency per category ----------------------------------------


def by_category(preferences: Iterable[NotificationPreference]) -> dict[str, str]:
    """One frequency per category, MIXED where its notifications differ."""
    frequencies: dict[str, str] = {}
    for pref in preferences:
        seen = frequencies.get(pref.category)
        frequencies[pref.category] = pref.frequency if seen in (None, pref.frequency) else MIXED
    return frequencies


# --- what the session remembers ----------------------------------------------------------------

SESSION_KEY = "notification_preferences"
# Every row of the channel is `never` (known from §11.3 without having listed the rows).
ALL_NEVER = {"*": "never"}


class PreferenceMemory:
    """The last frequencies Canvas gave for each of one user's channels, by category, and the
    notification names Canvas listed (needed to write "never" to all of them in one call).

    Only what Canvas answered in this session is kept, so a row never claims more than was
    seen; a full page view costs no Canvas call for it.
    """

    def __init__(self, session: SessionBase, user_key: int) -> None:
        self._session = session
        self._key = str(user_key)

    def _mine(self) -> dict[str, Any]:
        stored = self._session.get(SESSION_KEY, {}).get(self._key, {})
        return {"channels": dict(stored.get("channels", {})), "names": stored.get("names", [])}

    def _save(self, mine: dict[str, Any]) -> None:
        # Only the signed-in user's own memory: the help desk reads, it never writes for others.
        self._session[SESSION_KEY] = {self._key: mine}

    def frequencies(self, channel_id: int) -> dict[str, str] | None:
        found = self._mine()["channels"].get(str(channel_id))
        return dict(found) if isinstance(found, dict) else None

    def notification_names(self) -> list[str]:
        names = self._mine()["names"]
        return list(names) if isinstance(names, list) else []

    def remember(self, channel_id: int, preferences: list[NotificationPreference]) -> None:
        """A whole channel's rows, as Canvas listed them."""
        mine = self._mine()
        mine["channels"][str(channel_id)] = by_category(preferences)
        mine["names"] = [p.notification for p in preferences]
        self._save(mine)

    def remember_all(self, channel_id: int, frequencies: dict[str, str]) -> None:
        mine = self._mine()
        mine["channels"][str(channel_id)] = frequencies
        self._save(mine)

    def remember_category(self, channel_id: int, category: str, frequency: str) -> None:
        """One category changed; unknown when the rest of the channel was never seen."""
        known = self.frequencies(channel_id)
        if known is None:
            return
        if known == ALL_NEVER:
            # Still true of every other category; this one is now known too.
            known = {**ALL_NEVER}
        known[category] = frequency
        self.remember_all(channel_id, known)

    def forget(self, channel_id: int) -> None:
        mine = self._mine()
        if mine["channels"].pop(str(channel_id), None) is not None:
            self._save(mine)


def is_fresh_row(channel: Channel, *, now: datetime | None = None) -> bool:
    if channel.created_at is None:
        return False
    return abs((now or datetime.now(UTC)) - channel.created_at) <= FRESH_ROW


def starts_with_nothing(channel: Channel, channels: list[Channel]) -> bool:
    """Whether Canvas will send nothing to a just-added channel until someone chooses: a new row
    that is not the user's first channel gets `never` for every notification (§11.3)."""
    first = min(channels, key=lambda c: c.position, default=None)
    return first is not None and first.id != channel.id and is_fresh_row(channel)


# --- the one-line summary ----------------------------------------------------------------------

SummaryKind = Literal[
    "unknown",
    "unconfirmed",
    "same_once_confirmed",
    "nothing",
    "same_as",
    "everything",
    "right_away",
    "varied",
]


@dataclass(frozen=True)
class Summary:
    """What a row receives, as data; `wording.receives` says it."""

    kind: SummaryKind
    frequency: str = ""  # "everything" at this frequency
    groups: tuple[StrOrPromise, ...] = ()  # "right_away": the student groups wholly sent right away
    rest_never: bool = False  # "right_away": whether everything else is never
    same_as: str = ""  # "same_as", "same_once_confirmed": the default email's address


def _expand(frequencies: dict[str, str], categories: Iterable[str]) -> dict[str, str]:
    """`ALL_NEVER` filled in for the categories a comparison needs."""
    if "*" not in frequencies:
        return frequencies
    return {c: frequencies.get(c, "never") for c in categories}


def expand_all_never(frequencies: dict[str, str]) -> dict[str, str]:
    """`ALL_NEVER` as one `never` per §11.2 category (for showing it; the real list may differ)."""
    return _expand(frequencies, CATEGORY_LABELS) if "*" in frequencies else frequencies


def row_summary(memory: PreferenceMemory, channel: Channel, channels: list[Channel]) -> Summary:
    """What the page's row says, from what this session last saw (no Canvas call)."""
    default = default_email(channels)
    return summarise(
        channel,
        memory.frequencies(channel.id),
        default=default,
        default_frequencies=memory.frequencies(default.id) if default is not None else None,
    )


def summarise(
    channel: Channel,
    frequencies: dict[str, str] | None,
    *,
    default: Channel | None = None,
    default_frequencies: dict[str, str] | None = None,
) -> Summary:
    """One line for a row, claiming only what the remembered answer says. An unconfirmed
    address gets nothing whatever its settings (§1.5); only "same as" is worth saying ahead."""
    if frequencies is None:
        return Summary("unconfirmed") if channel.is_unconfirmed else Summary("unknown")
    if (
        default is not None
        and default.id != channel.id
        and default_frequencies is not None
        and "*" not in default_frequencies
    ):
        mine = _expand(frequencies, default_frequencies)
        if mine == default_frequencies:
            kind: SummaryKind = "same_once_confirmed" if channel.is_unconfirmed else "same_as"
            return Summary(kind, same_as=default.address)
    if channel.is_unconfirmed:
        return Summary("unconfirmed")
    if "*" in frequencies and len(frequencies) == 1:
        return Summary("nothing")
    shown = {c: f for c, f in frequencies.items() if c in shown_categories(channel, frequencies)}
    values = set(shown.values())
    if values <= {"never"}:
        return Summary("nothing")
    if len(values) == 1 and MIXED not in values:
        return Summary("everything", frequency=values.pop())
    right_away: list[StrOrPromise] = []
    rest: set[str] = set()
    for label, members in GROUPS:
        in_group = [shown[key] for key, _ in members if key in shown]
        if in_group and all(f == "immediately" for f in in_group):
            right_away.append(label)
        else:
            rest.update(in_group)
    unknown_group = [f for c, f in shown.items() if c not in KNOWN_CATEGORIES]
    rest.update(unknown_group)
    if right_away:
        return Summary("right_away", groups=tuple(right_away), rest_never=rest <= {"never"})
    return Summary("varied")


# --- the panel ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryChoice:
    key: str  # Canvas's category, the unit written
    label: StrOrPromise
    frequency: str  # one of FREQUENCIES, or MIXED


@dataclass(frozen=True)
class PanelGroup:
    label: StrOrPromise
    choices: list[CategoryChoice]


@dataclass(frozen=True)
class NotificationPanel:
    """One channel's preferences as the panel shows them. `read_only` panels have no forms
    (the help desk shows another user's, which Canvas lets nobody else write, §6)."""

    channel: Channel
    groups: list[PanelGroup]
    read_only: bool
    can_copy_default: bool
    default_address: str


def build_panel(
    channel: Channel,
    frequencies: dict[str, str],
    *,
    default: Channel | None,
    read_only: bool = False,
) -> NotificationPanel:
    offered = shown_categories(channel, frequencies)
    groups: list[PanelGroup] = []
    for label, members in GROUPS:
        choices = [CategoryChoice(k, text, frequencies[k]) for k, text in members if k in offered]
        if label is OTHER_GROUP:
            # Categories this installation has and the list above does not (§11.1).
            choices += [
                CategoryChoice(k, category_label(k), frequencies[k])
                for k in offered
                if k not in KNOWN_CATEGORIES
            ]
        if choices:
            groups.append(PanelGroup(label, choices))
    can_copy = default is not None and default.id != channel.id and not read_only
    return NotificationPanel(
        channel=channel,
        groups=groups,
        read_only=read_only,
        can_copy_default=can_copy,
        default_address=default.address if default is not None else "",
    )


# --- use cases: each one or two Canvas calls ------------------------------------------------------


def preferences_load(
    *, client: CanvasClient, user_id: int | str, channel_id: int
) -> list[NotificationPreference]:
    """A channel's rows: one call (`GET …/notification_preferences`)."""
    return client.list_notification_preferences(user_id, channel_id)


def panel_load(
    *,
    client: CanvasClient,
    user_id: int | str,
    channel: Channel,
    default: Channel | None,
    read_only: bool = False,
) -> tuple[NotificationPanel, list[NotificationPreference]]:
    """The panel for any user's channel, in one Canvas call. The help desk passes the user's
    id and `read_only=True` (reading another user's preferences needs `view_statistics`, §11.4)."""
    preferences = preferences_load(client=client, user_id=user_id, channel_id=channel.id)
    panel = build_panel(channel, by_category(preferences), default=default, read_only=read_only)
    return panel, preferences


def preference_category_set(
    *, client: CanvasClient, channel_id: int, category: str, frequency: str
) -> list[NotificationPreference]:
    """One category's frequency for the signed-in user's channel: one call."""
    return client.set_notification_category(channel_id, category, frequency)


def preferences_copy_default(
    *, client: CanvasClient, channel_id: int, default_id: int
) -> list[NotificationPreference]:
    """Give a channel exactly the default email's frequencies: read them, write them all (two
    calls). Every name written is one Canvas just listed, so none can stop the write halfway."""
    source = client.list_notification_preferences("self", default_id)
    client.set_notification_preferences(channel_id, {p.notification: p.frequency for p in source})
    return source


def preferences_none(
    *, client: CanvasClient, channel_id: int, notification_names: list[str]
) -> list[NotificationPreference]:
    """Every notification of a channel to `never`: one call when the names are known from an
    earlier answer, else one more to list them (Canvas's list differs between installations)."""
    names = notification_names or [
        p.notification for p in client.list_notification_preferences("self", channel_id)
    ]
    return client.set_notification_preferences(channel_id, dict.fromkeys(names, "never"))
