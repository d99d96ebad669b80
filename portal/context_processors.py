"""Values every template needs: branding, the signed-in user, portal.js's sentences."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from accounts.session import current_user
from portal import help_desk, wording


def portal(request: HttpRequest) -> dict[str, Any]:
    return {
        "portal_name": wording.portal_name(),
        "institution_name": settings.INSTITUTION_NAME,
        "brand_logo_url": settings.BRAND_LOGO_URL,
        "portal_user": current_user(request),
        "script_response_error": wording.SCRIPT_RESPONSE_ERROR,
        "script_send_error": wording.SCRIPT_SEND_ERROR,
        "canvas_profile_url": f"{settings.CANVAS_BASE_URL}/profile/settings",
        # After a sentence in a template that says to ask the help desk ("" when unset).
        "help_desk_contact": help_desk.contact(),
    }
