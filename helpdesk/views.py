"""Help-desk pages: find a user, fix that user's contact methods, read the audit log.

Every view first checks on the server that the signed-in user is help-desk staff
(helpdesk/staff.py). Anyone else gets the site's one plain 403 page before Canvas is asked
anything about another user. The channel pages reuse the student views with a scope acting on
the chosen user's id; every change attempt, successful or not, becomes an audit row.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import wraps
from typing import Any, Concatenate

from django import forms
from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import validate_email
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.session import HtmxRequest, PortalRequest, canvas_login_required
from accounts.tokens import StoredToken
from canvas.errors import (
    CanvasError,
    Forbidden,
    NotAuthenticated,
    NotFound,
    Throttled,
    Unavailable,
    ValidationFailed,
)
from canvas.records import Channel
from channels_app import services
from channels_app import views as channels
from channels_app import wording as messages
from channels_app.snapshot import ChannelSnapshot
from helpdesk import audit
from helpdesk import staff as helpdesk
from helpdesk.models import AuditEntry
from helpdesk.staff import StaffRequest, StaffStatus
from portal import limits
from portal.limited import limited
from portal.views.errors import permission_denied, problem_page

AUDIT_PER_PAGE = 50
TARGETS_KEY = "helpdesk_targets"
# Recently opened users, so actions need no extra Canvas call for the name; bounded so the
# session stays small however many users a staff member opens in a day.
MAX_CACHED_TARGETS = 20


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
        except NotAuthenticated:
            raise
        except CanvasError:
            return problem_page(
                request,
                title="Canvas is not answering",
                message=(
                    "Canvas did not answer, so we could not check your help-desk access. "
                    "Try again in a few minutes."
                ),
                status=503,
            )
        if not status.is_staff:
            return permission_denied(request)
        request.staff = status
        return view(request, *args, **kwargs)

    return canvas_login_required(check)


def _could_not_load(request: HttpRequest, exc: CanvasError, *, action: str) -> HttpResponse:
    problem = messages.failure(exc, action=action, changes=False, for_self=False)
    return problem_page(
        request, title="Could not load this user", message=problem.message, status=503
    )


# --- the user being helped ----------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    id: int
    name: str
    login_id: str | None = None
    sis_user_id: str | None = None


@dataclass(frozen=True)
class HelpdeskScope(channels.Scope):
    target: Target | None = None
    staff: StaffStatus | None = None


def _load_target(request: PortalRequest, user_id: int, *, fresh: bool) -> Target:
    cached = dict(request.session.get(TARGETS_KEY, {}))
    stored = cached.get(str(user_id))
    if not fresh and isinstance(stored, dict):
        try:
            return Target(**stored)
        except TypeError:
            pass  # an older shape: ask Canvas again
    user = request.canvas.get_user(user_id)
    target = Target(user.id, user.name, user.login_id, user.sis_user_id)
    cached.pop(str(user_id), None)
    cached[str(user_id)] = asdict(target)
    request.session[TARGETS_KEY] = dict(list(cached.items())[-MAX_CACHED_TARGETS:])
    return target


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
            target = _load_target(request, user_id, fresh=fresh)
        except NotFound:
            return problem_page(
                request,
                title="User not found",
                message=f"Canvas has no user {user_id} that your account may see.",
                status=404,
            )
        except NotAuthenticated:
            raise
        except CanvasError as exc:
            return _could_not_load(request, exc, action="look up this user")
        return view(request, target, *args, **kwargs)

    return wrapper


class AuditTrail:
    """Collects a request's change attempts and writes them as audit rows when it ends.

    Rows are written at the end so the add row can say what Canvas did with a skip request
    (read back from the list after the add), since a written row can never be amended.
    """

    def __init__(self, request: PortalRequest, target: Target) -> None:
        self.request = request
        self.target = target
        self.skip_requested = request.POST.get("skip_confirmation") == "on"
        self._rows: list[tuple[services.ActionRecord, str]] = []

    def __call__(self, record: services.ActionRecord) -> None:
        self._rows.append((record, ""))

    def add(
        self,
        action: str,
        channel: Channel | None,
        address: str,
        exc: Exception | None = None,
        *,
        detail: str = "",
    ) -> None:
        kind = channel.type if channel else "email"
        self._rows.append((services.record_of(action, kind, address, exc), detail))

    def write(self) -> None:
        user = self.request.portal_user
        for record, detail in self._rows:
            audit.write(
                request=self.request,
                actor_id=user.id,
                actor_name=user.name,
                target_id=self.target.id,
                target_name=self.target.name,
                record=record,
                detail="; ".join(filter(None, [detail, self._skip_note(record)])),
            )
        self._rows.clear()

    def _skip_note(self, record: services.ActionRecord) -> str:
        if not self.skip_requested or record.action not in {"add", "replace-add"}:
            return ""
        if record.outcome != "success":
            return "skip confirmation requested"
        known = ChannelSnapshot(self.request.session, self.target.id).get() or []
        added = services.find_duplicate(
            known, channel_type=record.channel_type, address=record.address
        )
        if added is not None and added.is_active:
            return "skip confirmation requested; Canvas made it active"
        return "skip confirmation requested; Canvas ignored it (unconfirmed)"


@contextmanager
def audited(request: PortalRequest, target: Target) -> Iterator[AuditTrail]:
    trail = AuditTrail(request, target)
    try:
        yield trail
    finally:
        # Even when the view fails half-way, what was attempted is recorded.
        trail.write()


def target_scope(request: StaffRequest, target: Target, trail: AuditTrail | None) -> HelpdeskScope:
    page = reverse("helpdesk_user", args=[target.id])
    return HelpdeskScope(
        api_user=target.id,
        snapshot_key=target.id,
        base_path=f"{page}channels/",
        page_url=page,
        owner_name=target.name,
        is_self=False,
        # Offered to all staff: Canvas alone knows whether it honours it (Site Admin rights
        # count too), so the add reads back the state and says when it was ignored.
        can_skip_confirmation=True,
        record=trail,
        template="helpdesk/user.html",
        target=target,
        staff=request.staff,
    )


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
        except NotAuthenticated:
            raise
        except CanvasError as exc:
            alert = messages.failure(
                exc, action="search for users", changes=False, for_self=False
            ).message
    context = {
        "query": query,
        "result": result,
        "alert_message": alert,
        "min_length": helpdesk.MIN_SEARCH_LENGTH,
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
    with audited(request, target) as trail:
        return channels.add_channel(request, target_scope(request, target, trail))


@require_http_methods(["GET", "POST"])
@staff_required
@with_target
@limit_staff_changes
def user_remove(request: StaffRequest, target: Target, channel_id: int) -> HttpResponse:
    if request.method == "GET":
        return channels.confirm_remove(request, target_scope(request, target, None), channel_id)
    with audited(request, target) as trail:
        return channels.remove_channel(request, target_scope(request, target, trail), channel_id)


@require_POST
@staff_required
@with_target
@limit_staff_changes
def user_resend(request: StaffRequest, target: Target, channel_id: int) -> HttpResponse:
    with audited(request, target) as trail:
        return channels.resend_confirmation(
            request, target_scope(request, target, trail), channel_id
        )


# --- replace an email in one step ---------------------------------------------------------------


class ReplaceEmailForm(forms.Form):
    old_channel_id = forms.TypedChoiceField(
        label="Email address to replace",
        coerce=int,
        error_messages={
            "required": "Choose the address to replace.",
            "invalid_choice": "That address is no longer on the list. Choose one that is.",
        },
    )
    new_address = forms.CharField(
        label="New email address",
        max_length=254,
        strip=True,
        error_messages={"required": "Enter the new email address."},
    )
    skip_confirmation = forms.BooleanField(required=False)

    def __init__(self, *args: Any, emails: list[Channel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.emails = {channel.id: channel for channel in emails}
        # django-stubs type `fields` as plain Field, which has no `choices`; this one is the
        # TypedChoiceField declared above, hence the ignore.
        self.fields["old_channel_id"].choices = [(c.id, c.address) for c in emails]  # type: ignore[attr-defined]

    def clean_new_address(self) -> str:
        address: str = self.cleaned_data["new_address"]
        try:
            validate_email(address)
        except ValidationError as exc:
            raise ValidationError("Enter a complete email address, like name@example.com.") from exc
        return address

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        old = self.emails.get(cleaned.get("old_channel_id", -1))
        new = cleaned.get("new_address")
        if old and new and old.address.casefold() == new.casefold():
            self.add_error("new_address", "The new address is the same as the old one.")
        cleaned["old"] = old
        return cleaned


def _replace_page(
    request: HttpRequest,
    scope: HelpdeskScope,
    form: ReplaceEmailForm,
    *,
    status: int = 200,
    alert: str = "",
) -> HttpResponse:
    context = {
        "scope": scope,
        "form": form,
        "emails": list(form.emails.values()),
        "alert_message": alert,
    }
    return render(request, "helpdesk/replace.html", context, status=status)


def _replace_refused(
    request: StaffRequest, refusal: limits.Refusal, target: Target
) -> HttpResponse:
    """The replace form again, as typed, with the refusal (nothing was sent to Canvas)."""
    known = ChannelSnapshot(request.session, target.id).get() or []
    form = ReplaceEmailForm(request.POST, emails=[c for c in known if c.type == "email"])
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
        except NotAuthenticated:
            raise
        except CanvasError as exc:
            return _could_not_load(request, exc, action="load the contact methods")
    emails = [c for c in snapshot.get() or [] if c.type == "email"]
    if request.method == "GET":
        return _replace_page(request, scope, ReplaceEmailForm(emails=emails))
    form = ReplaceEmailForm(request.POST, emails=emails)
    if not form.is_valid():
        return _replace_page(request, scope, form, status=422)
    with audited(request, target) as trail:
        return _replace(request, scope, form, trail)


def _replace(
    request: PortalRequest, scope: HelpdeskScope, form: ReplaceEmailForm, trail: AuditTrail
) -> HttpResponse:
    old: Channel = form.cleaned_data["old"]
    new: str = form.cleaned_data["new_address"]
    skip = form.cleaned_data["skip_confirmation"]
    snapshot = ChannelSnapshot(request.session, scope.snapshot_key)
    replacing, replaced_by = f"replacing {old.address}", f"replaced by {new}"
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
        trail.add("replace-add", old, new, exc, detail=replacing)
        form.add_error(
            "new_address",
            f"{exc.existing.address} is already on this user's list. To drop {old.address}, "
            "use its Remove button on the user's page instead.",
        )
        return _replace_page(request, scope, form, status=422)
    except ValidationFailed as exc:
        trail.add("replace-add", old, new, exc, detail=replacing)
        form.add_error("new_address", messages.add_refusal(exc, address=new, for_self=False))
        return _replace_page(request, scope, form, status=422)
    except services.ReplaceIncomplete as exc:
        trail.add("replace-add", old, exc.added.address, detail=replacing)
        trail.add("replace-remove", old, old.address, exc.cause, detail=replaced_by)
        snapshot.upsert(exc.added)
        problem = messages.failure(
            exc.cause, action="remove the old address", changes=True, for_self=False
        )
        context = channels.page_context(scope, snapshot.get(), alert=half_done_message(scope, exc))
        return render(request, scope.template, context, status=problem.status)
    except NotAuthenticated:
        raise
    except CanvasError as exc:
        trail.add("replace-add", old, new, exc, detail=replacing)
        problem = messages.failure(exc, action="add the new address", changes=True, for_self=False)
        alert = f"{problem.message} {old.address} was left as it was."
        return _replace_page(request, scope, form, status=problem.status, alert=alert)
    trail.add("replace-add", old, result.added.address, detail=replacing)
    trail.add("replace-remove", old, old.address, detail=replaced_by)
    snapshot.upsert(result.added)
    snapshot.discard(old.id)
    flash.success(request, replaced_message(old, result.added, skip_requested=skip))
    return redirect(scope.page_url)


def _state_of(added: Channel, *, skip_requested: bool) -> str:
    if added.is_active:
        return f"{added.address} is active: Canvas sends notifications there now."
    text = (
        f"{added.address} is unconfirmed: Canvas sent a confirmation link to it, and sends "
        "nothing there until the user opens that link."
    )
    if skip_requested:
        text += (
            " Canvas ignored “skip confirmation”, because your Canvas account does not have "
            "the permission for it."
        )
    return text


def replaced_message(old: Channel, added: Channel, *, skip_requested: bool) -> str:
    return (
        f"Replaced {old.address} with {added.address}. "
        f"{_state_of(added, skip_requested=skip_requested)}"
    )


def half_done_message(scope: HelpdeskScope, exc: services.ReplaceIncomplete) -> str:
    """Exactly where the user stands when the new address went in but the old one did not go."""
    added, old, who = exc.added, exc.old, scope.owner_name
    state = _state_of(added, skip_requested=False)
    if isinstance(exc.cause, Unavailable | Throttled):
        return (
            f"Only half done. {added.address} was added ({state}) Canvas then did not answer "
            f"when asked to remove {old.address}, so it may or may not still be there: the "
            f"list below shows what we know. Reload this page to check, and remove "
            f"{old.address} if it is still listed."
        )
    reason = (
        "Canvas did not allow the removal"
        if isinstance(exc.cause, Forbidden)
        else "Canvas refused to remove it"
    )
    return (
        f"Only half done. {added.address} was added ({state}) but {old.address} was not "
        f"removed: {reason}. {who} now has both addresses. Remove {old.address} with its "
        "Remove button below once the cause is fixed."
    )


# --- the audit log ------------------------------------------------------------------------------


def _recorded_read(
    request: PortalRequest, action: str
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
