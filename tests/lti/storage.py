"""How much an anonymous request made the database keep: every column of every table, as text."""

from django.db import connection


def stored_characters() -> int:
    """The total length of all stored values (SQLite and PostgreSQL alike)."""
    total = 0
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = connection.introspection.get_table_description(cursor, table)
            lengths = " + ".join(
                f"COALESCE(SUM(LENGTH(CAST({connection.ops.quote_name(c.name)} AS TEXT))), 0)"
                for c in columns
            )
            cursor.execute(f"SELECT {lengths} FROM {connection.ops.quote_name(table)}")  # noqa: S608
            total += int(cursor.fetchone()[0] or 0)
    return total
