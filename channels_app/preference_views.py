"""What each contact method receives: the panel, and its changes (docs/canvas-behaviour.md §6, §11).

URLs (a contract other tools use): `GET /channels/<id>/notifications/` shows the panel (a whole
page without JavaScript, a fragment for htmx); `POST` there with `category` and `frequency` sets
one category; `POST …/copy-default/` copies the default email's frequencies; `POST …/none/` sets
everything to never. Every POST works as a plain form post (redirect back to the panel) and
inline with htmx. Each makes one Canvas call, the copy two.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages as flash
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.session import PortalRequest, canvas_login_required
from canvas.errors import CanvasError
from canvas.records import Channel
from channels_app import preferences, presenters, services, wording
from channels_app.preference_forms import CategoryFrequencyForm
from channels_app.preferences import PreferenceMemory
from channels_app.snapshot import ChannelSnapshot
from portal import limits
from portal.limited import limited
from portal.views.errors import alert_fragment

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PANEL_PAGE = "channels/notifications.html"
PANEL = "channels/_notifications_panel.html"
CHANGED = "channels/_notifications_changed.html"


def _refused(
    request: PortalRequest, refusal: limits.Refusal, channel_id: int, *args: Any, **kw: Any
) -> HttpResponse:
    """Over the change limit: nothing reached Canvas; the sentence where failures go."""
    if request.htmx:
        return alert_fragment(request, refusal.message)
    flash.error(request, refusal.message)
    return redirect("channel_notifications", channel_id)


# The same shared count as every other change to the user's own contact methods.
limit_changes = limited(limits.CHANGES, respond=_refused)


def _memory(request: PortalRequest) -> PreferenceMemory:
    return PreferenceMemory(request.session, request.portal_user.id)


def _snapshot(request: PortalRequest) -> ChannelSnapshot:
    return ChannelSnapshot(request.session, request.portal_user.id)


def _known_channel(request: PortalRequest, channel_id: int) -> Channel | None:
    """The channel from the last list shown; Canvas is asked for the list only if there is none
    (a bookmarked panel), so an id that is not the user's never reaches a preference call."""
    snapshot = _snapshot(request)
    if snapshot.get() is None:
        snapshot.replace(services.channel_list(client=request.canvas, user_id="self"))
    return snapshot.find(channel_id)


def _default_email(request: PortalRequest) -> Channel | None:
    return presenters.default_email(_snapshot(request).get() or [])


def _panel_url(channel_id: int) -> str:
    return reverse("channel_notifications", args=[channel_id])


def _problem(
    request: PortalRequest, message: StrOrPromise, *, status: int, channel: Channel | None = None
) -> HttpResponse:
    """A refusal or failure: the alert region for htmx, else the panel's page saying it (with
    the panel as last seen, when it was seen: showing it costs no Canvas call)."""
    if request.htmx:
        return alert_fragment(request, message)
    context: dict[str, Any] = {"channel": channel, "alert_message": message, "panel": None}
    if channel is not None:
        known = _memory(request).frequencies(channel.id)
        if known is not None:
            frequencies = preferences.expand_all_never(known)
            context["panel"] = preferences.build_panel(
                channel, frequencies, default=_default_email(request)
            )
    return render(request, PANEL_PAGE, context, status=status)


def _failure(request: PortalRequest, exc: CanvasError, action: wording.Action) -> HttpResponse:
    problem = wording.failure(
        exc, action=action, changes=action != wording.Action.LOAD_NOTIFICATIONS
    )
    return _problem(request, problem.message, status=problem.status)


def _gone(request: PortalRequest) -> HttpResponse:
    return _problem(request, wording.NO_LONGER_LISTED, status=404)


def _changed(
    request: PortalRequest,
    channel: Channel,
    message: str,
    *,
    panel: preferences.NotificationPanel | None = None,
    close_panel: bool = False,
) -> HttpResponse:
    """After a change: the row's line, the message and (when it was open) the panel redrawn, for
    htmx; post/redirect/get to the panel otherwise."""
    if not request.htmx:
        flash.success(request, message)
        return redirect(_panel_url(channel.id))
    row = presenters.ChannelRow(channel, is_default=channel == _default_email(request))
    context = {
        "row": row,
        "status_message": message,
        "panel": panel,
        "close_panel": close_panel,
        "focus_line": close_panel,
    }
    return render(request, CHANGED, context)


# --- the panel ----------------------------------------------------------------------------------


def _show_panel(request: PortalRequest, channel_id: int) -> HttpResponse:
    try:
        channel = _known_channel(request, channel_id)
        if channel is None:
            return _gone(request)
        panel, rows = preferences.panel_load(
            client=request.canvas,
            user_id="self",
            channel=channel,
            default=_default_email(request),
        )
    except CanvasError as exc:
        return _failure(request, exc, wording.Action.LOAD_NOTIFICATIONS)
    _memory(request).remember(channel.id, rows)
    context = {"panel": panel, "channel": channel, "focus_panel": True}
    return render(request, PANEL if request.htmx else PANEL_PAGE, context)


