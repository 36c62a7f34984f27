"""The area tree: moves, cycles, codes, deletion, successions, search and list costs."""

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

from kvpt.core.testing.factories import AreaFactory, AreaLevelFactory
from kvpt.core.testing.world import World
from kvpt.organisations import services
from kvpt.organisations.models import Area, AreaLevel, AreaSuccession

pytestmark = pytest.mark.django_db


def level(code: str) -> AreaLevel:
    return AreaLevel.objects.get(code=code)


def test_moving_an_area_rewrites_the_paths_of_its_whole_subtree(world: World) -> None:
    hamlet_level = AreaLevelFactory(code="thon", name="Thôn", rank=4)
    hamlet = AreaFactory.create(
        code="TN-01", name="Bản Sạy", level=hamlet_level, parent=world.commune
    )
    services.area_update(
        area=world.commune,
        changes={"parent": world.sibling},
        expected_version=world.commune.version,
        actor=world.admin,
    )
    world.commune.refresh_from_db()
    hamlet.refresh_from_db()
    assert world.commune.path == f"{world.sibling.path}{world.commune.pk}/"
    assert hamlet.path == f"{world.commune.path}{hamlet.pk}/"
    assert hamlet.depth == 3
    # the move changes who sees it: alice (Lang Chánh) no longer, charlie (Bá Thước) now.
    from kvpt.organisations.selectors import area_list

    assert not area_list(world.alice).filter(pk=hamlet.pk).exists()
    assert area_list(world.charlie).filter(pk=hamlet.pk).exists()


