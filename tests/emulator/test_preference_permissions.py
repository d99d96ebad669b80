"""Who may read someone's notification preferences (docs/canvas-behaviour.md §11.4 step 3).

``can_read_preferences`` is the rule the preference routes call; tested here on its own, on
the demo seed, in-process.
"""

from __future__ import annotations

import pytest

from canvas_emulator.permissions import can_read_preferences
from canvas_emulator.seed import apply_seed
from canvas_emulator.state import State

from .helpers import ADA, BEN, HELPDESK, SUPPORT, TEACHER


@pytest.fixture
def state() -> State:
    demo = State()
    apply_seed(demo, "demo")
    return demo


@pytest.mark.parametrize("owner", [ADA, BEN, HELPDESK, TEACHER, SUPPORT])
def test_everyone_may_read_their_own_preferences(state, owner):
    user = state.users[owner]
    assert can_read_preferences(state, user, user)


def test_hana_with_view_statistics_may_read_anyones(state):
    for owner in (ADA, BEN, TEACHER, SUPPORT):
        assert can_read_preferences(state, state.users[HELPDESK], state.users[owner])


@pytest.mark.parametrize("caller", [BEN, TEACHER, SUPPORT])
def test_others_without_view_statistics_may_not(state, caller):
    assert not can_read_preferences(state, state.users[caller], state.users[ADA])


def test_view_statistics_does_not_depend_on_the_notifications_setting(state):
    state.root_account.admins_can_view_notifications = False
    assert can_read_preferences(state, state.users[HELPDESK], state.users[ADA])


def test_view_statistics_alone_is_enough_and_losing_it_refuses(state):
    support = state.users[SUPPORT]
    support.permissions = frozenset({"view_statistics"})
    assert can_read_preferences(state, support, state.users[ADA])
    state.users[HELPDESK].permissions = frozenset({"manage_user_logins", "read_roster"})
    assert not can_read_preferences(state, state.users[HELPDESK], state.users[ADA])
