"""Checking Canvas's LTI 1.3 id_token (an LtiResourceLinkRequest from a navigation placement).

PyJWT verifies the RS256 signature against Canvas's published key, `iss`, `aud`, `exp` and `iat`
(with a little leeway for clock skew); the LTI rules on top are checked here. Every refusal
carries a short code for the log; the user sees one sentence whatever the reason.
"""

import hmac
import logging
from dataclasses import dataclass
from typing import Any

import jwt

from canvas import lti_keys
from lti.config import PAGE_FIELD, PAGES, Registration

logger = logging.getLogger("lti")

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
LEEWAY_SECONDS = 60


class LaunchRefused(Exception):
    """The id_token is not a launch this portal accepts; `code` says why (safe to log)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Launch:
    canvas_user_id: int
    name: str
    page: str  # a key of config.PAGES
    framed: bool  # Canvas says it shows the tool in an iframe


def _verified_claims(id_token: str, registration: Registration) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.PyJWTError:
        raise LaunchRefused("malformed") from None
    if header.get("alg") != "RS256" or not isinstance(header.get("kid"), str):
        raise LaunchRefused("algorithm")
    try:
        key = lti_keys.signing_key(header["kid"], registration.jwks_url)
    except lti_keys.UnknownSigningKey:
        raise LaunchRefused("unknown_key") from None
    try:
        return jwt.decode(
            id_token,
            key.key,
            algorithms=["RS256"],
            audience=registration.client_id,
            issuer=registration.issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["iss", "aud", "sub", "exp", "iat", "nonce"]},
        )
    except jwt.ExpiredSignatureError:
        raise LaunchRefused("expired") from None
    except jwt.ImmatureSignatureError:
        raise LaunchRefused("issued_in_future") from None
    except jwt.InvalidAudienceError:
        raise LaunchRefused("audience") from None
    except jwt.InvalidIssuerError:
        raise LaunchRefused("issuer") from None
    except jwt.InvalidSignatureError:
        raise LaunchRefused("signature") from None
    except jwt.MissingRequiredClaimError as err:
        raise LaunchRefused(f"missing_{err.claim}") from None
    except jwt.PyJWTError:
        raise LaunchRefused("invalid") from None


def validate(id_token: str, *, nonce: str, registration: Registration) -> Launch:
    """The launch in `id_token`, or LaunchRefused. `nonce` is the one /lti/login issued."""
    claims = _verified_claims(id_token, registration)
    audience = claims["aud"]
    if (
        isinstance(audience, list)
        and len(audience) > 1
        and claims.get("azp") != (registration.client_id)
    ):
        raise LaunchRefused("authorized_party")
    if not hmac.compare_digest(str(claims["nonce"]), nonce):
        raise LaunchRefused("nonce")
    if claims.get(LTI + "deployment_id") not in registration.deployment_ids:
        raise LaunchRefused("deployment")
    if claims.get(LTI + "message_type") != "LtiResourceLinkRequest":
        raise LaunchRefused("message_type")
    if claims.get(LTI + "version") != "1.3.0":
        raise LaunchRefused("version")
    custom = claims.get(LTI + "custom")
    custom = custom if isinstance(custom, dict) else {}
    # `sub` is an opaque LTI id; the API speaks Canvas's numeric id, from $Canvas.user.id.
    user_id = str(custom.get("canvas_user_id") or "")
    if not user_id.isdigit():
        raise LaunchRefused("user_id")
    page = str(custom.get(PAGE_FIELD) or "channels")
    presentation = claims.get(LTI + "launch_presentation")
    target = presentation.get("document_target") if isinstance(presentation, dict) else None
    return Launch(
        canvas_user_id=int(user_id),
        name=str(claims.get("name") or ""),
        page=page if page in PAGES else "channels",
        framed=target == "iframe",
    )
