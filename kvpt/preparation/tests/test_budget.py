"""Budget lines (kinh phí): VND input, settlement rules, the grouped page and who may not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kvpt.core.models import Classification
from kvpt.core.testing.world import World
from kvpt.preparation.forms.budget import parse_vnd
from kvpt.preparation.models import BudgetLine
from kvpt.preparation.selectors.budget import budget_summary
from kvpt.preparation.services.budget import (
    budget_line_create,
    budget_line_delete,
    budget_line_update,
)
from kvpt.preparation.tests.wb_helpers import make_line, make_work, subcommittees

pytestmark = pytest.mark.django_db

Clients = Callable[[Any], Client]


def _page(world: World) -> str:
    return reverse("preparation:budget", args=[world.exercise.pk])


def _form(**overrides: Any) -> dict[str, Any]:
    data = {
        "code": "KP-HAM",
        "description": "Xây dựng hầm họp",
        "category": "works",
        "source": "district",
        "subcommittee": "",
        "estimate": "1.250.000.000",
        "actual": "1200000000",
        "additional": "0",
        "settled_amount": "0",
        "settled_on": "",
        "classification": "0",
        "notes": "",
    }
    data.update(overrides)
    return data


# --- VND input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1.250.000.000", 1_250_000_000),
        ("1250000000", 1_250_000_000),
        ("1 250 000 000 đ", 1_250_000_000),
        ("0", 0),
        ("999", 999),
    ],
)
def test_vnd_is_typed_with_or_without_the_thousands_dots(typed: str, value: int) -> None:
    assert parse_vnd(typed) == value


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1.250.000,50", "không có phần thập phân"),
        ("1250000,5", "không có phần thập phân"),
        ("12.5", "Dấu chấm chỉ dùng để tách hàng nghìn"),
        ("1.25.000", "Dấu chấm chỉ dùng để tách hàng nghìn"),
        ("-500.000", "không được âm"),
        ("một triệu", "Số tiền không hợp lệ"),
    ],
)
def test_bad_vnd_is_refused_with_a_clear_message(typed: str, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_vnd(typed)
    assert message in info.value.messages[0]


def test_the_form_says_why_an_amount_is_refused(world: World, client_for: Clients) -> None:
    response = client_for(world.alice).post(
        reverse("preparation:budget_line_create", args=[world.exercise.pk]),
        _form(estimate="1.250.000,5", actual="-3"),
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "không có phần thập phân" in errors["estimate"][0]
    assert "không được âm" in errors["actual"][0]
    assert not BudgetLine.objects.exists()


# --- settlement rules --------------------------------------------------------------------------


def test_a_settled_amount_needs_its_date(world: World) -> None:
    with pytest.raises(ValidationError) as info:
        budget_line_create(
            exercise=world.exercise,
            code="KP-1",
            description="Chi",
            category="works",
            source="district",
            actual=100,
            settled_amount=100,
            actor=world.alice,
        )
    assert "settled_on" in info.value.message_dict


def test_nobody_settles_more_than_was_spent(world: World) -> None:
    with pytest.raises(ValidationError) as info:
        budget_line_create(
            exercise=world.exercise,
            code="KP-1",
            description="Chi",
            category="works",
            source="district",
            actual=1_000_000,
            additional=200_000,
            settled_amount=1_300_000,
            settled_on=dt.date(2023, 10, 1),
            actor=world.alice,
        )
    message = info.value.message_dict["settled_amount"][0]
    assert "1.300.000 đ" in message
    assert "1.200.000 đ" in message
    line = budget_line_create(
        exercise=world.exercise,
        code="KP-1",
        description="Chi",
        category="works",
        source="district",
        actual=1_000_000,
        additional=200_000,
        settled_amount=1_200_000,
        settled_on=dt.date(2023, 10, 1),
        actor=world.alice,
    )
    assert line.total_spent == 1_200_000


def test_the_form_checks_the_settlement_too(world: World, client_for: Clients) -> None:
    response = client_for(world.alice).post(
        reverse("preparation:budget_line_create", args=[world.exercise.pk]),
        _form(actual="100.000", settled_amount="200.000"),
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "settled_on" in errors
    assert "settled_amount" in errors


def test_a_site_clearance_category_line_is_flagged_as_such(world: World) -> None:
    line = budget_line_create(
        exercise=world.exercise,
        code="KP-GPMB",
        description="Đền bù giải phóng mặt bằng đường cơ động",
        category="site_clearance",
        source="district",
        actor=world.alice,
    )
    assert line.is_site_clearance


# --- pages -------------------------------------------------------------------------------------


def test_the_owner_adds_edits_and_deletes_a_line(world: World, client_for: Clients) -> None:
    client = client_for(world.alice)
    response = client.post(
        reverse("preparation:budget_line_create", args=[world.exercise.pk]), _form()
    )
    line = BudgetLine.objects.get(code="KP-HAM")
    assert response.status_code == 302
    assert (line.estimate, line.actual) == (1_250_000_000, 1_200_000_000)
    assert line.history.first().history_user == world.alice
    edit = reverse("preparation:budget_line_update", args=[world.exercise.pk, line.pk])
    form_page = client.get(edit).content.decode()
    assert 'value="1.250.000.000"' in form_page
    response = client.post(
        edit,
        _form(
            additional="50.000.000",
            settled_amount="1.250.000.000",
            settled_on="15/10/2023",
            version=1,
        ),
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.additional, line.settled_amount, line.settled_on) == (
        50_000_000,
        1_250_000_000,
        dt.date(2023, 10, 15),
    )
    detail = client.get(line.get_absolute_url()).content.decode()
    assert "1.250.000.000 đ" in detail
    delete = reverse("preparation:budget_line_delete", args=[world.exercise.pk, line.pk])
    assert client.post(delete, {"version": 2}).status_code == 302
    assert not BudgetLine.objects.filter(pk=line.pk).exists()


def test_deleting_a_line_keeps_its_works(world: World) -> None:
    line = make_line(world)
    work = make_work(world, budget_line=line)
    budget_line_delete(budget_line=line, expected_version=1, actor=world.alice)
    work.refresh_from_db()
    assert work.budget_line is None


def test_a_stale_edit_is_refused(world: World, client_for: Clients) -> None:
    line = make_line(world)
    edit = reverse("preparation:budget_line_update", args=[world.exercise.pk, line.pk])
    assert client_for(world.alice).post(edit, _form(code=line.code, version=1)).status_code == 302
    second = client_for(world.erin).post(edit, _form(code=line.code, actual="5", version=1))
    assert second.status_code == 409
    line.refresh_from_db()
    assert line.actual == 1_200_000_000


def test_the_page_groups_lines_with_subtotals_and_settlement_progress(
    world: World, client_for: Clients
) -> None:
    hall = make_line(
        world,
        code="KP-1",
        description="Xây hầm họp",
        estimate=600_000_000,
        actual=500_000_000,
        additional=100_000_000,
        settled_amount=600_000_000,
        settled_on=dt.date(2023, 10, 1),
    )
    make_line(
        world,
        code="KP-2",
        description="Tu sửa hầm Công an",
        estimate=300_000_000,
        actual=250_000_000,
        additional=0,
        settled_amount=0,
    )
    make_line(
        world,
        code="KP-3",
        description="In ấn văn kiện",
        category="documents",
        estimate=50_000_000,
        actual=50_000_000,
        settled_amount=50_000_000,
        settled_on=dt.date(2023, 9, 1),
    )
    make_line(
        world,
        code="KP-GPMB",
        description="Đền bù giải phóng mặt bằng",
        category="site_clearance",
        is_site_clearance=True,
        estimate=100_000_000,
        actual=100_000_000,
    )
    make_work(world, code="CT-HAM", budget_line=hall)
    summary = budget_summary(world.alice, world.exercise.pk)
    assert [g.category for g in summary.groups] == ["works", "documents"]
    assert [g.category for g in summary.site_groups] == ["site_clearance"]
    works = summary.groups[0].amounts
    assert (works.estimate, works.actual, works.additional, works.settled) == (
        900_000_000,
        750_000_000,
        100_000_000,
        600_000_000,
    )
    totals = summary.totals
    assert totals.total_spent == 1_000_000_000
    assert totals.settled == 650_000_000
    assert totals.progress == "65 %"
    assert totals.unsettled == 2
    assert summary.site_totals.progress == "0 %"

    page = client_for(world.bob).get(_page(world))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="settlement-progress">65 %<' in html
    assert 'data-testid="total-spent">1.000.000.000 đ<' in html
    site = html.split('data-testid="budget-site-clearance"')[1]
    assert "Đền bù giải phóng mặt bằng" in site
    ordinary = html.split('data-testid="budget-ordinary"')[1].split("</table>")[0]
    assert "KP-GPMB" not in ordinary
    assert ordinary.count('data-testid="unsettled"') == 1  # KP-2; KP-1 and KP-3 are settled
    assert "CT-HAM" in ordinary  # the work paid from KP-1


def test_the_page_makes_the_same_number_of_queries_for_more_lines(
    world: World, client_for: Clients
) -> None:
    client = client_for(world.alice)
    line = make_line(world, code="A")
    make_work(world, code="W-A", budget_line=line)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_page(world)).status_code == 200
        return len(queries)

    small = count()
    for i in range(15):
        more = make_line(world, code=f"B-{i}", category=["works", "training", "other"][i % 3])
        make_work(world, code=f"W-B-{i}", budget_line=more)
    assert count() == small


def test_the_page_lists_a_page_of_lines_and_totals_all_of_them(
    world: World, client_for: Clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kvpt.preparation.selectors import budget as budget_selectors

    monkeypatch.setattr(budget_selectors, "BUDGET_PER_PAGE", 2)
    # Declared category order: works, then documents; site clearance after the ordinary part.
    make_line(world, code="D-1", category="documents", estimate=10, actual=10)
    make_line(world, code="W-2", estimate=200, actual=100)
    make_line(world, code="W-1", estimate=100, actual=100, settled_amount=100)
    make_line(
        world,
        code="S-1",
        category="site_clearance",
        is_site_clearance=True,
        estimate=1000,
        actual=1000,
    )
    make_line(world, code="D-2", category="documents", estimate=20, actual=20)
    client = client_for(world.alice)

    def page(n: int) -> str:
        response = client.get(_page(world) + f"?page={n}")
        assert response.status_code == 200
        return response.content.decode()

    first, second, third = page(1), page(2), page(3)
    # The lines, in the groups' order, two a page; each group only where it has lines.
    assert ("W-1" in first, "W-2" in first, "D-1" in first) == (True, True, False)
    assert ("D-1" in second, "D-2" in second, "W-1" in second) == (True, True, False)
    assert "S-1" in third
    assert 'data-testid="budget-ordinary"' not in third
    assert 'data-testid="budget-site-clearance"' not in first
    # Totals and subtotals are those of all the lines, on every page.
    for html in (first, second, third):
        assert 'data-testid="total-estimate">1.330 đ<' in html
        assert 'data-testid="total-actual">1.230 đ<' in html
        assert "5 bản ghi" in html
    works = first.split('data-testid="budget-ordinary"')[1].split("</table>")[0]
    assert "<strong>300 đ</strong>" in works  # Cộng works: 100 + 200, both on this page
    documents = second.split('data-testid="budget-ordinary"')[1].split("</table>")[0]
    assert "<strong>30 đ</strong>" in documents
    assert 'href="?page=2"' in first


# --- who may not -------------------------------------------------------------------------------


def test_the_outsider_gets_404(world: World, client_for: Clients) -> None:
    line = make_line(world)
    client = client_for(world.charlie)
    for url in (
        _page(world),
        reverse("preparation:budget_line_create", args=[world.exercise.pk]),
        line.get_absolute_url(),
        reverse("preparation:budget_line_update", args=[world.exercise.pk, line.pk]),
        reverse("preparation:budget_line_delete", args=[world.exercise.pk, line.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_the_observer_reads_but_may_not_write(world: World, client_for: Clients) -> None:
    line = make_line(world)
    client = client_for(world.bob)
    assert client.get(_page(world)).status_code == 200
    assert client.get(line.get_absolute_url()).status_code == 200
    for url in (
        reverse("preparation:budget_line_create", args=[world.exercise.pk]),
        reverse("preparation:budget_line_update", args=[world.exercise.pk, line.pk]),
        reverse("preparation:budget_line_delete", args=[world.exercise.pk, line.pk]),
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, _form(version=1)).status_code == 403, url
    assert BudgetLine.objects.get(pk=line.pk).version == 1


def test_anonymous_is_sent_to_the_login_page(world: World) -> None:
    line = make_line(world)
    for url in (_page(world), line.get_absolute_url()):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_a_subcommittee_member_edits_own_lines_only(world: World, client_for: Clients) -> None:
    subs = subcommittees(world)
    own = make_line(world, code="KP-OWN", subcommittee=subs.works)
    other = make_line(world, code="KP-OTHER", subcommittee=subs.finance)
    client = client_for(subs.frank)
    own_url = reverse("preparation:budget_line_update", args=[world.exercise.pk, own.pk])
    other_url = reverse("preparation:budget_line_update", args=[world.exercise.pk, other.pk])
    assert client.get(own_url).status_code == 200
    assert client.get(other_url).status_code == 403
    with pytest.raises(PermissionDenied):
        budget_line_update(
            budget_line=own,
            changes={"subcommittee": subs.finance},
            expected_version=1,
            actor=subs.frank,
        )


def test_a_classified_line_does_not_exist_for_bob(world: World, client_for: Clients) -> None:
    make_line(world, code="KP-THUONG", actual=100)
    secret = make_line(
        world,
        code="KP-MAT",
        description="Chi hầm chỉ huy bí mật",
        actual=900,
        classification=Classification.CONFIDENTIAL,
    )
    bob = client_for(world.bob)
    html = bob.get(_page(world)).content.decode()
    assert "KP-MAT" not in html
    assert 'data-testid="total-actual">100 đ<' in html
    assert bob.get(secret.get_absolute_url()).status_code == 404
    alice = client_for(world.alice).get(_page(world))
    assert "KP-MAT" in alice.content.decode()
    assert alice.context["page_classification"] == Classification.CONFIDENTIAL


def test_the_page_is_marked_as_the_works_it_names(world: World, client_for: Clients) -> None:
    line = make_line(world, code="KP-1")
    make_work(world, code="CT-MAT", budget_line=line, classification=Classification.CONFIDENTIAL)
    alice = client_for(world.alice)
    page = alice.get(_page(world))
    assert "CT-MAT" in page.content.decode()
    assert page.context["page_classification"] == Classification.CONFIDENTIAL
    bob = client_for(world.bob).get(_page(world))
    assert "CT-MAT" not in bob.content.decode()
    assert bob.context["page_classification"] == Classification.UNCLASSIFIED


def _sheet(response: Any) -> list[list[Any]]:
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_the_budget_exports_to_excel_as_the_page_shows_it(
    world: World, client_for: Clients
) -> None:
    from kvpt.core.models import AccessLog

    line = make_line(world, code="KP-1", estimate=600, actual=500, additional=100)
    make_work(world, code="CT-1", budget_line=line)
    make_line(world, code="KP-G", category="site_clearance", is_site_clearance=True, actual=50)
    make_line(world, code="KP-MAT", actual=7, classification=Classification.CONFIDENTIAL)
    url = reverse("preparation:budget_export", args=[world.exercise.pk])

    alice = client_for(world.alice).get(url)
    assert alice.status_code == 200
    assert alice["Content-Disposition"] == 'attachment; filename="kinh-phi-DT-KVPT-2023.xlsx"'
    rows = _sheet(alice)
    assert rows[0][0] == "MẬT"
    by_code = {row[1]: row for row in rows[2:] if row[1]}
    assert by_code["KP-1"][5:10] == [600, 500, 100, 600, 0]
    assert by_code["KP-1"][12] == "CT-1"
    assert by_code["KP-G"][0].startswith("Đền bù, giải phóng mặt bằng - ")
    assert rows[-1][0] == "Tổng cộng"
    assert rows[-1][8] == 657
    assert AccessLog.objects.filter(user=world.alice, action="export").count() == 1

    bob = _sheet(client_for(world.bob).get(url))
    assert bob[0][0] != "MẬT"
    assert "KP-MAT" not in [row[1] for row in bob]
    assert bob[-1][8] == 650
    assert client_for(world.charlie).get(url).status_code == 404
    assert Client().get(url).status_code == 302
