"""Start-up data: ``--seed none`` (just the root account) or ``--seed demo`` (docs/emulator.md)."""

from __future__ import annotations

from .state import ADMIN_PERMISSIONS, GLOBAL_ID_BASE, ROOT_ACCOUNT_ID, Account, DeveloperKey, State

SEEDS = ("none", "demo")
DEFAULT_PORTAL_URL = "http://127.0.0.1:8000"

# Demo-only credentials: fixed so `make run` can wire the portal without copying secrets around.
DEMO_CLIENT_ID = "10000000000001"
DEMO_CLIENT_SECRET = "demo-client-secret"  # noqa: S105 - published demo value, not a secret

# What a channels portal needs (spec §3.6), and nothing else.
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
]


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


def _demo(state: State, portal_url: str) -> DeveloperKey:
    ada = state.add_user(name="Ada Lovelace", login_id="ada", sis_user_id="S1001", user_id=1)
    state.add_channel(ada.id, "ada.lovelace@demo.example.edu", "email", "active")
    state.add_channel(ada.id, "ada@personal.example.com", "email", "unconfirmed")
    push = state.add_channel(ada.id, "push", "push", "active")
    push.push_tokens.append("demo-device-token")

    ben = state.add_user(name="Ben Okafor", login_id="ben", sis_user_id="S1002", user_id=2)
    bouncing = state.add_channel(ben.id, "ben.okafor@demo.example.edu", "email", "active")
    bouncing.bounce_count = 3
    state.add_channel(ben.id, "+15555550123", "sms", "unconfirmed")

    helpdesk = state.add_user(
        name="Hana Helpdesk",
        login_id="helpdesk",
        sis_user_id="STAFF01",
        role="admin",
        permissions=ADMIN_PERMISSIONS,
        user_id=3,
    )
    state.add_channel(helpdesk.id, "hana.helpdesk@demo.example.edu", "email", "active")

    teacher = state.add_user(
        name="Theo Teacher", login_id="teacher", sis_user_id="T2001", role="teacher", user_id=4
    )
    state.add_channel(teacher.id, "theo.teacher@demo.example.edu", "email", "active")

    return state.add_developer_key(
        id=int(DEMO_CLIENT_ID) - GLOBAL_ID_BASE,
        client_secret=DEMO_CLIENT_SECRET,
        name="Contact Methods Portal (demo)",
        redirect_uris=[portal_url.rstrip("/") + "/oauth/callback/"],
        trusted=False,
        require_scopes=True,
        scopes=list(DEMO_SCOPES),
    )
