"""The channels page and its actions: add, remove, resend confirmation, unregister a device.

Each view answers a normal request with a full page (or a redirect after a post) and an htmx
request with the fragments to swap, so the page works the same without JavaScript. The views
parse the input, call a service and choose the answer; the sentences are in `wording`, the
forms in `forms`, whose page it is in `scope`. A lost Canvas sign-in is not caught here:
`NotAuthenticated` is no `CanvasError`, and `canvas_login_required` turns it into the sign-in.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages as flash
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.session import PortalRequest, canvas_login_required
from canvas.errors import CanvasError, ValidationFailed
from canvas.records import Channel
from channels_app import guidance, preference_views, presenters, services, wording
from channels_app.forms import AddChannelForm, ConfirmationCodeForm, PushTokenForm
from channels_app.scope import PAGE, Scope
from channels_app.snapshot import ChannelSnapshot
from portal import limits
from portal.limited import limited, refusal_page
from portal.views.errors import alert_fragment

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def self_scope(request: PortalRequest) -> Scope:
    user = request.portal_user
    return Scope(api_user="self", snapshot_key=user.id, owner_name=user.name)


def page_context(
    scope: Scope,
    channels: list[Channel] | None,
    *,
    form: AddChannelForm | None = None,
    push_form: PushTokenForm | None = None,
    focus_id: int | None = None,
    focus_heading: bool = False,
    alert: StrOrPromise = "",
    status: StrOrPromise = "",
    code_form: ConfirmationCodeForm | None = None,
) -> dict[str, Any]:
    known = channels or []
    return {
        "scope": scope,
        "channels_loaded": channels is not None,
        "groups": _with_code_forms(
            guidance.annotate(presenters.group_channels(known), known, for_self=scope.is_self),
            code_form,
        ),
        "banner_default": guidance.banner_default(known, for_self=scope.is_self),
        "help_panel": guidance.help_panel(known) if scope.is_self else None,
        "code_form": code_form,
        "unconfirmed": presenters.unconfirmed(known),
        "form": form
        or AddChannelForm(
            can_skip_confirmation=scope.can_skip_confirmation, offer_sms=scope.offers_sms
        ),
        "push_form": push_form or PushTokenForm(),
        "has_push": any(c.type == "push" for c in known),
        "focus_id": focus_id,
        "focus_heading": focus_heading,
        "alert_message": alert,
        "status_message": status,
        "confirmation_limit": services.CONFIRMATION_MESSAGE_LIMIT,
        "replace_form": form is not None,
    }


def _with_code_forms(
    groups: list[presenters.ChannelGroup], checked: ConfirmationCodeForm | None
) -> list[presenters.ChannelGroup]:
    """Each row offering the SMS code field gets its form: the one just checked (with what was
    typed and the sentence saying what is wrong) for its row, a blank one elsewhere."""

    def form_for(row: presenters.ChannelRow) -> ConfirmationCodeForm:
        if checked is not None and checked.channel_id == row.id:
            return checked
        return ConfirmationCodeForm(prefix=code_prefix(row.id))

    return [
        replace(
            group,
            rows=[replace(r, code_form=form_for(r)) if r.offers_code else r for r in group.rows],
        )
        for group in groups
    ]


def _known_channels(request: PortalRequest, scope: Scope) -> list[Channel] | None:
    return ChannelSnapshot(request.session, scope.snapshot_key).get()


def _full_page(
    request: PortalRequest,
    scope: Scope,
    channels: list[Channel] | None,
    *,
    status: int = 200,
    **kw: Any,
) -> HttpResponse:
    return render(request, scope.template, page_context(scope, channels, **kw), status=status)


def failure_response(
    request: PortalRequest,
    scope: Scope,
    exc: CanvasError,
    *,
    action: wording.Action,
    changes: bool,
    list_shown: bool = True,
    **kw: Any,
) -> HttpResponse:
    """A Canvas failure: into the alert region for htmx, on the page otherwise."""
    problem = wording.failure(exc, action=action, changes=changes, for_self=scope.is_self)
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
    request: PortalRequest,
    scope: Scope,
    channels: list[Channel],
    *,
    message: StrOrPromise,
    focus_id: int | None = None,
    focus_heading: bool = False,
    form: AddChannelForm | None = None,
    notifications_offer: Channel | None = None,
) -> HttpResponse:
    """After a successful change: fragments for htmx, post/redirect/get otherwise.
    `notifications_offer`: a new address offered the default email's notifications."""
    if request.htmx:
        context = page_context(
            scope,
            channels,
            form=form,
            focus_id=focus_id,
            focus_heading=focus_heading,
            status=message,
        )
        context["notifications_offer"] = notifications_offer
        return render(request, "channels/_changed.html", context)
    flash.success(request, message)
    return redirect(scope.page_url)


