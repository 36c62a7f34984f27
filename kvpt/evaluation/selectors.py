"""Reads of evaluation records, limited to the reader's scope (the exercise's) and clearance."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from kvpt.core.scope import get_scope
from kvpt.evaluation.models import (
    Award,
    CriteriaSet,
    Criterion,
    Evaluation,
    ExerciseGrade,
    OfficialResult,
    RatingScale,
    ScaleLevel,
)
from kvpt.exercises.selectors import restrict_to_exercises


def scale_list(user: Any) -> QuerySet[RatingScale]:
    """The scales are a shared catalogue: every signed-in user reads them."""
    if get_scope(user).is_anonymous:
        return RatingScale.objects.none()
    return RatingScale.objects.prefetch_related(
        Prefetch("levels", queryset=ScaleLevel.objects.order_by("order"))
    )


def level_list(user: Any) -> QuerySet[ScaleLevel]:
    if get_scope(user).is_anonymous:
        return ScaleLevel.objects.none()
    return ScaleLevel.objects.select_related("scale")


def criteria_set_list(user: Any) -> QuerySet[CriteriaSet]:
    return restrict_to_exercises(
        CriteriaSet.objects.select_related("exercise", "exercise__area", "scale").prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.order_by("order", "code")),
            Prefetch("scale__levels", queryset=ScaleLevel.objects.order_by("order")),
        ),
        user,
    )


def criterion_list(user: Any) -> QuerySet[Criterion]:
    return restrict_to_exercises(
        Criterion.objects.select_related(
            "exercise", "exercise__area", "criteria_set", "criteria_set__scale"
        ),
        user,
    )


def evaluation_list(user: Any) -> QuerySet[Evaluation]:
    queryset = restrict_to_exercises(
        Evaluation.objects.select_related(
            "exercise",
            "exercise__area",
            "evaluator",
            "evaluator_person",
            "evaluator_agency",
            "criterion",
            "level",
            "level__scale",
        ),
        user,
    )
    return queryset.filter(classification__lte=get_scope(user).clearance)


def official_result_list(user: Any) -> QuerySet[OfficialResult]:
    return restrict_to_exercises(
        OfficialResult.objects.select_related(
            "exercise",
            "exercise__area",
            "criterion",
            "level",
            "level__scale",
            "decided_by",
            "decided_by_person",
        ),
        user,
    )


def grade_list(user: Any) -> QuerySet[ExerciseGrade]:
    return restrict_to_exercises(
        ExerciseGrade.objects.select_related(
            "exercise", "exercise__area", "level", "level__scale", "decided_by_agency", "decided_by"
        ),
        user,
    )


def award_list(user: Any) -> QuerySet[Award]:
    return restrict_to_exercises(
        Award.objects.select_related(
            "exercise",
            "exercise__area",
            "issuer_agency",
            "recipient_agency",
            "recipient_unit",
            "recipient_person",
        ),
        user,
    )


# --- the comparison of ratings across evaluators ---------------------------------------------


@dataclass
class ComparisonRow:
    """One target x criterion: each evaluator's rating, the official result, disagreement."""

    target_kind: str
    target_id: int
    target_label: str
    criterion: Criterion | None
    cells: list[Evaluation | None] = field(default_factory=list)
    official: OfficialResult | None = None
    # What the chief may choose for this row (the criterion's scale), set by the page.
    level_choices: list[Any] = field(default_factory=list)

    @property
    def target_value(self) -> str:
        return f"{self.target_kind}:{self.target_id}"

    @property
    def ratings(self) -> list[Evaluation]:
        return [cell for cell in self.cells if cell is not None]

    @property
    def disagrees(self) -> bool:
        return len({cell.level_id for cell in self.ratings}) > 1

    @property
    def scale_id(self) -> int | None:
        return self.criterion.criteria_set.scale_id if self.criterion else None


@dataclass
class Comparison:
    evaluators: list[Any]
    rows: list[ComparisonRow]


def comparison(user: Any, exercise: Any, criteria_sets: list[CriteriaSet]) -> Comparison:
    """Rows = target x criterion, columns = evaluators; three queries whatever the size.

    Every criterion gets a row for the exercise itself, so the chief can decide before anyone
    has rated; other targets appear once someone rated them or a result was recorded.
    """
    evaluations = list(evaluation_list(user).filter(exercise=exercise))
    results = list(official_result_list(user).filter(exercise=exercise))
    criteria = {c.pk: c for s in criteria_sets for c in s.criteria.all()}
    evaluators: dict[int, Any] = {}
    for rating in evaluations:
        evaluators.setdefault(rating.evaluator_id, rating)
    columns = sorted(
        evaluators.values(), key=lambda r: r.evaluator.get_full_name() or r.evaluator.username
    )
    index = {r.evaluator_id: i for i, r in enumerate(columns)}
    rows: dict[tuple[str, int, int | None], ComparisonRow] = {}

    def row(kind: str, target_id: int, label: str, criterion_id: int | None) -> ComparisonRow:
        key = (kind, target_id, criterion_id)
        if key not in rows:
            rows[key] = ComparisonRow(
                kind,
                target_id,
                label,
                criteria.get(criterion_id) if criterion_id else None,
                cells=[None] * len(columns),
            )
        return rows[key]

    for criterion in criteria.values():
        row("exercise", exercise.pk, exercise.name, criterion.pk)
    for rating in evaluations:
        row(rating.target_kind, rating.target_id, rating.target_label, rating.criterion_id).cells[
            index[rating.evaluator_id]
        ] = rating
    for result in results:
        row(
            result.target_kind, result.target_id, result.target_label, result.criterion_id
        ).official = result
    kinds = ["exercise", "phase", "situation", "unit", "person"]
    ordered = sorted(
        rows.values(),
        key=lambda r: (
            kinds.index(r.target_kind) if r.target_kind in kinds else 9,
            r.target_label,
            r.criterion.criteria_set.code if r.criterion else "",
            r.criterion.order if r.criterion else -1,
            r.criterion.code if r.criterion else "",
        ),
    )
    return Comparison(evaluators=[c.evaluator for c in columns], rows=ordered)
