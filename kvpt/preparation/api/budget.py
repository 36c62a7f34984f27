"""API of budget lines: /exercises/{id}/budget-lines (list, add), one line (read, edit, delete)
and the totals with the settlement progress. Money is whole VND in integers.
"""

# No `from __future__ import annotations`: ninja reads the parameter types of paginated endpoints
# through ninja.pagination's wrapper, whose module cannot resolve string annotations.
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from kvpt.core.api_crud import (
    READ_ERRORS,
    UPDATE_ERRORS,
    WRITE_ERRORS,
    LoggedPagePagination,
    get_logged,
    pick,
    reference,
)
from kvpt.core.filters import with_id
from kvpt.core.permissions import require_perm
from kvpt.core.scope import get_visible_or_404
from kvpt.core.text import fold
from kvpt.exercises.models import CommitteeKind
from kvpt.exercises.selectors import committee_list, exercise_list
from kvpt.preparation.models import BudgetLine
from kvpt.preparation.schemas.budget import (
    BudgetLineFilters,
    BudgetLineIn,
    BudgetLineOut,
    BudgetLinePatch,
    BudgetTotalsOut,
)
from kvpt.preparation.selectors.budget import budget_summary, exercise_budget_lines
from kvpt.preparation.services.budget import (
    budget_line_create,
    budget_line_delete,
    budget_line_update,
)
from kvpt.preparation.services.works import PERM

router = Router(tags=["budget"])

PLAIN_FIELDS = (
    "code",
    "description",
    "category",
    "source",
    "is_site_clearance",
    "estimate",
    "actual",
    "additional",
    "settled_amount",
    "settled_on",
    "classification",
    "notes",
    "is_illustrative",
)


def _exercise(user: Any, exercise_id: int) -> Any:
    return get_visible_or_404(exercise_list(user), pk=exercise_id)


def _line(user: Any, exercise_id: int, budget_line_id: int) -> BudgetLine:
    return get_visible_or_404(exercise_budget_lines(user, exercise_id), pk=budget_line_id)


def _changes(user: Any, exercise_id: int, data: dict[str, Any], current: Any) -> dict[str, Any]:
    changes = {
        name: value.value if hasattr(value, "value") else value
        for name, value in pick(data, PLAIN_FIELDS).items()
    }
    if current is None and changes.get("classification") is None:
        changes.pop("classification", None)
    blank = [
        name for name, value in changes.items() if value is None and name not in ("settled_on",)
    ]
    if blank:
        raise ValidationError({name: _("Trường này không được để trống.") for name in blank})
    subcommittees = committee_list(user).filter(
        exercise_id=exercise_id, kind=CommitteeKind.SUBCOMMITTEE
    )
    changes |= reference(data, "subcommittee", subcommittees, _("tiểu ban"), current=current)
    return changes


@router.get(
    "/exercises/{int:exercise_id}/budget-lines",
    response={200: list[BudgetLineOut], **READ_ERRORS},
    summary="Các dòng kinh phí của một cuộc diễn tập",
)
@paginate(LoggedPagePagination)
def list_budget_lines(
    request: HttpRequest, exercise_id: int, filters: Query[BudgetLineFilters]
) -> Any:
    user = request.user
    exercise = _exercise(user, exercise_id)
    queryset = exercise_budget_lines(user, exercise.pk)
    if filters.category:
        queryset = queryset.filter(category=filters.category.value)
    if filters.source:
        queryset = queryset.filter(source=filters.source.value)
    if filters.is_site_clearance is not None:
        queryset = queryset.filter(is_site_clearance=filters.is_site_clearance)
    if filters.unsettled is not None:
        spent = F("actual") + F("additional")
        queryset = (
            queryset.filter(settled_amount__lt=spent)
            if filters.unsettled
            else queryset.filter(settled_amount__gte=spent)
        )
    queryset = with_id(queryset, "subcommittee_id", filters.subcommittee)
    words = fold(filters.q).split()
    if words:
        # Lines carry no folded copy of their text: fold this exercise's few lines here.
        rows = queryset.values_list("pk", "code", "description", "notes")
        hits = [pk for pk, *texts in rows if all(w in fold(" ".join(texts)) for w in words)]
        queryset = queryset.filter(pk__in=hits)
    return queryset


@router.post(
    "/exercises/{int:exercise_id}/budget-lines",
    response={201: BudgetLineOut, **WRITE_ERRORS},
    summary="Thêm dòng kinh phí",
)
def create_budget_line(
    request: HttpRequest, exercise_id: int, payload: BudgetLineIn
) -> Status[BudgetLine]:
    user = request.user
    exercise = _exercise(user, exercise_id)
    changes = _changes(user, exercise.pk, payload.model_dump(), None)
    line = budget_line_create(exercise=exercise, **changes, actor=user)
    return Status(201, _line(user, exercise.pk, line.pk))


@router.get(
    "/exercises/{int:exercise_id}/budget-lines/totals",
    response={200: BudgetTotalsOut, **READ_ERRORS},
    summary="Tổng hợp kinh phí và tiến độ quyết toán",
)
def budget_totals(request: HttpRequest, exercise_id: int) -> dict[str, Any]:
    exercise = _exercise(request.user, exercise_id)
    summary = budget_summary(request.user, exercise.pk, with_lines=False)
    return {
        "groups": [
            {
                "category": g.category,
                "label": g.label,
                "is_site_clearance": g.is_site_clearance,
                "amounts": g.amounts.as_dict(),
            }
            for g in summary.groups + summary.site_groups
        ],
        "totals": summary.totals.as_dict(),
        "ordinary_totals": summary.ordinary_totals.as_dict(),
        "site_clearance_totals": summary.site_totals.as_dict(),
    }


@router.get(
    "/exercises/{int:exercise_id}/budget-lines/{int:budget_line_id}",
    response={200: BudgetLineOut, **READ_ERRORS},
    summary="Một dòng kinh phí",
)
def get_budget_line(request: HttpRequest, exercise_id: int, budget_line_id: int) -> BudgetLine:
    return get_logged(request, exercise_budget_lines(request.user, exercise_id), budget_line_id)


@router.patch(
    "/exercises/{int:exercise_id}/budget-lines/{int:budget_line_id}",
    response={200: BudgetLineOut, **UPDATE_ERRORS},
    summary="Sửa dòng kinh phí",
)
def patch_budget_line(
    request: HttpRequest, exercise_id: int, budget_line_id: int, payload: BudgetLinePatch
) -> BudgetLine:
    user = request.user
    line = _line(user, exercise_id, budget_line_id)
    require_perm(user, PERM, line)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    budget_line_update(
        budget_line=line,
        changes=_changes(user, exercise_id, data, line),
        expected_version=version,
        actor=user,
    )
    return _line(user, exercise_id, budget_line_id)


@router.delete(
    "/exercises/{int:exercise_id}/budget-lines/{int:budget_line_id}",
    response={204: None, **UPDATE_ERRORS},
    summary="Xóa dòng kinh phí",
)
def delete_budget_line(
    request: HttpRequest, exercise_id: int, budget_line_id: int, version: int | None = None
) -> Status[None]:
    user = request.user
    line = _line(user, exercise_id, budget_line_id)
    require_perm(user, PERM, line)
    budget_line_delete(budget_line=line, expected_version=version, actor=user)
    return Status(204, None)
