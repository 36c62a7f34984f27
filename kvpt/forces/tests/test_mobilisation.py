"""Force allocations: a unit counts once, rates per unit, force and total; pages, API, scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kvpt.accounts.models import Role
from kvpt.core.testing.factories import PersonFactory, UserFactory, grant
from kvpt.core.testing.world import World
from kvpt.forces.models import ForceAllocation, VehicleAllocation
from kvpt.forces.selectors import mobilisation, strength_text
from kvpt.forces.services import allocation_create, allocation_update
from kvpt.forces.tests.helpers import allocate, force, unit
from kvpt.organisations.models import Position

pytestmark = pytest.mark.django_db

Clients = Callable[[Any], Client]


def _seed_a2(world: World) -> tuple[Any, Any]:
    """The seed's 264 people serving martial law AND A2, as two forces sharing the units."""
    martial = force(world, "LL-TQL", "Thiết quân luật", ["TQL"])
    a2 = force(world, "LL-A2", "Xử trí tình huống A2", ["A2"])
    for code, n in (("CA", 70), ("QS", 90), ("B1", 34), ("DQ1", 35), ("DQ2", 35)):
        allocate(world, unit(world, code, f"Đơn vị {code}"), [martial, a2], actual=n)
    return martial, a2


def test_the_264_people_of_martial_law_and_a2_are_counted_once(world: World) -> None:
    _seed_a2(world)
    m = mobilisation(world.alice, world.exercise.pk)
    assert m.total.actual == 264
    assert [f.tally.actual for f in m.forces] == [264, 264]
    assert m.forces_overlap


def test_rates_per_unit_force_and_total_and_size_only_units_kept_apart(world: World) -> None:
    reserve = force(world, "LL-DBDV")
    border = force(world, "LL-BG")
    allocate(world, world.unit, [reserve], planned=110, actual=110)
    allocate(world, unit(world, "BG", "Bộ đội biên giới"), [border], actual=56)
    allocate(world, unit(world, "TN", "DQCĐ Trí Nang", "1 trung đội"), [border])
    m = mobilisation(world.alice, world.exercise.pk)
    texts = {line.unit_name: line.text for line in m.units}
    assert texts["Đại đội 1 bộ binh DBĐV"] == "110/110 - 100 %"
    assert texts["Bộ đội biên giới"] == "56 người"
    assert texts["DQCĐ Trí Nang"] == "1 trung đội"
    assert m.total.rate_text == "110/110 - 100 %"
    assert m.total.actual == 166
    assert m.total.size_only == ["1 trung đội (DQCĐ Trí Nang)"]
    by_code = {f.force.code: f.tally for f in m.forces}
    assert by_code["LL-BG"].planned == 0
    assert by_code["LL-BG"].actual == 56
    assert by_code["LL-DBDV"].rate == 100


def test_strength_text_reads_at_a_glance() -> None:
    assert strength_text(110, 99, "") == "99/110 - 90 %"
    assert strength_text(110, None, "") == "?/110"
    assert strength_text(None, None, "") == "chưa rõ quân số"


def test_a_unit_cannot_be_mobilised_twice(world: World) -> None:
    allocation_create(exercise=world.exercise, unit=world.unit, actor=world.alice)
    with pytest.raises(ValidationError) as exc:
        allocation_create(exercise=world.exercise, unit=world.unit, actor=world.alice)
    assert "chỉ tính một lần" in str(exc.value)


def test_vehicles_are_totalled_by_kind(world: World) -> None:
    f = force(world, "LL")
    allocation_create(
        exercise=world.exercise,
        unit=world.unit,
        forces=[f],
        vehicles=[{"kind": "ô tô", "planned": 10, "actual": 10}],
        actor=world.alice,
    )
    allocation_create(
        exercise=world.exercise,
        unit=unit(world, "X", "Xe"),
        forces=[f],
        vehicles=[{"kind": "ô tô", "planned": None, "actual": 5}, {"kind": "xe máy", "actual": 2}],
        actor=world.alice,
    )
    m = mobilisation(world.alice, world.exercise.pk)
    assert m.total.vehicles == {"ô tô": 15, "xe máy": 2}
    assert m.forces[0].tally.vehicle_total == 17


def _page(world: World) -> str:
    return reverse("forces:mobilisation", args=[world.exercise.pk])


