"""Injected faults and throttling (control API ``faults``; docs/canvas-behaviour.md §4)."""

from __future__ import annotations

import time

import pytest
import requests

from .helpers import ADA


def test_status_fault_answers_a_canvas_like_error_once(emu, api):
    emu.faults(next=[{"status": 503}])
    client = api(ADA)
    failed = client.get("users/self")
    assert failed.status_code == 503
    assert failed.json() == {
        "errors": [{"message": "An error occurred.", "error_code": "service_unavailable"}]
    }
    assert client.get("users/self").status_code == 200  # consumed


def test_next_faults_are_consumed_in_order(emu, api):
    emu.faults(next=[{"status": 500}, {"status": 502}])
    client = api(ADA)
    assert [client.get("users/self").status_code for _ in range(3)] == [500, 502, 200]
    assert emu.control("GET", "faults")["next"] == []


def test_hang_makes_short_timeouts_time_out(emu, api):
    emu.faults(next=[{"hang_s": 2}])
    client = api(ADA)
    with pytest.raises(requests.exceptions.ReadTimeout):
        client.session.get(client.url("users/self"), timeout=0.3)
    emu.reset()  # wakes the hanging request instead of waiting for it


def test_hang_then_answers_normally(emu, api):
    emu.faults(next=[{"hang_s": 0.3}])
    started = time.monotonic()
    assert api(ADA).get("users/self").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_malformed_body_fault(emu, api):
    emu.faults(next=[{"body": "not json"}])
    response = api(ADA).get("users/self")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.text == "not json"
    with pytest.raises(ValueError):
        response.json()


def test_reset_fault_drops_the_connection(emu, api):
    emu.faults(next=[{"reset": True}])
    client = api(ADA)
    with pytest.raises(requests.exceptions.ConnectionError):
        client.get("users/self")
    assert client.get("users/self").status_code == 200


def test_latency_applies_to_api_calls(emu, api):
    emu.faults(latency_ms=200)
    started = time.monotonic()
    api(ADA).get("users/self")
    assert time.monotonic() - started >= 0.2


def test_throttle_403_classic_style(emu, api):
    client = api(ADA)
    emu.faults(throttle="403")
    response = client.get("users/self/communication_channels")
    assert response.status_code == 403
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.text == "403 Forbidden (Rate Limit Exceeded)\n"
    assert response.headers["X-Rate-Limit-Remaining"] == "0.0"
    assert "X-Request-Cost" not in response.headers
    assert "Retry-After" not in response.headers
    emu.faults(throttle=None)
    assert client.get("users/self").status_code == 200


def test_throttle_429_new_style(emu, api):
    emu.faults(throttle="429")
    response = api(ADA).get("users/self")
    assert response.status_code == 429
    assert "Rate Limit Exceeded" in response.text
    assert response.headers["X-Rate-Limit-Remaining"] == "0.0"


def test_faults_apply_to_the_token_endpoint_but_not_web_pages_or_controls(emu):
    emu.faults(next=[{"status": 503}, {"status": 503}], throttle=None)
    assert requests.get(f"{emu.base_url}/login/canvas", timeout=5).status_code == 200
    assert emu.users()  # control API unaffected
    response = requests.post(f"{emu.base_url}/login/oauth2/token", data={}, timeout=5)
    assert response.status_code == 503
    assert len(emu.control("GET", "faults")["next"]) == 1


def test_unknown_fault_kind_is_rejected(emu):
    with pytest.raises(Exception, match="400"):
        emu.faults(next=[{"explode": True}])
    with pytest.raises(Exception, match="400"):
        emu.faults(throttle="500")


def test_reset_clears_faults(emu):
    emu.faults(
        latency_ms=50,
        throttle="429",
        next=[{"status": 500}],
        random={"rate": 0.5, "fault": {"status": 503}},
    )
    emu.reset()
    assert emu.control("GET", "faults") == {
        "latency_ms": 0,
        "next": [],
        "throttle": None,
        "random": None,
    }


# --- faults that let Canvas do the work, then spoil the answer ----------------------------------


def test_status_after_makes_the_change_then_answers_the_error(emu, api):
    emu.faults(next=[{"status": 503, "after": True}])
    client = api(ADA)
    failed = client.add_channel("self", "applied@example.com")
    assert failed.status_code == 503
    assert "applied@example.com" in [c["path"] for c in emu.channels(ADA)]


def test_html_body_with_its_content_type(emu, api):
    emu.faults(
        next=[{"status": 502, "body": "<html>Bad gateway</html>", "content_type": "text/html"}]
    )
    response = api(ADA).get("users/self")
    assert (response.status_code, response.headers["Content-Type"]) == (502, "text/html")
    assert response.text == "<html>Bad gateway</html>"


def test_drip_sends_the_real_answer_a_byte_at_a_time(emu, api):
    emu.faults(next=[{"drip_s": 0.01}])
    started = time.monotonic()
    response = api(ADA).get("users/self")
    assert response.json()["id"] == ADA
    assert time.monotonic() - started >= 0.01 * len(response.content) * 0.8


def test_padding_keeps_the_json_valid_and_makes_it_large(emu, api):
    emu.faults(next=[{"pad_bytes": 100_000}])
    response = api(ADA).get("users/self")
    assert int(response.headers["Content-Length"]) > 100_000
    assert response.json()["id"] == ADA


def test_padding_without_a_length_ends_with_the_connection(emu, api):
    emu.faults(next=[{"pad_bytes": 10, "length": False}])
    response = api(ADA).get("users/self")
    assert "Content-Length" not in response.headers
    assert response.headers["Connection"] == "close"
    assert response.json()["id"] == ADA


def test_link_next_replaces_the_pagination_link(emu, api):
    emu.faults(next=[{"link_next": "https://elsewhere.example/api/v1/x?page=2"}])
    response = api(ADA).get("users/self/communication_channels")
    assert response.headers["Link"] == '<https://elsewhere.example/api/v1/x?page=2>; rel="next"'
    assert len(response.json()) == 3


def test_random_faults_hit_about_their_rate_and_a_seed_repeats_them(emu, api):
    client = api(ADA)

    def statuses() -> list[int]:
        emu.faults(random={"rate": 0.3, "fault": {"status": 503}, "seed": 7})
        return [client.get("users/self").status_code for _ in range(60)]

    first = statuses()
    assert 5 <= first.count(503) <= 35
    assert set(first) == {200, 503}
    assert statuses() == first
    emu.faults(random=None)
    assert client.get("users/self").status_code == 200


def test_random_fault_needs_a_rate_and_a_known_fault(emu):
    for bad in ({"rate": 2, "fault": {"status": 503}}, {"rate": 0.1, "fault": {"boom": 1}}):
        with pytest.raises(Exception, match="400"):
            emu.faults(random=bad)
