"""Counting hits in fixed windows with one SQL statement, shared by every portal process.

`hit` adds one to a key's counter and answers the count and when the window ends, in a single
`INSERT ... ON CONFLICT DO UPDATE ... RETURNING` (PostgreSQL, and SQLite 3.35+): the database
applies it to the row atomically, so two processes counting at the same moment lose no hit, and
no transaction or lock is held across statements. A counter whose window has ended starts again
at 1 with the new window, in the same statement.

It replaced counting in Django's database cache through django-ratelimit (add, then a locked
read and a write: four to six statements per counted request, plus a `COUNT(*)` of the whole
cache table for culling); that cache and its table are gone.
"""

from __future__ import annotations

import hashlib
import time
import zlib
from dataclasses import dataclass

from django.db import connections, router

from portal.models import RateCount


@dataclass(frozen=True)
class Count:
    hits: int  # this one included
    window_ends: int  # Unix seconds


def window_end(value: str, period: int, now: int) -> int:
    """The end of the fixed window `now` falls in: windows of `period` seconds from the epoch,
    shifted by a per-key offset so that not every key's window ends at the same second (the
    windows the limits have always had)."""
    if period == 1:
        return now
    end = now - (now % period) + (zlib.crc32(value.encode()) % period)
    return end + period if end < now else end


def hit(group: str, value: str, *, period: int) -> Count:
    """Count one hit of `value` (a user, an address) for `group` in the current window."""
    now = int(time.time())
    ends = window_end(value, period, now)
    # Hashed: the table then holds no address or user id, and the key has a fixed length.
    key = hashlib.sha256(f"{group}\0{period}\0{value}".encode()).hexdigest()
    db = router.db_for_write(RateCount)
    connection = connections[db]
    quote = connection.ops.quote_name
    table = quote(RateCount._meta.db_table)
    hits, window_ends = quote("hits"), quote("window_ends")
    ended = f"{table}.{window_ends} < %s"
    sql = (
        f"INSERT INTO {table} ({quote('key')}, {hits}, {window_ends}) VALUES (%s, 1, %s) "  # noqa: S608 - names quoted, values bound
        f"ON CONFLICT ({quote('key')}) DO UPDATE SET "
        f"{hits} = CASE WHEN {ended} THEN 1 ELSE {table}.{hits} + 1 END, "
        f"{window_ends} = CASE WHEN {ended} THEN %s ELSE {table}.{window_ends} END "
        f"RETURNING {hits}, {window_ends}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, ends, now, now, ends])
        row = cursor.fetchone()
    return Count(hits=int(row[0]), window_ends=int(row[1]))


def delete_ended(*, dry_run: bool = False) -> int:
    """Remove counters whose window has ended (`cleanup`): they would restart at 1 anyway."""
    ended = RateCount.objects.filter(window_ends__lt=int(time.time()))
    if dry_run:
        return ended.count()
    deleted: int = ended.delete()[0]
    return deleted
