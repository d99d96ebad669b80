"""The channels page and its actions: add, remove, resend confirmation, unregister a device.

Each view answers a normal request with a full page (or a redirect after a post) and an htmx
request with the fragments to swap, so the page works the same without JavaScript.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.session import HtmxRequest, PortalRequest, canvas_login_required
from canvas.client import CanvasClient
from canvas.errors import CanvasError, NotAuthenticated, ValidationFailed
from canvas.records import Channel
from channels_app import presenters, services
from channels_app import wording as messages
from channels_app.forms import AddChannelForm, PushTokenForm
from channels_app.snapshot import ChannelSnapshot
from portal import limits
from portal.limited import limited, refusal_page

PAGE = "channels/page.html"


@dataclass(frozen=True)
class Scope:
    """Whose channels a request acts on, and where that page lives.

    A student always acts on `self`; the help desk reuses these views with another user's id.
    """

    api_user: int | str
    snapshot_key: int
    base_path: str
    page_url: str
    owner_name: str
    is_self: bool = True
    can_skip_confirmation: bool = False
    # Called with the outcome of every change attempt (the help desk audits them).
    record: Callable[[services.ActionRecord], None] | None = None
    # The full-page template; the help desk extends the page with its own tools.
    template: str = PAGE

    def note(
        self, action: str, channel_type: str, address: str, exc: Exception | None = None
    ) -> None:
        if self.record is not None:
            self.record(services.record_of(action, channel_type, address, exc))


def self_scope(request: PortalRequest) -> Scope:
    user = request.portal_user
    return Scope(
        api_user="self",
        snapshot_key=user.id,
        base_path=reverse("channels"),
        page_url=reverse("channels"),
        owner_name=user.name,
    )


def client_of(request: PortalRequest) -> CanvasClient:
    return request.canvas


def page_context(
    scope: Scope,
    channels: list[Channel] | None,
    *,
    form: AddChannelForm | None = None,
    push_form: PushTokenForm | None = None,
    focus_id: int | None = None,
    focus_heading: bool = False,
    alert: str = "",
    status: str = "",
) -> dict[str, Any]:
    known = channels or []
    return {
        "scope": scope,
        "channels_loaded": channels is not None,
        "groups": presenters.group_channels(known),
        "unconfirmed": presenters.unconfirmed(known),
        "form": form or AddChannelForm(),
        "push_form": push_form or PushTokenForm(),
        "has_push": any(c.type == "push" for c in known),
        "focus_id": focus_id,
        "focus_heading": focus_heading,
        "alert_message": alert,
        "status_message": status,
        "confirmation_limit": services.CONFIRMATION_MESSAGE_LIMIT,
        "replace_form": form is not None,
    }


def _known_channels(request: HttpRequest, scope: Scope) -> list[Channel] | None:
    return ChannelSnapshot(request.session, scope.snapshot_key).get()


def _full_page(
    request: HttpRequest,
    scope: Scope,
    channels: list[Channel] | None,
    *,
    status: int = 200,
    **kw: Any,
) -> HttpResponse:
    return render(request, scope.template, page_context(scope, channels, **kw), status=status)


def alert_fragment(request: HttpRequest, message: str) -> HttpResponse:
    """An htmx answer that puts `message` in the page's alert region.

    It is a 200: the fragment is the deliberate answer, htmx only swaps 2xx by default, and
    browsers log every 4xx/5xx XHR as a console error. Full-page answers keep the real status.
    """
    response = render(request, "channels/_alert.html", {"alert_message": message})
    response["HX-Retarget"] = "#alert-region"
    response["HX-Reswap"] = "innerHTML"
    return response


def failure_response(
    request: HtmxRequest,
    scope: Scope,
    exc: CanvasError,
    *,
    action: str,
    changes: bool,
    list_shown: bool = True,
    **kw: Any,
) -> HttpResponse:
    """A Canvas failure: into the alert region for htmx, on the page otherwise."""
    if isinstance(exc, NotAuthenticated):
        raise exc
    problem = messages.failure(exc, action=action, changes=changes, for_self=scope.is_self)
    if request.htmx:
        return alert_fragment(request, problem.message)
    return _full_page(
        request,
        scope,
        _known_channels(request, scope) if list_shown else None,
        status=problem.status,
        alert=problem.message,
        **kw,
    )


def _changed(
    request: HtmxRequest,
    scope: Scope,
    channels: list[Channel],
    *,
    message: str,
    focus_id: int | None = None,
    focus_heading: bool = False,
    form: AddChannelForm | None = None,
) -> HttpResponse:
    """After a successful change: fragments for htmx, post/redirect/get otherwise."""
    if request.htmx:
        context = page_context(
            scope,
            channels,
            form=form,
            focus_id=focus_id,
            focus_heading=focus_heading,
            status=message,
        )
        return render(request, "channels/_changed.html", context)
    flash.success(request, message)
    return redirect(scope.page_url)


def refused_on_page(request: HtmxRequest, scope: Scope, refusal: limits.Refusal) -> HttpResponse:
    """A change the abuse limit refused before Canvas was asked: the sentence where failures go,
    and the forms as the user filled them."""
    if request.htmx:
        return refusal_page(request, refusal)  # the typed value is still in the page's form
    return _full_page(
        request,
        scope,
        _known_channels(request, scope),
        form=AddChannelForm(request.POST) if "address" in request.POST else None,
        push_form=PushTokenForm(request.POST) if "push_token" in request.POST else None,
        alert=refusal.message,
        status=429,
    )


def _refused(
    request: PortalRequest, refusal: limits.Refusal, *args: Any, **kw: Any
) -> HttpResponse:
    return refused_on_page(request, self_scope(request), refusal)


# On every view that changes the signed-in user's own settings in Canvas (below the login check).
limit_changes = limited(limits.CHANGES, respond=_refused)


# --- page ---------------------------------------------------------------------------------------


def show_channels(request: PortalRequest, scope: Scope) -> HttpResponse:
    snapshot = ChannelSnapshot(request.session, scope.snapshot_key)
    try:
        channels = services.channel_list(client=client_of(request), user_id=scope.api_user)
    except CanvasError as exc:
        # No stale list under "could not load": the page says plainly that it has none.
        return failure_response(
            request, scope, exc, action="load the contact methods", changes=False, list_shown=False
        )
    snapshot.replace(channels)
    if request.htmx and request.htmx.target == "channel-list":
        return render(request, f"{PAGE}#channel-list", page_context(scope, channels))
    return _full_page(request, scope, channels)


@require_http_methods(["GET"])
@canvas_login_required
def channels_page(request: PortalRequest) -> HttpResponse:
    return show_channels(request, self_scope(request))


# --- add ----------------------------------------------------------------------------------------


def add_channel(request: PortalRequest, scope: Scope) -> HttpResponse:
    form = AddChannelForm(request.POST)
    snapshot = ChannelSnapshot(request.session, scope.snapshot_key)
    if form.is_valid():
        channel_type, address = form.cleaned_data["channel_type"], form.cleaned_data["address"]
        skip = scope.can_skip_confirmation and request.POST.get("skip_confirmation") == "on"
        try:
            channel = services.channel_add(
                client=client_of(request),
                user_id=scope.api_user,
                channel_type=channel_type,
                address=address,
                known_channels=snapshot.get(),
                skip_confirmation=skip,
            )
        except services.DuplicateAddress as exc:
            scope.note("add", channel_type, address, exc)
            form.add_error("address", messages.already_listed(for_self=scope.is_self))
        except ValidationFailed as exc:
            scope.note("add", channel_type, address, exc)
            form.add_error(
                "address", messages.add_refusal(exc, address=address, for_self=scope.is_self)
            )
        except CanvasError as exc:
            scope.note("add", channel_type, address, exc)
            return failure_response(
                request, scope, exc, action="add the address", changes=True, form=form
            )
        else:
            scope.note("add", channel_type, address)
            channels = snapshot.upsert(channel)
            return _changed(
                request,
                scope,
                channels,
                message=added_message(channel, skip_requested=skip),
                focus_id=channel.id,
                form=AddChannelForm(),
            )
    if request.htmx:
        return render(request, f"{PAGE}#add-form", page_context(scope, snapshot.get(), form=form))
    return _full_page(request, scope, snapshot.get(), form=form, status=422)


def added_message(channel: Channel, *, skip_requested: bool = False) -> str:
    if channel.is_active:
        return f"Added {channel.address}. It is active: Canvas can send notifications there now."
    where = "a text message" if channel.type == "sms" else "an email"
    message = (
        f"Added {channel.address}. Canvas sent {where} with a confirmation link to it; "
        "it gets no notifications until that link is used."
    )
    if skip_requested:
        message += (
            " Canvas ignored “skip confirmation”, because your Canvas account does not have "
            "the permission for it."
        )
    return message


@require_POST
@canvas_login_required
@limit_changes
def channel_add_view(request: PortalRequest) -> HttpResponse:
    return add_channel(request, self_scope(request))


# --- remove -------------------------------------------------------------------------------------


def _channel_or_gone(request: PortalRequest, scope: Scope, channel_id: int) -> Channel | None:
    """The channel from the last list shown, asking Canvas only if that list is missing."""
    snapshot = ChannelSnapshot(request.session, scope.snapshot_key)
    if snapshot.get() is None:
        snapshot.replace(services.channel_list(client=client_of(request), user_id=scope.api_user))
    return snapshot.find(channel_id)


def _already_gone(request: HtmxRequest, scope: Scope) -> HttpResponse:
    channels = _known_channels(request, scope) or []
    return _changed(
        request,
        scope,
        channels,
        message="That contact method is no longer on the list.",
        focus_heading=True,
    )


def _channel_or_answer(
    request: PortalRequest, scope: Scope, channel_id: int
) -> Channel | HttpResponse:
    """The channel to act on, or the answer to give when it cannot be had."""
    try:
        channel = _channel_or_gone(request, scope, channel_id)
    except CanvasError as exc:
        return failure_response(
            request, scope, exc, action="load the contact methods", changes=False
        )
    return _already_gone(request, scope) if channel is None else channel


def confirm_remove(request: PortalRequest, scope: Scope, channel_id: int) -> HttpResponse:
    channel = _channel_or_answer(request, scope, channel_id)
    if isinstance(channel, HttpResponse):
        return channel
    channels = _known_channels(request, scope) or []
    context = {
        **page_context(scope, channels),
        "channel": channel,
        "row": presenters.ChannelRow(
            channel, is_default=channel == presenters.default_email(channels)
        ),
        "warning": presenters.removal_warning(channel, channels, for_self=scope.is_self),
    }
    if request.htmx:
        return render(request, "channels/_remove_confirm.html", context)
    return render(request, "channels/remove.html", context)


def remove_channel(request: PortalRequest, scope: Scope, channel_id: int) -> HttpResponse:
    snapshot = ChannelSnapshot(request.session, scope.snapshot_key)
    before = snapshot.get() or []
    known = snapshot.find(channel_id)
    kind = known.type if known else ""
    address = known.address if known else f"contact method {channel_id}"
    try:
        removed = services.channel_remove(
            client=client_of(request), user_id=scope.api_user, channel_id=channel_id
        )
    except CanvasError as exc:
        scope.note("remove", kind, address, exc)
        return failure_response(request, scope, exc, action="remove the address", changes=True)
    if removed is not None:
        kind, address = removed.type, removed.address
        message = f"Removed {presenters.spoken_name(removed)}."
    else:
        message = f"{address} had already been removed."
    scope.note("remove", kind, address)
    focus_id = presenters.neighbour_after_removal(channel_id, before)
    channels = snapshot.discard(channel_id)
    return _changed(
        request, scope, channels, message=message, focus_id=focus_id, focus_heading=focus_id is None
    )


@require_http_methods(["GET", "POST"])
@canvas_login_required
@limit_changes
def channel_remove_view(request: PortalRequest, channel_id: int) -> HttpResponse:
    scope = self_scope(request)
    if request.method == "GET":
        return confirm_remove(request, scope, channel_id)
    return remove_channel(request, scope, channel_id)


# --- resend confirmation ------------------------------------------------------------------------


def resend_confirmation(request: PortalRequest, scope: Scope, channel_id: int) -> HttpResponse:
    """Remove and re-add an unconfirmed email or SMS address so Canvas sends a new link.

    Checked twice on the server, never trusting that the page showed the button: against the
    last list Canvas gave (a refusal then costs no Canvas call), and against the list read
    afresh just before the removal, because the address may have been confirmed since the page
    was shown and re-adding it would make it unconfirmed again.
    """
    snapshot = ChannelSnapshot(request.session, scope.snapshot_key)
    last_seen = snapshot.find(channel_id)
    if last_seen is not None and not services.can_resend(last_seen):
        return _resend_refused(request, scope, last_seen)
    try:
        snapshot.replace(services.channel_list(client=client_of(request), user_id=scope.api_user))
    except CanvasError as exc:
        # Nothing was changed yet: the sentence names what the user asked for.
        return failure_response(
            request, scope, exc, action="send a new confirmation", changes=False
        )
    channel = snapshot.find(channel_id)
    if channel is None:
        return _already_gone(request, scope)
    if not services.can_resend(channel):
        return _resend_refused(request, scope, channel)
    try:
        result = services.channel_resend_confirmation(
            client=client_of(request), user_id=scope.api_user, channel=channel
        )
    except services.ResendIncomplete as exc:
        scope.note("resend", channel.type, channel.address, exc.cause)
        snapshot.discard(channel.id)
        kept = AddChannelForm(initial={"channel_type": channel.type, "address": channel.address})
        whose = "your" if scope.is_self else "the user's"
        message = (
            f"{channel.address} was removed so Canvas would send a new confirmation, but Canvas "
            f"would not add it back. {channel.address} is not on {whose} list now: add it again "
            "with the form below (we have filled it in)."
        )
        return _resend_answer(request, scope, message, form=kept, status=503)
    except CanvasError as exc:
        scope.note("resend", channel.type, channel.address, exc)
        return failure_response(request, scope, exc, action="send a new confirmation", changes=True)
    scope.note("resend", channel.type, channel.address)
    channels = snapshot.upsert(result.channel)
    what = "text message" if channel.type == "sms" else "email"
    message = (
        f"Canvas was asked to send a new confirmation {what} to {channel.address}. "
        f"Canvas sends at most {services.CONFIRMATION_MESSAGE_LIMIT} confirmation messages per "
        "address: if none arrives, use a link you already have or your Canvas profile page."
    )
    return _changed(request, scope, channels, message=message, focus_id=result.channel.id)


def not_resendable_message(channel: Channel) -> str:
    if channel.type == "push":
        return (
            "Push notifications need no confirmation, so nothing was sent and nothing was changed."
        )
    if channel.is_active:
        return (
            f"{channel.address} is already confirmed and gets notifications, so no new "
            "confirmation was sent and nothing was changed."
        )
    return f"Canvas cannot send a confirmation to {channel.address}, so nothing was changed."


def _resend_refused(request: HtmxRequest, scope: Scope, channel: Channel) -> HttpResponse:
    scope.note("resend", channel.type, channel.address, services.NotResendable(channel))
    return _resend_answer(request, scope, not_resendable_message(channel), status=409)


def _resend_answer(
    request: HtmxRequest,
    scope: Scope,
    message: str,
    *,
    status: int,
    form: AddChannelForm | None = None,
) -> HttpResponse:
    """An alert with the list as Canvas last gave it (it may have just been read afresh)."""
    channels = _known_channels(request, scope) or []
    if request.htmx:
        context = page_context(scope, channels, form=form, alert=message, focus_heading=True)
        return render(request, "channels/_changed.html", context)
    return _full_page(request, scope, channels, form=form, alert=message, status=status)


@require_POST
@canvas_login_required
@limit_changes
def channel_resend_view(request: PortalRequest, channel_id: int) -> HttpResponse:
    return resend_confirmation(request, self_scope(request), channel_id)


# --- push device --------------------------------------------------------------------------------


@require_POST
@canvas_login_required
@limit_changes
def push_unregister_view(request: PortalRequest) -> HttpResponse:
    scope = self_scope(request)
    form = PushTokenForm(request.POST)
    if form.is_valid():
        try:
            found = services.push_token_unregister(
                client=client_of(request), push_token=form.cleaned_data["push_token"]
            )
        except CanvasError as exc:
            return failure_response(
                request, scope, exc, action="unregister the device", changes=True
            )
        if found:
            message = "Done: that device will no longer get push notifications from Canvas."
            if request.htmx:
                context = page_context(scope, _known_channels(request, scope), status=message)
                return render(request, "channels/_push_done.html", context)
            flash.success(request, message)
            return redirect(scope.page_url)
        form.add_error("push_token", "Canvas has no push notifications set up for your account.")
    if request.htmx:
        return render(
            request,
            f"{PAGE}#push-form",
            page_context(scope, _known_channels(request, scope), push_form=form),
        )
    return _full_page(request, scope, _known_channels(request, scope), push_form=form, status=422)
