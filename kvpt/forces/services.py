"""Writes to forces: forces, unit allocations (with vehicles and equipment), roster entries and
attendance, weapons issued and returned.

Permissions: "forces.change_forces" (the exercise's editors) for everything; "forces.report_unit"
(editors, or the unit commander of the record's unit) for a unit's own report: actual personnel,
vehicles actually brought, check-in, weapons issued and returned.

Attendance rule: once a unit has people on the exercise's roster, its allocation's actual
personnel IS the number of them checked in; it is recomputed on every check-in and import and
cannot be typed in by hand (the roster is then the record).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kvpt.core import writes
from kvpt.core.permissions import require_perm
from kvpt.core.scope import get_scope
from kvpt.core.services import bump_revision, ensure_exercise_open, normalise_fields
from kvpt.core.text import clean_text
from kvpt.forces.models import (
    EquipmentAllocation,
    Force,
    ForceAllocation,
    RosterEntry,
    VehicleAllocation,
    WeaponIssue,
)

PERM = "forces.change_forces"
REPORT_PERM = "forces.report_unit"

FORCE_FIELDS = ("code", "name", "situations", "order", "notes")
ALLOCATION_FIELDS = (
    "unit",
    "forces",
    "planned_personnel",
    "actual_personnel",
    "size_label",
    "notes",
    "is_illustrative",
    "vehicles",
    "equipment",
)
# What a unit commander may report for their own unit.
ALLOCATION_REPORT_FIELDS = frozenset({"actual_personnel", "vehicles", "notes"})
ROSTER_FIELDS = (
    "unit",
    "person_code",
    "full_name",
    "rank",
    "role",
    "reserve_status",
    "phone",
    "date_of_birth",
)
WEAPON_FIELDS = (
    "unit",
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
WEAPON_REPORT_FIELDS = frozenset(WEAPON_FIELDS) - {"unit", "is_illustrative"}


# --- shared checks -----------------------------------------------------------------------------


def units_for(actor: Any, exercise: Any) -> Any:
    """Units the actor may name in this exercise: those they see, and the exercise area's own."""
    from kvpt.organisations.models import Unit
    from kvpt.organisations.selectors import unit_list

    clearance = get_scope(actor).clearance
    own = Unit.objects.filter(
        agency__area__path__startswith=exercise.area.path,
        classification__lte=clearance,
        agency__classification__lte=clearance,
    )
    return (unit_list(actor) | own).distinct()


def check_unit(actor: Any, exercise: Any, unit: Any) -> None:
    if unit is None:
        raise ValidationError({"unit": _("Cần chọn đơn vị.")})
    if not units_for(actor, exercise).filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("Không tìm thấy đơn vị này trong phạm vi của bạn.")})


def check_exercise_visible(actor: Any, exercise: Any) -> None:
    from kvpt.exercises.selectors import exercise_list

    if exercise is None or not exercise_list(actor).filter(pk=exercise.pk).exists():
        raise ValidationError(
            {"exercise": _("Không tìm thấy cuộc diễn tập này trong phạm vi của bạn.")}
        )


def clean_situations(value: Any) -> list[str]:
    if value is None:
        return []
    parts = value.replace(";", ",").split(",") if isinstance(value, str) else list(value)
    out: list[str] = []
    for part in parts:
        code = clean_text(str(part))
        if code and code not in out:
            out.append(code)
    return out


# --- forces ------------------------------------------------------------------------------------


def force_create(
    *,
    exercise: Any,
    code: str,
    name: str,
    situations: Any = None,
    order: int = 0,
    notes: str = "",
    actor: Any,
) -> Force:
    with transaction.atomic():
        check_exercise_visible(actor, exercise)
        force = Force(
            exercise=exercise,
            code=code,
            name=name,
            situations=clean_situations(situations),
            order=order or 0,
            notes=notes or "",
        )
        require_perm(actor, PERM, force)
        writes.check_code_unique(Force, code, None, within={"exercise": exercise})
        return writes.insert(force, actor=actor)


