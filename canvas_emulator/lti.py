"""An LTI 1.3 platform, as Canvas runs one for navigation placements (docs/canvas-behaviour.md §8).

* ``GET /api/lti/security/jwks``: the platform's public keys (current and previous, so a rotation
  never breaks a launch in flight).
* ``GET|POST /api/lti/authorize_redirect``: the OIDC authorization endpoint. It checks the tool's
  request against the installed tool and the logged-in Canvas user, then answers with a page
  that form-posts a signed ``id_token`` to the tool's ``redirect_uri``.
* ``GET /profile`` and ``GET /accounts/1``: Canvas pages whose navigation lists the installed
  tools' ``user_navigation`` / ``account_navigation`` (and ``global_navigation``) links.
* ``GET /users/:id/external_tools/:tool`` and ``GET /accounts/1/external_tools/:tool``: the launch
  page: the tool in an iframe, or (``windowTarget: "_blank"``) straight to the tool's login.

Test controls (``/__emulator__/lti/...``) install a tool from its JSON configuration, rotate keys,
and mint launch parameters or crafted id_tokens (docs/emulator.md). RS256 signing uses
``cryptography``, the emulator's one dependency beyond the standard library.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from . import pages
from .oauth import current_session
from .state import GLOBAL_ID_BASE, ROOT_ACCOUNT_ID, State, User
from .wire import HttpError, Request, Response, html_response, json_response, redirect

if TYPE_CHECKING:
    from .server import App

ISSUER = "https://canvas.instructure.com"  # hosted Canvas's, whatever the host (§8)
AUTHORIZE_PATH = "/api/lti/authorize_redirect"
JWKS_PATH = "/api/lti/security/jwks"
ID_TOKEN_TTL_S = 3600
MESSAGE_HINT_TTL_S = 300  # the hint may be reused (a relaunch in a new window) until it expires
KEYS_PUBLISHED = 3  # Canvas publishes past, present and future keys; here the last three
LTI_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
PLACEMENT_CLAIM = "https://www.instructure.com/placement"
COURSE_OFFERING = "http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"
NAV_PLACEMENTS = ("user_navigation", "account_navigation", "global_navigation")
PRIVACY_LEVELS = {"anonymous", "public", "name_only", "email_only"}
VISIBILITIES = {"admins", "members", "public"}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int_b64(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private: rsa.RSAPrivateKey

    @classmethod
    def generate(cls) -> SigningKey:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        kid = f"emulator-{time.strftime('%Y%m%d')}-{secrets.token_hex(4)}"
        return cls(kid=kid, private=private)

    def public_jwk(self) -> dict[str, str]:
        numbers = self.private.public_key().public_numbers()
        return {
            "kty": "RSA",
            "e": _int_b64(numbers.e),
            "n": _int_b64(numbers.n),
            "kid": self.kid,
            "alg": "RS256",
            "use": "sig",
        }

    def sign(self, claims: dict[str, Any], *, kid: str | None = None) -> str:
        """A compact RS256 JWS; ``kid`` may lie (a forged token naming a published key)."""
        header = {"typ": "JWT", "alg": "RS256", "kid": kid or self.kid}
        signing_input = ".".join(
            b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)
        )
        signature = self.private.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{signing_input}.{b64url(signature)}"


class ConfigError(ValueError):
    """The tool's JSON configuration breaks a rule Canvas's schema enforces (§8)."""


@dataclass
class Tool:
    """An installed LTI 1.3 developer key plus its deployment in the root account."""

    id: int
    client_id: str
    deployment_id: str
    title: str
    oidc_initiation_url: str
    target_link_uri: str
    redirect_uris: list[str]
    custom_fields: dict[str, str]
    placements: list[dict[str, Any]]
    privacy_level: str

    def placement(self, name: str) -> dict[str, Any] | None:
        return next((p for p in self.placements if p["placement"] == name), None)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "client_id": self.client_id,
            "deployment_id": self.deployment_id,
            "title": self.title,
            "oidc_initiation_url": self.oidc_initiation_url,
            "target_link_uri": self.target_link_uri,
            "redirect_uris": self.redirect_uris,
            "placements": [p["placement"] for p in self.placements],
        }


def _require(config: dict[str, Any], key: str, where: str = "configuration") -> Any:
    value = config.get(key)
    if value in (None, "", [], {}):
        raise ConfigError(f"{where}: {key} is required")
    return value


def parse_config(config: Any) -> dict[str, Any]:
    """Check a tool configuration the way Canvas's schema does; return what a Tool needs."""
    if not isinstance(config, dict):
        raise ConfigError("configuration must be a JSON object")
    for key in ("title", "description", "target_link_uri", "oidc_initiation_url"):
        if not isinstance(_require(config, key), str):
            raise ConfigError(f"configuration: {key} must be a string")
    if not config.get("public_jwk") and not config.get("public_jwk_url"):
        raise ConfigError("configuration: public_jwk or public_jwk_url is required")
    custom = config.get("custom_fields") or {}
    if not isinstance(custom, dict):
        raise ConfigError("configuration: custom_fields must be an object")
    extensions = config.get("extensions") or []
    if not isinstance(extensions, list):
        raise ConfigError("configuration: extensions must be a list")
    placements: list[dict[str, Any]] = []
    privacy = "anonymous"
    for extension in extensions:
        if not isinstance(extension, dict):
            raise ConfigError("extensions[]: each item must be an object")
        _require(extension, "platform", "extensions[]")
        settings = _require(extension, "settings", "extensions[]")
        if extension["platform"] != "canvas.instructure.com":
            continue
        privacy = str(extension.get("privacy_level") or privacy)
        if privacy not in PRIVACY_LEVELS:
            raise ConfigError(f"extensions[]: privacy_level {privacy!r} is not allowed")
        for placement in _require(settings, "placements", "extensions[].settings"):
            placements.append(_check_placement(placement))
    return {
        "title": config["title"],
        "target_link_uri": config["target_link_uri"],
        "oidc_initiation_url": config["oidc_initiation_url"],
        "custom_fields": {str(k): str(v) for k, v in custom.items()},
        "placements": placements,
        "privacy_level": privacy,
    }


