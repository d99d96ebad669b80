"""Values every template needs: branding and the signed-in user."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from accounts.session import current_user


def portal(request: HttpRequest) -> dict[str, Any]:
    return {
        "portal_name": settings.PORTAL_NAME,
        "institution_name": settings.INSTITUTION_NAME,
        "brand_logo_url": settings.BRAND_LOGO_URL,
        "portal_user": current_user(request),
        "canvas_profile_url": f"{settings.CANVAS_BASE_URL}/profile/settings",
    }
