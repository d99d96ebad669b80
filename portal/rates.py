"""What an abuse-limit rate such as "5/m" means: a count and a window length in seconds.

A rate is `N/period`: at most N in each window of the period, `s`, `m`, `h` or `d`, optionally
multiplied ("10/5m" is 10 per 5 minutes). The settings refuse any other value at start-up with
this same parser (portal/settings.py `env_rate`), so a rate that starts is a rate that parses.
Kept free of Django so the settings can import it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SECONDS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}
_RATE = re.compile(r"(?P<count>\d+)/(?P<multiple>\d*)(?P<unit>[smhd])")


@dataclass(frozen=True)
class Rate:
    count: int  # at most this many in one window
    seconds: int  # the window's length


def parse_rate(value: str) -> Rate:
    """The count and window of `value`; ValueError when it is not `N/period`."""
    match = _RATE.fullmatch(value)
    if match is None:
        raise ValueError(f'{value!r} is not a rate such as "5/m" (a count, "/", a period).')
    multiple = int(match["multiple"] or 1)
    if multiple == 0:
        # A window of no length cannot hold a count (and would divide by zero in the counter).
        raise ValueError(f"{value!r} has a window of no length.")
    return Rate(count=int(match["count"]), seconds=multiple * _SECONDS[match["unit"]])
