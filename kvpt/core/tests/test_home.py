"""The home page: what is in the user's scope, at a cost that does not grow with the data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kvpt.core.testing.factories import AgencyFactory, ExerciseFactory, UnitFactory
from kvpt.core.testing.world import World

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Any], Client]


def test_the_home_page_counts_only_what_is_in_scope(world: World, client_for: ClientFor) -> None:
    page = client_for(world.alice).get("/")
    assert page.status_code == 200
    summary = page.context["summary"]
    # Lang Chánh's two exercises (one Mật, within alice's clearance), not Bá Thước's.
    assert summary.exercises == 2
    assert summary.areas == 2
    assert [m.role for m in summary.memberships] == ["org_admin"]
    assert "DT-BT-2023" not in page.content.decode()


def test_the_home_page_costs_the_same_queries_with_ten_times_the_data(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.dave)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    before = queries()
    for n in range(10):
        agency = AgencyFactory.create(area=world.district)
        UnitFactory.create(agency=agency)
        ExerciseFactory.create(area=world.commune, level=world.commune.level, year=2020 + n)
    assert queries() == before
