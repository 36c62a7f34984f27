"""The readiness dashboard: figures from the records, flat in queries, scoped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kvpt.core.testing.world import World
from kvpt.exercises.models import Committee, CommitteeMember, Phase
from kvpt.preparation.models import BudgetLine, Document, DocumentKind, Task, Work
from kvpt.preparation.selectors.readiness import exercise_readiness

pytestmark = pytest.mark.django_db

TODAY = dt.date(2023, 8, 1)


def _subcommittee(world: World, code: str) -> Committee:
    return Committee.objects.create(
        exercise=world.exercise, kind="subcommittee", code=code, name=f"Tiểu ban {code}"
    )


def _tasks(world: World, committee: Committee, n: int, *, done: int, late: int) -> None:
    rows = []
    for i in range(n):
        status = "done" if i < done else "in_progress"
        due = TODAY - dt.timedelta(days=3) if done <= i < done + late else TODAY + dt.timedelta(10)
        rows.append(
            Task(
                exercise=world.exercise,
                subcommittee=committee,
                code=f"{committee.code}-{i}",
                title=f"Việc {i}",
                category="training",
                status=status,
                due=due,
            )
        )
    Task.objects.bulk_create(rows)


def _fill(world: World, scale: int) -> None:
    a, b = _subcommittee(world, f"A{scale}"), _subcommittee(world, f"B{scale}")
    _tasks(world, a, 4 * scale, done=2 * scale, late=scale)
    _tasks(world, b, 2 * scale, done=2 * scale, late=0)
    kind, _ = DocumentKind.objects.get_or_create(code="KH-DT", defaults={"name": "Kế hoạch"})
    Document.objects.bulk_create(
        Document(
            exercise=world.exercise,
            code=f"VK{scale}-{i}",
            title="Kế hoạch",
            kind=kind,
            status="approved" if i % 2 else "draft",
        )
        for i in range(2 * scale)
    )
    Work.objects.bulk_create(
        Work(
            exercise=world.exercise,
            code=f"CT{scale}-{i}",
            name="Hầm",
            kind="bunker",
            construction="new",
            status="done" if i % 2 else "building",
        )
        for i in range(2 * scale)
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(
            exercise=world.exercise,
            code=f"KP{scale}-{i}",
            description="Chi",
            category="works",
            source="district",
            estimate=1_000_000,
            actual=800_000,
            additional=200_000,
            settled_amount=500_000 if i % 2 else 0,
        )
        for i in range(2 * scale)
    )


def test_it_counts_done_overdue_and_settled_from_the_records(world: World) -> None:
    _fill(world, 1)
    r = exercise_readiness(world.alice, world.exercise, today=TODAY)
    assert (r.tasks_total, r.tasks_done, r.tasks_overdue) == (6, 4, 1)
    assert [(s.name, s.done, s.total, s.overdue) for s in r.subcommittees] == [
        ("Tiểu ban A1", 2, 4, 1),
        ("Tiểu ban B1", 2, 2, 0),
    ]
    assert (r.works_done, r.works_total) == (1, 2)
    assert (r.documents_approved, r.documents_total) == (1, 2)
    assert (r.budget_estimate, r.budget_spent, r.budget_settled) == (2_000_000, 2_000_000, 500_000)
    assert r.budget_settled_percent == 25
    labels = [item.label for item in r.open_items]
    # No phase and no head of the steering committee yet: both block the exercise.
    assert "Chưa có giai đoạn" in labels
    assert "Chưa có Trưởng Ban Chỉ đạo" in labels
    assert "A1-2 - Việc 2" in labels
    assert "1 công trình chưa hoàn thành" in labels


def test_prerequisites_disappear_once_phases_and_a_steering_head_exist(world: World) -> None:
    Phase.objects.create(exercise=world.exercise, order=1, name="Giai đoạn 1")
    steering = Committee.objects.create(
        exercise=world.exercise, kind="steering", code="BCD", name="Ban Chỉ đạo"
    )
    CommitteeMember.objects.create(committee=steering, person=world.person, role="head")
    r = exercise_readiness(world.alice, world.exercise, today=TODAY)
    assert r.open_items == []
    assert r.open_items_total == 0


def test_a_record_above_the_readers_clearance_is_not_counted(world: World) -> None:
    _fill(world, 1)
    Work.objects.filter(code="CT1-0").update(classification=1)
    assert exercise_readiness(world.alice, world.exercise, today=TODAY).works_total == 2
    # bob (observer, unclassified clearance) does not know the classified work exists.
    assert exercise_readiness(world.bob, world.exercise, today=TODAY).works_total == 1


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_dashboard_query_count_does_not_grow_with_rows(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(world.alice)
    url = reverse("preparation:readiness", args=[world.exercise.pk])
    _fill(world, 1)
    small = _count_queries(client, url)
    _fill(world, 20)
    large = _count_queries(client, url)
    assert large == small


def test_the_page_shows_the_figures(world: World, client_for: Callable[[Any], Client]) -> None:
    _fill(world, 1)
    world.exercise.start_date = timezone.localdate() + dt.timedelta(days=30)
    world.exercise.save()
    response = client_for(world.bob).get(reverse("preparation:readiness", args=[world.exercise.pk]))
    text = response.content.decode()
    assert "còn 30 ngày đến ngày thực hành" in text
    assert "Tiểu ban A1" in text
    assert "4/6" in text


def test_outsider_gets_404_and_anonymous_goes_to_login(
    world: World, client_for: Callable[[Any], Client], api_client_for: Callable[[Any], Client]
) -> None:
    url = reverse("preparation:readiness", args=[world.exercise.pk])
    assert client_for(world.charlie).get(url).status_code == 404
    response = Client().get(url)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    api = f"/api/v1/exercises/{world.exercise.pk}/readiness"
    assert api_client_for(world.charlie).get(api).status_code == 404
    assert Client().get(api).status_code == 401


def test_the_api_gives_the_same_figures(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    _fill(world, 1)
    body = api_client_for(world.alice).get(f"/api/v1/exercises/{world.exercise.pk}/readiness")
    assert body.status_code == 200
    data = body.json()
    assert (data["tasks_total"], data["tasks_done"]) == (6, 4)
    assert data["works_by_status"] == {"building": 1, "done": 1}
    assert data["revision"] == world.exercise.revision
