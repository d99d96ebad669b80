"""In-memory data model of the emulated Canvas, guarded by one lock.

Every handler that reads or mutates state does so inside ``with state.lock:``; the lock is
re-entrant so helpers can nest. Nothing here speaks HTTP. "§N" means a section of
docs/canvas-behaviour.md, which says what Canvas does with this data.
"""

from __future__ import annotations

import secrets
import string
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

ROOT_ACCOUNT_ID = 1
# Canvas global ids are shard id * 10^13 + local id; the emulator is "shard 1".
# The locales a user's `locale` may be (`I18n.available_locales`, docs/canvas-behaviour.md §15.2):
# Canvas's translation files, spelled as Canvas spells them.
AVAILABLE_LOCALES = frozenset(
    [
        "ar",
        "ca",
        "cy",
        "da",
        "da-x-k12",
        "de",
        "el",
        "en",
        "en-AU",
        "en-CA",
        "en-GB",
        "es",
        "es-ES",
        "fa",
        "fi",
        "fr",
        "fr-CA",
        "ga",
        "he",
        "hi",
        "ht",
        "hu",
        "hy",
        "id",
        "is",
        "it",
        "ja",
        "ko",
        "mi",
        "ms",
        "nb",
        "nb-x-k12",
        "nl",
        "nn",
        "pl",
        "pt",
        "pt-BR",
        "ru",
        "sl",
        "sv",
        "sv-x-k12",
        "th",
        "tr",
        "uk",
        "vi",
        "zh-Hans",
        "zh-Hant",
    ]
)
GLOBAL_ID_BASE = 10_000_000_000_000
ACCESS_TOKEN_TTL_S = 3600  # AccessToken#generate_token: expires_at = now + 1.hour (§3.3)
PUBLIC_CLIENT_TTL_S = 120 * 60  # public_client_token_ttl default, rolling (§3.2)
AUTH_CODE_TTL_S = 600  # codes live 10 minutes in Redis (§3.1)
MAX_CCS_PER_USER = 100  # CommunicationChannel::MAX_CCS_PER_USER (§1.5)

ADMIN_PERMISSIONS = frozenset(
    {
        "manage_user_logins",
        "manage_user_details",
        "manage_students",
        "read_roster",
        "read_email_addresses",
    }
)

_TOKEN_ALPHABET = string.ascii_letters + string.digits


