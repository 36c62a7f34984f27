"""The history page: who changed what and when, never naming what the reader cannot see."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kvpt.core.services import save_versioned
from kvpt.core.testing.factories import AgencyFactory
from kvpt.core.testing.world import World
from kvpt.organisations.models import Unit

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Any], Client]


def history_page(client: Client, unit: Unit) -> str:
    response = client.get(f"/history/organisations.unit/{unit.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def edit(unit: Unit, actor: Any, **changes: Any) -> Unit:
    fresh = Unit.objects.get(pk=unit.pk)
    for name, value in changes.items():
        setattr(fresh, name, value)
    return save_versioned(fresh, expected_version=fresh.version, actor=actor)


def test_a_change_reads_as_who_what_and_related_names(world: World, client_for: ClientFor) -> None:
    police = AgencyFactory.create(
        code="CA-388", name="Công an huyện Lang Chánh", area=world.district
    )
    world.alice.first_name, world.alice.last_name = "Nguyễn Thị Hoa", ""
    world.alice.save()
    edit(world.unit, world.alice, name="Đại đội 1 DBĐV huyện", strength=110, agency=police)

    page = history_page(client_for(world.dave), world.unit)

    assert "Nguyễn Thị Hoa" in page
    assert "Đại đội 1 bộ binh DBĐV</del> → <ins>Đại đội 1 DBĐV huyện" in page
    assert "Ban CHQS huyện Lang Chánh</del> → <ins>Công an huyện Lang Chánh" in page
    assert "phiên bản" not in page.lower()  # bookkeeping is not a change a reader cares about


def test_a_related_record_the_reader_cannot_see_is_shown_by_number(
    world: World, client_for: ClientFor
) -> None:
    unit = Unit.objects.create(
        code="U-MOVE", name="Trung đội cơ động", kind="militia", agency=world.sibling_agency
    )
    edit(unit, world.admin, agency=world.agency)

    page = history_page(client_for(world.alice), unit)

    assert world.sibling_agency.name not in page
    assert f"#{world.sibling_agency.pk}</del>" in page


def test_the_page_costs_the_same_queries_for_few_or_many_changes(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.dave)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            history_page(client, world.unit)
        return len(queries)

    edit(world.unit, world.alice, strength=100)
    few = count_queries()
    for strength in range(101, 121):
        edit(world.unit, world.alice, strength=strength)
    assert count_queries() == few
