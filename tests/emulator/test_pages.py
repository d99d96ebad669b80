"""The HTML pages are valid, accessible and free of inline script/style (strict-CSP friendly)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
import requests

from .helpers import ADA, DEMO_CLIENT_ID, DEMO_REDIRECT

VOID = {"meta", "link", "input", "br", "img", "hr"}


class Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.labels: set[str] = set()
        self.inputs: list[dict[str, str | None]] = []
        self.lang: str | None = None
        self.h1 = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang")
        if tag == "h1":
            self.h1 += 1
        if tag == "script" and "src" not in attributes:
            self.problems.append("inline script")
        if tag == "style" or "style" in attributes:
            self.problems.append("inline style")
        if any(name.startswith("on") for name in attributes):
            self.problems.append("inline event handler")
        if tag == "label" and attributes.get("for"):
            self.labels.add(attributes["for"])
        if tag == "input" and attributes.get("type") != "hidden":
            self.inputs.append(attributes)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"unbalanced </{tag}>")
        else:
            self.stack.pop()


def _check(html: str) -> Checker:
    assert html.startswith("<!DOCTYPE html>")
    checker = Checker()
    checker.feed(html)
    assert checker.problems == []
    assert checker.stack == []
    assert checker.lang == "en"
    assert checker.h1 == 1
    for field in checker.inputs:
        assert field.get("id") in checker.labels, field
    return checker


def _confirm_page(emu) -> str:
    browser = requests.Session()
    browser.post(f"{emu.base_url}/__emulator__/session", json={"user_id": ADA}, timeout=5)
    browser.get(
        f"{emu.base_url}/login/oauth2/auth",
        params={
            "client_id": DEMO_CLIENT_ID,
            "response_type": "code",
            "redirect_uri": DEMO_REDIRECT,
            "scope": "url:GET|/api/v1/accounts",
        },
        allow_redirects=False,
        timeout=5,
    )
    return browser.get(f"{emu.base_url}/login/oauth2/confirm", timeout=5).text


@pytest.mark.parametrize("page", ["login", "confirm", "home"])
def test_pages_are_well_formed_and_accessible(emu, page):
    if page == "confirm":
        html = _confirm_page(emu)
    else:
        path = "/login/canvas" if page == "login" else "/"
        html = requests.get(f"{emu.base_url}{path}", timeout=5).text
    _check(html)


def test_user_supplied_text_is_escaped(emu):
    emu.create_user(name="<script>alert(1)</script> Mallory", login_id="mallory")
    html = requests.get(f"{emu.base_url}/login/canvas", timeout=5).text
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


def test_stylesheet_is_served(emu):
    response = requests.get(f"{emu.base_url}/__emulator__/static/emulator.css", timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/css")
    assert (
        requests.get(f"{emu.base_url}/__emulator__/static/..%2Fstate.py", timeout=5).status_code
        == 404
    )
