"""API of the scenario: /exercises/{id}/situations, injects (and their moves), clock, log,
incidents. Reads go through the selectors (outside scope or above clearance: 404), writes through
the services (403 without the right, 409 on a stale version, 422 refused input).
"""

# No `from __future__ import annotations`: ninja reads the parameter types of paginated endpoints
# through ninja.pagination's wrapper, whose module cannot resolve string annotations.
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from kvpt.core.api import PagePagination
from kvpt.core.api_crud import (
    READ_ERRORS,
    UPDATE_ERRORS,
    WRITE_ERRORS,
    LoggedPagePagination,
    get_logged,
    pick,
    reference,
)
from kvpt.core.permissions import require_perm
from kvpt.core.scope import get_visible_or_404
from kvpt.exercises.selectors import content_list, exercise_list, phase_list
from kvpt.scenario import selectors, services
from kvpt.scenario.models import (
    ConductClock,
    ConductLogEntry,
    Inject,
    InjectTransition,
    SafetyIncident,
    Situation,
)
from kvpt.scenario.schemas import (
    ClockIn,
    ClockOut,
    IncidentIn,
    IncidentOut,
    IncidentPatch,
    IncidentSafetyOut,
    InjectFilters,
    InjectIn,
    InjectOut,
    InjectPatch,
    InjectTransitionIn,
    InjectTransitionOut,
    LogEntryIn,
    LogEntryOut,
    LogEntryPatch,
    SituationIn,
    SituationKindOut,
    SituationOut,
    SituationPatch,
)

router = Router(tags=["scenario"])
BASE = "/exercises/{int:exercise_id}"


def _exercise(user: Any, exercise_id: int) -> Any:
    return get_visible_or_404(exercise_list(user), pk=exercise_id)


