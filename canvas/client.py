"""Canvas REST API calls the portal makes, as typed methods.

A client acts with one user's token. When Canvas says the token is no longer good (401 with
WWW-Authenticate, spec §3.5), the client asks its token source for a renewed one exactly once
and repeats the call; a second rejection propagates as NotAuthenticated.
"""

from collections.abc import Callable
from typing import Any, Protocol, TypeVar
from urllib.parse import quote

import requests

from canvas import http
from canvas.errors import NotAuthenticated, Unavailable
from canvas.records import CanvasUser, Channel

# What `_send` answers, for subclasses outside this package (which must not import requests).
Response = requests.Response

T = TypeVar("T")
PER_PAGE = 100
# Hard stop for runaway pagination: 100 channels is Canvas's own cap per user (spec §1.5).
MAX_PAGES = 50


class TokenSource(Protocol):
    def access_token(self) -> str:
        """A token believed valid (refreshed ahead of expiry)."""
        ...

    def renew(self, rejected: str) -> str:
        """A token to use after Canvas rejected `rejected`; raises NotAuthenticated if none."""
        ...


class StaticToken:
    """A token that cannot be renewed (a manually generated Canvas token)."""

    def __init__(self, token: str) -> None:
        self._token = token

    def access_token(self) -> str:
        return self._token

    def renew(self, rejected: str) -> str:
        raise NotAuthenticated("token rejected and cannot be renewed")


def user_path(user_id: int | str) -> str:
    return quote(str(user_id), safe=":")


class CanvasClient:
    def __init__(self, tokens: TokenSource) -> None:
        self._tokens = tokens

    # --- communication channels (spec §1) ---------------------------------------------------

    def list_channels(self, user_id: int | str = "self") -> list[Channel]:
        items = self._get_all(f"/api/v1/users/{user_path(user_id)}/communication_channels")
        return sorted((Channel.from_json(item) for item in items), key=lambda c: c.position)

    def create_channel(
        self,
        user_id: int | str,
        *,
        channel_type: str,
        address: str,
        skip_confirmation: bool = False,
    ) -> Channel:
        data = {
            "communication_channel[type]": channel_type,
            "communication_channel[address]": address,
        }
        if skip_confirmation:
            data["skip_confirmation"] = "true"
        response = self._send(
            "POST", f"/api/v1/users/{user_path(user_id)}/communication_channels", data=data
        )
        return Channel.from_json(http.parse_json(response))

    def delete_channel(self, user_id: int | str, channel_id: int) -> Channel:
        response = self._send(
            "DELETE", f"/api/v1/users/{user_path(user_id)}/communication_channels/{channel_id}"
        )
        return Channel.from_json(http.parse_json(response))

    def delete_push_token(self, push_token: str) -> None:
        # Canvas only offers this for the current user (spec §1.7).
        self._send(
            "DELETE",
            "/api/v1/users/self/communication_channels/push",
            data={"push_token": push_token},
        )

    # --- users and accounts (spec §5, §10) ---------------------------------------------------

    def get_user(self, user_id: int | str = "self") -> CanvasUser:
        response = self._send("GET", f"/api/v1/users/{user_path(user_id)}")
        return CanvasUser.from_json(http.parse_json(response))

    def list_accounts(self) -> list[dict[str, Any]]:
        return self._get_all("/api/v1/accounts")

    def account_permissions(self, account_id: int | str, permissions: list[str]) -> dict[str, bool]:
        response = self._send(
            "GET",
            f"/api/v1/accounts/{account_id}/permissions",
            params=[("permissions[]", p) for p in permissions],
        )
        body = http.parse_json(response)
        if not isinstance(body, dict):
            raise Unavailable("Unexpected permissions answer from Canvas")
        return {p: bool(body.get(p)) for p in permissions}

    def search_users(self, account_id: int | str, term: str) -> list[CanvasUser]:
        """The first page (up to 100) of matches: a short term at a large institution could
        match thousands, and a person refines the search rather than reads them all."""
        items = self._get_all(
            f"/api/v1/accounts/{account_id}/users",
            params=[("search_term", term), ("include[]", "email")],
            max_pages=1,
        )
        return [CanvasUser.from_json(item) for item in items]

    # --- plumbing -----------------------------------------------------------------------------

    def _send(self, method: str, path_or_url: str, **kwargs: Any) -> requests.Response:
        url = path_or_url if "://" in path_or_url else http.canvas_url(path_or_url)
        return self._with_token(lambda token: http.send(method, url, token=token, **kwargs))

    def _with_token(self, call: Callable[[str], T]) -> T:
        token = self._tokens.access_token()
        try:
            return call(token)
        except NotAuthenticated:
            return call(self._tokens.renew(rejected=token))

    def _get_all(
        self,
        path: str,
        params: list[tuple[str, str]] | None = None,
        *,
        max_pages: int = MAX_PAGES,
    ) -> list[Any]:
        """Every item of a paginated list, following `Link: rel="next"` (spec §2)."""
        query = [*(params or []), ("per_page", str(PER_PAGE))]
        response = self._send("GET", path, params=query)
        items: list[Any] = []
        for page_number in range(1, max_pages + 1):
            page = http.parse_json(response)
            if not isinstance(page, list):
                raise Unavailable("Canvas answered a list request with something else")
            items.extend(page)
            next_url = response.links.get("next", {}).get("url")
            if not next_url or not page or page_number == max_pages:
                return items
            if not http.same_origin_as_canvas(next_url):
                raise Unavailable("Canvas pointed pagination at another host")
            response = self._send("GET", next_url)
        return items
