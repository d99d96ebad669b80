"""The brand colour stylesheet: only safe, readable colours get through."""

import pytest

from portal.views.branding import DEFAULT_BRAND, contrast_with_white


@pytest.mark.parametrize(
    ("configured", "served"),
    [
        ("#6B1F4E", "#6B1F4E"),  # dark enough behind white text
        ("#FFD700", DEFAULT_BRAND),  # gold: white text on it would be unreadable
        ("red; } body { display: none", DEFAULT_BRAND),  # not a colour: no CSS injection
        ("#0374B5", "#0374B5"),
    ],
)
def test_brand_css_serves_only_readable_hex_colours(client, settings, configured, served):
    settings.BRAND_COLOR = configured
    response = client.get("/brand.css")
    assert response["Content-Type"] == "text/css"
    assert response.content.decode() == f":root {{ --brand: {served}; }}\n"


def test_canvas_blue_meets_aa_contrast_with_white():
    assert contrast_with_white("#0374B5") >= 4.5
    assert contrast_with_white("#FFFFFF") == pytest.approx(1.0)
