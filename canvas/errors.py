"""One typed error hierarchy for everything Canvas can answer badly.

Two branches, caught apart. `NotAuthenticated` means "sign in again": no view catches it, and
`accounts.session.canvas_login_required` alone turns it into the sign-in redirect. Every other
answer is a `CanvasError`, which views map to one sentence and one status. Keeping the two apart
means `except CanvasError` can never swallow a sign-in the user has to redo. Nothing else
inspects raw responses.
"""

from dataclasses import dataclass


class CanvasProblem(Exception):
    """Anything Canvas answered badly. Catch it only where every outcome is handled the same
    way (logging, best-effort calls); views catch `CanvasError`."""

    def __init__(self, detail: str = "", *, status: int | None = None) -> None:
        super().__init__(detail or self.__class__.__name__)
        self.detail = detail
        self.status = status


class NotAuthenticated(CanvasProblem):
    """The access token is missing, expired, revoked or unknown (401 with WWW-Authenticate).

    Not a CanvasError on purpose: it always ends in "sign in again", handled in one place.
    """


class CanvasError(CanvasProblem):
    """Canvas did not do what was asked; the view says why in a sentence."""


class InsufficientScope(CanvasError):
    """The developer key does not grant this endpoint (401 without WWW-Authenticate)."""


class Forbidden(CanvasError):
    """Signed in, but Canvas does not allow this (403, or 401 on older Canvas)."""


class NotFound(CanvasError):
    """The user or channel does not exist (or is already removed)."""


@dataclass(frozen=True)
class FieldProblem:
    """One reason Canvas gave for refusing a value, e.g. field "path", reason "unique!"."""

    field: str
    reason: str


class ValidationFailed(CanvasError):
    """Canvas refused the input (400 with an errors object)."""

    def __init__(self, problems: list[FieldProblem], *, status: int = 400) -> None:
        super().__init__("; ".join(f"{p.field}: {p.reason}" for p in problems), status=status)
        self.problems = problems

    def has(self, field: str, *reasons: str) -> bool:
        return any(p.field == field and (not reasons or p.reason in reasons) for p in self.problems)


class Throttled(CanvasError):
    """Canvas's rate limit: 403 "Rate Limit Exceeded" (older) or 429 (newer)."""


class Unavailable(CanvasError):
    """Canvas could not be reached or answered nonsense: timeout, 5xx, malformed body."""


class DeadlineExceeded(Unavailable):
    """Canvas used up the time one portal request may spend on it (every call, retry and page)."""


class AnswerRefused(Unavailable):
    """Canvas answered beyond what the portal accepts: too large, too many pages, or a next-page
    link to another host. Asking again would get the same answer, so the sentence differs."""


class OAuthFailed(CanvasError):
    """The OAuth token endpoint refused a code or a refresh token."""

    def __init__(self, error: str, description: str = "", *, status: int | None = None) -> None:
        super().__init__(f"{error}: {description}" if description else error, status=status)
        self.error = error
        self.description = description


class TokenWithoutUser(CanvasError):
    """The token endpoint answered without a `user` object holding an integer id.

    Canvas always sends one (docs/canvas-behaviour.md §3.3). Storing such a token would file it
    under a made-up user, so it is refused.
    """