def force_update(
    *, force: Force, changes: Mapping[str, Any], expected_version: int | None, actor: Any
) -> Force:
    writes.check_fields(changes, FORCE_FIELDS)
    changes = dict(changes)
    if "situations" in changes:
        changes["situations"] = clean_situations(changes["situations"])
    with transaction.atomic():
        current = writes.current_for_write(
            force,
            expected_version=expected_version,
            require=lambda f: require_perm(actor, PERM, f),
        )
        writes.apply_changes(current, changes)
        writes.check_code_unique(
            Force, current.code, current.pk, within={"exercise_id": current.exercise_id}
        )
        return writes.update(current, expected_version=expected_version, actor=actor)


def force_delete(*, force: Force, expected_version: int | None = None, actor: Any) -> None:
    with transaction.atomic():
        current = writes.current_for_write(
            force,
            expected_version=expected_version,
            require=lambda f: require_perm(actor, PERM, f),
        )
        writes.delete(current, actor=actor, what=_("lực lượng"))


# --- allocations -------------------------------------------------------------------------------


def _roster_present(exercise_id: int, unit_id: int) -> int | None:
    """People of the unit checked in, or None when the unit has no roster in this exercise."""
    rows = RosterEntry.objects.filter(exercise_id=exercise_id, unit_id=unit_id)
    if not rows.exists():
        return None
    return rows.filter(attended=True).count()


def _check_forces(allocation: ForceAllocation, forces: Iterable[Force]) -> list[Force]:
    chosen = list(forces or [])
    if any(f.exercise_id != allocation.exercise_id for f in chosen):
        raise ValidationError({"forces": _("Hãy chọn lực lượng của chính cuộc diễn tập này.")})
    return chosen


def _clean_vehicles(rows: Any) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for row in rows or []:
        kind = clean_text(str(row.get("kind") or ""))
        planned, actual = row.get("planned"), row.get("actual")
        if not kind and planned is None and actual is None:
            continue
        if not kind:
            raise ValidationError({"vehicles": _("Cần ghi loại phương tiện.")})
        for n in (planned, actual):
            if n is not None and int(n) < 0:
                raise ValidationError({"vehicles": _("Số phương tiện không được âm.")})
        if kind in out:
            raise ValidationError(
                {"vehicles": _("Loại phương tiện “%(kind)s” bị ghi hai lần.") % {"kind": kind}}
            )
        out[kind] = {"kind": kind, "planned": planned, "actual": actual}
    return list(out.values())


def _clean_equipment(rows: Any) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for row in rows or []:
        item = clean_text(str(row.get("item") or ""))
        quantity = row.get("quantity")
        if not item and not quantity:
            continue
        if not item:
            raise ValidationError({"equipment": _("Cần ghi tên trang bị.")})
        if quantity is None or int(quantity) < 0:
            raise ValidationError({"equipment": _("Số lượng trang bị không hợp lệ.")})
        if item in out:
            raise ValidationError(
                {"equipment": _("Trang bị “%(item)s” bị ghi hai lần.") % {"item": item}}
            )
        out[item] = {"item": item, "quantity": int(quantity)}
    return list(out.values())


def _replace_vehicles(allocation: ForceAllocation, rows: list[dict[str, Any]], actor: Any) -> None:
    from kvpt.core.services import create_versioned, delete_recorded, save_versioned

    existing = {v.kind: v for v in allocation.vehicles.all()}
    for row in rows:
        vehicle = existing.pop(row["kind"], None)
        if vehicle is None:
            create_versioned(VehicleAllocation(allocation=allocation, **row), actor=actor)
        elif (vehicle.planned, vehicle.actual) != (row["planned"], row["actual"]):
            vehicle.planned, vehicle.actual = row["planned"], row["actual"]
            save_versioned(vehicle, expected_version=None, actor=actor)
    for vehicle in existing.values():
        delete_recorded(vehicle, actor=actor)


def _replace_equipment(allocation: ForceAllocation, rows: list[dict[str, Any]], actor: Any) -> None:
    from kvpt.core.services import create_versioned, delete_recorded, save_versioned

    existing = {e.item: e for e in allocation.equipment.all()}
    for row in rows:
        item = existing.pop(row["item"], None)
        if item is None:
            create_versioned(EquipmentAllocation(allocation=allocation, **row), actor=actor)
        elif item.quantity != row["quantity"]:
            item.quantity = row["quantity"]
            save_versioned(item, expected_version=None, actor=actor)
    for item in existing.values():
        delete_recorded(item, actor=actor)


