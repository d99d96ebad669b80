"""The tool configuration, the tool's JWKS, and the cookie and framing settings LTI switches on."""

from __future__ import annotations

import json

import jwt
from cryptography.hazmat.primitives import serialization
from django.test import Client

from harness.portal import manage, production_env
from tests.lti.conftest import Lti
from tests.support.canvas import sign_in

LTI_ENV = {
    "LTI_ISSUER": "https://canvas.instructure.com",
    "LTI_CLIENT_ID": "10000000000077",
    "LTI_DEPLOYMENT_IDS": "1:abc,2:def",
    "CANVAS_FRAME_ANCESTORS": "https://canvas.example.edu",
}
SHOW_SETTINGS = (
    "import json; from django.conf import settings as s; print(json.dumps({"
    "'samesite': [s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SAMESITE],"
    "'secure': [s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE],"
    "'middleware': s.MIDDLEWARE, 'frame_ancestors': s.SECURE_CSP['frame-ancestors']}))"
)


def test_config_json_has_every_key_the_spec_lists(client: Client, settings) -> None:
    settings.LTI_WINDOW_TARGET = "_blank"
    settings.LTI_GLOBAL_NAVIGATION = False
    config = client.get("/lti/config.json").json()
    for key in ("title", "description", "oidc_initiation_url", "target_link_uri"):
        assert isinstance(config[key], str) and config[key], key
    assert config["oidc_initiation_url"] == "http://testserver/lti/login"
    assert config["target_link_uri"] == "http://testserver/lti/launch"
    assert config["public_jwk_url"] == "http://testserver/lti/jwks"
    # No custom field says who the user is: a teacher's link could override it (docs/lti.md).
    assert config["custom_fields"] == {"canvas_api_base_url": "$Canvas.api.baseUrl"}
    [extension] = config["extensions"]
    assert extension["platform"] == "canvas.instructure.com"
    assert extension["privacy_level"] in {"anonymous", "public", "name_only", "email_only"}
    placements = {p["placement"]: p for p in extension["settings"]["placements"]}
    assert set(placements) == {"user_navigation", "account_navigation"}
    for placement in placements.values():
        assert placement["message_type"] == "LtiResourceLinkRequest"
        assert placement["windowTarget"] == "_blank"
        assert placement["target_link_uri"] == config["target_link_uri"]
        assert "custom_fields" not in placement  # the page follows the placement claim


def test_window_target_and_global_navigation_are_settings(client: Client, settings) -> None:
    settings.LTI_WINDOW_TARGET = "iframe"
    settings.LTI_GLOBAL_NAVIGATION = True
    config = client.get("/lti/config.json").json()
    placements = {p["placement"]: p for p in config["extensions"][0]["settings"]["placements"]}
    assert set(placements) == {"user_navigation", "account_navigation", "global_navigation"}
    assert all("windowTarget" not in p for p in placements.values())
    assert placements["global_navigation"]["icon_url"].startswith("http://testserver/static/")


def test_emulator_accepts_the_config_and_its_launch(lti: Lti) -> None:
    # The fixture installed /lti/config.json into the emulator, whose checks follow Canvas's.
    assert lti.tool["placements"] == ["user_navigation", "account_navigation"]
    assert lti.tool["redirect_uris"] == ["http://testserver/lti/launch"]


def test_tool_jwks_publishes_the_configured_key(client: Client, settings, tool_private_key_pem):
    settings.LTI_TOOL_PRIVATE_KEY = tool_private_key_pem
    response = client.get("/lti/jwks")
    [jwk] = response.json()["keys"]
    assert jwk["alg"] == "RS256" and jwk["use"] == "sig" and jwk["kid"]
    private = serialization.load_pem_private_key(tool_private_key_pem.encode(), password=None)
    token = jwt.encode({"sub": "x"}, private, algorithm="RS256")
    assert jwt.decode(token, jwt.PyJWK(jwk).key, algorithms=["RS256"]) == {"sub": "x"}
    assert "d" not in jwk and "p" not in jwk  # public parts only


def test_state_cookie_is_cross_site_secure_and_partitioned(lti: Lti, client: Client) -> None:
    response = client.get(lti.initiation(1))
    [cookie] = [m for name, m in response.cookies.items() if name.startswith("lti_state_")]
    header = cookie.output(header="")
    for attribute in ("SameSite=None", "Secure", "HttpOnly", "Partitioned", "Path=/lti/"):
        assert attribute in header


def test_lti_settings_make_cookies_usable_in_the_canvas_frame(tool_private_key_pem: str) -> None:
    # A real key: production refuses an unreadable one (tests/production/test_config_safety.py).
    env = production_env(**LTI_ENV, LTI_TOOL_PRIVATE_KEY=tool_private_key_pem)
    result = manage("shell", "-c", SHOW_SETTINGS, env=env)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown["samesite"] == ["None", "None"]
    assert shown["secure"] == [True, True]
    assert "lti.cookies.PartitionedCookieMiddleware" in shown["middleware"]
    assert shown["middleware"].index("lti.cookies.PartitionedCookieMiddleware") < shown[
        "middleware"
    ].index("django.contrib.sessions.middleware.SessionMiddleware")
    assert shown["frame_ancestors"] == ["'self'", "https://canvas.example.edu"]


def test_lti_without_deployments_or_key_refuses_to_start() -> None:
    env = production_env(**{**LTI_ENV, "LTI_DEPLOYMENT_IDS": ""})
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "LTI_DEPLOYMENT_IDS and LTI_TOOL_PRIVATE_KEY" in result.stderr


def test_partitioned_session_cookie_when_lti_is_on(lti: Lti, client: Client, settings) -> None:
    settings.SESSION_COOKIE_SAMESITE = "None"
    settings.SESSION_COOKIE_SECURE = True
    lti.connect(1)
    response, _ = lti.launch(client, 1)
    session = response.cookies["sessionid"].output(header="")
    assert "SameSite=None" in session and "Secure" in session and "Partitioned" in session


def test_lax_cookies_are_left_alone(lti: Lti, client: Client) -> None:
    sign_in(lti.emulator, client, 1)
    session = client.get("/channels/").cookies.get("sessionid") or client.cookies["sessionid"]
    assert "Partitioned" not in session.output(header="")
