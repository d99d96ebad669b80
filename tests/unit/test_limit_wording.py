"""When a refused request may try again, as a whole sentence (portal/limits.py `try_again`)."""

from portal.limits import CHANGES, SIGN_IN, try_again


def test_the_wait_is_rounded_to_what_a_person_would_say():
    said = {
        1: "Try again in a few seconds.",
        10: "Try again in a few seconds.",
        11: "Try again in about a minute.",
        90: "Try again in about a minute.",
        91: "Try again in about 2 minutes.",
        3540: "Try again in about 59 minutes.",
        3541: "Try again in about an hour.",
        5399: "Try again in about an hour.",
        5401: "Try again in about 2 hours.",
        36 * 3600: "Try again in about 36 hours.",
        37 * 3600: "Try again in about 2 days.",
        7 * 86400: "Try again in about 7 days.",
    }
    assert {seconds: try_again(seconds) for seconds in said} == said


def test_each_limit_s_reason_is_a_sentence_the_wait_can_follow():
    for limit in (CHANGES, SIGN_IN):
        assert limit.reason[0].isupper() and limit.reason.endswith(".")
