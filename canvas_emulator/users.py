"""Users, profiles and the help-desk account endpoints (docs/canvas-behaviour.md §5 and §10)."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from .auth import can_view_user, has_permission, unauthorized
from .links import paginated_response
from .state import ROOT_ACCOUNT_ID, Account, State, User, iso
from .wire import HttpError, Request, Response, json_response, not_found

MIN_SEARCH_TERM_LENGTH = 3  # SearchTermHelper::MIN_SEARCH_TERM_LENGTH


def _is_admin_viewer(actor: User) -> bool:
    """Admins who may see login/SIS ids in user JSON."""
    return has_permission(actor, "manage_user_logins") or has_permission(actor, "read_roster")


def _base_user_json(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "name": user.name,
        "created_at": iso(user.created_at),
        "sortable_name": user.sortable_name,
        "short_name": user.name,
    }


def _admin_fields(state: State, actor: User, user: User, *, with_email: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if _is_admin_viewer(actor):
        out.update(sis_user_id=user.sis_user_id, integration_id=None, login_id=user.login_id)
    if with_email and has_permission(actor, "read_email_addresses"):
        out["email"] = state.primary_email(user.id)
    return out


def _resolve(state: State, req: Request, key: str) -> User:
    user = state.find_user(unquote(req.route[key]), req.user)
    if user is None:
        raise HttpError(not_found())
    return user


def show_user(state: State, req: Request) -> Response:
    """``users#api_show``: users the caller may not see are a 404, not a 403 (§5.1)."""
    actor = req.user
    assert actor is not None
    with state.lock:
        user = _resolve(state, req, "id")
        if not can_view_user(actor, user):
            return not_found()
        body = _base_user_json(user)
        body.update(
            first_name=user.first_name,
            last_name=user.last_name,
            locale=user.locale,
            effective_locale=user.effective_locale,
            permissions={
                "can_update_name": True,
                "can_update_avatar": False,
                "limit_parent_app_web_access": False,
            },
        )
        body.update(_admin_fields(state, actor, user, with_email=True))
    return json_response(body)


def profile(state: State, req: Request) -> Response:
    """``profile#settings`` (§5.2); ``primary_email`` may be an unconfirmed address."""
    actor = req.user
    assert actor is not None
    with state.lock:
        user = _resolve(state, req, "user_id")
        is_self = actor.id == user.id
        if not (is_self or _is_admin_viewer(actor)):
            return unauthorized(state)
        reads_email = is_self or has_permission(actor, "read_email_addresses")
        body: dict[str, Any] = {
            "id": user.id,
            "name": user.name,
            "short_name": user.name,
            "sortable_name": user.sortable_name,
            "title": None,
            "bio": None,
            "pronunciation": None,
            "primary_email": state.primary_email(user.id) if reads_email else None,
            "login_id": user.login_id if (is_self or _is_admin_viewer(actor)) else None,
            "integration_id": None,
            "time_zone": "Etc/UTC",
            "locale": user.locale,
            "effective_locale": user.effective_locale,
            "calendar": {"ics": f"{req.base_url}/feeds/calendars/user_{user.uuid}.ics"},
            "k5_user": False,
            "use_classic_font_in_k5": False,
        }
        if _is_admin_viewer(actor):
            body["sis_user_id"] = user.sis_user_id  # only with :read_sis in current Canvas
    return json_response(body)


# -- accounts --------------------------------------------------------------------------------


def _account_json(account: Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "name": account.name,
        "workflow_state": "active",
        "parent_account_id": None,
        "root_account_id": None,
        "uuid": f"emulated-account-{account.id}",
        "default_time_zone": "Etc/UTC",
    }


def list_accounts(state: State, req: Request) -> Response:
    """Accounts the caller administers; students and teachers get ``[]`` (§10)."""
    actor = req.user
    assert actor is not None
    with state.lock:
        rows = [_account_json(state.root_account)] if actor.is_admin else []
    return paginated_response(req, rows)


def _account(state: State, req: Request) -> Account:
    raw = unquote(req.route["account_id"])
    account_id = ROOT_ACCOUNT_ID if raw == "self" else int(raw) if raw.isdigit() else None
    account = state.accounts.get(account_id) if account_id is not None else None
    if account is None:
        raise HttpError(not_found())
    return account


def account_permissions(state: State, req: Request) -> Response:
    """``rights_status`` for each requested permission; ``self`` = the root account.

    Any user of the account may ask (Account :read for associated users — UNVERIFIED); the
    answer for a non-admin is simply all ``false``.
    """
    actor = req.user
    assert actor is not None
    with state.lock:
        _account(state, req)
        names = req.list_param("permissions")
        return json_response({name: name in actor.permissions for name in names})


def account_users(state: State, req: Request) -> Response:
    """``accounts/:id/users`` with ``search_term`` (needs :read_roster, ``lib/user_search.rb``)."""
    actor = req.user
    assert actor is not None
    with state.lock:
        _account(state, req)
        if not has_permission(actor, "read_roster"):
            return unauthorized(state)
        term = req.str_param("search_term")
        users = list(state.users.values())
        if term is not None and term.strip():
            if len(term) < MIN_SEARCH_TERM_LENGTH:
                body = {
                    "errors": [
                        {
                            "field": "search_term",
                            "code": "invalid",
                            "message": f"{MIN_SEARCH_TERM_LENGTH} or more characters is required",
                        }
                    ]
                }
                return json_response(body, 400)
            users = [u for u in users if _matches(state, actor, u, term)]
        users.sort(key=lambda u: (u.sortable_name.lower(), u.id))
        with_email = "email" in req.list_param("include")
        rows = []
        for user in users:
            row = _base_user_json(user)
            row.update(_admin_fields(state, actor, user, with_email=with_email))
            rows.append(row)
    return paginated_response(req, rows)


def _matches(state: State, actor: User, user: User, term: str) -> bool:
    """Name always; id exactly; login, SIS id and email only for callers allowed to see them."""
    low = term.lower()
    fields = [user.name]
    if has_permission(actor, "manage_user_logins"):
        fields.append(user.login_id)
    if _is_admin_viewer(actor):
        fields.append(user.sis_user_id or "")
    if has_permission(actor, "read_email_addresses"):
        fields += [c.path for c in state.user_channels(user.id) if c.path_type == "email"]
    return term == str(user.id) or any(low in f.lower() for f in fields)


ROUTES = [
    ("GET", r"/api/v1/users/(?P<id>[^/]+)", show_user),
    ("GET", r"/api/v1/users/(?P<user_id>[^/]+)/profile", profile),
    ("GET", r"/api/v1/accounts", list_accounts),
    ("GET", r"/api/v1/accounts/(?P<account_id>[^/]+)/permissions", account_permissions),
    ("GET", r"/api/v1/accounts/(?P<account_id>[^/]+)/users", account_users),
]
