"""Weapons accountability and the computed absolute safety of people and weapons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from kvpt.core.testing.world import World
from kvpt.forces import safety
from kvpt.forces.accountability import absolute_safety, accountability
from kvpt.forces.models import WeaponIssue
from kvpt.forces.services import weapon_issue_create, weapon_issue_update

pytestmark = pytest.mark.django_db

Clients = Callable[[Any], Client]


@pytest.fixture
def incidents_recorded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The incident log as the scenario app would give it: recorded, with these harmful ones."""
    harmful: list[str] = []
    monkeypatch.setattr(
        safety, "incident_status", lambda exercise_id: safety.IncidentStatus(True, harmful)
    )
    return harmful


def _issue(world: World, item: str, n: int, returned: int | None = None) -> WeaponIssue:
    return weapon_issue_create(
        exercise=world.exercise,
        unit=world.unit,
        item=item,
        quantity_issued=n,
        quantity_returned=n if returned is None else returned,
        actor=world.alice,
    )


def test_absolute_safety_flips_when_one_weapon_is_not_returned(
    world: World, incidents_recorded: list[str]
) -> None:
    _issue(world, "Súng AK", 110)
    grenades = _issue(world, "Lựu đạn tập", 220)
    assert absolute_safety(world.exercise.pk).value is True
    weapon_issue_update(
        issue=grenades,
        changes={"quantity_returned": 219},
        expected_version=grenades.version,
        actor=world.alice,
    )
    result = absolute_safety(world.exercise.pk)
    assert result.value is False
    assert "Còn 1 vũ khí, trang bị chưa thu hồi." in result.reasons


def test_a_recorded_injury_breaks_absolute_safety(
    world: World, incidents_recorded: list[str]
) -> None:
    _issue(world, "Súng AK", 10)
    incidents_recorded.append("Bị thương khi cơ động")
    assert absolute_safety(world.exercise.pk).value is False


def test_without_an_incident_log_safety_is_not_claimed(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        safety, "incident_status", lambda exercise_id: safety.IncidentStatus(recorded=False)
    )
    _issue(world, "Súng AK", 10)
    result = absolute_safety(world.exercise.pk)
    assert result.value is None
    assert any("chưa được ghi nhận" in r for r in result.reasons)


def test_no_weapons_records_means_undetermined(world: World, incidents_recorded: list[str]) -> None:
    assert absolute_safety(world.exercise.pk).value is None


def test_returned_lost_and_damaged_cannot_exceed_issued(world: World) -> None:
    with pytest.raises(ValidationError):
        weapon_issue_create(
            exercise=world.exercise,
            unit=world.unit,
            item="Súng AK",
            quantity_issued=2,
            quantity_returned=2,
            quantity_lost=1,
            actor=world.alice,
        )


def test_per_unit_and_item_totals(world: World) -> None:
    _issue(world, "Súng AK", 10, returned=8)
    _issue(world, "Súng AK", 5)
    result = accountability(world.alice, world.exercise.pk)
    assert result.items["Súng AK"].issued == 15
    assert result.total.outstanding == 2
    assert result.units[0].totals.outstanding == 2


def test_the_page_shows_the_computed_fact_and_its_reasons(
    world: World, client_for: Clients
) -> None:
    _issue(world, "Súng AK", 10, returned=9)
    url = reverse("forces:weapons", args=[world.exercise.pk])
    response = client_for(world.bob).get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-value="false"' in body
    assert "Còn 1 vũ khí" in body
    assert client_for(world.charlie).get(url).status_code == 404
    issue = WeaponIssue.objects.get()
    edit = reverse("forces:weapon_update", args=[issue.pk])
    assert client_for(world.bob).get(edit).status_code == 403
    assert client_for(world.alice).get(edit).status_code == 200


def test_the_api_reports_accountability_and_refuses_a_stale_return(
    world: World, api_client_for: Clients
) -> None:
    client = api_client_for(world.alice)
    base = f"/api/v1/exercises/{world.exercise.pk}"
    created = client.post(
        base + "/weapon-issues",
        {"unit_code": world.unit.code, "item": "Súng AK", "quantity_issued": 3},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    issue = created.json()
    assert issue["outstanding"] == 3
    ok = client.patch(
        base + f"/weapon-issues/{issue['id']}",
        {"version": issue["version"], "quantity_returned": 3},
        content_type="application/json",
    )
    assert ok.status_code == 200
    stale = client.patch(
        base + f"/weapon-issues/{issue['id']}",
        {"version": issue["version"], "quantity_lost": 1},
        content_type="application/json",
    )
    assert stale.status_code == 409
    summary = client.get(base + "/accountability").json()
    assert summary["total"]["outstanding"] == 0
    assert summary["safety"]["value"] in (None, True)
    assert api_client_for(world.charlie).get(base + "/accountability").status_code == 404
    assert Client().get(base + "/accountability").status_code == 401
    denied = api_client_for(world.bob).patch(
        base + f"/weapon-issues/{issue['id']}",
        {"version": issue["version"] + 1, "quantity_lost": 1},
        content_type="application/json",
    )
    assert denied.status_code == 403


def test_the_hook_reads_the_scenario_apps_incidents_when_it_is_there(world: World) -> None:
    from django.apps import apps

    status = safety.incident_status(world.exercise.pk)
    if not apps.is_installed("kvpt.scenario"):
        assert status.recorded is False
        return
    incident = apps.get_model("scenario", "SafetyIncident")
    assert status.recorded is True
    assert status.harmful == []
    incident._default_manager.create(
        exercise=world.exercise, category="property", description="Hỏng hàng rào"
    )
    assert safety.incident_status(world.exercise.pk).harmful == []
    incident._default_manager.create(
        exercise=world.exercise, category="people", injured_count=1, description="Trật chân"
    )
    assert len(safety.incident_status(world.exercise.pk).harmful) == 1
