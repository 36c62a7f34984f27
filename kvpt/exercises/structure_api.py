"""API of an exercise's structure (mounted by config/api.py at /api/v1/exercises).

/{exercise_id}/phases[/{phase_id}[/move]], /{exercise_id}/phases/{phase_id}/contents[/{content_id}
[/move]], /{exercise_id}/milestones[/{milestone_id}]. Scoped like the pages: an exercise outside
the caller's scope is 404, writes without "exercises.change_structure" 403, anonymous 401, a
stale `version` 409; writes go through kvpt.exercises.structure_services.
"""

# No `from __future__ import annotations`: ninja's paginate wrapper cannot resolve string types.
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from kvpt.core.api import PagePagination
from kvpt.core.api_crud import READ_ERRORS, UPDATE_ERRORS, WRITE_ERRORS, pick
from kvpt.core.models import AccessLog
from kvpt.core.permissions import require_perm
from kvpt.core.scope import get_visible_or_404
from kvpt.core.views_helpers import log_classified_read
from kvpt.exercises import structure_services as services
from kvpt.exercises.models import Content, Exercise, Milestone, Phase
from kvpt.exercises.selectors import exercise_list, exercise_milestones, exercise_structure
from kvpt.exercises.structure_schemas import (
    ContentIn,
    ContentOut,
    ContentPatch,
    MilestoneIn,
    MilestoneOut,
    MilestonePatch,
    MilestoneQuery,
    MoveIn,
    PhaseIn,
    PhaseOut,
    PhasePatch,
)

router = Router(tags=["exercise structure"])

PERM = services.PERM
TIMES = ("planned_start", "planned_end", "actual_start", "actual_end")


# --- lookups -----------------------------------------------------------------------------------


def _exercise(request: HttpRequest, exercise_id: int) -> Exercise:
    """The exercise if the caller sees it (404 otherwise); a classified one's read is logged."""
    exercise = get_visible_or_404(exercise_list(request.user), pk=exercise_id)
    log_classified_read(request.user, exercise, AccessLog.Action.API)
    return exercise


def _editable(request: HttpRequest, exercise_id: int) -> Exercise:
    exercise = _exercise(request, exercise_id)
    require_perm(request.user, PERM, exercise)
    return exercise


def _phases(request: HttpRequest, exercise: Exercise) -> QuerySet[Phase]:
    return exercise_structure(request.user, exercise)


def _phase(request: HttpRequest, exercise: Exercise, phase_id: int) -> Phase:
    return get_visible_or_404(_phases(request, exercise), pk=phase_id)


def _contents(phase: Phase) -> QuerySet[Content]:
    return Content.objects.filter(phase=phase).select_related("phase").order_by("order", "pk")


def _content(phase: Phase, content_id: int) -> Content:
    return get_visible_or_404(_contents(phase), pk=content_id)


def _milestone(request: HttpRequest, exercise: Exercise, milestone_id: int) -> Milestone:
    return get_visible_or_404(exercise_milestones(request.user, exercise), pk=milestone_id)


# --- payload -> service arguments --------------------------------------------------------------


def _aware(value: Any) -> Any:
    """A time sent without an offset is a time in Vietnam (the server's TIME_ZONE)."""
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _no_nulls(data: dict[str, Any], names: tuple[str, ...]) -> None:
    nulls = [name for name in names if name in data and data[name] is None]
    if nulls:
        raise ValidationError({name: _("Trường này không được để trống.") for name in nulls})


def _timed_changes(data: dict[str, Any]) -> dict[str, Any]:
    _no_nulls(data, ("name", "is_illustrative"))
    changes = pick(data, ("name", "is_illustrative", *TIMES))
    return {name: _aware(value) for name, value in changes.items()}


