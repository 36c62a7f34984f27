"""API schemas of works (công trình) and their handover."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BeforeValidator, Field

from kvpt.core.scope import get_scope
from kvpt.preparation.formatting import vn_number
from kvpt.preparation.models import QuantityUnit, WorkConstruction, WorkKind, WorkStatus


def _quantity(value: Any) -> Any:
    """A quantity has at most 2 decimals and is never negative: said in Vietnamese."""
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except Exception as exc:
        raise ValueError(_("Khối lượng phải là số, ví dụ 2.3.")) from exc
    if number < 0:
        raise ValueError(_("Khối lượng không được âm."))
    if number.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError(_("Khối lượng có tối đa 2 chữ số thập phân."))
    if number >= Decimal("1e10"):
        raise ValueError(_("Khối lượng quá lớn."))
    return number


Quantity = Annotated[Decimal | None, BeforeValidator(_quantity)]
Classification = Annotated[
    int, Field(ge=0, le=3, description="0 Thường, 1 Mật, 2 Tối mật, 3 Tuyệt mật.")
]


class WorkOut(Schema):
    id: int
    exercise_id: int
    code: str
    name: str
    kind: WorkKind
    construction: WorkConstruction
    quantity: Decimal | None
    quantity_unit: QuantityUnit
    quantity_display: str = Field("", description='Như người đọc viết: "2,3 km".')
    location: str
    classification: int
    status: WorkStatus
    owner_id: int | None
    subcommittee_id: int | None
    subcommittee_code: str | None = None
    budget_line_id: int | None = None
    custodian_id: int | None
    handed_over_to_id: int | None
    handed_over_on: dt.date | None
    handover_record: str
    notes: str
    is_illustrative: bool
    version: int

    @staticmethod
    def resolve_quantity_display(obj: Any) -> str:
        if obj.quantity is None:
            return ""
        return f"{vn_number(obj.quantity)} {QuantityUnit(obj.quantity_unit).label}"

    @staticmethod
    def resolve_subcommittee_code(obj: Any) -> str | None:
        return obj.subcommittee.code if obj.subcommittee_id else None

    @staticmethod
    def resolve_budget_line_id(obj: Any, context: Any) -> int | None:
        # A line marked above the reader's clearance does not exist for them, not even its id.
        if obj.budget_line_id is None:
            return None
        user = context["request"].user if context else None
        if obj.budget_line.classification > get_scope(user).clearance:
            return None
        return int(obj.budget_line_id)


class WorkIn(Schema):
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Field(..., min_length=1, max_length=400)
    kind: WorkKind
    construction: WorkConstruction
    quantity: Quantity = None
    quantity_unit: QuantityUnit = QuantityUnit.EACH
    location: str = Field("", max_length=400)
    classification: Classification | None = Field(
        None, description="Mặc định bằng độ mật của cuộc diễn tập; không được thấp hơn."
    )
    status: WorkStatus = WorkStatus.PLANNED
    owner_id: int | None = None
    owner_code: str | None = Field(None, max_length=64)
    subcommittee_id: int | None = None
    subcommittee_code: str | None = Field(None, max_length=40)
    budget_line_id: int | None = None
    budget_line_code: str | None = Field(None, max_length=40)
    notes: str = ""
    is_illustrative: bool = False


class WorkPatch(Schema):
    version: int = Field(..., ge=1)
    code: str | None = Field(None, min_length=1, max_length=40)
    name: str | None = Field(None, min_length=1, max_length=400)
    kind: WorkKind | None = None
    construction: WorkConstruction | None = None
    quantity: Quantity = None
    quantity_unit: QuantityUnit | None = None
    location: str | None = Field(None, max_length=400)
    classification: Classification | None = None
    status: WorkStatus | None = None
    owner_id: int | None = None
    owner_code: str | None = Field(None, max_length=64)
    subcommittee_id: int | None = None
    subcommittee_code: str | None = Field(None, max_length=40)
    budget_line_id: int | None = None
    budget_line_code: str | None = Field(None, max_length=40)
    custodian_id: int | None = None
    custodian_code: str | None = Field(None, max_length=64)
    handed_over_to_id: int | None = None
    handed_over_to_code: str | None = Field(None, max_length=64)
    handed_over_on: dt.date | None = None
    handover_record: str | None = Field(None, max_length=80)
    notes: str | None = None
    is_illustrative: bool | None = None


class WorkHandoverIn(Schema):
    version: int = Field(..., ge=1)
    receiving_agency_id: int | None = None
    receiving_agency_code: str | None = Field(None, max_length=64)
    on: dt.date
    record_number: str = Field(..., min_length=1, max_length=80)


class WorkFilters(Schema):
    q: str = Field("", max_length=200)
    kind: WorkKind | None = None
    construction: WorkConstruction | None = None
    status: WorkStatus | None = None
    subcommittee: int | None = None


class WorkTotalOut(Schema):
    construction: WorkConstruction
    construction_label: str
    kind: WorkKind
    kind_label: str
    unit: QuantityUnit
    count: int
    quantity: Decimal | None
    text: str = Field(..., description='Ví dụ: "2,3 km đường cơ động", "3 hầm".')


class WorkTotalsOut(Schema):
    items: list[WorkTotalOut]
    text: str = Field(
        ..., description='Ví dụ: "Xây mới: 3 hầm; Tu sửa, nâng cấp: 2,3 km đường cơ động".'
    )
