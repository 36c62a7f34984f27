"""Reads of the scenario and its conduct, limited to the reader's scope and clearance.

Records of an exercise the reader may not see do not exist for them (404); records marked above
the reader's clearance neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from kvpt.core.filters import with_id
from kvpt.core.scope import get_scope
from kvpt.exercises.selectors import restrict_to_exercises
from kvpt.scenario.models import (
    OPEN_STATUSES,
    ConductClock,
    ConductLogEntry,
    Inject,
    InjectStatus,
    SafetyIncident,
    Situation,
    SituationKind,
)


def _visible(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """The exercise's scope and clearance, then the record's own (it may be set higher)."""
    queryset = restrict_to_exercises(queryset, user)
    return queryset.filter(classification__lte=get_scope(user).clearance)


def situation_kinds() -> QuerySet[SituationKind]:
    return SituationKind.objects.filter(active=True)


def situation_list(user: Any) -> QuerySet[Situation]:
    return _visible(
        Situation.objects.select_related("exercise__area", "kind", "phase", "lead_agency"), user
    )


def inject_list(user: Any) -> QuerySet[Inject]:
    return _visible(
        Inject.objects.select_related(
            "exercise__area",
            "phase",
            "content_item__phase",
            "situation",
            "to_agency",
            "to_unit",
            "controller",
        ),
        user,
    )


def clock_list(user: Any) -> QuerySet[ConductClock]:
    return restrict_to_exercises(ConductClock.objects.select_related("exercise__area"), user)


def log_entry_list(user: Any) -> QuerySet[ConductLogEntry]:
    return _visible(
        ConductLogEntry.objects.select_related("exercise__area", "author", "inject"), user
    )


def incident_list(user: Any) -> QuerySet[SafetyIncident]:
    return _visible(SafetyIncident.objects.select_related("exercise__area", "reported_by"), user)


def exercise_situations(user: Any, exercise_id: int) -> QuerySet[Situation]:
    return situation_list(user).filter(exercise_id=exercise_id).order_by("code")


@dataclass(frozen=True)
class InjectFilters:
    """What a reader narrows the MSEL by; every field optional (a bad id matches nothing)."""

    phase: Any = None
    situation: Any = None
    status: str = ""
    controller: Any = None

    @classmethod
    def from_query(cls, query: Any) -> InjectFilters:
        return cls(
            phase=query.get("phase") or None,
            situation=query.get("situation") or None,
            status=query.get("status", "") or "",
            controller=query.get("controller") or None,
        )

    @property
    def active(self) -> bool:
        return any((self.phase, self.situation, self.status, self.controller))


def inject_search(user: Any, exercise_id: int, filters: InjectFilters) -> QuerySet[Inject]:
    queryset = inject_list(user).filter(exercise_id=exercise_id)
    queryset = with_id(queryset, "phase_id", filters.phase)
    queryset = with_id(queryset, "situation_id", filters.situation)
    queryset = with_id(queryset, "controller_id", filters.controller)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    return queryset.order_by("serial")


def story_order(queryset: QuerySet[Inject]) -> QuerySet[Inject]:
    """Scenario time first (entries without one last), then the real schedule, then serial."""
    from django.db.models import F

    return queryset.order_by(
        F("scenario_offset").asc(nulls_last=True), F("scheduled_at").asc(nulls_last=True), "serial"
    )


@dataclass
class ConsoleState:
    """What the conduct console shows at one moment (each part one query)."""

    clock: ConductClock | None
    due: list[Inject]
    upcoming: list[Inject]
    delivered: list[Inject]
    log: list[ConductLogEntry]
    incidents: list[SafetyIncident]
    now: Any
    counts: dict[str, int]
    # All injects due now (`due` holds only the first CONSOLE_DUE of them).
    due_total: int = 0


CONSOLE_DUE = 20
CONSOLE_UPCOMING = 5
CONSOLE_DELIVERED = 10
CONSOLE_LOG = 15
CONSOLE_INCIDENTS = 5


def console_state(user: Any, exercise: Any) -> ConsoleState:
    """The console's view: due now, next, delivered and awaiting completion, log, incidents.

    A fixed number of queries whatever the number of injects (the page is polled every few
    seconds by every member of the directing staff).
    """
    from django.db.models import Count

    now = timezone.now()
    injects = inject_list(user).filter(exercise_id=exercise.pk)
    open_injects = injects.filter(status__in=OPEN_STATUSES)
    due_now = open_injects.filter(scheduled_at__lte=now)
    # The longest-waiting first, a screenful of them: the total is counted in the database.
    due = list(due_now.order_by("scheduled_at", "serial")[:CONSOLE_DUE])
    due_total = due_now.count()
    upcoming = list(
        open_injects.filter(scheduled_at__gt=now).order_by("scheduled_at", "serial")[
            :CONSOLE_UPCOMING
        ]
    )
    delivered = list(
        injects.filter(status=InjectStatus.DELIVERED).order_by("-delivered_at", "-serial")[
            :CONSOLE_DELIVERED
        ]
    )
    counts = {
        row["status"]: row["n"]
        for row in injects.order_by().values("status").annotate(n=Count("id"))
    }
    return ConsoleState(
        clock=ConductClock.objects.filter(exercise_id=exercise.pk).first(),
        due=due,
        upcoming=upcoming,
        delivered=delivered,
        log=list(log_entry_list(user).filter(exercise_id=exercise.pk)[:CONSOLE_LOG]),
        incidents=list(incident_list(user).filter(exercise_id=exercise.pk)[:CONSOLE_INCIDENTS]),
        now=now,
        counts=counts,
        due_total=due_total,
    )


def safety_summary(user: Any, exercise_id: int) -> dict[str, int]:
    """Incidents, injured and killed of an exercise (the forces' safety verdict reads these)."""
    from django.db.models import Count, Sum

    row = (
        incident_list(user)
        .filter(exercise_id=exercise_id)
        .aggregate(n=Count("id"), injured=Sum("injured_count"), killed=Sum("killed_count"))
    )
    return {k: int(v or 0) for k, v in row.items()}
