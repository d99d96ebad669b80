"""Values every template needs: branding and the signed-in user."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from accounts.session import current_user
from portal import help_desk


def portal(request: HttpRequest) -> dict[str, Any]:
    return {
        "portal_name": settings.PORTAL_NAME,
        "institution_name": settings.INSTITUTION_NAME,
        "brand_logo_url": settings.BRAND_LOGO_URL,
        "portal_user": current_user(request),
        "canvas_profile_url": f"{settings.CANVAS_BASE_URL}/profile/settings",
        # After a sentence in a template that says to ask the help desk ("" when unset).
        "help_desk_contact": help_desk.contact(),
    }
