"""The database goes away and comes back: 503 meanwhile, then normal service, with no restart.

Both variants run in every pass, whatever the run's DATABASE_URL:
- PostgreSQL: a throwaway cluster this test starts on a port of its own (kvpt.core.testing.
  pg_cluster; never the shared one on 5432), stopped with `pg_ctl -m immediate` and started again;
- SQLite: the directory holding the database file (with its -wal and -shm) is renamed away and back.
  Renaming, not chmod: CI runs as root, and root ignores permissions.

The app is gunicorn as `kvpt serve` starts it; the same master and workers serve before, during and
after the outage.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Protocol

import httpx
import pytest

from kvpt.core.testing.live_server import (
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    DedicatedDatabase,
    LiveServer,
    dedicated_database,
    server_env,
)
from kvpt.core.testing.pg_cluster import PgCluster

PAGE_MESSAGE = "Hệ thống tạm thời không kết nối được cơ sở dữ liệu"
# Each request may land on any worker: ask often enough to reach all of them.
REPEAT = 6


class Outage(Protocol):
    database: DedicatedDatabase

    def go_away(self) -> None: ...

    def come_back(self) -> None: ...


class SqliteOutage:
    def __init__(self, base: Path) -> None:
        self.database = dedicated_database(base)
        self.directory = base / "db"
        self.away = base / "db-away"

    def go_away(self) -> None:
        self.directory.rename(self.away)

    def come_back(self) -> None:
        self.away.rename(self.directory)

    def close(self) -> None:
        if self.away.exists() and not self.directory.exists():
            self.come_back()


class PostgresOutage:
    def __init__(self, base: Path) -> None:
        self.cluster = PgCluster()
        try:
            self.cluster.init()
            self.cluster.start()
            self.database = dedicated_database(base, self.cluster.url, from_template=False)
        except BaseException:
            self.cluster.cleanup()
            raise

    def go_away(self) -> None:
        self.cluster.stop("immediate")

    def come_back(self) -> None:
        self.cluster.start()

    def close(self) -> None:
        self.cluster.cleanup()


@pytest.fixture(params=["sqlite", "postgresql-cluster"])
def outage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Outage]:
    made = SqliteOutage(tmp_path) if request.param == "sqlite" else PostgresOutage(tmp_path)
    try:
        yield made
    finally:
        made.close()


def _logged_in(base_url: str) -> httpx.Client:
    """A browser-like client with a session of the admin (login form, CSRF and all)."""
    client = httpx.Client(base_url=base_url, timeout=15)
    page = client.get("/accounts/login/")
    assert page.status_code == 200, page.text[:500]
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert found, "no CSRF token in the login form"
    answer = client.post(
        "/accounts/login/",
        data={
            "csrfmiddlewaretoken": found.group(1),
            "username": ADMIN_USERNAME,
            "password": ADMIN_PASSWORD,
        },
        headers={"Referer": base_url + "/accounts/login/"},
    )
    assert answer.status_code == 302, answer.text[:500]
    return client


def _assert_served(browser: httpx.Client, api: httpx.Client) -> None:
    for _ in range(REPEAT):
        page = browser.get("/exercises/")
        assert page.status_code == 200, page.text[:500]
        assert "Cuộc diễn tập" in page.text or "cuộc diễn tập" in page.text
        me = api.get("/api/v1/me")
        assert me.status_code == 200, me.text
        assert me.json()["username"] == ADMIN_USERNAME
        assert api.get("/healthz").json()["database"] == "ok"


def _assert_unavailable(browser: httpx.Client, api: httpx.Client) -> None:
    for _ in range(REPEAT):
        page = browser.get("/exercises/")
        assert page.status_code == 503, (page.status_code, page.text[:500])
        assert page.headers["content-type"].startswith("text/html")
        assert PAGE_MESSAGE in page.text
        assert page.headers["Retry-After"]
        me = api.get("/api/v1/me")
        assert me.status_code == 503, (me.status_code, me.text[:500])
        assert me.json()["code"] == "database_unavailable"
        assert me.json()["detail"]
        health = api.get("/healthz")
        assert health.status_code == 503
        assert health.json()["database"] == "unavailable"


def test_503_while_the_database_is_away_then_service_again_without_a_restart(
    outage: Outage, tmp_path: Path
) -> None:
    server = LiveServer(server_env(tmp_path, outage.database.url), workers=2)
    server.start()
    headers = {"Authorization": f"Bearer {outage.database.token}"}
    try:
        with (
            closing(_logged_in(server.url)) as browser,
            httpx.Client(base_url=server.url, headers=headers, timeout=15) as api,
        ):
            _assert_served(browser, api)
            processes = server.pids()

            outage.go_away()
            _assert_unavailable(browser, api)

            outage.come_back()
            _assert_served(browser, api)
            # The same session still works: nothing was lost with the connection.
            assert server.pids() == processes, "the app restarted during the outage"
            outage.go_away()
            _assert_unavailable(browser, api)
            outage.come_back()
            _assert_served(browser, api)
            assert server.pids() == processes, "the app restarted during the second outage"
    finally:
        server.stop()