def _check_placement(placement: Any) -> dict[str, Any]:
    if not isinstance(placement, dict):
        raise ConfigError("placements[]: each item must be an object")
    name = _require(placement, "placement", "placements[]")
    where = f"placements[{name}]"
    message_type = placement.get("message_type", "LtiResourceLinkRequest")
    if name in NAV_PLACEMENTS and message_type != "LtiResourceLinkRequest":
        raise ConfigError(f"{where}: navigation placements support only LtiResourceLinkRequest")
    if "windowTarget" in placement and placement["windowTarget"] != "_blank":
        raise ConfigError(f'{where}: windowTarget may only be "_blank"')
    if placement.get("visibility") not in (None, *VISIBILITIES):
        raise ConfigError(f"{where}: visibility {placement['visibility']!r} is not allowed")
    custom = placement.get("custom_fields") or {}
    if not isinstance(custom, dict):
        raise ConfigError(f"{where}: custom_fields must be an object")
    return dict(placement)


@dataclass(frozen=True)
class LinkOptions:
    """What a link adds to a launch: a teacher's link in a course has its own custom fields
    (they override the tool's, as in Canvas) and puts the launch in that course's context."""

    custom: dict[str, str] = field(default_factory=dict)
    course_id: int | None = None

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> LinkOptions:
        custom = body.get("custom") or {}
        course = body.get("course_id")
        return cls(
            custom={str(k): str(v) for k, v in dict(custom).items()},
            course_id=None if course is None else int(course),
        )


@dataclass
class PendingLaunch:
    tool_id: int
    user_id: int
    placement: str
    expires_at: float
    link: LinkOptions = field(default_factory=LinkOptions)


