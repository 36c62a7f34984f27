"""While an exercise is conducting, every page about it says "DIỄN TẬP" (never taken for real)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kvpt.core.testing.world import World
from kvpt.exercises.models import Exercise

pytestmark = pytest.mark.django_db

PAGES = ("exercises:detail", "exercises:structure", "preparation:readiness")


def _visit(client: Client, name: str, exercise: Exercise) -> str:
    response = client.get(reverse(name, args=[exercise.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_pages_of_a_conducting_exercise_carry_the_exercise_marking(
    world: World, client_for: Callable[[Any], Client], name: str
) -> None:
    Exercise.objects.filter(pk=world.exercise.pk).update(status="conducting")
    html = _visit(client_for(world.alice), name, world.exercise)
    assert html.count('data-testid="exercise-marking"') == 1
    assert "DIỄN TẬP" in html


@pytest.mark.parametrize("name", PAGES)
def test_pages_of_an_exercise_in_preparation_do_not(
    world: World, client_for: Callable[[Any], Client], name: str
) -> None:
    Exercise.objects.filter(pk=world.exercise.pk).update(status="preparing")
    html = _visit(client_for(world.alice), name, world.exercise)
    assert 'data-testid="exercise-marking"' not in html
