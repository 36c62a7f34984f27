"""`kvpt report summary|news` and `kvpt export table NAME`: reports and exports from the shell.

They run inline (no worker needed) with a progress line on stderr. Without --user they read as the
system (every record, every classification: the operator of the server already holds the whole
database); with --user they read what that user may see, and the export is logged under them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kvpt.cli.main import arg, fail, setup_django, subcommand


def _reader(username: str | None) -> Any:
    if not username:
        from kvpt.reports.build import system_reader

        return system_reader()
    from kvpt.accounts.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise LookupError(f"không có tài khoản đang hoạt động tên {username!r}")
    return user


def _exercise(reader: Any, code: str) -> Any:
    from kvpt.exercises.selectors import exercise_list

    exercise = exercise_list(reader).filter(code=code).first()
    if exercise is None:
        raise LookupError(f"không tìm thấy cuộc diễn tập mã {code!r} (hoặc không được xem)")
    return exercise


class ProgressLine:
    """One line on stderr, rewritten in place when stderr is a terminal."""

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def __call__(self, percent: int, stage: str) -> None:
        line = f"[{percent:3d}%] {stage}"
        if self.tty:
            self.stream.write("\r\033[K" + line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def done(self, message: str) -> None:
        if self.tty:
            self.stream.write("\r\033[K")
        self.stream.write(message + "\n")
        self.stream.flush()


@subcommand(
    "report",
    "Tạo báo cáo: summary = báo cáo tổng kết (DOCX/PDF), news = tin bài công khai.",
    arg("kind", choices=("summary", "news"), help="summary | news"),
    arg("--exercise", required=True, help="Mã cuộc diễn tập, ví dụ DT-KVPT-2023."),
    arg(
        "--format", choices=("docx", "pdf"), default="docx", help="summary: docx (mặc định) | pdf."
    ),
    arg("--out", required=True, help="Tệp kết quả."),
    arg("--user", default=None, help="Đọc dữ liệu như tài khoản này (mặc định: toàn bộ)."),
)
def report(args: argparse.Namespace) -> int:
    setup_django()
    from kvpt.reports.build import build_news_output, build_summary
    from kvpt.reports.docx_summary import marking_text

    progress = ProgressLine()
    try:
        reader = _reader(args.user)
        exercise = _exercise(reader, args.exercise)
        if args.kind == "news":
            output = build_news_output(reader, exercise, progress=progress)
        else:
            output = build_summary(reader, exercise, args.format, progress=progress)
    except Exception as exc:  # one line for the operator, not a traceback
        return fail(str(exc))
    Path(args.out).write_bytes(output.content)
    marking = marking_text(output.marking) or "Thường"
    progress.done(f"Đã ghi {args.out} ({len(output.content):,} byte, độ mật: {marking}).")
    return 0


@subcommand(
    "export",
    "Xuất dữ liệu: kvpt export table NAME --exercise CODE --out FILE.xlsx (Excel); "
    "kvpt export exercise CODE --out FILE (tệp trao đổi, xem kvpt/cli/exchange.py).",
    arg("what", choices=("table", "exercise"), help="table | exercise"),
    arg("name", help="table: tên bảng (works, budget, actions ...); exercise: mã cuộc diễn tập."),
    arg("--exercise", default=None, help="table: mã cuộc diễn tập."),
    arg("--out", required=True, help="Tệp kết quả (.xlsx cho table)."),
    arg("--user", default=None, help="Đọc dữ liệu như tài khoản này (mặc định: toàn bộ)."),
    arg("--passphrase-file", default=None, help="exercise: mã hóa bằng cụm mật khẩu trong tệp."),
    arg("--with-files", action="store_true", help="exercise: kèm các tệp văn bản (tệp .zip)."),
)
def export(args: argparse.Namespace) -> int:
    if args.what == "exercise":
        from kvpt.cli.exchange import export_exercise_command

        return export_exercise_command(args)
    if not args.exercise:
        return fail("thiếu --exercise CODE (mã cuộc diễn tập)")
    setup_django()
    from kvpt.reports.excel import TABLES, export_table

    if args.name not in TABLES:
        return fail(f"không có bảng {args.name!r}; có: {', '.join(sorted(TABLES))}")
    try:
        reader = _reader(args.user)
        exercise = _exercise(reader, args.exercise)
        content, _export = export_table(reader, exercise, args.name)
    except Exception as exc:
        return fail(str(exc))
    Path(args.out).write_bytes(content)
    print(f"Đã ghi {args.out} ({len(_export.rows)} dòng).", file=sys.stderr)
    return 0