def _milestone_changes(data: dict[str, Any]) -> dict[str, Any]:
    _no_nulls(data, ("kind", "starts_on", "done", "is_illustrative"))
    changes = pick(data, services.MILESTONE_FIELDS)
    for name in ("title", "location", "notes"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    if changes.get("kind") is not None:
        changes["kind"] = str(getattr(changes["kind"], "value", changes["kind"]))
    return changes


def _reread_phase(request: HttpRequest, exercise: Exercise, phase_id: int) -> Phase:
    return _phase(request, exercise, phase_id)


# --- phases ------------------------------------------------------------------------------------


@router.get(
    "/{int:exercise_id}/phases",
    response=list[PhaseOut],
    summary="Các giai đoạn của cuộc diễn tập (kèm nội dung)",
)
@paginate(PagePagination)
def list_phases(request: HttpRequest, exercise_id: int) -> QuerySet[Phase]:
    return _phases(request, _exercise(request, exercise_id))


@router.post(
    "/{int:exercise_id}/phases",
    response={201: PhaseOut, **WRITE_ERRORS},
    summary="Thêm giai đoạn (xếp cuối)",
)
def create_phase(request: HttpRequest, exercise_id: int, payload: PhaseIn) -> Status[Phase]:
    exercise = _editable(request, exercise_id)
    changes = _timed_changes(payload.model_dump())
    phase = services.phase_create(exercise=exercise, **changes, actor=request.user)
    return Status(201, _reread_phase(request, exercise, phase.pk))


@router.get(
    "/{int:exercise_id}/phases/{int:phase_id}",
    response={200: PhaseOut, **READ_ERRORS},
    summary="Một giai đoạn",
)
def get_phase(request: HttpRequest, exercise_id: int, phase_id: int) -> Phase:
    return _phase(request, _exercise(request, exercise_id), phase_id)


@router.patch(
    "/{int:exercise_id}/phases/{int:phase_id}",
    response={200: PhaseOut, **UPDATE_ERRORS},
    summary="Sửa giai đoạn",
)
def patch_phase(
    request: HttpRequest, exercise_id: int, phase_id: int, payload: PhasePatch
) -> Phase:
    exercise = _exercise(request, exercise_id)
    phase = _phase(request, exercise, phase_id)
    require_perm(request.user, PERM, exercise)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    services.phase_update(
        phase=phase, changes=_timed_changes(data), expected_version=version, actor=request.user
    )
    return _reread_phase(request, exercise, phase_id)


@router.delete(
    "/{int:exercise_id}/phases/{int:phase_id}",
    response={204: None, **UPDATE_ERRORS},
    summary="Xóa giai đoạn (cùng các nội dung của nó)",
)
def delete_phase(
    request: HttpRequest, exercise_id: int, phase_id: int, version: int | None = None
) -> Status[None]:
    exercise = _exercise(request, exercise_id)
    phase = _phase(request, exercise, phase_id)
    require_perm(request.user, PERM, exercise)
    services.phase_delete(phase=phase, expected_version=version, actor=request.user)
    return Status(204, None)


@router.post(
    "/{int:exercise_id}/phases/{int:phase_id}/move",
    response={200: list[PhaseOut], **UPDATE_ERRORS},
    summary="Chuyển giai đoạn lên / xuống một bậc; trả về các giai đoạn theo thứ tự mới",
)
def move_phase(
    request: HttpRequest, exercise_id: int, phase_id: int, payload: MoveIn
) -> list[Phase]:
    exercise = _exercise(request, exercise_id)
    phase = _phase(request, exercise, phase_id)
    require_perm(request.user, PERM, exercise)
    services.phase_move(
        phase=phase,
        direction=payload.direction,
        expected_version=payload.version,
        actor=request.user,
    )
    return list(_phases(request, exercise))


# --- contents ----------------------------------------------------------------------------------


@router.get(
    "/{int:exercise_id}/phases/{int:phase_id}/contents",
    response=list[ContentOut],
    summary="Các nội dung của một giai đoạn",
)
@paginate(PagePagination)
def list_contents(request: HttpRequest, exercise_id: int, phase_id: int) -> QuerySet[Content]:
    return _contents(_phase(request, _exercise(request, exercise_id), phase_id))


@router.post(
    "/{int:exercise_id}/phases/{int:phase_id}/contents",
    response={201: ContentOut, **WRITE_ERRORS},
    summary="Thêm nội dung vào giai đoạn (xếp cuối)",
)
def create_content(
    request: HttpRequest, exercise_id: int, phase_id: int, payload: ContentIn
) -> Status[Content]:
    exercise = _editable(request, exercise_id)
    phase = _phase(request, exercise, phase_id)
    content = services.content_create(
        phase=phase, **_timed_changes(payload.model_dump()), actor=request.user
    )
    return Status(201, _content(phase, content.pk))


@router.get(
    "/{int:exercise_id}/phases/{int:phase_id}/contents/{int:content_id}",
    response={200: ContentOut, **READ_ERRORS},
    summary="Một nội dung",
)
def get_content(request: HttpRequest, exercise_id: int, phase_id: int, content_id: int) -> Content:
    return _content(_phase(request, _exercise(request, exercise_id), phase_id), content_id)


@router.patch(
    "/{int:exercise_id}/phases/{int:phase_id}/contents/{int:content_id}",
    response={200: ContentOut, **UPDATE_ERRORS},
    summary="Sửa nội dung",
)
def patch_content(
    request: HttpRequest, exercise_id: int, phase_id: int, content_id: int, payload: ContentPatch
) -> Content:
    exercise = _exercise(request, exercise_id)
    phase = _phase(request, exercise, phase_id)
    content = _content(phase, content_id)
    require_perm(request.user, PERM, exercise)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    services.content_update(
        content=content,
        changes=_timed_changes(data),
        expected_version=version,
        actor=request.user,
    )
    return _content(phase, content_id)


@router.delete(
    "/{int:exercise_id}/phases/{int:phase_id}/contents/{int:content_id}",
    response={204: None, **UPDATE_ERRORS},
    summary="Xóa nội dung",
)
def delete_content(
    request: HttpRequest,
    exercise_id: int,
    phase_id: int,
    content_id: int,
    version: int | None = None,
) -> Status[None]:
    exercise = _exercise(request, exercise_id)
    content = _content(_phase(request, exercise, phase_id), content_id)
    require_perm(request.user, PERM, exercise)
    services.content_delete(content=content, expected_version=version, actor=request.user)
    return Status(204, None)


@router.post(
    "/{int:exercise_id}/phases/{int:phase_id}/contents/{int:content_id}/move",
    response={200: list[ContentOut], **UPDATE_ERRORS},
    summary="Chuyển nội dung lên / xuống một bậc; trả về các nội dung theo thứ tự mới",
)
def move_content(
    request: HttpRequest, exercise_id: int, phase_id: int, content_id: int, payload: MoveIn
) -> list[Content]:
    exercise = _exercise(request, exercise_id)
    phase = _phase(request, exercise, phase_id)
    content = _content(phase, content_id)
    require_perm(request.user, PERM, exercise)
    services.content_move(
        content=content,
        direction=payload.direction,
        expected_version=payload.version,
        actor=request.user,
    )
    return list(_contents(phase))


# --- milestones --------------------------------------------------------------------------------


@router.get(
    "/{int:exercise_id}/milestones",
    response=list[MilestoneOut],
    summary="Các mốc thời gian của cuộc diễn tập, theo ngày",
)
@paginate(PagePagination)
def list_milestones(
    request: HttpRequest, exercise_id: int, filters: Query[MilestoneQuery]
) -> QuerySet[Milestone]:
    qs = exercise_milestones(request.user, _exercise(request, exercise_id))
    if filters.start is not None:
        qs = qs.filter(
            Q(ends_on__gte=filters.start) | Q(ends_on__isnull=True, starts_on__gte=filters.start)
        )
    if filters.end is not None:
        qs = qs.filter(starts_on__lte=filters.end)
    if filters.kind is not None:
        qs = qs.filter(kind=filters.kind.value)
    return qs


@router.post(
    "/{int:exercise_id}/milestones",
    response={201: MilestoneOut, **WRITE_ERRORS},
    summary="Thêm mốc thời gian",
)
def create_milestone(
    request: HttpRequest, exercise_id: int, payload: MilestoneIn
) -> Status[Milestone]:
    exercise = _editable(request, exercise_id)
    milestone = services.milestone_create(
        exercise=exercise, **_milestone_changes(payload.model_dump()), actor=request.user
    )
    return Status(201, _milestone(request, exercise, milestone.pk))


@router.get(
    "/{int:exercise_id}/milestones/{int:milestone_id}",
    response={200: MilestoneOut, **READ_ERRORS},
    summary="Một mốc thời gian",
)
def get_milestone(request: HttpRequest, exercise_id: int, milestone_id: int) -> Milestone:
    return _milestone(request, _exercise(request, exercise_id), milestone_id)


@router.patch(
    "/{int:exercise_id}/milestones/{int:milestone_id}",
    response={200: MilestoneOut, **UPDATE_ERRORS},
    summary="Sửa mốc thời gian",
)
def patch_milestone(
    request: HttpRequest, exercise_id: int, milestone_id: int, payload: MilestonePatch
) -> Milestone:
    exercise = _exercise(request, exercise_id)
    milestone = _milestone(request, exercise, milestone_id)
    require_perm(request.user, PERM, exercise)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    services.milestone_update(
        milestone=milestone,
        changes=_milestone_changes(data),
        expected_version=version,
        actor=request.user,
    )
    return _milestone(request, exercise, milestone_id)


@router.delete(
    "/{int:exercise_id}/milestones/{int:milestone_id}",
    response={204: None, **UPDATE_ERRORS},
    summary="Xóa mốc thời gian",
)
def delete_milestone(
    request: HttpRequest, exercise_id: int, milestone_id: int, version: int | None = None
) -> Status[None]:
    exercise = _exercise(request, exercise_id)
    milestone = _milestone(request, exercise, milestone_id)
    require_perm(request.user, PERM, exercise)
    services.milestone_delete(milestone=milestone, expected_version=version, actor=request.user)
    return Status(204, None)
