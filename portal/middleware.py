"""Request ids: one id per request, on every log line and in the `X-Request-ID` response header.

A load balancer's `X-Request-ID` is kept when it looks like an id, so its logs and ours can be
joined; anything else (too long, odd characters that could forge log lines) is replaced by a
fresh id. The hashed Canvas user id is added once the session is loaded (`process_view`).
"""

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from accounts.session import current_user

from .logging import (
    ENVIRON_REQUEST_ID,
    ENVIRON_USER_HASH,
    hash_user_id,
    request_id_var,
    user_hash_var,
)

HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,63}$")


def inbound_or_new_id(candidate: str | None) -> str:
    if candidate and _SANE_ID.match(candidate):
        return candidate
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Put first in MIDDLEWARE so even redirects and errors of later middleware carry the id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = inbound_or_new_id(request.headers.get(HEADER))
        # Read back by the audit log (helpdesk/audit.py) to tie its rows to these log lines;
        # HttpRequest declares no such attribute, hence the ignore.
        request.request_id = request_id  # type: ignore[attr-defined]
        request.META[ENVIRON_REQUEST_ID] = request_id
        id_token = request_id_var.set(request_id)
        user_token = user_hash_var.set(None)
        try:
            response = self.get_response(request)
        finally:
            # gthread workers reuse threads: nothing may leak into the next request's lines.
            request_id_var.reset(id_token)
            user_hash_var.reset(user_token)
        response[HEADER] = request_id
        return response

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., HttpResponse], *args: object
    ) -> None:
        session = getattr(request, "session", None)
        user = current_user(request) if session is not None else None
        if user is not None:
            user_hash = hash_user_id(user.id)
            user_hash_var.set(user_hash)
            request.META[ENVIRON_USER_HASH] = user_hash
