"""API of works: /exercises/{id}/works (list, add), one work (read, edit, delete), the handover
and the totals by kind. Reads go through the selectors (outside scope or above clearance: 404),
writes through the services (403 without the right, 409 on a stale version, 422 refused input).
"""

# No `from __future__ import annotations`: ninja reads the parameter types of paginated endpoints
# through ninja.pagination's wrapper, whose module cannot resolve string annotations.
from typing import Any

from django.core.exceptions import ValidationError
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
    resolve_ref,
)
from kvpt.core.permissions import require_perm
from kvpt.core.scope import get_visible_or_404
from kvpt.exercises.models import CommitteeKind
from kvpt.exercises.selectors import committee_list, exercise_list
from kvpt.preparation.models import Work
from kvpt.preparation.schemas.works import (
    WorkFilters,
    WorkHandoverIn,
    WorkIn,
    WorkOut,
    WorkPatch,
    WorkTotalsOut,
)
from kvpt.preparation.selectors import budget_line_list
from kvpt.preparation.selectors import works as selectors
from kvpt.preparation.services.works import (
    PERM,
    work_create,
    work_delete,
    work_hand_over,
    work_update,
)

router = Router(tags=["works"])

PLAIN_FIELDS = (
    "code",
    "name",
    "kind",
    "construction",
    "quantity",
    "quantity_unit",
    "location",
    "classification",
    "status",
    "notes",
    "is_illustrative",
    "handed_over_on",
    "handover_record",
)


def _exercise(user: Any, exercise_id: int) -> Any:
    return get_visible_or_404(exercise_list(user), pk=exercise_id)


def _work(user: Any, exercise_id: int, work_id: int) -> Work:
    return get_visible_or_404(selectors.exercise_works(user, exercise_id), pk=work_id)


def _changes(user: Any, exercise_id: int, data: dict[str, Any], current: Any) -> dict[str, Any]:
    from kvpt.organisations.selectors import agency_list

    changes = {
        name: value.value if hasattr(value, "value") else value
        for name, value in pick(data, PLAIN_FIELDS).items()
    }
    if current is None and changes.get("classification") is None:
        changes.pop("classification", None)
    blank = [
        name
        for name, value in changes.items()
        if value is None and name not in ("quantity", "handed_over_on")
    ]
    if blank:
        raise ValidationError({name: _("Trường này không được để trống.") for name in blank})
    subcommittees = committee_list(user).filter(
        exercise_id=exercise_id, kind=CommitteeKind.SUBCOMMITTEE
    )
    changes |= reference(data, "subcommittee", subcommittees, _("tiểu ban"), current=current)
    changes |= reference(
        data,
        "budget_line",
        budget_line_list(user).filter(exercise_id=exercise_id),
        _("dòng kinh phí"),
        current=current,
    )
    for name in ("owner", "custodian", "handed_over_to"):
        changes |= reference(data, name, agency_list(user), _("cơ quan"), current=current)
    return changes


@router.get(
    "/exercises/{int:exercise_id}/works",
    response={200: list[WorkOut], **READ_ERRORS},
    summary="Công trình của một cuộc diễn tập",
)
@paginate(LoggedPagePagination)
def list_works(request: HttpRequest, exercise_id: int, filters: Query[WorkFilters]) -> Any:
    exercise = _exercise(request.user, exercise_id)
    found = selectors.work_search(
        request.user,
        exercise.pk,
        selectors.WorkFilters(
            kind=filters.kind.value if filters.kind else "",
            construction=filters.construction.value if filters.construction else "",
            status=filters.status.value if filters.status else "",
            subcommittee=filters.subcommittee,
            q=filters.q,
        ),
    )
    # WorkOut reads the subcommittee's code and the budget line's classification, ids of the
    # rest: the other joins cost PostgreSQL more planning than running (as for injects).
    return found.select_related(None).select_related("subcommittee", "budget_line")


@router.post(
    "/exercises/{int:exercise_id}/works",
    response={201: WorkOut, **WRITE_ERRORS},
    summary="Thêm công trình",
)
def create_work(request: HttpRequest, exercise_id: int, payload: WorkIn) -> Status[Work]:
    user = request.user
    exercise = _exercise(user, exercise_id)
    changes = _changes(user, exercise.pk, payload.model_dump(), None)
    work = work_create(exercise=exercise, **changes, actor=user)
    return Status(201, _work(user, exercise.pk, work.pk))


@router.get(
    "/exercises/{int:exercise_id}/works/totals",
    response={200: WorkTotalsOut, **READ_ERRORS},
    summary="Tổng hợp công trình theo loại",
)
def work_totals(request: HttpRequest, exercise_id: int) -> dict[str, Any]:
    exercise = _exercise(request.user, exercise_id)
    totals = selectors.work_totals(request.user, exercise.pk)
    return {"items": totals, "text": selectors.totals_text(totals)}


@router.get(
    "/exercises/{int:exercise_id}/works/{int:work_id}",
    response={200: WorkOut, **READ_ERRORS},
    summary="Một công trình",
)
def get_work(request: HttpRequest, exercise_id: int, work_id: int) -> Work:
    return get_logged(request, selectors.exercise_works(request.user, exercise_id), work_id)


@router.patch(
    "/exercises/{int:exercise_id}/works/{int:work_id}",
    response={200: WorkOut, **UPDATE_ERRORS},
    summary="Sửa công trình",
)
def patch_work(request: HttpRequest, exercise_id: int, work_id: int, payload: WorkPatch) -> Work:
    user = request.user
    work = _work(user, exercise_id, work_id)
    require_perm(user, PERM, work)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    work_update(
        work=work,
        changes=_changes(user, exercise_id, data, work),
        expected_version=version,
        actor=user,
    )
    return _work(user, exercise_id, work_id)


@router.delete(
    "/exercises/{int:exercise_id}/works/{int:work_id}",
    response={204: None, **UPDATE_ERRORS},
    summary="Xóa công trình",
)
def delete_work(
    request: HttpRequest, exercise_id: int, work_id: int, version: int | None = None
) -> Status[None]:
    user = request.user
    work = _work(user, exercise_id, work_id)
    require_perm(user, PERM, work)
    work_delete(work=work, expected_version=version, actor=user)
    return Status(204, None)


@router.post(
    "/exercises/{int:exercise_id}/works/{int:work_id}/handover",
    response={200: WorkOut, **UPDATE_ERRORS},
    summary="Bàn giao công trình",
)
def hand_over_work(
    request: HttpRequest, exercise_id: int, work_id: int, payload: WorkHandoverIn
) -> Work:
    from kvpt.organisations.selectors import agency_list

    user = request.user
    work = _work(user, exercise_id, work_id)
    require_perm(user, PERM, work)
    data = payload.model_dump()
    agency = resolve_ref(
        agency_list(user), data, "receiving_agency", _("đơn vị nhận bàn giao"), required=True
    )
    work_hand_over(
        work=work,
        receiving_agency=agency,
        on=payload.on,
        record_number=payload.record_number,
        expected_version=payload.version,
        actor=user,
    )
    return _work(user, exercise_id, work_id)
