"""The LTI launch rules that need no Canvas key (lti/launch.py): where a launch came from, who it
was meant for, and tokens refused before any key is fetched. tests/lti/test_launch.py checks whole
signed launches against the emulator's platform."""

import base64
import json

import jwt
import pytest

from lti.config import Registration
from lti.launch import (
    COURSE_CONTEXT,
    LTI,
    PLACEMENT_CLAIM,
    LaunchRefused,
    WrongPlace,
    _check_authorized_party,
    _place,
    _verified_claims,
)

CLIENT_ID = "10000000000077"
# A JWKS URL nothing listens on: these tokens must be refused before it is asked.
REGISTRATION = Registration(
    issuer="https://canvas.instructure.com",
    client_id=CLIENT_ID,
    deployment_ids=("1:abc",),
    auth_url="http://127.0.0.1:9/auth",
    jwks_url="http://127.0.0.1:9/jwks",
)


def segment(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def refusal_code(id_token: str) -> str:
    with pytest.raises(LaunchRefused) as refused:
        _verified_claims(id_token, REGISTRATION)
    return refused.value.code


def test_a_token_that_is_not_a_jwt_is_malformed():
    tokens = ["", "not a token", "a.b.c", "...."]
    assert {token: refusal_code(token) for token in tokens} == dict.fromkeys(tokens, "malformed")


def test_a_token_signed_with_a_shared_secret_is_refused_whatever_the_secret():
    # HS256 with the public key as the secret is the classic algorithm confusion.
    token = jwt.encode(
        {"sub": "x"},
        "a-secret-at-least-32-bytes-long-0000",
        algorithm="HS256",
        headers={"kid": "k1"},
    )
    assert refusal_code(token) == "algorithm"


def test_an_unsigned_token_is_refused():
    token = f"{segment({'alg': 'none', 'kid': 'k1'})}.{segment({'sub': 'x'})}."
    assert refusal_code(token) == "algorithm"


def test_an_rs256_token_must_name_its_key():
    token = f"{segment({'alg': 'RS256'})}.{segment({'sub': 'x'})}.c2ln"
    assert refusal_code(token) == "algorithm"


def test_a_key_id_that_is_not_a_string_makes_the_token_malformed():
    for kid in [7, ["k1"]]:
        token = f"{segment({'alg': 'RS256', 'kid': kid})}.{segment({'sub': 'x'})}.c2ln"
        assert refusal_code(token) == "malformed", kid


def test_a_token_for_this_tool_alone_or_naming_it_as_authorized_party_passes():
    for claims in [
        {"aud": CLIENT_ID},
        {"aud": [CLIENT_ID]},
        {"aud": [CLIENT_ID, "other"], "azp": CLIENT_ID},
        {"aud": CLIENT_ID, "azp": CLIENT_ID},
    ]:
        _check_authorized_party(claims, CLIENT_ID)


def test_a_token_shared_with_another_audience_must_name_this_tool_as_authorized_party():
    for claims in [
        {"aud": [CLIENT_ID, "other"]},
        {"aud": CLIENT_ID, "azp": "other"},
        {"aud": [CLIENT_ID, "other"], "azp": "other"},
    ]:
        with pytest.raises(LaunchRefused, match="authorized_party"):
            _check_authorized_party(claims, CLIENT_ID)
            pytest.fail(f"accepted: {claims}")


def test_a_navigation_launch_opens_from_a_declared_placement():
    for placement in ["user_navigation", "account_navigation"]:
        assert _place({PLACEMENT_CLAIM: placement}) == placement


def test_global_navigation_is_refused_until_the_tool_declares_it(settings):
    settings.LTI_GLOBAL_NAVIGATION = False
    with pytest.raises(WrongPlace, match="placement"):
        _place({PLACEMENT_CLAIM: "global_navigation"})
    settings.LTI_GLOBAL_NAVIGATION = True
    assert _place({PLACEMENT_CLAIM: "global_navigation"}) == "global_navigation"


def test_a_missing_or_undeclared_placement_is_the_wrong_place():
    for placement in [None, "course_navigation", ["user_navigation"]]:
        with pytest.raises(WrongPlace, match="placement"):
            _place({PLACEMENT_CLAIM: placement})
            pytest.fail(f"accepted: {placement}")


def test_a_launch_inside_a_course_is_the_wrong_place_even_from_user_navigation():
    for kind in [
        [COURSE_CONTEXT + "CourseOffering"],
        COURSE_CONTEXT + "CourseSection",
        ["Group"],
        ["http://example.com/other", "CourseTemplate"],
    ]:
        claims = {PLACEMENT_CLAIM: "user_navigation", LTI + "context": {"type": kind}}
        with pytest.raises(WrongPlace, match="course_context"):
            _place(claims)
            pytest.fail(f"accepted: {kind}")


def test_an_account_context_or_an_odd_one_is_not_a_course():
    account = {"type": ["http://purl.imsglobal.org/vocab/lis/v2/account"]}
    for context in [account, {}, "course", None]:
        claims = {PLACEMENT_CLAIM: "account_navigation", LTI + "context": context}
        assert _place(claims) == "account_navigation", context
