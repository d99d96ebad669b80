"""Reading the time parameters of the diagnostics endpoints (``after``, ``start_time``, …)."""

from __future__ import annotations

from datetime import UTC, datetime


def parse_time(raw: str | None) -> float | None:
    """An ISO-8601 time or date as a Unix timestamp; ``None`` when absent or unreadable.

    Canvas parses these with ``Time.zone.parse`` / ``CanvasTime.try_parse``, which return nil
    for text that is not a time, and the filter is then skipped (spec §14.1, §14.3). A time
    without an offset is read in the account's zone, UTC in the emulator.
    """
    if raw is None or not raw.strip():
        return None
    try:
        parsed = datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()
