"""The scenario API: scoped like the UI (404 outside, 403 without the role, 401 anonymous), the
same services behind it (status machine, clock, stale versions answered 409)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kvpt.core.models import Classification
from kvpt.core.testing.world import World
from kvpt.scenario.models import ConductLogEntry, Inject
from kvpt.scenario.tests.helpers import director, inject, riot, situation

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _base(world: World) -> str:
    return f"/api/v1/exercises/{world.exercise.pk}"


def test_an_editor_adds_a_situation_and_an_inject_then_a_director_runs_it(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    riot()
    alice = api_client_for(world.alice)
    made = alice.post(
        _base(world) + "/situations",
        {"code": "A2", "title": "Gây rối", "kind_code": "riot", "lead_agency_code": "BCHQS-388"},
        content_type=JSON,
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["kind_code"] == "riot"
    assert body["lead_agency_code"] == "BCHQS-388"
    item = alice.post(
        _base(world) + "/injects",
        {"content": "Công an xã báo cáo", "situation_code": "A2", "scenario_time": "n+1 8h30"},
        content_type=JSON,
    )
    assert item.status_code == 201, item.content
    assert item.json()["serial"] == 1
    assert item.json()["scenario_time"] == "N+1 08:30"
    assert item.json()["scenario_offset_minutes"] == 1950
    inject_id = item.json()["id"]
    boss = api_client_for(director(world))
    for to in ("approved", "delivered", "done"):
        moved = boss.post(
            f"{_base(world)}/injects/{inject_id}/transitions",
            {"to_status": to},
            content_type=JSON,
        )
        assert moved.status_code == 200, moved.content
        assert moved.json()["status"] == to
    assert moved.json()["delivered_at"] is not None
    moves = boss.get(f"{_base(world)}/injects/{inject_id}/transitions").json()
    assert [m["to_status"] for m in moves["items"]] == ["approved", "delivered", "done"]
    illegal = boss.post(
        f"{_base(world)}/injects/{inject_id}/transitions",
        {"to_status": "pending"},
        content_type=JSON,
    )
    assert illegal.status_code == 422


def test_an_observer_gets_403_and_the_outsider_404(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    item = inject(world, 1, status="approved")
    bob = api_client_for(world.bob)
    assert bob.get(_base(world) + "/injects").status_code == 200
    moved = bob.post(
        f"{_base(world)}/injects/{item.pk}/transitions",
        {"to_status": "delivered"},
        content_type=JSON,
    )
    assert moved.status_code == 403
    assert (
        bob.post(_base(world) + "/clock", {"action": "start"}, content_type=JSON).status_code == 403
    )
    assert bob.post(_base(world) + "/log", {"text": "x"}, content_type=JSON).status_code == 403
    charlie = api_client_for(world.charlie)
    for path in ("/injects", "/situations", "/clock", "/log", "/incidents"):
        assert charlie.get(_base(world) + path).status_code == 404, path
    assert Client().get(_base(world) + "/injects").status_code == 401


def test_a_stale_version_is_answered_409(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    item = inject(world, 1)
    alice = api_client_for(world.alice)
    url = f"{_base(world)}/injects/{item.pk}"
    assert alice.patch(url, {"version": 1, "content": "A"}, content_type=JSON).status_code == 200
    stale = alice.patch(url, {"version": 1, "content": "B"}, content_type=JSON)
    assert stale.status_code == 409
    boss = api_client_for(director(world))
    stale_move = boss.post(
        url + "/transitions", {"to_status": "approved", "version": 1}, content_type=JSON
    )
    assert stale_move.status_code == 409
    item.refresh_from_db()
    assert item.content == "A"


def test_the_clock_log_and_incidents_through_the_api(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    boss = api_client_for(director(world))
    later = inject(world, 1, scheduled_at=timezone.now() + dt.timedelta(minutes=30))
    before = later.scheduled_at
    assert boss.get(_base(world) + "/clock").json()["state"] == "stopped"
    assert (
        boss.post(_base(world) + "/clock", {"action": "start"}, content_type=JSON).json()["state"]
        == "running"
    )
    assert (
        boss.post(_base(world) + "/clock", {"action": "pause"}, content_type=JSON).status_code
        == 200
    )
    wrong = boss.post(_base(world) + "/clock", {"action": "pause"}, content_type=JSON)
    assert wrong.status_code == 422
    resumed = boss.post(_base(world) + "/clock", {"action": "resume"}, content_type=JSON)
    assert resumed.json()["state"] == "running"
    later.refresh_from_db()
    assert later.scheduled_at is not None
    assert before is not None
    assert later.scheduled_at >= before
    entry = boss.post(_base(world) + "/log", {"text": "Sở chỉ huy nhận lệnh"}, content_type=JSON)
    assert entry.status_code == 201
    log = boss.get(_base(world) + "/log").json()
    assert log["count"] >= 4  # start, pause, resume, the note
    incident = boss.post(
        _base(world) + "/incidents",
        {"category": "weapons", "description": "Mất 1 hộp tiếp đạn", "severity": "moderate"},
        content_type=JSON,
    )
    assert incident.status_code == 201, incident.content
    summary = boss.get(_base(world) + "/incidents/summary").json()
    assert summary == {"n": 1, "injured": 0, "killed": 0}
    assert ConductLogEntry.objects.filter(kind="safety").count() == 1


def test_a_secret_inject_does_not_exist_for_a_reader_below_it(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    hidden = inject(world, 1, classification=Classification.CONFIDENTIAL)
    bob = api_client_for(world.bob)
    assert bob.get(f"{_base(world)}/injects/{hidden.pk}").status_code == 404
    assert bob.get(_base(world) + "/injects").json()["count"] == 0
    assert api_client_for(world.alice).get(f"{_base(world)}/injects/{hidden.pk}").status_code == 200


def test_a_location_above_the_readers_clearance_is_null(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    made = situation(world, location="Hầm Đồi 425", location_classification=1)
    url = f"{_base(world)}/situations/{made.pk}"
    assert api_client_for(world.bob).get(url).json()["location"] is None
    assert api_client_for(world.alice).get(url).json()["location"] == "Hầm Đồi 425"


def test_the_inject_list_filters_by_status(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    inject(world, 1)
    inject(world, 2, status="approved")
    body = api_client_for(world.alice).get(_base(world) + "/injects?status=approved").json()
    assert [i["serial"] for i in body["items"]] == [2]
    assert Inject.objects.count() == 2
