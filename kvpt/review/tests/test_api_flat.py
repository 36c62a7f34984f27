"""The review API's lists at scale: paginated, and the same number of queries for a few rows or
many (directives with their actions, observations, actions, conferences)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kvpt.core.testing.world import World
from kvpt.review.tests import helpers

pytestmark = pytest.mark.django_db


def _rows(world: World, conference: Any, n: int) -> None:
    for _i in range(n):
        directive = helpers.directive(world, conference=conference)
        helpers.action(world, directive=directive, responsible=world.person)
        helpers.action(world, directive=directive)
        helpers.observation(world, conference=conference, raised_by_person=world.person)


@pytest.mark.parametrize("what", ["directives", "observations", "actions", "conferences"])
def test_a_review_list_costs_the_same_queries_for_2_or_12_rows(
    world: World, api_client_for: Callable[[Any], Client], what: str
) -> None:
    api = api_client_for(world.alice)
    url = f"/api/v1/exercises/{world.exercise.pk}/{what}"
    conference = helpers.conference(world)

    def counted() -> tuple[int, dict[str, Any]]:
        with CaptureQueriesContext(connection) as ctx:
            response = api.get(url)
        assert response.status_code == 200, response.content
        return len(ctx.captured_queries), response.json()

    _rows(world, conference, 2)
    counted()  # the first call of a client costs one more query (its key's last use)
    few, _body = counted()
    _rows(world, conference, 10)
    many, body = counted()
    assert many == few
    assert {"items", "count", "page", "pages"} <= set(body)
    expected = {"directives": 12, "observations": 12, "actions": 24, "conferences": 1}[what]
    assert body["count"] == expected
