"""The scenario API's lists at scale: paginated, and the same number of queries for a few rows
or many (injects, situations, the conduct log)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kvpt.core.testing.world import World
from kvpt.scenario.models import ConductLogEntry
from kvpt.scenario.tests.helpers import inject, situation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("what", ["injects", "situations", "log"])
def test_a_scenario_list_costs_the_same_queries_for_2_or_12_rows(
    world: World, api_client_for: Callable[[Any], Client], what: str
) -> None:
    api = api_client_for(world.alice)
    url = f"/api/v1/exercises/{world.exercise.pk}/{what}"

    def add(start: int, n: int) -> None:
        for serial in range(start, start + n):
            sit = situation(world, f"S{serial}")
            inject(world, serial, situation=sit, controller=world.person)
            ConductLogEntry.objects.create(exercise=world.exercise, text=f"ghi {serial}")

    def counted() -> tuple[int, dict[str, Any]]:
        with CaptureQueriesContext(connection) as ctx:
            response = api.get(url)
        assert response.status_code == 200, response.content
        return len(ctx.captured_queries), response.json()

    add(1, 2)
    counted()  # the first call of a client costs one more query (its key's last use)
    few, _body = counted()
    add(3, 10)
    many, body = counted()
    assert many == few
    assert body["count"] == 12
