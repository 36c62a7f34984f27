"""GET /api/v1/exercises/{id}/readiness: the readiness dashboard's figures."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from kvpt.core.api import ErrorOut
from kvpt.core.scope import get_visible_or_404
from kvpt.core.views_helpers import log_classified_read
from kvpt.exercises.selectors import exercise_list
from kvpt.preparation.selectors.readiness import exercise_readiness

router = Router(tags=["preparation"])


class SubcommitteeProgressOut(Schema):
    committee_id: int | None
    name: str
    total: int
    done: int
    overdue: int
    done_percent: int


class OpenItemOut(Schema):
    kind: str
    label: str
    detail: str
    due: dt.date | None


class ReadinessOut(Schema):
    exercise_id: int
    revision: int
    days_to_exercise: int | None
    tasks_total: int
    tasks_done: int
    tasks_overdue: int
    tasks_done_percent: int
    subcommittees: list[SubcommitteeProgressOut]
    works_total: int
    works_done: int
    works_by_status: dict[str, int]
    documents_total: int
    documents_approved: int
    budget_estimate: int
    budget_spent: int
    budget_settled: int
    budget_settled_percent: int
    open_items_total: int
    open_items: list[OpenItemOut]
    classification: int


@router.get(
    "/exercises/{int:exercise_id}/readiness",
    response={200: ReadinessOut, 401: ErrorOut, 404: ErrorOut},
    summary="Mức độ sẵn sàng của cuộc diễn tập",
)
def get_readiness(request: HttpRequest, exercise_id: int) -> ReadinessOut:
    exercise = get_visible_or_404(exercise_list(request.user), pk=exercise_id)
    log_classified_read(request.user, exercise)
    r = exercise_readiness(request.user, exercise)
    return ReadinessOut(
        exercise_id=exercise.pk,
        revision=exercise.revision,
        days_to_exercise=r.days_to_exercise,
        tasks_total=r.tasks_total,
        tasks_done=r.tasks_done,
        tasks_overdue=r.tasks_overdue,
        tasks_done_percent=r.tasks_done_percent,
        subcommittees=[
            SubcommitteeProgressOut(
                committee_id=s.committee_id,
                name=s.name,
                total=s.total,
                done=s.done,
                overdue=s.overdue,
                done_percent=s.done_percent,
            )
            for s in r.subcommittees
        ],
        works_total=r.works_total,
        works_done=r.works_done,
        works_by_status=r.works_by_status,
        documents_total=r.documents_total,
        documents_approved=r.documents_approved,
        budget_estimate=r.budget_estimate,
        budget_spent=r.budget_spent,
        budget_settled=r.budget_settled,
        budget_settled_percent=r.budget_settled_percent,
        open_items_total=r.open_items_total,
        open_items=[
            OpenItemOut(kind=i.kind, label=i.label, detail=i.detail, due=i.due)
            for i in r.open_items
        ],
        classification=r.marking,
    )
