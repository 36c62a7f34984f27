"""API schemas of the accounts app: me, memberships, users, tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from kvpt.accounts.models import Role


class PersonBrief(Schema):
    id: int
    code: str
    full_name: str
    rank: str = ""


class MembershipBrief(Schema):
    id: int
    role: Role
    role_label: str
    area: str | None = Field(None, description="Mã địa bàn (khi vai trò gắn với địa bàn).")
    area_name: str | None = None
    exercise: str | None = Field(None, description="Mã cuộc diễn tập (khi gắn với diễn tập).")
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    @staticmethod
    def resolve_role_label(obj: Any) -> str:
        return str(obj.get_role_display())

    @staticmethod
    def resolve_area(obj: Any) -> str | None:
        return obj.area.code if obj.area_id else None

    @staticmethod
    def resolve_area_name(obj: Any) -> str | None:
        return obj.area.name if obj.area_id else None

    @staticmethod
    def resolve_exercise(obj: Any) -> str | None:
        return obj.exercise.code if obj.exercise_id else None


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    clearance: int = Field(description="0 thường, 1 Mật, 2 Tối mật, 3 Tuyệt mật.")
    clearance_label: str
    is_superuser: bool
    person: PersonBrief | None = None
    memberships: list[MembershipBrief]
    two_factor_required: bool


class MembershipOut(MembershipBrief):
    user: str = Field(description="Tên đăng nhập.")
    user_id: int
    area_id: int | None = None
    exercise_id: int | None = None
    note: str = ""
    version: int

    @staticmethod
    def resolve_user(obj: Any) -> str:
        return str(obj.user.username)


class MembershipIn(Schema):
    user: str = Field(description="Tên đăng nhập của người được phân quyền.")
    role: Role
    area: str | None = Field(None, description="Mã địa bàn; hoặc `exercise`, không cả hai.")
    exercise: str | None = Field(None, description="Mã cuộc diễn tập; hoặc `area`.")
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    note: str = Field("", max_length=255)


class MembershipPatch(Schema):
    role: Role | None = None
    area: str | None = None
    exercise: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    note: str | None = Field(None, max_length=255)
    version: int | None = Field(
        None, description="Phiên bản đã đọc; nếu người khác đã sửa sau đó, trả về 409."
    )


class MembershipFilters(Schema):
    user: str | None = Field(None, description="Tên đăng nhập (chứa chuỗi này).")
    role: Role | None = None
    area: str | None = Field(None, description="Mã địa bàn: vai trò trên địa bàn này và cấp dưới.")
    exercise: str | None = Field(None, description="Mã cuộc diễn tập.")


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    clearance: int
    is_active: bool
    person: str | None = Field(None, description="Mã cán bộ liên kết.")

    @staticmethod
    def resolve_full_name(obj: Any) -> str:
        return str(obj.get_full_name())

    @staticmethod
    def resolve_person(obj: Any) -> str | None:
        return obj.person.code if obj.person_id else None


class TokenOut(Schema):
    id: int
    name: str
    key_prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None
    is_active: bool


class TokenCreatedOut(TokenOut):
    key: str = Field(description="Khóa đầy đủ; chỉ trả về một lần, không lưu lại ở máy chủ.")


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    expires_at: dt.datetime | None = Field(None, description="Bỏ trống: không hết hạn.")


class UserDetailOut(Schema):
    """One user as their admin sees it (built as a dict by kvpt.accounts.api._user_detail)."""

    id: int
    username: str
    full_name: str
    first_name: str
    last_name: str
    email: str
    clearance: int
    clearance_label: str
    is_active: bool
    person: str | None = Field(None, description="Mã cán bộ liên kết.")
    person_id: int | None = None
    version: int = Field(description="Gửi lại khi sửa; nếu người khác đã sửa sau đó, trả về 409.")
    last_login: dt.datetime | None = None
    memberships: list[MembershipBrief] = Field(
        description="Các vai trò của người dùng trong phạm vi của người gọi."
    )
    active_tokens: int = Field(description="Số khóa API đang dùng được.")
    two_factor_enabled: bool
    two_factor_required: bool


class UserPatch(Schema):
    version: int = Field(..., ge=1, description="Phiên bản đã đọc; sai lệch -> 409.")
    first_name: str | None = Field(None, max_length=150)
    last_name: str | None = Field(None, max_length=150)
    email: str | None = Field(None, max_length=254)
    person_id: int | None = Field(None, description="Cán bộ liên kết (id); hoặc `person_code`.")
    person_code: str | None = Field(None, max_length=64)
    unlink_person: bool = Field(False, description="true: bỏ liên kết với cán bộ.")
    clearance: int | None = Field(None, ge=0, le=3)
    is_active: bool | None = None


class PasswordIn(Schema):
    password: str = Field(min_length=1, max_length=128, description="Mật khẩu mới.")
