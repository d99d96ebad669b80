"""LTI 1.3 endpoints: the tool configuration and keys, Canvas's OIDC login initiation, the launch,
and "Connect your Canvas account" (docs/lti.md).

A launch says which LTI user (`iss`, `sub`) clicked a navigation link, nothing more. The portal
signs them in only through a binding of that `sub` to a Canvas user, made when OAuth proved who
they are in the browser that launched, and only while it holds a working token for that user.
Custom claims never decide who someone is: in Canvas, teachers can set them on their own links.
"""

import logging
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import CanvasToken
from accounts.session import current_user, sign_in
from accounts.tokens import StoredToken
from canvas.client import CanvasClient
from canvas.errors import CanvasError, Forbidden, InsufficientScope, NotAuthenticated
from canvas.records import CanvasUser
from lti import connect, tool_key, wording
from lti import state as launch_state
from lti.config import PAGES, Registration, registration, tool_configuration
from lti.launch import Launch, LaunchRefused, WrongPlace, validate
from lti.models import LtiLogin, LtiPendingConnect
from portal import limits
from portal.languages import remember_canvas_locale
from portal.limited import limited
from portal.views.errors import problem_page

logger = logging.getLogger("lti")


def _registration() -> Registration:
    found = registration()
    if found is None:
        raise Http404("LTI is not configured")
    return found


def lti_enabled() -> bool:
    return registration() is not None


def _answer(request: HttpRequest, problem: wording.Problem, refusal: str = "") -> HttpResponse:
    """The problem's sentence; `refusal` is a short code for the log (never user data)."""
    if refusal:
        logger.warning("LTI launch refused: %s", refusal, extra={"reason": refusal})
    return problem_page(
        request, title=problem.title, message=problem.message, status=problem.status
    )


@require_GET
def config_json(request: HttpRequest) -> JsonResponse:
    """What a Canvas admin pastes into an LTI developer key; needs no registration.

    The format Canvas accepts: docs/canvas-behaviour.md §8.
    """
    return JsonResponse(tool_configuration(request), json_dumps_params={"indent": 2})


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(tool_key.public_jwks())
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _initiation_problem(request: HttpRequest, params: QueryDict, reg: Registration) -> str | None:
    if params.get("iss") != reg.issuer:
        return "initiation_issuer"
    if not params.get("login_hint"):
        return "initiation_login_hint"
    if params.get("client_id") not in (None, reg.client_id):
        return "initiation_client_id"
    if params.get("lti_deployment_id") not in (None, *reg.deployment_ids):
        return "initiation_deployment"
    # OpenID Connect Core §4 (third-party-initiated login) asks the tool to check target_link_uri,
    # so it is no open redirect: only this portal's own pages.
    if not url_has_allowed_host_and_scheme(
        params.get("target_link_uri"),
        allowed_hosts={request.get_host()},
        require_https=request.is_secure(),
    ):
        return "initiation_target_link_uri"
    return None


@csrf_exempt  # Canvas posts here from its own origin; there is no session to forge yet
@require_http_methods(["GET", "POST"])
@limited(limits.SIGN_IN, only_if=lti_enabled)
def login(request: HttpRequest) -> HttpResponse:
    """OIDC third-party login initiation: bind a state to this browser, send it to Canvas."""
    reg = _registration()
    params = request.POST if request.method == "POST" else request.GET
    # Anonymous and before any write: nothing oversized reaches the database.
    oversized = launch_state.too_long(
        params, launch_state.INITIATION_LIMITS, launch_state.OTHER_PARAMETER_LIMIT
    )
    if oversized is not None:
        return _answer(request, wording.TOO_LONG, f"too_long:{oversized[:40]}")
    problem = _initiation_problem(request, params, reg)
    if problem is not None:
        return _answer(request, wording.NOT_FROM_CANVAS, problem)
    started = launch_state.begin(params, then_connect=params.get("connect") == "1")
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": reg.client_id,
        "redirect_uri": request.build_absolute_uri(reverse("lti_launch")),
        "login_hint": params["login_hint"],
        "state": started.state,
        "nonce": started.nonce,
    }
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    response = redirect(f"{reg.auth_url}?{urlencode(query)}")
    launch_state.bind(response, started)
    return response


@csrf_exempt  # a cross-site form post from Canvas, protected by state, nonce and signature
@require_POST
@limited(limits.SIGN_IN, only_if=lti_enabled)
def launch(request: HttpRequest) -> HttpResponse:
    reg = _registration()
    oversized = launch_state.too_long(
        request.POST, launch_state.LAUNCH_LIMITS, launch_state.OTHER_PARAMETER_LIMIT
    )
    if oversized is not None:
        return _answer(request, wording.TOO_LONG, f"too_long:{oversized[:40]}")
    launch_id = request.POST.get("state", "")
    if request.POST.get("error"):
        return _answer(request, wording.NOT_FROM_CANVAS, f"platform_{request.POST['error'][:40]}")
    id_token = request.POST.get("id_token", "")
    if not launch_id or not id_token:
        return _answer(request, wording.NOT_FROM_CANVAS, "missing_fields")
    binding = launch_state.binding(request, launch_id)
    if binding == "no_cookies":
        # Most likely a browser that blocks cookies in Canvas's frame: offer a new window.
        pending = launch_state.pending(launch_id)
        if pending is None or not pending.initiation:
            return _answer(request, wording.EXPIRED)
        return render(request, "lti/new_window.html", {"relaunch_url": _relaunch_url(pending)})
    if binding == "mismatch":
        return _answer(request, wording.NOT_FROM_CANVAS, "state_mismatch")
    started = launch_state.consume(launch_id)
    if started is None:
        return _answer(request, wording.EXPIRED)
    try:
        result = validate(id_token, nonce=started.nonce, registration=reg)
    except WrongPlace as refusal:
        response = _answer(request, wording.WRONG_PLACE, refusal.code)
    except LaunchRefused as refusal:
        response = _answer(request, wording.NOT_FROM_CANVAS, refusal.code)
    except CanvasError:
        response = _answer(request, wording.CANVAS_DOWN)  # Canvas's keys could not be fetched
    else:
        # Before the page is built: the Connect page is already in the user's language.
        remember_canvas_locale(request, result.locale)
        response = _sign_in_or_connect(request, result, started)
    launch_state.forget(response, launch_id)
    return response


