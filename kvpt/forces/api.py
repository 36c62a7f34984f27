"""API of forces under /exercises/{id}/: forces, force-allocations (with vehicles and
equipment), mobilisation, roster (with import and check-in), weapon-issues, accountability.

Reads go through the selectors (outside scope: 404), writes through the services (403 without the
right, 409 on a stale version, 422 refused input).
"""

# No `from __future__ import annotations`: ninja reads the parameter types of paginated endpoints
# through ninja.pagination's wrapper, whose module cannot resolve string annotations.
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from kvpt.core import spreadsheets as xl
from kvpt.core.api import ErrorOut, PagePagination
from kvpt.core.api_crud import READ_ERRORS, UPDATE_ERRORS, WRITE_ERRORS, pick, resolve_ref
from kvpt.core.permissions import require_perm
from kvpt.core.scope import get_visible_or_404
from kvpt.exercises.selectors import exercise_list
from kvpt.forces import selectors
from kvpt.forces.accountability import accountability
from kvpt.forces.models import Force, ForceAllocation, RosterEntry, WeaponIssue
from kvpt.forces.roster_sheets import roster_import
from kvpt.forces.schemas import (
    AccountabilityOut,
    AllocationIn,
    AllocationOut,
    AllocationPatch,
    CheckInIn,
    ForceIn,
    ForceOut,
    ForcePatch,
    MobilisationOut,
    RosterImportOut,
    RosterIn,
    RosterOut,
    RosterPatch,
    UnitPresentIn,
    UnitPresentOut,
    WeaponIn,
    WeaponOut,
    WeaponPatch,
)
from kvpt.forces.services import (
    PERM,
    REPORT_PERM,
    allocation_create,
    allocation_delete,
    allocation_update,
    force_create,
    force_delete,
    force_update,
    roster_check_in,
    roster_entry_create,
    roster_entry_delete,
    roster_entry_update,
    roster_mark_unit_present,
    units_for,
    weapon_issue_create,
    weapon_issue_delete,
    weapon_issue_update,
)

router = Router(tags=["forces"])

BASE = "/exercises/{int:exercise_id}"


def _exercise(user: Any, exercise_id: int) -> Any:
    return get_visible_or_404(exercise_list(user), pk=exercise_id)


def _unit(user: Any, exercise: Any, data: dict[str, Any], current: Any, required: bool) -> Any:
    return resolve_ref(
        units_for(user, exercise), data, "unit", _("đơn vị"), current=current, required=required
    )


def _named_unit(data: dict[str, Any]) -> bool:
    return data.get("unit_id") is not None or bool(data.get("unit_code"))


# --- forces ------------------------------------------------------------------------------------


def _forces(user: Any, exercise_id: int) -> Any:
    return selectors.force_list(user).filter(exercise_id=exercise_id)


@router.get(BASE + "/forces", response={200: list[ForceOut], **READ_ERRORS}, summary="Lực lượng")
@paginate(PagePagination)
def list_forces(request: HttpRequest, exercise_id: int) -> Any:
    exercise = _exercise(request.user, exercise_id)
    return _forces(request.user, exercise.pk).order_by("order", "code")


@router.post(BASE + "/forces", response={201: ForceOut, **WRITE_ERRORS}, summary="Thêm lực lượng")
def create_force(request: HttpRequest, exercise_id: int, payload: ForceIn) -> Status[Force]:
    exercise = _exercise(request.user, exercise_id)
    force = force_create(exercise=exercise, **payload.model_dump(), actor=request.user)
    return Status(201, force)


@router.get(
    BASE + "/forces/{int:force_id}",
    response={200: ForceOut, **READ_ERRORS},
    summary="Một lực lượng",
)
def get_force(request: HttpRequest, exercise_id: int, force_id: int) -> Force:
    return get_visible_or_404(_forces(request.user, exercise_id), pk=force_id)


