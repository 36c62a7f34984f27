"""The `kvpt` command: serve, demo, createadmin, manage (and later import, export, report ...).

Adding a subcommand is one function:

    @subcommand("backup", "Sao lưu cơ sở dữ liệu và tệp đính kèm.",
                arg("--to", required=True, help="Thư mục đích."))
    def backup(args: argparse.Namespace) -> int:
        setup_django()
        ...
        return 0

Handlers return the process exit code. Django is set up only by the handlers that need it, so
`kvpt --help` stays fast and works without a database.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

SETTINGS_MODULE = "config.settings"
WSGI_APP = "config.wsgi:application"
MAX_DEFAULT_WORKERS = 4
ADMIN_PASSWORD_ENV = "KVPT_ADMIN_PASSWORD"  # noqa: S105 - a variable name, not a secret

Handler = Callable[[argparse.Namespace], int]


@dataclass(frozen=True)
class Argument:
    """One argparse argument: the flags and the keyword arguments of add_argument."""

    flags: tuple[str, ...]
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Subcommand:
    name: str
    help: str
    handler: Handler
    arguments: tuple[Argument, ...]


SUBCOMMANDS: dict[str, Subcommand] = {}


def arg(*flags: str, **options: Any) -> Argument:
    return Argument(flags=flags, options=options)


def subcommand(name: str, help: str, *arguments: Argument) -> Callable[[Handler], Handler]:
    """Register `handler` as `kvpt <name>`."""

    def register(handler: Handler) -> Handler:
        if name in SUBCOMMANDS:
            raise ValueError(f"subcommand {name!r} registered twice")
        SUBCOMMANDS[name] = Subcommand(name, help, handler, arguments)
        return handler

    return register


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django

    django.setup()


def fail(message: str, code: int = 1) -> int:
    print(f"kvpt: {message}", file=sys.stderr)
    return code


# --- serve --------------------------------------------------------------------------------------


def default_workers(cores: int | None = None, environ: Mapping[str, str] | None = None) -> int:
    """WEB_CONCURRENCY when set (README); else gunicorn's rule of thumb (2 x cores + 1), capped:
    SQLite gains nothing from more writers.

    `kvpt serve` passes the count on gunicorn's command line, which overrides config/gunicorn.py,
    so the variable must be read here or it would be ignored.
    """
    chosen = (os.environ if environ is None else environ).get("WEB_CONCURRENCY", "").strip()
    if chosen.isdigit() and int(chosen) > 0:
        return int(chosen)
    cores = cores if cores is not None else (os.cpu_count() or 1)
    return max(1, min(2 * cores + 1, MAX_DEFAULT_WORKERS))


def gunicorn_config_path() -> Path:
    return Path(__file__).resolve().parents[2] / "config" / "gunicorn.py"


def gunicorn_argv(host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(gunicorn_config_path()),
        "--bind",
        f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "--workers",
        str(workers),
        WSGI_APP,
    ]


@subcommand(
    "serve",
    "Chạy máy chủ web (gunicorn + whitenoise).",
    arg("--host", default=os.environ.get("HOST", "127.0.0.1"), help="Địa chỉ lắng nghe."),
    arg("--port", type=int, default=int(os.environ.get("PORT", "8000")), help="Cổng."),
    arg(
        "--workers",
        type=int,
        default=None,
        help=f"Số tiến trình (mặc định 2 x số lõi + 1, tối đa {MAX_DEFAULT_WORKERS}).",
    ),
)
def serve(args: argparse.Namespace) -> int:
    workers = args.workers if args.workers else default_workers()
    argv = gunicorn_argv(args.host, args.port, workers)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    sys.stdout.flush()
    # exec: gunicorn receives the signals (Ctrl-C, systemd's TERM) itself.
    os.execv(argv[0], argv)  # noqa: S606 - fixed program, arguments built above
    return 0  # pragma: no cover - execv does not return


# --- demo ---------------------------------------------------------------------------------------


def format_logins(logins: Sequence[tuple[str, str, str]]) -> str:
    """The demo users as an aligned plain-text table."""
    header = ("Tên đăng nhập", "Mật khẩu", "Vai trò")
    rows = [header, *[(str(u), str(p), str(r)) for u, p, r in logins]]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = [f"  {u:<{widths[0]}}  {p:<{widths[1]}}  {r}".rstrip() for u, p, r in rows]
    lines.insert(1, "  " + "-" * (sum(widths) + 4 + max(len(r[2]) for r in rows)))
    return "\n".join(lines)


def database_has_users() -> bool:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.exists()


@subcommand(
    "demo",
    "Nạp dữ liệu mẫu (chạy lại nhiều lần không tạo trùng).",
    arg("--print-logins", action="store_true", help="Chỉ in danh sách tài khoản mẫu."),
    arg(
        "--if-empty",
        action="store_true",
        help="Chỉ nạp khi cơ sở dữ liệu chưa có người dùng nào (dùng trong `make run`).",
    ),
)
def demo(args: argparse.Namespace) -> int:
    setup_django()
    if args.if_empty and not args.print_logins and database_has_users():
        print("Cơ sở dữ liệu đã có người dùng: bỏ qua nạp dữ liệu mẫu.")
        return 0
    try:
        from kvpt.demo import load  # another app; imported late so the CLI works without it
    except ImportError as exc:
        return fail(f"chưa có bộ dữ liệu mẫu (kvpt.demo.load): {exc}")
    if args.print_logins:
        print(format_logins(load.DEMO_LOGINS))
        return 0
    load.load_demo(sys.stdout)
    return 0


# --- prepare ------------------------------------------------------------------------------------

STATIC_STAMP = ".kvpt-static-fingerprint"


def static_fingerprint() -> str:
    """A digest of every static source file (name, size, mtime) and the storage in use."""
    import hashlib

    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256(str(settings.STORAGES["staticfiles"]).encode())
    entries: list[str] = []
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            stat = os.stat(storage.path(path))
            entries.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    for entry in sorted(entries):
        digest.update(entry.encode())
    return digest.hexdigest()


def collect_static_if_changed() -> bool:
    """Run collectstatic only when a source changed: hashing and compressing every file is slow."""
    from django.conf import settings
    from django.core.management import call_command

    stamp = Path(settings.STATIC_ROOT) / STATIC_STAMP
    fingerprint = static_fingerprint()
    if stamp.is_file() and stamp.read_text() == fingerprint:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(fingerprint)
    return True


@subcommand(
    "prepare",
    "Chuẩn bị để chạy: migrate, bảng cache, tệp tĩnh (bỏ qua khi không đổi).",
    arg(
        "--demo-if-empty",
        action="store_true",
        help="Nạp dữ liệu mẫu nếu cơ sở dữ liệu chưa có người dùng nào (dùng trong `make run`).",
    ),
)
def prepare(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import call_command

    # One process for every step: each Django start-up costs a second or two.
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    if collect_static_if_changed():
        print("Đã thu thập tệp tĩnh (collectstatic).")
    if args.demo_if_empty:
        return demo(argparse.Namespace(print_logins=False, if_empty=True))
    return 0


# --- createadmin --------------------------------------------------------------------------------


def ask(prompt: str, default: str, stream: TextIO) -> str:
    stream.write(f"{prompt} [{default}]: " if default else f"{prompt}: ")
    stream.flush()
    answer = sys.stdin.readline().strip()
    return answer or default


def ask_password() -> str | None:
    first = getpass.getpass("Mật khẩu: ")
    second = getpass.getpass("Nhập lại mật khẩu: ")
    if first != second:
        print("Hai lần nhập mật khẩu không khớp.", file=sys.stderr)
        return None
    return first


@subcommand(
    "createadmin",
    "Tạo tài khoản quản trị hệ thống (superuser, mức tiếp cận Tuyệt mật).",
    arg("--username", default=None, help="Tên đăng nhập (mặc định: admin)."),
    arg("--email", default="", help="Thư điện tử."),
    arg(
        "--password",
        default=None,
        help=f"Mật khẩu; nên dùng biến môi trường {ADMIN_PASSWORD_ENV} thay cho tham số này.",
    ),
    arg("--noinput", "--no-input", action="store_true", help="Không hỏi; lỗi nếu thiếu thông tin."),
    arg("--reset", action="store_true", help="Nếu tài khoản đã có: đặt lại mật khẩu và quyền."),
)
def createadmin(args: argparse.Namespace) -> int:
    setup_django()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    username: str = args.username or ""
    password: str | None = args.password or os.environ.get(ADMIN_PASSWORD_ENV) or None
    if args.noinput:
        username = username or "admin"
        if not password:
            return fail(
                f"cần --password hoặc biến môi trường {ADMIN_PASSWORD_ENV} khi dùng --noinput"
            )
    else:
        if not username:
            username = ask("Tên đăng nhập", "admin", sys.stderr)
        while not password:
            password = ask_password()
    try:
        validate_password(password)
    except ValidationError as exc:
        return fail("mật khẩu chưa đạt yêu cầu: " + " ".join(exc.messages))
    created = save_admin(username=username, email=args.email, password=password, reset=args.reset)
    if created is None:
        return fail(f"tài khoản {username!r} đã có; thêm --reset để đặt lại mật khẩu và quyền")
    print(f"Đã {'tạo' if created else 'cập nhật'} tài khoản quản trị {username!r}.")
    return 0


def save_admin(*, username: str, email: str, password: str, reset: bool) -> bool | None:
    """Create the superuser (True), update it when `reset` (False), or refuse (None)."""
    from django.db import transaction

    from kvpt.accounts.models import User
    from kvpt.core.models import Classification

    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        created = user is None
        if user is None:
            user = User(username=username)
        elif not reset:
            return None
        user.email = email or user.email
        user.is_staff = True
        user.is_superuser = True
        user.is_active = True
        user.clearance = Classification.TOP_SECRET
        user.set_password(password)
        user.save()
    return created


# --- manage -------------------------------------------------------------------------------------


def manage(argv: Sequence[str]) -> int:
    """`kvpt manage X ...` is `manage.py X ...`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kvpt manage", *argv])
    return 0


