"""API endpoints of the exercises app (mounted by config/api.py at /api/v1/exercises).

Reads go through the scope selector (outside it: 404); writes go through the services, which check
the role (403) and record the token's user as the actor in the history.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from kvpt.core.api import ErrorOut, PagePagination
from kvpt.core.models import AccessLog
from kvpt.core.scope import get_visible_or_404
from kvpt.core.views_helpers import log_classified_read, log_classified_reads
from kvpt.exercises.models import Exercise, ExerciseStatus, ExerciseTransition
from kvpt.exercises.schemas import (
    CopyIn,
    ExerciseIn,
    ExerciseOut,
    ExercisePage,
    ExercisePatch,
    ExerciseQuery,
    TransitionIn,
    TransitionOut,
)
from kvpt.exercises.selectors import ExerciseFilters, exercise_list, exercise_search
from kvpt.exercises.services import (
    exercise_copy_structure,
    exercise_create,
    exercise_delete,
    exercise_transition,
    exercise_update,
)

router = Router(tags=["exercises"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _area(area_id: int | None, area_code: str | None) -> Any:
    """The area named by id or code; the service decides whether it is in the actor's scope."""
    from kvpt.organisations.models import Area

    if area_id is not None and area_code is not None:
        raise ValidationError({"area_code": _("Chỉ dùng một trong hai: area_id hoặc area_code.")})
    if area_id is not None:
        found = Area.objects.select_related("level").filter(pk=area_id).first()
    elif area_code is not None:
        found = Area.objects.select_related("level").filter(code=area_code).first()
    else:
        raise ValidationError({"area_id": _("Cần chọn địa bàn (area_id hoặc area_code).")})
    if found is None:
        # The same words as for an area outside the scope: existence is not disclosed.
        raise ValidationError({"area": _("Không tìm thấy địa bàn này trong phạm vi của bạn.")})
    return found


def _level(code: str) -> Any:
    from kvpt.organisations.models import AreaLevel

    found = AreaLevel.objects.filter(code=code).first()
    if found is None:
        raise ValidationError(
            {"level": _("Không có cấp hành chính mã “%(code)s”.") % {"code": code}}
        )
    return found


