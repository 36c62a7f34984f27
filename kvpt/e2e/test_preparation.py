"""Issue 3 "Checked by", in a real browser: a planner creates an exercise, adds a subcommittee and a
task; a member of that subcommittee marks the task done; the readiness dashboard changes; an
outsider from another district cannot open any of it.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from kvpt.demo.load import DEMO_PASSWORD
from kvpt.e2e.test_shell import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]


def _save(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu", exact=True).click()


def _switch_user(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, base, username, DEMO_PASSWORD)


def test_a_planner_sets_up_a_task_a_member_finishes_it_and_readiness_follows(
    guarded_page: Page, live_server: object, outside_requests: list[str]
) -> None:
    from kvpt.exercises.models import Committee
    from kvpt.organisations.models import Area, AreaLevel, Person
    from kvpt.preparation.models import Task

    page, base = guarded_page, str(live_server)
    log_in(page, base, "thammuu", DEMO_PASSWORD)

    # The planner creates the exercise.
    page.goto(f"{base}/exercises/new/")
    page.locator("input[name=code]").fill("DT-E2E-2024")
    page.locator("input[name=name]").fill("Diễn tập kiểm thử trên trình duyệt")
    page.locator("select[name=area]").select_option(str(Area.objects.get(code="388").pk))
    page.locator("select[name=level]").select_option(str(AreaLevel.objects.get(code="huyen").pk))
    page.locator("input[name=year]").fill("2024")
    _save(page)
    match = re.search(r"/exercises/(\d+)/$", page.url)
    assert match, page.url
    exercise_pk = int(match.group(1))
    expect(page.get_by_text("Diễn tập kiểm thử trên trình duyệt").first).to_be_visible()

    # ... adds a subcommittee, with the finance officer (the `tieuban` login's person) on it ...
    page.goto(f"{base}/exercises/{exercise_pk}/committees/new/")
    page.locator("select[name=kind]").select_option("subcommittee")
    page.locator("input[name=code]").fill("TB-E2E")
    page.locator("input[name=name]").fill("Tiểu ban Hậu cần thử nghiệm")
    _save(page)
    committee = Committee.objects.get(exercise_id=exercise_pk, code="TB-E2E")
    page.goto(f"{base}/exercises/committees/{committee.pk}/members/new/")
    finance_officer = Person.objects.get(code="CB-388-0007")
    page.locator("select[name=person]").select_option(str(finance_officer.pk))
    _save(page)

    # ... and a task of that subcommittee.
    page.goto(f"{base}/exercises/{exercise_pk}/tasks/new/")
    page.locator("input[name=code]").fill("CV-E2E-01")
    page.locator("input[name=title]").fill("Chuẩn bị hậu cần cho đợt luyện tập")
    page.locator("select[name=category]").select_option("logistics")
    page.locator("select[name=subcommittee]").select_option(str(committee.pk))
    _save(page)
    task = Task.objects.get(exercise_id=exercise_pk, code="CV-E2E-01")

    readiness = f"{base}/exercises/{exercise_pk}/readiness/"
    page.goto(readiness)
    expect(page.get_by_test_id("tile-tasks")).to_contain_text("0/1")

    # The subcommittee member marks it done.
    _switch_user(page, base, "tieuban")
    page.goto(f"{base}/exercises/tasks/{task.pk}/edit/")
    page.locator("select[name=status]").select_option("done")
    _save(page)
    page.goto(readiness)
    expect(page.get_by_test_id("tile-tasks")).to_contain_text("1/1")
    expect(page.get_by_test_id("tile-tasks")).to_contain_text("100%")

    # The other district's administrator finds none of it.
    _switch_user(page, base, "bathuoc")
    for path in (
        f"/exercises/{exercise_pk}/",
        f"/exercises/{exercise_pk}/committees/",
        f"/exercises/{exercise_pk}/tasks/",
        f"/exercises/tasks/{task.pk}/",
        f"/exercises/{exercise_pk}/readiness/",
    ):
        response = page.goto(base + path)
        assert response is not None
        assert response.status == 404, path
    assert outside_requests == []
