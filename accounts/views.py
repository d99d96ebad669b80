"""Signing in with Canvas (OAuth2 authorization code + PKCE) and signing out.

`/login/` and `/oauth/callback/` answer anonymous visitors, so they check what they are sent
before writing anything, and what they keep in the session is small and bounded: per sign-in
under way, the PKCE verifier and where to go afterwards, for at most MAX_PENDING sign-ins.
"""

import re
from typing import Literal, cast
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts import tokens, wording
from accounts.session import current_user, safe_next, sign_in
from accounts.signals import user_signed_in
from canvas import oauth
from canvas.errors import CanvasError, OAuthFailed, TokenWithoutUser
from portal import limits
from portal.languages import remember_canvas_locale
from portal.limited import limited

SameSite = Literal["Lax", "Strict", "None"]
PENDING = "oauth_pending"
# Sign-ins started but not finished (several tabs); older ones are dropped.
MAX_PENDING = 5
# A `next` longer than this is not a page of this portal; the default page is used instead.
MAX_NEXT = 1000
# Our states are 43 URL-safe characters (oauth.new_state); Canvas's codes are 128 hex
# characters (docs/canvas-behaviour.md §3.1); OAuth error codes are short snake_case words.
# Anything else is refused before the session is read or written.
STATE_FORMAT = re.compile(r"[A-Za-z0-9_-]{20,64}")
CODE_FORMAT = re.compile(r"[A-Za-z0-9._~-]{1,512}")
ERROR_FORMAT = re.compile(r"[a-z_]{1,64}")


def callback_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("oauth_callback"))


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    if current_user(request) is not None:
        return redirect("channels")
    return render(request, "landing.html", {"signed_out": request.GET.get("signed_out") == "1"})


@require_GET
@limited(limits.SIGN_IN)
def login(request: HttpRequest) -> HttpResponse:
    requested = request.GET.get("next")
    if requested and len(requested) > MAX_NEXT:
        requested = None
    next_path = safe_next(request, requested, reverse("channels"))
    state, verifier = oauth.new_state(), oauth.new_code_verifier()
    pending = dict(request.session.get(PENDING, {}))
    pending[state] = {"verifier": verifier, "next": next_path}
    request.session[PENDING] = dict(list(pending.items())[-MAX_PENDING:])
    return redirect(
        oauth.authorization_url(redirect_uri=callback_uri(request), state=state, verifier=verifier)
    )


def _sign_in_problem(
    request: HttpRequest, problem: wording.SignInProblem, *, status: int
) -> HttpResponse:
    context = {"title": problem.title, "message": problem.message}
    return render(request, "auth_error.html", context, status=status)


def _take_flow(request: HttpRequest, state: str) -> dict[str, str] | None:
    """The sign-in this state belongs to, removed from the session (a state works once).

    The session is written only when the state is well-formed and known, so a stranger's
    request to the callback changes nothing here.
    """
    if not STATE_FORMAT.fullmatch(state):
        return None
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or state not in pending:
        return None
    pending = dict(pending)
    flow = pending.pop(state)
    request.session[PENDING] = pending
    return flow if isinstance(flow, dict) else None


@require_GET
@limited(limits.SIGN_IN)
def oauth_callback(request: HttpRequest) -> HttpResponse:
    flow = _take_flow(request, request.GET.get("state", ""))
    error = request.GET.get("error")
    if error and not ERROR_FORMAT.fullmatch(error):
        error = "unrecognised_error"
    if error == "access_denied":
        return _sign_in_problem(request, wording.CANCELLED, status=403)
    if error:
        return _sign_in_problem(request, wording.refused(error), status=400)
    if flow is None:
        return _sign_in_problem(request, wording.OUT_OF_DATE, status=400)
    code = request.GET.get("code", "")
    if not CODE_FORMAT.fullmatch(code):
        return _sign_in_problem(request, wording.INCOMPLETE, status=400)
    try:
        grant = oauth.exchange_code(
            code=code, redirect_uri=callback_uri(request), verifier=flow["verifier"]
        )
    except OAuthFailed:
        return _sign_in_problem(request, wording.CODE_REFUSED, status=400)
    # Canvas's failures are pages answered 200: Canvas being down is not the portal failing.
    except TokenWithoutUser:
        return _sign_in_problem(request, wording.NO_USER, status=200)
    except CanvasError:
        return _sign_in_problem(request, wording.CANVAS_DOWN, status=200)
    row = tokens.store_grant(grant)
    user_id = row.canvas_user_id
    sign_in(request, user_id=user_id, name=grant.user_name)
    remember_canvas_locale(request, grant.effective_locale)
    user_signed_in.send(sender=oauth_callback, request=request, user_id=user_id)
    return redirect(flow["next"])


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if user is not None:
        tokens.sign_out(user.id)
    request.session.flush()
    response = redirect(f"{reverse('landing')}?{urlencode({'signed_out': 1})}")
    # The language picked in the footer lasts until sign-out: the next person at this browser
    # starts from their own Canvas locale.
    response.delete_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        path=settings.LANGUAGE_COOKIE_PATH,
        samesite=cast(SameSite, settings.LANGUAGE_COOKIE_SAMESITE),
    )
    return response
