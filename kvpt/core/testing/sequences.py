"""Start every table's ids high in the test database.

Ids past 999 are what production reaches within days, and what PostgreSQL's never-reset sequences
reach during a test run; SQLite restarts at 1 after every flush. A template that localises an id
("1.046") or code that confuses an id with a count passes on small ids and breaks on real ones, so
both databases start every table at ``FIRST_ID``.
"""

from __future__ import annotations

from django.db import connection

FIRST_ID = 10_000


def start_ids_past(first_id: int = FIRST_ID) -> None:
    """Move every auto-increment sequence so that the next id is at least ``first_id``."""
    with connection.cursor() as cursor:
        for sequence in connection.introspection.sequence_list():
            table, column = sequence["table"], sequence["column"] or "id"
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), "
                    "GREATEST(%s, (SELECT COALESCE(last_value, 0) FROM pg_sequences "
                    "WHERE (schemaname || '.' || sequencename)::regclass "
                    "= pg_get_serial_sequence(%s, %s)::regclass)))",
                    [table, column, first_id - 1, table, column],
                )
            elif connection.vendor == "sqlite":
                # AUTOINCREMENT tables keep their high-water mark in sqlite_sequence; Django
                # declares every AutoField that way, and a flush without reset keeps the row.
                cursor.execute(
                    "UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s",
                    [first_id - 1, table],
                )
                if cursor.rowcount == 0:
                    cursor.execute(
                        "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)",
                        [table, first_id - 1],
                    )
