"""API shapes of preparation tasks, their bulk edit and the Excel import's report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field

from kvpt.core.models import Classification
from kvpt.preparation.models import TaskCategory, TaskStatus


class CodeRef(Schema):
    id: int
    code: str
    name: str


class TaskOut(Schema):
    id: int
    exercise_id: int
    code: str
    title: str
    subcommittee: CodeRef | None = None
    category: TaskCategory
    category_label: str
    owner: CodeRef | None = None
    assignee: CodeRef | None = None
    start: dt.date | None
    due: dt.date | None
    status: TaskStatus
    status_label: str
    progress: int
    completed_on: dt.date | None
    overdue: bool = Field(False, description="Quá hạn: hạn đã qua mà chưa xong, chưa hủy.")
    depends_on: list[str] = Field(
        default_factory=list, description="Mã các công việc phải xong trước."
    )
    classification: Classification = Field(description="0 Thường, 1 Mật, 2 Tối mật, 3 Tuyệt mật.")
    classification_label: str
    notes: str
    version: int = Field(description="Gửi lại trong PATCH để phát hiện sửa đồng thời.")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_subcommittee(obj: Any) -> dict[str, Any] | None:
        c = obj.subcommittee
        return {"id": c.pk, "code": c.code, "name": c.name} if c else None

    @staticmethod
    def resolve_owner(obj: Any) -> dict[str, Any] | None:
        a = obj.owner
        return {"id": a.pk, "code": a.code, "name": a.name} if a else None

    @staticmethod
    def resolve_assignee(obj: Any) -> dict[str, Any] | None:
        p = obj.assignee
        return {"id": p.pk, "code": p.code, "name": p.full_name} if p else None

    @staticmethod
    def resolve_category_label(obj: Any) -> str:
        return str(obj.get_category_display())

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_classification_label(obj: Any) -> str:
        return str(obj.get_classification_display())

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        from kvpt.preparation.selectors.tasks import is_overdue

        return is_overdue(obj)

    @staticmethod
    def resolve_depends_on(obj: Any) -> list[str]:
        return [d.code for d in obj.depends_on.all()]


class TaskPage(Schema):
    items: list[TaskOut]
    count: int
    overdue: int = Field(description="Số công việc quá hạn của cả cuộc diễn tập (không theo lọc).")
    page: int
    page_size: int
    pages: int


class TaskQuery(Schema):
    subcommittee: str | None = Field(None, description="id tiểu ban, hoặc none.")
    category: TaskCategory | None = None
    status: TaskStatus | None = None
    owner: int | None = Field(None, description="id cơ quan chủ trì.")
    assignee: int | None = Field(None, description="id người thực hiện.")
    overdue: bool = Field(False, description="Chỉ các việc quá hạn.")
    q: str | None = Field(None, description="Từ trong mã hoặc nội dung; không phân biệt dấu.")
    sort: str | None = Field(
        None, description="code, title, due, start, status, progress, subcommittee; - để đảo."
    )
    page: int = Field(1, ge=1, le=10**9, description="Trang, bắt đầu từ 1.")
    page_size: int = Field(50, ge=1, le=500, description="Số dòng mỗi trang (tối đa 500).")


class _TaskRefs(Schema):
    subcommittee_id: int | None = Field(None, description="Tiểu ban theo id; hoặc mã.")
    subcommittee_code: str | None = None
    owner_id: int | None = Field(None, description="Cơ quan chủ trì theo id; hoặc mã.")
    owner_code: str | None = None
    assignee_id: int | None = Field(None, description="Người thực hiện theo id; hoặc mã.")
    assignee_code: str | None = None


class TaskIn(_TaskRefs):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=400)
    category: TaskCategory
    start: dt.date | None = None
    due: dt.date | None = None
    status: TaskStatus = TaskStatus.TODO
    progress: int = Field(0, ge=0, le=100)
    completed_on: dt.date | None = None
    depends_on: list[str] = Field(default_factory=list, description="Mã các công việc.")
    classification: Classification | None = Field(
        None, description="Mặc định: độ mật của cuộc diễn tập."
    )
    notes: str = ""


class TaskPatch(_TaskRefs):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="Phiên bản đã đọc; bắt buộc.")
    code: str | None = Field(None, min_length=1, max_length=40)
    title: str | None = Field(None, min_length=1, max_length=400)
    category: TaskCategory | None = None
    start: dt.date | None = None
    due: dt.date | None = None
    status: TaskStatus | None = None
    progress: int | None = Field(None, ge=0, le=100)
    completed_on: dt.date | None = None
    depends_on: list[str] | None = None
    classification: Classification | None = None
    notes: str | None = None


class TaskVersion(Schema):
    id: int
    version: int | None = Field(None, ge=1, description="Phiên bản đã đọc (khuyên dùng).")


class TaskBulkIn(Schema):
    model_config = ConfigDict(extra="forbid")

    items: list[TaskVersion] = Field(min_length=1)
    status: TaskStatus | None = None
    progress: int | None = Field(None, ge=0, le=100)
    assignee_id: int | None = None
    assignee_code: str | None = None
    subcommittee_id: int | None = None
    subcommittee_code: str | None = None
    due: dt.date | None = None


class TaskBulkOut(Schema):
    count: int
    items: list[TaskOut]


class SheetErrorOut(Schema):
    sheet: str
    row: int | None
    column: str
    message: str


class RowChangeOut(Schema):
    row: int
    code: str
    action: str = Field(description="create, update hoặc unchanged.")
    changes: list[dict[str, str]] = Field(
        default_factory=list, description="Mỗi thay đổi: column, old, new."
    )


class TaskImportOut(Schema):
    detail: str
    code: str
    dry_run: bool
    applied: bool
    sheet: str
    created: list[RowChangeOut]
    updated: list[RowChangeOut]
    unchanged: int
    errors: list[SheetErrorOut]
