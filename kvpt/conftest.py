"""Fixtures shared by every app's tests."""

from __future__ import annotations

import os
from collections.abc import Callable, Generator
from typing import Any

import pytest
from django.test import Client

from kvpt.core.testing.sequences import start_ids_past
from kvpt.core.testing.world import World, build_world

# Playwright's sync API runs an event loop in the test thread; Django would then refuse ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Generator[None, Any, None]:
    """Under CI (KVPT_NO_SKIP=1) a skipped test is a failure: a missing browser must not pass."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("KVPT_NO_SKIP") == "1" and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI, which is not allowed: {report.longrepr}"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Ids in the test database start past 9,999 (see kvpt.core.testing.sequences)."""
    with django_db_blocker.unblock():
        start_ids_past()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Uploaded and demo files go to a temporary folder, never into var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def client_for() -> Callable[[Any], Client]:
    """A test client logged in as the given user."""

    def make(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def api_client_for() -> Callable[[Any], Client]:
    """A client that calls the API with a fresh bearer token of the given user."""
    from kvpt.accounts.models import ApiToken

    def make(user: Any) -> Client:
        raw, prefix, digest = ApiToken.generate()
        ApiToken.objects.create(user=user, name="test", key_prefix=prefix, key_hash=digest)
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make
