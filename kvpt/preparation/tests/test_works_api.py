"""The works API: list / create / read / update / delete, handover, totals, and who may not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kvpt.core.models import AccessLog, Classification
from kvpt.core.testing.world import World
from kvpt.preparation.models import Work, WorkStatus
from kvpt.preparation.tests.wb_helpers import make_line, make_work, subcommittees

pytestmark = pytest.mark.django_db

Clients = Callable[[Any], Client]
JSON = "application/json"


def _base(world: World, exercise: Any = None) -> str:
    return f"/api/v1/exercises/{(exercise or world.exercise).pk}/works"


def test_the_owner_creates_reads_updates_and_deletes_a_work(
    world: World, api_client_for: Clients
) -> None:
    api = api_client_for(world.alice)
    line = make_line(world, code="KP-DUONG")
    created = api.post(
        _base(world),
        {
            "code": "CT-DUONG",
            "name": "Đường cơ động bê tông hóa",
            "kind": "road",
            "construction": "renovated",
            "quantity": "2.3",
            "quantity_unit": "km",
            "budget_line_code": "KP-DUONG",
            "owner_code": world.agency.code,
        },
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["quantity_display"] == "2,3 km"
    assert body["budget_line_id"] == line.pk
    assert body["owner_id"] == world.agency.pk
    assert body["classification"] == 0
    work = Work.objects.get(pk=body["id"])
    assert work.history.first().history_user == world.alice  # the token's user, in history

    read = api.get(f"{_base(world)}/{work.pk}")
    assert read.status_code == 200
    assert read.json()["name"] == "Đường cơ động bê tông hóa"

    patched = api.patch(
        f"{_base(world)}/{work.pk}",
        {"version": 1, "status": "building", "budget_line_id": None},
        content_type=JSON,
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["status"] == "building"
    assert patched.json()["budget_line_id"] is None
    assert patched.json()["version"] == 2

    listing = api.get(_base(world), {"kind": "road"})
    assert listing.status_code == 200
    assert [w["code"] for w in listing.json()["items"]] == ["CT-DUONG"]

    stale = api.delete(f"{_base(world)}/{work.pk}?version=1")
    assert stale.status_code == 409
    deleted = api.delete(f"{_base(world)}/{work.pk}?version=2")
    assert deleted.status_code == 204
    assert not Work.objects.filter(pk=work.pk).exists()


def test_a_stale_patch_is_409_and_changes_nothing(world: World, api_client_for: Clients) -> None:
    work = make_work(world)
    api = api_client_for(world.alice)
    url = f"{_base(world)}/{work.pk}"
    assert api.patch(url, {"version": 1, "name": "A"}, content_type=JSON).status_code == 200
    stale = api_client_for(world.erin).patch(url, {"version": 1, "name": "B"}, content_type=JSON)
    assert stale.status_code == 409
    assert stale.json()["code"] == "concurrent_edit"
    assert Work.objects.get(pk=work.pk).name == "A"


def test_refused_input_is_422_on_the_field(world: World, api_client_for: Clients) -> None:
    make_work(world, code="CT-1")
    api = api_client_for(world.alice)
    base = {"name": "Hầm", "kind": "bunker", "construction": "new"}
    dup = api.post(_base(world), {**base, "code": "CT-1"}, content_type=JSON)
    assert dup.status_code == 422
    assert dup.json()["errors"][0]["field"] == "code"
    negative = api.post(_base(world), {**base, "code": "CT-2", "quantity": -1}, content_type=JSON)
    assert negative.status_code == 422
    assert "không được âm" in negative.json()["errors"][0]["message"]
    hidden_line = make_line(world, exercise=world.sibling_exercise, code="KP-X")
    foreign = api.post(
        _base(world), {**base, "code": "CT-3", "budget_line_id": hidden_line.pk}, content_type=JSON
    )
    assert foreign.status_code == 422
    assert foreign.json()["errors"][0]["field"] == "budget_line_id"


def test_the_handover_endpoint(world: World, api_client_for: Clients) -> None:
    work = make_work(world, status="building")
    api = api_client_for(world.alice)
    url = f"{_base(world)}/{work.pk}/handover"
    payload = {
        "version": 1,
        "receiving_agency_code": world.agency.code,
        "on": "2023-09-05",
        "record_number": "12/BB-UBND",
    }
    not_done = api.post(url, payload, content_type=JSON)
    assert not_done.status_code == 422
    assert "hoàn thành" in not_done.json()["errors"][0]["message"]
    api.patch(f"{_base(world)}/{work.pk}", {"version": 1, "status": "done"}, content_type=JSON)
    done = api.post(url, {**payload, "version": 2}, content_type=JSON)
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["status"] == WorkStatus.HANDED_OVER
    assert body["custodian_id"] == world.agency.pk
    assert body["handed_over_to_id"] == world.agency.pk
    assert body["handed_over_on"] == "2023-09-05"
    assert body["handover_record"] == "12/BB-UBND"
    assert api_client_for(world.bob).post(url, payload, content_type=JSON).status_code == 403


def test_the_totals_endpoint(world: World, api_client_for: Clients) -> None:
    make_work(world, code="H-1")
    make_work(world, code="H-2", construction="renovated")
    make_work(
        world,
        code="D-1",
        kind="road",
        construction="renovated",
        quantity="2.30",
        quantity_unit="km",
    )
    response = api_client_for(world.bob).get(f"{_base(world)}/totals")
    assert response.status_code == 200
    body = response.json()
    assert body["text"] == "Xây mới: 1 hầm; Tu sửa, nâng cấp: 1 hầm, 2,3 km đường cơ động"
    road = next(item for item in body["items"] if item["kind"] == "road")
    assert road["text"] == "2,3 km đường cơ động"
    assert road["count"] == 1


def test_who_may_not(world: World, api_client_for: Clients) -> None:
    work = make_work(world)
    one = f"{_base(world)}/{work.pk}"
    charlie = api_client_for(world.charlie)
    for url in (_base(world), one, f"{_base(world)}/totals"):
        response = charlie.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"
    assert charlie.patch(one, {"version": 1}, content_type=JSON).status_code == 404
    bob = api_client_for(world.bob)
    assert bob.get(one).status_code == 200
    refused = bob.patch(one, {"version": 1, "name": "X"}, content_type=JSON)
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert bob.delete(one).status_code == 403
    create = bob.post(
        _base(world),
        {"code": "CT-B", "name": "Hầm", "kind": "bunker", "construction": "new"},
        content_type=JSON,
    )
    assert create.status_code == 403
    anonymous = Client()
    for url in (_base(world), one, f"{_base(world)}/totals"):
        response = anonymous.get(url)
        assert response.status_code == 401, url
        assert response.json()["code"] == "not_authenticated"
    # The work does not exist under another exercise.
    assert (
        api_client_for(world.alice)
        .get(f"{_base(world, world.secret_exercise)}/{work.pk}")
        .status_code
        == 404
    )


def test_a_subcommittee_member_through_the_api(world: World, api_client_for: Clients) -> None:
    subs = subcommittees(world)
    own = make_work(world, code="CT-OWN", subcommittee=subs.works)
    other = make_work(world, code="CT-OTHER", subcommittee=subs.finance)
    api = api_client_for(subs.frank)
    ok = api.patch(f"{_base(world)}/{own.pk}", {"version": 1, "name": "Sửa"}, content_type=JSON)
    assert ok.status_code == 200
    no = api.patch(f"{_base(world)}/{other.pk}", {"version": 1, "name": "X"}, content_type=JSON)
    assert no.status_code == 403
    move = api.patch(
        f"{_base(world)}/{own.pk}",
        {"version": 2, "subcommittee_code": subs.finance.code},
        content_type=JSON,
    )
    assert move.status_code == 403
    added = api.post(
        _base(world),
        {
            "code": "CT-NEW",
            "name": "Hầm",
            "kind": "bunker",
            "construction": "new",
            "subcommittee_id": subs.works.pk,
        },
        content_type=JSON,
    )
    assert added.status_code == 201


def test_a_classified_work_is_invisible_to_bob_and_its_reads_are_logged(
    world: World, api_client_for: Clients
) -> None:
    make_work(world, code="CT-THUONG", kind="sand_table")
    secret = make_work(world, code="CT-MAT", classification=Classification.CONFIDENTIAL)
    bob = api_client_for(world.bob)
    assert [w["code"] for w in bob.get(_base(world)).json()["items"]] == ["CT-THUONG"]
    assert bob.get(f"{_base(world)}/{secret.pk}").status_code == 404
    assert bob.get(f"{_base(world)}/totals").json()["text"] == "Xây mới: 1 sa bàn"
    alice = api_client_for(world.alice)
    assert alice.get(f"{_base(world)}/{secret.pk}").status_code == 200
    assert len(alice.get(_base(world)).json()["items"]) == 2
    assert (
        AccessLog.objects.filter(
            user=world.alice, object_id=str(secret.pk), action=AccessLog.Action.API
        ).count()
        == 2
    )


def test_a_secret_budget_line_is_not_named_to_a_reader_below_it(
    world: World, api_client_for: Clients
) -> None:
    line = make_line(world, classification=Classification.CONFIDENTIAL)
    work = make_work(world, budget_line=line)
    assert (
        api_client_for(world.bob).get(f"{_base(world)}/{work.pk}").json()["budget_line_id"] is None
    )
    assert (
        api_client_for(world.alice).get(f"{_base(world)}/{work.pk}").json()["budget_line_id"]
        == line.pk
    )


def test_the_list_makes_the_same_number_of_queries_for_more_rows(
    world: World, api_client_for: Clients
) -> None:
    subs = subcommittees(world)
    line = make_line(world)
    api = api_client_for(world.alice)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(_base(world)).status_code == 200
        return len(queries)

    make_work(world, code="A", subcommittee=subs.works, budget_line=line)
    count()  # the token's first use is written once
    small = count()
    for i in range(10):
        make_work(world, code=f"B-{i}", subcommittee=subs.finance, budget_line=line)
    assert count() == small


def test_null_for_a_required_field_is_422_not_a_crash(
    world: World, api_client_for: Clients
) -> None:
    work = make_work(world)
    api = api_client_for(world.alice)
    for field in ("classification", "code", "kind", "quantity_unit", "is_illustrative"):
        response = api.patch(
            f"{_base(world)}/{work.pk}", {"version": 1, field: None}, content_type=JSON
        )
        assert response.status_code == 422, (field, response.content)
        assert response.json()["errors"][0]["field"] == field
    cleared = api.patch(
        f"{_base(world)}/{work.pk}", {"version": 1, "quantity": None}, content_type=JSON
    )
    assert cleared.status_code == 200
