"""API shapes of exercises: areas by id and code, levels by code, enums by value."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field

from kvpt.core.models import Classification
from kvpt.exercises.models import YEAR_MAX, YEAR_MIN, ExerciseStatus


class AreaRef(Schema):
    id: int
    code: str
    name: str


class ExerciseOut(Schema):
    id: int
    code: str
    name: str
    area: AreaRef
    level: str = Field(description="Mã cấp diễn tập (ví dụ: huyen).")
    year: int
    status: ExerciseStatus
    status_label: str
    classification: Classification = Field(description="0 Thường, 1 Mật, 2 Tối mật, 3 Tuyệt mật.")
    classification_label: str
    version: int = Field(description="Gửi lại trong PATCH để phát hiện sửa đồng thời.")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_level(obj: Any) -> str:
        return str(obj.level.code)

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_classification_label(obj: Any) -> str:
        return str(obj.get_classification_display())


class ExercisePage(Schema):
    items: list[ExerciseOut]
    count: int
    page: int
    page_size: int
    pages: int


class ExerciseQuery(Schema):
    year: int | None = Field(None, description="Năm diễn tập.")
    status: ExerciseStatus | None = None
    area: int | None = Field(None, description="Mã số (id) địa bàn: gồm cả các địa bàn cấp dưới.")
    q: str | None = Field(
        None, description="Từ trong mã hoặc tên; không phân biệt dấu, hoa thường."
    )
    page: int = Field(1, ge=1, description="Trang, bắt đầu từ 1.")
    page_size: int = Field(50, ge=1, le=500, description="Số dòng mỗi trang (tối đa 500).")


class _AreaChoice(Schema):
    area_id: int | None = Field(None, description="Địa bàn theo id; hoặc dùng area_code.")
    area_code: str | None = Field(None, description="Địa bàn theo mã hành chính.")
    level: str | None = Field(None, description="Mã cấp diễn tập; mặc định là cấp của địa bàn.")


class ExerciseIn(_AreaChoice):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=255)
    year: int = Field(ge=YEAR_MIN, le=YEAR_MAX)
    status: ExerciseStatus = ExerciseStatus.DRAFT
    classification: Classification = Classification.UNCLASSIFIED


class ExercisePatch(_AreaChoice):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="Phiên bản đã đọc; bắt buộc.")
    code: str | None = Field(None, min_length=1, max_length=64)
    name: str | None = Field(None, min_length=1, max_length=255)
    year: int | None = Field(None, ge=YEAR_MIN, le=YEAR_MAX)
    status: ExerciseStatus | None = None
    classification: Classification | None = None
