"""The `kvpt` console script, run the way an operator runs it."""

from __future__ import annotations

import argparse
import io
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import types
import urllib.request
from pathlib import Path
from typing import TextIO

import pytest

from kvpt.accounts.models import User
from kvpt.cli import main as cli
from kvpt.core.models import Classification

KVPT = Path(sys.executable).with_name("kvpt")
REPO = Path(__file__).resolve().parents[3]
STRONG = "Ba-chien-hao-2023!"


def kvpt_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The parent's environment, with local state and the database kept in tmp_path."""
    # DJANGO_ALLOW_ASYNC_UNSAFE comes from the test plugins; a deployment never has it.
    dropped = {
        "DJANGO_SETTINGS_MODULE",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "KVPT_PRODUCTION",
        "SECRET_KEY",
    }
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        KVPT_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'kvpt.sqlite3'}",
    )
    env.update(extra)
    return env


def run_kvpt(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(KVPT), *args],
        env=kvpt_env(tmp_path, **env),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# --- the command line itself ----------------------------------------------------------------------


def test_help_lists_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])

    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for name in ("serve", "demo", "createadmin", "manage"):
        assert name in out
    assert "Quản lý diễn tập khu vực phòng thủ" in out


def test_without_a_subcommand_it_exits_with_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main([])

    assert exit_info.value.code == 2


def test_a_new_subcommand_is_one_decorated_function(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "SUBCOMMANDS", dict(cli.SUBCOMMANDS))

    @cli.subcommand("echo", "In lại một từ.", cli.arg("word"), cli.arg("--times", type=int))
    def echo(args: argparse.Namespace) -> int:
        print(args.word * args.times)
        return 3

    assert cli.main(["echo", "ab", "--times", "2"]) == 3
    assert capsys.readouterr().out == "abab\n"


def test_registering_a_name_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        cli.subcommand("serve", "again")(lambda args: 0)


# --- manage ---------------------------------------------------------------------------------------


def test_kvpt_manage_check_passes(tmp_path: Path) -> None:
    result = run_kvpt(tmp_path, "manage", "check")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_kvpt_manage_passes_django_options_through(tmp_path: Path) -> None:
    result = run_kvpt(tmp_path, "manage", "check", "--help")

    assert result.returncode == 0, result.stderr
    assert "--deploy" in result.stdout


