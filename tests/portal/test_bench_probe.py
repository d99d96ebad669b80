"""The benchmark's counters (portal/bench_probe.py) are opt-in: off, they are not even loaded."""

from django.conf import settings as django_settings

PROBE = "portal.bench_probe.BenchProbeMiddleware"


def test_the_probe_is_not_installed_and_answers_carry_no_bench_headers_by_default(client, db):
    response = client.get("/healthz")
    assert PROBE not in django_settings.MIDDLEWARE
    assert not [name for name in response.headers if name.lower().startswith("x-bench-")]


def test_the_probe_counts_the_statements_of_a_request_when_enabled(client, db, settings):
    settings.MIDDLEWARE = [PROBE, *settings.MIDDLEWARE]
    session = client.session
    session["visited"] = True
    session.save()  # a stored session: reading it is one statement
    response = client.get("/brand.css")
    assert int(response["X-Bench-Queries"]) >= 1
    assert response["X-Bench-Session-Writes"] == "0"
    assert int(response["X-Bench-CPU-us"]) >= 0
