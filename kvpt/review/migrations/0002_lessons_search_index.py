"""Indexes for the lessons library (kvpt/review/lessons.py): a substring search on search_text.

PostgreSQL: pg_trgm and a GIN trigram index, which serves LIKE '%word%'.
SQLite: an FTS5 table with the trigram tokenizer (case-sensitive: the text is folded already, so
a phrase match is exactly a substring match), external content on review_observation, kept in
line by triggers. Other engines: nothing (the search then scans).
"""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS review_observation_fts USING fts5("
    "search_text, content='review_observation', content_rowid='id', "
    "tokenize='trigram case_sensitive 1')",
    "CREATE TRIGGER IF NOT EXISTS review_observation_fts_ai AFTER INSERT ON review_observation "
    "BEGIN INSERT INTO review_observation_fts(rowid, search_text) "
    "VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS review_observation_fts_ad AFTER DELETE ON review_observation "
    "BEGIN INSERT INTO review_observation_fts(review_observation_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS review_observation_fts_au "
    "AFTER UPDATE OF search_text ON review_observation "
    "BEGIN INSERT INTO review_observation_fts(review_observation_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO review_observation_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO review_observation_fts(review_observation_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS review_observation_fts_au",
    "DROP TRIGGER IF EXISTS review_observation_fts_ad",
    "DROP TRIGGER IF EXISTS review_observation_fts_ai",
    "DROP TABLE IF EXISTS review_observation_fts",
]
POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS review_observation_search_trgm "
    "ON review_observation USING gin (search_text gin_trgm_ops)",
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS review_observation_search_trgm"]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("review", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
