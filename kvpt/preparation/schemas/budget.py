"""API schemas of budget lines (kinh phí) and their totals; money is whole VND."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BeforeValidator, Field

from kvpt.preparation.models import BudgetCategory, BudgetSource
from kvpt.preparation.schemas.works import Classification

MAX_VND = 10**15


def _vnd(value: Any) -> Any:
    """Whole, non-negative đồng; a fraction or a negative amount is refused in Vietnamese."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(_("Số tiền tính bằng đồng, không có phần thập phân."))
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if not text.isdigit():
            raise ValueError(_("Số tiền phải là số nguyên đồng, ví dụ 1250000000."))
        value = int(text)
    if isinstance(value, int):
        if value < 0:
            raise ValueError(_("Số tiền không được âm."))
        if value >= MAX_VND:
            raise ValueError(_("Số tiền quá lớn."))
    return value


Vnd = Annotated[int, BeforeValidator(_vnd)]


class BudgetLineOut(Schema):
    id: int
    exercise_id: int
    code: str
    description: str
    category: BudgetCategory
    source: BudgetSource
    subcommittee_id: int | None
    subcommittee_code: str | None = None
    is_site_clearance: bool
    estimate: int
    actual: int
    additional: int
    total_spent: int
    settled_amount: int
    settled_on: dt.date | None
    classification: int
    notes: str
    is_illustrative: bool
    version: int

    @staticmethod
    def resolve_subcommittee_code(obj: Any) -> str | None:
        return obj.subcommittee.code if obj.subcommittee_id else None


class BudgetLineIn(Schema):
    code: str = Field(..., min_length=1, max_length=40)
    description: str = Field(..., min_length=1, max_length=400)
    category: BudgetCategory
    source: BudgetSource
    subcommittee_id: int | None = None
    subcommittee_code: str | None = Field(None, max_length=40)
    is_site_clearance: bool = False
    estimate: Vnd = 0
    actual: Vnd = 0
    additional: Vnd = 0
    settled_amount: Vnd = 0
    settled_on: dt.date | None = None
    classification: Classification | None = Field(
        None, description="Mặc định bằng độ mật của cuộc diễn tập; không được thấp hơn."
    )
    notes: str = ""
    is_illustrative: bool = False


class BudgetLinePatch(Schema):
    version: int = Field(..., ge=1)
    code: str | None = Field(None, min_length=1, max_length=40)
    description: str | None = Field(None, min_length=1, max_length=400)
    category: BudgetCategory | None = None
    source: BudgetSource | None = None
    subcommittee_id: int | None = None
    subcommittee_code: str | None = Field(None, max_length=40)
    is_site_clearance: bool | None = None
    estimate: Vnd | None = None
    actual: Vnd | None = None
    additional: Vnd | None = None
    settled_amount: Vnd | None = None
    settled_on: dt.date | None = None
    classification: Classification | None = None
    notes: str | None = None
    is_illustrative: bool | None = None


class BudgetLineFilters(Schema):
    q: str = Field("", max_length=200)
    category: BudgetCategory | None = None
    source: BudgetSource | None = None
    subcommittee: int | None = None
    is_site_clearance: bool | None = None
    unsettled: bool | None = Field(None, description="Chỉ các dòng chưa quyết toán xong.")


class AmountsOut(Schema):
    lines: int
    unsettled: int
    estimate: int
    actual: int
    additional: int
    total_spent: int
    settled: int
    to_settle: int
    progress: str = Field(..., description='Đã quyết toán / (thực chi + phát sinh): "62,5 %".')


class BudgetGroupOut(Schema):
    category: BudgetCategory
    label: str
    is_site_clearance: bool
    amounts: AmountsOut


class BudgetTotalsOut(Schema):
    groups: list[BudgetGroupOut]
    totals: AmountsOut
    ordinary_totals: AmountsOut
    site_clearance_totals: AmountsOut
