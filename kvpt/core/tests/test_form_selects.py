"""The add / edit pages with long select boxes: their query count does not grow with the rows
offered (each list is read once, with the columns its labels need), and the labels are right."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kvpt.core.testing.factories import AgencyFactory, PersonFactory, UnitFactory
from kvpt.core.testing.world import World

pytestmark = pytest.mark.django_db


def _grow(world: World, n: int, start: int) -> dict[str, Any]:
    """`n` more people, agencies, units, tasks, budget lines, observations and injects."""
    from kvpt.preparation.models import BudgetLine, Task
    from kvpt.review.models import Observation
    from kvpt.scenario.models import Inject

    made: dict[str, Any] = {}
    exercise = world.exercise
    for i in range(start, start + n):
        made["person"] = PersonFactory.create(
            area=world.district, code=f"SEL-P{i:03d}", full_name=f"Đặng Thị Hòa {i}"
        )
        made["agency"] = AgencyFactory.create(
            area=world.district, code=f"SEL-A{i:03d}", name=f"Phòng Hậu cần <{i}>"
        )
        made["unit"] = UnitFactory.create(agency=world.agency, code=f"SEL-U{i:03d}")
        made["task"] = Task.objects.create(
            exercise=exercise, code=f"CV-{i:03d}", title=f"Việc “{i}” & khác", category="training"
        )
        made["line"] = BudgetLine.objects.create(
            exercise=exercise, code=f"KP-{i:03d}", description=f"Chi {i}", category="other"
        )
        made["observation"] = Observation.objects.create(
            exercise=exercise,
            code=f"NX-{i:03d}",
            kind="shortcoming",
            area="other",
            observation=f"Nhận xét {i}",
        )
        made["inject"] = Inject.objects.create(
            exercise=exercise, serial=100 + i, scenario_time=f"D+1 {i:02d}:00", content="Thử"
        )
    return made


def _pages(world: World, first: dict[str, Any]) -> dict[str, str]:
    from kvpt.review.models import Conference
    from kvpt.scenario.models import ConductLogEntry

    ex = {"exercise_pk": world.exercise.pk}
    observation = first["observation"]
    log = ConductLogEntry.objects.create(exercise=world.exercise, text="Ghi chép thử")
    Conference.objects.create(
        exercise=world.exercise, code="HN-1", title="Họp", held_on="2023-08-31"
    )
    return {
        "task new": reverse("preparation:task_create", kwargs=ex),
        "task edit": reverse("preparation:task_update", kwargs={"pk": first["task"].pk}),
        "work new": reverse("preparation:work_create", kwargs=ex),
        "action new": reverse("review:action_create", kwargs=ex),
        "observation edit": reverse("review:observation_edit", kwargs={**ex, "pk": observation.pk}),
        "conference new": reverse("review:conference_create", kwargs=ex),
        "inject new": reverse("scenario:inject_create", kwargs=ex),
        "log edit": reverse(
            "scenario:log_entry_update", kwargs={**ex, "conductlogentry_pk": log.pk}
        ),
        "award new": reverse("evaluation:award_create", kwargs=ex),
        "user edit": reverse("accounts:user_edit", kwargs={"pk": world.bob.pk}),
        "unit edit": reverse("organisations:unit_update", kwargs={"pk": world.unit.pk}),
        "exercise edit": reverse("exercises:edit", kwargs={"pk": world.exercise.pk}),
    }


def _measure(client: Client, urls: dict[str, str]) -> dict[str, tuple[int, str]]:
    out = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        out[name] = (len(queries), response.content.decode())
    return out


def test_the_long_selects_keep_the_query_count_flat_and_their_labels(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(world.admin)
    first = _grow(world, 2, 0)
    urls = _pages(world, first)
    client.get(urls["task new"])  # warm the session and caches
    small = _measure(client, urls)
    last = _grow(world, 25, 2)
    large = _measure(client, urls)

    counts = {name: (small[name][0], large[name][0]) for name in urls}
    assert all(a == b for a, b in counts.values()), counts
    task_new = large["task new"][1]
    person, agency, task = last["person"], last["agency"], last["task"]
    assert f'<option value="{person.pk}">Đặng Thị Hòa 26 (SEL-P026)</option>' in task_new
    assert f'<option value="{agency.pk}">Phòng Hậu cần &lt;26&gt; (SEL-A026)</option>' in task_new
    assert f'<option value="{task.pk}">CV-026 - Việc “26” &amp; khác</option>' in task_new
    action_new = large["action new"][1]
    assert f'<option value="{last["observation"].pk}">NX-026 - Nhận xét 26</option>' in action_new
    assert f'<option value="{person.pk}">Đặng Thị Hòa 26</option>' in action_new
    assert f'<option value="{last["inject"].pk}">#126 D+1 26:00</option>' in large["log edit"][1]
    assert f'<option value="{last["line"].pk}">KP-026 - Chi 26</option>' in large["work new"][1]
    unit = last["unit"]
    assert f'<option value="{unit.pk}">{unit.name}</option>' in large["award new"][1]
