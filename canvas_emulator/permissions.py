"""Account-level rights behind the help-desk diagnostics (docs/canvas-behaviour.md §11.4, §14).

Each predicate answers one Canvas ``grants_right?`` question from the emulator's data: the
caller's account-admin permissions on the root account and the root account's settings. There
are no site admins in the emulator, so the Site Admin ``:read_messages`` branches never apply.
"""

from __future__ import annotations

from .auth import has_permission
from .state import ROOT_ACCOUNT_ID, Account, State, User

VIEW_NOTIFICATIONS = "view_notifications"
VIEW_STATISTICS = "view_statistics"


def holds_view_notifications(state: State, caller: User) -> bool:
    """``:view_notifications`` on the root account.

    The role permission is ``true_for: []`` (no role has it by default) and counts only while
    the root account's ``admins_can_view_notifications`` setting is on (``account_allows``).
    """
    return state.root_account.admins_can_view_notifications and has_permission(
        caller, VIEW_NOTIFICATIONS
    )


def can_view_bounced_emails(state: State, caller: User, account: Account) -> bool:
    """``:view_bounced_emails``: root account only, ``:read_roster`` and ``:view_notifications``.

    Both channel reports (bounced and unconfirmed) ask this same question (§14.1, §14.2).
    """
    return (
        account.id == ROOT_ACCOUNT_ID
        and has_permission(caller, "read_roster")
        and holds_view_notifications(state, caller)
    )


def can_read_comm_messages(state: State, caller: User) -> bool:
    """``comm_messages_api#index`` without Site Admin: ``:view_notifications`` on the root account.

    Users cannot read their own messages (§14.3): being the recipient grants nothing.
    """
    return holds_view_notifications(state, caller)


def can_read_preferences(state: State, caller: User, owner: User) -> bool:
    """May ``caller`` read ``owner``'s notification preferences (§11.4 step 3)?

    Yes for the owner, or for an account admin holding ``:view_statistics`` (``true_for``
    AccountAdmin in Canvas, granted explicitly here). Writing is another matter: the PUT routes
    are ``users/self`` only, so this never authorises a change.
    """
    with state.lock:
        return caller.id == owner.id or has_permission(caller, VIEW_STATISTICS)