def _relaunch_url(started: LtiLogin, *, then_connect: bool = False) -> str:
    """The same launch again from /lti/login (Canvas's hint is reusable for minutes)."""
    params = {**started.initiation, **({"connect": "1"} if then_connect else {})}
    return f"{reverse('lti_login')}?{urlencode(params)}"


def _working_token_user(canvas_user_id: int) -> CanvasUser | None:
    """The Canvas user behind the stored token, if the portal holds one that still works."""
    if not CanvasToken.objects.filter(canvas_user_id=canvas_user_id).exists():
        return None
    try:
        return CanvasClient(StoredToken(canvas_user_id)).get_user("self")
    except (NotAuthenticated, InsufficientScope, Forbidden):
        return None  # revoked, or no longer allowed: connect again


def _sign_in_or_connect(request: HttpRequest, result: Launch, started: LtiLogin) -> HttpResponse:
    canvas_user_id = connect.bound_canvas_user(result)
    if canvas_user_id is not None:
        try:
            user = _working_token_user(canvas_user_id)
        except CanvasError:
            return _answer(request, wording.CANVAS_DOWN)
        if user is not None and user.id == canvas_user_id:
            connect.note_use(result)
            sign_in(request, user_id=user.id, name=user.name)
            return redirect(reverse(result.page))
    # Canvas's sign-in must run top-level (docs/canvas-behaviour.md §3.7): from a frame, in a new
    # window.
    # Sec-Fetch-Dest tells a frame from a tab; without it, trust Canvas's document_target.
    # A relaunch from our own new-window link is top-level even where Canvas's document_target
    # still says iframe and the browser sends no Sec-Fetch-Dest.
    fetch_dest = request.headers.get("Sec-Fetch-Dest")
    top_level = fetch_dest == "document" if fetch_dest else not result.framed
    top_level = top_level or started.then_connect
    if not top_level:
        # The new window cannot see this frame's (partitioned) cookies, so the connect cannot
        # be tied to this browser from here: the launch runs again in the new window, where
        # the portal is first-party, and goes straight on to OAuth there.
        return _connect_page(request, result, _relaunch_url(started, then_connect=True), True)
    pending = connect.start(result)
    connect_url = reverse("lti_connect", args=[pending.key])
    response = (
        redirect(connect_url)
        if started.then_connect
        else _connect_page(request, result, connect_url, False)
    )
    connect.bind_browser(response, pending)
    return response


def _connect_page(
    request: HttpRequest, result: Launch, connect_url: str, new_window: bool
) -> HttpResponse:
    return render(
        request,
        "lti/connect.html",
        {"connect_url": connect_url, "new_window": new_window, "name": result.name},
    )


def _pending_connect(request: HttpRequest, key: str) -> LtiPendingConnect | HttpResponse:
    """The unexpired connect for `key` if this is the browser that launched, else the page."""
    pending = connect.pending(key)
    if pending is None:
        return _answer(request, wording.EXPIRED)
    if not connect.from_launching_browser(request, pending):
        return _answer(request, wording.OTHER_BROWSER, "connect_in_another_browser")
    return pending


@require_GET
def connect_account(request: HttpRequest, key: str) -> HttpResponse:
    """Connect your Canvas account: only in the browser that launched, OAuth from scratch."""
    pending = _pending_connect(request, key)
    if isinstance(pending, HttpResponse):
        return pending
    # Whoever was signed in to the portal in this browser before proves nothing about who
    # launched: only the OAuth sign-in that follows may be bound.
    request.session.flush()
    connect.mark_oauth_started(pending)
    next_path = reverse("lti_continue", args=[key])
    return redirect(f"{reverse('login')}?{urlencode({'next': next_path})}")


@require_GET
def continue_launch(request: HttpRequest, key: str) -> HttpResponse:
    """After OAuth: bind the launch's `sub` to the Canvas user just signed in, then go on."""
    pending = _pending_connect(request, key)
    if isinstance(pending, HttpResponse):
        return pending
    user = current_user(request)
    if not pending.oauth_started or user is None:
        return redirect("lti_connect", key=key)
    if not connect.finish(pending, user.id):
        return _answer(request, wording.EXPIRED)
    response = redirect(reverse(pending.page if pending.page in PAGES else "channels"))
    connect.forget_browser(response, key)
    return response