@dataclass
class Platform:
    """Keys, installed tools and launch hints; reset with the rest of the emulator."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    keys: list[SigningKey] = field(default_factory=list)
    tools: dict[int, Tool] = field(default_factory=dict)
    hints: dict[str, PendingLaunch] = field(default_factory=dict)
    _first_key: SigningKey | None = None
    _stray_key: SigningKey | None = None

    def reset(self) -> None:
        with self.lock:
            # Key generation costs ~50 ms; every reset returns to the same start-up key.
            if self._first_key is None:
                self._first_key = SigningKey.generate()
            self.keys = [self._first_key]
            self.tools.clear()
            self.hints.clear()

    @property
    def current_key(self) -> SigningKey:
        return self.keys[-1]

    @property
    def stray_key(self) -> SigningKey:
        """A key the platform never publishes (for tokens that must fail verification)."""
        with self.lock:
            if self._stray_key is None:
                self._stray_key = SigningKey.generate()
            return self._stray_key

    def rotate(self) -> SigningKey:
        with self.lock:
            self.keys = [*self.keys, SigningKey.generate()][-KEYS_PUBLISHED:]
            return self.current_key

    def jwks(self) -> dict[str, Any]:
        with self.lock:
            return {"keys": [key.public_jwk() for key in self.keys]}

    def install(
        self,
        state: State,
        config: Any,
        deployment_id: str | None = None,
        client_id: str | None = None,
    ) -> Tool:
        """Install a tool; a fixed ``client_id`` lets a script (``make run``) configure the
        portal before the tool exists, as the demo's fixed API key does."""
        parsed = parse_config(config)
        with self.lock:
            if client_id is None:
                client_id = self._next_client_id(state)
            elif not client_id.isdigit() or int(client_id) >= 2**63:
                raise ConfigError("client_id must be a Canvas id: digits, below 2^63")
            elif self.tool_by_client_id(client_id) or state.key_by_client_id(client_id):
                raise ConfigError(f"client_id {client_id} is already taken")
            tool_id = len(self.tools) + 1
            redirect_uris = [parsed["target_link_uri"]] + [
                p["target_link_uri"] for p in parsed["placements"] if p.get("target_link_uri")
            ]
            tool = Tool(
                id=tool_id,
                client_id=client_id,
                deployment_id=deployment_id or f"{tool_id}:{secrets.token_hex(20)}",
                redirect_uris=list(dict.fromkeys(redirect_uris)),
                **parsed,
            )
            self.tools[tool.id] = tool
            return tool

    def _next_client_id(self, state: State) -> str:
        # An LTI key is a developer key in Canvas: same id sequence, skipping ids fixed at install.
        while True:
            client_id = str(GLOBAL_ID_BASE + state.next_id("developer_key"))
            if self.tool_by_client_id(client_id) is None:
                return client_id

    def tool_by_client_id(self, client_id: str | None) -> Tool | None:
        with self.lock:
            return next((t for t in self.tools.values() if t.client_id == client_id), None)

    # -- launches -------------------------------------------------------------------------------

    def login_initiation(
        self,
        tool: Tool,
        user: User,
        placement: str,
        base_url: str,
        link: LinkOptions | None = None,
    ) -> dict[str, str]:
        """The third-party-initiated login parameters Canvas sends to the tool (§8)."""
        hint = secrets.token_urlsafe(24)
        with self.lock:
            self.hints[hint] = PendingLaunch(
                tool.id, user.id, placement, time.time() + MESSAGE_HINT_TTL_S, link or LinkOptions()
            )
        config = tool.placement(placement) or {}
        return {
            "iss": ISSUER,
            "login_hint": user.uuid,
            "target_link_uri": config.get("target_link_uri") or tool.target_link_uri,
            "lti_message_hint": hint,
            "client_id": tool.client_id,
            "lti_deployment_id": tool.deployment_id,
            "canvas_region": "not_configured",
            "canvas_environment": "prod",
        }

    def claims(
        self,
        tool: Tool,
        user: User,
        placement: str,
        *,
        nonce: str,
        base_url: str,
        link: LinkOptions | None = None,
    ) -> dict[str, Any]:
        """The id_token of an LtiResourceLinkRequest from a placement (or a link in a course)."""
        link = link or LinkOptions()
        config = tool.placement(placement) or {}
        now = int(time.time())
        # Canvas merges tool, placement, then link custom fields: the link wins.
        custom = {**tool.custom_fields, **(config.get("custom_fields") or {}), **link.custom}
        context: dict[str, Any] | None = None
        if link.course_id is not None:
            context = {
                "id": f"course-{link.course_id}",
                "label": f"COURSE{link.course_id}",
                "title": f"Course {link.course_id}",
                "type": [COURSE_OFFERING],
            }
        elif placement == "account_navigation":
            context = {"id": f"account-{ROOT_ACCOUNT_ID}", "type": ["Organization"]}
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "aud": tool.client_id,
            "azp": tool.client_id,
            "sub": user.lti_id,
            "iat": now,
            "exp": now + ID_TOKEN_TTL_S,
            "nonce": nonce,
            LTI_CLAIM + "message_type": "LtiResourceLinkRequest",
            LTI_CLAIM + "version": "1.3.0",
            LTI_CLAIM + "deployment_id": tool.deployment_id,
            LTI_CLAIM + "target_link_uri": config.get("target_link_uri") or tool.target_link_uri,
            LTI_CLAIM + "resource_link": {"id": f"{tool.id}-{placement}", "title": tool.title},
            LTI_CLAIM + "roles": _roles(user),
            LTI_CLAIM + "custom": {k: _substitute(v, user, base_url) for k, v in custom.items()},
            LTI_CLAIM + "tool_platform": {
                "guid": "emulator-root-account",
                "name": "Demo University",
                "product_family_code": "canvas",
            },
            LTI_CLAIM + "launch_presentation": {
                # Always "iframe", even for windowTarget "_blank" placements (§8).
                "document_target": "iframe",
                "locale": user.effective_locale,
            },
            # Canvas also sends it unprefixed at the top level (`add_i18n_claims!`, §15.3).
            "locale": user.effective_locale,
            PLACEMENT_CLAIM: placement,
            # The user's LTI 1.1 id (opaque, 40 hex), sent beside the LTI 1.3 `sub`.
            LTI_CLAIM + "lti11_legacy_user_id": user.uuid,
        }
        if context is not None:
            claims[LTI_CLAIM + "context"] = context
        if tool.privacy_level in {"public", "name_only"}:
            claims.update(name=user.name, given_name=user.first_name, family_name=user.last_name)
        return claims

    def sign(self, claims: dict[str, Any], sign_with: str = "current") -> str:
        with self.lock:
            if sign_with == "current":
                return self.current_key.sign(claims)
            if sign_with == "unpublished":
                return self.stray_key.sign(claims)
            if sign_with == "forged":  # names the current kid, signed by another key
                return self.stray_key.sign(claims, kid=self.current_key.kid)
        raise ValueError("sign_with must be current, unpublished or forged")


