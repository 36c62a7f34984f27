"""The lessons library in a real browser (issue 5, deliverable 6).

The province's administrator types "hau can" (no accents) in "Thư viện bài học": the 2023 lesson
about "hậu cần" appears as they type; they open it and turn it into a preparation task of the 2026
commune exercise, whose page shows the similar lessons of 2023. The outsider (Bá Thước) finds none.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from kvpt.e2e.test_review import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]


def test_searching_hau_can_finds_the_2023_lesson_and_it_becomes_a_2026_task(
    guarded_page: Page, live_server: object, outside_requests: list[str]
) -> None:
    page = guarded_page
    page.set_default_timeout(60_000)  # the shared machine runs other suites at the same time
    page.set_default_navigation_timeout(60_000)
    base = str(live_server)
    log_in(page, base, "tinh.quantri")
    page.get_by_role("link", name="Thư viện bài học").first.click()
    expect(page.get_by_role("heading", name="Thư viện bài học")).to_be_visible()
    # htmx binds the search box when the page has loaded; typed earlier, nothing is sent (the
    # heading shows as soon as the HTML is parsed, before the deferred script runs).
    page.wait_for_load_state("load")
    page.get_by_test_id("lesson-q").fill("hau can")  # htmx: results as the user types
    item = page.get_by_test_id("lesson-item").filter(has_text="NX-06")
    expect(item).to_be_visible()
    expect(item).to_contain_text("hậu cần")
    expect(page).to_have_url(re.compile(r"/lessons/\?q=hau(%20|\+)can"))  # htmx pushed the query
    item.get_by_role("link", name="NX-06").click()
    expect(page.get_by_test_id("lesson-observation")).to_contain_text("Bảo đảm hậu cần")

    option = page.locator("#lesson-exercise option", has_text="DT-XA-LINHSON-2026").first
    page.locator("#lesson-exercise").select_option(option.get_attribute("value") or "")
    page.get_by_test_id("lesson-to-task-submit").click()
    expect(page.locator("body")).to_contain_text("Lập kế hoạch bảo đảm hậu cần")
    expect(page.locator("body")).to_contain_text("Đã thêm công việc")

    from kvpt.exercises.models import Exercise

    exercise = Exercise.objects.get(code="DT-XA-LINHSON-2026")
    page.goto(f"{base}/exercises/{exercise.pk}/")
    panel = page.get_by_test_id("similar-lessons")
    expect(panel).to_contain_text("DT-KVPT-2023")
    expect(panel.get_by_test_id("similar-lesson")).to_have_count(5)

    log_in(page, base, "bathuoc")
    page.goto(base + "/lessons/?q=hau+can")
    expect(page.get_by_test_id("lesson-count")).to_contain_text("0 kết quả")
    assert outside_requests == []
