"""The sentences the contact-methods pages say about Canvas's answers (channels_app/wording.py)."""

from http import HTTPStatus
from itertools import product

import pytest

from canvas.errors import (
    AnswerRefused,
    DeadlineExceeded,
    FieldProblem,
    Forbidden,
    InsufficientScope,
    NotFound,
    OAuthFailed,
    Throttled,
    TokenWithoutUser,
    Unavailable,
    ValidationFailed,
)
from channels_app import wording
from channels_app.wording import Action, add_refusal, failure
from tests.unit.builders import channel

# Details as Canvas or the HTTP layer might word them: never meant for a student's eyes.
RAW = "HTTPSConnectionPool(host='canvas.example.edu'): access_token=sekret"


def refused(*problems: tuple[str, str]) -> ValidationFailed:
    return ValidationFailed([FieldProblem(field, reason) for field, reason in problems])


# --- add_refusal: why Canvas would not add an address -------------------------------------------


@pytest.mark.parametrize("reason", ["unique!", "taken"])
def test_an_address_canvas_already_has_is_said_to_be_on_the_list(reason):
    exc = refused(("path", reason))
    assert add_refusal(exc, address="a@b.edu") == "This address is already on your list."
    assert add_refusal(exc, address="a@b.edu", for_self=False) == (
        "This address is already on this user's list."
    )


def test_a_forbidden_email_domain_is_named():
    exc = refused(("email", "forbidden"))
    assert add_refusal(exc, address="ada@mail.example") == (
        "Your institution does not allow email addresses at mail.example. "
        "Use a different email address."
    )
    assert add_refusal(exc, address="ada@mail.example", for_self=False).startswith(
        "The institution does not allow email addresses at mail.example."
    )


def test_a_forbidden_email_without_a_domain_still_reads_as_a_sentence():
    assert "at that domain." in add_refusal(refused(("email", "forbidden")), address="ada@")


def test_any_other_email_refusal_asks_the_user_to_check_for_typos():
    message = add_refusal(refused(("email", "invalid")), address="ada@example")
    assert message == "Canvas does not accept this email address. Check it for typos."


@pytest.mark.parametrize("field", ["type", "user_id"])
def test_the_channel_limit_says_removed_addresses_still_count(field):
    exc = refused((field, "too_many"))
    for_student = add_refusal(exc, address="a@b.edu")
    for_staff = add_refusal(exc, address="a@b.edu", for_self=False)
    # Either limit: removed rows count, so "remove one first" would not help (§1.5).
    assert "removing one" in for_student and "removing one" in for_staff
    assert for_student.endswith("ask your help desk.") or for_student.endswith("help desk.")
    assert "This user" in for_staff or "this user's" in for_staff


def test_a_refusal_the_portal_does_not_recognise_gets_a_general_sentence():
    assert add_refusal(refused(("address", "weird")), address="a@b.edu") == (
        "Canvas did not accept this address. Check it and try again."
    )


# --- failure: one sentence and status per Canvas error ------------------------------------------


@pytest.mark.parametrize(
    ("exc", "status", "sentence"),
    [
        (
            Throttled(RAW),
            HTTPStatus.OK,
            "Canvas is busy right now, so we could not add the address. "
            "Wait a minute and try again.",
        ),
        (
            Forbidden(RAW),
            HTTPStatus.FORBIDDEN,
            "Your institution manages contact methods centrally, so they cannot be changed "
            "here. Ask your help desk to make this change.",
        ),
        (
            InsufficientScope(RAW),
            HTTPStatus.OK,
            "This portal is not allowed to add the address in your Canvas. Please tell your "
            "help desk (the Canvas developer key is missing a scope).",
        ),
        (
            NotFound(RAW),
            HTTPStatus.NOT_FOUND,
            "Canvas could not find that contact method. It may already be gone.",
        ),
        (
            refused(("path", "invalid")),
            HTTPStatus.BAD_REQUEST,
            "Canvas refused to add the address.",
        ),
    ],
)
def test_each_canvas_refusal_has_its_own_sentence_and_status(exc, status, sentence):
    assert failure(exc, action=Action.ADD, changes=True) == wording.Problem(status, sentence)


def test_a_help_desk_refusal_blames_the_staff_member_s_rights_not_the_institution():
    problem = failure(Forbidden(), action=Action.REMOVE, changes=True, for_self=False)
    assert problem.status == HTTPStatus.FORBIDDEN
    assert problem.message.startswith("Canvas did not allow you to remove the address.")


