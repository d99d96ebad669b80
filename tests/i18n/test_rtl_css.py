"""Arabic pages mirror through the stylesheet's logical properties alone: no physical left or
right may creep back into static/css/portal.css (it would stay put under dir="rtl")."""

from __future__ import annotations

import re
from pathlib import Path

STYLESHEET = Path(__file__).resolve().parents[2] / "static/css/portal.css"
PHYSICAL = re.compile(
    r"(?<![\w-])(?:left|right)(?![\w-])"  # left: …, text-align: right, float: left
    r"|-(?:left|right)\b"  # margin-left, border-right-color, padding-left
    # Four-value shorthands name left and right apart (two and three values are symmetric).
    r"|\b(?:margin|padding|inset|border-width|border-style|border-color|border-radius)"
    r"[ \t]*:[ \t]*[^;\s]+(?:[ \t]+[^;\s]+){3}[ \t]*;"
)


def test_the_stylesheet_uses_logical_properties_only():
    css = re.sub(r"/\*.*?\*/", "", STYLESHEET.read_text(encoding="utf-8"), flags=re.DOTALL)
    physical = [
        f"line {css.count(chr(10), 0, found.start()) + 1}: {found.group(0)}"
        for found in PHYSICAL.finditer(css)
    ]
    assert physical == [], "use margin-inline-start, inset-inline-start, text-align: start …"
