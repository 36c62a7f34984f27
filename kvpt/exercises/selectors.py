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
        Exercise.objects.select_related("area", "level", "organisation", "directing_organisation"),
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


def exercise_structure(user: Any, exercise: Any) -> QuerySet[Any]:
    """The exercise's phases in order, each with its contents in order (two queries in all)."""
    from django.db.models import Prefetch

    from kvpt.exercises.models import Content

    return (
        phase_list(user)
        .filter(exercise=exercise)
        .order_by("order", "pk")
        .prefetch_related(Prefetch("contents", queryset=Content.objects.order_by("order", "pk")))
    )


def exercise_milestones(user: Any, exercise: Any) -> QuerySet[Any]:
    """The exercise's milestones by date (the calendar narrows them to a month)."""
    return milestone_list(user).filter(exercise=exercise).order_by("starts_on", "kind", "pk")


# --- committees (kvpt/exercises/committee_*.py) ------------------------------------------------


def committee_member_visible_list(user: Any) -> QuerySet[Any]:
    """Members the user may see (a person above the user's clearance is not shown), heads first."""
    from django.db.models import Case, IntegerField, Value, When

    from kvpt.core.scope import get_scope
    from kvpt.exercises.models import CommitteeRole

    rank = Case(
        *(When(role=role, then=Value(i)) for i, role in enumerate(CommitteeRole.values)),
        default=Value(len(CommitteeRole.values)),
        output_field=IntegerField(),
    )
    return (
        committee_member_list(user)
        .select_related("committee__exercise", "person")
        .filter(person__classification__lte=get_scope(user).clearance)
        .annotate(role_rank=rank)
        .order_by("committee__order", "committee_id", "role_rank", "order", "pk")
    )


def committee_with_members_list(user: Any, *, kind: str | None = None) -> QuerySet[Any]:
    """Committees with their visible members prefetched (heads first): two queries in all."""
    from django.db.models import Prefetch

    queryset = committee_list(user).prefetch_related(
        Prefetch("members", queryset=committee_member_visible_list(user), to_attr="seated")
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("exercise_id", "order", "pk")


def subcommittees_of(user: Any, exercise: Any) -> QuerySet[Any]:
    """The subcommittees of `exercise` on which the user's person sits ("Tiểu ban của tôi")."""
    from kvpt.exercises.models import CommitteeKind

    person_id = getattr(user, "person_id", None)
    queryset = committee_list(user).filter(
        exercise_id=getattr(exercise, "pk", exercise), kind=CommitteeKind.SUBCOMMITTEE
    )
    if not person_id:
        return queryset.none()
    return queryset.filter(members__person_id=person_id).distinct().order_by("order", "pk")


def committee_record_counts(
    committee_ids: list[int], *, clearance: int | None = None
) -> dict[int, dict[str, int]]:
    """Tasks (and those done), works, budget lines, documents naming each committee: one query.

    With `clearance`, records classified above it are not counted (they do not exist for the
    reader); without, all are (a delete must know of every reference).
    """
    from django.db.models import Count, OuterRef
    from django.db.models.functions import Coalesce

    from kvpt.exercises.models import Committee
    from kvpt.preparation.models import BudgetLine, Document, Task, Work

    def counted(model: Any, **extra: Any) -> Any:
        rows = model.objects.filter(subcommittee_id=OuterRef("pk"), **extra)
        if clearance is not None:
            rows = rows.filter(classification__lte=clearance)
        rows = rows.order_by().values("subcommittee_id").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(rows), 0)

    counts = {
        "tasks": counted(Task),
        "tasks_done": counted(Task, status="done"),
        "works": counted(Work),
        "budget_lines": counted(BudgetLine),
        "documents": counted(Document),
    }
    # Annotated as n_<name>: the plain names are the reverse relations of Committee.
    rows = (
        Committee.objects.filter(pk__in=committee_ids)
        .annotate(**{f"n_{name}": value for name, value in counts.items()})
        .values("pk", *(f"n_{name}" for name in counts))
    )
    return {row["pk"]: {name: row[f"n_{name}"] for name in counts} for row in rows}


def committee_person_choices(user: Any, exercise: Any) -> QuerySet[Any]:
    """People who may be seated on the exercise's committees by `user`: those of the directory
    the user sees, and those already seated on this exercise (visible on its committee page,
    so an exercise-only grant can seat them on another committee too)."""
    from kvpt.core.scope import get_scope
    from kvpt.organisations.models import Person
    from kvpt.organisations.selectors import person_list

    seated = Person.objects.filter(
        committee_seats__committee__exercise_id=getattr(exercise, "pk", exercise),
        classification__lte=get_scope(user).clearance,
    )
    return Person.objects.filter(
        Q(pk__in=person_list(user).values("pk")) | Q(pk__in=seated.values("pk"))
    ).select_related("area")
