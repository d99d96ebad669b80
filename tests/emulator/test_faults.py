"""Injected faults and throttling (control API ``faults``; spec §4)."""

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
    emu.faults(latency_ms=50, throttle="429", next=[{"status": 500}])
    emu.reset()
    assert emu.control("GET", "faults") == {"latency_ms": 0, "next": [], "throttle": None}