@router.get("", response={200: ExercisePage, **ERRORS}, summary="Danh sách cuộc diễn tập")
def list_exercises(request: HttpRequest, filters: Query[ExerciseQuery]) -> Any:
    qs = exercise_search(
        request.user,
        ExerciseFilters(
            year=filters.year,
            status=filters.status.value if filters.status else None,
            area=filters.area,
            q=filters.q,
        ),
    )
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    rows = list(qs[start : start + filters.page_size])
    log_classified_reads(request.user, rows, AccessLog.Action.API)
    return {
        "items": rows,
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "pages": max(1, -(-count // filters.page_size)),
    }


def _agency(data: dict[str, Any], name: str) -> dict[str, Any]:
    """`<name>_id` / `<name>_code` of the payload as {name: Agency | None}; {} when neither."""
    from kvpt.organisations.models import Agency

    agency_id, agency_code = data.pop(f"{name}_id", None), data.pop(f"{name}_code", None)
    if agency_id is None and agency_code is None:
        return {}
    if agency_id is not None and agency_code is not None:
        raise ValidationError(
            {
                f"{name}_code": _("Chỉ dùng một trong hai: %(name)s_id hoặc %(name)s_code.")
                % {"name": name}
            }
        )
    lookup = {"pk": agency_id} if agency_id is not None else {"code": agency_code}
    found = Agency.objects.filter(**lookup).first()
    if found is None:
        # The service says the same for an agency outside the scope.
        raise ValidationError({name: _("Không tìm thấy cơ quan này trong phạm vi của bạn.")})
    return {name: found}


def _optional_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The payload's other fields as the service's keywords (enums by value)."""
    changes: dict[str, Any] = {}
    changes |= _agency(data, "organisation")
    changes |= _agency(data, "directing_organisation")
    for field, value in data.items():
        changes[field] = value.value if hasattr(value, "value") else value
    return changes


@router.post("", response={201: ExerciseOut, **ERRORS}, summary="Tạo cuộc diễn tập")
def create_exercise(request: HttpRequest, payload: ExerciseIn) -> Any:
    if payload.status != ExerciseStatus.DRAFT:
        raise ValidationError(
            {
                "status": _(
                    "Cuộc diễn tập mới luôn ở trạng thái Dự thảo; chuyển trạng thái qua "
                    "POST /api/v1/exercises/{id}/transitions."
                )
            }
        )
    data = payload.model_dump(exclude_unset=True, exclude_none=True)
    for key in ("code", "name", "year", "status", "classification", "standard_phases"):
        data.pop(key, None)
    area = _area(data.pop("area_id", None), data.pop("area_code", None))
    level = data.pop("level", None)
    exercise = exercise_create(
        code=payload.code,
        name=payload.name,
        area=area,
        level=_level(level) if level else None,
        year=payload.year,
        classification=int(payload.classification),
        standard_phases=payload.standard_phases,
        actor=request.user,
        **_optional_fields(data),
    )
    return Status(201, _reload(request, exercise.pk))


def _reload(request: HttpRequest, pk: int) -> Exercise:
    return exercise_list(request.user).get(pk=pk)


@router.get(
    "/{int:exercise_id}", response={200: ExerciseOut, **ERRORS}, summary="Một cuộc diễn tập"
)
def get_exercise(request: HttpRequest, exercise_id: int) -> Any:
    exercise = get_visible_or_404(exercise_list(request.user), pk=exercise_id)
    log_classified_read(request.user, exercise, AccessLog.Action.API)
    return exercise


@router.patch(
    "/{int:exercise_id}", response={200: ExerciseOut, **ERRORS}, summary="Sửa cuộc diễn tập"
)
def update_exercise(request: HttpRequest, exercise_id: int, payload: ExercisePatch) -> Any:
    exercise = get_visible_or_404(exercise_list(request.user), pk=exercise_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    if "status" in data:
        raise ValidationError(
            {
                "status": _(
                    "Không sửa trạng thái bằng PATCH: hãy dùng "
                    "POST /api/v1/exercises/%(id)s/transitions với to_status, reason, version."
                )
                % {"id": exercise.pk}
            }
        )
    changes: dict[str, Any] = {}
    area_id, area_code = data.pop("area_id", None), data.pop("area_code", None)
    if area_id is not None or area_code is not None:
        changes["area"] = _area(area_id, area_code)
    if "level" in data:
        level = data.pop("level")
        changes["level"] = _level(level) if level else None
    nullable = {
        "organisation_id",
        "organisation_code",
        "directing_organisation_id",
        "directing_organisation_code",
        "start_date",
        "end_date",
    }
    for field in ("organisation", "directing_organisation"):
        # An explicit null clears the agency.
        if any(f"{field}_{k}" in data and data[f"{field}_{k}"] is None for k in ("id", "code")):
            data.pop(f"{field}_id", None)
            data.pop(f"{field}_code", None)
            changes[field] = None
    for field, value in data.items():
        if value is None and field not in nullable:
            raise ValidationError({field: _("Trường này không được để trống.")})
    changes |= _optional_fields(data)
    with transaction.atomic():
        exercise = exercise_update(
            exercise=exercise, changes=changes, expected_version=version, actor=request.user
        )
    return _reload(request, exercise.pk)


@router.delete("/{int:exercise_id}", response={204: None, **ERRORS}, summary="Xóa cuộc diễn tập")
def delete_exercise(request: HttpRequest, exercise_id: int) -> Any:
    exercise = get_visible_or_404(exercise_list(request.user), pk=exercise_id)
    exercise_delete(exercise=exercise, actor=request.user)
    return Status(204, None)


@router.get(
    "/{int:exercise_id}/transitions",
    response={200: list[TransitionOut], **ERRORS},
    summary="Lịch sử trạng thái của cuộc diễn tập",
)
@paginate(PagePagination)
def list_transitions(request: HttpRequest, exercise_id: int) -> Any:
    exercise = get_visible_or_404(exercise_list(request.user), pk=exercise_id)
    log_classified_read(request.user, exercise, AccessLog.Action.API)
    return ExerciseTransition.objects.filter(exercise=exercise).select_related("by")


@router.post(
    "/{int:exercise_id}/transitions",
    response={200: ExerciseOut, **ERRORS},
    summary="Chuyển trạng thái cuộc diễn tập",
)
def post_transition(request: HttpRequest, exercise_id: int, payload: TransitionIn) -> Any:
    exercise = get_visible_or_404(exercise_list(request.user), pk=exercise_id)
    exercise_transition(
        exercise=exercise,
        to_status=payload.to_status.value,
        reason=payload.reason,
        expected_version=payload.version,
        actor=request.user,
    )
    return _reload(request, exercise.pk)


@router.post(
    "/{int:exercise_id}/copy",
    response={201: ExerciseOut, **ERRORS},
    summary="Tạo cuộc diễn tập mới theo cấu trúc của cuộc diễn tập này",
)
def copy_exercise(request: HttpRequest, exercise_id: int, payload: CopyIn) -> Any:
    source = get_visible_or_404(exercise_list(request.user), pk=exercise_id)
    copy = exercise_copy_structure(
        source=source,
        code=payload.code,
        name=payload.name,
        year=payload.year,
        area=_area(payload.area_id, payload.area_code),
        level=_level(payload.level) if payload.level else None,
        shift_days=payload.shift_days,
        copy_members=payload.copy_members,
        actor=request.user,
    )
    return Status(201, _reload(request, copy.pk))