def test_the_page_shows_the_table_and_its_query_count_does_not_grow(
    world: World, client_for: Clients
) -> None:
    client = client_for(world.alice)
    _seed_a2(world)
    with CaptureQueriesContext(connection) as small:
        response = client.get(_page(world))
    assert response.status_code == 200
    assert "264" in response.content.decode()
    f = force(world, "LL-MORE")
    for i in range(15):
        allocate(world, unit(world, f"M{i}", f"Thêm {i}"), [f], planned=10, actual=9)
        VehicleAllocation.objects.create(
            allocation=ForceAllocation.objects.latest("pk"), kind="ô tô", actual=1
        )
    with CaptureQueriesContext(connection) as large:
        response = client.get(_page(world))
    assert response.status_code == 200
    assert "150" in response.content.decode()  # 15 x 10 planned
    assert len(large.captured_queries) == len(small.captured_queries)


def test_who_may_see_and_change(world: World, client_for: Clients) -> None:
    allocation = allocate(world, world.unit, [], planned=10)
    edit = reverse("forces:allocation_update", args=[allocation.pk])
    assert client_for(world.charlie).get(_page(world)).status_code == 404
    assert client_for(world.charlie).get(edit).status_code == 404
    assert client_for(world.bob).get(_page(world)).status_code == 200
    assert client_for(world.bob).get(edit).status_code == 403
    new = reverse("forces:allocation_create", args=[world.exercise.pk])
    assert client_for(world.bob).get(new).status_code == 403
    assert Client().get(_page(world)).status_code == 302
    assert client_for(world.erin).get(edit).status_code == 200


