"""Deployment checks and the login lockout, as a real deployment runs them.

- `manage.py check --deploy` in production mode reports nothing, against the run's database (the
  CLI test does the same on SQLite only);
- the lockout after five failed logins holds across gunicorn's worker processes: the attempts are
  counted in the database, not in one process's memory, so a locked account stays locked whichever
  worker answers.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import httpx

from kvpt.core.testing.live_server import (
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    REPO,
    LiveServer,
    dedicated_database,
    server_env,
)


def test_check_deploy_in_production_mode_reports_nothing(tmp_path: Path) -> None:
    env = server_env(
        tmp_path,
        os.environ.get("DATABASE_URL", f"sqlite:///{tmp_path / 'kvpt.sqlite3'}"),
        KVPT_PRODUCTION="1",
        SECRET_KEY=secrets.token_urlsafe(64),
        DEBUG="0",
        ALLOWED_HOSTS="kvpt.example",
    )
    env.pop("KVPT_TESTING")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in result.stdout, output
    assert "WARNING" not in output


def _attempt(client: httpx.Client, password: str) -> httpx.Response:
    page = client.get("/accounts/login/")
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return client.post(
        "/accounts/login/",
        data={
            "csrfmiddlewaretoken": found.group(1),
            "username": ADMIN_USERNAME,
            "password": password,
        },
    )


def test_the_lockout_holds_across_the_servers_worker_processes(tmp_path: Path) -> None:
    database = dedicated_database(tmp_path)
    server = LiveServer(server_env(tmp_path, database.url), workers=2)
    server.start()
    try:
        # A new connection per attempt: the attempts spread over both workers.
        for attempt in range(1, 6):
            with httpx.Client(base_url=server.url, timeout=15) as client:
                refused = _attempt(client, "sai-mat-khau")
                # The fifth failure already answers with the lockout page.
                if attempt < 5:
                    assert refused.status_code == 200, attempt
                    assert "không đúng" in refused.text
        for _ in range(4):
            with httpx.Client(base_url=server.url, timeout=15) as client:
                locked = _attempt(client, ADMIN_PASSWORD)
                assert locked.status_code == 429, locked.text[:500]
                assert "Tài khoản tạm bị khóa" in locked.text
                assert client.get("/accounts/me/").status_code == 302
    finally:
        server.stop()
