"""The institution's brand colour as a tiny stylesheet (CSP forbids inline styles)."""

import logging
import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_BRAND = "#0374B5"
# The brand colour sits behind white text (header, buttons) and is the link colour on white:
# WCAG AA asks 4.5:1 for normal text either way.
MIN_CONTRAST_WITH_WHITE = 4.5


def _luminance(colour: str) -> float:
    """WCAG relative luminance of #RRGGBB."""

    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_with_white(colour: str) -> float:
    return 1.05 / (_luminance(colour) + 0.05)


def brand_colour() -> str:
    """The configured colour if it is plain hex and readable against white, else Canvas blue."""
    colour = settings.BRAND_COLOR
    # Only a plain hex colour gets through: the setting must not be able to inject CSS.
    if not _HEX_COLOUR.match(colour):
        logger.warning("BRAND_COLOR %r is not #RRGGBB; using %s", colour[:20], DEFAULT_BRAND)
        return DEFAULT_BRAND
    if contrast_with_white(colour) < MIN_CONTRAST_WITH_WHITE:
        logger.warning(
            "BRAND_COLOR %s has %.2f:1 contrast with white (under 4.5:1); using %s",
            colour,
            contrast_with_white(colour),
            DEFAULT_BRAND,
        )
        return DEFAULT_BRAND
    return colour


@require_GET
@cache_control(max_age=3600, public=True)
def brand_css(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f":root {{ --brand: {brand_colour()}; }}\n", content_type="text/css")
