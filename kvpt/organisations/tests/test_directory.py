"""Agencies, units and people: classification, positions, exchange codes, text and list costs."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kvpt.core.models import AccessLog, Classification
from kvpt.core.testing.factories import AgencyFactory, PersonFactory, UnitFactory
from kvpt.core.testing.world import World
from kvpt.organisations import services
from kvpt.organisations.models import Agency, AgencyKind, Person, Position, Unit

pytestmark = pytest.mark.django_db


def test_a_unit_above_the_readers_clearance_does_not_exist_for_him(
    world: World, client_for: Callable[[Any], Client], api_client_for: Callable[[Any], Client]
) -> None:
    secret = world.secret_unit
    bob = client_for(world.bob)
    assert bob.get(reverse("organisations:unit_detail", args=[secret.pk])).status_code == 404
    assert secret.name not in bob.get(reverse("organisations:unit_list")).content.decode()
    agency_page = bob.get(world.agency.get_absolute_url()).content.decode()
    assert secret.name not in agency_page
    api = api_client_for(world.bob)
    assert api.get(f"/api/v1/units/{secret.pk}").status_code == 404
    assert secret.code not in [u["code"] for u in api.get("/api/v1/units").json()["items"]]


def test_a_cleared_reader_sees_the_classified_unit_with_its_marking_and_the_read_is_logged(
    world: World, client_for: Callable[[Any], Client], api_client_for: Callable[[Any], Client]
) -> None:
    secret = world.secret_unit
    page = client_for(world.dave).get(reverse("organisations:unit_detail", args=[secret.pk]))
    assert page.status_code == 200
    assert page.context["page_classification"] == Classification.SECRET
    assert 'data-testid="marking"' in page.content.decode()
    assert "TỐI MẬT" in page.content.decode()
    api_client_for(world.dave).get(f"/api/v1/units/{secret.pk}")
    logged = AccessLog.objects.filter(model="organisations.unit", object_id=str(secret.pk))
    assert sorted(logged.values_list("action", flat=True)) == ["api", "view"]
    assert all(entry.user == world.dave for entry in logged)


def test_a_list_carries_the_marking_of_the_most_classified_row_shown(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    dave_page = client_for(world.dave).get(reverse("organisations:unit_list"))
    assert dave_page.context["page_classification"] == Classification.SECRET
    bob_page = client_for(world.bob).get(reverse("organisations:unit_list"))
    assert bob_page.context["page_classification"] == Classification.UNCLASSIFIED


def test_nobody_can_classify_a_record_above_their_own_clearance(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    response = api_client_for(world.alice).post(
        "/api/v1/units",
        {
            "code": "DV-TM",
            "name": "Đơn vị tối mật",
            "kind": "other",
            "agency_id": world.agency.pk,
            "classification": Classification.SECRET,
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "classification"
    assert not Unit.objects.filter(code="DV-TM").exists()


def test_vietnamese_text_round_trips_as_nfc_and_is_found_without_accents(
    world: World, api_client_for: Callable[[Any], Client], client_for: Callable[[Any], Client]
) -> None:
    name = "Nguyễn Thị Hường Đào"
    api = api_client_for(world.alice)
    created = api.post(
        "/api/v1/people",
        {
            "code": "CB-Đ01",
            "full_name": unicodedata.normalize("NFD", name),
            "rank": "Thượng úy",
            "area_code": "388",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["full_name"] == name
    assert Person.objects.get(code="CB-Đ01").full_name == name
    fetched = api.get(f"/api/v1/people/{created.json()['id']}").json()
    assert fetched["full_name"] == name
    assert fetched["rank"] == "Thượng úy"
    found = api.get("/api/v1/people?q=huong dao").json()
    assert [p["code"] for p in found["items"]] == ["CB-Đ01"]
    page = client_for(world.alice).get(reverse("organisations:person_list") + "?q=HUONG")
    assert name in page.content.decode()


def test_a_unit_shows_its_strength_or_else_its_size(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    platoon = services.unit_create(
        code="DQCD-TN",
        name="Trung đội dân quân cơ động xã Trí Nang",
        kind="mobile_militia",
        agency=world.agency,
        size_label="1 trung đội",
        actor=world.alice,
    )
    services.unit_update(
        unit=world.unit,
        changes={"strength": 110},
        expected_version=world.unit.version,
        actor=world.alice,
    )
    alice = client_for(world.alice)
    listing = alice.get(reverse("organisations:unit_list")).content.decode()
    assert "1 trung đội" in listing
    assert "110 người" in listing
    detail = alice.get(platoon.get_absolute_url()).content.decode()
    assert "chưa rõ" in detail
    assert "1 trung đội" in detail


def test_a_regional_defence_command_lists_the_communes_it_covers(
    world: World, client_for: Callable[[Any], Client], api_client_for: Callable[[Any], Client]
) -> None:
    api = api_client_for(world.admin)
    created = api.post(
        "/api/v1/agencies",
        {
            "code": "PTKV-1",
            "name": "Ban Chỉ huy Phòng thủ khu vực 1",
            "kind": "regional_defence",
            "area_code": "38",
            "covered_area_codes": ["15010", "386"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    assert [a["code"] for a in created.json()["covered_areas"]] == ["15010", "386"]
    agency = Agency.objects.get(code="PTKV-1")
    html = client_for(world.dave).get(agency.get_absolute_url()).content.decode()
    assert "Địa bàn phụ trách" in html
    assert "Trí Nang" in html
    assert "Bá Thước" in html
    commune_page = client_for(world.alice).get(world.commune.get_absolute_url()).content.decode()
    assert "Thuộc phạm vi phụ trách của" not in commune_page  # the province's agency is hidden
    assert (
        "Ban Chỉ huy Phòng thủ khu vực 1"
        in client_for(world.dave).get(world.commune.get_absolute_url()).content.decode()
    )


def test_editing_covered_areas_keeps_those_the_editor_cannot_see(world: World) -> None:
    from kvpt.accounts.models import Role
    from kvpt.core.testing.factories import grant

    ptkv = services.agency_create(
        code="PTKV-2",
        name="PTKV 2",
        kind=AgencyKind.REGIONAL_DEFENCE,
        area=world.district,
        covered_areas=[world.commune, world.sibling],
        actor=world.admin,
    )
    grant(world.erin, Role.ORG_ADMIN, area=world.district)
    services.agency_update(
        agency=ptkv, changes={"covered_areas": []}, expected_version=ptkv.version, actor=world.erin
    )
    assert list(ptkv.covered_areas.values_list("code", flat=True)) == ["386"]


def test_an_agency_cannot_move_into_another_branch(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.agency_update(
            agency=world.agency,
            changes={"area": world.sibling},
            expected_version=world.agency.version,
            actor=world.alice,
        )
    assert "area" in caught.value.message_dict
    world.agency.refresh_from_db()
    assert world.agency.area_id == world.district.pk


def test_an_agency_with_units_cannot_be_deleted(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    response = api_client_for(world.alice).delete(f"/api/v1/agencies/{world.agency.pk}")
    assert response.status_code == 422
    assert "Không thể xóa cơ quan" in response.json()["errors"][0]["message"]
    assert "đơn vị" in response.json()["errors"][0]["message"]


def test_positions_are_added_and_removed_inline_with_htmx(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    alice = client_for(world.alice)
    person = world.person
    response = alice.post(
        reverse("organisations:position_create", args=[person.pk]),
        {"title": "Chỉ huy trưởng", "agency": world.agency.pk, "order": 1, "start": "01/01/2021"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="positions"')
    assert "Chỉ huy trưởng" in html
    assert "Đã thêm chức vụ" in html
    position = Position.objects.get(person=person)
    assert position.history.get().history_user == world.alice
    refused = alice.post(
        reverse("organisations:position_create", args=[person.pk]),
        {"title": "", "agency": world.sibling_agency.pk},
        headers={"HX-Request": "true"},
    )
    assert refused.status_code == 200
    assert "errorlist" in refused.content.decode()
    removed = alice.post(
        reverse("organisations:position_delete", args=[person.pk, position.pk]),
        headers={"HX-Request": "true"},
    )
    assert removed.status_code == 200
    assert not Position.objects.filter(pk=position.pk).exists()
    bob = client_for(world.bob)
    assert (
        bob.post(
            reverse("organisations:position_create", args=[person.pk]),
            {"title": "X", "agency": world.agency.pk},
        ).status_code
        == 403
    )


def test_people_come_with_their_positions_in_the_api(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    api = api_client_for(world.alice)
    created = api.post(
        f"/api/v1/people/{world.person.pk}/positions",
        {"title": "Bí thư Huyện ủy", "agency_code": "BCHQS-388", "order": 0},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    person = api.get(f"/api/v1/people/{world.person.pk}").json()
    assert [(p["title"], p["agency_code"]) for p in person["positions"]] == [
        ("Bí thư Huyện ủy", "BCHQS-388")
    ]
    assert person["area_code"] == "388"
    outside = api.post(
        f"/api/v1/people/{world.person.pk}/positions",
        {"title": "X", "agency_code": "BCHQS-386"},
        content_type="application/json",
    )
    assert outside.status_code == 422
    position_id = created.json()["id"]
    gone = api.delete(f"/api/v1/people/{world.person.pk}/positions/{position_id}")
    assert gone.status_code == 204
    assert api.get(f"/api/v1/people/{world.person.pk}").json()["positions"] == []


def test_outputs_carry_ids_codes_version_and_classification(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    api = api_client_for(world.dave)
    unit = api.get(f"/api/v1/units/{world.unit.pk}").json()
    assert unit["agency_id"] == world.agency.pk
    assert unit["agency_code"] == "BCHQS-388"
    assert unit["version"] == 1
    assert unit["classification"] == 0
    agency = api.get(f"/api/v1/agencies/{world.agency.pk}").json()
    assert agency["area_code"] == "388"
    assert agency["kind"] == "military_command"
    area = api.get(f"/api/v1/areas/{world.commune.pk}").json()
    assert area["parent_code"] == "388"
    assert area["level_code"] == "xa"
    levels = api.get("/api/v1/area-levels").json()
    assert [lv["code"] for lv in levels["items"]] == ["tinh", "huyen", "xa"]


def test_a_full_put_of_her_own_district_round_trips_for_its_admin(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    api = api_client_for(world.alice)
    current = api.get(f"/api/v1/areas/{world.district.pk}").json()
    body = {
        k: current[k]
        for k in (
            "code",
            "name",
            "level_code",
            "parent_code",
            "valid_from",
            "valid_to",
            "require_two_factor",
            "note",
            "version",
        )
    }
    body["note"] = "Huyện miền núi biên giới"
    response = api.put(f"/api/v1/areas/{world.district.pk}", body, content_type="application/json")
    assert response.status_code == 200, response.json()
    assert response.json()["note"] == "Huyện miền núi biên giới"
    assert response.json()["parent_code"] == "38"


def test_the_openapi_document_builds_and_lists_the_directory(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/areas",
        "/api/v1/areas/{area_id}",
        "/api/v1/area-levels",
        "/api/v1/area-successions",
        "/api/v1/agencies",
        "/api/v1/units",
        "/api/v1/people",
        "/api/v1/people/{person_id}/positions",
    ):
        assert path in paths


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow_agencies(world: World, n: int) -> None:
    for agency in AgencyFactory.create_batch(n, area=world.district):
        UnitFactory(agency=agency)


def _grow_units(world: World, n: int) -> None:
    UnitFactory.create_batch(n, agency=world.agency)


def _grow_people(world: World, n: int) -> None:
    for person in PersonFactory.create_batch(n, area=world.district):
        Position.objects.create(person=person, agency=world.agency, title="Trợ lý")
        Position.objects.create(person=person, agency=world.agency, title="Ủy viên")


@pytest.mark.parametrize(
    ("page", "endpoint", "grow"),
    [
        ("organisations:agency_list", "/api/v1/agencies", _grow_agencies),
        ("organisations:unit_list", "/api/v1/units", _grow_units),
        ("organisations:person_list", "/api/v1/people", _grow_people),
    ],
    ids=["agencies", "units", "people"],
)
def test_list_pages_and_endpoints_cost_the_same_for_3_or_30_rows(
    world: World,
    client_for: Callable[[Any], Client],
    api_client_for: Callable[[Any], Client],
    page: str,
    endpoint: str,
    grow: Callable[[World, int], None],
) -> None:
    ui, api = client_for(world.alice), api_client_for(world.alice)
    api.get(endpoint)  # the token's first use is recorded once
    grow(world, 3)
    few = (_count(ui, reverse(page)), _count(api, endpoint))
    grow(world, 27)
    many = (_count(ui, reverse(page)), _count(api, endpoint))
    assert few == many


def test_detail_pages_cost_the_same_however_many_related_rows(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    alice = client_for(world.alice)
    _grow_people(world, 2)
    _grow_units(world, 2)
    agency_cost = _count(alice, world.agency.get_absolute_url())
    person = Person.objects.filter(positions__isnull=False).first()
    assert person is not None
    person_cost = _count(alice, person.get_absolute_url())
    _grow_people(world, 20)
    _grow_units(world, 20)
    Position.objects.create(person=person, agency=world.agency, title="Phó Chỉ huy trưởng")
    assert _count(alice, world.agency.get_absolute_url()) == agency_cost
    assert _count(alice, person.get_absolute_url()) == person_cost


def test_listing_classified_rows_logs_each_read_and_refreshes_the_marking_under_htmx(
    world: World, client_for: Callable[[Any], Client], api_client_for: Callable[[Any], Client]
) -> None:
    dave = client_for(world.dave)
    partial = dave.get(reverse("organisations:unit_list"), headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert 'id="marking-top" hx-swap-oob="true"' in html
    assert "TỐI MẬT" in html
    api_client_for(world.dave).get("/api/v1/units")
    logged = AccessLog.objects.filter(
        model="organisations.unit", object_id=str(world.secret_unit.pk)
    )
    assert sorted(logged.values_list("action", flat=True)) == ["api", "view"]
    # rows a reader may not see are neither shown nor logged
    client_for(world.bob).get(reverse("organisations:unit_list"))
    assert not AccessLog.objects.filter(user=world.bob).exists()
