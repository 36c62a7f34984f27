"""Backup and restore of a whole installation: the database and the uploaded files.

A backup is a zip: manifest.json (format, version, database vendor, when), the database
(`database.sqlite3` made with SQLite's online backup API, or `database.pgdump` from pg_dump in
custom format) and `media/...` (MEDIA_ROOT). With a passphrase the zip is protected as described in
kvpt.exchange.crypto. Restore refuses another vendor, a newer format or an altered file before it
touches anything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.utils.translation import gettext as _

from kvpt.exchange import crypto

FORMAT = "kvpt-backup"
VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"


class BackupError(Exception):
    """A backup that cannot be made or restored; the message says why, in Vietnamese."""


def _pg_env(db: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    args: list[str] = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(argv: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(
            _("Không tìm thấy chương trình %(prog)s (cài gói postgresql-client).")
            % {"prog": argv[0]}
        ) from exc
    if done.returncode != 0:
        raise BackupError(
            _("%(prog)s thất bại: %(err)s") % {"prog": argv[0], "err": done.stderr.strip()[-2000:]}
        )


def dump_database(target: Path, db: Mapping[str, Any] | None = None) -> str:
    """Write the database to `target`; return the vendor ("sqlite" or "postgresql")."""
    if db is None:
        connection.ensure_connection()
        vendor = connection.vendor
        db = connection.settings_dict
    else:
        vendor = "sqlite" if "sqlite" in str(db["ENGINE"]) else "postgresql"
    if vendor == "sqlite":
        # The online backup API copies a consistent snapshot while others keep writing.
        source = sqlite3.connect(str(db["NAME"]))
        dest = sqlite3.connect(str(target))
        try:
            source.backup(dest)
        finally:
            dest.close()
            source.close()
        return vendor
    if vendor == "postgresql":
        args, env = _pg_env(db)
        _run(
            [
                "pg_dump",
                *args,
                "--format=custom",
                "--no-owner",
                "--file",
                str(target),
                str(db["NAME"]),
            ],
            env,
        )
        return vendor
    raise BackupError(_("Chưa hỗ trợ sao lưu cơ sở dữ liệu %(v)s.") % {"v": vendor})


def create_backup(
    out: Path,
    *,
    passphrase: str | None = None,
    media_root: Path | None = None,
    log2_n: int = crypto.DEFAULT_LOG2_N,
) -> dict[str, Any]:
    """Write a backup of this installation to `out` (atomically); return its manifest."""
    media = Path(media_root if media_root is not None else settings.MEDIA_ROOT)
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="kvpt-backup-") as work:
        dump = Path(work) / "database"
        vendor = dump_database(dump)
        name = "database.sqlite3" if vendor == "sqlite" else "database.pgdump"
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "vendor": vendor,
            "database": name,
            "created_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "sha256": hashlib.sha256(dump.read_bytes()).hexdigest(),
        }
        archive_path = Path(work) / "backup.zip"
        with zipfile.ZipFile(archive_path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            archive.writestr(MANIFEST, json.dumps(manifest, indent=1))
            archive.write(dump, name)
            if media.is_dir():
                for path in sorted(media.rglob("*")):
                    if path.is_file():
                        archive.write(path, MEDIA_PREFIX + path.relative_to(media).as_posix())
        partial = out.with_name(out.name + ".partial")
        if passphrase:
            partial.write_bytes(
                crypto.protect(
                    archive_path.read_bytes(),
                    passphrase,
                    purpose=crypto.PURPOSE_BACKUP,
                    marking=0,
                    log2_n=log2_n,
                )
            )
        else:
            shutil.copyfile(archive_path, partial)
        os.replace(partial, out)
    return manifest


def open_backup(data: bytes, passphrase: str | None) -> tuple[zipfile.ZipFile, dict[str, Any]]:
    """The backup's archive and manifest, checked (vendor not yet)."""
    if crypto.is_protected(data):
        try:
            data = crypto.unprotect(data, passphrase, purpose=crypto.PURPOSE_BACKUP)
        except crypto.ProtectionError as exc:
            raise BackupError(str(exc)) from exc
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        manifest = json.loads(archive.read(MANIFEST))
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError) as exc:
        raise BackupError(
            _("Tệp sao lưu bị hỏng, bị cắt cụt hoặc không phải bản sao lưu KVPT.")
        ) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(_("Tệp không phải bản sao lưu KVPT."))
    if int(manifest.get("version", 0)) > VERSION:
        raise BackupError(
            _("Bản sao lưu dùng định dạng phiên bản %(v)s, mới hơn bản cài đặt này: hãy nâng cấp.")
            % {"v": manifest.get("version")}
        )
    try:
        content = archive.read(manifest["database"])
    except (KeyError, zipfile.BadZipFile) as exc:
        raise BackupError(_("Bản sao lưu thiếu tệp cơ sở dữ liệu.")) from exc
    if hashlib.sha256(content).hexdigest() != manifest.get("sha256"):
        raise BackupError(_("Tệp cơ sở dữ liệu trong bản sao lưu không khớp mã kiểm tra."))
    return archive, manifest


def restore_backup(
    data: bytes,
    *,
    passphrase: str | None = None,
    db: Mapping[str, Any] | None = None,
    media_root: Path | None = None,
) -> dict[str, Any]:
    """Replace the database named by `db` (default: this installation's) and the media files."""
    archive, manifest = open_backup(data, passphrase)
    if db is None:
        db = connection.settings_dict
    vendor = "sqlite" if "sqlite" in str(db["ENGINE"]) else "postgresql"
    if manifest["vendor"] != vendor:
        raise BackupError(
            _("Bản sao lưu của %(src)s không khôi phục được vào %(dst)s.")
            % {"src": manifest["vendor"], "dst": vendor}
        )
    with tempfile.TemporaryDirectory(prefix="kvpt-restore-") as work:
        dump = Path(work) / manifest["database"]
        dump.write_bytes(archive.read(manifest["database"]))
        for alias in connections:
            connections[alias].close()
        if vendor == "sqlite":
            source = sqlite3.connect(str(dump))
            dest = sqlite3.connect(str(db["NAME"]))
            try:
                source.backup(dest)
            finally:
                dest.close()
                source.close()
        else:
            args, env = _pg_env(db)
            _run(
                [
                    "pg_restore",
                    *args,
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--exit-on-error",
                    "--dbname",
                    str(db["NAME"]),
                    str(dump),
                ],
                env,
            )
    media = Path(media_root if media_root is not None else settings.MEDIA_ROOT)
    for info in archive.infolist():
        if not info.filename.startswith(MEDIA_PREFIX) or info.is_dir():
            continue
        relative = Path(info.filename[len(MEDIA_PREFIX) :])
        if relative.is_absolute() or ".." in relative.parts:
            continue  # never outside MEDIA_ROOT
        target = media / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(archive.read(info))
    return manifest


def table_checksums(alias: str = "default") -> dict[str, tuple[int, str]]:
    """Row count and a digest of the ordered rows of every table (to compare two databases)."""
    conn = connections[alias]
    result: dict[str, tuple[int, str]] = {}
    with conn.cursor() as cursor:
        for table in sorted(conn.introspection.table_names(cursor)):
            quoted = conn.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 - names from introspection
            rows = sorted(repr(row) for row in cursor.fetchall())
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            result[table] = (len(rows), digest)
    return result