@subcommand("manage", "Chạy một lệnh quản trị Django, ví dụ: kvpt manage check --deploy.")
def manage_command(args: argparse.Namespace) -> int:
    return manage(args.django_args)


# --- bench (its own module: kvpt/cli/bench.py) ---------------------------------------------------

from kvpt.cli import bench as _bench  # noqa: E402, F401 - registers `kvpt bench`
from kvpt.cli import exchange as _exchange  # noqa: E402, F401 - `kvpt import|backup|restore`
from kvpt.cli import notify as _notify  # noqa: E402, F401 - registers `kvpt notify`
from kvpt.cli import report as _report  # noqa: E402, F401 - registers `kvpt report`, `kvpt export`

# --- entry point --------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kvpt",
        description="Quản lý diễn tập khu vực phòng thủ (KVPT).",
    )
    commands = parser.add_subparsers(dest="command", metavar="LỆNH", title="các lệnh")
    commands.required = True
    for sub in SUBCOMMANDS.values():
        child = commands.add_parser(sub.name, help=sub.help, description=sub.help)
        for argument in sub.arguments:
            child.add_argument(*argument.flags, **argument.options)
        if sub.name == "manage":
            child.add_argument("django_args", nargs=argparse.REMAINDER, help="Lệnh và tham số.")
        child.set_defaults(handler=sub.handler)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # Django parses its own options (--help, --settings ...); argparse must not see them.
    if args_list[:1] == ["manage"]:
        return manage(args_list[1:])
    args = build_parser().parse_args(args_list)
    handler: Handler = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