def _differs(stored: Any, name: str, value: Any) -> bool:
    if name == "forces":
        return {f.pk for f in value or []} != set(stored.forces.values_list("pk", flat=True))
    if name == "vehicles":
        rows = {(v["kind"], v["planned"], v["actual"]) for v in _clean_vehicles(value)}
        return rows != set(stored.vehicles.values_list("kind", "planned", "actual"))
    if name == "equipment":
        items = {(e["item"], e["quantity"]) for e in _clean_equipment(value)}
        return items != set(stored.equipment.values_list("item", "quantity"))
    return bool(getattr(stored, name) != value)


def allocation_create(
    *,
    exercise: Any,
    unit: Any,
    forces: Sequence[Force] = (),
    planned_personnel: int | None = None,
    actual_personnel: int | None = None,
    size_label: str = "",
    notes: str = "",
    is_illustrative: bool = False,
    vehicles: Any = None,
    equipment: Any = None,
    actor: Any,
) -> ForceAllocation:
    """Mobilise `unit` for `exercise` (once: a unit already mobilised is refused)."""
    with transaction.atomic():
        check_exercise_visible(actor, exercise)
        check_unit(actor, exercise, unit)
        allocation = ForceAllocation(
            exercise=exercise,
            unit=unit,
            planned_personnel=planned_personnel,
            actual_personnel=actual_personnel,
            size_label=size_label or (unit.size_label or ""),
            notes=notes or "",
            is_illustrative=bool(is_illustrative),
        )
        require_perm(actor, PERM, allocation)
        if ForceAllocation.objects.filter(exercise=exercise, unit=unit).exists():
            raise ValidationError(
                {
                    "unit": _(
                        "Đơn vị “%(unit)s” đã có trong danh sách huy động của cuộc diễn tập; "
                        "một đơn vị chỉ tính một lần: hãy gắn thêm lực lượng cho dòng đã có."
                    )
                    % {"unit": unit}
                }
            )
        present = _roster_present(exercise.pk, unit.pk)
        if present is not None:
            allocation.actual_personnel = present
        chosen = _check_forces(allocation, forces)
        vehicle_rows = _clean_vehicles(vehicles)
        equipment_rows = _clean_equipment(equipment)
        writes.insert(allocation, actor=actor)
        allocation.forces.set(chosen)
        _replace_vehicles(allocation, vehicle_rows, actor)
        _replace_equipment(allocation, equipment_rows, actor)
        return allocation


def allocation_update(
    *,
    allocation: ForceAllocation,
    changes: Mapping[str, Any],
    expected_version: int | None,
    actor: Any,
) -> ForceAllocation:
    writes.check_fields(changes, ALLOCATION_FIELDS)
    changes = dict(changes)
    with transaction.atomic():
        stored = writes.fresh(allocation)
        # A form sends every field: only those that really change decide who may save.
        changed = {name for name, value in changes.items() if _differs(stored, name, value)}
        perm = REPORT_PERM if changed <= ALLOCATION_REPORT_FIELDS else PERM
        current = writes.current_for_write(
            allocation,
            expected_version=expected_version,
            require=lambda a: require_perm(actor, perm, a),
        )
        forces = changes.pop("forces", None)
        vehicles = changes.pop("vehicles", None)
        equipment = changes.pop("equipment", None)
        if "unit" in changes and changes["unit"] != current.unit:
            check_unit(actor, current.exercise, changes["unit"])
            if (
                ForceAllocation.objects.filter(
                    exercise_id=current.exercise_id, unit=changes["unit"]
                )
                .exclude(pk=current.pk)
                .exists()
            ):
                raise ValidationError(
                    {"unit": _("Đơn vị này đã có trong danh sách huy động của cuộc diễn tập.")}
                )
        present = _roster_present(current.exercise_id, (changes.get("unit") or current.unit).pk)
        if (
            present is not None
            and "actual_personnel" in changes
            and changes["actual_personnel"] != present
        ):
            raise ValidationError(
                {
                    "actual_personnel": _(
                        "Đơn vị đã có danh sách quân số: quân số thực tế là số người đã điểm danh "
                        "có mặt (%(n)s), không nhập tay."
                    )
                    % {"n": present}
                }
            )
        writes.apply_changes(current, changes)
        if present is not None:
            current.actual_personnel = present
        chosen = _check_forces(current, forces) if forces is not None else None
        vehicle_rows = _clean_vehicles(vehicles) if vehicles is not None else None
        equipment_rows = _clean_equipment(equipment) if equipment is not None else None
        saved = writes.update(current, expected_version=expected_version, actor=actor)
        if chosen is not None:
            saved.forces.set(chosen)
        if vehicle_rows is not None:
            _replace_vehicles(saved, vehicle_rows, actor)
        if equipment_rows is not None:
            _replace_equipment(saved, equipment_rows, actor)
        return saved