def refused_on_page(request: PortalRequest, scope: Scope, refusal: limits.Refusal) -> HttpResponse:
    """A change the abuse limit refused before Canvas was asked: the sentence where failures go,
    and the forms as the user filled them."""
    if request.htmx:
        return refusal_page(request, refusal)  # the typed value is still in the page's form
    add_form = AddChannelForm(
        request.POST, can_skip_confirmation=scope.can_skip_confirmation, offer_sms=scope.offers_sms
    )
    return _full_page(
        request,
        scope,
        _known_channels(request, scope),
        form=add_form if "address" in request.POST else None,
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
        channels = services.channel_list(client=request.canvas, user_id=scope.api_user)
    except CanvasError as exc:
        # No stale list under "could not load": the page says plainly that it has none.
        return failure_response(
            request, scope, exc, action=wording.Action.LOAD, changes=False, list_shown=False
        )
    snapshot.replace(channels)
    return _full_page(request, scope, channels)


@require_http_methods(["GET"])
@canvas_login_required
def channels_page(request: PortalRequest) -> HttpResponse:
    return show_channels(request, self_scope(request))


# --- add ----------------------------------------------------------------------------------------


def add_channel(request: PortalRequest, scope: Scope) -> HttpResponse:
    form = AddChannelForm(
        request.POST, can_skip_confirmation=scope.can_skip_confirmation, offer_sms=scope.offers_sms
    )
    snapshot = ChannelSnapshot(request.session, scope.snapshot_key)
    if form.is_valid():
        channel_type, address = form.cleaned_data["channel_type"], form.cleaned_data["address"]
        skip = form.cleaned_data.get("skip_confirmation", False)
        try:
            with scope.failure_noted("add", channel_type, address):
                channel = services.channel_add(
                    client=request.canvas,
                    user_id=scope.api_user,
                    channel_type=channel_type,
                    address=address,
                    known_channels=snapshot.get(),
                    skip_confirmation=skip,
                )
        except services.DuplicateAddress:
            form.add_error("address", wording.already_listed(for_self=scope.is_self))
        except ValidationFailed as exc:
            form.add_error(
                "address", wording.add_refusal(exc, address=address, for_self=scope.is_self)
            )
        except CanvasError as exc:
            return failure_response(
                request, scope, exc, action=wording.Action.ADD, changes=True, form=form
            )
        else:
            scope.note("add", channel_type, address)
            channels = snapshot.upsert(channel)
            message, offer = wording.added(channel, skip_requested=skip), None
            if scope.is_self:
                message, offer = preference_views.after_add(request, channel, channels, message)
            return _changed(
                request,
                scope,
                channels,
                message=message,
                focus_id=channel.id,
                form=AddChannelForm(
                    can_skip_confirmation=scope.can_skip_confirmation, offer_sms=scope.offers_sms
                ),
                notifications_offer=offer,
            )
    if request.htmx:
        return render(request, f"{PAGE}#add-form", page_context(scope, snapshot.get(), form=form))
    return _full_page(request, scope, snapshot.get(), form=form, status=422)


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
        snapshot.replace(services.channel_list(client=request.canvas, user_id=scope.api_user))
    return snapshot.find(channel_id)


def _already_gone(request: PortalRequest, scope: Scope) -> HttpResponse:
    channels = _known_channels(request, scope) or []
    return _changed(request, scope, channels, message=wording.NO_LONGER_LISTED, focus_heading=True)


def _channel_or_answer(
    request: PortalRequest, scope: Scope, channel_id: int
) -> Channel | HttpResponse:
    """The channel to act on, or the answer to give when it cannot be had."""
    try:
        channel = _channel_or_gone(request, scope, channel_id)
    except CanvasError as exc:
        return failure_response(request, scope, exc, action=wording.Action.LOAD, changes=False)
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
        "warning": guidance.removal_warning(channel, channels, for_self=scope.is_self),
    }
    if request.htmx:
        return render(request, "channels/_remove_confirm.html", context)
    return render(request, "channels/remove.html", context)


