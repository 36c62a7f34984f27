"""What a report knows about an exercise, read through the other apps' selectors by one reader.

Every record a report includes passes through `SummaryData.include`, which raises the report's
marking to the most classified record and notes whether any figure is illustrative. Kinds of
record whose app does not exist yet are simply absent (`None`), and their section says so.
Later apps plug in with `register_source(name)`: a function (user, exercise) -> data or None.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.utils import timezone

from kvpt.core.models import Classification
from kvpt.exercises.models import CommitteeKind, CommitteeRole, Exercise

Source = Callable[[Any, Exercise], Any]
SOURCES: dict[str, Source] = {}


def register_source(name: str) -> Callable[[Source], Source]:
    """Register a reader of another app's records for the report (`data.extras[name]`)."""

    def register(fn: Source) -> Source:
        SOURCES[name] = fn
        return fn

    return register


@dataclass
class SummaryData:
    """Everything the summary report and the news article are built from."""

    exercise: Exercise
    today: dt.date
    committees: list[Any] = field(default_factory=list)
    milestones: list[Any] = field(default_factory=list)
    phases: list[Any] = field(default_factory=list)
    tasks: list[Any] = field(default_factory=list)
    documents: list[Any] = field(default_factory=list)
    works: list[Any] = field(default_factory=list)
    budget: list[Any] = field(default_factory=list)
    readiness: Any = None
    extras: dict[str, Any] = field(default_factory=dict)
    marking: int = Classification.UNCLASSIFIED
    illustrative: bool = False
    included: list[Any] = field(default_factory=list)

    def include(self, records: Iterable[Any]) -> list[Any]:
        """Note records the report shows: their marking and whether they are illustrative."""
        rows = list(records)
        for row in rows:
            level = int(getattr(row, "classification", 0) or 0)
            self.marking = max(self.marking, level)
            if getattr(row, "is_illustrative", False):
                self.illustrative = True
        self.included.extend(rows)
        return rows

    # --- helpers the sections share -----------------------------------------------------------

    def committees_of(self, kind: str) -> list[Any]:
        return [c for c in self.committees if c.kind == kind]

    @property
    def subcommittees(self) -> list[Any]:
        return self.committees_of(CommitteeKind.SUBCOMMITTEE)

    def head_of(self, kind: str) -> Any:
        """The head (Trưởng ban) seat of the first committee of `kind`, or None."""
        for committee in self.committees_of(kind):
            for member in committee.seated:
                if member.role == CommitteeRole.HEAD:
                    return member
        return None

    def milestones_of(self, *kinds: str) -> list[Any]:
        return [m for m in self.milestones if m.kind in kinds]

    def conference_date(self) -> dt.date | None:
        conference = self.extras.get("review", {}) or {}
        conferences = conference.get("conferences") if isinstance(conference, dict) else None
        if conferences:
            return conferences[0].held_on
        found = self.milestones_of("conference")
        return found[0].starts_on if found else None


def _committees(user: Any, exercise: Exercise) -> list[Any]:
    from kvpt.exercises.selectors import committee_with_members_list

    return list(committee_with_members_list(user).filter(exercise=exercise))


