"""Reads about users and their grants, always through the reader's scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from kvpt.accounts.models import Membership
from kvpt.core.scope import restrict


def membership_list(user: Any) -> QuerySet[Membership]:
    """Memberships on areas or exercises the user can see (admins manage them there)."""
    from django.db.models import Q

    qs = Membership.objects.select_related("user", "area", "exercise", "exercise__area")
    area_side = restrict(
        qs.filter(area__isnull=False), user, area_path="area__path", classification=None
    )
    exercise_side = restrict(
        qs.filter(exercise__isnull=False),
        user,
        area_path="exercise__area__path",
        exercise="exercise_id",
        classification="exercise__classification",
    )
    return qs.filter(Q(pk__in=area_side.values("pk")) | Q(pk__in=exercise_side.values("pk")))


@dataclass
class HomeSummary:
    exercises: int = 0
    areas: int = 0
    agencies: int = 0
    units: int = 0
    memberships: list[Membership] = field(default_factory=list)
    recent_exercises: list[Any] = field(default_factory=list)


def home_summary(user: Any) -> HomeSummary:
    from kvpt.exercises.selectors import exercise_list
    from kvpt.organisations.selectors import agency_list, area_list, unit_list

    exercises = exercise_list(user)
    return HomeSummary(
        exercises=exercises.count(),
        areas=area_list(user).count(),
        agencies=agency_list(user).count(),
        units=unit_list(user).count(),
        memberships=list(
            Membership.objects.filter(user=user).select_related("area", "exercise")
        ),
        recent_exercises=list(exercises.order_by("-year", "code")[:5]),
    )
