"""The emulator's LTI 1.3 platform: tool install checks, JWKS and rotation, authorize_redirect,
the navigation pages, and the test controls that mint launches."""

from __future__ import annotations

import re
import uuid
from html import unescape
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jwt
import pytest
import requests

from harness.emulator import EmulatorError, EmulatorProcess

from .helpers import ADA, BEN, HELPDESK

TOOL = "https://tool.example.edu"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"


def config(**changes: Any) -> dict[str, Any]:
    placements = [
        {
            "placement": "user_navigation",
            "message_type": "LtiResourceLinkRequest",
            "text": "Contact Methods",
            "custom_fields": {"portal_page": "channels"},
        },
        {
            "placement": "account_navigation",
            "message_type": "LtiResourceLinkRequest",
            "windowTarget": "_blank",
            "custom_fields": {"portal_page": "helpdesk"},
        },
    ]
    base = {
        "title": "Contact Methods",
        "description": "Manage your contact methods",
        "oidc_initiation_url": f"{TOOL}/lti/login",
        "target_link_uri": f"{TOOL}/lti/launch",
        "public_jwk_url": f"{TOOL}/lti/jwks",
        "extensions": [
            {
                "platform": "canvas.instructure.com",
                "privacy_level": "public",
                "settings": {"placements": placements},
            }
        ],
        "custom_fields": {
            "canvas_user_id": "$Canvas.user.id",
            "canvas_api_base_url": "$Canvas.api.baseUrl",
        },
    }
    return {**base, **changes}


@pytest.fixture
def tool(emu: EmulatorProcess) -> dict[str, Any]:
    return emu.control("POST", "lti/tools", {"config": config()})


def logged_in(emu: EmulatorProcess, user_id: int) -> requests.Session:
    browser = requests.Session()
    browser.post(f"{emu.base_url}/__emulator__/session", json={"user_id": user_id}, timeout=5)
    return browser


def auth_request(emu: EmulatorProcess, user_id: int, **changes: str) -> dict[str, str]:
    """What the tool sends to authorize_redirect after Canvas's login initiation."""
    params = emu.control("POST", "lti/login_initiation", {"user_id": user_id})["params"]
    request = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": params["client_id"],
        "redirect_uri": params["target_link_uri"],
        "login_hint": params["login_hint"],
        "lti_message_hint": params["lti_message_hint"],
        "state": "state-1",
        "nonce": "nonce-1",
    }
    return {**request, **changes}


def verify(emu: EmulatorProcess, token: str, audience: str) -> dict[str, Any]:
    keys = requests.get(f"{emu.base_url}/api/lti/security/jwks", timeout=5).json()["keys"]
    kid = jwt.get_unverified_header(token)["kid"]
    [key] = [jwt.PyJWK(k) for k in keys if k["kid"] == kid]
    return jwt.decode(token, key.key, algorithms=["RS256"], audience=audience)


def form_fields(html: str) -> dict[str, str]:
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html)
    return {name: unescape(value) for name, value in fields}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "title is required"),
        ({"oidc_initiation_url": None}, "oidc_initiation_url is required"),
        ({"public_jwk_url": None}, "public_jwk or public_jwk_url is required"),
        ({"extensions": [{"platform": "canvas.instructure.com"}]}, "settings is required"),
        (
            {
                "extensions": [
                    {
                        "platform": "canvas.instructure.com",
                        "settings": {
                            "placements": [
                                {"placement": "user_navigation", "windowTarget": "_self"}
                            ]
                        },
                    }
                ]
            },
            "windowTarget may only be",
        ),
        (
            {
                "extensions": [
                    {
                        "platform": "canvas.instructure.com",
                        "settings": {
                            "placements": [
                                {
                                    "placement": "global_navigation",
                                    "message_type": "LtiDeepLinkingRequest",
                                }
                            ]
                        },
                    }
                ]
            },
            "only LtiResourceLinkRequest",
        ),
    ],
)
def test_install_checks_the_configuration(
    emu: EmulatorProcess, changes: dict, message: str
) -> None:
    with pytest.raises(EmulatorError, match=re.escape(message)):
        emu.control("POST", "lti/tools", {"config": config(**changes)})


