"""Issue 3 acceptance: the API returns the demo exercise with its 7 subcommittees and the works the
seed report names, and a reader without clearance does not learn where the bunkers are."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from kvpt.accounts.models import User
from kvpt.demo.load import load_demo

pytestmark = pytest.mark.django_db

SEED_WORKS_NEW = {"Hầm họp", "Sa bàn Ban CHQS huyện", "Hầm Huyện ủy"}
SEED_WORKS_RENOVATED = {"Hầm họp UBND huyện", "Hầm Công an huyện", "Hầm Ban Chỉ đạo diễn tập tỉnh"}


@pytest.fixture
def demo_exercise_id() -> int:
    from kvpt.exercises.models import Exercise

    load_demo(io.StringIO())
    return Exercise.objects.get(code="DT-KVPT-2023").pk


def _items(client: Client, path: str, **params: str) -> list[dict[str, Any]]:
    data: dict[str, str | int] = {"limit": 200, **params}
    response = client.get(path, data)
    assert response.status_code == 200, response.content
    body = response.json()
    return body["items"] if isinstance(body, dict) else body


def test_the_api_returns_the_demo_exercise_with_7_subcommittees_and_the_seed_works(
    demo_exercise_id: int, api_client_for: Callable[[Any], Client]
) -> None:
    client = api_client_for(User.objects.get(username="thammuu"))
    exercises = _items(client, "/api/v1/exercises", q="DT-KVPT-2023")
    assert [e["code"] for e in exercises] == ["DT-KVPT-2023"]

    subcommittees = _items(
        client, f"/api/v1/exercises/{demo_exercise_id}/committees", kind="subcommittee"
    )
    assert len(subcommittees) == 7

    works = _items(client, f"/api/v1/exercises/{demo_exercise_id}/works")
    new = {w["name"] for w in works if w["construction"] == "new"}
    renovated = {w["name"] for w in works if w["construction"] == "renovated"}
    assert new >= SEED_WORKS_NEW
    assert renovated >= SEED_WORKS_RENOVATED
    assert any(w["kind"] == "road" and w["quantity_unit"] == "km" for w in works)


def test_the_observer_without_clearance_does_not_see_the_bunkers(
    demo_exercise_id: int, api_client_for: Callable[[Any], Client]
) -> None:
    client = api_client_for(User.objects.get(username="quansat"))
    names = {w["name"] for w in _items(client, f"/api/v1/exercises/{demo_exercise_id}/works")}
    assert "Sa bàn Ban CHQS huyện" in names
    assert not names & {"Hầm Huyện ủy", "Hầm họp UBND huyện"}


def test_the_other_district_does_not_see_the_demo_exercise(
    demo_exercise_id: int, api_client_for: Callable[[Any], Client]
) -> None:
    client = api_client_for(User.objects.get(username="bathuoc"))
    assert client.get(f"/api/v1/exercises/{demo_exercise_id}").status_code == 404
    assert client.get(f"/api/v1/exercises/{demo_exercise_id}/works").status_code == 404