def test_an_org_admin_cannot_move_an_area_into_another_branch(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.area_update(
            area=world.commune,
            changes={"parent": world.sibling},
            expected_version=world.commune.version,
            actor=world.alice,
        )
    assert "parent" in caught.value.message_dict
    world.commune.refresh_from_db()
    assert world.commune.parent_id == world.district.pk


def test_a_reader_of_the_whole_province_still_cannot_move_areas(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.area_update(
            area=world.commune,
            changes={"parent": world.province},
            expected_version=world.commune.version,
            actor=world.dave,
        )
    world.commune.refresh_from_db()
    assert world.commune.parent_id == world.district.pk


def test_the_move_form_offers_only_areas_the_user_manages(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    page = client_for(world.alice).get(
        reverse("organisations:area_update", args=[world.commune.pk])
    )
    html = page.content.decode()
    assert f'value="{world.district.pk}"' in html
    assert "Bá Thước" not in html
    assert "Nghệ An" not in html


def test_an_area_cannot_be_put_under_its_own_descendant(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.area_update(
            area=world.district,
            changes={"parent": world.commune},
            expected_version=world.district.version,
            actor=world.admin,
        )
    assert "parent" in caught.value.message_dict
    world.district.refresh_from_db()
    assert world.district.parent_id == world.province.pk


def test_a_lower_level_cannot_hold_a_higher_one(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.area_create(
            code="999",
            name="Huyện lạ",
            level=level("huyen"),
            parent=world.commune,
            actor=world.alice,
        )
    assert "level" in caught.value.message_dict


def test_a_duplicate_code_is_refused_with_a_message_naming_the_code(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    response = client_for(world.alice).post(
        reverse("organisations:area_create"),
        {
            "code": "15010",
            "name": "Trí Nang mới",
            "level": level("xa").pk,
            "parent": world.district.pk,
        },
    )
    assert response.status_code == 422
    assert "Mã “15010” đã được dùng" in response.content.decode()
    assert Area.objects.filter(code="15010").count() == 1


def test_only_a_system_admin_creates_a_top_level_area(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.area_create(code="26", name="Sơn La", level=level("tinh"), actor=world.alice)
    created = services.area_create(code="26", name="Sơn La", level=level("tinh"), actor=world.admin)
    assert created.path == f"/{created.pk}/"


def test_deleting_an_area_still_referenced_is_refused_with_a_clear_message(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    alice = client_for(world.alice)
    url = reverse("organisations:area_delete", args=[world.commune.pk])
    assert alice.get(url).status_code == 200
    # Lang Chánh's commune is empty, but the district holds an agency, people and a commune.
    response = alice.post(reverse("organisations:area_delete", args=[world.district.pk]))
    assert response.status_code == 422
    assert "Không thể xóa địa bàn “Lang Chánh”" in response.content.decode()
    assert Area.objects.filter(pk=world.district.pk).exists()
    response = alice.post(url, {"version": world.commune.version})
    assert response.status_code == 302
    assert not Area.objects.filter(pk=world.commune.pk).exists()
    assert world.commune.history.filter(history_type="-").get().history_user == world.alice


def test_deleting_a_referenced_area_through_the_api_is_a_422_with_the_reason(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    response = api_client_for(world.admin).delete(f"/api/v1/areas/{world.agency.area_id}")
    assert response.status_code == 422
    assert (
        "đang được dùng" in response.json()["errors"][0]["message"]
        or "phân quyền" in (response.json()["errors"][0]["message"])
    )


def test_succession_links_are_shown_on_both_areas(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    new_commune = services.area_create(
        code="15011",
        name="Xã Tam Văn (mới)",
        level=level("xa"),
        parent=world.district,
        valid_from=dt.date(2025, 7, 1),
        actor=world.alice,
    )
    services.area_update(
        area=world.commune,
        changes={"valid_to": dt.date(2025, 6, 30)},
        expected_version=world.commune.version,
        actor=world.alice,
    )
    alice = client_for(world.alice)
    response = alice.post(
        reverse("organisations:area_succession_create", args=[new_commune.pk]) + "?as=successor",
        {
            "predecessor": world.commune.pk,
            "successor": new_commune.pk,
            "effective_on": "01/07/2025",
            "note": "Sáp nhập",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    link = AreaSuccession.objects.get()
    assert link.effective_on == dt.date(2025, 7, 1)
    new_page = alice.get(new_commune.get_absolute_url()).content.decode()
    assert "Kế thừa từ" in new_page
    assert world.commune.get_absolute_url() in new_page
    assert "01/07/2025" in new_page
    old_page = alice.get(world.commune.get_absolute_url()).content.decode()
    assert "Chuyển thành" in old_page
    assert new_commune.get_absolute_url() in old_page
    assert "hết hiệu lực" in old_page
    # the historical filter finds the old commune, the current one the new
    historical = alice.get(reverse("organisations:area_list") + "?state=historical")
    assert "Trí Nang" in historical.content.decode()
    assert "Tam Văn" not in historical.content.decode()


def test_a_succession_link_cannot_be_duplicated_or_reversed(world: World) -> None:
    services.area_succession_add(
        predecessor=world.commune,
        successor=world.district,
        effective_on=dt.date(2025, 7, 1),
        actor=world.alice,
    )
    for pred, succ in ((world.commune, world.district), (world.district, world.commune)):
        with pytest.raises(ValidationError):
            services.area_succession_add(
                predecessor=pred,
                successor=succ,
                effective_on=dt.date(2025, 7, 1),
                actor=world.alice,
            )


def test_successions_through_the_api_use_codes_and_hide_other_branches(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    api = api_client_for(world.alice)
    created = api.post(
        "/api/v1/area-successions",
        {"predecessor_code": "15010", "successor_code": "388", "effective_on": "2025-07-01"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["predecessor_code"] == "15010"
    listed = api.get(f"/api/v1/area-successions?area={world.district.pk}").json()
    assert [i["successor_code"] for i in listed["items"]] == ["388"]
    assert api_client_for(world.charlie).get("/api/v1/area-successions").json()["count"] == 0
    refused = api_client_for(world.charlie).post(
        "/api/v1/area-successions",
        {"predecessor_code": "15010", "successor_code": "386", "effective_on": "2025-07-01"},
        content_type="application/json",
    )
    assert refused.status_code == 422
    link_id = created.json()["id"]
    assert (
        api_client_for(world.bob).delete(f"/api/v1/area-successions/{link_id}").status_code == 403
    )
    assert api.delete(f"/api/v1/area-successions/{link_id}").status_code == 204
    assert not AreaSuccession.objects.exists()


def test_area_search_ignores_accents_and_the_letter_d(
    world: World, client_for: Callable[[Any], Client], api_client_for: Callable[[Any], Client]
) -> None:
    html = client_for(world.dave).get(reverse("organisations:area_list") + "?q=tri nang")
    assert "Trí Nang" in html.content.decode()
    assert "Bá Thước" not in html.content.decode()
    found = api_client_for(world.dave).get("/api/v1/areas?q=LANG CHANH").json()
    assert [a["code"] for a in found["items"]] == ["388"]


def test_the_area_list_is_a_tree_indented_by_depth(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    html = client_for(world.dave).get(reverse("organisations:area_list")).content.decode()
    assert html.index("Thanh Hóa") < html.index("Lang Chánh") < html.index("Trí Nang")
    assert "width:2em" in html  # the commune sits two levels below the province


def test_htmx_filtering_returns_only_the_table(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    response = client_for(world.dave).get(
        reverse("organisations:area_list") + "?level=xa", headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert "Trí Nang" in html
    assert "Lang Chánh" not in html


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_area_list_page_and_endpoint_cost_the_same_for_3_or_30_areas(
    world: World, client_for: Callable[[Any], Client], api_client_for: Callable[[Any], Client]
) -> None:
    page, api = client_for(world.alice), api_client_for(world.alice)
    api.get("/api/v1/areas")  # the token's first use is recorded once; not part of the list cost
    AreaFactory.create_batch(3, level=level("xa"), parent=world.district)
    few = (_count(page, reverse("organisations:area_list")), _count(api, "/api/v1/areas"))
    AreaFactory.create_batch(27, level=level("xa"), parent=world.district)
    many = (_count(page, reverse("organisations:area_list")), _count(api, "/api/v1/areas"))
    assert few == many
    detail = _count(page, world.district.get_absolute_url())
    AreaFactory.create_batch(10, level=level("xa"), parent=world.district)
    assert _count(page, world.district.get_absolute_url()) == detail


def test_a_person_is_named_by_the_titles_held_on_the_day(world: World) -> None:
    from kvpt.organisations.models import Position

    Position.objects.create(
        person=world.person,
        agency=world.agency,
        title="Bí thư Huyện ủy",
        start=dt.date(2020, 10, 1),
        end=dt.date(2025, 6, 30),
    )
    Position.objects.create(
        person=world.person,
        agency=world.agency,
        title="Chủ tịch HĐND huyện",
        order=1,
        start=dt.date(2021, 6, 1),
        end=dt.date(2025, 6, 30),
    )
    Position.objects.create(
        person=world.person,
        agency=world.agency,
        title="Bí thư Đảng ủy xã",
        order=2,
        start=dt.date(2025, 7, 1),
    )
    on_conference_day = world.person.positions_label_on(dt.date(2023, 8, 31))
    assert on_conference_day == "Bí thư Huyện ủy, Chủ tịch HĐND huyện"
    assert world.person.positions_label_on(dt.date(2026, 1, 1)) == "Bí thư Đảng ủy xã"
