"""API shapes of an exercise's phases, contents and milestones.

Times are ISO 8601 (a time without an offset is read in Vietnam's time, Asia/Ho_Chi_Minh); dates
are YYYY-MM-DD. The order of phases and contents changes only through the `move` endpoints.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from kvpt.exercises.models import MilestoneKind

NAME = Field(min_length=1, max_length=400)


class _Times(Schema):
    planned_start: dt.datetime | None = None
    planned_end: dt.datetime | None = None
    actual_start: dt.datetime | None = None
    actual_end: dt.datetime | None = None


class ContentOut(_Times):
    id: int
    phase_id: int
    order: int = Field(description="Thứ tự trong giai đoạn (có thể cách quãng sau khi xóa).")
    name: str
    is_illustrative: bool
    version: int = Field(description="Gửi lại trong PATCH để phát hiện sửa đồng thời.")
    updated_at: dt.datetime


class PhaseOut(_Times):
    id: int
    exercise_id: int
    order: int = Field(description="Thứ tự trong cuộc diễn tập (có thể cách quãng sau khi xóa).")
    name: str
    is_illustrative: bool
    version: int = Field(description="Gửi lại trong PATCH để phát hiện sửa đồng thời.")
    updated_at: dt.datetime
    contents: list[ContentOut]

    @staticmethod
    def resolve_contents(obj: Any) -> list[Any]:
        return list(obj.contents.all())


class PhaseIn(_Times):
    model_config = ConfigDict(extra="forbid")

    name: str = NAME
    is_illustrative: bool = False


class PhasePatch(_Times):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="Phiên bản đã đọc; bắt buộc.")
    name: str | None = Field(None, min_length=1, max_length=400)
    is_illustrative: bool | None = None


ContentIn = PhaseIn
ContentPatch = PhasePatch


class MoveIn(Schema):
    model_config = ConfigDict(extra="forbid")

    direction: Literal["up", "down"] = Field(description="up: lên một bậc; down: xuống một bậc.")
    version: int | None = Field(None, ge=1, description="Phiên bản đã đọc (khuyến nghị).")


class MilestoneOut(Schema):
    id: int
    exercise_id: int
    kind: MilestoneKind
    kind_label: str
    sequence: int | None
    title: str
    starts_on: dt.date
    ends_on: dt.date | None
    location: str
    done: bool
    notes: str
    is_illustrative: bool
    version: int = Field(description="Gửi lại trong PATCH để phát hiện sửa đồng thời.")
    updated_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())


class MilestoneIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: MilestoneKind
    sequence: int | None = Field(None, ge=1, le=99, description="Lần thứ mấy (diễn tập thử lần 2).")
    title: str = Field("", max_length=255, description="Để trống: lấy theo loại mốc và lần.")
    starts_on: dt.date
    ends_on: dt.date | None = None
    location: str = Field("", max_length=255)
    done: bool = False
    notes: str = ""
    is_illustrative: bool = False


class MilestonePatch(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="Phiên bản đã đọc; bắt buộc.")
    kind: MilestoneKind | None = None
    sequence: int | None = Field(None, ge=1, le=99)
    title: str | None = Field(None, max_length=255)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    location: str | None = Field(None, max_length=255)
    done: bool | None = None
    notes: str | None = None
    is_illustrative: bool | None = None


class MilestoneQuery(Schema):
    start: dt.date | None = Field(None, description="Chỉ các mốc kết thúc từ ngày này.")
    end: dt.date | None = Field(None, description="Chỉ các mốc bắt đầu đến ngày này.")
    kind: MilestoneKind | None = None
