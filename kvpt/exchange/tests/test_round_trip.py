"""The demo exercise survives export -> import -> export, here and in the other kind of database.

One test, because loading the demo takes a minute or two. The other database is a throwaway one of
the other vendor (PostgreSQL when this pass runs on SQLite, SQLite when it runs on PostgreSQL),
driven through the real `kvpt` command in a subprocess, as an operator moving a file between two
installations would: migrate, load the same directory of areas, agencies, units, people and
accounts, `kvpt import exercise`, then `kvpt export exercise`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from kvpt.exchange import services

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[3]
CODE = "DT-KVPT-2023"
# The `kvpt` entry point (`python -m kvpt.cli.main` would load main.py twice, as __main__ too).
ENTRY = "import sys; from kvpt.cli.main import main; sys.exit(main(sys.argv[1:]))"
# What an installation must share with another for an exercise to move between them.
DIRECTORY = (
    "organisations",
    "accounts.User",
    "preparation.DocumentKind",
    "scenario.SituationKind",
    "evaluation.RatingScale",
    "evaluation.ScaleLevel",
)


def _postgres_server() -> dict[str, str]:
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        return {
            "host": str(db.get("HOST") or "127.0.0.1"),
            "port": str(db.get("PORT") or "5432"),
            "user": str(db.get("USER") or "postgres"),
            "password": str(db.get("PASSWORD") or ""),
        }
    return {  # the SQLite pass: the server CI starts (and exports PG* for)
        "host": os.environ.get("PGHOST", "127.0.0.1"),
        "port": os.environ.get("PGPORT", "5432"),
        "user": os.environ.get("PGUSER", "postgres"),
        "password": os.environ.get("PGPASSWORD", ""),
    }


def _admin_sql(server: dict[str, str], sql: str) -> None:
    import psycopg

    with psycopg.connect(
        dbname="postgres",
        host=server["host"],
        port=server["port"],
        user=server["user"],
        password=server["password"] or None,
        autocommit=True,
    ) as conn:
        conn.execute(sql)


@pytest.fixture
def other_database(tmp_path: Path) -> Iterator[str]:
    """A DATABASE_URL of the other vendor, created empty here and dropped afterwards."""
    if connection.vendor == "postgresql":
        yield f"sqlite:///{tmp_path / 'other.sqlite3'}"
        return
    server = _postgres_server()
    name = f"kvpt_exchange_rt_{os.getpid()}"
    _admin_sql(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin_sql(server, f'CREATE DATABASE "{name}"')
    auth = server["user"] + (f":{server['password']}" if server["password"] else "")
    try:
        yield f"postgres://{auth}@{server['host']}:{server['port']}/{name}"
    finally:
        _admin_sql(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _kvpt(database_url: str, var_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "KVPT_VAR_DIR": str(var_dir),
        "MEDIA_ROOT": str(var_dir / "media"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    done = subprocess.run(
        [sys.executable, "-c", ENTRY, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, f"kvpt {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done


def _count(document: dict[str, Any]) -> int:
    return sum(len(rows) for app in document["records"].values() for rows in app.values())


def test_the_demo_exercise_round_trips_here_and_across_to_the_other_database(
    tmp_path: Path, other_database: str
) -> None:
    from kvpt.accounts.models import User
    from kvpt.demo.load import load_demo
    from kvpt.exercises.models import Exercise

    load_demo()
    importer = User.objects.create_superuser("rt-admin", "rt@example.invalid", "x" * 16)
    exercise = Exercise.objects.get(code=CODE)
    original, _files = services.build_document(exercise)
    # Every part of the exercise travels: the demo fills all the apps.
    for app, models in original["records"].items():
        assert sum(len(rows) for rows in models.values()) > 0, f"no {app} records in the demo"
    assert _count(original) > 150

    # 1. In this database (same vendor), beside the original under another code.
    copy_code = CODE + "-RT"
    expected = services.comparable(
        {**original, "exercise": {**original["exercise"], "code": copy_code}}
    )
    report = services.import_exercise(
        services.serialise({**original, "exercise": {**original["exercise"], "code": copy_code}}),
        actor=importer,
    )
    assert report.ok, report.problems
    assert not report.warnings
    again, _files = services.build_document(Exercise.objects.get(pk=int(report.exercise_id or 0)))
    assert services.comparable(again) == expected

    # 2. Into an empty installation of the other vendor, through the command line.
    exported = tmp_path / "dt.kvpt.json"
    exported.write_bytes(services.serialise(original))
    directory = tmp_path / "directory.json"
    call_command("dumpdata", *DIRECTORY, output=str(directory), verbosity=0)
    var = tmp_path / "other-var"
    _kvpt(other_database, var, "manage", "migrate", "--noinput", "-v", "0")
    _kvpt(other_database, var, "manage", "loaddata", str(directory), "-v", "0")
    dry = _kvpt(other_database, var, "import", "exercise", str(exported), "--dry-run")
    assert "có thể nhập" in dry.stdout
    _kvpt(other_database, var, "import", "exercise", str(exported), "--user", "rt-admin")
    back = tmp_path / "back.kvpt.json"
    _kvpt(other_database, var, "export", "exercise", CODE, "--out", str(back))
    across = json.loads(back.read_text(encoding="utf-8"))
    assert services.comparable(across) == services.comparable(original)