def iso(ts: float) -> str:
    """Canvas renders timestamps as UTC ISO-8601 with a ``Z`` and no fraction."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def opaque_token(row_id: int) -> str:
    """Canvas token strings look like ``<id>~<64 alphanumerics>``."""
    return f"{row_id}~" + "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(64))


@dataclass
class Account:
    id: int
    name: str
    # Root-account settings the channel rules read (§1.5).
    users_can_edit_comm_channels: bool = True
    max_communication_channels: int | None = None
    banned_email_domains: list[str] = field(default_factory=list)
    # Root-account setting that lets admin roles hold "Notifications - view" (spec §14.1).
    admins_can_view_notifications: bool = False


@dataclass
class User:
    id: int
    name: str
    login_id: str
    sis_user_id: str | None
    role: str  # student | teacher | admin (emulator shorthand, not a Canvas field)
    created_at: float
    # Account-admin permissions on the root account; empty for non-admins.
    permissions: frozenset[str] = frozenset()
    locale: str | None = None
    # Canvas's opaque 40-hex id (`uuid`; also what LTI 1.1 called user_id and the LTI login_hint).
    uuid: str = field(default_factory=lambda: secrets.token_hex(20))
    # `users.lti_id`: the UUID Canvas sends as an LTI 1.3 id_token's `sub` (§8).
    lti_id: str = field(default_factory=lambda: str(uuid4()))

    @property
    def is_admin(self) -> bool:
        return bool(self.permissions)

    @property
    def effective_locale(self) -> str:
        """The locale Canvas resolves for this user's requests (§15.1): their own setting, else
        the default "en" (the emulator has no account default and ignores Accept-Language)."""
        return self.locale or "en"

    @property
    def sortable_name(self) -> str:
        first, _, last = self.name.rpartition(" ")
        return f"{last}, {first}" if first else last

    @property
    def first_name(self) -> str:
        return self.name.rpartition(" ")[0] or self.name

    @property
    def last_name(self) -> str:
        return self.name.rpartition(" ")[2]

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "login_id": self.login_id,
            "sis_user_id": self.sis_user_id,
            "role": self.role,
            "locale": self.locale,
        }


@dataclass
class Channel:
    id: int
    user_id: int
    path: str
    path_type: str
    position: int
    workflow_state: str
    created_at: float
    bounce_count: int = 0
    confirmation_sent_count: int = 0
    # Set by a mail bounce (control API); read by the bounced-channel report (spec §14.1).
    last_bounce_at: float | None = None
    last_bounce_summary: str | None = None
    messages: list[dict[str, Any]] = field(default_factory=list)
    # Push endpoints registered against this channel (NotificationEndpoint tokens, §1.7).
    push_tokens: list[str] = field(default_factory=list)
    # Set when first needed, kept for the row's life (``set_confirmation_code``, spec §12.1).
    confirmation_code: str | None = None
    # Stored NotificationPolicy rows, DB notification name → frequency, in creation order;
    # created lazily when read or written (spec §11.3, canvas_emulator/notifications.py).
    notification_policies: dict[str, str] = field(default_factory=dict)


@dataclass
class DeveloperKey:
    id: int
    client_secret: str
    redirect_uris: list[str]
    name: str = "Emulated Developer Key"
    trusted: bool = False
    require_scopes: bool = False
    scopes: list[str] = field(default_factory=list)
    client_type: str = "confidential"
    sns_arn: str | None = None

    @property
    def client_id(self) -> str:
        return str(GLOBAL_ID_BASE + self.id)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "name": self.name,
            "redirect_uris": self.redirect_uris,
            "trusted": self.trusted,
            "require_scopes": self.require_scopes,
            "scopes": self.scopes,
            "client_type": self.client_type,
            "sns_arn": self.sns_arn,
        }


@dataclass
class AccessToken:
    id: int
    user_id: int
    developer_key_id: int | None
    token: str
    refresh_token: str | None
    expires_at: float | None
    permanent_expires_at: float | None = None
    scopes: list[str] = field(default_factory=list)
    manual: bool = False  # generated in "Settings" (control API): no scopes enforced, no refresh
    deleted: bool = False
    purpose: str | None = None


@dataclass
class AuthCode:
    code: str
    developer_key_id: int
    user_id: int
    redirect_uri: str
    scopes: list[str]
    expires_at: float
    code_challenge: str | None = None
    purpose: str | None = None


@dataclass
class Session:
    """A Canvas web session: who is logged in plus the pending OAuth request (§3.1 step 4)."""

    id: str
    csrf_token: str
    user_id: int | None = None
    oauth2: dict[str, Any] | None = None
    # ``session[:return_to]`` and the flash, for /register/:code (spec §12.2).
    return_to: str | None = None
    flash: str | None = None


@dataclass
class Settings:
    """Emulator-wide switches that are not Canvas data (control API ``settings``)."""

    unauthorized_status: int = 403  # §3.8: current Canvas 403, older/self-hosted 401
    deliver_sms: bool = False  # §11.3: current Canvas cancels every SMS message


class State:
    """All mutable emulator data. Use ``with state.lock`` around every access."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.clear()

    def clear(self) -> None:
        with self.lock:
            self.accounts: dict[int, Account] = {}
            self.users: dict[int, User] = {}
            self.channels: dict[int, Channel] = {}
            self.developer_keys: dict[int, DeveloperKey] = {}
            self.tokens: dict[int, AccessToken] = {}
            self.codes: dict[str, AuthCode] = {}
            self.sessions: dict[str, Session] = {}
            self.settings = Settings()
            self._ids: dict[str, int] = {}

    def next_id(self, kind: str) -> int:
        with self.lock:
            self._ids[kind] = self._ids.get(kind, 0) + 1
            return self._ids[kind]

    # -- accounts & users ---------------------------------------------------------------------

    @property
    def root_account(self) -> Account:
        return self.accounts[ROOT_ACCOUNT_ID]

    def add_user(
        self,
        *,
        name: str,
        login_id: str,
        sis_user_id: str | None = None,
        role: str = "student",
        permissions: frozenset[str] | None = None,
        user_id: int | None = None,
        locale: str | None = None,
    ) -> User:
        with self.lock:
            uid = user_id or self.next_id("user")
            self._ids["user"] = max(self._ids.get("user", 0), uid)
            perms = permissions if permissions is not None else frozenset()
            if role == "admin" and permissions is None:
                perms = ADMIN_PERMISSIONS
            user = User(uid, name, login_id, sis_user_id, role, time.time(), frozenset(perms))
            user.locale = locale
            self.users[uid] = user
            return user

    def find_user(self, ref: str, current: User | None) -> User | None:
        """Resolve ``self``, numeric, ``sis_user_id:X`` and ``sis_login_id:X`` (§1.2)."""
        with self.lock:
            if ref == "self":
                return current
            kind, sep, value = ref.partition(":")
            if sep:
                if kind == "sis_user_id":
                    return next((u for u in self.users.values() if u.sis_user_id == value), None)
                if kind == "sis_login_id":
                    # Pseudonym unique_id lookups are case-insensitive in Canvas.
                    low = value.lower()
                    return next((u for u in self.users.values() if u.login_id.lower() == low), None)
                return None
            return self.users.get(int(ref)) if ref.isdigit() else None

    # -- channels ------------------------------------------------------------------------------

    def user_channels(self, user_id: int, *, include_retired: bool = False) -> list[Channel]:
        """A user's rows in ``position ASC`` order (the association order, §1.4)."""
        with self.lock:
            rows = [c for c in self.channels.values() if c.user_id == user_id]
            if not include_retired:
                rows = [c for c in rows if c.workflow_state != "retired"]
            return sorted(rows, key=lambda c: (c.position, c.id))

    def add_channel(
        self, user_id: int, path: str, path_type: str, workflow_state: str = "unconfirmed"
    ) -> Channel:
        """Append a row at the bottom (``acts_as_list scope: :user``; retired rows keep theirs)."""
        with self.lock:
            rows = self.user_channels(user_id, include_retired=True)
            position = max((c.position for c in rows), default=0) + 1
            channel = Channel(
                id=self.next_id("channel"),
                user_id=user_id,
                path=path,
                path_type=path_type,
                position=position,
                workflow_state=workflow_state,
                created_at=time.time(),
            )
            self.channels[channel.id] = channel
            return channel

    def primary_email(self, user_id: int) -> str | None:
        """``User#email``: first unretired email channel by position, maybe unconfirmed (§1.9)."""
        emails = [c for c in self.user_channels(user_id) if c.path_type == "email"]
        return emails[0].path if emails else None

    # -- developer keys & tokens -----------------------------------------------------------

    def add_developer_key(self, **fields: Any) -> DeveloperKey:
        with self.lock:
            key_id = fields.pop("id", None) or self.next_id("developer_key")
            self._ids["developer_key"] = max(self._ids.get("developer_key", 0), key_id)
            secret = fields.pop("client_secret", None) or "".join(
                secrets.choice(_TOKEN_ALPHABET) for _ in range(64)
            )
            key = DeveloperKey(id=key_id, client_secret=secret, **fields)
            self.developer_keys[key.id] = key
            return key

    def key_by_client_id(self, client_id: str | None) -> DeveloperKey | None:
        """Look a key up by its global id; Canvas requires an integer below 2^63 (§3.1)."""
        if not client_id or not client_id.isdigit() or int(client_id) >= 2**63:
            return None
        with self.lock:
            local = int(client_id) - GLOBAL_ID_BASE
            return self.developer_keys.get(local)

    def issue_token(
        self,
        user_id: int,
        key: DeveloperKey | None,
        *,
        scopes: list[str] | None = None,
        manual: bool = False,
        purpose: str | None = None,
    ) -> AccessToken:
        with self.lock:
            token_id = self.next_id("token")
            now = time.time()
            public = key is not None and key.client_type == "public"
            row = AccessToken(
                id=token_id,
                user_id=user_id,
                developer_key_id=key.id if key else None,
                token=opaque_token(token_id),
                refresh_token=None if manual else opaque_token(token_id),
                expires_at=None if manual else now + ACCESS_TOKEN_TTL_S,
                permanent_expires_at=now + PUBLIC_CLIENT_TTL_S if public else None,
                scopes=list(scopes or []),
                manual=manual,
                purpose=purpose,
            )
            self.tokens[row.id] = row
            return row

    def token_by_string(self, token: str) -> AccessToken | None:
        with self.lock:
            return next((t for t in self.tokens.values() if t.token == token), None)

    def token_by_refresh(self, refresh: str) -> AccessToken | None:
        with self.lock:
            return next((t for t in self.tokens.values() if t.refresh_token == refresh), None)

    # -- sessions --------------------------------------------------------------------------

    def new_session(self, user_id: int | None = None) -> Session:
        with self.lock:
            session = Session(secrets.token_urlsafe(24), secrets.token_urlsafe(24), user_id)
            self.sessions[session.id] = session
            return session
