"""Long select boxes get a type-to-filter box (kvpt/core/static/kvpt/select-filter.js): typing
without accents ("hau can", "dang thi hoa") narrows the options, Enter picks the first match, and
the form saves what was picked.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from kvpt.demo.load import DEMO_PASSWORD
from kvpt.e2e.test_shell import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]


def test_a_long_select_filters_as_you_type_without_accents_and_saves_the_pick(
    guarded_page: Page, live_server: object, outside_requests: list[str]
) -> None:
    from kvpt.core.testing.factories import AgencyFactory, ExerciseFactory, PersonFactory
    from kvpt.organisations.models import Area
    from kvpt.preparation.models import Task

    district = Area.objects.get(code="388")
    exercise = ExerciseFactory.create(area=district, code="DT-LOC-2024", year=2024)
    for i in range(40):
        PersonFactory.create(area=district, code=f"LOC-P{i:02d}", full_name=f"Trần Văn Mẫu {i}")
        AgencyFactory.create(area=district, code=f"LOC-A{i:02d}", name=f"Cơ quan mẫu {i}")
    person = PersonFactory.create(area=district, code="LOC-HOA", full_name="Đặng Thị Hòa")
    agency = AgencyFactory.create(area=district, code="LOC-HC", name="Phòng Hậu cần - Kỹ thuật")

    page, base = guarded_page, str(live_server)
    # The live server's first answer can take long on a busy machine: not what is tested here.
    page.goto(f"{base}/accounts/login/", timeout=60_000)
    log_in(page, base, "thammuu", DEMO_PASSWORD)
    page.goto(f"{base}/exercises/{exercise.pk}/tasks/new/")

    # A short select has no box; the long ones have one, named after their field.
    expect(page.locator("#id_status-filter")).to_have_count(0)
    assignee_filter = page.get_by_role("searchbox", name="Lọc danh sách: Người thực hiện")
    expect(assignee_filter).to_have_attribute("placeholder", "Gõ để lọc…")
    expect(assignee_filter).to_have_attribute("aria-controls", "id_assignee")

    # "hau can" finds "Phòng Hậu cần - Kỹ thuật" and hides the others.
    owner = page.locator("select[name=owner]")
    page.locator("#id_owner-filter").fill("hau can")
    expect(owner.locator(f"option[value='{agency.pk}']")).not_to_have_attribute("hidden", "")
    expect(owner.locator("option:not([hidden])")).to_have_count(2)  # the match and "— chưa chọn —"
    owner.select_option(str(agency.pk))

    # Keyboard only: type the name without accents (đ as d), Enter picks the match.
    assignee = page.locator("select[name=assignee]")
    assignee_filter.fill("dang thi hoa")
    expect(assignee.locator("option:not([hidden])")).to_have_count(2)
    assignee_filter.press("Enter")
    expect(assignee).to_have_value(str(person.pk))
    expect(page.locator("#id_assignee-filter + [role=status]")).to_contain_text("Đặng Thị Hòa")
    # The chosen one stays visible when the filter moves on.
    assignee_filter.fill("mau 39")
    expect(assignee.locator(f"option[value='{person.pk}']")).not_to_have_attribute("hidden", "")
    expect(assignee.locator("option:not([hidden])")).to_have_count(3)  # Mẫu 39, chosen, empty

    # Enter in the filter box did not submit the form; the save button does.
    page.locator("input[name=code]").fill("CV-LOC-01")
    page.locator("input[name=title]").fill("Chuẩn bị hậu cần")
    page.locator("select[name=category]").select_option("logistics")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu", exact=True).click()
    task = Task.objects.get(exercise=exercise, code="CV-LOC-01")
    assert task.assignee_id == person.pk
    assert task.owner_id == agency.pk
