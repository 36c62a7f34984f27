"""Reads of exercises, limited to the reader's scope (area subtree or exercise grant) and clearance."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kvpt.core.scope import restrict
from kvpt.exercises.models import Exercise


def exercise_list(user: Any) -> QuerySet[Exercise]:
    return restrict(
        Exercise.objects.select_related("area", "level"),
        user,
        area_path="area__path",
        exercise="id",
    )
