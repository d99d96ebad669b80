"""The institution's brand colour as a tiny stylesheet (CSP forbids inline styles)."""

import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_BRAND = "#0374B5"


@require_GET
@cache_control(max_age=3600, public=True)
def brand_css(request: HttpRequest) -> HttpResponse:
    # Only a plain hex colour gets through: the setting must not be able to inject CSS.
    colour = settings.BRAND_COLOR if _HEX_COLOUR.match(settings.BRAND_COLOR) else DEFAULT_BRAND
    return HttpResponse(f":root {{ --brand: {colour}; }}\n", content_type="text/css")