def test_check_deploy_in_production_mode_reports_no_issues(tmp_path: Path) -> None:
    result = run_kvpt(
        tmp_path,
        "manage",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        KVPT_PRODUCTION="1",
        SECRET_KEY=secrets.token_urlsafe(64),
        DEBUG="0",
        ALLOWED_HOSTS="kvpt.example",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_mode_without_a_secret_key_refuses_to_start(tmp_path: Path) -> None:
    result = run_kvpt(tmp_path, "manage", "check", KVPT_PRODUCTION="1")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


# --- createadmin ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_createadmin_noinput_makes_a_top_secret_superuser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KVPT_ADMIN_PASSWORD", STRONG)

    code = cli.main(
        ["createadmin", "--username", "chihuy", "--email", "a@kvpt.example", "--noinput"]
    )

    assert code == 0
    user = User.objects.get(username="chihuy")
    assert user.is_superuser
    assert user.is_staff
    assert user.is_active
    assert user.clearance == Classification.TOP_SECRET
    assert user.email == "a@kvpt.example"
    assert user.check_password(STRONG)


@pytest.mark.django_db
def test_createadmin_noinput_without_a_password_fails_and_creates_nobody(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("KVPT_ADMIN_PASSWORD", raising=False)

    assert cli.main(["createadmin", "--noinput"]) == 1
    assert "KVPT_ADMIN_PASSWORD" in capsys.readouterr().err
    assert not User.objects.exists()


@pytest.mark.django_db
def test_createadmin_rejects_a_weak_password(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["createadmin", "--noinput", "--password", "12345678"]) == 1
    assert "mật khẩu chưa đạt yêu cầu" in capsys.readouterr().err
    assert not User.objects.exists()


@pytest.mark.django_db
def test_createadmin_keeps_an_existing_account_unless_reset_is_given() -> None:
    User.objects.create_user(username="admin", password="Old-password-2020")

    assert cli.main(["createadmin", "--noinput", "--password", STRONG]) == 1
    user = User.objects.get(username="admin")
    assert user.check_password("Old-password-2020")
    assert not user.is_superuser

    assert cli.main(["createadmin", "--noinput", "--password", STRONG, "--reset"]) == 0
    user.refresh_from_db()
    assert user.check_password(STRONG)
    assert user.is_superuser
    assert user.clearance == Classification.TOP_SECRET


@pytest.mark.django_db
def test_createadmin_asks_for_the_name_and_the_password_twice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("KVPT_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO("quantri\n"))
    answers = iter([STRONG, "mismatch", STRONG, STRONG])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": next(answers))

    assert cli.main(["createadmin"]) == 0

    assert User.objects.get(username="quantri").check_password(STRONG)


# --- demo -----------------------------------------------------------------------------------------

LOGINS = [
    ("admin", "kvpt-demo-2023", "Quản trị hệ thống"),
    ("bcd.truongban", "kvpt-demo-2023", "Trưởng Ban Chỉ đạo"),
]


@pytest.fixture
def fake_demo(monkeypatch: pytest.MonkeyPatch) -> list[TextIO]:
    """Stand in for kvpt.demo.load, which another app provides, and record its calls."""
    calls: list[TextIO] = []
    load = types.ModuleType("kvpt.demo.load")
    load.DEMO_LOGINS = LOGINS  # type: ignore[attr-defined]

    def load_demo(stdout: TextIO) -> None:
        calls.append(stdout)
        stdout.write("đã nạp\n")

    load.load_demo = load_demo  # type: ignore[attr-defined]
    package = types.ModuleType("kvpt.demo")
    package.load = load  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kvpt.demo", package)
    monkeypatch.setitem(sys.modules, "kvpt.demo.load", load)
    return calls


def test_demo_print_logins_shows_a_table_and_loads_nothing(
    fake_demo: list[TextIO], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["demo", "--print-logins"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["Tên", "đăng", "nhập", "Mật", "khẩu", "Vai", "trò"]
    assert lines[2].split() == ["admin", "kvpt-demo-2023", "Quản", "trị", "hệ", "thống"]
    # Columns line up: every password starts in the same column.
    assert lines[2].index("kvpt-demo") == lines[3].index("kvpt-demo")
    assert fake_demo == []


@pytest.mark.django_db
def test_demo_loads_through_the_demo_loader(
    fake_demo: list[TextIO], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["demo"]) == 0

    assert len(fake_demo) == 1
    assert "đã nạp" in capsys.readouterr().out


@pytest.mark.django_db
def test_demo_if_empty_loads_into_an_empty_database(fake_demo: list[TextIO]) -> None:
    assert cli.main(["demo", "--if-empty"]) == 0

    assert len(fake_demo) == 1


@pytest.mark.django_db
def test_demo_if_empty_leaves_a_database_with_users_alone(
    fake_demo: list[TextIO], capsys: pytest.CaptureFixture[str]
) -> None:
    User.objects.create_user(username="someone", password="x")

    assert cli.main(["demo", "--if-empty"]) == 0

    assert fake_demo == []
    assert "bỏ qua" in capsys.readouterr().out


def test_demo_without_the_demo_app_fails_clearly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "kvpt.demo", None)

    assert cli.main(["demo"]) == 1
    assert "kvpt.demo.load" in capsys.readouterr().err


# --- prepare --------------------------------------------------------------------------------------


def test_prepare_migrates_and_collects_static_files_only_when_they_changed(tmp_path: Path) -> None:
    first = run_kvpt(tmp_path, "prepare", KVPT_TESTING="1")

    assert first.returncode == 0, first.stderr
    assert "Đã thu thập tệp tĩnh" in first.stdout
    static = tmp_path / "var" / "static"
    assert (static / "admin" / "css" / "base.css").is_file()
    plan = run_kvpt(tmp_path, "manage", "showmigrations", "--plan", KVPT_TESTING="1")
    assert "[ ]" not in plan.stdout
    assert "[X]  accounts.0001_initial" in plan.stdout

    second = run_kvpt(tmp_path, "prepare", KVPT_TESTING="1")

    assert second.returncode == 0, second.stderr
    assert "Đã thu thập tệp tĩnh" not in second.stdout


# --- serve ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("cores", "workers"), [(1, 3), (2, 4), (16, 4)])
def test_default_workers_is_twice_the_cores_plus_one_capped_at_four(
    cores: int, workers: int
) -> None:
    assert cli.default_workers(cores, environ={}) == workers


def test_web_concurrency_sets_the_worker_count_as_the_readme_says() -> None:
    assert cli.default_workers(2, environ={"WEB_CONCURRENCY": "7"}) == 7
    assert cli.default_workers(2, environ={"WEB_CONCURRENCY": " "}) == 4
    assert cli.default_workers(2, environ={"WEB_CONCURRENCY": "0"}) == 4


def test_serve_runs_gunicorn_with_the_project_config() -> None:
    argv = cli.gunicorn_argv("0.0.0.0", 8001, 3)  # noqa: S104 - only a string here

    assert argv[1:3] == ["-m", "gunicorn"]
    assert Path(argv[argv.index("--config") + 1]) == REPO / "config" / "gunicorn.py"
    assert argv[argv.index("--bind") + 1] == "0.0.0.0:8001"
    assert argv[argv.index("--workers") + 1] == "3"
    assert argv[-1] == "config.wsgi:application"
    assert cli.gunicorn_argv("::1", 8001, 1)[argv.index("--bind") + 1] == "[::1]:8001"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_serve_answers_healthz_over_http(tmp_path: Path) -> None:
    port = free_port()
    with subprocess.Popen(
        [str(KVPT), "serve", "--port", str(port), "--workers", "1"],
        env=kvpt_env(tmp_path, KVPT_TESTING="1"),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as server:
        try:
            body = wait_for_json(f"http://127.0.0.1:{port}/healthz", server, seconds=90)
        finally:
            server.terminate()
            try:
                output, _ = server.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                output, _ = server.communicate()

    assert body["status"] == "ok", output
    assert "Listening at: http://127.0.0.1:" in output


def wait_for_json(url: str, server: subprocess.Popen[str], seconds: float) -> dict[str, str]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"kvpt serve exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=15) as response:
                data: dict[str, str] = json.load(response)
                return data
        except OSError:  # refused while booting, or a slow first answer on a busy machine
            time.sleep(0.3)
    pytest.fail(f"kvpt serve did not answer {url} within {seconds} s")
