"""Reads of exercises, limited to the reader's scope (area subtree, exercise grant), clearance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, Subquery

from kvpt.core.scope import restrict
from kvpt.core.text import fold
from kvpt.exercises.models import Exercise


def exercise_list(user: Any) -> QuerySet[Exercise]:
    return restrict(
        Exercise.objects.select_related("area", "level"),
        user,
        area_path="area__path",
        exercise="id",
    )


@dataclass(frozen=True)
class ExerciseFilters:
    """What a reader can narrow the list by; every field is optional."""

    year: int | None = None
    status: str | None = None
    area: int | None = None  # an area id: the exercises of its whole subtree
    q: str | None = None  # words of the code or name, accents and case ignored


def exercise_search(user: Any, filters: ExerciseFilters) -> QuerySet[Exercise]:
    """The user's exercises narrowed by `filters` (an area the user cannot see matches nothing)."""
    qs = exercise_list(user)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.area:
        from kvpt.organisations.models import Area

        # A subquery, not a lookup first: one query, and an unknown id simply matches nothing.
        path = Area.objects.filter(pk=filters.area).values("path")[:1]
        qs = qs.filter(area__path__startswith=Subquery(path))
    for word in fold(filters.q).split():
        qs = qs.filter(search_text__contains=word)
    return qs


def exercise_filter_areas(user: Any) -> QuerySet[Any]:
    """Areas offered by the list's area filter: those the user sees and those of their exercises."""
    from kvpt.organisations.models import Area
    from kvpt.organisations.selectors import area_list

    return (
        Area.objects.filter(
            Q(pk__in=area_list(user).values("pk")) | Q(pk__in=exercise_list(user).values("area_id"))
        )
        .select_related("level")
        .order_by("path")
    )


def exercise_years(user: Any) -> list[int]:
    return list(exercise_list(user).order_by("-year").values_list("year", flat=True).distinct())


def restrict_to_exercises(
    queryset: QuerySet[Any], user: Any, *, via: str = "exercise"
) -> QuerySet[Any]:
    """Limit records of exercises to those whose exercise the user sees (scope and clearance).

    `via` is the lookup from the record to its exercise ("exercise", "phase__exercise" ...).
    Records with their own classification are further limited by the caller.
    """
    return restrict(
        queryset,
        user,
        area_path=f"{via}__area__path",
        exercise=f"{via}__id",
        classification=f"{via}__classification",
    )


def phase_list(user: Any) -> QuerySet[Any]:
    from kvpt.exercises.models import Phase

    return restrict_to_exercises(Phase.objects.select_related("exercise"), user)


def content_list(user: Any) -> QuerySet[Any]:
    from kvpt.exercises.models import Content

    return restrict_to_exercises(
        Content.objects.select_related("phase", "phase__exercise"), user, via="phase__exercise"
    )


def milestone_list(user: Any) -> QuerySet[Any]:
    from kvpt.exercises.models import Milestone

    return restrict_to_exercises(Milestone.objects.select_related("exercise"), user)


def committee_list(user: Any) -> QuerySet[Any]:
    from kvpt.exercises.models import Committee

    return restrict_to_exercises(Committee.objects.select_related("exercise"), user)


def committee_member_list(user: Any) -> QuerySet[Any]:
    from kvpt.exercises.models import CommitteeMember

    return restrict_to_exercises(
        CommitteeMember.objects.select_related("committee", "person"),
        user,
        via="committee__exercise",
    )