@router.patch(
    BASE + "/forces/{int:force_id}",
    response={200: ForceOut, **UPDATE_ERRORS},
    summary="Sửa lực lượng",
)
def patch_force(
    request: HttpRequest, exercise_id: int, force_id: int, payload: ForcePatch
) -> Force:
    user = request.user
    force = get_visible_or_404(_forces(user, exercise_id), pk=force_id)
    require_perm(user, PERM, force)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    return force_update(force=force, changes=data, expected_version=version, actor=user)


@router.delete(
    BASE + "/forces/{int:force_id}", response={204: None, **UPDATE_ERRORS}, summary="Xóa lực lượng"
)
def delete_force(
    request: HttpRequest, exercise_id: int, force_id: int, version: int | None = None
) -> Status[None]:
    user = request.user
    force = get_visible_or_404(_forces(user, exercise_id), pk=force_id)
    require_perm(user, PERM, force)
    force_delete(force=force, expected_version=version, actor=user)
    return Status(204, None)


# --- allocations -------------------------------------------------------------------------------


def _allocations(user: Any, exercise_id: int) -> Any:
    return (
        selectors.allocation_list(user)
        .filter(exercise_id=exercise_id)
        .prefetch_related("forces", "vehicles", "equipment")
    )


def _allocation_changes(
    user: Any, exercise: Any, data: dict[str, Any], current: Any
) -> dict[str, Any]:
    changes = pick(
        data, ("planned_personnel", "actual_personnel", "size_label", "notes", "is_illustrative")
    )
    if current is None or _named_unit(data):
        changes["unit"] = _unit(
            user, exercise, data, current.unit if current else None, current is None
        )
    if data.get("force_ids") is not None:
        wanted = set(data["force_ids"])
        found = list(_forces(user, exercise.pk).filter(pk__in=wanted))
        if len(found) != len(wanted):
            raise ValidationError(
                {"force_ids": _("Không tìm thấy lực lượng này trong cuộc diễn tập.")}
            )
        changes["forces"] = found
    for name in ("vehicles", "equipment"):
        if data.get(name) is not None:
            changes[name] = data[name]
    for name in ("size_label", "notes"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    return changes


@router.get(
    BASE + "/force-allocations",
    response={200: list[AllocationOut], **READ_ERRORS},
    summary="Đơn vị huy động",
)
@paginate(PagePagination)
def list_allocations(request: HttpRequest, exercise_id: int) -> Any:
    exercise = _exercise(request.user, exercise_id)
    return _allocations(request.user, exercise.pk).order_by("unit__name", "pk")


@router.post(
    BASE + "/force-allocations",
    response={201: AllocationOut, **WRITE_ERRORS},
    summary="Thêm đơn vị huy động (mỗi đơn vị một lần)",
)
def create_allocation(
    request: HttpRequest, exercise_id: int, payload: AllocationIn
) -> Status[ForceAllocation]:
    user = request.user
    exercise = _exercise(user, exercise_id)
    changes = _allocation_changes(user, exercise, payload.model_dump(), None)
    changes.setdefault("forces", [])
    allocation = allocation_create(exercise=exercise, **changes, actor=user)
    return Status(201, get_visible_or_404(_allocations(user, exercise.pk), pk=allocation.pk))


@router.get(
    BASE + "/force-allocations/{int:allocation_id}",
    response={200: AllocationOut, **READ_ERRORS},
    summary="Một đơn vị huy động",
)
def get_allocation(request: HttpRequest, exercise_id: int, allocation_id: int) -> ForceAllocation:
    return get_visible_or_404(_allocations(request.user, exercise_id), pk=allocation_id)


@router.patch(
    BASE + "/force-allocations/{int:allocation_id}",
    response={200: AllocationOut, **UPDATE_ERRORS},
    summary="Sửa, báo cáo quân số của đơn vị huy động",
)
def patch_allocation(
    request: HttpRequest, exercise_id: int, allocation_id: int, payload: AllocationPatch
) -> ForceAllocation:
    user = request.user
    allocation = get_visible_or_404(_allocations(user, exercise_id), pk=allocation_id)
    require_perm(user, REPORT_PERM, allocation)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    changes = _allocation_changes(user, allocation.exercise, data, allocation)
    allocation_update(allocation=allocation, changes=changes, expected_version=version, actor=user)
    return get_visible_or_404(_allocations(user, exercise_id), pk=allocation_id)


@router.delete(
    BASE + "/force-allocations/{int:allocation_id}",
    response={204: None, **UPDATE_ERRORS},
    summary="Xóa đơn vị huy động",
)
def delete_allocation(
    request: HttpRequest, exercise_id: int, allocation_id: int, version: int | None = None
) -> Status[None]:
    user = request.user
    allocation = get_visible_or_404(_allocations(user, exercise_id), pk=allocation_id)
    require_perm(user, PERM, allocation)
    allocation_delete(allocation=allocation, expected_version=version, actor=user)
    return Status(204, None)


def _tally(t: Any) -> dict[str, Any]:
    return {
        "units": t.units,
        "planned": t.planned,
        "actual_of_planned": t.actual_of_planned,
        "actual": t.actual,
        "rate": t.rate,
        "rate_text": t.rate_text,
        "size_only": t.size_only,
        "vehicles": t.vehicles,
        "vehicle_total": t.vehicle_total,
        "equipment": t.equipment,
    }


@router.get(
    BASE + "/mobilisation",
    response={200: MobilisationOut, **READ_ERRORS},
    summary="Tổng hợp huy động: theo đơn vị, theo lực lượng, tổng (mỗi đơn vị tính một lần)",
)
def get_mobilisation(request: HttpRequest, exercise_id: int) -> dict[str, Any]:
    exercise = _exercise(request.user, exercise_id)
    m = selectors.mobilisation(request.user, exercise.pk)
    return {
        "total": _tally(m.total),
        "forces": [
            {
                "force_id": f.force.pk,
                "code": f.force.code,
                "name": f.force.name,
                "situations": f.force.situations,
                "tally": _tally(f.tally),
            }
            for f in m.forces
        ],
        "units": [
            {
                "allocation_id": u.allocation.pk,
                "unit_name": u.unit_name,
                "force_codes": [f.code for f in u.forces],
                "planned": u.planned,
                "actual": u.actual,
                "size_label": u.size_label,
                "rate": u.rate,
                "text": u.text,
                "vehicles": u.vehicles,
                "roster_count": u.roster_count,
                "attended_count": u.attended_count,
            }
            for u in m.units
        ],
        "forces_overlap": m.forces_overlap,
        "any_illustrative": m.any_illustrative,
    }


# --- roster ------------------------------------------------------------------------------------


def _roster(user: Any, exercise_id: int) -> Any:
    return selectors.roster_list(user).filter(exercise_id=exercise_id)


@router.get(
    BASE + "/roster", response={200: list[RosterOut], **READ_ERRORS}, summary="Danh sách quân số"
)
@paginate(PagePagination)
def list_roster(
    request: HttpRequest,
    exercise_id: int,
    q: str = "",
    unit: int | None = None,
    attended: bool | None = None,
) -> Any:
    exercise = _exercise(request.user, exercise_id)
    flag = "" if attended is None else ("1" if attended else "0")
    return selectors.roster_search(request.user, exercise.pk, q=q, unit=unit, attended=flag)


@router.post(BASE + "/roster", response={201: RosterOut, **WRITE_ERRORS}, summary="Thêm người")
def create_roster_entry(
    request: HttpRequest, exercise_id: int, payload: RosterIn
) -> Status[RosterEntry]:
    user = request.user
    exercise = _exercise(user, exercise_id)
    data = payload.model_dump()
    unit = _unit(user, exercise, data, None, True)
    fields = pick(
        data,
        ("person_code", "full_name", "rank", "role", "reserve_status", "phone", "date_of_birth"),
    )
    fields["reserve_status"] = str(
        getattr(fields["reserve_status"], "value", fields["reserve_status"])
    )
    entry = roster_entry_create(exercise=exercise, unit=unit, **fields, actor=user)
    return Status(201, entry)


@router.get(
    BASE + "/roster/{int:entry_id}", response={200: RosterOut, **READ_ERRORS}, summary="Một người"
)
def get_roster_entry(request: HttpRequest, exercise_id: int, entry_id: int) -> RosterEntry:
    return get_visible_or_404(_roster(request.user, exercise_id), pk=entry_id)


@router.patch(
    BASE + "/roster/{int:entry_id}",
    response={200: RosterOut, **UPDATE_ERRORS},
    summary="Sửa người trong danh sách",
)
def patch_roster_entry(
    request: HttpRequest, exercise_id: int, entry_id: int, payload: RosterPatch
) -> RosterEntry:
    user = request.user
    entry = get_visible_or_404(_roster(user, exercise_id), pk=entry_id)
    require_perm(user, PERM, entry)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    changes = pick(
        data,
        ("person_code", "full_name", "rank", "role", "reserve_status", "phone", "date_of_birth"),
    )
    if "reserve_status" in changes:
        changes["reserve_status"] = str(
            getattr(changes["reserve_status"], "value", changes["reserve_status"])
        )
    for name in ("person_code", "rank", "role", "phone"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    if _named_unit(data):
        changes["unit"] = _unit(user, entry.exercise, data, entry.unit, False)
    return roster_entry_update(entry=entry, changes=changes, expected_version=version, actor=user)


@router.delete(
    BASE + "/roster/{int:entry_id}",
    response={204: None, **UPDATE_ERRORS},
    summary="Xóa người khỏi danh sách",
)
def delete_roster_entry(
    request: HttpRequest, exercise_id: int, entry_id: int, version: int | None = None
) -> Status[None]:
    user = request.user
    entry = get_visible_or_404(_roster(user, exercise_id), pk=entry_id)
    require_perm(user, PERM, entry)
    roster_entry_delete(entry=entry, expected_version=version, actor=user)
    return Status(204, None)


@router.post(
    BASE + "/roster/{int:entry_id}/check-in",
    response={200: RosterOut, **WRITE_ERRORS},
    summary="Điểm danh (present=false để bỏ)",
)
def check_in(
    request: HttpRequest, exercise_id: int, entry_id: int, payload: CheckInIn
) -> RosterEntry:
    user = request.user
    entry = get_visible_or_404(_roster(user, exercise_id), pk=entry_id)
    require_perm(user, REPORT_PERM, entry)
    return roster_check_in(entry=entry, present=payload.present, actor=user)


@router.post(
    BASE + "/roster/unit-present",
    response={200: UnitPresentOut, **WRITE_ERRORS},
    summary="Điểm danh cả đơn vị có mặt",
)
def unit_present(request: HttpRequest, exercise_id: int, payload: UnitPresentIn) -> dict[str, int]:
    user = request.user
    exercise = _exercise(user, exercise_id)
    unit = _unit(user, exercise, payload.model_dump(), None, True)
    return {"checked_in": roster_mark_unit_present(exercise=exercise, unit=unit, actor=user)}


@router.post(
    BASE + "/roster/import",
    response={
        200: RosterImportOut,
        422: RosterImportOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
    },
    summary="Nhập danh sách từ Excel (multipart: file; dry_run=true để chạy thử)",
)
def import_roster(
    request: HttpRequest, exercise_id: int, file: File[UploadedFile], dry_run: bool = True
) -> Any:
    from kvpt.forces.roster_sheets import RosterImport

    user = request.user
    exercise = _exercise(user, exercise_id)
    require_perm(user, PERM, RosterEntry(exercise=exercise))
    try:
        data = xl.check_xlsx_upload(file)
    except xl.SpreadsheetRejectedError as exc:
        result = RosterImport()
        result.errors.add("", None, "", exc.messages[0])
    else:
        result = roster_import(exercise=exercise, data=data, dry_run=dry_run, actor=user)
    body = {
        "dry_run": dry_run,
        "applied": result.applied,
        "rows": result.rows,
        "by_unit": result.by_unit,
        "errors": [e.as_dict() for e in result.errors],
    }
    return Status(422 if result.errors else 200, body)


# --- weapons -----------------------------------------------------------------------------------


def _weapons(user: Any, exercise_id: int) -> Any:
    return selectors.weapon_issue_list(user).filter(exercise_id=exercise_id)


WEAPON_PLAIN = (
    "item",
    "serial",
    "quantity_issued",
    "quantity_returned",
    "quantity_lost",
    "quantity_damaged",
    "issued_on",
    "returned_on",
    "notes",
    "is_illustrative",
)


@router.get(
    BASE + "/weapon-issues",
    response={200: list[WeaponOut], **READ_ERRORS},
    summary="Cấp phát, thu hồi vũ khí, trang bị",
)
@paginate(PagePagination)
def list_weapon_issues(request: HttpRequest, exercise_id: int) -> Any:
    exercise = _exercise(request.user, exercise_id)
    return _weapons(request.user, exercise.pk).order_by("unit__name", "item", "pk")


@router.post(
    BASE + "/weapon-issues",
    response={201: WeaponOut, **WRITE_ERRORS},
    summary="Thêm cấp phát vũ khí, trang bị",
)
def create_weapon_issue(
    request: HttpRequest, exercise_id: int, payload: WeaponIn
) -> Status[WeaponIssue]:
    user = request.user
    exercise = _exercise(user, exercise_id)
    data = payload.model_dump()
    unit = _unit(user, exercise, data, None, True)
    issue = weapon_issue_create(
        exercise=exercise, unit=unit, **pick(data, WEAPON_PLAIN), actor=user
    )
    return Status(201, issue)


@router.get(
    BASE + "/weapon-issues/{int:issue_id}",
    response={200: WeaponOut, **READ_ERRORS},
    summary="Một dòng cấp phát",
)
def get_weapon_issue(request: HttpRequest, exercise_id: int, issue_id: int) -> WeaponIssue:
    return get_visible_or_404(_weapons(request.user, exercise_id), pk=issue_id)


@router.patch(
    BASE + "/weapon-issues/{int:issue_id}",
    response={200: WeaponOut, **UPDATE_ERRORS},
    summary="Sửa, báo cáo thu hồi",
)
def patch_weapon_issue(
    request: HttpRequest, exercise_id: int, issue_id: int, payload: WeaponPatch
) -> WeaponIssue:
    user = request.user
    issue = get_visible_or_404(_weapons(user, exercise_id), pk=issue_id)
    require_perm(user, REPORT_PERM, issue)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    changes = pick(data, WEAPON_PLAIN)
    for name in ("serial", "notes"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    if _named_unit(data):
        changes["unit"] = _unit(user, issue.exercise, data, issue.unit, False)
    return weapon_issue_update(issue=issue, changes=changes, expected_version=version, actor=user)


@router.delete(
    BASE + "/weapon-issues/{int:issue_id}",
    response={204: None, **UPDATE_ERRORS},
    summary="Xóa dòng cấp phát",
)
def delete_weapon_issue(
    request: HttpRequest, exercise_id: int, issue_id: int, version: int | None = None
) -> Status[None]:
    user = request.user
    issue = get_visible_or_404(_weapons(user, exercise_id), pk=issue_id)
    require_perm(user, PERM, issue)
    weapon_issue_delete(issue=issue, expected_version=version, actor=user)
    return Status(204, None)


def _totals(t: Any) -> dict[str, int]:
    return {
        "issued": t.issued,
        "returned": t.returned,
        "lost": t.lost,
        "damaged": t.damaged,
        "outstanding": t.outstanding,
    }


@router.get(
    BASE + "/accountability",
    response={200: AccountabilityOut, **READ_ERRORS},
    summary="Tổng hợp vũ khí, trang bị và kết luận an toàn tuyệt đối (tính từ số liệu)",
)
def get_accountability(request: HttpRequest, exercise_id: int) -> dict[str, Any]:
    exercise = _exercise(request.user, exercise_id)
    a = accountability(request.user, exercise.pk)
    return {
        "total": _totals(a.total),
        "items": {item: _totals(t) for item, t in a.items.items()},
        "units": {u.unit_name: _totals(u.totals) for u in a.units},
        "safety": {"value": a.safety.value, "label": a.safety.label, "reasons": a.safety.reasons},
        "incidents_recorded": a.incidents_recorded,
    }
