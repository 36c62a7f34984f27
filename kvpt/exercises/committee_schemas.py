"""API shapes of committees (ban, tiểu ban) and their members."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field

from kvpt.exercises.models import CommitteeKind, CommitteeRole

VERSION_HELP = "Phiên bản đã đọc; sai lệch -> 409."


class PersonRef(Schema):
    id: int
    code: str
    full_name: str
    rank: str


class CommitteeMemberOut(Schema):
    id: int
    committee_id: int
    person: PersonRef
    position: str
    role: CommitteeRole
    role_label: str
    exercise_role: str
    order: int
    version: int = Field(description="Gửi lại trong PATCH để phát hiện sửa đồng thời.")
    updated_at: dt.datetime

    @staticmethod
    def resolve_role_label(obj: Any) -> str:
        return str(obj.get_role_display())


class CommitteeOut(Schema):
    id: int
    exercise_id: int
    exercise_code: str = Field(alias="exercise.code")
    kind: CommitteeKind
    kind_label: str
    code: str
    name: str
    order: int
    duties: str
    members: list[CommitteeMemberOut] = Field(
        description="Thành viên, trưởng ban trước (người có độ mật cao hơn mức của bạn bị ẩn)."
    )
    version: int = Field(description="Gửi lại trong PATCH để phát hiện sửa đồng thời.")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_members(obj: Any) -> list[Any]:
        return list(obj.seated)


class CommitteeFilters(Schema):
    kind: CommitteeKind | None = Field(None, description="Chỉ một loại ban, ví dụ `subcommittee`.")


class CommitteeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: CommitteeKind
    code: str = Field(min_length=1, max_length=40, description="Duy nhất trong cuộc diễn tập.")
    name: str = Field(min_length=1, max_length=255)
    order: int | None = Field(None, ge=0, le=32767, description="Mặc định: sau các ban đã có.")
    duties: str = Field("", max_length=10000)


class CommitteePatch(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description=VERSION_HELP)
    kind: CommitteeKind | None = None
    code: str | None = Field(None, min_length=1, max_length=40)
    name: str | None = Field(None, min_length=1, max_length=255)
    order: int | None = Field(None, ge=0, le=32767)
    duties: str | None = Field(None, max_length=10000)


class StandardCommitteesIn(Schema):
    model_config = ConfigDict(extra="forbid")

    catalogue: str = Field(
        "subcommittees",
        pattern="^(subcommittees|leading)$",
        description="`subcommittees`: các tiểu ban thường dùng; `leading`: BCĐ, BTC, Ban Đạo "
        "diễn, Tổ giúp việc. Chỉ thêm những ban còn thiếu.",
    )


class CommitteeMemberIn(Schema):
    model_config = ConfigDict(extra="forbid")

    person_id: int | None = Field(None, description="Người trong danh bạ (theo id).")
    person_code: str | None = Field(None, max_length=64, description="Hoặc theo mã.")
    position: str | None = Field(
        None, max_length=400, description="Mặc định: các chức vụ người đó giữ khi diễn tập."
    )
    role: CommitteeRole = CommitteeRole.MEMBER
    exercise_role: str = Field("", max_length=255)
    order: int | None = Field(None, ge=0, le=32767, description="Mặc định: sau các thành viên.")


class CommitteeMemberPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description=VERSION_HELP)
    person_id: int | None = None
    person_code: str | None = Field(None, max_length=64)
    position: str | None = Field(None, max_length=400)
    role: CommitteeRole | None = None
    exercise_role: str | None = Field(None, max_length=255)
    order: int | None = Field(None, ge=0, le=32767)