def allocation_delete(
    *, allocation: ForceAllocation, expected_version: int | None = None, actor: Any
) -> None:
    with transaction.atomic():
        current = writes.current_for_write(
            allocation,
            expected_version=expected_version,
            require=lambda a: require_perm(actor, PERM, a),
        )
        writes.delete(current, actor=actor, what=_("đơn vị huy động"))


def sync_actual(exercise_id: int, unit_id: int, *, actor: Any) -> None:
    """Actual personnel of the unit's allocation := people checked in (when it has a roster)."""
    from kvpt.core.services import save_versioned

    present = _roster_present(exercise_id, unit_id)
    allocation = ForceAllocation.objects.filter(exercise_id=exercise_id, unit_id=unit_id).first()
    if present is None or allocation is None or allocation.actual_personnel == present:
        return
    allocation.actual_personnel = present
    save_versioned(allocation, expected_version=None, actor=actor)


# --- roster ------------------------------------------------------------------------------------


def _check_roster_duplicate(entry: RosterEntry) -> None:
    others = RosterEntry.objects.filter(exercise_id=entry.exercise_id).exclude(pk=entry.pk)
    if entry.person_code and others.filter(person_code=entry.person_code).exists():
        raise ValidationError(
            {
                "person_code": _("Mã cán bộ “%(code)s” đã có trong danh sách.")
                % {"code": entry.person_code}
            }
        )
    if (
        entry.date_of_birth
        and others.filter(
            full_name__iexact=entry.full_name, date_of_birth=entry.date_of_birth
        ).exists()
    ):
        raise ValidationError(
            {"full_name": _("Người này (cùng họ tên và ngày sinh) đã có trong danh sách.")}
        )


def roster_entry_create(
    *,
    exercise: Any,
    unit: Any,
    full_name: str,
    person_code: str = "",
    rank: str = "",
    role: str = "",
    reserve_status: str = "other",
    phone: str = "",
    date_of_birth: Any = None,
    actor: Any,
) -> RosterEntry:
    with transaction.atomic():
        check_exercise_visible(actor, exercise)
        check_unit(actor, exercise, unit)
        entry = RosterEntry(
            exercise=exercise,
            unit=unit,
            full_name=full_name,
            person_code=person_code or "",
            rank=rank or "",
            role=role or "",
            reserve_status=reserve_status or "other",
            phone=phone or "",
            date_of_birth=date_of_birth,
        )
        require_perm(actor, PERM, entry)
        normalise_fields(entry)  # the duplicate check compares NFC names
        _check_roster_duplicate(entry)
        saved = writes.insert(entry, actor=actor)
        sync_actual(exercise.pk, unit.pk, actor=actor)
        return saved


def roster_entry_update(
    *, entry: RosterEntry, changes: Mapping[str, Any], expected_version: int | None, actor: Any
) -> RosterEntry:
    writes.check_fields(changes, ROSTER_FIELDS)
    with transaction.atomic():
        current = writes.current_for_write(
            entry,
            expected_version=expected_version,
            require=lambda e: require_perm(actor, PERM, e),
        )
        old_unit = current.unit_id
        if "unit" in changes and changes["unit"] != current.unit:
            check_unit(actor, current.exercise, changes["unit"])
        writes.apply_changes(current, changes)
        _check_roster_duplicate(current)
        saved = writes.update(current, expected_version=expected_version, actor=actor)
        for unit_id in {old_unit, saved.unit_id}:
            sync_actual(saved.exercise_id, unit_id, actor=actor)
        return saved


