"""API shapes of documents (văn kiện) and their versions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field

from kvpt.core.models import Classification
from kvpt.preparation.models import DocumentStatus


class DocumentKindRef(Schema):
    id: int
    code: str
    name: str


class RecordRef(Schema):
    id: int
    code: str
    name: str


class DocumentOut(Schema):
    id: int
    exercise_id: int
    code: str
    number: str = Field(description="Số, ký hiệu, ví dụ 12/KH-BCĐ.")
    title: str
    kind: DocumentKindRef
    subcommittee: RecordRef | None
    custodian: RecordRef | None
    issued_on: dt.date | None
    status: DocumentStatus
    status_label: str
    classification: Classification = Field(description="0 Thường, 1 Mật, 2 Tối mật, 3 Tuyệt mật.")
    classification_label: str
    version_count: int = Field(description="Số phiên bản tệp đã tải lên.")
    last_version: int | None = Field(description="Số thứ tự phiên bản mới nhất.")
    version: int = Field(description="Gửi lại trong PATCH để phát hiện sửa đồng thời.")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_classification_label(obj: Any) -> str:
        return str(obj.get_classification_display())

    @staticmethod
    def resolve_version_count(obj: Any) -> int:
        return int(getattr(obj, "version_count", 0) or 0)

    @staticmethod
    def resolve_last_version(obj: Any) -> int | None:
        return getattr(obj, "last_version", None)


class DocumentPage(Schema):
    items: list[DocumentOut]
    count: int
    page: int
    page_size: int
    pages: int


class DocumentQuery(Schema):
    kind: str | None = Field(None, description="Mã loại văn kiện trong danh mục (ví dụ KH-A2).")
    status: DocumentStatus | None = None
    subcommittee: int | None = Field(None, description="Id tiểu ban.")
    q: str | None = Field(
        None, description="Từ trong mã, số, trích yếu; không phân biệt dấu, hoa thường."
    )
    page: int = Field(1, ge=1, le=10**9, description="Trang, bắt đầu từ 1.")
    page_size: int = Field(50, ge=1, le=500, description="Số dòng mỗi trang (tối đa 500).")


class _References(Schema):
    kind_id: int | None = Field(None, description="Loại văn kiện theo id; hoặc dùng kind_code.")
    kind_code: str | None = Field(None, description="Loại văn kiện theo mã danh mục.")
    subcommittee_id: int | None = Field(
        None, description="Tiểu ban theo id; hoặc subcommittee_code."
    )
    subcommittee_code: str | None = None
    custodian_id: int | None = Field(
        None, description="Cơ quan quản lý theo id; hoặc custodian_code."
    )
    custodian_code: str | None = None


class DocumentIn(_References):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=400)
    number: str = Field("", max_length=80)
    classification: Classification | None = Field(
        None, description="Mặc định bằng độ mật của cuộc diễn tập."
    )
    issued_on: dt.date | None = None


class DocumentPatch(_References):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="Phiên bản đã đọc; bắt buộc.")
    code: str | None = Field(None, min_length=1, max_length=40)
    title: str | None = Field(None, min_length=1, max_length=400)
    number: str | None = Field(None, max_length=80)
    classification: Classification | None = None
    issued_on: dt.date | None = None


class DocumentStatusIn(Schema):
    model_config = ConfigDict(extra="forbid")

    status: DocumentStatus
    version: int | None = Field(None, ge=1, description="Phiên bản đã đọc (khuyến nghị).")


class UserRef(Schema):
    id: int
    username: str
    full_name: str

    @staticmethod
    def resolve_full_name(obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class DocumentVersionOut(Schema):
    number: int
    filename: str = Field(description="Tên tệp gốc (đã chuẩn hóa NFC, bỏ đường dẫn).")
    content_type: str = Field(description="Loại tệp xác định theo nội dung.")
    size: int = Field(description="Dung lượng (byte).")
    sha256: str
    note: str
    uploaded_at: dt.datetime
    uploaded_by: UserRef | None
    download_url: str

    @staticmethod
    def resolve_download_url(obj: Any) -> str:
        from django.urls import reverse

        return reverse(
            "api:document_version_file",
            kwargs={
                "exercise_id": obj.document.exercise_id,
                "document_id": obj.document_id,
                "number": obj.number,
            },
        )
