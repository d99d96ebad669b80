"""LTI 1.3 endpoints: the tool configuration and keys, Canvas's OIDC login initiation, the launch,
and the way back after "Connect your Canvas account" (docs/lti.md).

A launch only says who the user is. The portal signs that user in only when it already holds a
working Canvas token for exactly that Canvas user id; otherwise the user connects their account
through OAuth in a top-level window (spec §3.7), and the portal checks that the account they
connected is the one Canvas launched for.
"""

import logging
import secrets
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import CanvasToken
from accounts.session import SESSION_USER, canvas_login_required, sign_in
from accounts.tokens import StoredToken
from canvas.client import CanvasClient
from canvas.errors import CanvasError, Forbidden, InsufficientScope, NotAuthenticated
from canvas.records import CanvasUser
from lti import state as launch_state
from lti import tool_key
from lti.config import PAGES, Registration, registration, tool_configuration
from lti.launch import Launch, LaunchRefused, validate
from lti.models import LtiPendingConnect
from portal import limits
from portal.limited import limited

logger = logging.getLogger("lti")


def _registration() -> Registration:
    found = registration()
    if found is None:
        raise Http404("LTI is not configured")
    return found


def lti_enabled() -> bool:
    return registration() is not None


def problem_page(request: HttpRequest, title: str, message: str, status: int) -> HttpResponse:
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def _expired(request: HttpRequest) -> HttpResponse:
    return problem_page(
        request,
        "This link has expired",
        "This link from Canvas is out of date or was already used. Open the portal from the "
        "link in Canvas again.",
        400,
    )


def _refused(request: HttpRequest, code: str) -> HttpResponse:
    logger.warning("LTI launch refused: %s", code, extra={"reason": code})
    return problem_page(
        request,
        "Canvas could not open the portal",
        "The portal could not confirm that this link came from your Canvas. Open the portal "
        "from the link in Canvas again; if this keeps happening, tell your help desk.",
        400,
    )


def _canvas_down(request: HttpRequest) -> HttpResponse:
    return problem_page(
        request,
        "Canvas is not answering",
        "Canvas did not answer, so the portal could not open. Try again in a few minutes.",
        503,
    )


@require_GET
def config_json(request: HttpRequest) -> JsonResponse:
    """What a Canvas admin pastes into an LTI developer key (spec §8); needs no registration."""
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
    # The spec asks the tool to check target_link_uri: only this portal's own pages.
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
    problem = _initiation_problem(request, params, reg)
    if problem is not None:
        return _refused(request, problem)
    started = launch_state.begin({k: str(v) for k, v in params.items()})
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
    launch_id = request.POST.get("state", "")
    if request.POST.get("error"):
        return _refused(request, f"platform_{request.POST['error'][:40]}")
    id_token = request.POST.get("id_token", "")
    if not launch_id or not id_token:
        return _refused(request, "missing_fields")
    binding = launch_state.binding(request, launch_id)
    if binding == "no_cookies":
        # Most likely a browser that blocks cookies in Canvas's frame: offer a new window.
        row = launch_state.pending(launch_id)
        if row is None or not row.initiation:
            return _expired(request)
        relaunch = f"{reverse('lti_login')}?{urlencode(row.initiation)}"
        return render(request, "lti/new_window.html", {"relaunch_url": relaunch})
    if binding == "mismatch":
        return _refused(request, "state_mismatch")
    nonce = launch_state.consume(launch_id)
    if nonce is None:
        return _expired(request)
    try:
        result = validate(id_token, nonce=nonce, registration=reg)
    except LaunchRefused as refusal:
        response = _refused(request, refusal.code)
    except CanvasError:
        response = _canvas_down(request)  # Canvas's keys could not be fetched
    else:
        response = _sign_in_or_connect(request, result)
    launch_state.forget(response, launch_id)
    return response


def _working_token_user(canvas_user_id: int) -> CanvasUser | None:
    """The Canvas user behind the stored token, if the portal holds one that still works."""
    if not CanvasToken.objects.filter(canvas_user_id=canvas_user_id).exists():
        return None
    try:
        return CanvasClient(StoredToken(canvas_user_id)).get_user("self")
    except (NotAuthenticated, InsufficientScope, Forbidden):
        return None  # revoked, or no longer allowed: connect again


def _sign_in_or_connect(request: HttpRequest, result: Launch) -> HttpResponse:
    destination = reverse(PAGES[result.page])
    try:
        user = _working_token_user(result.canvas_user_id)
    except CanvasError:
        return _canvas_down(request)
    if user is not None and user.id == result.canvas_user_id:
        sign_in(request, user_id=user.id, name=user.name)
        return redirect(destination)
    LtiPendingConnect.objects.filter(
        created_at__lt=timezone.now() - launch_state.CONNECT_LIFETIME
    ).delete()
    pending = LtiPendingConnect.objects.create(
        key=secrets.token_urlsafe(32), canvas_user_id=result.canvas_user_id, page=result.page
    )
    next_path = reverse("lti_continue", args=[pending.key])
    # Canvas's sign-in must run top-level (spec §3.7): from a frame, in a new window.
    # Sec-Fetch-Dest tells a frame from a tab; without it, trust Canvas's document_target.
    fetch_dest = request.headers.get("Sec-Fetch-Dest")
    top_level = fetch_dest == "document" if fetch_dest else not result.framed
    return render(
        request,
        "lti/connect.html",
        {
            "connect_url": f"{reverse('login')}?{urlencode({'next': next_path})}",
            "new_window": not top_level,
            "name": result.name,
        },
    )


@require_GET
@canvas_login_required
def continue_launch(request: HttpRequest, key: str) -> HttpResponse:
    """After OAuth: go where the launch pointed, if the connected account is the launched one."""
    pending = LtiPendingConnect.objects.filter(
        key=key, created_at__gte=timezone.now() - launch_state.CONNECT_LIFETIME
    ).first()
    if pending is None:
        return _expired(request)
    user = request.portal_user  # type: ignore[attr-defined]
    if pending.canvas_user_id != user.id:
        logger.warning("LTI connect refused: the connected Canvas account is another user")
        request.session.pop(SESSION_USER, None)
        return problem_page(
            request,
            "This is a different Canvas account",
            f"You connected the Canvas account of {user.name}, but Canvas opened this portal "
            "for someone else, so you have not been signed in. Sign out of Canvas, sign in "
            "with your own account, and open the portal from Canvas again.",
            403,
        )
    pending.delete()
    return redirect(reverse(PAGES.get(pending.page, "channels")))