def collect_summary(
    user: Any, exercise: Exercise, *, progress: Callable[[int, str], None] | None = None
) -> SummaryData:
    """Read what `user` may see of `exercise` for a report (the exercise is already visible)."""
    from kvpt.exercises.selectors import exercise_milestones, exercise_structure
    from kvpt.preparation.selectors import (
        budget_line_list,
        document_list,
        task_list,
        work_list,
    )
    from kvpt.preparation.selectors.readiness import exercise_readiness

    def step(percent: int, what: str) -> None:
        if progress:
            progress(percent, what)

    data = SummaryData(exercise=exercise, today=timezone.localdate())
    data.include([exercise])
    step(5, "Đọc các ban, tiểu ban")
    data.committees = _committees(user, exercise)
    for committee in data.committees:
        data.include(member.person for member in committee.seated)
    step(10, "Đọc mốc thời gian, giai đoạn")
    data.milestones = data.include(exercise_milestones(user, exercise))
    data.phases = data.include(exercise_structure(user, exercise))
    for phase in data.phases:
        data.include(phase.contents.all())
    step(20, "Đọc công việc, văn kiện")
    data.tasks = data.include(
        task_list(user).filter(exercise=exercise).select_related("owner").order_by("due", "code")
    )
    data.documents = data.include(
        document_list(user).filter(exercise=exercise).order_by("kind__order", "code")
    )
    step(30, "Đọc công trình, kinh phí")
    data.works = data.include(
        work_list(user)
        .filter(exercise=exercise)
        .select_related("handed_over_to", "custodian")
        .order_by("kind", "code")
    )
    data.budget = data.include(
        budget_line_list(user).filter(exercise=exercise).order_by("category", "code")
    )
    data.readiness = exercise_readiness(user, exercise, today=data.today)
    step(40, "Đọc dữ liệu thực hành, tổng kết")
    for name, source in SOURCES.items():
        try:
            data.extras[name] = source(user, exercise)
        except LookupError:  # the app is not installed here
            data.extras[name] = None
        found = data.extras[name]
        if isinstance(found, dict):
            for rows in found.values():
                if isinstance(rows, list):
                    data.include(rows)
    return data


# --- sources from apps that may not exist yet ------------------------------------------------


@register_source("review")
def _review(user: Any, exercise: Exercise) -> dict[str, list[Any]] | None:
    """Conference, observations, directives and corrective actions (kvpt/review)."""
    if not apps.is_installed("kvpt.review"):
        return None
    from kvpt.review import selectors

    conferences = list(
        selectors.conference_list(user).filter(exercise=exercise).order_by("held_on", "code")
    )
    observations = list(
        selectors.observation_list(user).filter(exercise=exercise).order_by("kind", "area", "code")
    )
    directives = list(
        selectors.directive_list(user)
        .filter(exercise=exercise)
        .select_related("given_by")
        .order_by("code")
    )
    actions = list(
        selectors.action_list(user)
        .filter(exercise=exercise)
        .select_related("owner", "responsible")
        .order_by("due", "code")
    )
    return {
        "conferences": conferences,
        "observations": observations,
        "directives": directives,
        "actions": actions,
    }


@register_source("forces")
def _forces(user: Any, exercise: Exercise) -> dict[str, Any] | None:
    """Mobilisation (forces, units, vehicles) and weapons accountability (kvpt/forces)."""
    if not apps.is_installed("kvpt.forces"):
        return None
    from kvpt.forces.accountability import accountability
    from kvpt.forces.selectors import mobilisation

    mob = mobilisation(user, exercise.pk)
    return {
        "mobilisation": mob,
        "accountability": accountability(user, exercise.pk),
        "allocations": [line.allocation for line in mob.units],
        "units": mob.units,
    }


@register_source("scenario")
def _scenario(user: Any, exercise: Exercise) -> dict[str, Any] | None:
    """Situations handled (kvpt/scenario)."""
    if not apps.is_installed("kvpt.scenario"):
        return None
    from kvpt.scenario.selectors import exercise_situations

    situations = list(exercise_situations(user, exercise.pk).select_related("kind", "lead_agency"))
    return {"situations": situations}


@register_source("evaluation")
def _evaluation(user: Any, exercise: Exercise) -> dict[str, Any] | None:
    """The overall grade and the awards (kvpt/evaluation)."""
    if not apps.is_installed("kvpt.evaluation"):
        return None
    from kvpt.evaluation import selectors

    grades = list(selectors.grade_list(user).filter(exercise=exercise))
    awards = list(selectors.award_list(user).filter(exercise=exercise))
    return {"grades": grades, "awards": awards}


# --- figures ---------------------------------------------------------------------------------


def more_than(quantity: Decimal) -> str:
    """2.30 -> "hơn 2": how an account rounds a measured length down."""
    whole = int(quantity)
    if quantity > whole:
        return f"hơn {whole}"
    return str(whole)