def roster_entry_delete(
    *, entry: RosterEntry, expected_version: int | None = None, actor: Any
) -> None:
    with transaction.atomic():
        current = writes.current_for_write(
            entry,
            expected_version=expected_version,
            require=lambda e: require_perm(actor, PERM, e),
        )
        writes.delete(current, actor=actor, what=_("người trong danh sách"))
        sync_actual(current.exercise_id, current.unit_id, actor=actor)


def roster_check_in(*, entry: RosterEntry, present: bool, actor: Any) -> RosterEntry:
    """Tick a person present (or not); the unit's actual personnel follows."""
    from kvpt.core.services import save_versioned

    with transaction.atomic():
        current = RosterEntry.objects.select_for_update().get(pk=entry.pk)
        require_perm(actor, REPORT_PERM, current)
        if current.attended != present:
            current.attended = present
            current.checked_in_at = timezone.now() if present else None
            save_versioned(current, expected_version=None, actor=actor)
            sync_actual(current.exercise_id, current.unit_id, actor=actor)
        return current


def roster_mark_unit_present(*, exercise: Any, unit: Any, actor: Any) -> int:
    """Mark every person of `unit` on the roster present; how many were newly checked in."""
    with transaction.atomic():
        probe = RosterEntry(exercise=exercise, unit=unit)
        require_perm(actor, REPORT_PERM, probe)
        ensure_exercise_open(exercise.pk)
        absent = RosterEntry.objects.filter(exercise=exercise, unit=unit, attended=False)
        changed = absent.update(attended=True, checked_in_at=timezone.now())
        if changed:
            bump_revision(exercise.pk)
            sync_actual(exercise.pk, unit.pk, actor=actor)
        return changed


# --- weapons accountability --------------------------------------------------------------------


def weapon_issue_create(
    *,
    exercise: Any,
    unit: Any,
    item: str,
    quantity_issued: int,
    serial: str = "",
    quantity_returned: int = 0,
    quantity_lost: int = 0,
    quantity_damaged: int = 0,
    issued_on: Any = None,
    returned_on: Any = None,
    notes: str = "",
    is_illustrative: bool = False,
    actor: Any,
) -> WeaponIssue:
    with transaction.atomic():
        check_exercise_visible(actor, exercise)
        check_unit(actor, exercise, unit)
        issue = WeaponIssue(
            exercise=exercise,
            unit=unit,
            item=item,
            serial=serial or "",
            quantity_issued=quantity_issued,
            quantity_returned=quantity_returned or 0,
            quantity_lost=quantity_lost or 0,
            quantity_damaged=quantity_damaged or 0,
            issued_on=issued_on,
            returned_on=returned_on,
            notes=notes or "",
            is_illustrative=bool(is_illustrative),
        )
        require_perm(actor, REPORT_PERM, issue)
        return writes.insert(issue, actor=actor)


def weapon_issue_update(
    *, issue: WeaponIssue, changes: Mapping[str, Any], expected_version: int | None, actor: Any
) -> WeaponIssue:
    writes.check_fields(changes, WEAPON_FIELDS)
    with transaction.atomic():
        stored = writes.fresh(issue)
        changed = {name for name, value in changes.items() if _differs(stored, name, value)}
        perm = REPORT_PERM if changed <= WEAPON_REPORT_FIELDS else PERM
        current = writes.current_for_write(
            issue,
            expected_version=expected_version,
            require=lambda i: require_perm(actor, perm, i),
        )
        if "unit" in changes and changes["unit"] != current.unit:
            check_unit(actor, current.exercise, changes["unit"])
        writes.apply_changes(current, changes)
        return writes.update(current, expected_version=expected_version, actor=actor)


def weapon_issue_delete(
    *, issue: WeaponIssue, expected_version: int | None = None, actor: Any
) -> None:
    with transaction.atomic():
        current = writes.current_for_write(
            issue,
            expected_version=expected_version,
            require=lambda i: require_perm(actor, PERM, i),
        )
        writes.delete(current, actor=actor, what=_("dòng cấp phát vũ khí"))
