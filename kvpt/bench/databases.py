"""Throwaway databases for benchmarks: a SQLite file in var/bench/, or PostgreSQL bench_<pid>."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[2]
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


def var_dir() -> Path:
    path = Path(os.environ.get("KVPT_VAR_DIR", REPO / "var")) / "bench"
    path.mkdir(parents=True, exist_ok=True)
    return path


def results_dir() -> Path:
    path = REPO / "bench" / "results"
    path.mkdir(parents=True, exist_ok=True)
    return path


def kvpt_executable() -> list[str]:
    """The `kvpt` script of this environment (what `uv run kvpt` runs)."""
    script = Path(sys.executable).parent / "kvpt"
    if script.exists():
        return [str(script)]
    found = shutil.which("kvpt")
    if found:
        return [found]
    raise RuntimeError("the kvpt command is not installed in this environment (uv sync)")


def libpq(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def postgres_available(admin_url: str) -> str | None:
    """None when the server answers, else why not."""
    try:
        import psycopg

        with psycopg.connect(libpq(admin_url), connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # any failure means: measure SQLite only, and say why
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return None


@contextmanager
def throwaway_database(kind: str, *, tag: str, admin_url: str = DEFAULT_POSTGRES) -> Iterator[str]:
    """Yield the DATABASE_URL of a new empty database; remove it afterwards, whatever happened."""
    pid = os.getpid()
    if kind == "sqlite":
        path = var_dir() / f"{tag}-{pid}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    name = f"bench_{pid}" if tag == "bench" else f"bench_{pid}_{tag}"
    with psycopg.connect(libpq(admin_url), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(admin_url, name)
    finally:
        with psycopg.connect(libpq(admin_url), autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_child(args: Sequence[str], database_url: str, **env: str) -> int:
    """`kvpt <args>` in a new process whose settings point at `database_url`."""
    child_env = {**os.environ, "DATABASE_URL": database_url, **env}
    return subprocess.call([*kvpt_executable(), *args], env=child_env, cwd=REPO)  # noqa: S603


def uptime() -> dict[str, object]:
    """The machine's load now: `uptime`'s line and the 1/5/15-minute load averages."""
    try:
        line = subprocess.run(
            ["uptime"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        line = ""
    return {"uptime": line, "load_average": [round(x, 2) for x in os.getloadavg()]}
