"""The shared page and API flow (kvpt.core.crud, api_crud, writes, filters), where no app test
already pins it down: delete confirmation, invalid input, buttons by role, loops, bad filters.

A unit of the test world stands in for "any record": the flow is the same for every kind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from kvpt.core.crud import apply_service_errors
from kvpt.core.filters import with_id
from kvpt.core.services import save_versioned
from kvpt.core.testing.world import World
from kvpt.organisations import services
from kvpt.organisations.models import Unit

pytestmark = pytest.mark.django_db


def _changed_meanwhile(unit: Unit, world: World) -> None:
    other = Unit.objects.get(pk=unit.pk)
    other.size_label = "đã sửa"
    save_versioned(other, expected_version=other.version, actor=world.admin)


def test_a_delete_confirmed_on_a_stale_page_is_refused_with_409_and_nothing_is_deleted(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    url = reverse("organisations:unit_delete", args=[world.unit.pk])
    alice = client_for(world.alice)
    assert f'value="{world.unit.version}"' in alice.get(url).content.decode()
    _changed_meanwhile(world.unit, world)
    response = alice.post(url, {"version": world.unit.version})
    assert response.status_code == 409
    assert "vừa được người khác sửa" in response.content.decode()
    assert Unit.objects.filter(pk=world.unit.pk).exists()


def test_a_confirmed_delete_redirects_to_the_list_says_so_and_records_the_actor(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    alice = client_for(world.alice)
    response = alice.post(
        reverse("organisations:unit_delete", args=[world.unit.pk]), {"version": 1}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:unit_list")
    assert "Đã xóa đơn vị" in alice.get(response["Location"]).content.decode()
    assert not Unit.objects.filter(pk=world.unit.pk).exists()
    assert Unit.history.filter(id=world.unit.pk).latest("history_date").history_user == world.alice


def test_an_invalid_form_is_422_and_keeps_what_was_typed(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    response = client_for(world.alice).post(
        reverse("organisations:unit_create"),
        {"code": "DV-THIEU-TEN", "kind": "other", "agency": world.agency.pk, "classification": 0},
    )
    assert response.status_code == 422
    assert 'value="DV-THIEU-TEN"' in response.content.decode()
    assert "Chưa lưu: 1 ô cần sửa" in response.content.decode()
    assert not Unit.objects.filter(code="DV-THIEU-TEN").exists()


def test_edit_and_delete_buttons_show_only_to_those_who_may_use_them(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    detail = reverse("organisations:unit_detail", args=[world.unit.pk])
    edit = reverse("organisations:unit_update", args=[world.unit.pk])
    delete = reverse("organisations:unit_delete", args=[world.unit.pk])
    history = reverse("core:history", args=["organisations.unit", world.unit.pk])
    owner_page = client_for(world.alice).get(detail).content.decode()
    assert edit in owner_page
    assert delete in owner_page
    assert history in owner_page
    reader_page = client_for(world.bob).get(detail).content.decode()
    assert edit not in reader_page
    assert delete not in reader_page
    assert history in reader_page


def test_a_stale_delete_through_the_api_is_a_409_and_the_record_stays(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    _changed_meanwhile(world.unit, world)
    response = api_client_for(world.alice).delete(
        f"/api/v1/units/{world.unit.pk}?version={world.unit.version}"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "concurrent_edit"
    assert Unit.objects.filter(pk=world.unit.pk).exists()


def test_a_unit_cannot_be_placed_under_its_own_subordinate(world: World) -> None:
    child = services.unit_create(
        code="DV-CON",
        name="Trung đội con",
        kind="other",
        agency=world.agency,
        parent=world.unit,
        actor=world.alice,
    )
    with pytest.raises(ValidationError) as caught:
        services.unit_update(
            unit=world.unit,
            changes={"parent": child},
            expected_version=world.unit.version,
            actor=world.alice,
        )
    assert "parent" in caught.value.message_dict
    world.unit.refresh_from_db()
    assert world.unit.parent_id is None


def test_a_service_error_on_a_field_the_form_does_not_show_goes_above_the_form() -> None:
    class NameForm(forms.Form):
        name = forms.CharField()

    form = NameForm({"name": "x"})
    assert form.is_valid()
    apply_service_errors(form, ValidationError({"name": "tên trùng", "code": "mã trùng"}))
    assert form.errors["name"] == ["tên trùng"]
    assert form.non_field_errors() == ["mã trùng"]


def test_a_filter_id_that_is_not_a_number_gives_an_empty_list_not_an_error(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    assert not with_id(Unit.objects.all(), "agency_id", "abc").exists()
    assert with_id(Unit.objects.all(), "agency_id", "").count() == Unit.objects.count()
    page = client_for(world.alice).get(reverse("organisations:unit_list"), {"agency": "abc"})
    assert page.status_code == 200
    assert world.unit.name not in page.content.decode()
