"""Keeps SQLite's lessons search index alive across migrations.

SQLite cannot alter most columns in place: Django's schema editor rebuilds the table (a new
table, the rows copied, the old one dropped, the new one renamed). Dropping the old table drops
its triggers, and the FTS5 index (migration review 0002) would silently stop following new and
changed observations. After every `migrate`, the triggers are checked; any missing ones are
created again and the index is rebuilt from the table. PostgreSQL's trigram index is kept by
the rebuild-free ALTERs PostgreSQL does.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from django.db import connections

from kvpt.review.lessons import FTS_TABLE
from kvpt.review.models import Observation

logger = logging.getLogger(__name__)

TABLE = Observation._meta.db_table
TRIGGERS = ("review_observation_fts_ai", "review_observation_fts_ad", "review_observation_fts_au")


def _sqlite_up() -> list[str]:
    """The statements of the migration that made the index (their single source)."""
    migration = importlib.import_module("kvpt.review.migrations.0002_lessons_search_index")
    return list(migration.SQLITE_UP)


def missing_triggers(using: str = "default") -> list[str]:
    """The search index's triggers absent from an SQLite database that has the index."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, name FROM sqlite_master WHERE name = %s OR tbl_name = %s",
            [FTS_TABLE, TABLE],
        )
        found = {name for _type, name in cursor.fetchall()}
    if FTS_TABLE not in found:  # the index's migration is not applied (yet, or any more)
        return []
    return [name for name in TRIGGERS if name not in found]


def ensure_search_index(using: str = "default", **_kwargs: Any) -> list[str]:
    """Recreate missing triggers and rebuild the index; returns what was missing (post_migrate)."""
    missing = missing_triggers(using)
    if missing:
        logger.warning("lessons search index: triggers %s were gone; rebuilding", missing)
        with connections[using].cursor() as cursor:
            for sql in _sqlite_up():
                cursor.execute(sql)
    return missing
