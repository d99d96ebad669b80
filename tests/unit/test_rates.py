"""Reading an abuse-limit rate (portal/rates.py); the settings refuse at start-up what it does."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal import settings as portal_settings
from portal.rates import Rate, parse_rate


@pytest.mark.parametrize(
    ("value", "rate"),
    [
        ("5/s", Rate(count=5, seconds=1)),
        ("5/m", Rate(count=5, seconds=60)),
        ("20/m", Rate(count=20, seconds=60)),
        ("60/m", Rate(count=60, seconds=60)),
        ("100/h", Rate(count=100, seconds=3600)),
        ("1000/d", Rate(count=1000, seconds=86400)),
        ("10/5m", Rate(count=10, seconds=300)),
        ("3/1h", Rate(count=3, seconds=3600)),
        ("0/m", Rate(count=0, seconds=60)),
    ],
)
def test_a_rate_is_a_count_per_window_of_seconds(value, rate):
    assert parse_rate(value) == rate


@pytest.mark.parametrize(
    "value",
    ["", "5", "5/", "/m", "5/x", "5/M", "5/min", "5/m ", " 5/m", "-5/m", "5.5/m", "5/m/h", "5/0m"],
)
def test_anything_else_is_refused(value):
    with pytest.raises(ValueError, match=r"is not a rate|window of no length"):
        parse_rate(value)


@pytest.mark.parametrize("value", ["5/minute", "5/0m"])
def test_the_portal_refuses_to_start_with_a_rate_the_limits_cannot_read(value, monkeypatch):
    monkeypatch.setenv("RATE_LIMIT_TEST", value)
    with pytest.raises(ImproperlyConfigured, match='RATE_LIMIT_TEST must look like "5/m"'):
        portal_settings.env_rate("RATE_LIMIT_TEST", "5/m")
