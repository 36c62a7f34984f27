"""API: export an exercise (GET: the JSON document; POST: with a passphrase and files), import.

Scoped like the pages: an exercise the caller cannot see is a 404, exporting needs an editing
role on it (403), importing needs the right to create an exercise in the file's area.
"""

# No `from __future__ import annotations`: ninja reads the parameter types at run time.

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import Field

from kvpt.core.api import ErrorOut
from kvpt.core.permissions import require_perm
from kvpt.core.scope import get_visible_or_404
from kvpt.core.uploads import OversizedUpload, content_disposition, receiving_limit_bytes
from kvpt.exchange.crypto import MIN_PASSPHRASE
from kvpt.exchange.services import (
    ExchangeError,
    ImportReport,
    Problem,
    export_exercise,
    import_exercise,
)
from kvpt.exercises.selectors import exercise_list
from kvpt.exercises.services import can_add_somewhere

router = Router(tags=["Trao đổi dữ liệu"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class ExportIn(Schema):
    passphrase: str = Field(
        default="",
        description=f"Cụm mật khẩu (ít nhất {MIN_PASSPHRASE} ký tự) để mã hóa; rỗng: không mã hóa.",
    )
    with_files: bool = Field(default=False, description="Kèm các tệp văn bản (tệp .zip).")


class ProblemOut(Schema):
    place: str = Field(
        description="Vị trí trong tệp (JSON path), ví dụ records.forces.ForceAllocation[3].unit"
    )
    message: str


class ImportOut(Schema):
    dry_run: bool
    ok: bool
    code: str
    name: str
    classification: int
    classification_label: str
    counts: dict[str, int]
    errors: list[ProblemOut]
    unmatched: list[ProblemOut]
    warnings: list[ProblemOut]
    files_included: int
    files_missing: int
    exercise_id: int | None


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _exercise(request: HttpRequest, exercise_id: int) -> Any:
    exercise = get_visible_or_404(exercise_list(request.user), pk=exercise_id)
    require_perm(request.user, "exchange.export_exercise", exercise)
    return exercise


@router.get(
    "/exercises/{int:exercise_id}/export",
    response={200: None, **ERRORS},
    summary="Xuất cuộc diễn tập: tài liệu JSON theo định dạng trao đổi (không mã hóa)",
)
def export_json(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = _exercise(request, exercise_id)
    result = export_exercise(exercise, actor=request.user)
    return _download(result.content, result.filename, "application/json")


@router.post(
    "/exercises/{int:exercise_id}/export",
    response={200: None, **ERRORS, 422: ErrorOut},
    summary="Xuất cuộc diễn tập: mã hóa bằng cụm mật khẩu, kèm tệp văn bản (tệp nhị phân)",
)
def export_file(request: HttpRequest, exercise_id: int, payload: ExportIn) -> HttpResponse:
    exercise = _exercise(request, exercise_id)
    if payload.passphrase and len(payload.passphrase) < MIN_PASSPHRASE:
        raise HttpError(422, _("Cụm mật khẩu phải có ít nhất %(n)s ký tự.") % {"n": MIN_PASSPHRASE})
    result = export_exercise(
        exercise,
        actor=request.user,
        passphrase=payload.passphrase or None,
        with_files=payload.with_files,
    )
    content_type = (
        "application/json" if result.filename.endswith(".json") else "application/octet-stream"
    )
    return _download(result.content, result.filename, content_type)


def _body(report: ImportReport, dry_run: bool) -> dict[str, Any]:
    return {"dry_run": dry_run, "ok": report.ok, **report.as_dict()}


@router.post(
    "/exchange/import",
    response={200: ImportOut, 201: ImportOut, 422: ImportOut, 401: ErrorOut, 403: ErrorOut},
    summary="Nhập cuộc diễn tập từ tệp trao đổi (multipart: file, passphrase; dry_run=true: thử)",
)
def import_file(
    request: HttpRequest,
    file: File[UploadedFile],
    passphrase: Form[str] = "",
    dry_run: bool = True,
) -> Any:
    user = request.user
    if not can_add_somewhere(user):
        raise HttpError(403, _("Bạn không có quyền tạo cuộc diễn tập ở địa bàn nào."))
    if isinstance(file, OversizedUpload) or (file.size or 0) > receiving_limit_bytes():
        report = ImportReport()
        report.errors.append(
            Problem("", _("Tệp quá lớn để tải lên: dùng lệnh kvpt import exercise."))
        )
        return Status(422, _body(report, dry_run))
    content = file.read()
    try:
        report = import_exercise(
            content, actor=user, passphrase=passphrase or None, dry_run=dry_run
        )
    except ExchangeError as exc:
        return Status(422, _body(ImportReport(errors=exc.problems), dry_run))
    if not report.ok:
        return Status(422, _body(report, dry_run))
    return Status(200 if dry_run else 201, _body(report, dry_run))
