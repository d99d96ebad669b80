"""The shared cache: Django's database cache with an increment that two processes cannot undo.

The abuse limits (portal/limits.py) count with django-ratelimit, which adds a counter
once per window and then calls `incr`. Django's `DatabaseCache.incr` is `get` then `set`: two
processes incrementing at the same moment both read 5 and both write 6, so a burst spread over
several processes would lose counts and get past the limit. Its `set` also resets the entry's
expiry to the cache's default timeout, so a counter with a longer window could vanish early.

Here `incr` reads the row under a lock (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite's
`BEGIN IMMEDIATE`, set in portal/settings.py, already takes the write lock when the transaction
starts) and writes only the value, keeping the expiry. Everything else is Django's backend,
storing values in the same format, so `get` reads what `incr` writes.
"""

import base64
import pickle
from typing import Any

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, models, router, transaction
from django.utils.timezone import now


class AtomicDatabaseCache(DatabaseCache):
    # The cache table's name, set by DatabaseCache.__init__ (django-stubs leave it out).
    _table: str

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table, key_column = quote(self._table), quote("cache_key")
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('value')}, {quote('expires')} FROM {table} "  # noqa: S608
                f"WHERE {key_column} = %s{lock}",
                [key],
            )
            row = cursor.fetchone()
            if row is None or self._expired(connection, row[1]):
                raise ValueError(f"Key '{key}' not found")
            stored = connection.ops.process_clob(row[0])
            value = pickle.loads(base64.b64decode(stored.encode(), validate=True)) + delta  # noqa: S301 - written by this cache only
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {quote('value')} = %s WHERE {key_column} = %s",  # noqa: S608
                [encoded, key],
            )
        return value

    @staticmethod
    def _expired(connection: Any, expires: Any) -> bool:
        # The same conversion DatabaseCache.get_many applies: aware or naive per backend.
        expression = models.Expression(output_field=models.DateTimeField())
        converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(
            connection
        )
        for converter in converters:
            expires = converter(expires, expression, connection)
        return bool(expires < now())
