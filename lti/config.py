"""The platform registration (from settings) and the tool configuration a Canvas admin pastes."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse

from canvas.http import canvas_url

PLATFORM = "canvas.instructure.com"
# The custom field that tells the launch which portal page the link is for.
PAGE_FIELD = "portal_page"
PAGES = {"channels": "channels", "helpdesk": "helpdesk"}  # custom value -> URL name


@dataclass(frozen=True)
class Registration:
    issuer: str
    client_id: str
    deployment_ids: tuple[str, ...]
    auth_url: str
    jwks_url: str


def registration() -> Registration | None:
    """None until LTI_ISSUER and LTI_CLIENT_ID are set: /lti/login and /lti/launch answer 404."""
    if not (settings.LTI_ISSUER and settings.LTI_CLIENT_ID):
        return None
    return Registration(
        issuer=settings.LTI_ISSUER,
        client_id=settings.LTI_CLIENT_ID,
        deployment_ids=tuple(settings.LTI_DEPLOYMENT_IDS),
        auth_url=settings.LTI_AUTH_URL or canvas_url("/api/lti/authorize_redirect"),
        jwks_url=settings.LTI_JWKS_URL or canvas_url("/api/lti/security/jwks"),
    )


def _placement(
    name: str, text: str, launch_url: str, page: str, window_target: str
) -> dict[str, Any]:
    placement: dict[str, Any] = {
        "placement": name,
        "message_type": "LtiResourceLinkRequest",
        "text": text,
        "target_link_uri": launch_url,
        "custom_fields": {PAGE_FIELD: page},
    }
    if window_target == "_blank":
        placement["windowTarget"] = "_blank"
    return placement


def tool_configuration(request: HttpRequest) -> dict[str, Any]:
    """Canvas's JSON tool configuration (spec §8), with absolute URLs for this host."""
    launch_url = request.build_absolute_uri(reverse("lti_launch"))
    name = settings.PORTAL_NAME
    target = settings.LTI_WINDOW_TARGET
    placements = [
        _placement("user_navigation", name, launch_url, "channels", target),
        # Canvas shows account_navigation to account admins; the help desk checks rights itself.
        _placement("account_navigation", f"{name} help desk", launch_url, "helpdesk", target),
    ]
    if settings.LTI_GLOBAL_NAVIGATION:
        global_nav = _placement("global_navigation", name, launch_url, "channels", target)
        global_nav["icon_url"] = request.build_absolute_uri(static("img/favicon.svg"))
        placements.append(global_nav)
    return {
        "title": name,
        "description": "See, add and remove the email addresses and phone numbers Canvas "
        "uses to notify you.",
        "oidc_initiation_url": request.build_absolute_uri(reverse("lti_login")),
        "target_link_uri": launch_url,
        "public_jwk_url": request.build_absolute_uri(reverse("lti_jwks")),
        "scopes": [],
        "extensions": [
            {
                "platform": PLATFORM,
                # "public" sends the user's name; the Canvas user id comes from custom_fields.
                "privacy_level": "public",
                "domain": request.get_host(),
                "settings": {"text": name, "placements": placements},
            }
        ],
        "custom_fields": {
            "canvas_user_id": "$Canvas.user.id",
            "canvas_api_base_url": "$Canvas.api.baseUrl",
        },
    }
