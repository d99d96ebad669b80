"""Help-desk pages: find a user, fix that user's contact methods, read the audit log.

Every view first checks on the server that the signed-in user is help-desk staff
(helpdesk/staff.py). Anyone else gets the site's one plain 403 page before Canvas is asked
anything about another user. The channel pages reuse the student views with a scope acting on
the chosen user's id and the help desk's own routes; every change attempt, successful or not,
becomes an audit row (helpdesk/audit.py). The sentences are in `helpdesk.wording`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.session import HtmxRequest, canvas_login_required
from accounts.tokens import StoredToken
from canvas.errors import CanvasError, NotFound, ValidationFailed
from canvas.records import Channel
from channels_app import services
from channels_app import views as channels
from channels_app.forms import AddChannelForm
from channels_app.scope import ChannelRoutes, Scope
from channels_app.snapshot import ChannelSnapshot
from helpdesk import audit, wording
from helpdesk import staff as helpdesk
from helpdesk.audit import AuditTrail, audited
from helpdesk.forms import ReplaceEmailForm, SearchForm, reason_missing, reason_policy
from helpdesk.models import AuditEntry
from helpdesk.staff import StaffRequest, StaffStatus
from helpdesk.targets import Target, load_target
from portal import limits
from portal.limited import limited
from portal.views.errors import alert_fragment, page_for, permission_denied, problem_page

AUDIT_PER_PAGE = 50


# --- who may use these pages --------------------------------------------------------------------


def staff_required[**P, T: HttpResponseBase](
    view: Callable[Concatenate[StaffRequest, P], T],
) -> Callable[Concatenate[HtmxRequest, P], T | HttpResponse]:
    """Signed in and help-desk staff; everyone else gets the one plain 403 page."""

    @wraps(view)
    def check(request: StaffRequest, *args: P.args, **kwargs: P.kwargs) -> T | HttpResponse:
        user = request.portal_user
        # Every Canvas call of a help-desk request goes through this client, so a 401/403
        # drops the stored staff answer (the admin role may just have been taken away).
        request.canvas = helpdesk.StaffClient(StoredToken(user.id), request.session)
        try:
            status = helpdesk.staff_status(request.session, request.canvas, user.id)
        except CanvasError:
            return page_for(request, wording.STAFF_CHECK_FAILED, status=wording.CANVAS_FAILED)
        if not status.is_staff:
            return permission_denied(request)
        request.staff = status
        return view(request, *args, **kwargs)

    return canvas_login_required(check)


def _could_not_load(
    request: StaffRequest, exc: CanvasError, *, action: wording.Action
) -> HttpResponse:
    problem = wording.failure(exc, action=action, changes=False, for_self=False)
    return problem_page(
        request, title=wording.COULD_NOT_LOAD_TITLE, message=problem.message, status=problem.status
    )


# --- the user being helped ----------------------------------------------------------------------


@dataclass(frozen=True)
class HelpdeskScope(Scope):
    target: Target | None = None
    staff: StaffStatus | None = None
    reason_required: bool = False


def with_target[**P, T: HttpResponseBase](
    view: Callable[Concatenate[StaffRequest, Target, P], T],
) -> Callable[Concatenate[StaffRequest, int, P], T | HttpResponse]:
    """Give the view the user being helped: from Canvas on a page view, else from the session."""

    @wraps(view)
    def wrapper(
        request: StaffRequest, user_id: int, *args: P.args, **kwargs: P.kwargs
    ) -> T | HttpResponse:
        fresh = request.method == "GET" and not request.htmx
        try:
            target = load_target(request, request.canvas, user_id, fresh=fresh)
        except NotFound:
            return problem_page(
                request,
                title=wording.USER_NOT_FOUND_TITLE,
                message=wording.user_not_found(user_id),
                status=404,
            )
        except CanvasError as exc:
            return _could_not_load(request, exc, action=wording.Action.LOOK_UP_USER)
        return view(request, target, *args, **kwargs)

    return wrapper


def target_scope(request: StaffRequest, target: Target, trail: AuditTrail | None) -> HelpdeskScope:
    return HelpdeskScope(
        api_user=target.id,
        snapshot_key=target.id,
        owner_name=target.name,
        routes=ChannelRoutes(
            page="helpdesk_user",
            add="helpdesk_add",
            remove="helpdesk_remove",
            resend="helpdesk_resend",
            args=(target.id,),
        ),
        is_self=False,
        # Offered to all staff: Canvas alone knows whether it honours it (Site Admin rights
        # count too), so the add reads back the state and says when it was ignored.
        can_skip_confirmation=True,
        record=trail,
        template="helpdesk/user.html",
        change_fields="" if reason_policy() == "off" else REASON_FIELD_TEMPLATE,
        target=target,
        staff=request.staff,
        reason_required=reason_policy() == "required",
    )


REASON_FIELD_TEMPLATE = "helpdesk/_reason_field.html"


def reason_refused(request: StaffRequest, scope: HelpdeskScope) -> HttpResponse:
    """A change posted without the reason HELPDESK_AUDIT_REASON requires: the sentence where
    failures go, the forms as filled in, and nothing sent to Canvas."""
    if request.htmx:
        # The typed values are still in the page's forms.
        return alert_fragment(request, wording.REASON_MISSING, status=422)
    known = ChannelSnapshot(request.session, scope.snapshot_key).get()
    add_form = AddChannelForm(request.POST, can_skip_confirmation=scope.can_skip_confirmation)
    context = channels.page_context(
        scope,
        known,
        form=add_form if "address" in request.POST else None,
        alert=str(wording.REASON_MISSING),
    )
    return render(request, scope.template, context, status=422)


def _refused(
    request: StaffRequest, refusal: limits.Refusal, target: Target, *args: Any, **kw: Any
) -> HttpResponse:
    return channels.refused_on_page(request, target_scope(request, target, None), refusal)


# Staff have their own, higher limit, counted per staff member whoever they help. Below
# with_target, which gives the refusal page its user (from the session on a post).
limit_staff_changes = limited(limits.HELPDESK_CHANGES, respond=_refused)


# --- finding a user -----------------------------------------------------------------------------


@require_GET
@staff_required
def search(request: StaffRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:255]
    result, alert = None, ""
    if query.strip():
        try:
            result = helpdesk.find_users(request.canvas, query)
        except CanvasError as exc:
            alert = wording.failure(
                exc, action=wording.Action.SEARCH_USERS, changes=False, for_self=False
            ).message
    context = {
        "form": SearchForm(initial={"q": query}, min_length=helpdesk.MIN_SEARCH_LENGTH),
        "query": query,
        "result": result,
        "alert_message": alert,
    }
    return render(request, "helpdesk/search.html", context)


# --- one user's contact methods (the student views, acting on that user) -----------------------


@require_GET
@staff_required
@with_target
def user_page(request: StaffRequest, target: Target) -> HttpResponse:
    return channels.show_channels(request, target_scope(request, target, None))


@require_POST
@staff_required
@with_target
@limit_staff_changes
def user_add(request: StaffRequest, target: Target) -> HttpResponse:
    if reason_missing(request.POST):
        return reason_refused(request, target_scope(request, target, None))
    with audited(request, target) as trail:
        return channels.add_channel(request, target_scope(request, target, trail))


@require_http_methods(["GET", "POST"])
@staff_required
@with_target
@limit_staff_changes
def user_remove(request: StaffRequest, target: Target, channel_id: int) -> HttpResponse:
    if request.method == "GET":
        return channels.confirm_remove(request, target_scope(request, target, None), channel_id)
    if reason_missing(request.POST):
        return reason_refused(request, target_scope(request, target, None))
    with audited(request, target) as trail:
        return channels.remove_channel(request, target_scope(request, target, trail), channel_id)


@require_POST
@staff_required
@with_target
@limit_staff_changes
def user_resend(request: StaffRequest, target: Target, channel_id: int) -> HttpResponse:
    if reason_missing(request.POST):
        return reason_refused(request, target_scope(request, target, None))
    with audited(request, target) as trail:
        return channels.resend_confirmation(
            request, target_scope(request, target, trail), channel_id
        )


# --- replace an email in one step ---------------------------------------------------------------


def _replace_form(request: StaffRequest, emails: list[Channel], *, bound: bool) -> ReplaceEmailForm:
    return ReplaceEmailForm(
        request.POST if bound else None,
        emails=emails,
        staff_can_skip=request.staff.can_skip_confirmation,
    )


def _replace_page(
    request: StaffRequest,
    scope: HelpdeskScope,
    form: ReplaceEmailForm,
    *,
    status: int = 200,
    alert: str = "",
) -> HttpResponse:
    default = services.default_email_of(list(form.emails.values()))
    context = {
        "scope": scope,
        "form": form,
        "emails": list(form.emails.values()),
        "default_note": wording.replace_default_note(default) if default else "",
        "alert_message": alert,
    }
    return render(request, "helpdesk/replace.html", context, status=status)


def _replace_refused(
    request: StaffRequest, refusal: limits.Refusal, target: Target
) -> HttpResponse:
    """The replace form again, as typed, with the refusal (nothing was sent to Canvas)."""
    known = ChannelSnapshot(request.session, target.id).get() or []
    form = _replace_form(request, [c for c in known if c.type == "email"], bound=True)
    scope = target_scope(request, target, None)
    return _replace_page(request, scope, form, alert=refusal.message)


@require_http_methods(["GET", "POST"])
@staff_required
@with_target
@limited(limits.HELPDESK_CHANGES, respond=_replace_refused)
def replace_email(request: StaffRequest, target: Target) -> HttpResponse:
    scope = target_scope(request, target, None)
    snapshot = ChannelSnapshot(request.session, target.id)
    if request.method == "GET" or snapshot.get() is None:
        try:
            snapshot.replace(services.channel_list(client=request.canvas, user_id=target.id))
        except CanvasError as exc:
            return _could_not_load(request, exc, action=wording.Action.LOAD)
    emails = [c for c in snapshot.get() or [] if c.type == "email"]
    form = _replace_form(request, emails, bound=request.method == "POST")
    if request.method == "GET":
        return _replace_page(request, scope, form)
    if not form.is_valid():
        return _replace_page(request, scope, form, status=422)
    with audited(request, target) as trail:
        return _replace(request, scope, form, trail)


def _replace(
    request: StaffRequest, scope: HelpdeskScope, form: ReplaceEmailForm, trail: AuditTrail
) -> HttpResponse:
    old: Channel = form.cleaned_data["old"]
    new: str = form.cleaned_data["new_address"]
    skip = form.cleaned_data["skip_confirmation"]
    snapshot = ChannelSnapshot(request.session, scope.snapshot_key)
    try:
        result = services.channel_replace(
            client=request.canvas,
            user_id=scope.api_user,
            old=old,
            new_address=new,
            known_channels=snapshot.get(),
            skip_confirmation=skip,
        )
    except services.DuplicateAddress as exc:
        trail.replace_add(old, new, exc)
        form.add_error("new_address", wording.replace_duplicate(exc.existing, old))
        return _replace_page(request, scope, form, status=422)
    except ValidationFailed as exc:
        trail.replace_add(old, new, exc)
        form.add_error("new_address", wording.add_refusal(exc, address=new, for_self=False))
        return _replace_page(request, scope, form, status=422)
    except services.ReplaceIncomplete as exc:
        trail.replace_add(old, exc.added.address)
        snapshot.upsert(exc.added)
        if exc.step == "default":
            trail.replace_default(old, exc.added.address, exc.cause)
            alert = wording.half_done_default(added=exc.added, old=old, owner_name=scope.owner_name)
        else:
            if exc.made_default:
                trail.replace_default(old, exc.added.address)
            trail.replace_remove(old, new, exc.cause)
            alert = wording.half_done(
                added=exc.added,
                old=old,
                owner_name=scope.owner_name,
                cause=exc.cause,
                made_default=exc.made_default,
            )
        context = channels.page_context(scope, snapshot.get(), alert=alert)
        return render(request, scope.template, context, status=_half_done_status(exc))
    except CanvasError as exc:
        trail.replace_add(old, new, exc)
        problem = wording.failure(exc, action=wording.Action.ADD_NEW, changes=True, for_self=False)
        alert = wording.replace_not_started(problem.message, old)
        return _replace_page(request, scope, form, status=problem.status, alert=alert)
    trail.replace_add(old, result.added.address)
    if result.made_default:
        trail.replace_default(old, result.added.address)
    trail.replace_remove(old, new)
    snapshot.upsert(result.added)
    snapshot.discard(old.id)
    flash.success(
        request,
        wording.replaced(old, result.added, skip_requested=skip, made_default=result.made_default),
    )
    return redirect(scope.page_url)


def _half_done_status(exc: services.ReplaceIncomplete) -> int:
    """Canvas's refusal of the removal keeps its 4xx; its failure (or a lost sign-in, which
    must not hide that both addresses are now listed) is the page's 200."""
    if isinstance(exc.cause, CanvasError):
        cause = wording.failure(
            exc.cause, action=wording.Action.REMOVE_OLD, changes=True, for_self=False
        )
        return cause.status
    return wording.CANVAS_FAILED


