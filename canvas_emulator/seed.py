"""Start-up data: ``--seed none`` (just the root account) or ``--seed demo`` (docs/emulator.md)."""

from __future__ import annotations

import time

from .bounces import record_bounce
from .demo_users import ADA, AMIRA, BEN, HANA, LUCIA, ROSA, THEO, DemoUser
from .messages_api import record_message
from .permissions import VIEW_NOTIFICATIONS, VIEW_STATISTICS
from .state import ADMIN_PERMISSIONS, GLOBAL_ID_BASE, ROOT_ACCOUNT_ID, Account, DeveloperKey, State

SEEDS = ("none", "demo")
DEFAULT_PORTAL_URL = "http://127.0.0.1:8000"

# Demo-only credentials: fixed so `make run` can wire the portal without copying secrets around.
DEMO_CLIENT_ID = "10000000000001"
DEMO_CLIENT_SECRET = "demo-client-secret"  # noqa: S105 - published demo value, not a secret

# What a channels portal needs (docs/canvas-behaviour.md §3.6), and nothing else.
DEMO_SCOPES = [
    "url:GET|/api/v1/users/:user_id/communication_channels",
    "url:POST|/api/v1/users/:user_id/communication_channels",
    "url:DELETE|/api/v1/users/:user_id/communication_channels/:id",
    "url:DELETE|/api/v1/users/self/communication_channels/push",
    "url:GET|/api/v1/users/:id",
    "url:GET|/api/v1/users/:user_id/profile",
    "url:GET|/api/v1/accounts",
    "url:GET|/api/v1/accounts/:account_id/permissions",
    "url:GET|/api/v1/accounts/:account_id/users",
    # Notification preferences (spec §11.5), id form.
    "url:GET|/api/v1/users/:user_id/communication_channels/:communication_channel_id/notification_preferences",
    "url:GET|/api/v1/users/:user_id/communication_channels/:communication_channel_id/notification_preference_categories",
    "url:GET|/api/v1/users/:user_id/communication_channels/:communication_channel_id/notification_preferences/:notification",
    "url:PUT|/api/v1/users/self/communication_channels/:communication_channel_id/notification_preferences/:notification",
    "url:PUT|/api/v1/users/self/communication_channels/:communication_channel_id/notification_preferences",
    "url:PUT|/api/v1/users/self/communication_channels/:communication_channel_id/notification_preference_categories/:category",
    # Help-desk diagnostics (§13.1, §14): default email, channel reports, messages sent.
    "url:PUT|/api/v1/users/:id",
    "url:GET|/api/v1/accounts/:account_id/bounced_communication_channels",
    "url:GET|/api/v1/accounts/:account_id/unconfirmed_communication_channels",
    "url:GET|/api/v1/comm_messages",
]
# Why Ben's address bounces (an SES diagnostic code, as `last_bounce_summary` holds one).
BEN_BOUNCE_REASON = "smtp; 550 5.1.1 The email account that you tried to reach does not exist"
DAY_S = 86_400


def apply_seed(
    state: State, seed: str, portal_url: str = DEFAULT_PORTAL_URL
) -> DeveloperKey | None:
    """Replace all state with the chosen seed; return the demo developer key if one was made."""
    if seed not in SEEDS:
        raise ValueError(f"unknown seed {seed!r}; choose one of {SEEDS}")
    with state.lock:
        state.clear()
        state.accounts[ROOT_ACCOUNT_ID] = Account(ROOT_ACCOUNT_ID, "Demo University")
        if seed == "none":
            return None
        return _demo(state, portal_url)


def _add(state: State, user: DemoUser, extra: frozenset[str] = frozenset()) -> int:
    """The user, with the five admin permissions (plus `extra`) when `role` is admin."""
    return state.add_user(
        name=user.name,
        login_id=user.login_id,
        sis_user_id=user.sis_user_id,
        role=user.role,
        permissions=(ADMIN_PERMISSIONS | extra) if user.role == "admin" else None,
        user_id=user.id,
        locale=user.locale,
    ).id


def _demo(state: State, portal_url: str) -> DeveloperKey:
    ada = _add(state, ADA)
    state.add_channel(ada, "ada.lovelace@demo.example.edu", "email", "active")
    state.add_channel(ada, "ada@personal.example.com", "email", "unconfirmed")
    push = state.add_channel(ada, "push", "push", "active")
    push.push_tokens.append("demo-device-token")

    ben = _add(state, BEN)
    bouncing = state.add_channel(ben, "ben.okafor@demo.example.edu", "email", "active")
    # His latest confirmation came back: the bounced report and comm_messages both show it.
    now = time.time()
    bouncing.created_at = now - 30 * DAY_S
    record_message(bouncing, "confirm_email_communication_channel", at=now - 3 * DAY_S)
    bouncing.confirmation_sent_count = 1
    record_bounce(bouncing, count=3, reason=BEN_BOUNCE_REASON, at=now - 3 * DAY_S + 60)
    state.add_channel(ben, "+15555550123", "sms", "unconfirmed")

    # Hana may also read the channel reports, messages sent and others' preferences.
    hana = _add(state, HANA, extra=frozenset({VIEW_NOTIFICATIONS, VIEW_STATISTICS}))
    state.add_channel(hana, "hana.helpdesk@demo.example.edu", "email", "active")

    theo = _add(state, THEO)
    state.add_channel(theo, "theo.teacher@demo.example.edu", "email", "active")

    # Help desk without the notification rights: the portal hides those panels for her.
    rosa = _add(state, ROSA)
    state.add_channel(rosa, "rosa.support@demo.example.edu", "email", "active")
    # Students whose Canvas speaks Spanish and Arabic (§15): the portal follows their locale.
    lucia = _add(state, LUCIA)
    state.add_channel(lucia, "lucia.fernandez@demo.example.edu", "email", "active")
    state.add_channel(lucia, "lucia@correo.example.com", "email", "unconfirmed")
    amira = _add(state, AMIRA)
    state.add_channel(amira, "amira.haddad@demo.example.edu", "email", "active")
    state.add_channel(amira, "amira@personal.example.com", "email", "unconfirmed")

    # "Notifications - view" can be granted to admin roles (§14.1).
    state.root_account.admins_can_view_notifications = True

    return state.add_developer_key(
        id=int(DEMO_CLIENT_ID) - GLOBAL_ID_BASE,
        client_secret=DEMO_CLIENT_SECRET,
        name="Contact Methods Portal (demo)",
        redirect_uris=[portal_url.rstrip("/") + "/oauth/callback/"],
        trusted=False,
        require_scopes=True,
        scopes=list(DEMO_SCOPES),
    )