def test_when_a_change_may_have_happened_the_user_is_told_to_reload_before_retrying():
    reload_first = wording.Problem(
        HTTPStatus.OK,
        "Canvas did not answer properly, so we cannot tell whether we managed to add the "
        "address. Reload the page to check before trying again.",
    )
    for exc in [Unavailable(RAW), DeadlineExceeded(RAW), AnswerRefused(RAW), OAuthFailed("x")]:
        assert failure(exc, action=Action.ADD, changes=True) == reload_first, exc


def test_canvas_not_answering_a_read_says_to_try_again_later():
    problem = failure(Unavailable(RAW), action=Action.LOAD, changes=False)
    assert problem.message == (
        "Canvas is not answering right now, so we could not load the contact methods. "
        "Try again in a few minutes."
    )


def test_an_answer_too_large_for_the_portal_says_retrying_will_not_help():
    problem = failure(AnswerRefused(RAW), action=Action.SEARCH_USERS, changes=False)
    assert problem.message == (
        "Canvas sent more than this portal accepts, so we could not search for users. "
        "Trying again will not help: please tell your help desk."
    )


ALL_ERRORS = [
    Throttled(RAW),
    Forbidden(RAW),
    InsufficientScope(RAW),
    NotFound(RAW),
    refused(("path", RAW)),
    Unavailable(RAW),
    DeadlineExceeded(RAW),
    AnswerRefused(RAW),
    OAuthFailed("invalid_grant", RAW),
    TokenWithoutUser(RAW),
]


def test_no_failure_is_a_portal_error_or_shows_canvas_s_raw_detail():
    for exc, changes, for_self in product(ALL_ERRORS, [True, False], [True, False]):
        problem = failure(exc, action=Action.LOAD, changes=changes, for_self=for_self)
        case = f"{type(exc).__name__}, changes={changes}, for_self={for_self}"
        assert problem.status < 500, case
        assert problem.message.endswith("."), case
        assert "sekret" not in problem.message, case
        assert "canvas.example.edu" not in problem.message, case


# --- what a change did ---------------------------------------------------------------------------


def test_an_active_address_is_not_said_to_receive_what_its_settings_decide():
    assert wording.added(channel(1, address="ada@example.edu"), skip_requested=True) == (
        "Added ada@example.edu. It is active: Canvas can send to it, but only the notifications "
        "its settings turn on."
    )


def test_an_unconfirmed_number_is_told_canvas_was_asked_to_text_a_code():
    added = channel(1, "sms", "+12015550123", workflow_state="unconfirmed")
    assert wording.added(added) == (
        "Added +12015550123. Canvas was asked to send it a text message with a 4-character "
        "confirmation code; it gets no notifications until that code is entered."
    )


def test_an_ignored_skip_request_is_said_after_the_email_sentence():
    added = channel(1, address="ada@example.edu", workflow_state="unconfirmed")
    message = wording.added(added, skip_requested=True)
    assert message.startswith(
        "Added ada@example.edu. Canvas was asked to send it an email with a confirmation"
    )
    assert message.endswith(str(wording.SKIP_IGNORED))
    assert str(wording.SKIP_IGNORED) not in wording.added(added)


def test_a_removed_push_channel_is_named_for_what_it_did():
    assert wording.removed(channel(1, "push")) == "Removed push notifications for all devices."


@pytest.mark.parametrize(
    ("kind", "medium"), [("email", "confirmation email"), ("sms", "confirmation text message")]
)
def test_a_resent_confirmation_names_the_medium_and_canvas_s_limit_of_three(kind, medium):
    message = wording.confirmation_sent(channel(1, kind, workflow_state="unconfirmed"))
    assert f"send a new {medium} to" in message
    assert "Canvas sends at most 3 confirmation messages per address" in message


def test_a_resend_that_lost_the_address_says_it_is_off_the_list_and_the_form_is_filled():
    lost = channel(1, address="ada@example.edu", workflow_state="unconfirmed")
    assert "ada@example.edu is not on your list now" in wording.resend_incomplete(lost)
    assert "is not on the user's list now" in wording.resend_incomplete(lost, for_self=False)


def test_a_resend_of_push_or_an_active_address_says_nothing_changed():
    assert wording.not_resendable(channel(1, "push")).startswith("Push notifications need no")
    assert wording.not_resendable(channel(2, address="a@b.edu")) == (
        "a@b.edu is already confirmed, so no new confirmation was sent and nothing was changed."
    )
    assert wording.not_resendable(channel(3, workflow_state="suspended")).endswith(
        "so nothing was changed."
    )