# --- the audit log ------------------------------------------------------------------------------


def _recorded_read(
    request: StaffRequest, action: str
) -> tuple[audit.AuditFilterForm, QuerySet[AuditEntry]]:
    """The filtered rows as they stood when this request came, after recording the reading
    itself (so the page or file never lists its own row, and counts do not shift under it)."""
    form = audit.AuditFilterForm(request.GET or None)
    filters = {name: request.GET.get(name, "") for name in [*form.fields, "page"]}
    own = audit.write_read(request=request, action=action, filters=filters)
    return form, audit.filtered(form).filter(pk__lt=own.pk)


@require_GET
@staff_required
def audit_log(request: StaffRequest) -> HttpResponse:
    form, rows = _recorded_read(request, audit.READ_PAGE)
    page = Paginator(rows, AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    keep = request.GET.copy()
    keep.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": [(e, audit.action_label(e), audit.outcome_label(e)) for e in page],
        "filters": keep.urlencode(),
    }
    return render(request, "helpdesk/audit.html", context)


@require_GET
@staff_required
def audit_csv(request: StaffRequest) -> StreamingHttpResponse | HttpResponse:
    _form, rows = _recorded_read(request, audit.READ_CSV)
    lines = audit.csv_lines(rows.iterator(chunk_size=2000))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    filename = f"helpdesk-audit-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
