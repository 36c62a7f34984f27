"""`kvpt export exercise`, `kvpt import exercise`, `kvpt backup`, `kvpt restore` (kvpt.exchange).

`kvpt export exercise` is dispatched from `kvpt export` (kvpt/cli/report.py), which also exports
tables. A passphrase is read from a file (`--passphrase-file`, first line) or from the
KVPT_PASSPHRASE environment variable, never from the command line (it would show in `ps`).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from kvpt.cli.main import arg, fail, setup_django, subcommand

PASSPHRASE_ENV = "KVPT_PASSPHRASE"  # noqa: S105 - a variable name, not a secret


def read_passphrase(path: str | None) -> str | None:
    if path:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        return lines[0] if lines else ""
    return os.environ.get(PASSPHRASE_ENV) or None


def _actor(username: str | None) -> Any:
    from kvpt.accounts.models import User

    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise LookupError(f"không có tài khoản đang hoạt động tên {username!r}")
    return user


def export_exercise_command(args: argparse.Namespace) -> int:
    """`kvpt export exercise CODE --out FILE [--passphrase-file F] [--with-files] [--user U]`."""
    setup_django()
    from kvpt.exchange.services import export_exercise
    from kvpt.exercises.models import Exercise

    try:
        actor = _actor(args.user)
        queryset = Exercise.objects.all()
        if actor is not None:
            from kvpt.exercises.selectors import exercise_list

            queryset = exercise_list(actor)
        exercise = queryset.filter(code=args.name).first()
        if exercise is None:
            return fail(f"không tìm thấy cuộc diễn tập mã {args.name!r} (hoặc không được xem)")
        result = export_exercise(
            exercise,
            actor=actor if actor is not None else _system(),
            passphrase=read_passphrase(args.passphrase_file),
            with_files=args.with_files,
        )
    except Exception as exc:  # one line for the operator, not a traceback
        return fail(str(exc))
    Path(args.out).write_bytes(result.content)
    print(
        f"Đã ghi {args.out} ({len(result.content):,} byte, {result.records} bản ghi, "
        f"{result.files} tệp, độ mật: {_label(result.classification)}).",
        file=sys.stderr,
    )
    return 0


def _system() -> Any:
    """The operator of the server reads everything (as `kvpt export table` without --user)."""
    from kvpt.reports.build import system_reader

    return system_reader()


def _label(level: int) -> str:
    from kvpt.core.models import Classification

    return str(Classification(level).label)


@subcommand(
    "import",
    "Nhập một cuộc diễn tập từ tệp trao đổi: kvpt import exercise FILE [--dry-run].",
    arg("what", choices=("exercise",), help="exercise"),
    arg("file", help="Tệp .kvpt.json / .kvpt.zip (có thể đã mã hóa .enc)."),
    arg("--dry-run", action="store_true", help="Chỉ kiểm tra và báo cáo, không ghi gì."),
    arg("--passphrase-file", default=None, help=f"Tệp chứa cụm mật khẩu (hoặc ${PASSPHRASE_ENV})."),
    arg(
        "--user",
        default=None,
        help="Nhập dưới tên tài khoản này (quyền, phạm vi, lịch sử); mặc định: quản trị.",
    ),
)
def import_command(args: argparse.Namespace) -> int:
    setup_django()
    from kvpt.exchange.services import ExchangeError, import_exercise

    try:
        actor = _actor(args.user) if args.user else _superuser()
        data = Path(args.file).read_bytes()
        report = import_exercise(
            data,
            actor=actor,
            passphrase=read_passphrase(args.passphrase_file),
            dry_run=args.dry_run,
        )
    except ExchangeError as exc:
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return fail(f"không nhập được: {len(exc.problems)} lỗi, không có gì được ghi.")
    except Exception as exc:
        return fail(str(exc))
    print(f"Cuộc diễn tập {report.code} - {report.name} (độ mật: {report.classification_label})")
    for label, count in report.counts.items():
        if count:
            print(f"  {label}: {count}")
    print(f"  tệp kèm theo: {report.files_included}, thiếu tệp: {report.files_missing}")
    for problem in report.warnings:
        print(f"  cảnh báo: {problem}")
    for problem in report.problems:
        print(f"  lỗi: {problem}", file=sys.stderr)
    if args.dry_run:
        verdict = "có thể nhập" if report.ok else "KHÔNG nhập được"
        print(f"Chạy thử: {verdict}; không có gì được ghi.")
        return 0 if report.ok else 1
    print(f"Đã nhập: {report.total + 1} bản ghi (mã diễn tập {report.code}).")
    return 0


def _superuser() -> Any:
    from kvpt.accounts.models import User

    user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if user is None:
        raise LookupError("chưa có tài khoản quản trị: dùng --user hoặc chạy kvpt createadmin")
    return user


@subcommand(
    "backup",
    "Sao lưu toàn bộ cơ sở dữ liệu và tệp đính kèm vào một tệp.",
    arg("file", help="Tệp sao lưu cần tạo."),
    arg(
        "--passphrase-file",
        default=None,
        help=f"Mã hóa bằng cụm mật khẩu trong tệp này (hoặc ${PASSPHRASE_ENV}).",
    ),
)
def backup_command(args: argparse.Namespace) -> int:
    setup_django()
    from kvpt.exchange.backup import create_backup

    try:
        manifest = create_backup(Path(args.file), passphrase=read_passphrase(args.passphrase_file))
    except Exception as exc:
        return fail(str(exc))
    size = Path(args.file).stat().st_size
    print(f"Đã sao lưu ({manifest['vendor']}) vào {args.file} ({size:,} byte).", file=sys.stderr)
    return 0


@subcommand(
    "restore",
    "Khôi phục cơ sở dữ liệu và tệp đính kèm từ một bản sao lưu (ghi đè dữ liệu hiện có).",
    arg("file", help="Tệp sao lưu."),
    arg("--yes", action="store_true", help="Không hỏi xác nhận."),
    arg("--passphrase-file", default=None, help=f"Tệp chứa cụm mật khẩu (hoặc ${PASSPHRASE_ENV})."),
)
def restore_command(args: argparse.Namespace) -> int:
    setup_django()
    from django.db import connection

    from kvpt.exchange.backup import BackupError, open_backup, restore_backup

    try:
        data = Path(args.file).read_bytes()
        passphrase = read_passphrase(args.passphrase_file)
        _archive, manifest = open_backup(data, passphrase)  # refuse a bad file before asking
    except (OSError, BackupError) as exc:
        return fail(str(exc))
    target = connection.settings_dict["NAME"]
    print(
        f"Bản sao lưu {manifest['vendor']} lúc {manifest['created_at']} sẽ GHI ĐÈ toàn bộ dữ liệu "
        f"của {target}.",
        file=sys.stderr,
    )
    if not args.yes:
        answer = input("Gõ 'co' để tiếp tục: ").strip().lower() if sys.stdin.isatty() else ""
        if answer not in {"co", "có"}:
            return fail("đã hủy: không có gì thay đổi (dùng --yes khi chạy không tương tác).")
    try:
        restore_backup(data, passphrase=passphrase)
    except BackupError as exc:
        return fail(str(exc))
    print("Đã khôi phục.", file=sys.stderr)
    return 0
