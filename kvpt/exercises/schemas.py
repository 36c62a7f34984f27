"""API shapes of exercises: areas by id and code, levels by code, enums by value."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field

from kvpt.core.models import Classification
from kvpt.exercises.models import YEAR_MAX, YEAR_MIN, ExerciseKind, ExerciseStatus


class ExerciseAreaRef(Schema):
    id: int
    code: str
    name: str


class AgencyRef(Schema):
    id: int
    code: str
    name: str


class ExerciseOut(Schema):
    id: int
    code: str
    name: str
    area: ExerciseAreaRef
    level: str = Field(description="Mã cấp diễn tập (ví dụ: huyen).")
    year: int
    code_name: str = Field(description="Mật danh.")
    kind: ExerciseKind
    kind_label: str
    organisation: AgencyRef | None = Field(description="Cơ quan tổ chức.")
    directing_organisation: AgencyRef | None = Field(description="Cơ quan chỉ đạo (cấp trên).")
    scale: str = Field(description="Quy mô, ví dụ: 1 bên 2 cấp.")
    purposes: list[str] = Field(description="Mục đích, mỗi phần tử một ý.")
    requirements: list[str] = Field(description="Yêu cầu, mỗi phần tử một ý.")
    start_date: dt.date | None
    end_date: dt.date | None
    leadership_mechanism: str
    status: ExerciseStatus
    status_label: str
    cancel_reason: str
    classification: Classification = Field(description="0 Thường, 1 Mật, 2 Tối mật, 3 Tuyệt mật.")
    classification_label: str
    is_illustrative: bool = Field(description="Số liệu minh họa, không lấy từ hồ sơ thật.")
    copied_from_id: int | None = Field(description="Cuộc diễn tập được sao cấu trúc từ đó.")
    revision: int = Field(
        description="Số hiệu dữ liệu: tăng sau mỗi lần ghi vào cuộc diễn tập hoặc hồ sơ của nó."
    )
    version: int = Field(description="Gửi lại trong PATCH để phát hiện sửa đồng thời.")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_level(obj: Any) -> str:
        return str(obj.level.code)

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

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
    page: int = Field(1, ge=1, le=10**9, description="Trang, bắt đầu từ 1.")
    page_size: int = Field(50, ge=1, le=500, description="Số dòng mỗi trang (tối đa 500).")


class _AreaChoice(Schema):
    area_id: int | None = Field(None, description="Địa bàn theo id; hoặc dùng area_code.")
    area_code: str | None = Field(None, description="Địa bàn theo mã hành chính.")
    level: str | None = Field(None, description="Mã cấp diễn tập; mặc định là cấp của địa bàn.")


class _ExerciseFields(_AreaChoice):
    code_name: str | None = Field(None, max_length=120)
    kind: ExerciseKind | None = None
    organisation_id: int | None = Field(None, description="Cơ quan tổ chức theo id.")
    organisation_code: str | None = Field(None, description="Cơ quan tổ chức theo mã.")
    directing_organisation_id: int | None = Field(None, description="Cơ quan chỉ đạo theo id.")
    directing_organisation_code: str | None = Field(
        None, description="Cơ quan chỉ đạo theo mã (có thể là cơ quan cấp trên của địa bàn)."
    )
    scale: str | None = Field(None, max_length=120)
    purposes: list[str] | None = Field(None, description="Mục đích, mỗi phần tử một ý.")
    requirements: list[str] | None = Field(None, description="Yêu cầu, mỗi phần tử một ý.")
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    leadership_mechanism: str | None = None
    is_illustrative: bool | None = None


class ExerciseIn(_ExerciseFields):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=255)
    year: int = Field(ge=YEAR_MIN, le=YEAR_MAX)
    status: ExerciseStatus = Field(
        ExerciseStatus.DRAFT,
        description="Chỉ nhận draft: trạng thái chuyển qua /exercises/{id}/transitions.",
    )
    classification: Classification = Classification.UNCLASSIFIED
    standard_phases: bool = Field(True, description="Tạo sẵn 3 giai đoạn chuẩn (sửa được sau).")


class ExercisePatch(_ExerciseFields):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="Phiên bản đã đọc; bắt buộc.")
    code: str | None = Field(None, min_length=1, max_length=64)
    name: str | None = Field(None, min_length=1, max_length=255)
    year: int | None = Field(None, ge=YEAR_MIN, le=YEAR_MAX)
    status: Any = Field(
        None,
        description="Không sửa được ở đây: dùng POST /api/v1/exercises/{id}/transitions.",
    )
    classification: Classification | None = None


class TransitionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    to_status: ExerciseStatus
    reason: str = Field("", description="Bắt buộc khi hủy và khi mở lại cuộc diễn tập đã kết thúc.")
    version: int = Field(ge=1, description="Phiên bản cuộc diễn tập đã đọc.")


class TransitionOut(Schema):
    id: int
    from_status: ExerciseStatus
    from_label: str
    to_status: ExerciseStatus
    to_label: str
    at: dt.datetime
    by: str | None = Field(description="Tên đăng nhập của người chuyển.")
    reason: str

    @staticmethod
    def resolve_from_label(obj: Any) -> str:
        return str(obj.get_from_status_display())

    @staticmethod
    def resolve_to_label(obj: Any) -> str:
        return str(obj.get_to_status_display())

    @staticmethod
    def resolve_by(obj: Any) -> str | None:
        return obj.by.username if obj.by is not None else None


class CopyIn(_AreaChoice):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=255)
    year: int = Field(ge=YEAR_MIN, le=YEAR_MAX)
    shift_days: int | None = Field(
        None,
        ge=-36600,
        le=36600,
        description=(
            "Số ngày dời mọi ngày tháng; bỏ trống: cùng ngày, cùng tháng, dời đúng số năm chênh "
            "lệch (theo ngày bắt đầu của cuộc diễn tập nguồn)."
        ),
    )
    copy_members: bool = Field(True, description="Sao cả thành viên các ban.")
