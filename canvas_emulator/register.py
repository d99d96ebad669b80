"""The confirmation link ``/register/:code`` and the profile page it lands on (spec §7, §12.2).

Web routes: the ``canvas_session`` cookie decides who is logged in; a bearer token is ignored
here (§3.5). The code alone finds the channel (any ids in a JSON body are ignored, §12.2).
"""

from __future__ import annotations

import hmac
from typing import Any
from urllib.parse import unquote, urlencode

from . import pages
from .oauth import current_session, ensure_session, session_cookie
from .state import Channel, Session, State, iso
from .wire import Request, Response, html_response, json_response, redirect, text_response

CONFIRMED_NOTICE = "Registration confirmed!"


def _wants_json(req: Request) -> bool:
    """Rails' ``respond_to``: a ``.json`` path or a JSON ``Accept`` (``doFetchApi`` sends one)."""
    return req.path.endswith(".json") or "json" in (req.headers.get("Accept") or "")


def _csrf_valid(session: Session | None, req: Request) -> bool:
    """POSTs need the session's token, as a form field or the ``X-CSRF-Token`` header."""
    sent = req.str_param("authenticity_token") or req.headers.get("X-CSRF-Token") or ""
    return session is not None and hmac.compare_digest(sent, session.csrf_token)


def _by_code(state: State, code: str) -> Channel | None:
    """``unretired.where.not(path_type: "push").find_by_confirmation_code``: exact case (§12.1)."""
    rows = sorted(state.channels.values(), key=lambda c: c.id)
    return next(
        (
            c
            for c in rows
            if c.workflow_state != "retired"
            and c.path_type != "push"
            and c.confirmation_code == code
        ),
        None,
    )


def _failed(req: Request) -> Response:
    """Unknown code, or a channel that is not waiting for confirmation → 400 (§12.2)."""
    if _wants_json(req):
        return json_response({}, 400)
    return html_response(pages.confirm_failed_page(), 400)


def _model_json(channel: Channel) -> dict[str, Any]:
    """``cc.as_json(except: [:confirmation_code])``: the model's attributes under its root key."""
    return {
        "communication_channel": {
            "id": channel.id,
            "path": channel.path,
            "path_type": channel.path_type,
            "position": channel.position,
            "user_id": channel.user_id,
            "pseudonym_id": None,
            "workflow_state": channel.workflow_state,
            "bounce_count": channel.bounce_count,
            "confirmation_sent_count": channel.confirmation_sent_count,
            "created_at": iso(channel.created_at),
        }
    }


def confirm(state: State, req: Request) -> Response:
    """``communication_channels#confirm`` for a registered owner (§12.2 step 3)."""
    session = current_session(state, req)
    if req.method == "POST" and not _csrf_valid(session, req):
        return text_response("Invalid authenticity token", 422)
    with state.lock:
        channel = _by_code(state, unquote(req.route["code"]))
        if channel is None or channel.workflow_state != "unconfirmed":
            return _failed(req)
        owner = state.users[channel.user_id]
        if session is None or session.user_id != owner.id:
            # Nobody, or somebody else, is logged in: log in as the owner, then come back.
            session, new = ensure_session(state, req)
            session.return_to = req.path
            query = urlencode(
                {"pseudonym_session[unique_id]": owner.login_id, "expected_user_id": owner.id}
            )
            response = redirect(f"/login?{query}")
            return response.header("Set-Cookie", session_cookie(session)) if new else response
        channel.workflow_state = "active"
        if _wants_json(req):
            return json_response(_model_json(channel))
        session.flash = CONFIRMED_NOTICE
        return redirect("/profile/settings")


def profile_settings(state: State, req: Request) -> Response:
    """The logged-in user's contact methods and any pending notice; login first otherwise."""
    session = current_session(state, req)
    with state.lock:
        user = state.users.get(session.user_id) if session and session.user_id else None
        if session is None or user is None:
            return redirect("/login")
        notice, session.flash = session.flash, None
        rows = [
            pages.ChannelRow(
                "Email" if c.path_type == "email" else "Text (SMS)",
                c.path,
                c.workflow_state == "active",
            )
            for c in state.user_channels(user.id)
            if c.path_type in {"email", "sms"}
        ]
    return html_response(pages.profile_settings_page(user, rows, notice))


ROUTES = [
    ("GET", r"/register/(?P<code>[^/.]+)", confirm),
    ("POST", r"/register/(?P<code>[^/.]+)", confirm),
    ("GET", r"/pseudonyms/[^/]+/register/(?P<code>[^/.]+)", confirm),  # deprecated alias (§7)
    ("GET", r"/profile/settings", profile_settings),
]
