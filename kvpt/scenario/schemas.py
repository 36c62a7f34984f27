"""API schemas of the scenario: situations, MSEL entries and their moves, the clock, the conduct
log and safety incidents."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from kvpt.core.scope import get_scope
from kvpt.scenario.models import (
    ClockState,
    DeliveryMethod,
    IncidentCategory,
    IncidentSeverity,
    InjectStatus,
    LogKind,
)

Classification = Annotated[
    int, Field(ge=0, le=3, description="0 Thường, 1 Mật, 2 Tối mật, 3 Tuyệt mật.")
]


class SituationKindOut(Schema):
    id: int
    code: str
    name: str


class SituationOut(Schema):
    id: int
    exercise_id: int
    code: str
    title: str
    kind_code: str
    kind_name: str
    phase_id: int | None
    lead_agency_id: int | None
    lead_agency_code: str | None
    location: str | None = Field(
        None, description="null khi địa điểm mật hơn mức người đọc được tiếp cận."
    )
    location_classification: int
    forces_text: str
    classification: int
    notes: str
    is_illustrative: bool
    version: int

    @staticmethod
    def resolve_kind_code(obj: Any) -> str:
        return str(obj.kind.code)

    @staticmethod
    def resolve_kind_name(obj: Any) -> str:
        return str(obj.kind.name)

    @staticmethod
    def resolve_lead_agency_code(obj: Any) -> str | None:
        return obj.lead_agency.code if obj.lead_agency_id else None

    @staticmethod
    def resolve_location(obj: Any, context: Any) -> str | None:
        user = context["request"].user if context else None
        return obj.location_for(get_scope(user).clearance)


class SituationIn(Schema):
    code: str = Field(..., min_length=1, max_length=20)
    title: str = Field(..., min_length=1, max_length=400)
    kind_code: str = Field(
        "other", description="Mã loại trong danh mục, ví dụ riot, martial_law (mặc định: other)."
    )
    phase_id: int | None = None
    lead_agency_id: int | None = None
    lead_agency_code: str | None = Field(None, max_length=64)
    location: str = Field("", max_length=400)
    location_classification: Classification = 0
    forces_text: str = ""
    classification: Classification | None = None
    notes: str = ""
    is_illustrative: bool = False


class SituationPatch(Schema):
    version: int = Field(..., ge=1)
    code: str | None = Field(None, min_length=1, max_length=20)
    title: str | None = Field(None, min_length=1, max_length=400)
    kind_code: str | None = None
    phase_id: int | None = None
    lead_agency_id: int | None = None
    lead_agency_code: str | None = Field(None, max_length=64)
    location: str | None = Field(None, max_length=400)
    location_classification: Classification | None = None
    forces_text: str | None = None
    classification: Classification | None = None
    notes: str | None = None
    is_illustrative: bool | None = None


class InjectOut(Schema):
    id: int
    exercise_id: int
    serial: int
    phase_id: int | None
    content_item_id: int | None
    situation_id: int | None
    situation_code: str | None
    scenario_time: str
    scenario_offset_minutes: int | None
    scheduled_at: dt.datetime | None
    delivered_at: dt.datetime | None
    completed_at: dt.datetime | None
    from_org: str
    to_agency_id: int | None
    to_unit_id: int | None
    to_text: str
    method: DeliveryMethod
    content: str
    expected_action: str
    objective: str
    controller_id: int | None
    status: InjectStatus
    classification: int
    notes: str
    is_illustrative: bool
    version: int

    @staticmethod
    def resolve_situation_code(obj: Any) -> str | None:
        return obj.situation.code if obj.situation_id else None

    @staticmethod
    def resolve_scenario_offset_minutes(obj: Any) -> int | None:
        return obj.scenario_offset


class InjectIn(Schema):
    serial: int | None = Field(None, ge=1, description="Để trống: số tiếp theo.")
    content: str = Field(..., min_length=1)
    phase_id: int | None = None
    content_item_id: int | None = None
    situation_id: int | None = None
    situation_code: str | None = Field(None, max_length=20)
    scenario_time: str = Field("", max_length=40, description='Ví dụ "N-5", "N+1 08:30".')
    scheduled_at: dt.datetime | None = None
    from_org: str = Field("", max_length=255)
    to_agency_id: int | None = None
    to_unit_id: int | None = None
    to_text: str = Field("", max_length=255)
    method: DeliveryMethod = DeliveryMethod.DOCUMENT
    expected_action: str = ""
    objective: str = Field("", max_length=400)
    controller_id: int | None = None
    classification: Classification | None = None
    notes: str = ""
    is_illustrative: bool = False


class InjectPatch(Schema):
    version: int = Field(..., ge=1)
    serial: int | None = Field(None, ge=1)
    content: str | None = Field(None, min_length=1)
    phase_id: int | None = None
    content_item_id: int | None = None
    situation_id: int | None = None
    situation_code: str | None = Field(None, max_length=20)
    scenario_time: str | None = Field(None, max_length=40)
    scheduled_at: dt.datetime | None = None
    from_org: str | None = Field(None, max_length=255)
    to_agency_id: int | None = None
    to_unit_id: int | None = None
    to_text: str | None = Field(None, max_length=255)
    method: DeliveryMethod | None = None
    expected_action: str | None = None
    objective: str | None = Field(None, max_length=400)
    controller_id: int | None = None
    classification: Classification | None = None
    notes: str | None = None
    is_illustrative: bool | None = None


class InjectFilters(Schema):
    phase: int | None = None
    situation: int | None = None
    status: InjectStatus | None = None
    controller: int | None = None


class InjectTransitionIn(Schema):
    to_status: InjectStatus
    version: int | None = Field(None, ge=1, description="409 khi sự kiện đã bị sửa.")
    note: str = Field("", max_length=2000)


class InjectTransitionOut(Schema):
    id: int
    from_status: InjectStatus
    to_status: InjectStatus
    at: dt.datetime
    by_id: int | None
    note: str


class ClockOut(Schema):
    id: int
    exercise_id: int
    state: ClockState
    started_at: dt.datetime | None
    paused_at: dt.datetime | None
    stopped_at: dt.datetime | None
    paused_seconds: int
    elapsed_seconds: int
    version: int

    @staticmethod
    def resolve_elapsed_seconds(obj: Any) -> int:
        return int(obj.elapsed().total_seconds())


class ClockAction(StrEnum):
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"


class ClockIn(Schema):
    action: ClockAction
    version: int | None = Field(None, ge=1)


class LogEntryOut(Schema):
    id: int
    exercise_id: int
    at: dt.datetime
    kind: LogKind
    author_id: int | None
    text: str
    inject_id: int | None
    classification: int
    is_illustrative: bool
    version: int


class LogEntryIn(Schema):
    text: str = Field(..., min_length=1, max_length=4000)
    at: dt.datetime | None = None
    inject_id: int | None = None
    classification: Classification | None = None
    is_illustrative: bool = False


class LogEntryPatch(Schema):
    version: int = Field(..., ge=1)
    text: str | None = Field(None, min_length=1, max_length=4000)
    at: dt.datetime | None = None
    inject_id: int | None = None
    classification: Classification | None = None
    is_illustrative: bool | None = None


class IncidentOut(Schema):
    id: int
    exercise_id: int
    at: dt.datetime
    category: IncidentCategory
    severity: IncidentSeverity
    injured_count: int
    killed_count: int
    description: str
    resolution: str
    resolved_at: dt.datetime | None
    classification: int
    is_illustrative: bool
    version: int


class IncidentIn(Schema):
    category: IncidentCategory
    description: str = Field(..., min_length=1)
    at: dt.datetime | None = None
    severity: IncidentSeverity = IncidentSeverity.MINOR
    injured_count: int = Field(0, ge=0)
    killed_count: int = Field(0, ge=0)
    resolution: str = ""
    resolved_at: dt.datetime | None = None
    classification: Classification | None = None
    is_illustrative: bool = False


class IncidentPatch(Schema):
    version: int = Field(..., ge=1)
    category: IncidentCategory | None = None
    description: str | None = Field(None, min_length=1)
    at: dt.datetime | None = None
    severity: IncidentSeverity | None = None
    injured_count: int | None = Field(None, ge=0)
    killed_count: int | None = Field(None, ge=0)
    resolution: str | None = None
    resolved_at: dt.datetime | None = None
    classification: Classification | None = None
    is_illustrative: bool | None = None


class IncidentSafetyOut(Schema):
    n: int = Field(..., description="Số sự cố.")
    injured: int
    killed: int
