"""Works (công trình): pages, services, handover, totals in people's words, who may not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kvpt.core.models import Classification
from kvpt.core.scope import get_scope
from kvpt.core.services import ConcurrentEditError
from kvpt.core.testing.factories import AgencyFactory
from kvpt.core.testing.world import World
from kvpt.preparation.formatting import vn_number
from kvpt.preparation.forms.works import parse_vn_decimal
from kvpt.preparation.models import Work, WorkStatus
from kvpt.preparation.selectors.works import totals_text, work_totals
from kvpt.preparation.services.works import (
    work_create,
    work_delete,
    work_hand_over,
    work_update,
)
from kvpt.preparation.tests.wb_helpers import make_line, make_work, subcommittees

pytestmark = pytest.mark.django_db

Clients = Callable[[Any], Client]


def _list_url(world: World) -> str:
    return reverse("preparation:work_list", args=[world.exercise.pk])


def _form(**overrides: Any) -> dict[str, Any]:
    data = {
        "code": "CT-HAM-01",
        "name": "Hầm họp Huyện ủy",
        "kind": "bunker",
        "construction": "new",
        "quantity": "",
        "quantity_unit": "each",
        "location": "Khu vực sở chỉ huy cơ bản",
        "classification": "0",
        "status": "planned",
        "owner": "",
        "subcommittee": "",
        "budget_line": "",
        "notes": "",
    }
    data.update(overrides)
    return data


# --- numbers the Vietnamese way ----------------------------------------------------------------


def test_quantities_read_with_a_decimal_comma_and_no_trailing_zeros() -> None:
    assert vn_number(Decimal("2.30")) == "2,3"
    assert vn_number(Decimal("2.00")) == "2"
    assert vn_number(Decimal("1250.50")) == "1.250,5"
    assert vn_number(Decimal("0.05")) == "0,05"


@pytest.mark.parametrize(
    ("typed", "value"),
    [("2,3", "2.3"), ("2.3", "2.3"), ("1.250", "1250"), ("1.250,5", "1250.5"), ("12", "12")],
)
def test_a_quantity_is_typed_the_vietnamese_way(typed: str, value: str) -> None:
    assert parse_vn_decimal(typed) == Decimal(value)


@pytest.mark.parametrize("typed", ["-1", "2,345", "abc", "1.2.3"])
def test_a_bad_quantity_is_refused(typed: str) -> None:
    with pytest.raises(ValidationError):
        parse_vn_decimal(typed)


# --- create, edit, delete through the pages -----------------------------------------------------


def test_the_owner_adds_a_work_through_the_page_and_history_names_her(
    world: World, client_for: Clients
) -> None:
    revision = world.exercise.revision
    response = client_for(world.alice).post(
        reverse("preparation:work_create", args=[world.exercise.pk]),
        _form(kind="road", construction="renovated", quantity="2,3", quantity_unit="km"),
    )
    work = Work.objects.get(code="CT-HAM-01")
    assert response.status_code == 302
    assert response["Location"] == work.get_absolute_url()
    assert work.quantity == Decimal("2.3")
    assert work.history.first().history_user == world.alice
    world.exercise.refresh_from_db()
    assert world.exercise.revision == revision + 1
    page = client_for(world.alice).get(work.get_absolute_url())
    assert page.status_code == 200
    assert "2,3 km" in page.content.decode()


def test_the_owner_edits_and_deletes_a_work(world: World, client_for: Clients) -> None:
    work = make_work(world)
    client = client_for(world.alice)
    url = reverse("preparation:work_update", args=[world.exercise.pk, work.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _form(code=work.code, name="Hầm họp mới", version=work.version))
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.name == "Hầm họp mới"
    assert work.version == 2
    delete = reverse("preparation:work_delete", args=[world.exercise.pk, work.pk])
    assert client.post(delete, {"version": work.version}).status_code == 302
    assert not Work.objects.filter(pk=work.pk).exists()


def test_a_duplicate_code_is_refused_on_the_field(world: World, client_for: Clients) -> None:
    make_work(world, code="CT-HAM-01")
    response = client_for(world.alice).post(
        reverse("preparation:work_create", args=[world.exercise.pk]), _form()
    )
    assert response.status_code == 422
    assert "CT-HAM-01" in str(response.context["form"].errors["code"])


def test_a_stale_edit_is_refused_and_the_input_kept(world: World, client_for: Clients) -> None:
    work = make_work(world)
    url = reverse("preparation:work_update", args=[world.exercise.pk, work.pk])
    first = client_for(world.alice).post(url, _form(code=work.code, name="Bản A", version=1))
    assert first.status_code == 302
    second = client_for(world.erin).post(url, _form(code=work.code, name="Bản B", version=1))
    assert second.status_code == 409
    assert "Bản B" in second.content.decode()
    work.refresh_from_db()
    assert work.name == "Bản A"


def test_the_marking_cannot_be_lower_than_the_exercises(world: World) -> None:
    with pytest.raises(ValidationError) as info:
        work_create(
            exercise=world.secret_exercise,
            code="CT-1",
            name="Hầm",
            kind="bunker",
            construction="new",
            classification=Classification.UNCLASSIFIED,
            actor=world.alice,
        )
    assert "classification" in info.value.message_dict
    work = work_create(
        exercise=world.secret_exercise,
        code="CT-1",
        name="Hầm",
        kind="bunker",
        construction="new",
        actor=world.alice,
    )
    assert work.classification == Classification.CONFIDENTIAL


def test_nobody_marks_a_work_above_their_own_clearance(world: World) -> None:
    with pytest.raises(ValidationError):
        work_create(
            exercise=world.exercise,
            code="CT-1",
            name="Hầm",
            kind="bunker",
            construction="new",
            classification=Classification.SECRET,
            actor=world.alice,
        )


def test_a_budget_line_of_another_exercise_is_refused(world: World) -> None:
    other = make_line(world, exercise=world.secret_exercise)
    with pytest.raises(ValidationError) as info:
        work_create(
            exercise=world.exercise,
            code="CT-1",
            name="Hầm",
            kind="bunker",
            construction="new",
            budget_line=other,
            actor=world.alice,
        )
    assert "budget_line" in info.value.message_dict


def test_status_handed_over_is_reached_only_through_the_handover(world: World) -> None:
    work = make_work(world, status="done")
    with pytest.raises(ValidationError) as info:
        work_update(
            work=work, changes={"status": "handed_over"}, expected_version=1, actor=world.alice
        )
    assert "status" in info.value.message_dict


# --- who may not -------------------------------------------------------------------------------


def test_the_outsider_gets_404_everywhere(world: World, client_for: Clients) -> None:
    work = make_work(world)
    client = client_for(world.charlie)
    for url in (
        _list_url(world),
        reverse("preparation:work_create", args=[world.exercise.pk]),
        work.get_absolute_url(),
        reverse("preparation:work_update", args=[world.exercise.pk, work.pk]),
        reverse("preparation:work_delete", args=[world.exercise.pk, work.pk]),
        reverse("preparation:work_handover", args=[world.exercise.pk, work.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_the_observer_reads_but_gets_403_on_every_write(world: World, client_for: Clients) -> None:
    work = make_work(world, status="done")
    client = client_for(world.bob)
    assert client.get(_list_url(world)).status_code == 200
    page = client.get(work.get_absolute_url())
    assert page.status_code == 200
    assert reverse("preparation:work_update", args=[world.exercise.pk, work.pk]) not in (
        page.content.decode()
    )
    for url in (
        reverse("preparation:work_create", args=[world.exercise.pk]),
        reverse("preparation:work_update", args=[world.exercise.pk, work.pk]),
        reverse("preparation:work_delete", args=[world.exercise.pk, work.pk]),
        reverse("preparation:work_handover", args=[world.exercise.pk, work.pk]),
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, _form(version=1)).status_code == 403, url
    assert Work.objects.get(pk=work.pk).version == 1


def test_anonymous_is_sent_to_the_login_page(world: World) -> None:
    work = make_work(world)
    for url in (_list_url(world), work.get_absolute_url()):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_a_work_seen_under_another_exercise_is_404(world: World, client_for: Clients) -> None:
    work = make_work(world)
    url = reverse("preparation:work_detail", args=[world.secret_exercise.pk, work.pk])
    assert client_for(world.alice).get(url).status_code == 404


def test_a_subcommittee_member_edits_own_subcommittee_works_only(
    world: World, client_for: Clients
) -> None:
    subs = subcommittees(world)
    own = make_work(world, code="CT-OWN", subcommittee=subs.works)
    other = make_work(world, code="CT-OTHER", subcommittee=subs.finance)
    client = client_for(subs.frank)
    own_url = reverse("preparation:work_update", args=[world.exercise.pk, own.pk])
    other_url = reverse("preparation:work_update", args=[world.exercise.pk, other.pk])
    assert client.get(own_url).status_code == 200
    assert client.get(other_url).status_code == 403
    response = client.post(
        own_url, _form(code=own.code, name="Hầm đã sửa", subcommittee=subs.works.pk, version=1)
    )
    assert response.status_code == 302
    # Moving his work to a subcommittee he does not sit on is refused.
    with pytest.raises(PermissionDenied):
        work_update(
            work=own,
            changes={"subcommittee": subs.finance},
            expected_version=2,
            actor=subs.frank,
        )
    # He adds works only to his own subcommittee.
    create = reverse("preparation:work_create", args=[world.exercise.pk])
    assert client.get(create).status_code == 200
    added = client.post(create, _form(code="CT-NEW", subcommittee=subs.works.pk))
    assert added.status_code == 302
    refused = client.post(create, _form(code="CT-NEW2", subcommittee=subs.finance.pk))
    assert refused.status_code == 422  # not among the choices he is offered
    with pytest.raises(PermissionDenied):
        work_create(
            exercise=world.exercise,
            code="CT-NEW3",
            name="Hầm",
            kind="bunker",
            construction="new",
            actor=subs.frank,
        )


def test_a_classified_work_does_not_exist_for_bob(world: World, client_for: Clients) -> None:
    make_work(world, code="CT-THUONG", name="Sa bàn BCHQS", kind="sand_table")
    secret = make_work(
        world,
        code="CT-MAT",
        name="Hầm chỉ huy bí mật",
        location="Tọa độ bí mật",
        classification=Classification.CONFIDENTIAL,
    )
    bob = client_for(world.bob)
    listing = bob.get(_list_url(world)).content.decode()
    assert "Sa bàn BCHQS" in listing
    assert "CT-MAT" not in listing
    assert "hầm" not in listing.split('data-testid="work-totals-text">')[1].split("<")[0]
    assert bob.get(secret.get_absolute_url()).status_code == 404
    assert [t.kind for t in work_totals(world.bob, world.exercise.pk)] == ["sand_table"]
    # alice (clearance Mật) sees it, the page is marked, and her read is logged.
    alice = client_for(world.alice)
    page = alice.get(secret.get_absolute_url())
    assert page.status_code == 200
    assert page.context["page_classification"] == Classification.CONFIDENTIAL
    from kvpt.core.models import AccessLog

    assert AccessLog.objects.filter(user=world.alice, object_id=str(secret.pk)).exists()


# --- handover ----------------------------------------------------------------------------------


def test_only_a_finished_work_is_handed_over(world: World) -> None:
    work = make_work(world, status="building")
    with pytest.raises(ValidationError) as info:
        work_hand_over(
            work=work,
            receiving_agency=world.agency,
            on=dt.date(2023, 9, 5),
            record_number="12/BB-UBND",
            expected_version=1,
            actor=world.alice,
        )
    assert "hoàn thành" in info.value.messages[0]
    assert Work.objects.get(pk=work.pk).status == WorkStatus.BUILDING


def test_the_handover_changes_the_custodian_and_is_in_the_history(
    world: World, client_for: Clients
) -> None:
    ubnd = AgencyFactory.create(code="UBND-388", name="UBND huyện Lang Chánh", area=world.district)
    work = make_work(world, status="done", owner=ubnd, custodian=ubnd)
    client = client_for(world.alice)
    detail = client.get(work.get_absolute_url()).content.decode()
    handover_url = reverse("preparation:work_handover", args=[world.exercise.pk, work.pk])
    assert handover_url in detail
    response = client.post(
        handover_url,
        {
            "receiving_agency": world.agency.pk,
            "on": "05/09/2023",
            "record_number": "12/BB-UBND",
            "version": 1,
        },
    )
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.status == WorkStatus.HANDED_OVER
    assert work.custodian == world.agency
    assert work.handed_over_to == world.agency
    assert work.handed_over_on == dt.date(2023, 9, 5)
    assert work.handover_record == "12/BB-UBND"
    last = work.history.first()
    assert last.history_user == world.alice
    assert "12/BB-UBND" in last.history_change_reason
    assert last.custodian_id == world.agency.pk
    page = client.get(work.get_absolute_url()).content.decode()
    assert "Ban CHQS huyện Lang Chánh" in page.split('data-testid="custodian">')[1][:80]
    assert handover_url not in page  # handed over once


def test_a_handover_from_a_stale_page_is_refused(world: World, client_for: Clients) -> None:
    work = make_work(world, status="done")
    work_update(work=work, changes={"notes": "Đã nghiệm thu"}, expected_version=1, actor=world.erin)
    response = client_for(world.alice).post(
        reverse("preparation:work_handover", args=[world.exercise.pk, work.pk]),
        {
            "receiving_agency": world.agency.pk,
            "on": "05/09/2023",
            "record_number": "1",
            "version": 1,
        },
    )
    assert response.status_code == 409
    assert Work.objects.get(pk=work.pk).status == WorkStatus.DONE


def test_a_handover_needs_the_record_number(world: World) -> None:
    work = make_work(world, status="done")
    with pytest.raises(ValidationError) as info:
        work_hand_over(
            work=work,
            receiving_agency=world.agency,
            on=dt.date(2023, 9, 5),
            record_number="  ",
            expected_version=1,
            actor=world.alice,
        )
    assert "record_number" in info.value.message_dict


# --- totals ------------------------------------------------------------------------------------


def _seed_works(world: World) -> None:
    for i, name in enumerate(["Hầm họp", "Hầm Huyện ủy", "Hầm BCHQS"]):
        make_work(world, code=f"N-{i}", name=name)
    make_work(world, code="N-SB", name="Sa bàn BCHQS", kind="sand_table")
    for i, name in enumerate(["Hầm họp UBND", "Hầm Công an", "Hầm BCĐ tỉnh"]):
        make_work(world, code=f"R-{i}", name=name, construction="renovated")
    make_work(
        world,
        code="R-D1",
        name="Đường cơ động 1",
        kind="road",
        construction="renovated",
        quantity="1.50",
        quantity_unit="km",
    )
    make_work(
        world,
        code="R-D2",
        name="Đường cơ động 2",
        kind="road",
        construction="renovated",
        quantity="0.80",
        quantity_unit="km",
    )


def test_the_totals_read_as_people_write_them(world: World, client_for: Clients) -> None:
    _seed_works(world)
    totals = work_totals(world.alice, world.exercise.pk)
    expected = "Xây mới: 3 hầm, 1 sa bàn; Tu sửa, nâng cấp: 3 hầm, 2,3 km đường cơ động"
    assert totals_text(totals) == expected
    road = next(t for t in totals if t.kind == "road")
    assert (road.count, road.quantity, road.text) == (2, Decimal("2.30"), "2,3 km đường cơ động")
    page = client_for(world.bob).get(_list_url(world)).content.decode()
    assert expected in page


def test_the_totals_take_one_query(world: World) -> None:
    _seed_works(world)
    get_scope(world.alice)  # the user's grants are read once per request anyway
    with CaptureQueriesContext(connection) as queries:
        work_totals(world.alice, world.exercise.pk)
    assert len(queries) == 1


def test_no_works_reads_plainly(world: World) -> None:
    assert totals_text(work_totals(world.alice, world.exercise.pk)) == "Chưa có công trình nào."


# --- the list ----------------------------------------------------------------------------------


def test_the_list_filters_and_finds_without_accents(world: World, client_for: Clients) -> None:
    _seed_works(world)
    client = client_for(world.alice)

    def codes(**params: str) -> list[str]:
        response = client.get(_list_url(world), params)
        return sorted(row.code for row in response.context["rows"])

    assert codes(kind="road") == ["R-D1", "R-D2"]
    assert codes(construction="new", kind="bunker") == ["N-0", "N-1", "N-2"]
    assert codes(q="ham cong an") == ["R-1"]
    assert codes(q="HUYỆN ủy") == ["N-1"]
    assert codes(status="done") == []
    assert codes(subcommittee="abc") == []


def test_the_list_makes_the_same_number_of_queries_for_more_rows(
    world: World, client_for: Clients
) -> None:
    subs = subcommittees(world)
    line = make_line(world)
    client = client_for(world.alice)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_list_url(world)).status_code == 200
        return len(queries)

    make_work(world, code="A-1", subcommittee=subs.works, owner=world.agency, budget_line=line)
    small = count()
    for i in range(12):
        make_work(
            world,
            code=f"B-{i}",
            subcommittee=subs.finance,
            owner=world.agency,
            custodian=world.agency,
            budget_line=line,
            classification=Classification.CONFIDENTIAL,
        )
    assert count() == small + 1  # + the one INSERT logging the classified rows read


def test_the_owner_deletes_through_the_service_with_history(world: World) -> None:
    work = make_work(world)
    work_delete(work=work, expected_version=1, actor=world.alice)
    assert Work.history.filter(id=work.pk, history_type="-").get().history_user == world.alice


def test_a_concurrent_service_edit_raises(world: World) -> None:
    work = make_work(world)
    work_update(work=work, changes={"name": "A"}, expected_version=1, actor=world.alice)
    with pytest.raises(ConcurrentEditError):
        work_update(work=work, changes={"name": "B"}, expected_version=1, actor=world.erin)


def test_an_edit_keeps_a_link_the_editor_may_not_see(world: World, client_for: Clients) -> None:
    """erin (clearance Thường) edits a work paid from a Mật budget line: the link survives."""
    secret_line = make_line(world, code="KP-MAT", classification=Classification.CONFIDENTIAL)
    work = make_work(world, budget_line=secret_line)
    url = reverse("preparation:work_update", args=[world.exercise.pk, work.pk])
    client = client_for(world.erin)
    page = client.get(url)
    assert "budget_line" not in page.context["form"].fields
    assert "KP-MAT" not in page.content.decode()
    response = client.post(url, _form(code=work.code, name="Hầm đã sửa", version=1))
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.name == "Hầm đã sửa"
    assert work.budget_line == secret_line
    assert "KP-MAT" not in client.get(work.get_absolute_url()).content.decode()


def test_a_closed_exercise_refuses_new_works(world: World) -> None:
    from kvpt.exercises.models import Exercise

    Exercise.objects.filter(pk=world.exercise.pk).update(status="closed")
    world.exercise.refresh_from_db()
    with pytest.raises(ValidationError):
        work_create(
            exercise=world.exercise,
            code="CT-1",
            name="Hầm",
            kind="bunker",
            construction="new",
            actor=world.alice,
        )


def test_htmx_gets_the_results_with_their_marking(world: World, client_for: Clients) -> None:
    make_work(world, code="CT-MAT", classification=Classification.CONFIDENTIAL)
    response = client_for(world.alice).get(_list_url(world), {"q": "mat"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="results">')
    assert 'id="marking-top" hx-swap-oob="true"' in html
    assert "CT-MAT" in html


def test_a_member_must_name_his_subcommittee_and_finds_it_chosen(
    world: World, client_for: Clients
) -> None:
    subs = subcommittees(world)
    client = client_for(subs.frank)
    create = reverse("preparation:work_create", args=[world.exercise.pk])
    page = client.get(create)
    assert page.context["form"]["subcommittee"].value() == subs.works.pk
    response = client.post(create, _form(code="CT-X"))
    assert response.status_code == 422
    assert "subcommittee" in response.context["form"].errors


def test_the_detail_is_marked_as_the_budget_line_it_names(
    world: World, client_for: Clients
) -> None:
    line = make_line(world, code="KP-MAT", classification=Classification.CONFIDENTIAL)
    work = make_work(world, budget_line=line)
    alice = client_for(world.alice).get(work.get_absolute_url())
    assert "KP-MAT" in alice.content.decode()
    assert alice.context["page_classification"] == Classification.CONFIDENTIAL
    bob = client_for(world.bob).get(work.get_absolute_url())
    assert "KP-MAT" not in bob.content.decode()
    assert bob.context["page_classification"] == Classification.UNCLASSIFIED
