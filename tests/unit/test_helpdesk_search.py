"""What a help-desk search becomes (helpdesk/staff.py `find_users`), and when a stored staff answer
is relied on. Canvas is a stand-in here that records what it was asked: that is the rule under
test. tests/helpdesk/test_search.py runs the same searches against the emulator."""

from dataclasses import dataclass, field

import pytest
from django.contrib.sessions.backends.base import SessionBase

from canvas.errors import FieldProblem, NotFound, ValidationFailed
from canvas.records import CanvasUser
from helpdesk.staff import (
    SEARCH_PAGE_SIZE,
    SESSION_KEY,
    TOO_SHORT,
    cached_status,
    find_users,
    offers_link,
)

ADA = CanvasUser(id=42, name="Ada Lovelace", sis_user_id="S42")
BEN = CanvasUser(id=43, name="Ben Okafor")


@dataclass
class RecordingCanvas:
    """Answers `get_user` for the refs in `users`, `search_users` with `matches`."""

    users: dict[str, CanvasUser] = field(default_factory=dict)
    matches: list[CanvasUser] = field(default_factory=list)
    search_refused: bool = False
    asked: list[tuple[str, str]] = field(default_factory=list)

    def get_user(self, ref: str) -> CanvasUser:
        self.asked.append(("get_user", ref))
        if ref not in self.users:
            raise NotFound(ref)
        return self.users[ref]

    def search_users(self, account_id: str, term: str) -> list[CanvasUser]:
        self.asked.append(("search_users", term))
        if self.search_refused:
            raise ValidationFailed([FieldProblem("search_term", "too_short")])
        return self.matches


@pytest.mark.parametrize("query", ["", "   "])
def test_an_empty_search_asks_canvas_nothing_and_says_nothing(query):
    canvas = RecordingCanvas()
    result = find_users(canvas, query)
    assert (result.users, result.message, canvas.asked) == ([], "", [])


@pytest.mark.parametrize(
    ("query", "ref"),
    [
        ("sis_user_id:S42", "sis_user_id:S42"),
        ("  SIS_USER_ID: S42 ", "sis_user_id:S42"),
        ("sis_login_id:ada", "sis_login_id:ada"),
    ],
)
def test_an_exact_identifier_asks_for_that_one_user_and_never_searches(query, ref):
    canvas = RecordingCanvas(users={ref: ADA})
    result = find_users(canvas, query)
    assert result.users == [ADA]
    assert result.message == ""
    assert canvas.asked == [("get_user", ref)]


def test_an_exact_identifier_shorter_than_a_search_term_is_still_looked_up():
    canvas = RecordingCanvas(users={"sis_user_id:A": ADA})
    assert find_users(canvas, "sis_user_id:A").users == [ADA]


def test_an_exact_prefix_without_a_value_asks_for_the_identifier():
    canvas = RecordingCanvas()
    result = find_users(canvas, "sis_login_id:  ")
    assert result.message == "Add the identifier after “sis_login_id:”."
    assert canvas.asked == []


def test_an_unknown_exact_identifier_says_no_user_has_it():
    result = find_users(RecordingCanvas(), "sis_user_id:S99")
    assert (result.users, result.message) == ([], "No user has sis_user_id “S99”.")


@pytest.mark.parametrize("query", ["ab", "é", "a "])
def test_a_term_under_three_characters_is_not_sent_to_canvas(query):
    canvas = RecordingCanvas()
    result = find_users(canvas, query)
    assert (result.users, result.message, canvas.asked) == ([], TOO_SHORT, [])


def test_a_short_number_is_tried_as_a_canvas_user_id_only():
    canvas = RecordingCanvas(users={"42": ADA})
    result = find_users(canvas, "42")
    assert (result.users, result.message) == ([ADA], "")
    assert canvas.asked == [("get_user", "42")]


def test_a_short_number_no_user_has_is_too_short_to_search():
    assert find_users(RecordingCanvas(), "7").message == TOO_SHORT


def test_a_long_number_is_both_an_id_and_a_search_and_the_user_is_listed_once():
    canvas = RecordingCanvas(users={"12345": ADA}, matches=[BEN, ADA])
    result = find_users(canvas, "12345")
    assert result.users == [ADA, BEN]
    assert canvas.asked == [("get_user", "12345"), ("search_users", "12345")]


def test_a_name_is_searched_without_a_lookup_by_id():
    canvas = RecordingCanvas(matches=[ADA])
    assert find_users(canvas, " Ada ").users == [ADA]
    assert canvas.asked == [("search_users", "Ada")]


def test_canvas_refusing_the_term_as_too_short_reads_as_the_same_sentence():
    canvas = RecordingCanvas(search_refused=True)
    assert find_users(canvas, "鬼鬼鬼").message == TOO_SHORT


def test_no_match_names_the_term():
    assert find_users(RecordingCanvas(), "zzz").message == "No user matches “zzz”."


def test_a_full_page_of_matches_asks_for_a_narrower_search():
    many = [CanvasUser(id=i, name=f"Student {i}") for i in range(SEARCH_PAGE_SIZE)]
    result = find_users(RecordingCanvas(matches=many), "student")
    assert len(result.users) == SEARCH_PAGE_SIZE
    assert result.message == (
        f"Showing the first {SEARCH_PAGE_SIZE} matches. Type more to narrow the search."
    )


# --- the stored staff answer ---------------------------------------------------------------------


def session_with(**stored: object) -> SessionBase:
    session = SessionBase()
    session[SESSION_KEY] = {
        "user_id": 5,
        "is_staff": True,
        "can_skip_confirmation": False,
        "checked_at": 1000.0,
        "can_set_default_email": False,
        "can_read_bounces": False,
        "can_read_messages": False,
        "can_read_preferences": False,
        **stored,
    }
    return session


def test_a_fresh_answer_for_the_same_user_is_relied_on():
    status = cached_status(session_with(), 5, now=1030.0)
    assert status is not None and status.is_staff


def test_a_stale_foreign_or_malformed_answer_is_asked_again():
    cases = {
        "a minute old": (session_with(), 1060.0),
        "from the future": (session_with(), 990.0),
        "another user's": (session_with(user_id=6), 1001.0),
        "malformed": (session_with(checked_at="soon"), 1001.0),
        "absent": (SessionBase(), 1001.0),
    }
    relied_on = {why: cached_status(session, 5, now=now) for why, (session, now) in cases.items()}
    assert relied_on == dict.fromkeys(cases)


def test_the_header_offers_the_help_desk_only_from_a_stored_yes_for_this_user():
    assert offers_link(session_with(), 5)
    assert not offers_link(session_with(), 6)
    assert not offers_link(session_with(is_staff="yes"), 5)
    assert not offers_link(SessionBase(), 5)
