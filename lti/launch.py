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
from lti.config import PLACEMENT_PAGES, Registration, declared_placements

logger = logging.getLogger("lti")

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
PLACEMENT_CLAIM = "https://www.instructure.com/placement"
LEEWAY_SECONDS = 60
# OIDC Core §2 caps nothing, but `sub` "MUST NOT exceed 255 ASCII characters".
MAX_SUBJECT = 255
# Canvas's locales are short BCP-47 tags (docs/canvas-behaviour.md §15.2).
MAX_LOCALE = 35
# LIS context types that put a launch inside a course (full and deprecated short forms).
COURSE_CONTEXT = "http://purl.imsglobal.org/vocab/lis/v2/course#"
COURSE_SHORT_TYPES = {"CourseTemplate", "CourseOffering", "CourseSection", "Group"}


class LaunchRefused(Exception):
    """The id_token is not a launch this portal accepts; `code` says why (safe to log)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class WrongPlace(LaunchRefused):
    """A genuine launch from somewhere the portal does not open: a course, or a placement the
    tool does not declare. The user is told where to open it instead."""


@dataclass(frozen=True)
class Launch:
    # Who launched: the LTI user. Which Canvas user that is, only an OAuth-proved binding says.
    issuer: str
    subject: str
    name: str
    page: str  # a URL name, from config.PLACEMENT_PAGES
    framed: bool  # Canvas says it shows the tool in an iframe
    # The launching request's locale as Canvas spells it (`pt-BR`), or None (§15.3).
    locale: str | None = None


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


def _check_authorized_party(claims: dict[str, Any], client_id: str) -> None:
    """OIDC Core §3.1.3.7: several audiences need `azp`; an `azp` present must be us."""
    audience = claims["aud"]
    several = isinstance(audience, list) and len(audience) > 1
    if "azp" in claims:
        if claims["azp"] != client_id:
            raise LaunchRefused("authorized_party")
    elif several:
        raise LaunchRefused("authorized_party")


def _is_course(context: Any) -> bool:
    if not isinstance(context, dict):
        return False
    types = context.get("type")
    types = types if isinstance(types, list) else [types]
    return any(
        isinstance(kind, str) and (kind.startswith(COURSE_CONTEXT) or kind in COURSE_SHORT_TYPES)
        for kind in types
    )


def _place(claims: dict[str, Any]) -> str:
    """The navigation placement launched from; a course or an undeclared placement is refused."""
    if _is_course(claims.get(LTI + "context")):
        raise WrongPlace("course_context")
    placement = claims.get(PLACEMENT_CLAIM)
    if placement not in declared_placements():
        raise WrongPlace("placement")
    return str(placement)


def validate(id_token: str, *, nonce: str, registration: Registration) -> Launch:
    """The launch in `id_token`, or LaunchRefused. `nonce` is the one /lti/login issued."""
    claims = _verified_claims(id_token, registration)
    _check_authorized_party(claims, registration.client_id)
    if not hmac.compare_digest(str(claims["nonce"]), nonce):
        raise LaunchRefused("nonce")
    if claims.get(LTI + "deployment_id") not in registration.deployment_ids:
        raise LaunchRefused("deployment")
    if claims.get(LTI + "message_type") != "LtiResourceLinkRequest":
        raise LaunchRefused("message_type")
    if claims.get(LTI + "version") != "1.3.0":
        raise LaunchRefused("version")
    subject = claims["sub"]
    if not isinstance(subject, str) or not subject or len(subject) > MAX_SUBJECT:
        raise LaunchRefused("subject")
    placement = _place(claims)
    presentation = claims.get(LTI + "launch_presentation")
    target = presentation.get("document_target") if isinstance(presentation, dict) else None
    # `launch_presentation.locale`, else the unprefixed top-level `locale` (§15.3).
    locale = presentation.get("locale") if isinstance(presentation, dict) else None
    if not isinstance(locale, str):
        locale = claims.get("locale")
    # Custom claims are deliberately not read: in Canvas a link's custom fields override the
    # tool's, and teachers create links, so they can say anything about who the user is.
    return Launch(
        issuer=str(claims["iss"]),
        subject=subject,
        name=str(claims.get("name") or "")[:200],
        page=PLACEMENT_PAGES[placement],
        framed=target == "iframe",
        locale=locale if isinstance(locale, str) and 0 < len(locale) <= MAX_LOCALE else None,
    )
