"""Reads of evaluation records, limited to the reader's scope (the exercise's) and clearance."""

from __future__ import annotations

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