def _plain(data: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {
        name: value.value if hasattr(value, "value") else value
        for name, value in pick(data, names).items()
    }


def _no_blanks(changes: dict[str, Any], nullable: tuple[str, ...]) -> None:
    blank = [n for n, v in changes.items() if v is None and n not in nullable]
    if blank:
        raise ValidationError({n: _("Trường này không được để trống.") for n in blank})


# --- situations --------------------------------------------------------------------------------

SITUATION_PLAIN = (
    "code",
    "title",
    "location",
    "location_classification",
    "forces_text",
    "classification",
    "notes",
    "is_illustrative",
)


def _situation_changes(
    user: Any, exercise_id: int, data: dict[str, Any], current: Any
) -> dict[str, Any]:
    from kvpt.organisations.selectors import agency_list

    changes = _plain(data, SITUATION_PLAIN)
    if current is None and changes.get("classification") is None:
        changes.pop("classification", None)
    _no_blanks(changes, ())
    if data.get("kind_code") is not None:
        kind = selectors.situation_kinds().filter(code=data["kind_code"]).first()
        if kind is None:
            raise ValidationError({"kind_code": _("Không có loại tình huống này.")})
        changes["kind"] = kind
    changes |= reference(
        data,
        "phase",
        phase_list(user).filter(exercise_id=exercise_id),
        _("giai đoạn"),
        current=current,
    )
    changes |= reference(data, "lead_agency", agency_list(user), _("cơ quan"), current=current)
    return changes


def _situation(user: Any, exercise_id: int, situation_id: int) -> Situation:
    return get_visible_or_404(selectors.exercise_situations(user, exercise_id), pk=situation_id)


@router.get(
    "/situation-kinds",
    response={200: list[SituationKindOut], **READ_ERRORS},
    summary="Danh mục loại tình huống",
)
@paginate(PagePagination)
def list_situation_kinds(request: HttpRequest) -> Any:
    return selectors.situation_kinds()


@router.get(
    BASE + "/situations",
    response={200: list[SituationOut], **READ_ERRORS},
    summary="Tình huống của một cuộc diễn tập",
)
@paginate(LoggedPagePagination)
def list_situations(request: HttpRequest, exercise_id: int) -> Any:
    exercise = _exercise(request.user, exercise_id)
    return selectors.exercise_situations(request.user, exercise.pk)


@router.post(
    BASE + "/situations", response={201: SituationOut, **WRITE_ERRORS}, summary="Thêm tình huống"
)
def create_situation(
    request: HttpRequest, exercise_id: int, payload: SituationIn
) -> Status[Situation]:
    user = request.user
    exercise = _exercise(user, exercise_id)
    changes = _situation_changes(user, exercise.pk, payload.model_dump(), None)
    made = services.situation_create(exercise=exercise, **changes, actor=user)
    return Status(201, _situation(user, exercise.pk, made.pk))


@router.get(
    BASE + "/situations/{int:situation_id}",
    response={200: SituationOut, **READ_ERRORS},
    summary="Một tình huống",
)
def get_situation(request: HttpRequest, exercise_id: int, situation_id: int) -> Situation:
    return get_logged(
        request, selectors.exercise_situations(request.user, exercise_id), situation_id
    )


@router.patch(
    BASE + "/situations/{int:situation_id}",
    response={200: SituationOut, **UPDATE_ERRORS},
    summary="Sửa tình huống",
)
def patch_situation(
    request: HttpRequest, exercise_id: int, situation_id: int, payload: SituationPatch
) -> Situation:
    user = request.user
    situation = _situation(user, exercise_id, situation_id)
    require_perm(user, services.CHANGE, situation)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    services.situation_update(
        situation=situation,
        changes=_situation_changes(user, exercise_id, data, situation),
        expected_version=version,
        actor=user,
    )
    return _situation(user, exercise_id, situation_id)


@router.delete(
    BASE + "/situations/{int:situation_id}",
    response={204: None, **UPDATE_ERRORS},
    summary="Xóa tình huống",
)
def delete_situation(
    request: HttpRequest, exercise_id: int, situation_id: int, version: int | None = None
) -> Status[None]:
    user = request.user
    situation = _situation(user, exercise_id, situation_id)
    require_perm(user, services.CHANGE, situation)
    services.situation_delete(situation=situation, expected_version=version, actor=user)
    return Status(204, None)


# --- injects -----------------------------------------------------------------------------------

INJECT_PLAIN = (
    "serial",
    "content",
    "scenario_time",
    "scheduled_at",
    "from_org",
    "to_text",
    "method",
    "expected_action",
    "objective",
    "classification",
    "notes",
    "is_illustrative",
)


def _inject_changes(
    user: Any, exercise_id: int, data: dict[str, Any], current: Any
) -> dict[str, Any]:
    from kvpt.organisations.selectors import agency_list, person_list, unit_list

    changes = _plain(data, INJECT_PLAIN)
    if current is None:
        for name in ("classification", "serial"):
            if changes.get(name) is None:
                changes.pop(name, None)
    _no_blanks(changes, ("scheduled_at",))
    changes |= reference(
        data,
        "phase",
        phase_list(user).filter(exercise_id=exercise_id),
        _("giai đoạn"),
        current=current,
    )
    if "content_item_id" in data:
        item_id = data["content_item_id"]
        item = (
            content_list(user).filter(phase__exercise_id=exercise_id, pk=item_id).first()
            if item_id is not None
            else None
        )
        if item_id is not None and item is None:
            raise ValidationError(
                {"content_item_id": _("Không tìm thấy nội dung này trong phạm vi của bạn.")}
            )
        changes["content_item"] = item
    changes |= reference(
        data,
        "situation",
        selectors.exercise_situations(user, exercise_id),
        _("tình huống"),
        current=current,
    )
    changes |= reference(data, "to_agency", agency_list(user), _("cơ quan"), current=current)
    changes |= reference(data, "to_unit", unit_list(user), _("đơn vị"), current=current)
    changes |= reference(data, "controller", person_list(user), _("cán bộ"), current=current)
    return changes


def _inject(user: Any, exercise_id: int, inject_id: int) -> Inject:
    return get_visible_or_404(
        selectors.inject_list(user).filter(exercise_id=exercise_id), pk=inject_id
    )


@router.get(
    BASE + "/injects",
    response={200: list[InjectOut], **READ_ERRORS},
    summary="Kịch bản chi tiết (MSEL) của một cuộc diễn tập",
)
@paginate(LoggedPagePagination)
def list_injects(request: HttpRequest, exercise_id: int, filters: Query[InjectFilters]) -> Any:
    exercise = _exercise(request.user, exercise_id)
    found = selectors.inject_search(
        request.user,
        exercise.pk,
        selectors.InjectFilters(
            phase=filters.phase,
            situation=filters.situation,
            status=filters.status.value if filters.status else "",
            controller=filters.controller,
        ),
    )
    # InjectOut reads the situation's code and only ids of the rest: joining the other six
    # tables made PostgreSQL spend 13-30 ms planning a query it ran in 1-5 ms.
    return found.select_related(None).select_related("situation")


@router.post(
    BASE + "/injects", response={201: InjectOut, **WRITE_ERRORS}, summary="Thêm sự kiện kịch bản"
)
def create_inject(request: HttpRequest, exercise_id: int, payload: InjectIn) -> Status[Inject]:
    user = request.user
    exercise = _exercise(user, exercise_id)
    changes = _inject_changes(user, exercise.pk, payload.model_dump(), None)
    made = services.inject_create(exercise=exercise, **changes, actor=user)
    return Status(201, _inject(user, exercise.pk, made.pk))


@router.get(
    BASE + "/injects/{int:inject_id}",
    response={200: InjectOut, **READ_ERRORS},
    summary="Một sự kiện kịch bản",
)
def get_inject(request: HttpRequest, exercise_id: int, inject_id: int) -> Inject:
    return get_logged(
        request, selectors.inject_list(request.user).filter(exercise_id=exercise_id), inject_id
    )


@router.patch(
    BASE + "/injects/{int:inject_id}",
    response={200: InjectOut, **UPDATE_ERRORS},
    summary="Sửa sự kiện kịch bản",
)
def patch_inject(
    request: HttpRequest, exercise_id: int, inject_id: int, payload: InjectPatch
) -> Inject:
    user = request.user
    inject = _inject(user, exercise_id, inject_id)
    require_perm(user, services.CHANGE, inject)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    services.inject_update(
        inject=inject,
        changes=_inject_changes(user, exercise_id, data, inject),
        expected_version=version,
        actor=user,
    )
    return _inject(user, exercise_id, inject_id)


@router.delete(
    BASE + "/injects/{int:inject_id}",
    response={204: None, **UPDATE_ERRORS},
    summary="Xóa sự kiện kịch bản",
)
def delete_inject(
    request: HttpRequest, exercise_id: int, inject_id: int, version: int | None = None
) -> Status[None]:
    user = request.user
    inject = _inject(user, exercise_id, inject_id)
    require_perm(user, services.CHANGE, inject)
    services.inject_delete(inject=inject, expected_version=version, actor=user)
    return Status(204, None)


@router.post(
    BASE + "/injects/{int:inject_id}/transitions",
    response={200: InjectOut, **UPDATE_ERRORS},
    summary="Chuyển trạng thái sự kiện (duyệt, phát, hoàn thành, bỏ qua)",
)
def move_inject(
    request: HttpRequest, exercise_id: int, inject_id: int, payload: InjectTransitionIn
) -> Inject:
    user = request.user
    inject = _inject(user, exercise_id, inject_id)
    services.inject_transition(
        inject=inject,
        to_status=payload.to_status.value,
        note=payload.note,
        expected_version=payload.version,
        actor=user,
    )
    return _inject(user, exercise_id, inject_id)


@router.get(
    BASE + "/injects/{int:inject_id}/transitions",
    response={200: list[InjectTransitionOut], **READ_ERRORS},
    summary="Lịch sử trạng thái của sự kiện",
)
@paginate(PagePagination)
def list_inject_moves(request: HttpRequest, exercise_id: int, inject_id: int) -> Any:
    inject = _inject(request.user, exercise_id, inject_id)
    return InjectTransition.objects.filter(inject=inject).order_by("at", "pk")


# --- clock -------------------------------------------------------------------------------------


@router.get(BASE + "/clock", response={200: ClockOut, **READ_ERRORS}, summary="Đồng hồ diễn tập")
def get_clock(request: HttpRequest, exercise_id: int) -> ConductClock:
    exercise = _exercise(request.user, exercise_id)
    existing = selectors.clock_list(request.user).filter(exercise=exercise).first()
    return existing or ConductClock(exercise=exercise, pk=0)


@router.post(
    BASE + "/clock",
    response={200: ClockOut, **UPDATE_ERRORS},
    summary="Bắt đầu, tạm dừng, tiếp tục, kết thúc đồng hồ",
)
def act_on_clock(request: HttpRequest, exercise_id: int, payload: ClockIn) -> ConductClock:
    exercise = _exercise(request.user, exercise_id)
    return services.clock_action(
        exercise=exercise,
        action=payload.action.value,
        expected_version=payload.version,
        actor=request.user,
    )


# --- conduct log -------------------------------------------------------------------------------


def _entry(user: Any, exercise_id: int, conductlogentry_id: int) -> ConductLogEntry:
    return get_visible_or_404(
        selectors.log_entry_list(user).filter(exercise_id=exercise_id), pk=conductlogentry_id
    )


def _log_changes(user: Any, exercise_id: int, data: dict[str, Any], current: Any) -> dict[str, Any]:
    changes = _plain(data, ("text", "at", "classification", "is_illustrative"))
    if current is None:
        for name in ("classification", "at"):
            if changes.get(name) is None:
                changes.pop(name, None)
    _no_blanks(changes, ())
    changes |= reference(
        data,
        "inject",
        selectors.inject_list(user).filter(exercise_id=exercise_id),
        _("sự kiện"),
        current=current,
    )
    return changes


@router.get(
    BASE + "/log",
    response={200: list[LogEntryOut], **READ_ERRORS},
    summary="Nhật ký điều hành",
)
@paginate(LoggedPagePagination)
def list_log(request: HttpRequest, exercise_id: int) -> Any:
    exercise = _exercise(request.user, exercise_id)
    return selectors.log_entry_list(request.user).filter(exercise=exercise)


@router.post(BASE + "/log", response={201: LogEntryOut, **WRITE_ERRORS}, summary="Ghi nhật ký")
def create_log_entry(
    request: HttpRequest, exercise_id: int, payload: LogEntryIn
) -> Status[ConductLogEntry]:
    user = request.user
    exercise = _exercise(user, exercise_id)
    changes = _log_changes(user, exercise.pk, payload.model_dump(), None)
    made = services.log_entry_create(exercise=exercise, **changes, actor=user)
    return Status(201, _entry(user, exercise.pk, made.pk))


@router.get(
    BASE + "/log/{int:conductlogentry_id}",
    response={200: LogEntryOut, **READ_ERRORS},
    summary="Một dòng nhật ký",
)
def get_log_entry(
    request: HttpRequest, exercise_id: int, conductlogentry_id: int
) -> ConductLogEntry:
    return get_logged(
        request,
        selectors.log_entry_list(request.user).filter(exercise_id=exercise_id),
        conductlogentry_id,
    )


@router.patch(
    BASE + "/log/{int:conductlogentry_id}",
    response={200: LogEntryOut, **UPDATE_ERRORS},
    summary="Sửa dòng nhật ký",
)
def patch_log_entry(
    request: HttpRequest, exercise_id: int, conductlogentry_id: int, payload: LogEntryPatch
) -> ConductLogEntry:
    user = request.user
    entry = _entry(user, exercise_id, conductlogentry_id)
    require_perm(user, services.CONDUCT, entry)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    services.log_entry_update(
        entry=entry,
        changes=_log_changes(user, exercise_id, data, entry),
        expected_version=version,
        actor=user,
    )
    return _entry(user, exercise_id, conductlogentry_id)


@router.delete(
    BASE + "/log/{int:conductlogentry_id}",
    response={204: None, **UPDATE_ERRORS},
    summary="Xóa dòng nhật ký",
)
def delete_log_entry(
    request: HttpRequest, exercise_id: int, conductlogentry_id: int, version: int | None = None
) -> Status[None]:
    user = request.user
    entry = _entry(user, exercise_id, conductlogentry_id)
    require_perm(user, services.CONDUCT, entry)
    services.log_entry_delete(entry=entry, expected_version=version, actor=user)
    return Status(204, None)


# --- safety incidents --------------------------------------------------------------------------

INCIDENT_PLAIN = (
    "category",
    "description",
    "at",
    "severity",
    "injured_count",
    "killed_count",
    "resolution",
    "resolved_at",
    "classification",
    "is_illustrative",
)


def _incident(user: Any, exercise_id: int, incident_id: int) -> SafetyIncident:
    return get_visible_or_404(
        selectors.incident_list(user).filter(exercise_id=exercise_id), pk=incident_id
    )


def _incident_changes(data: dict[str, Any], current: Any) -> dict[str, Any]:
    changes = _plain(data, INCIDENT_PLAIN)
    if current is None:
        for name in ("classification", "at"):
            if changes.get(name) is None:
                changes.pop(name, None)
    _no_blanks(changes, ("resolved_at",))
    return changes


@router.get(
    BASE + "/incidents",
    response={200: list[IncidentOut], **READ_ERRORS},
    summary="Sự cố an toàn",
)
@paginate(LoggedPagePagination)
def list_incidents(request: HttpRequest, exercise_id: int) -> Any:
    exercise = _exercise(request.user, exercise_id)
    return selectors.incident_list(request.user).filter(exercise=exercise)


@router.get(
    BASE + "/incidents/summary",
    response={200: IncidentSafetyOut, **READ_ERRORS},
    summary="Tổng hợp sự cố, thương vong",
)
def incident_summary(request: HttpRequest, exercise_id: int) -> dict[str, int]:
    exercise = _exercise(request.user, exercise_id)
    return selectors.safety_summary(request.user, exercise.pk)


@router.post(
    BASE + "/incidents", response={201: IncidentOut, **WRITE_ERRORS}, summary="Ghi sự cố an toàn"
)
def create_incident(
    request: HttpRequest, exercise_id: int, payload: IncidentIn
) -> Status[SafetyIncident]:
    user = request.user
    exercise = _exercise(user, exercise_id)
    made = services.incident_create(
        exercise=exercise, **_incident_changes(payload.model_dump(), None), actor=user
    )
    return Status(201, _incident(user, exercise.pk, made.pk))


@router.get(
    BASE + "/incidents/{int:incident_id}",
    response={200: IncidentOut, **READ_ERRORS},
    summary="Một sự cố an toàn",
)
def get_incident(request: HttpRequest, exercise_id: int, incident_id: int) -> SafetyIncident:
    return get_logged(
        request, selectors.incident_list(request.user).filter(exercise_id=exercise_id), incident_id
    )


@router.patch(
    BASE + "/incidents/{int:incident_id}",
    response={200: IncidentOut, **UPDATE_ERRORS},
    summary="Sửa sự cố an toàn",
)
def patch_incident(
    request: HttpRequest, exercise_id: int, incident_id: int, payload: IncidentPatch
) -> SafetyIncident:
    user = request.user
    incident = _incident(user, exercise_id, incident_id)
    require_perm(user, services.CONDUCT, incident)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    services.incident_update(
        incident=incident,
        changes=_incident_changes(data, incident),
        expected_version=version,
        actor=user,
    )
    return _incident(user, exercise_id, incident_id)


@router.delete(
    BASE + "/incidents/{int:incident_id}",
    response={204: None, **UPDATE_ERRORS},
    summary="Xóa sự cố an toàn",
)
def delete_incident(
    request: HttpRequest, exercise_id: int, incident_id: int, version: int | None = None
) -> Status[None]:
    user = request.user
    incident = _incident(user, exercise_id, incident_id)
    require_perm(user, services.CONDUCT, incident)
    services.incident_delete(incident=incident, expected_version=version, actor=user)
    return Status(204, None)