def remove_channel(request: PortalRequest, scope: Scope, channel_id: int) -> HttpResponse:
    snapshot = ChannelSnapshot(request.session, scope.snapshot_key)
    before = snapshot.get() or []
    known = snapshot.find(channel_id)
    # The audit row names the channel even when the last list did not show it.
    kind, address = (
        (known.type, known.address) if known else ("", wording.unknown_channel(channel_id))
    )
    try:
        with scope.failure_noted("remove", kind, address):
            removed = services.channel_remove(
                client=request.canvas, user_id=scope.api_user, channel_id=channel_id
            )
    except CanvasError as exc:
        return failure_response(request, scope, exc, action=wording.Action.REMOVE, changes=True)
    if removed is not None:
        kind, address = removed.type, removed.address
        message = wording.removed(removed)
    elif known is not None:
        message = wording.already_removed(known.address)
    else:
        message = wording.unknown_already_removed(channel_id)
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
        snapshot.replace(services.channel_list(client=request.canvas, user_id=scope.api_user))
    except CanvasError as exc:
        # Nothing was changed yet: the sentence names what the user asked for.
        return failure_response(request, scope, exc, action=wording.Action.RESEND, changes=False)
    channel = snapshot.find(channel_id)
    if channel is None:
        return _already_gone(request, scope)
    if not services.can_resend(channel):
        return _resend_refused(request, scope, channel)
    try:
        with scope.failure_noted("resend", channel.type, channel.address):
            result = services.channel_resend_confirmation(
                client=request.canvas, user_id=scope.api_user, channel=channel
            )
    except services.ResendIncomplete:
        snapshot.discard(channel.id)
        kept = AddChannelForm(
            initial={"channel_type": channel.type, "address": channel.address},
            can_skip_confirmation=scope.can_skip_confirmation,
            offer_sms=scope.offers_sms,
        )
        message = wording.resend_incomplete(channel, for_self=scope.is_self)
        return _resend_answer(request, scope, message, form=kept, status=wording.CANVAS_FAILED)
    except CanvasError as exc:
        return failure_response(request, scope, exc, action=wording.Action.RESEND, changes=True)
    scope.note("resend", channel.type, channel.address)
    channels = snapshot.upsert(result.channel)
    message = wording.confirmation_sent(channel, for_self=scope.is_self)
    return _changed(request, scope, channels, message=message, focus_id=result.channel.id)


def _resend_refused(request: PortalRequest, scope: Scope, channel: Channel) -> HttpResponse:
    scope.note("resend", channel.type, channel.address, services.NotResendable(channel))
    return _resend_answer(request, scope, wording.not_resendable(channel), status=409)


def _resend_answer(
    request: PortalRequest,
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
                client=request.canvas, push_token=form.cleaned_data["push_token"]
            )
        except CanvasError as exc:
            return failure_response(
                request, scope, exc, action=wording.Action.UNREGISTER_DEVICE, changes=True
            )
        if found:
            if request.htmx:
                context = page_context(
                    scope, _known_channels(request, scope), status=wording.PUSH_UNREGISTERED
                )
                return render(request, "channels/_push_done.html", context)
            flash.success(request, wording.PUSH_UNREGISTERED)
            return redirect(scope.page_url)
        form.add_error("push_token", wording.NO_PUSH_CHANNEL)
    if request.htmx:
        return render(
            request,
            f"{PAGE}#push-form",
            page_context(scope, _known_channels(request, scope), push_form=form),
        )
    return _full_page(request, scope, _known_channels(request, scope), push_form=form, status=422)


# --- SMS confirmation code ----------------------------------------------------------------------


def code_prefix(channel_id: int) -> str:
    """One code field per unconfirmed number: the prefix keeps their ids apart on the page."""
    return f"sms{channel_id}"


@require_http_methods(["GET"])
@canvas_login_required
def channel_code_view(request: PortalRequest, channel_id: int) -> HttpResponse:
    """Send the browser to Canvas's own /register/<code> page, where the student's Canvas
    session confirms the number (docs/canvas-behaviour.md §7, §12.2: the API cannot, a bearer
    token is ignored there). Only a well-formed code is put in that address; a wrong one comes
    back to the page with a sentence next to the field. Nothing changes here: Canvas does it."""
    if not settings.SMS_ENABLED:
        raise Http404
    scope = self_scope(request)
    form = ConfirmationCodeForm(request.GET, prefix=code_prefix(channel_id))
    if form.is_valid():
        return redirect(f"{settings.CANVAS_BASE_URL}/register/{form.cleaned_data['code']}")
    form.channel_id = channel_id
    return _full_page(request, scope, _known_channels(request, scope), code_form=form)