def _set_category(request: PortalRequest, channel_id: int) -> HttpResponse:
    memory = _memory(request)
    try:
        channel = _known_channel(request, channel_id)
    except CanvasError as exc:
        return _failure(request, exc, wording.Action.LOAD_NOTIFICATIONS)
    if channel is None:
        return _gone(request)
    # Canvas's own list for this channel when it was seen, else the §11.2 categories.
    seen = frozenset((memory.frequencies(channel.id) or {}).keys() - {"*"})
    form = CategoryFrequencyForm(request.POST, known_categories=preferences.KNOWN_CATEGORIES | seen)
    if not form.is_valid():
        return _problem(request, form.first_error(), status=422, channel=channel)
    category, frequency = form.cleaned_data["category"], form.cleaned_data["frequency"]
    try:
        rows = preferences.preference_category_set(
            client=request.canvas, channel_id=channel.id, category=category, frequency=frequency
        )
    except CanvasError as exc:
        return _failure(request, exc, wording.Action.SAVE_NOTIFICATIONS)
    saved = preferences.by_category(rows).get(category, frequency)
    memory.remember_category(channel.id, category, saved)
    message = wording.category_saved(
        presenters.spoken_name(channel),
        str(preferences.category_label(category)),
        str(preferences.FREQUENCY_LABELS.get(saved, saved)),
    )
    return _changed(request, channel, message)


@require_http_methods(["GET", "POST"])
@canvas_login_required
@limit_changes
def channel_notifications_view(request: PortalRequest, channel_id: int) -> HttpResponse:
    if request.method == "GET":
        return _show_panel(request, channel_id)
    return _set_category(request, channel_id)


# --- all at once ----------------------------------------------------------------------------------


def _from_panel(request: PortalRequest) -> bool:
    """Whether the button pressed was in the open panel (redrawn after the change) or in the
    add's message (the panel is then closed, so nothing shows what was there before)."""
    return request.POST.get("from") == "panel"


@require_POST
@canvas_login_required
@limit_changes
def channel_notifications_copy_default_view(
    request: PortalRequest, channel_id: int
) -> HttpResponse:
    try:
        channel = _known_channel(request, channel_id)
    except CanvasError as exc:
        return _failure(request, exc, wording.Action.LOAD_NOTIFICATIONS)
    if channel is None:
        return _gone(request)
    default = _default_email(request)
    if default is None or default.id == channel.id:
        return _problem(request, wording.NO_DEFAULT_TO_COPY, status=409, channel=channel)
    try:
        rows = preferences.preferences_copy_default(
            client=request.canvas, channel_id=channel.id, default_id=default.id
        )
    except CanvasError as exc:
        # The read may have worked and the write not: the memory of this channel is unknown now.
        _memory(request).forget(channel.id)
        return _failure(request, exc, wording.Action.SAVE_NOTIFICATIONS)
    memory = _memory(request)
    memory.remember(default.id, rows)
    memory.remember(channel.id, rows)
    message = wording.copied_default(channel, default.address)
    return _after_all_at_once(request, channel, message, preferences.by_category(rows), default)


@require_POST
@canvas_login_required
@limit_changes
def channel_notifications_none_view(request: PortalRequest, channel_id: int) -> HttpResponse:
    memory = _memory(request)
    try:
        channel = _known_channel(request, channel_id)
        if channel is None:
            return _gone(request)
        rows = preferences.preferences_none(
            client=request.canvas,
            channel_id=channel.id,
            notification_names=memory.notification_names(),
        )
    except CanvasError as exc:
        memory.forget(channel_id)
        return _failure(request, exc, wording.Action.SAVE_NOTIFICATIONS)
    memory.remember(channel.id, rows)
    message = wording.set_to_nothing(channel)
    return _after_all_at_once(
        request, channel, message, preferences.by_category(rows), _default_email(request)
    )


def _after_all_at_once(
    request: PortalRequest,
    channel: Channel,
    message: str,
    frequencies: dict[str, str],
    default: Channel | None,
) -> HttpResponse:
    if _from_panel(request):
        panel = preferences.build_panel(channel, frequencies, default=default)
        return _changed(request, channel, message, panel=panel)
    return _changed(request, channel, message, close_panel=True)


def after_add(
    request: PortalRequest, channel: Channel, channels: list[Channel], message: str
) -> tuple[str, Channel | None]:
    """The add's message, told what the new address receives, and the address to offer the
    default email's notifications to (None when there is nothing true to say or offer).

    Costs no Canvas call: a new row that is not the user's first channel gets `never` for every
    notification (§6, §11.3). An address removed earlier and added back keeps its old rows, so
    it is not a new row and nothing is claimed about it."""
    if not preferences.has_preferences_to_show(channel) or not preferences.starts_with_nothing(
        channel, channels
    ):
        return message, None
    _memory(request).remember_all(channel.id, dict(preferences.ALL_NEVER))
    said = f"{message} {wording.new_address_receives_nothing(channel.address)}"
    default = presenters.default_email(channels)
    offer = channel if default is not None and default.id != channel.id else None
    return said, offer