def test_the_owner_adds_a_unit_through_the_page(world: World, client_for: Clients) -> None:
    f = force(world, "LL-1")
    response = client_for(world.alice).post(
        reverse("forces:allocation_create", args=[world.exercise.pk]),
        {
            "unit": world.unit.pk,
            "forces": [f.pk],
            "planned_personnel": "110",
            "actual_personnel": "110",
            "size_label": "",
            "notes": "",
            "vehicles_text": "ô tô; 3; 2",
            "equipment_text": "Máy thông tin; 4",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    allocation = ForceAllocation.objects.get(unit=world.unit)
    assert list(allocation.vehicles.values_list("kind", "planned", "actual")) == [("ô tô", 3, 2)]
    assert list(allocation.equipment.values_list("item", "quantity")) == [("Máy thông tin", 4)]
    assert allocation.history.first().history_user == world.alice


def _commander(world: World) -> Any:
    person = PersonFactory.create(code="CB-CH", full_name="Chỉ huy", area=world.district)
    Position.objects.create(person=person, agency=world.agency, title="Đại đội trưởng")
    user = UserFactory.create(username="chihuy", person=person)
    grant(user, Role.UNIT_COMMANDER, exercise=world.exercise)
    return user


def test_a_unit_commander_reports_only_the_actual_strength_of_their_own_unit(
    world: World,
) -> None:
    commander = _commander(world)
    own = allocate(world, world.unit, [], planned=110)
    other_agency_unit = unit(world, "KHAC", "Đơn vị khác")
    other_agency_unit.agency = world.sibling_agency
    other_agency_unit.save()
    other = allocate(world, other_agency_unit, [], planned=10)
    allocation_update(
        allocation=own,
        changes={"actual_personnel": 108},
        expected_version=own.version,
        actor=commander,
    )
    own.refresh_from_db()
    assert own.actual_personnel == 108
    with pytest.raises(PermissionDenied):
        allocation_update(
            allocation=own,
            changes={"planned_personnel": 120},
            expected_version=own.version,
            actor=commander,
        )
    with pytest.raises(PermissionDenied):
        allocation_update(
            allocation=other,
            changes={"actual_personnel": 9},
            expected_version=other.version,
            actor=commander,
        )


# --- API ---------------------------------------------------------------------------------------


def _api(world: World) -> str:
    return f"/api/v1/exercises/{world.exercise.pk}"


def test_api_creates_reports_and_sums_without_double_counting(
    world: World, api_client_for: Clients
) -> None:
    client = api_client_for(world.alice)
    martial = client.post(
        _api(world) + "/forces",
        {"code": "TQL", "name": "Thiết quân luật", "situations": ["TQL"]},
        content_type="application/json",
    ).json()
    a2 = client.post(
        _api(world) + "/forces",
        {"code": "A2", "name": "A2", "situations": ["A2"]},
        content_type="application/json",
    ).json()
    response = client.post(
        _api(world) + "/force-allocations",
        {
            "unit_code": world.unit.code,
            "force_ids": [martial["id"], a2["id"]],
            "actual_personnel": 264,
            "vehicles": [{"kind": "ô tô", "actual": 15}],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["strength_text"] == "264 người"
    total = client.get(_api(world) + "/mobilisation").json()
    assert total["total"]["actual"] == 264
    assert total["total"]["vehicle_total"] == 15
    assert [f["tally"]["actual"] for f in total["forces"]] == [264, 264]
    stale = client.patch(
        _api(world) + f"/force-allocations/{body['id']}",
        {"version": body["version"] + 5, "actual_personnel": 1},
        content_type="application/json",
    )
    assert stale.status_code == 409
    ok = client.patch(
        _api(world) + f"/force-allocations/{body['id']}",
        {"version": body["version"], "planned_personnel": 270},
        content_type="application/json",
    )
    assert ok.status_code == 200
    assert ok.json()["strength_text"] == "264/270 - 98 %"


def test_api_scope(world: World, api_client_for: Clients) -> None:
    allocation = allocate(world, world.unit, [], planned=5)
    path = _api(world) + f"/force-allocations/{allocation.pk}"
    assert api_client_for(world.charlie).get(path).status_code == 404
    assert api_client_for(world.charlie).get(_api(world) + "/mobilisation").status_code == 404
    assert Client().get(path).status_code == 401
    assert api_client_for(world.dave).get(path).status_code == 200
    bob = api_client_for(world.bob)
    assert bob.get(path).status_code == 200
    response = bob.patch(
        path,
        {"version": allocation.version, "planned_personnel": 7},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert bob.delete(path).status_code == 403


def test_a_unit_above_the_readers_clearance_is_neither_listed_nor_counted(
    world: World, client_for: Clients
) -> None:
    allocate(world, world.secret_unit, [], actual=30)
    allocate(world, world.unit, [], actual=10)
    assert mobilisation(world.alice, world.exercise.pk).total.actual == 10
    assert mobilisation(world.dave, world.exercise.pk).total.actual == 40
    body = client_for(world.alice).get(_page(world)).content.decode()
    assert world.secret_unit.name not in body


def test_the_api_lists_stay_flat_in_queries(world: World, api_client_for: Clients) -> None:
    client = api_client_for(world.alice)
    f = force(world, "LL")
    allocate(world, world.unit, [f], planned=1, actual=1)
    urls = [_api(world) + "/force-allocations", _api(world) + "/mobilisation"]
    counts = []
    client.get(urls[0])  # the token's first use is recorded once
    for url in urls:
        with CaptureQueriesContext(connection) as small:
            assert client.get(url).status_code == 200
        counts.append(len(small.captured_queries))
    for i in range(12):
        a = allocate(world, unit(world, f"Q{i}", f"Q {i}"), [f], planned=5, actual=5)
        VehicleAllocation.objects.create(allocation=a, kind="ô tô", actual=1)
    for url, before in zip(urls, counts, strict=True):
        with CaptureQueriesContext(connection) as large:
            response = client.get(url)
        assert response.status_code == 200
        assert len(large.captured_queries) == before, url


def test_a_unit_commander_reports_through_the_api(world: World, api_client_for: Clients) -> None:
    commander = _commander(world)
    allocation = allocate(world, world.unit, [], planned=110)
    allocation.equipment.create(item="Máy thông tin", quantity=2)
    client = api_client_for(commander)
    path = _api(world) + f"/force-allocations/{allocation.pk}"
    ok = client.patch(
        path,
        {"version": allocation.version, "actual_personnel": 110},
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["strength_text"] == "110/110 - 100 %"
    refused = client.patch(
        path,
        {"version": ok.json()["version"], "planned_personnel": 200},
        content_type="application/json",
    )
    assert refused.status_code == 403
    summary = client.get(_api(world) + "/mobilisation").json()
    assert summary["total"]["equipment"] == {"Máy thông tin": 2}