def _roles(user: User) -> list[str]:
    if user.is_admin:
        return ["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"]
    if user.role == "teacher":
        return ["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor"]
    return ["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student"]


def _substitute(value: str, user: User, base_url: str) -> str:
    """Variable substitution; unknown ``$`` variables stay literal, as in Canvas."""
    known = {"$Canvas.user.id": str(user.id), "$Canvas.api.baseUrl": base_url}
    return known.get(value, value)


# -- Canvas routes --------------------------------------------------------------------------------


def _oidc_error(description: str, error: str = "invalid_request") -> HttpError:
    return HttpError(json_response({"error": error, "error_description": description}, 400))


def _session_user(state: State, req: Request) -> User | None:
    session = current_session(state, req)
    with state.lock:
        return state.users.get(session.user_id) if session and session.user_id else None


class Routes:
    """Canvas-facing handlers bound to one platform (the router calls them as (state, req))."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    def table(self) -> list[tuple[str, str, Any]]:
        return [
            ("GET", JWKS_PATH, self.jwks),
            ("GET", AUTHORIZE_PATH, self.authorize_redirect),
            ("POST", AUTHORIZE_PATH, self.authorize_redirect),
            ("GET", r"/profile", self.profile),
            ("GET", rf"/accounts/{ROOT_ACCOUNT_ID}", self.account),
            ("GET", r"/users/(?P<user_id>\d+|self)/external_tools/(?P<tool_id>\d+)", self.launch),
            (
                "GET",
                rf"/accounts/{ROOT_ACCOUNT_ID}/external_tools/(?P<tool_id>\d+)",
                self.launch,
            ),
        ]

    def jwks(self, state: State, req: Request) -> Response:
        return json_response(self.platform.jwks())

    def authorize_redirect(self, state: State, req: Request) -> Response:
        """OIDC authentication request from the tool: check it, then form-post the id_token."""
        expected = {
            "scope": "openid",
            "response_type": "id_token",
            "response_mode": "form_post",
            "prompt": "none",
        }
        for name, value in expected.items():
            if req.str_param(name) != value:
                raise _oidc_error(f"{name} must be {value}")
        tool = self.platform.tool_by_client_id(req.str_param("client_id"))
        if tool is None:
            raise _oidc_error("unknown client_id", "unauthorized_client")
        redirect_uri = req.str_param("redirect_uri") or ""
        if redirect_uri not in tool.redirect_uris:
            raise _oidc_error("redirect_uri is not registered for this tool")
        nonce = req.str_param("nonce")
        if not nonce:
            raise _oidc_error("nonce is required")
        with self.platform.lock:
            pending = self.platform.hints.get(req.str_param("lti_message_hint") or "")
        if pending is None or pending.expires_at < time.time() or pending.tool_id != tool.id:
            raise _oidc_error("lti_message_hint is invalid or expired")
        user = _session_user(state, req)
        if user is None:
            raise _oidc_error("the user is not logged in to Canvas", "login_required")
        if user.id != pending.user_id or req.str_param("login_hint") != user.uuid:
            raise _oidc_error("login_hint does not match the logged-in user", "login_required")
        claims = self.platform.claims(
            tool, user, pending.placement, nonce=nonce, base_url=req.base_url, link=pending.link
        )
        fields = {"id_token": self.platform.sign(claims), "state": req.str_param("state") or ""}
        return html_response(pages.form_post_page(redirect_uri, fields))

    def _nav_page(self, state: State, req: Request, placement: str, heading: str) -> Response:
        user = _session_user(state, req)
        if user is None:
            return redirect("/login/canvas")
        if placement == "account_navigation" and not user.is_admin:
            return html_response(pages.message_page("Unauthorized", "Admins only."), 401)
        with self.platform.lock:
            links = [
                (tool.placement(p) or {}, tool, p)
                for tool in self.platform.tools.values()
                for p in (placement, "global_navigation")
                if tool.placement(p) is not None
            ]
        items = [
            pages.NavLink(
                text=str(config.get("text") or tool.title),
                href=_launch_path(tool, p),
                new_window=config.get("windowTarget") == "_blank",
            )
            for config, tool, p in links
        ]
        return html_response(pages.navigation_page(heading, user, items))

    def profile(self, state: State, req: Request) -> Response:
        return self._nav_page(state, req, "user_navigation", "Account")

    def account(self, state: State, req: Request) -> Response:
        return self._nav_page(state, req, "account_navigation", "Admin: Demo University")

    def launch(self, state: State, req: Request) -> Response:
        user = _session_user(state, req)
        if user is None:
            return redirect("/login/canvas")
        placement = str(req.str_param("launch_type") or "user_navigation")
        with self.platform.lock:
            tool = self.platform.tools.get(int(req.route["tool_id"]))
        if tool is None or tool.placement(placement) is None:
            return html_response(pages.message_page("Page Not Found", "No such tool."), 404)
        params = self.platform.login_initiation(tool, user, placement, req.base_url)
        url = f"{tool.oidc_initiation_url}?{urlencode(params)}"
        if (tool.placement(placement) or {}).get("windowTarget") == "_blank":
            return redirect(url)  # a new tab, so the tool runs top-level
        return html_response(pages.tool_frame_page(tool.title, user, url))


def _launch_path(tool: Tool, placement: str) -> str:
    base = f"/accounts/{ROOT_ACCOUNT_ID}" if placement == "account_navigation" else "/users/self"
    return f"{base}/external_tools/{tool.id}?{urlencode({'launch_type': placement})}"


# -- control API (/__emulator__/lti/...) ----------------------------------------------------------


def _control_error(message: str, status: int = 400) -> Response:
    return json_response({"error": message}, status)


def _tool_and_user(app: App, body: dict[str, Any]) -> tuple[Tool, User] | Response:
    platform, state = app.lti, app.state
    with platform.lock:
        tools = list(platform.tools.values())
        tool = platform.tools.get(int(body["tool_id"])) if "tool_id" in body else None
    if tool is None and "tool_id" not in body and len(tools) == 1:
        tool = tools[0]
    if tool is None:
        return _control_error("no such tool (install one with POST lti/tools)", 404)
    with state.lock:
        user = state.users.get(int(body.get("user_id", 0)))
    if user is None:
        return _control_error("no such user", 404)
    return tool, user


def control_platform(app: App, req: Request) -> Response:
    with app.lti.lock:
        return json_response(
            {
                "issuer": ISSUER,
                "auth_url": req.base_url + AUTHORIZE_PATH,
                "jwks_url": req.base_url + JWKS_PATH,
                "kids": [key.kid for key in app.lti.keys],
            }
        )


def control_install(app: App, req: Request) -> Response:
    deployment = req.params.get("deployment_id")
    client_id = req.params.get("client_id")
    try:
        tool = app.lti.install(
            app.state,
            req.params.get("config"),
            None if deployment is None else str(deployment),
            None if client_id is None else str(client_id),
        )
    except ConfigError as err:
        return _control_error(str(err))
    return json_response(tool.as_json())


def control_tools(app: App, req: Request) -> Response:
    with app.lti.lock:
        return json_response([tool.as_json() for tool in app.lti.tools.values()])


def control_rotate(app: App, req: Request) -> Response:
    return json_response({"kid": app.lti.rotate().kid})


def control_login_initiation(app: App, req: Request) -> Response:
    found = _tool_and_user(app, req.params)
    if isinstance(found, Response):
        return found
    tool, user = found
    placement = str(req.params.get("placement") or "user_navigation")
    link = LinkOptions.from_body(req.params)
    # A link a teacher adds in a course needs no placement of the tool's (Canvas matches it by
    # URL or domain); a navigation link does.
    if tool.placement(placement) is None and link.course_id is None:
        return _control_error(f"the tool has no {placement} placement")
    params = app.lti.login_initiation(tool, user, placement, req.base_url, link)
    return json_response(
        {"url": f"{tool.oidc_initiation_url}?{urlencode(params)}", "params": params}
    )


def control_launch_token(app: App, req: Request) -> Response:
    """A signed id_token with chosen claims changed (``overrides``) or removed (``remove``)."""
    body = req.params
    found = _tool_and_user(app, body)
    if isinstance(found, Response):
        return found
    tool, user = found
    placement = str(body.get("placement") or "user_navigation")
    claims = app.lti.claims(
        tool,
        user,
        placement,
        nonce=str(body.get("nonce") or ""),
        base_url=req.base_url,
        link=LinkOptions.from_body(body),
    )
    claims.update(body.get("overrides") or {})
    for name in body.get("remove") or []:
        claims.pop(name, None)
    try:
        token = app.lti.sign(claims, str(body.get("sign_with") or "current"))
    except ValueError as err:
        return _control_error(str(err))
    return json_response({"id_token": token, "claims": claims})


CONTROL_ROUTES = [
    ("GET", r"lti/platform", control_platform),
    ("GET", r"lti/tools", control_tools),
    ("POST", r"lti/tools", control_install),
    ("POST", r"lti/rotate_keys", control_rotate),
    ("POST", r"lti/login_initiation", control_login_initiation),
    ("POST", r"lti/launch_token", control_launch_token),
]
