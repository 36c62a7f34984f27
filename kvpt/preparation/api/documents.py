"""API of documents (văn kiện) under /api/v1/exercises/{exercise_id}/documents.

Reads go through the selectors (outside scope or above the caller's clearance: 404); writes go
through kvpt.preparation.services.documents (403 without the role, 409 on a stale version, 422 on
refused input). Every file download is logged, whatever the document's marking.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from kvpt.core import api_crud
from kvpt.core.api_crud import READ_ERRORS, UPDATE_ERRORS, WRITE_ERRORS, pick, reference
from kvpt.core.models import AccessLog
from kvpt.core.permissions import require_perm
from kvpt.core.scope import get_visible_or_404
from kvpt.core.views_helpers import log_classified_read, log_classified_reads
from kvpt.preparation.models import Document
from kvpt.preparation.schemas.documents import (
    DocumentIn,
    DocumentOut,
    DocumentPage,
    DocumentPatch,
    DocumentQuery,
    DocumentStatusIn,
    DocumentVersionOut,
)
from kvpt.preparation.selectors.documents import (
    DocumentFilters,
    document_get,
    document_kinds,
    document_search,
    document_version_get,
    document_versions,
)
from kvpt.preparation.services.documents import (
    PERM,
    document_add_version,
    document_create,
    document_set_status,
    document_update,
)
from kvpt.preparation.views.documents import DOCUMENT, serve_version

router = Router(tags=["documents"])

BASE = "/exercises/{int:exercise_id}/documents"
ONE = BASE + "/{int:document_id}"


def _exercise(request: HttpRequest, exercise_id: int) -> Any:
    from kvpt.exercises.selectors import exercise_list

    return get_visible_or_404(exercise_list(request.user), pk=exercise_id)


def _changes(user: Any, data: dict[str, Any], current: Any, exercise: Any) -> dict[str, Any]:
    from kvpt.exercises.selectors import committee_list
    from kvpt.organisations.selectors import agency_list

    changes = pick(data, ("code", "title", "number", "issued_on"))
    if "number" in changes and changes["number"] is None:
        changes["number"] = ""  # no number yet ("số" is given when the document is issued)
    if "classification" in data and data["classification"] is not None:
        changes["classification"] = int(data["classification"])
    changes |= reference(
        data,
        "kind",
        document_kinds(include=current.kind_id if current else None),
        _("loại văn kiện"),
        current=current,
        required=True,
    )
    changes |= reference(
        data,
        "subcommittee",
        committee_list(user).filter(exercise=exercise, kind="subcommittee"),
        _("tiểu ban"),
        current=current,
    )
    changes |= reference(
        data, "custodian", agency_list(user), _("cơ quan quản lý"), current=current
    )
    return changes


def _out(request: HttpRequest, exercise_id: int, pk: int) -> Document:
    return document_get(request.user, exercise_id, pk)


@router.get(BASE, response={200: DocumentPage, **READ_ERRORS}, summary="Danh sách văn kiện")
def list_documents(request: HttpRequest, exercise_id: int, filters: Query[DocumentQuery]) -> Any:
    exercise = _exercise(request, exercise_id)
    queryset = document_search(
        request.user,
        exercise.pk,
        DocumentFilters(
            kind=filters.kind,
            status=filters.status.value if filters.status else "",
            subcommittee=filters.subcommittee,
            q=filters.q or "",
        ),
    )
    count = queryset.count()
    start = (filters.page - 1) * filters.page_size
    rows = list(queryset[start : start + filters.page_size])
    log_classified_reads(request.user, rows, AccessLog.Action.API)
    return {
        "items": rows,
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "pages": max(1, -(-count // filters.page_size)),
    }


@router.post(BASE, response={201: DocumentOut, **WRITE_ERRORS}, summary="Thêm văn kiện")
def create_document(request: HttpRequest, exercise_id: int, payload: DocumentIn) -> Any:
    user = request.user
    exercise = _exercise(request, exercise_id)
    data = payload.model_dump(exclude_unset=True)
    changes = _changes(user, data, None, exercise)
    document = document_create(exercise=exercise, **changes, actor=user)
    return Status(201, _out(request, exercise.pk, document.pk))


@router.get(ONE, response={200: DocumentOut, **READ_ERRORS}, summary="Một văn kiện")
def get_document(request: HttpRequest, exercise_id: int, document_id: int) -> Any:
    document = document_get(request.user, exercise_id, document_id)
    log_classified_read(request.user, document, AccessLog.Action.API)
    return document


@router.patch(ONE, response={200: DocumentOut, **UPDATE_ERRORS}, summary="Sửa văn kiện")
def patch_document(
    request: HttpRequest, exercise_id: int, document_id: int, payload: DocumentPatch
) -> Any:
    user = request.user
    document = document_get(user, exercise_id, document_id)
    require_perm(user, PERM, document)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    changes = _changes(user, data, document, document.exercise)
    document_update(document=document, changes=changes, expected_version=version, actor=user)
    return _out(request, exercise_id, document.pk)


@router.delete(ONE, response={204: None, **UPDATE_ERRORS}, summary="Xóa văn kiện (dự thảo)")
def delete_document(
    request: HttpRequest, exercise_id: int, document_id: int, version: int | None = None
) -> Any:
    document = document_get(request.user, exercise_id, document_id)
    return api_crud.delete(request, DOCUMENT, document.pk, version)


@router.post(
    ONE + "/status",
    response={200: DocumentOut, **UPDATE_ERRORS},
    summary="Phê duyệt, trả lại dự thảo hoặc lưu trữ văn kiện",
)
def set_document_status(
    request: HttpRequest, exercise_id: int, document_id: int, payload: DocumentStatusIn
) -> Any:
    user = request.user
    document = document_get(user, exercise_id, document_id)
    require_perm(user, PERM, document)
    document_set_status(
        document=document,
        status=payload.status.value,
        expected_version=payload.version,
        actor=user,
    )
    return _out(request, exercise_id, document.pk)


@router.get(
    ONE + "/versions",
    response={200: list[DocumentVersionOut], **READ_ERRORS},
    summary="Các phiên bản tệp của văn kiện",
)
def list_versions(request: HttpRequest, exercise_id: int, document_id: int) -> Any:
    document = document_get(request.user, exercise_id, document_id)
    log_classified_read(request.user, document, AccessLog.Action.API)
    versions = list(document_versions(document))
    for version in versions:
        version.document = document
    return versions


@router.post(
    ONE + "/versions",
    response={201: DocumentVersionOut, **WRITE_ERRORS},
    summary="Tải lên phiên bản mới (multipart: file, note)",
)
def upload_version(
    request: HttpRequest,
    exercise_id: int,
    document_id: int,
    file: File[UploadedFile],
    note: Form[str] = "",
) -> Any:
    user = request.user
    document = document_get(user, exercise_id, document_id)
    require_perm(user, PERM, document)
    version = document_add_version(document=document, upload=file, note=note, actor=user)
    version.document = document
    return Status(201, version)


@router.get(
    ONE + "/versions/{int:number}/file",
    response={200: None, **READ_ERRORS},
    summary="Tải xuống tệp của một phiên bản (được ghi nhật ký)",
    url_name="document_version_file",
    openapi_extra={
        "responses": {
            "200": {
                "description": "Tệp gốc, Content-Disposition: attachment.",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def download_version(request: HttpRequest, exercise_id: int, document_id: int, number: int) -> Any:
    version = document_version_get(request.user, exercise_id, document_id, number)
    return serve_version(version, request.user)
