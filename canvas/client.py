"""Canvas REST API calls the portal makes, as typed methods.

A client acts with one user's token. When Canvas says the token is no longer good (401 with
WWW-Authenticate, docs/canvas-behaviour.md §3.5), the client asks its token source for a renewed
one exactly once and repeats the call; a second rejection propagates as NotAuthenticated.

One client serves one portal request: its Deadline, started when the client is made, bounds
every call, retry and page that request makes (CANVAS_REQUEST_DEADLINE).
"""

from collections.abc import Callable
from typing import Any, Protocol, TypeVar
from urllib.parse import quote, urlsplit

import requests
from django.conf import settings

from canvas import http
from canvas.bounded import Deadline, refuse
from canvas.errors import NotAuthenticated, Unavailable
from canvas.records import (
    BouncedChannel,
    CanvasUser,
    Channel,
    CommMessage,
    NotificationPreference,
)

# What `_send` answers, for subclasses outside this package (which must not import requests).
Response = requests.Response

T = TypeVar("T")
PER_PAGE = 100


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
    def __init__(self, tokens: TokenSource, *, deadline: Deadline | None = None) -> None:
        self._tokens = tokens
        self.deadline = deadline or Deadline.after(settings.CANVAS_REQUEST_DEADLINE)

    # --- communication channels (docs/canvas-behaviour.md §1) -------------------------------

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
        # Canvas only offers this for the current user (docs/canvas-behaviour.md §1.7).
        self._send(
            "DELETE",
            "/api/v1/users/self/communication_channels/push",
            data={"push_token": push_token},
        )

    # --- users and accounts (docs/canvas-behaviour.md §5, §10) ------------------------------

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
            first_page_only=True,
        )
        return [CanvasUser.from_json(item) for item in items]

    # --- help-desk diagnostics and the default email (docs/canvas-behaviour.md §13, §14) -------

    def set_default_email(self, user_id: int | str, address: str) -> CanvasUser:
        """Move the user's email row with this address to the top (§13.1). Canvas makes a row
        it does not have (unconfirmed), so callers pass only an address the user already has."""
        response = self._send(
            "PUT", f"/api/v1/users/{user_path(user_id)}", data={"user[email]": address}
        )
        return CanvasUser.from_json(http.parse_json(response))

    def bounced_channels(self, account_id: int | str, pattern: str) -> list[BouncedChannel]:
        """The bounced-channel report filtered by `pattern` (a whole address, `*` for any
        characters; §14.1). Not paginated: one answer of at most 1000 rows."""
        response = self._send(
            "GET",
            f"/api/v1/accounts/{account_id}/bounced_communication_channels",
            params=[("pattern", pattern), ("order", "desc")],
        )
        return BouncedChannel.rows_from_report(http.parse_json(response))

    def comm_messages(self, user_id: int, start_time: str, limit: int) -> list[CommMessage]:
        """The newest `limit` messages Canvas made for the user since `start_time` (§14.3):
        the first page only, since a person reads the latest ones, not a year of them."""
        response = self._send(
            "GET",
            "/api/v1/comm_messages",
            params=[
                ("user_id", str(user_id)),
                ("start_time", start_time),
                ("per_page", str(limit)),
            ],
        )
        items = http.parse_json(response)
        if not isinstance(items, list):
            raise Unavailable("Canvas answered a list request with something else")
        return [CommMessage.from_json(item) for item in items[:limit]]

    # --- notification preferences (docs/canvas-behaviour.md §6, §11) ----------------------------

    def list_notification_preferences(
        self, user_id: int | str, channel_id: int
    ) -> list[NotificationPreference]:
        """Every notification's frequency on one channel: one unpaginated answer (§11.4).

        Not read-only in Canvas: it creates the missing rows with their defaults (§11.3)."""
        path = f"/api/v1/users/{user_path(user_id)}/communication_channels/{channel_id}"
        return _preferences_of(self._send("GET", f"{path}/notification_preferences"))

    def set_notification_category(
        self, channel_id: int, category: str, frequency: str
    ) -> list[NotificationPreference]:
        """One frequency for every notification of a category; answers the category's rows."""
        slug = _WRITABLE_CATEGORY.get(category, category)
        path = f"{_self_channel_path(channel_id)}/notification_preference_categories/{quote(slug)}"
        response = self._send("PUT", path, data={"notification_preferences[frequency]": frequency})
        return _preferences_of(response)

    def set_notification_preferences(
        self, channel_id: int, frequencies: dict[str, str]
    ) -> list[NotificationPreference]:
        """Many notifications at once (`update_all`); answers only the rows sent (§11.4).

        Canvas saves item by item without a transaction, so every name sent must be one Canvas
        listed: an unknown one stops the write halfway with a 404."""
        data = {
            f"notification_preferences[{_WRITABLE_NOTIFICATION.get(name, name)}][frequency]": freq
            for name, freq in frequencies.items()
        }
        path = f"{_self_channel_path(channel_id)}/notification_preferences"
        return _preferences_of(self._send("PUT", path, data=data))

    # --- plumbing -----------------------------------------------------------------------------

    def _send(self, method: str, path_or_url: str, **kwargs: Any) -> requests.Response:
        url = path_or_url if "://" in path_or_url else http.canvas_url(path_or_url)
        return self._with_token(
            lambda token: http.send(method, url, token=token, deadline=self.deadline, **kwargs)
        )

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
        first_page_only: bool = False,
    ) -> list[Any]:
        """Every item of a paginated list, following `Link: rel="next"`.

        At most CANVAS_MAX_PAGES pages, and only on Canvas's own scheme and host (the next
        request carries the token). A list beyond the cap is refused rather than shown cut
        short, since a partial list would read as the whole one. Canvas's pagination:
        docs/canvas-behaviour.md §2.
        """
        query = [*(params or []), ("per_page", str(PER_PAGE))]
        response = self._send("GET", path, params=query)
        max_pages = settings.CANVAS_MAX_PAGES
        items: list[Any] = []
        for page_number in range(1, max_pages + 1):
            page = http.parse_json(response)
            if not isinstance(page, list):
                raise Unavailable("Canvas answered a list request with something else")
            items.extend(page)
            next_url = response.links.get("next", {}).get("url")
            if not next_url or not page or first_page_only:
                return items
            if not http.same_origin_as_canvas(next_url):
                target = urlsplit(next_url)
                where = f"{target.scheme}://{target.hostname}"
                raise refuse(path, f"Canvas pointed the next page at {where}", "link")
            if page_number == max_pages:
                break
            response = self._send("GET", next_url)
        raise refuse(path, f"Canvas listed more than {max_pages} pages", "pages")


# --- notification preferences: Canvas's spellings (docs/canvas-behaviour.md §11.4) ----------------

# `find_or_update_for` titleizes a notification name before looking it up, which turns the API's
# own "confirm_sms_communication_channel" into "Confirm Sms …" and a 404; only the literal DB
# name finds it. Every other API spelling titleizes back to its DB name.
_WRITABLE_NOTIFICATION = {"confirm_sms_communication_channel": "Confirm SMS Communication Channel"}
# `parse_category` takes "discussionentry" for DiscussionEntry but 404s on "discussion_entry",
# the spelling the GETs emit; the other two CamelCase categories take the emitted spelling.
_WRITABLE_CATEGORY = {"discussion_entry": "discussionentry"}


def _self_channel_path(channel_id: int) -> str:
    # Canvas routes every preference write through users/self (§6): no one writes another
    # user's preferences through the API.
    return f"/api/v1/users/self/communication_channels/{channel_id}"


def _preferences_of(response: requests.Response) -> list[NotificationPreference]:
    body = http.parse_json(response)
    items = body.get("notification_preferences") if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise Unavailable("Canvas answered a notification preference request with something else")
    return [NotificationPreference.from_json(item) for item in items]
