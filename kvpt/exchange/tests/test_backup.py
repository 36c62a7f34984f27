"""Backup and restore of a whole installation: the data is identical after the round trip."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from kvpt.cli.main import main
from kvpt.core.testing.world import World
from kvpt.exchange import backup
from kvpt.exchange.tests.helpers import FAST, populate

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASS = "cụm mật khẩu sao lưu"


def _sqlite_checksums(path: str) -> dict[str, tuple[int, str]]:
    db = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        result = {}
        for table in sorted(tables):
            rows = sorted(repr(r) for r in db.execute(f'SELECT * FROM "{table}"'))  # noqa: S608
            result[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
        return result
    finally:
        db.close()


def _pg_connect(name: str) -> Any:
    import psycopg

    db = connection.settings_dict
    return psycopg.connect(
        dbname=name,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        autocommit=True,
    )


def _pg_checksums(name: str) -> dict[str, tuple[int, str]]:
    with _pg_connect(name) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        result = {}
        for table in tables:
            digest_sql = "md5(coalesce(string_agg(t::text, chr(10) ORDER BY t::text), ''))"
            query = f'SELECT count(*), {digest_sql} FROM "{table}" t'  # noqa: S608 - pg_tables
            count, digest = conn.execute(query).fetchone()
            result[table] = (count, digest)
        return result


def checksums(db: dict[str, Any] | None = None) -> dict[str, tuple[int, str]]:
    db = dict(db or connection.settings_dict)
    if "sqlite" in db["ENGINE"]:
        return _sqlite_checksums(str(db["NAME"]))
    return _pg_checksums(str(db["NAME"]))


@pytest.fixture
def throwaway(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A database of the same vendor that this test creates and drops (never a shared one)."""
    db = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        db["NAME"] = str(tmp_path / "restored.sqlite3")
        yield db
        return
    name = f"kvpt_exchange_restore_{os.getpid()}"
    with _pg_connect("postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    db["NAME"] = name
    try:
        yield db
    finally:
        with _pg_connect("postgres") as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restored_elsewhere_holds_identical_data_and_files(
    world: World, tmp_path: Path, throwaway: dict[str, Any]
) -> None:
    populate(world)
    before = checksums()
    assert before["preparation_task"][0] == 2
    out = tmp_path / "kvpt.backup"
    manifest = backup.create_backup(out, passphrase=PASS, log2_n=FAST)
    assert manifest["vendor"] == connection.vendor
    restored_media = tmp_path / "media-restored"
    backup.restore_backup(
        out.read_bytes(), passphrase=PASS, db=throwaway, media_root=restored_media
    )
    after = checksums(throwaway)
    assert after == before
    originals = {
        p.relative_to(settings.MEDIA_ROOT): p.read_bytes()
        for p in Path(settings.MEDIA_ROOT).rglob("*")
        if p.is_file()
    }
    assert originals, "the populated exercise has a document file"
    for relative, content in originals.items():
        assert (restored_media / relative).read_bytes() == content


def test_an_altered_or_wrongly_unlocked_backup_is_refused_before_anything_changes(
    world: World, tmp_path: Path, throwaway: dict[str, Any]
) -> None:
    out = tmp_path / "kvpt.backup"
    backup.create_backup(out, passphrase=PASS, log2_n=FAST)
    data = bytearray(out.read_bytes())
    with pytest.raises(backup.BackupError, match="Sai cụm mật khẩu"):
        backup.restore_backup(bytes(data), passphrase="không phải mật khẩu", db=throwaway)
    data[-100] ^= 0xFF
    with pytest.raises(backup.BackupError, match="sửa đổi"):
        backup.restore_backup(bytes(data), passphrase=PASS, db=throwaway)
    with pytest.raises(backup.BackupError, match="cắt cụt"):
        backup.restore_backup(b"PK\x03\x04 half a file", db=throwaway)


def test_kvpt_backup_and_restore_bring_the_installation_back(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kvpt.preparation.models import Task

    populate(world)
    out = tmp_path / "nightly.backup"
    assert main(["backup", str(out)]) == 0
    before = checksums()
    Task.objects.all().delete()
    assert checksums() != before
    # Without --yes and without a terminal to answer: refused, nothing changed.
    assert main(["restore", str(out)]) == 1
    assert "đã hủy" in capsys.readouterr().err
    assert not Task.objects.exists()
    assert main(["restore", str(out), "--yes"]) == 0
    assert checksums() == before
    assert Task.objects.count() == 2
