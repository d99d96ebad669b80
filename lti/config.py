"""The platform registration (from settings) and the tool configuration a Canvas admin pastes."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation

from canvas.http import canvas_url
from lti import wording
from portal.languages import SHIPPED
from portal.wording import portal_name

PLATFORM = "canvas.instructure.com"
# The page each navigation placement opens (URL names). The placement comes from Canvas's
# `https://www.instructure.com/placement` claim, which Canvas sets and a link cannot change.
PLACEMENT_PAGES = {
    "user_navigation": "channels",
    "account_navigation": "helpdesk",
    "global_navigation": "channels",
}
PAGES = frozenset(PLACEMENT_PAGES.values())


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


def declared_placements() -> tuple[str, ...]:
    """The placements /lti/config.json declares; a launch from any other is refused."""
    placements = ("user_navigation", "account_navigation")
    return (*placements, "global_navigation") if settings.LTI_GLOBAL_NAVIGATION else placements


def _placement(name: str, text: str, launch_url: str, window_target: str) -> dict[str, Any]:
    placement: dict[str, Any] = {
        "placement": name,
        "message_type": "LtiResourceLinkRequest",
        "text": text,
        "target_link_uri": launch_url,
    }
    if window_target == "_blank":
        placement["windowTarget"] = "_blank"
    return placement


def _labels(text: Callable[[], str]) -> dict[str, str]:
    """`text()` in every shipped language, keyed by bare language (`es`, not `es-ES`): Canvas
    looks a label up by the user's locale, then by its language alone, so `es-ES` finds `es`,
    while a regional key would never serve the bare language (docs/canvas-behaviour.md §15.3)."""
    labels = {}
    for language in SHIPPED:
        with translation.override(language):
            labels[language] = text()
    return labels


def tool_configuration(request: HttpRequest) -> dict[str, Any]:
    """Canvas's JSON tool configuration, with absolute URLs for this host.

    Its rules: docs/canvas-behaviour.md §8. Texts are in the default language (English) with
    per-language `labels` on each placement (§15.3).
    """
    launch_url = request.build_absolute_uri(reverse("lti_launch"))
    target = settings.LTI_WINDOW_TARGET
    with translation.override(settings.LANGUAGE_CODE):
        name = portal_name()
        description = str(wording.TOOL_DESCRIPTION)
    # Canvas shows account_navigation to account admins; the help desk checks rights itself.
    texts: dict[str, Callable[[], str]] = {
        "account_navigation": lambda: wording.help_desk_link(portal_name()),
    }
    placements = []
    for placement_name in declared_placements():
        text = texts.get(placement_name, portal_name)
        placement = _placement(placement_name, text(), launch_url, target)
        placement["labels"] = _labels(text)
        placements.append(placement)
    for placement in placements:
        if placement["placement"] == "global_navigation":
            placement["icon_url"] = request.build_absolute_uri(static("img/favicon.svg"))
    return {
        "title": name,
        "description": description,
        "oidc_initiation_url": request.build_absolute_uri(reverse("lti_login")),
        "target_link_uri": launch_url,
        "public_jwk_url": request.build_absolute_uri(reverse("lti_jwks")),
        "scopes": [],
        "extensions": [
            {
                "platform": PLATFORM,
                # "public" sends the user's name (for the Connect page). Who the user is comes
                # from `sub` and the portal's own binding, never from a claim (docs/lti.md).
                "privacy_level": "public",
                "domain": request.get_host(),
                "settings": {"text": name, "placements": placements},
            }
        ],
        # No canvas_user_id: a link's own custom fields override the tool's in Canvas, so a
        # custom field can never say who the user is.
        "custom_fields": {"canvas_api_base_url": "$Canvas.api.baseUrl"},
    }
