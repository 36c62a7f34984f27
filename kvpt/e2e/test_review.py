"""The summary conference in a real browser (issue 5, "Checked by").

The secretary (a staff planner of Lang Chánh) records, while people speak, an observation and a
directive on the conference screen: each is appended without a page reload and the form is
cleared. The directive becomes a corrective action; its responsible person (the company commander)
finds it in "Việc của tôi"; an outsider (the admin of Bá Thước) sees none of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from kvpt.demo.load import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

LOGIN = "/accounts/login/"


def log_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(base + LOGIN)
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()


def _pk(code: str, *, agency: bool = False) -> str:
    from kvpt.organisations.models import Agency, Person

    model = Agency if agency else Person
    return str(model.objects.get(code=code).pk)


def _conference() -> tuple[str, int]:
    from kvpt.accounts.models import User
    from kvpt.exercises.models import Exercise
    from kvpt.organisations.models import Person
    from kvpt.review.services import conference_create

    exercise = Exercise.objects.get(code="DT-KVPT-2023")
    conference = conference_create(
        exercise=exercise,
        title="Hội nghị tổng kết, rút kinh nghiệm diễn tập KVPT huyện năm 2023",
        held_on=dt.date(2023, 8, 31),
        chairs=list(Person.objects.filter(code__in=["CB-388-0001", "CB-388-0002"])),
        actor=User.objects.get(username="admin"),
    )
    return conference.get_absolute_url(), exercise.pk


def test_the_secretary_records_and_the_owner_sees_and_the_outsider_does_not(
    guarded_page: Page,
    live_server: object,
    outside_requests: list[str],
    snapshot: Callable[[Page, str], None],
) -> None:
    page = guarded_page
    base = str(live_server)
    url, exercise_pk = _conference()

    log_in(page, base, "thammuu")
    page.goto(base + url)
    expect(page.get_by_test_id("chairs")).to_contain_text("Nguyễn Văn Hùng")
    page.evaluate("window.__notReloaded = true")

    # An observation: the text area has the focus; Alt+1 picks "Ưu điểm", Alt+2 "Tồn tại".
    observation = page.locator("#observation-entry textarea[name=observation]")
    expect(observation).to_be_focused()
    observation.fill("Thực binh xử lý tình huống A2: hiệp đồng lực lượng còn chậm")
    observation.press("Alt+1")
    expect(page.locator("#observation-entry input[value=strength]")).to_be_checked()
    observation.press("Alt+2")
    expect(page.locator("#observation-entry input[value=shortcoming]")).to_be_checked()
    page.locator("#observation-entry select[name=area]").select_option("live_troops")
    page.locator("#observation-entry textarea[name=recommendation]").fill("Luyện tập hiệp đồng")
    page.locator("#observation-entry textarea[name=recommendation]").press("Control+Enter")
    items = page.get_by_test_id("observation-item")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("hiệp đồng lực lượng còn chậm")
    expect(items.first).to_contain_text("Tồn tại, hạn chế")
    expect(page.locator("#observation-entry textarea[name=observation]")).to_have_value("")
    expect(page.locator("#observation-entry select[name=area]")).to_have_value("live_troops")

    # A directive given by the BCĐ head, turned into an action for the company commander.
    directive = page.locator("#directive-entry textarea[name=text]")
    directive.fill("Luyện tập hiệp đồng xử lý tình huống A2 trước cuộc diễn tập sau")
    page.locator("#directive-entry select[name=given_by]").select_option(_pk("CB-388-0001"))
    page.locator("input[name=action_1_title]").fill("Tổ chức luyện tập hiệp đồng A2")
    page.locator("select[name=action_1_owner]").select_option(_pk("388-BCHQS", agency=True))
    page.locator("select[name=action_1_responsible]").select_option(_pk("CB-388-0006"))
    page.locator("input[name=action_1_due]").fill("30/09/2023")
    directive.press("Control+Enter")
    directives = page.get_by_test_id("directive-item")
    expect(directives).to_have_count(1)
    expect(directives.first).to_contain_text("Tổ chức luyện tập hiệp đồng A2")
    expect(page.locator("#directive-entry textarea[name=text]")).to_have_value("")
    assert page.evaluate("window.__notReloaded") is True
    snapshot(page, "kvpt-review-conference")

    # The owner finds the action in "Việc của tôi", overdue (its due date passed long ago).
    log_in(page, base, "chihuy.dvi")
    page.goto(base + "/exercises/review/my-actions/")
    row = page.locator("tr", has_text="Tổ chức luyện tập hiệp đồng A2")
    expect(row).to_be_visible()
    expect(row.get_by_test_id("overdue")).to_be_visible()
    row.get_by_role("link").first.click()
    expect(page.get_by_test_id("move-in_progress")).to_be_visible()
    snapshot(page, "kvpt-review-my-action")

    # The outsider: no conference, no action in the tracker.
    log_in(page, base, "bathuoc")
    response = page.goto(base + url)
    assert response is not None
    assert response.status == 404
    response = page.goto(f"{base}/exercises/{exercise_pk}/review/")
    assert response is not None
    assert response.status == 404
    page.goto(base + "/exercises/review/actions/")
    expect(page.locator("body")).not_to_contain_text("Tổ chức luyện tập hiệp đồng A2")
    assert outside_requests == []


def test_a_long_conference_shows_the_latest_and_loads_older_entries_in_place(
    guarded_page: Page, live_server: object, outside_requests: list[str]
) -> None:
    """At scale the screen lists the latest entries; "Xem thêm" puts the older ones above them
    (htmx, no reload), and the fast entry still appends below."""
    from kvpt.accounts.models import User
    from kvpt.review import services
    from kvpt.review.models import Conference
    from kvpt.review.views import CONFERENCE_LATEST

    page = guarded_page
    base = str(live_server)
    url, _exercise_pk = _conference()
    conference = Conference.objects.get(pk=int(url.rstrip("/").rsplit("/", 1)[1]))
    admin = User.objects.get(username="admin")
    total = CONFERENCE_LATEST + 5
    for i in range(total):
        services.observation_create(
            exercise=conference.exercise,
            conference=conference,
            kind="strength",
            area="preparation",
            observation=f"Nhận xét số {i:02d}",
            actor=admin,
        )
    log_in(page, base, "thammuu")
    page.goto(base + url)
    page.evaluate("window.__notReloaded = true")
    items = page.get_by_test_id("observation-item")
    expect(items).to_have_count(CONFERENCE_LATEST)
    expect(page.get_by_test_id("observation-total")).to_contain_text(str(total))
    expect(items.first).to_contain_text("Nhận xét số 05")
    page.get_by_test_id("observation-older").get_by_role("link").click()
    expect(items).to_have_count(total)
    expect(items.first).to_contain_text("Nhận xét số 00")
    expect(page.get_by_test_id("observation-older")).to_have_count(0)
    observation = page.locator("#observation-entry textarea[name=observation]")
    observation.fill("Nhận xét mới nhất")
    page.locator("#observation-entry select[name=area]").select_option("live_troops")
    observation.press("Control+Enter")
    expect(items).to_have_count(total + 1)
    expect(items.last).to_contain_text("Nhận xét mới nhất")
    expect(page.get_by_test_id("observation-total")).to_contain_text(str(total + 1))
    assert page.evaluate("window.__notReloaded") is True
    assert outside_requests == []
