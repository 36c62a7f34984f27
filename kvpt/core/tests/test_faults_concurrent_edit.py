"""Two people edit the same exercise, one in the form, one through the API: the second save is
refused with a clear Vietnamese message (409 on both sides), and nothing is lost - the first save
is stored, the second person's input is shown back to them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kvpt.core.testing.world import World
from kvpt.exercises.forms import ExerciseForm
from kvpt.exercises.models import Exercise

pytestmark = pytest.mark.django_db

STALE = "vừa được người khác sửa"


def _form_data(exercise: Exercise, **changes: Any) -> dict[str, Any]:
    """What the edit form posts: its initial values (as read when it was opened) and the edits."""
    data = {k: v for k, v in ExerciseForm.initial_from(exercise).items() if v is not None}
    data["version"] = exercise.version
    data.update(changes)
    return data


def test_the_form_saved_after_an_api_edit_is_refused_and_keeps_what_was_typed(
    world: World,
    client_for: Callable[[Any], Client],
    api_client_for: Callable[[Any], Client],
) -> None:
    exercise = Exercise.objects.get(pk=world.exercise.pk)
    page = client_for(world.alice)
    opened = page.get(reverse("exercises:edit", args=[exercise.pk]))
    assert opened.status_code == 200
    form = _form_data(exercise, name="Diễn tập KVPT huyện Lang Chánh (bản của Alice)")

    api = api_client_for(world.admin)
    first = api.patch(
        f"/api/v1/exercises/{exercise.pk}",
        {"version": exercise.version, "name": "Diễn tập KVPT (bản qua API)"},
        content_type="application/json",
    )
    assert first.status_code == 200, first.content

    second = page.post(reverse("exercises:edit", args=[exercise.pk]), form)

    assert second.status_code == 409
    body = second.content.decode()
    assert STALE in body
    assert "Diễn tập KVPT huyện Lang Chánh (bản của Alice)" in body  # her input, shown back
    exercise.refresh_from_db()
    assert exercise.name == "Diễn tập KVPT (bản qua API)"  # the first save stays


def test_the_api_edit_after_a_form_save_gets_409_and_the_form_save_stays(
    world: World,
    client_for: Callable[[Any], Client],
    api_client_for: Callable[[Any], Client],
) -> None:
    exercise = Exercise.objects.get(pk=world.exercise.pk)
    read = api_client_for(world.admin).get(f"/api/v1/exercises/{exercise.pk}").json()

    saved = client_for(world.alice).post(
        reverse("exercises:edit", args=[exercise.pk]),
        _form_data(exercise, name="Bản lưu từ biểu mẫu"),
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]

    stale = api_client_for(world.admin).patch(
        f"/api/v1/exercises/{exercise.pk}",
        {"version": read["version"], "name": "Bản gửi qua API"},
        content_type="application/json",
    )

    assert stale.status_code == 409
    assert stale.json()["code"] == "concurrent_edit"
    assert STALE in stale.json()["detail"]
    exercise.refresh_from_db()
    assert exercise.name == "Bản lưu từ biểu mẫu"
    assert exercise.version == read["version"] + 1


def test_two_forms_opened_together_the_second_save_is_refused(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    exercise = Exercise.objects.get(pk=world.exercise.pk)
    url = reverse("exercises:edit", args=[exercise.pk])
    alice, admin = client_for(world.alice), client_for(world.admin)
    first_form = _form_data(exercise, name="Bản của quản trị")
    second_form = _form_data(exercise, name="Bản của Alice")

    assert admin.post(url, first_form).status_code == 302
    refused = alice.post(url, second_form)

    assert refused.status_code == 409
    assert STALE in refused.content.decode()
    assert "Bản của Alice" in refused.content.decode()
    exercise.refresh_from_db()
    assert exercise.name == "Bản của quản trị"
