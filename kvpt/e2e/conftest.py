"""Browser tests: Debian's Chromium driven by Playwright against a live Django server.

Every test here is marked `browser`. A context-level route lets requests to the live server through
and aborts (and records) every other one: the app runs on air-gapped networks, so a page that asks
for any other host is a bug, and the `outside_requests` fixture fails the test that caused it.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from kvpt.demo.load import load_demo

CHROMIUM = Path("/usr/bin/chromium")
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})
# Schemes that never leave the machine (inline images, blobs, about:blank).
LOCAL_SCHEMES = frozenset({"data", "blob", "about"})
E2E_DIR = Path(__file__).parent
# Assertions wait as long as actions (15 s): Playwright's 5 s default fails on a busy 2-core machine
# where the page is right but slow to arrive.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this package drives a real browser: mark it so `-m browser` selects it."""
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(pytestconfig: Any) -> dict[str, Any]:
    """Debian's Chromium, not a downloaded one; missing means failed, never skipped."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} không có: các kiểm thử trình duyệt cần gói Debian `chromium` "
            "(`make test` tự cài khi chạy với quyền root, hoặc `apt-get install chromium`). "
            f"Browser tests need Debian's `chromium` package at {CHROMIUM}: run `make test` "
            "as root or `apt-get install chromium`.",
            pytrace=False,
        )
    return {
        "executable_path": str(CHROMIUM),
        "headless": not pytestconfig.getoption("--headed"),
        "args": [
            "--no-sandbox",  # the tests run as root in CI containers
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


@pytest.fixture
def demo(transactional_db: None) -> None:
    """The demo world, committed, so the live server's thread sees it."""
    load_demo(io.StringIO())


@pytest.fixture
def outside_requests(context: BrowserContext) -> Iterator[list[str]]:
    """URLs the pages tried to fetch from any host but the server (each one aborted)."""
    recorded: list[str] = []

    def guard(route: Route) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in LOCAL_SCHEMES or (url.hostname or "") in LOCAL_HOSTS:
            route.continue_()
        else:
            recorded.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", guard)
    yield recorded
    assert recorded == [], f"requests left the server: {recorded}"


@pytest.fixture
def guarded_page(page: Page, outside_requests: list[str]) -> Page:
    """The default page, with the outside-request guard installed on its context first."""
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def snapshot() -> Callable[[Page, str], None]:
    """Keep a picture of a page for people to look at, when KVPT_E2E_SCREENSHOTS names a folder."""

    def take(page: Page, name: str) -> None:
        directory = os.environ.get("KVPT_E2E_SCREENSHOTS")
        if directory:
            Path(directory).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)

    return take
