"""Signing in with Canvas (OAuth2 authorization code + PKCE) and signing out."""

import contextlib

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from .. import helpdesk, limits, tokens
from ..auth import current_user, safe_next, sign_in
from ..canvas import oauth
from ..canvas.client import CanvasClient
from ..canvas.errors import CanvasError, OAuthFailed
from ..tokens import StoredToken
from .limited import limited

PENDING = "oauth_pending"
# Sign-ins started but not finished (several tabs); older ones are dropped.
MAX_PENDING = 5


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
    next_path = safe_next(request, request.GET.get("next"), reverse("channels"))
    state, verifier = oauth.new_state(), oauth.new_code_verifier()
    pending = dict(request.session.get(PENDING, {}))
    pending[state] = {"verifier": verifier, "next": next_path}
    request.session[PENDING] = dict(list(pending.items())[-MAX_PENDING:])
    return redirect(
        oauth.authorization_url(redirect_uri=callback_uri(request), state=state, verifier=verifier)
    )


def _sign_in_problem(
    request: HttpRequest, *, title: str, message: str, status: int
) -> HttpResponse:
    return render(request, "auth_error.html", {"title": title, "message": message}, status=status)


@require_GET
@limited(limits.SIGN_IN)
def oauth_callback(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    pending = dict(request.session.get(PENDING, {}))
    flow = pending.pop(state, None) if state else None
    request.session[PENDING] = pending
    error = request.GET.get("error")
    if error == "access_denied":
        return _sign_in_problem(
            request,
            title="Sign-in cancelled",
            message=(
                "You chose not to let this portal use your Canvas account, so it cannot show "
                "your contact methods. You can try again whenever you like."
            ),
            status=403,
        )
    if error:
        return _sign_in_problem(
            request,
            title="Canvas could not sign you in",
            message=(
                f"Canvas refused the sign-in (reason: {error}). Try again; if it keeps "
                "happening, tell your help desk this reason."
            ),
            status=400,
        )
    if flow is None:
        return _sign_in_problem(
            request,
            title="This sign-in has expired",
            message=(
                "This sign-in link is out of date or was opened in another browser, so for your "
                "safety we did not use it. Please start again."
            ),
            status=400,
        )
    code = request.GET.get("code", "")
    try:
        grant = oauth.exchange_code(
            code=code, redirect_uri=callback_uri(request), verifier=flow["verifier"]
        )
    except OAuthFailed:
        return _sign_in_problem(
            request,
            title="This sign-in has expired",
            message=(
                "Canvas did not accept this sign-in: it may have taken more than ten minutes or "
                "been used already. Please start again."
            ),
            status=400,
        )
    except CanvasError:
        return _sign_in_problem(
            request,
            title="Canvas is not answering",
            message=(
                "Canvas did not answer, so we could not sign you in. Try again in a few minutes."
            ),
            status=503,
        )
    tokens.store_grant(grant)
    sign_in(request, user_id=grant.user_id, name=grant.user_name)
    # Learn once whether to offer the help desk (one call; students get "no" from Canvas at
    # once). Access to help-desk pages is checked again there, whatever this says.
    with contextlib.suppress(CanvasError):
        helpdesk.staff_status(
            request.session, CanvasClient(StoredToken(grant.user_id)), grant.user_id
        )
    return redirect(flow["next"])


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if user is not None:
        tokens.sign_out(user.id)
    request.session.flush()
    return redirect(f"{reverse('landing')}?signed_out=1")
