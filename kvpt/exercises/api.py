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

from kvpt.core.api import ErrorOut
from kvpt.core.models import AccessLog
from kvpt.core.scope import get_visible_or_404
from kvpt.core.views_helpers import log_classified_read, log_classified_reads
from kvpt.exercises.schemas import (
    ExerciseIn,
    ExerciseOut,
    ExercisePage,
    ExercisePatch,
    ExerciseQuery,
)
from kvpt.exercises.selectors import ExerciseFilters, exercise_list, exercise_search
from kvpt.exercises.services import (
    exercise_create,
    exercise_delete,
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


@router.post("", response={201: ExerciseOut, **ERRORS}, summary="Tạo cuộc diễn tập")
def create_exercise(request: HttpRequest, payload: ExerciseIn) -> Any:
    exercise = exercise_create(
        code=payload.code,
        name=payload.name,
        area=_area(payload.area_id, payload.area_code),
        level=_level(payload.level) if payload.level else None,
        year=payload.year,
        status=payload.status.value,
        classification=int(payload.classification),
        actor=request.user,
    )
    return Status(201, exercise)


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
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    changes: dict[str, Any] = {}
    area_id, area_code = data.pop("area_id", None), data.pop("area_code", None)
    if area_id is not None or area_code is not None:
        changes["area"] = _area(area_id, area_code)
    if "level" in data:
        level = data.pop("level")
        changes["level"] = _level(level) if level else None
    for field, value in data.items():
        if value is None:
            raise ValidationError({field: _("Trường này không được để trống.")})
        changes[field] = value.value if hasattr(value, "value") else value
    with transaction.atomic():
        exercise = exercise_update(
            exercise=exercise, expected_version=version, actor=request.user, **changes
        )
    return exercise


@router.delete("/{int:exercise_id}", response={204: None, **ERRORS}, summary="Xóa cuộc diễn tập")
def delete_exercise(request: HttpRequest, exercise_id: int) -> Any:
    exercise = get_visible_or_404(exercise_list(request.user), pk=exercise_id)
    exercise_delete(exercise=exercise, actor=request.user)
    return Status(204, None)
