"""Typed input and output of the directory API.

Outputs carry each related record's id and its stable code: codes are how two installations
match records when they exchange data. Inputs name related records by id or by code.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from kvpt.core.models import Classification
from kvpt.organisations.models import AgencyKind, UnitKind

CLASSIFICATION_HELP = "Độ mật: 0 thường, 1 Mật, 2 Tối mật, 3 Tuyệt mật."
ClassificationLevel = Field(
    Classification.UNCLASSIFIED, ge=0, le=3, description=CLASSIFICATION_HELP
)


# --- areas -------------------------------------------------------------------------------------


class AreaLevelOut(Schema):
    id: int
    code: str
    name: str
    rank: int


class AreaOut(Schema):
    id: int
    code: str
    name: str
    level_id: int
    level_code: str = Field(alias="level.code")
    level_name: str = Field(alias="level.name")
    parent_id: int | None
    parent_code: str | None = Field(None, description="Mã địa bàn cấp trên.")
    depth: int
    valid_from: dt.date | None
    valid_to: dt.date | None
    is_current: bool
    require_two_factor: bool
    note: str
    version: int

    @staticmethod
    def resolve_parent_code(obj: Any) -> str | None:
        return obj.parent.code if obj.parent_id else None


class AreaIn(Schema):
    code: str = Field(..., min_length=1, max_length=32, description="Mã hành chính chính thức.")
    name: str = Field(..., min_length=1, max_length=200)
    level_code: str = Field(..., min_length=1, max_length=32, description="Mã cấp, ví dụ `xa`.")
    parent_id: int | None = Field(None, description="Địa bàn cấp trên (theo id).")
    parent_code: str | None = Field(None, max_length=32, description="Hoặc theo mã.")
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    require_two_factor: bool = False
    note: str = Field("", max_length=5000)


class AreaUpdate(AreaIn):
    version: int = Field(..., ge=1, description="Phiên bản đã đọc; sai lệch -> 409.")


class AreaPatch(Schema):
    version: int = Field(..., ge=1, description="Phiên bản đã đọc; sai lệch -> 409.")
    code: str | None = Field(None, min_length=1, max_length=32)
    name: str | None = Field(None, min_length=1, max_length=200)
    level_code: str | None = Field(None, min_length=1, max_length=32)
    parent_id: int | None = None
    parent_code: str | None = Field(None, max_length=32)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    require_two_factor: bool | None = None
    note: str | None = Field(None, max_length=5000)


class AreaFilters(Schema):
    q: str = Field("", max_length=200, description="Tên hoặc mã, không phân biệt dấu.")
    level: str = Field("", max_length=32, description="Mã cấp.")
    parent: int | None = Field(None, description="Chỉ các địa bàn trực thuộc trực tiếp.")
    current: bool | None = Field(None, description="true: còn hiệu lực; false: đã hết.")


class AreaSuccessionOut(Schema):
    id: int
    predecessor_id: int
    predecessor_code: str = Field(alias="predecessor.code")
    successor_id: int
    successor_code: str = Field(alias="successor.code")
    effective_on: dt.date
    note: str
    version: int


class AreaSuccessionIn(Schema):
    predecessor_id: int | None = None
    predecessor_code: str | None = Field(None, max_length=32)
    successor_id: int | None = None
    successor_code: str | None = Field(None, max_length=32)
    effective_on: dt.date
    note: str = Field("", max_length=255)


class AreaSuccessionFilters(Schema):
    area: int | None = Field(None, description="Liên kết có địa bàn này ở một trong hai đầu.")


# --- agencies ----------------------------------------------------------------------------------


class AreaRef(Schema):
    id: int
    code: str
    name: str


class AgencyOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: AgencyKind
    area_id: int
    area_code: str = Field(alias="area.code")
    parent_id: int | None
    parent_code: str | None = None
    covered_areas: list[AreaRef] = Field(default_factory=list)
    valid_from: dt.date | None
    valid_to: dt.date | None
    classification: int
    version: int

    @staticmethod
    def resolve_parent_code(obj: Any) -> str | None:
        return obj.parent.code if obj.parent_id else None

    @staticmethod
    def resolve_covered_areas(obj: Any) -> list[Any]:
        # Prefetched by the endpoint with only the areas the reader can see.
        return list(getattr(obj, "visible_covered_areas", []))


class AgencyIn(Schema):
    code: str = Field(..., min_length=1, max_length=64)
    name: str = Field(..., min_length=1, max_length=255)
    short_name: str = Field("", max_length=64)
    kind: AgencyKind
    area_id: int | None = None
    area_code: str | None = Field(None, max_length=32)
    parent_id: int | None = None
    parent_code: str | None = Field(None, max_length=64)
    covered_area_codes: list[str] = Field(
        default_factory=list, description="Mã các địa bàn phụ trách (Ban Chỉ huy PTKV)."
    )
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    classification: int = ClassificationLevel


class AgencyUpdate(AgencyIn):
    version: int = Field(..., ge=1)


class AgencyPatch(Schema):
    version: int = Field(..., ge=1)
    code: str | None = Field(None, min_length=1, max_length=64)
    name: str | None = Field(None, min_length=1, max_length=255)
    short_name: str | None = Field(None, max_length=64)
    kind: AgencyKind | None = None
    area_id: int | None = None
    area_code: str | None = Field(None, max_length=32)
    parent_id: int | None = None
    parent_code: str | None = Field(None, max_length=64)
    covered_area_codes: list[str] | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    classification: int | None = Field(None, ge=0, le=3)


class AgencyFilters(Schema):
    q: str = Field("", max_length=200)
    kind: AgencyKind | None = None
    area: int | None = Field(None, description="Địa bàn, gồm mọi địa bàn cấp dưới.")
    parent: int | None = None
    current: bool | None = None


# --- units -------------------------------------------------------------------------------------


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: UnitKind
    agency_id: int
    agency_code: str = Field(alias="agency.code")
    parent_id: int | None
    parent_code: str | None = None
    size_label: str
    strength: int | None
    classification: int
    version: int

    @staticmethod
    def resolve_parent_code(obj: Any) -> str | None:
        return obj.parent.code if obj.parent_id else None


class UnitIn(Schema):
    code: str = Field(..., min_length=1, max_length=64)
    name: str = Field(..., min_length=1, max_length=255)
    kind: UnitKind
    agency_id: int | None = None
    agency_code: str | None = Field(None, max_length=64)
    parent_id: int | None = None
    parent_code: str | None = Field(None, max_length=64)
    size_label: str = Field("", max_length=64, description='Ví dụ: "1 trung đội".')
    strength: int | None = Field(None, ge=0, le=1_000_000)
    classification: int = ClassificationLevel


class UnitUpdate(UnitIn):
    version: int = Field(..., ge=1)


class UnitPatch(Schema):
    version: int = Field(..., ge=1)
    code: str | None = Field(None, min_length=1, max_length=64)
    name: str | None = Field(None, min_length=1, max_length=255)
    kind: UnitKind | None = None
    agency_id: int | None = None
    agency_code: str | None = Field(None, max_length=64)
    parent_id: int | None = None
    parent_code: str | None = Field(None, max_length=64)
    size_label: str | None = Field(None, max_length=64)
    strength: int | None = Field(None, ge=0, le=1_000_000)
    classification: int | None = Field(None, ge=0, le=3)


class UnitFilters(Schema):
    q: str = Field("", max_length=200)
    kind: UnitKind | None = None
    agency: int | None = None
    area: int | None = Field(None, description="Địa bàn của cơ quan, gồm cấp dưới.")


# --- people ------------------------------------------------------------------------------------


class PositionOut(Schema):
    id: int
    title: str
    agency_id: int
    agency_code: str = Field(alias="agency.code")
    agency_name: str = Field(alias="agency.name")
    order: int
    start: dt.date | None
    end: dt.date | None
    is_current: bool
    version: int


class PersonOut(Schema):
    id: int
    code: str
    full_name: str
    rank: str
    area_id: int
    area_code: str = Field(alias="area.code")
    phone: str
    email: str
    note: str
    positions: list[PositionOut]
    classification: int
    version: int

    @staticmethod
    def resolve_positions(obj: Any) -> list[Any]:
        return list(obj.positions.all())


class PersonIn(Schema):
    code: str = Field(..., min_length=1, max_length=64)
    full_name: str = Field(..., min_length=1, max_length=200)
    rank: str = Field("", max_length=64)
    area_id: int | None = None
    area_code: str | None = Field(None, max_length=32)
    phone: str = Field("", max_length=32)
    email: str = Field("", max_length=254)
    note: str = Field("", max_length=5000)
    classification: int = ClassificationLevel


class PersonUpdate(PersonIn):
    version: int = Field(..., ge=1)


class PersonPatch(Schema):
    version: int = Field(..., ge=1)
    code: str | None = Field(None, min_length=1, max_length=64)
    full_name: str | None = Field(None, min_length=1, max_length=200)
    rank: str | None = Field(None, max_length=64)
    area_id: int | None = None
    area_code: str | None = Field(None, max_length=32)
    phone: str | None = Field(None, max_length=32)
    email: str | None = Field(None, max_length=254)
    note: str | None = Field(None, max_length=5000)
    classification: int | None = Field(None, ge=0, le=3)


class PersonFilters(Schema):
    q: str = Field("", max_length=200)
    area: int | None = Field(None, description="Địa bàn, gồm mọi địa bàn cấp dưới.")
    agency: int | None = Field(None, description="Người có chức vụ tại cơ quan này.")


class PositionIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    agency_id: int | None = None
    agency_code: str | None = Field(None, max_length=64)
    order: int = Field(0, ge=0, le=32767)
    start: dt.date | None = None
    end: dt.date | None = None
