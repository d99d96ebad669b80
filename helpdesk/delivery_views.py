"""The delivery panel ("why does my mail not arrive?") and the changes made from it: make an
email the default, confirm an address for the user.

Behind the same checks as every help-desk page (`staff_required` first: anyone else gets the
plain 403 before Canvas is asked anything about another user). The panel is read from Canvas
only when asked for (htmx from the user page, or its own page without JavaScript), so the user
page keeps its own Canvas calls. Every change attempt is one audit row, refusals included.
"""

from django.contrib import messages as flash
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from canvas.errors import CanvasError
from channels_app import services
from channels_app.snapshot import ChannelSnapshot
from helpdesk import actions, delivery, wording
from helpdesk.audit import AuditTrail, audited
from helpdesk.forms import reason_missing
from helpdesk.staff import StaffRequest
from helpdesk.targets import Target
from helpdesk.views import (
    _could_not_load,
    limit_staff_changes,
    staff_required,
    target_scope,
    with_target,
)


def _panel(
    request: StaffRequest, target: Target, *, alert: str = "", status: int = 200
) -> HttpResponse:
    """The panel, read from Canvas now; a fragment for htmx, else its own page."""
    try:
        channels = services.channel_list(client=request.canvas, user_id=target.id)
    except CanvasError as exc:
        return _could_not_load(request, exc, action=wording.Action.LOAD)
    ChannelSnapshot(request.session, target.id).replace(channels)
    context = {
        "scope": target_scope(request, target, None),
        "delivery": delivery.diagnose(request.canvas, request.staff, target, channels),
        "alert_message": alert,
    }
    template = "helpdesk/_delivery.html" if request.htmx else "helpdesk/delivery.html"
    return render(request, template, context, status=status)


@require_GET
@staff_required
@with_target
def delivery_panel(request: StaffRequest, target: Target) -> HttpResponse:
    return _panel(request, target)


def _done(request: StaffRequest, target: Target, message: str) -> HttpResponse:
    flash.success(request, message)
    return redirect(reverse("helpdesk_delivery", args=[target.id]))


def _failed(
    request: StaffRequest,
    target: Target,
    exc: CanvasError,
    *,
    action: wording.Action,
) -> HttpResponse:
    problem = wording.failure(exc, action=action, changes=True, for_self=False)
    return _panel(request, target, alert=problem.message, status=problem.status)


@require_POST
@staff_required
@with_target
@limit_staff_changes
def make_default(request: StaffRequest, target: Target, channel_id: int) -> HttpResponse:
    if reason_missing(request.POST):
        return _panel(request, target, alert=str(wording.REASON_MISSING), status=422)
    with audited(request, target) as trail:
        return _make_default(request, target, channel_id, trail)


def _make_default(
    request: StaffRequest, target: Target, channel_id: int, trail: AuditTrail
) -> HttpResponse:
    known = ChannelSnapshot(request.session, target.id).find(channel_id)
    address = known.address if known else wording.unknown_channel(channel_id)
    kind = known.type if known else ""
    try:
        outcome = actions.make_default(request.canvas, target.id, channel_id)
    except actions.NotAllowedHere as exc:
        refused = services.ActionRecord("make-default", kind, address, "refused", None, exc.reason)
        trail.note(refused, "")
        message = wording.not_made_default(exc.channel, exc.reason)
        return _panel(request, target, alert=message, status=409)
    except CanvasError as exc:
        trail.note(services.record_of("make-default", kind, address, exc), "")
        return _failed(request, target, exc, action=wording.Action.MAKE_DEFAULT)
    except Exception as exc:
        trail.note(services.record_of("make-default", kind, address, exc), "")
        raise
    channel = outcome.channel
    trail.note(services.record_of("make-default", channel.type, channel.address), "")
    ChannelSnapshot(request.session, target.id).replace(outcome.channels)
    return _done(request, target, wording.made_default(channel))


@require_POST
@staff_required
@with_target
@limit_staff_changes
def confirm_address(request: StaffRequest, target: Target, channel_id: int) -> HttpResponse:
    if reason_missing(request.POST):
        return _panel(request, target, alert=str(wording.REASON_MISSING), status=422)
    with audited(request, target) as trail:
        return _confirm(request, target, channel_id, trail)


def _confirm(
    request: StaffRequest, target: Target, channel_id: int, trail: AuditTrail
) -> HttpResponse:
    snapshot = ChannelSnapshot(request.session, target.id)
    known = snapshot.find(channel_id)
    address = known.address if known else wording.unknown_channel(channel_id)
    kind = known.type if known else ""
    try:
        outcome = actions.confirm_for_user(request.canvas, target.id, channel_id)
    except actions.NotAllowedHere as exc:
        refused = services.ActionRecord("confirm", kind, address, "refused", None, exc.reason)
        trail.note(refused, "")
        return _panel(
            request, target, alert=wording.not_confirmed(exc.channel, exc.reason), status=409
        )
    except actions.ConfirmIncomplete as exc:
        trail.note(
            services.record_of("confirm", exc.channel.type, exc.channel.address, exc.cause),
            "removed; Canvas did not take it back",
        )
        snapshot.discard(exc.channel.id)
        message = wording.confirm_incomplete(exc.channel, target.name)
        return _panel(request, target, alert=message, status=wording.CANVAS_FAILED)
    except CanvasError as exc:
        trail.note(services.record_of("confirm", kind, address, exc), "")
        return _failed(request, target, exc, action=wording.Action.CONFIRM)
    except Exception as exc:
        trail.note(services.record_of("confirm", kind, address, exc), "")
        raise
    channel = outcome.channel
    snapshot.replace(outcome.channels)
    if not channel.is_active:
        ignored = services.ActionRecord(
            "confirm", channel.type, channel.address, "refused", 200, "skip_confirmation ignored"
        )
        # Audit details are a record, kept in English as written (helpdesk/audit.py).
        trail.note(ignored, "Canvas ignored skip confirmation; still unconfirmed")
        return _panel(request, target, alert=wording.confirm_ignored(channel), status=409)
    trail.note(
        services.record_of("confirm", channel.type, channel.address), "Canvas made it active"
    )
    return _done(request, target, wording.confirmed(channel))
