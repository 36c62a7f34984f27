"""Run the app as `kvpt serve` runs it (gunicorn, several workers) on a free port, for fault tests.

The server gets its own database (a SQLite file, or a fresh PostgreSQL database beside the one the
tests use) and its own var/ directory, so killing it can never hurt the test database:

    database = dedicated_database(tmp_path)          # migrated, with an admin and an API token
    server = LiveServer(server_env(tmp_path, database.url))
    server.start()
    ...
    server.kill()                                    # kill -9 of the master and every worker
    server.start()                                   # the same port again
    server.stop()
    database.drop()
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

import httpx

REPO = Path(__file__).resolve().parents[3]
KVPT = Path(sys.executable).with_name("kvpt")
ADMIN_USERNAME = "fault-admin"
ADMIN_PASSWORD = "Dien-tap-kvpt-2025!"  # noqa: S105 - a throwaway test account

# Variables of the test process a deployed server never has.
_DROPPED_ENV = {
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "KVPT_PRODUCTION",
    "SECRET_KEY",
    "PYTEST_CURRENT_TEST",
    "PYTEST_ADDOPTS",
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(base: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a server process: its own var/ and database, quiet logs.

    KVPT_TESTING=1 serves static files from the source tree (no collectstatic) and hashes passwords
    fast, as the end-to-end server does; everything else is the production code path, kept
    database connections included (DB_CONN_MAX_AGE, which KVPT_TESTING would otherwise turn off).
    """
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED_ENV}
    env.update(
        KVPT_VAR_DIR=str(base / "var"),
        DATABASE_URL=database_url,
        KVPT_TESTING="1",
        DB_CONN_MAX_AGE="600",
        # The code under test, wherever this checkout is (the venv may point at another one).
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        GUNICORN_ACCESS_LOG="/dev/null",
        GUNICORN_LOG_LEVEL="warning",
        LOG_LEVEL="WARNING",
        KVPT_LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def run_django(env: dict[str, str], code: str, timeout: float = 180) -> str:
    """Run Python code with Django set up, in a child process with `env`; return its stdout."""
    prelude = (
        "import os, django\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings')\n"
        "django.setup()\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", prelude + code],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"child Django process failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


# Migrates, makes the cache table, an admin (superuser, top secret) with an API token and the
# administrative levels; prints the raw token as JSON on the last line.
_PREPARE = """
import json
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("createcachetable", verbosity=0)
from kvpt.accounts.models import ApiToken, User
from kvpt.core.models import Classification
from kvpt.organisations.models import AreaLevel
user = User.objects.create_superuser(username=%(username)r, password=%(password)r, email="")
user.clearance = Classification.TOP_SECRET
user.save()
raw, prefix, digest = ApiToken.generate()
ApiToken.objects.create(user=user, name="fault", key_prefix=prefix, key_hash=digest,
                        created_with_otp=True)
for rank, (code, name) in enumerate([("tinh", "Tỉnh"), ("huyen", "Huyện"), ("xa", "Xã")], 1):
    AreaLevel.objects.get_or_create(code=code, defaults={"name": name, "rank": rank})
print(json.dumps({"token": raw}))
"""


@dataclass
class DedicatedDatabase:
    """A database only one test uses: a SQLite file, or a PostgreSQL database it created."""

    url: str
    token: str
    admin_url: str | None = None  # PostgreSQL: the maintenance database, to drop it at the end
    name: str = ""

    @property
    def vendor(self) -> str:
        return "sqlite" if self.url.startswith("sqlite") else "postgresql"

    def drop(self) -> None:
        if self.admin_url is None:
            return
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def libpq_url(url: str) -> str:
    """dj-database-url accepts postgres:// and postgresql://; libpq wants the latter or either."""
    return "postgresql://" + url.split("://", 1)[1]


# One migrated template per database server and test process: migrating takes 10-30 s, copying
# a migrated database well under one.
_TEMPLATES: dict[str, DedicatedDatabase] = {}
_TEMPLATE_DIR: list[Path] = []


def _cleanup_templates() -> None:
    for template in _TEMPLATES.values():
        # Best effort at exit: the server may be gone already.
        with contextlib.suppress(Exception):
            template.drop()
    for directory in _TEMPLATE_DIR:
        shutil.rmtree(directory, ignore_errors=True)


atexit.register(_cleanup_templates)


def _migrated(base: Path, server_url: str | None, name: str) -> DedicatedDatabase:
    admin_url = None
    if server_url is None:
        (base / "db").mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{base / 'db' / 'kvpt.sqlite3'}"
    else:
        import psycopg

        admin_url = libpq_url(_with_database(server_url, "postgres"))
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = _with_database(server_url, name)
    out = run_django(
        server_env(base, url), _PREPARE % {"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD}
    ).strip()
    token = json.loads(out.splitlines()[-1])["token"]
    return DedicatedDatabase(url=url, token=token, admin_url=admin_url, name=name)


def _template(server_url: str | None) -> DedicatedDatabase:
    key = server_url or "sqlite"
    if key not in _TEMPLATES:
        if not _TEMPLATE_DIR:
            _TEMPLATE_DIR.append(Path(tempfile.mkdtemp(prefix="kvpt-template-")))
        base = _TEMPLATE_DIR[0] / secrets.token_hex(4)
        name = f"kvpt_template_{os.getpid()}_{secrets.token_hex(4)}"
        _TEMPLATES[key] = _migrated(base, server_url, name)
    return _TEMPLATES[key]


def dedicated_database(
    base: Path, server_url: str | None = None, *, from_template: bool = True
) -> DedicatedDatabase:
    """A migrated database with an admin and an API token, for one test.

    `server_url` is a PostgreSQL URL whose server gets a fresh database (the run's DATABASE_URL,
    or a throwaway cluster); without it, a SQLite file under `base`/db. Either is a copy of a
    template migrated once per test process, unless `from_template` is false (a server that lives
    for one test only: migrating it directly is cheaper than a template and a copy).
    """
    if not from_template:
        return _migrated(base, server_url, f"kvpt_fault_{os.getpid()}_{secrets.token_hex(4)}")
    template = _template(server_url)
    if server_url is None:
        source = Path(template.url.removeprefix("sqlite:///"))
        target = base / "db" / "kvpt.sqlite3"
        target.parent.mkdir(parents=True, exist_ok=True)
        # The migrating process has exited: its WAL is checkpointed into the main file.
        for suffix in ("", "-wal"):
            if Path(f"{source}{suffix}").exists():
                shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
        return DedicatedDatabase(url=f"sqlite:///{target}", token=template.token)
    import psycopg

    assert template.admin_url is not None
    name = f"kvpt_fault_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(template.admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template.name}"')
    return DedicatedDatabase(
        url=_with_database(server_url, name),
        token=template.token,
        admin_url=template.admin_url,
        name=name,
    )


class LiveServer:
    """gunicorn started by `kvpt serve`, in its own process group so that kill -9 takes it all."""

    def __init__(self, env: dict[str, str], workers: int = 2, port: int | None = None) -> None:
        self.env = env
        self.workers = workers
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = Path(env["KVPT_VAR_DIR"]) / f"gunicorn-{self.port}.log"
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        argv = [
            str(KVPT),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
        ]
        self.process = subprocess.Popen(  # noqa: S603 - the project's own console script
            argv,
            env=self.env,
            cwd=REPO,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the server exited ({self.process.returncode}):\n{self.log()}")
            try:
                response = httpx.get(self.url + "/healthz", timeout=2)
                if response.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"the server did not answer /healthz within {timeout} s:\n{self.log()}")

    def kill(self) -> None:
        """kill -9 of the master and its workers at once, as a crash or the OOM killer would."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None
        self._close_log()

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None
        self._close_log()

    def pids(self) -> set[int]:
        """The master and its workers (to show that nothing restarted)."""
        import psutil

        if self.process is None:
            return set()
        master = psutil.Process(self.process.pid)
        return {master.pid, *(child.pid for child in master.children(recursive=True))}

    def log(self, tail: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-tail:]
        except OSError:
            return ""

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> LiveServer:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
