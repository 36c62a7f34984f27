"""API schemas of forces: forces, unit allocations, mobilisation, roster, weapons."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from kvpt.forces.models import ReserveStatus


class ForceOut(Schema):
    id: int
    exercise_id: int
    code: str
    name: str
    situations: list[str]
    order: int
    notes: str
    version: int


class ForceIn(Schema):
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Field(..., min_length=1, max_length=300)
    situations: list[str] = Field(default_factory=list, description='Mã tình huống: ["TQL", "A2"].')
    order: int = Field(0, ge=0, le=32767)
    notes: str = ""


class ForcePatch(Schema):
    version: int = Field(..., ge=1)
    code: str | None = Field(None, min_length=1, max_length=40)
    name: str | None = Field(None, min_length=1, max_length=300)
    situations: list[str] | None = None
    order: int | None = Field(None, ge=0, le=32767)
    notes: str | None = None


class VehicleIO(Schema):
    kind: str = Field(..., min_length=1, max_length=80, description='Ví dụ: "ô tô".')
    planned: int | None = Field(None, ge=0)
    actual: int | None = Field(None, ge=0)


class EquipmentIO(Schema):
    item: str = Field(..., min_length=1, max_length=120)
    quantity: int = Field(..., ge=0)


class AllocationOut(Schema):
    id: int
    exercise_id: int
    unit_id: int
    unit_code: str
    unit_name: str
    force_ids: list[int]
    planned_personnel: int | None
    actual_personnel: int | None
    size_label: str
    strength_text: str = Field(..., description='"110/110 - 100 %", "264 người", "1 trung đội".')
    vehicles: list[VehicleIO]
    equipment: list[EquipmentIO]
    notes: str
    is_illustrative: bool
    version: int

    @staticmethod
    def resolve_unit_code(obj: Any) -> str:
        return str(obj.unit.code)

    @staticmethod
    def resolve_unit_name(obj: Any) -> str:
        return str(obj.unit.name)

    @staticmethod
    def resolve_force_ids(obj: Any) -> list[int]:
        return [f.pk for f in obj.forces.all()]

    @staticmethod
    def resolve_strength_text(obj: Any) -> str:
        from kvpt.forces.selectors import strength_text

        return strength_text(
            obj.planned_personnel,
            obj.actual_personnel,
            obj.size_label or obj.unit.size_label,
        )

    @staticmethod
    def resolve_vehicles(obj: Any) -> list[dict[str, Any]]:
        return [
            {"kind": v.kind, "planned": v.planned, "actual": v.actual} for v in obj.vehicles.all()
        ]

    @staticmethod
    def resolve_equipment(obj: Any) -> list[dict[str, Any]]:
        return [{"item": e.item, "quantity": e.quantity} for e in obj.equipment.all()]


class AllocationIn(Schema):
    unit_id: int | None = None
    unit_code: str | None = Field(None, max_length=64)
    force_ids: list[int] = Field(default_factory=list)
    planned_personnel: int | None = Field(None, ge=0)
    actual_personnel: int | None = Field(None, ge=0)
    size_label: str = Field("", max_length=64)
    vehicles: list[VehicleIO] = Field(default_factory=list)
    equipment: list[EquipmentIO] = Field(default_factory=list)
    notes: str = ""
    is_illustrative: bool = False


class AllocationPatch(Schema):
    version: int = Field(..., ge=1)
    unit_id: int | None = None
    unit_code: str | None = Field(None, max_length=64)
    force_ids: list[int] | None = None
    planned_personnel: int | None = Field(None, ge=0)
    actual_personnel: int | None = Field(None, ge=0)
    size_label: str | None = Field(None, max_length=64)
    vehicles: list[VehicleIO] | None = None
    equipment: list[EquipmentIO] | None = None
    notes: str | None = None
    is_illustrative: bool | None = None


class TallyOut(Schema):
    units: int
    planned: int = Field(..., description="Quân số kế hoạch của các đơn vị đã có kế hoạch.")
    actual_of_planned: int
    actual: int = Field(..., description="Mọi quân số thực tế đã biết, mỗi đơn vị một lần.")
    rate: int | None = Field(..., description="Tỷ lệ huy động, %.")
    rate_text: str
    size_only: list[str] = Field(..., description="Đơn vị chỉ biết quy mô, không tính vào tỷ lệ.")
    vehicles: dict[str, int]
    vehicle_total: int
    equipment: dict[str, int]


class UnitLineOut(Schema):
    allocation_id: int
    unit_name: str
    force_codes: list[str]
    planned: int | None
    actual: int | None
    size_label: str
    rate: int | None
    text: str
    vehicles: dict[str, int]
    roster_count: int
    attended_count: int


class ForceLineOut(Schema):
    force_id: int
    code: str
    name: str
    situations: list[str]
    tally: TallyOut


class MobilisationOut(Schema):
    total: TallyOut
    forces: list[ForceLineOut]
    units: list[UnitLineOut]
    forces_overlap: bool
    any_illustrative: bool


class RosterOut(Schema):
    id: int
    exercise_id: int
    unit_id: int
    unit_code: str
    person_code: str
    full_name: str
    rank: str
    role: str
    reserve_status: ReserveStatus
    phone: str
    date_of_birth: dt.date | None
    attended: bool
    checked_in_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_unit_code(obj: Any) -> str:
        return str(obj.unit.code)


class RosterIn(Schema):
    unit_id: int | None = None
    unit_code: str | None = Field(None, max_length=64)
    person_code: str = Field("", max_length=64)
    full_name: str = Field(..., min_length=1, max_length=200)
    rank: str = Field("", max_length=64)
    role: str = Field("", max_length=200)
    reserve_status: ReserveStatus = ReserveStatus.OTHER
    phone: str = Field("", max_length=32)
    date_of_birth: dt.date | None = None


class RosterPatch(Schema):
    version: int = Field(..., ge=1)
    unit_id: int | None = None
    unit_code: str | None = Field(None, max_length=64)
    person_code: str | None = Field(None, max_length=64)
    full_name: str | None = Field(None, min_length=1, max_length=200)
    rank: str | None = Field(None, max_length=64)
    role: str | None = Field(None, max_length=200)
    reserve_status: ReserveStatus | None = None
    phone: str | None = Field(None, max_length=32)
    date_of_birth: dt.date | None = None


class CheckInIn(Schema):
    present: bool = True


class UnitPresentIn(Schema):
    unit_id: int | None = None
    unit_code: str | None = Field(None, max_length=64)


class UnitPresentOut(Schema):
    checked_in: int


class ImportErrorOut(Schema):
    sheet: str
    row: int | None
    column: str
    message: str


class RosterImportOut(Schema):
    dry_run: bool
    applied: bool
    rows: int
    by_unit: dict[str, int]
    errors: list[ImportErrorOut]


class WeaponOut(Schema):
    id: int
    exercise_id: int
    unit_id: int
    unit_code: str
    item: str
    serial: str
    quantity_issued: int
    quantity_returned: int
    quantity_lost: int
    quantity_damaged: int
    outstanding: int
    issued_on: dt.date | None
    returned_on: dt.date | None
    notes: str
    is_illustrative: bool
    version: int

    @staticmethod
    def resolve_unit_code(obj: Any) -> str:
        return str(obj.unit.code)


class WeaponIn(Schema):
    unit_id: int | None = None
    unit_code: str | None = Field(None, max_length=64)
    item: str = Field(..., min_length=1, max_length=120)
    serial: str = Field("", max_length=80)
    quantity_issued: int = Field(..., ge=0)
    quantity_returned: int = Field(0, ge=0)
    quantity_lost: int = Field(0, ge=0)
    quantity_damaged: int = Field(0, ge=0)
    issued_on: dt.date | None = None
    returned_on: dt.date | None = None
    notes: str = ""
    is_illustrative: bool = False


class WeaponPatch(Schema):
    version: int = Field(..., ge=1)
    unit_id: int | None = None
    unit_code: str | None = Field(None, max_length=64)
    item: str | None = Field(None, min_length=1, max_length=120)
    serial: str | None = Field(None, max_length=80)
    quantity_issued: int | None = Field(None, ge=0)
    quantity_returned: int | None = Field(None, ge=0)
    quantity_lost: int | None = Field(None, ge=0)
    quantity_damaged: int | None = Field(None, ge=0)
    issued_on: dt.date | None = None
    returned_on: dt.date | None = None
    notes: str | None = None
    is_illustrative: bool | None = None


class ItemTotalsOut(Schema):
    issued: int
    returned: int
    lost: int
    damaged: int
    outstanding: int


class SafetyOut(Schema):
    value: bool | None = Field(
        ..., description="true: an toàn tuyệt đối; false: không; null: chưa xác định được."
    )
    label: str
    reasons: list[str]


class AccountabilityOut(Schema):
    total: ItemTotalsOut
    items: dict[str, ItemTotalsOut]
    units: dict[str, ItemTotalsOut]
    safety: SafetyOut
    incidents_recorded: bool