def test_install_can_fix_the_client_and_deployment_ids(emu: EmulatorProcess) -> None:
    """`make run` starts the portal with these ids, then installs its configuration."""
    body = {"config": config(), "client_id": "10000000000100", "deployment_id": "1:demo"}
    tool = emu.control("POST", "lti/tools", body)
    assert (tool["client_id"], tool["deployment_id"]) == ("10000000000100", "1:demo")
    params = emu.control("POST", "lti/login_initiation", {"user_id": ADA})["params"]
    assert (params["client_id"], params["lti_deployment_id"]) == ("10000000000100", "1:demo")
    # Taken ids (this tool's, the demo API key's) and non-ids are refused.
    for client_id, message in [
        ("10000000000100", "already taken"),
        ("10000000000001", "already taken"),
        ("demo", "must be a Canvas id"),
    ]:
        with pytest.raises(EmulatorError, match=message):
            emu.control("POST", "lti/tools", {"config": config(), "client_id": client_id})
    other = emu.control("POST", "lti/tools", {"config": config()})
    assert other["client_id"] not in {"10000000000001", "10000000000100"}


def test_authorize_redirect_posts_a_signed_launch(emu: EmulatorProcess, tool: dict) -> None:
    request = auth_request(emu, ADA)
    page = logged_in(emu, ADA).get(f"{emu.base_url}/api/lti/authorize_redirect", params=request)
    assert page.status_code == 200
    assert f'action="{TOOL}/lti/launch"' in page.text
    assert '<script src="/__emulator__/static/autosubmit.js">' in page.text
    fields = form_fields(page.text)
    assert fields["state"] == "state-1"
    claims = verify(emu, fields["id_token"], tool["client_id"])
    assert claims["iss"] == "https://canvas.instructure.com"
    assert claims["nonce"] == "nonce-1"
    # `sub` is Canvas's opaque lti_id (a UUID), not the numeric id nor the login_hint.
    assert str(uuid.UUID(claims["sub"])) == claims["sub"] and claims["sub"] != str(ADA)
    assert claims[LTI + "lti11_legacy_user_id"] == request["login_hint"] != claims["sub"]
    assert LTI + "context" not in claims
    assert claims[LTI + "deployment_id"] == tool["deployment_id"]
    assert claims[LTI + "message_type"] == "LtiResourceLinkRequest"
    assert claims[LTI + "version"] == "1.3.0"
    assert claims[LTI + "custom"] == {
        "canvas_user_id": str(ADA),
        "canvas_api_base_url": emu.base_url,
        "portal_page": "channels",
    }
    assert claims["name"] == "Ada Lovelace"
    assert claims["https://www.instructure.com/placement"] == "user_navigation"
    # The hint stays valid for a relaunch (e.g. in a new window).
    again = logged_in(emu, ADA).post(f"{emu.base_url}/api/lti/authorize_redirect", data=request)
    assert again.status_code == 200


def test_a_teachers_course_link_overrides_custom_fields_and_names_the_course(
    emu: EmulatorProcess, tool: dict
) -> None:
    body = {"user_id": ADA, "custom": {"canvas_user_id": "3", "extra": "x"}, "course_id": 7}
    body["placement"] = "link_selection"  # not one of the tool's placements: allowed in a course
    params = emu.control("POST", "lti/login_initiation", body)["params"]
    request = {**auth_request(emu, ADA), "lti_message_hint": params["lti_message_hint"]}
    page = logged_in(emu, ADA).get(f"{emu.base_url}/api/lti/authorize_redirect", params=request)
    claims = verify(emu, form_fields(page.text)["id_token"], tool["client_id"])
    assert claims[LTI + "custom"]["canvas_user_id"] == "3"  # the link's value wins
    assert claims[LTI + "custom"]["extra"] == "x"
    assert claims[LTI + "context"]["type"] == [
        "http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"
    ]
    assert claims["https://www.instructure.com/placement"] == "link_selection"


