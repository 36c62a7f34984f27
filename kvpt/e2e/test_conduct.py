"""Issue 4 "Checked by", in a real browser: a controller delivers an inject on the conduct console
and another user's console (a second browser context, another login) shows it without a reload,
through the htmx polling of the live partial. While the exercise is conducting both pages carry the
"DIỄN TẬP" marking.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from kvpt.demo.load import DEMO_PASSWORD
from kvpt.e2e.conftest import LOCAL_HOSTS, LOCAL_SCHEMES
from kvpt.e2e.test_shell import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]


def test_a_delivered_inject_reaches_another_users_console_without_reload(
    guarded_page: Page,
    browser: Browser,
    live_server: object,
    outside_requests: list[str],
    browser_context_args: dict[str, object],
    snapshot: Callable[[Page, str], None],
) -> None:
    from django.utils import timezone

    from kvpt.exercises.models import Exercise
    from kvpt.scenario.models import Inject, Situation

    base = str(live_server)
    exercise = Exercise.objects.get(code="DT-KVPT-2023")
    Exercise.objects.filter(pk=exercise.pk).update(status="conducting")
    due = Inject.objects.create(
        exercise=exercise,
        serial=99,
        situation=Situation.objects.get(exercise=exercise, code="A2"),
        scenario_time="N-2 17:00",
        scheduled_at=timezone.now() - dt.timedelta(minutes=1),
        content="Nhóm quá khích tụ tập lại trước chợ trung tâm (kiểm thử)",
        status="approved",
    )
    url = f"{base}/exercises/{exercise.pk}/conduct/"

    # The observer's console, in its own browser context (its own cookies), guarded the same way.
    other_requests: list[str] = []

    def guard(route: Route) -> None:
        target = urlsplit(route.request.url)
        if target.scheme in LOCAL_SCHEMES or (target.hostname or "") in LOCAL_HOSTS:
            route.continue_()
        else:
            other_requests.append(route.request.url)
            route.abort("blockedbyclient")

    watcher_context = browser.new_context(**browser_context_args)  # type: ignore[arg-type]
    watcher_context.route("**/*", guard)
    watcher = watcher_context.new_page()
    watcher.set_default_timeout(15_000)
    log_in(watcher, base, "quansat", DEMO_PASSWORD)
    watcher.goto(url)
    expect(watcher.get_by_test_id("exercise-marking")).to_be_visible()
    expect(watcher.locator('[data-testid=due] [data-serial="99"]')).to_be_visible()
    expect(watcher.locator('[data-testid=delivered] [data-serial="99"]')).to_have_count(0)
    expect(watcher.get_by_test_id("move-delivered")).to_have_count(0)  # an observer has no buttons

    # The director delivers it from his console.
    director = guarded_page
    log_in(director, base, "daodien", DEMO_PASSWORD)
    director.goto(url)
    expect(director.get_by_test_id("exercise-marking")).to_be_visible()
    card = director.locator('[data-testid=due] [data-serial="99"]')
    card.get_by_test_id("move-delivered").click()
    expect(director.locator('[data-testid=delivered] [data-serial="99"]')).to_be_visible()
    snapshot(director, "kvpt-conduct-console")

    # The observer's page shows it within a few seconds, without a reload.
    navigations: list[str] = []
    watcher.on("framenavigated", lambda frame: navigations.append(frame.url))
    expect(watcher.locator('[data-testid=delivered] [data-serial="99"]')).to_be_visible(
        timeout=10_000
    )
    expect(watcher.locator('[data-testid=due] [data-serial="99"]')).to_have_count(0)
    assert navigations == []
    snapshot(watcher, "kvpt-conduct-console-observer")
    director.goto(f"{base}/exercises/{exercise.pk}/msel/")
    snapshot(director, "kvpt-msel")
    director.goto(f"{base}/exercises/{exercise.pk}/msel/timeline/")
    snapshot(director, "kvpt-msel-timeline")
    due.refresh_from_db()
    assert due.status == "delivered"
    assert due.delivered_at is not None
    watcher_context.close()
    assert other_requests == []