@pytest.mark.parametrize(
    ("changes", "user", "error"),
    [
        ({"client_id": "10000000099999"}, ADA, "unknown client_id"),
        ({"redirect_uri": "https://evil.example.com/launch"}, ADA, "redirect_uri is not"),
        ({"nonce": ""}, ADA, "nonce is required"),
        ({"response_type": "code"}, ADA, "response_type must be id_token"),
        ({"prompt": "login"}, ADA, "prompt must be none"),
        ({"lti_message_hint": "made-up"}, ADA, "lti_message_hint is invalid"),
        ({}, BEN, "login_hint does not match"),
        ({}, None, "not logged in"),
    ],
)
def test_authorize_redirect_refuses_bad_requests(
    emu: EmulatorProcess, tool: dict, changes: dict, user: int | None, error: str
) -> None:
    browser = logged_in(emu, user) if user else requests.Session()
    response = browser.get(
        f"{emu.base_url}/api/lti/authorize_redirect", params=auth_request(emu, ADA, **changes)
    )
    assert response.status_code == 400
    assert error in response.json()["error_description"]


def test_key_rotation_publishes_old_and_new(emu: EmulatorProcess, tool: dict) -> None:
    first = emu.control("GET", "lti/platform")["kids"]
    new_kid = emu.control("POST", "lti/rotate_keys")["kid"]
    keys = requests.get(f"{emu.base_url}/api/lti/security/jwks", timeout=5).json()["keys"]
    assert [k["kid"] for k in keys] == [*first, new_kid]
    assert all(k["kty"] == "RSA" and k["alg"] == "RS256" and "d" not in k for k in keys)
    token = emu.control("POST", "lti/launch_token", {"user_id": ADA, "nonce": "n"})["id_token"]
    assert jwt.get_unverified_header(token)["kid"] == new_kid
    emu.reset()
    assert emu.control("GET", "lti/platform")["kids"] == first


def test_launch_token_control_crafts_tokens(emu: EmulatorProcess, tool: dict) -> None:
    body = {"user_id": ADA, "nonce": "n", "overrides": {"aud": "x"}, "remove": ["sub"]}
    made = emu.control("POST", "lti/launch_token", body)
    claims = jwt.decode(made["id_token"], options={"verify_signature": False})
    assert claims["aud"] == "x" and "sub" not in claims
    forged = emu.control(
        "POST", "lti/launch_token", {"user_id": ADA, "nonce": "n", "sign_with": "forged"}
    )["id_token"]
    assert jwt.get_unverified_header(forged)["kid"] == emu.control("GET", "lti/platform")["kids"][0]
    with pytest.raises(jwt.InvalidSignatureError):
        verify(emu, forged, tool["client_id"])


def test_navigation_pages_link_and_launch_the_tool(emu: EmulatorProcess, tool: dict) -> None:
    ada = logged_in(emu, ADA)
    profile = ada.get(f"{emu.base_url}/profile", timeout=5)
    link = f"/users/self/external_tools/{tool['id']}?launch_type=user_navigation"
    assert f'<a href="{link}">Contact Methods</a>' in unescape(profile.text)
    framed = ada.get(emu.base_url + link, timeout=5)
    src = unescape(re.search(r'<iframe[^>]* src="([^"]+)"', framed.text).group(1))
    assert src.startswith(f"{TOOL}/lti/login?")
    params = dict(parse_qsl(urlsplit(src).query))
    assert params["client_id"] == tool["client_id"]
    assert params["lti_deployment_id"] == tool["deployment_id"]
    assert params["iss"] == "https://canvas.instructure.com"
    # account_navigation: admins only, and windowTarget "_blank" opens the tool in a new tab.
    assert ada.get(f"{emu.base_url}/accounts/1", timeout=5).status_code == 401
    staff = logged_in(emu, HELPDESK)
    account = staff.get(f"{emu.base_url}/accounts/1", timeout=5)
    assert 'target="_blank"' in account.text
    launch = staff.get(
        f"{emu.base_url}/accounts/1/external_tools/{tool['id']}?launch_type=account_navigation",
        allow_redirects=False,
        timeout=5,
    )
    assert launch.status_code == 302
    assert launch.headers["Location"].startswith(f"{TOOL}/lti/login?")
    assert (
        requests.get(f"{emu.base_url}/profile", allow_redirects=False, timeout=5).status_code == 302
    )


def test_autosubmit_script_is_served_as_javascript(emu: EmulatorProcess) -> None:
    response = requests.get(f"{emu.base_url}/__emulator__/static/autosubmit.js", timeout=5)
    assert response.headers["Content-Type"].startswith("text/javascript")
