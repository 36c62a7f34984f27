"""API of preparation tasks: list (filters as the page), create, read, update, delete, bulk edit,
Excel export and import (with a dry run). Same selectors and services as the pages.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from kvpt.core import api_crud
from kvpt.core import spreadsheets as xl
from kvpt.core.api import ErrorOut
from kvpt.core.api_crud import READ_ERRORS, UPDATE_ERRORS, WRITE_ERRORS, pick, reference
from kvpt.core.models import AccessLog
from kvpt.core.scope import get_visible_or_404
from kvpt.core.views_helpers import log_classified_reads
from kvpt.exercises.selectors import exercise_list
from kvpt.preparation.models import Task
from kvpt.preparation.schemas.tasks import (
    TaskBulkIn,
    TaskBulkOut,
    TaskImportOut,
    TaskIn,
    TaskOut,
    TaskPage,
    TaskPatch,
    TaskQuery,
)
from kvpt.preparation.selectors import task_list
from kvpt.preparation.selectors.tasks import (
    TaskFilters,
    exercise_subcommittees,
    overdue_count,
    task_assignee_choices,
    task_owner_choices,
    task_search,
    tasks_shown,
)
from kvpt.preparation.services.task_sheets import ImportResult, task_export, task_import
from kvpt.preparation.services.tasks import task_bulk_update, task_create
from kvpt.preparation.views.tasks import TASK, export_filename, xlsx_response

router = Router(tags=["tasks"])

LIST = "/exercises/{int:exercise_id}/tasks"
ONE = "/tasks/{int:task_id}"


def _exercise(user: Any, exercise_id: int) -> Any:
    return get_visible_or_404(exercise_list(user), pk=exercise_id)


def _dependencies(user: Any, exercise: Any, codes: list[str]) -> list[Task]:
    found = {t.code: t for t in task_list(user).filter(exercise_id=exercise.pk, code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        raise ValidationError(
            {"depends_on": _("Không có công việc mã: %(codes)s.") % {"codes": ", ".join(missing)}}
        )
    return [found[code] for code in codes]


def _changes(user: Any, exercise: Any, data: dict[str, Any], current: Any) -> dict[str, Any]:
    """The payload as the services' arguments: references by id or code, enums by value."""
    changes = pick(
        data,
        (
            "code",
            "title",
            "category",
            "start",
            "due",
            "status",
            "progress",
            "completed_on",
            "classification",
            "notes",
        ),
    )
    for name in ("category", "status"):
        if changes.get(name) is not None:
            changes[name] = getattr(changes[name], "value", changes[name])
    if current is not None:
        for name in ("code", "title", "category", "status", "progress", "notes"):
            if name in changes and changes[name] is None:
                raise ValidationError({name: _("Trường này không được để trống.")})
        if "classification" in changes and changes["classification"] is None:
            raise ValidationError({"classification": _("Trường này không được để trống.")})
    changes |= reference(
        data, "subcommittee", exercise_subcommittees(exercise.pk), _("tiểu ban"), current=current
    )
    changes |= reference(
        data, "owner", task_owner_choices(user, exercise), _("cơ quan chủ trì"), current=current
    )
    changes |= reference(
        data,
        "assignee",
        task_assignee_choices(user, exercise),
        _("người thực hiện"),
        current=current,
    )
    if data.get("depends_on") is not None:
        changes["depends_on"] = _dependencies(user, exercise, list(data["depends_on"]))
    return changes


def _shown(user: Any, pk: int) -> Task:
    return get_visible_or_404(tasks_shown(user), pk=pk)


@router.get(LIST, response={200: TaskPage, **READ_ERRORS}, summary="Danh sách công việc chuẩn bị")
def list_tasks(request: HttpRequest, exercise_id: int, filters: Query[TaskQuery]) -> Any:
    user = request.user
    exercise = _exercise(user, exercise_id)
    parsed = TaskFilters(
        subcommittee=filters.subcommittee or "",
        category=filters.category.value if filters.category else "",
        status=filters.status.value if filters.status else "",
        owner=str(filters.owner or ""),
        assignee=str(filters.assignee or ""),
        overdue=filters.overdue,
        q=filters.q or "",
        sort=filters.sort or "due",
    )
    qs = task_search(user, exercise.pk, parsed)
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    rows = list(qs[start : start + filters.page_size])
    log_classified_reads(user, rows, AccessLog.Action.API)
    return {
        "items": rows,
        "count": count,
        "overdue": overdue_count(user, exercise.pk),
        "page": filters.page,
        "page_size": filters.page_size,
        "pages": max(1, -(-count // filters.page_size)),
    }


@router.post(LIST, response={201: TaskOut, **WRITE_ERRORS}, summary="Thêm công việc chuẩn bị")
def create_task(request: HttpRequest, exercise_id: int, payload: TaskIn) -> Any:
    user = request.user
    exercise = _exercise(user, exercise_id)
    data = payload.model_dump(exclude_unset=False)
    changes = _changes(user, exercise, data, None)
    task = task_create(exercise=exercise, **changes, actor=user)
    return Status(201, _shown(user, task.pk))


@router.get(ONE, response={200: TaskOut, **READ_ERRORS}, summary="Một công việc chuẩn bị")
def get_task(request: HttpRequest, task_id: int) -> Any:
    return api_crud.get_logged(request, tasks_shown(request.user), task_id)


@router.patch(ONE, response={200: TaskOut, **UPDATE_ERRORS}, summary="Sửa công việc chuẩn bị")
def patch_task(request: HttpRequest, task_id: int, payload: TaskPatch) -> Any:
    data = payload.model_dump(exclude_unset=True)
    return api_crud.update(
        request,
        TASK,
        task_id,
        data,
        changes=lambda user, d, current: _changes(user, current.exercise, d, current),
        out=tasks_shown,
    )


@router.delete(ONE, response={204: None, **UPDATE_ERRORS}, summary="Xóa công việc chuẩn bị")
def delete_task(request: HttpRequest, task_id: int, version: int | None = None) -> Any:
    return api_crud.delete(request, TASK, task_id, version)


@router.post(
    LIST + "/bulk",
    response={200: TaskBulkOut, **UPDATE_ERRORS},
    summary="Sửa hàng loạt (tất cả hoặc không gì cả)",
)
def bulk_update_tasks(request: HttpRequest, exercise_id: int, payload: TaskBulkIn) -> Any:
    user = request.user
    exercise = _exercise(user, exercise_id)
    data = payload.model_dump(exclude_unset=True)
    changes = pick(data, ("status", "progress", "due"))
    if changes.get("status") is not None:
        changes["status"] = getattr(changes["status"], "value", changes["status"])
    # An explicit null clears the due date (and `assignee_id: null` the assignee); status and
    # progress always have a value.
    for name in ("status", "progress"):
        if name in changes and changes[name] is None:
            raise ValidationError({name: _("Trường này không được để trống.")})
    changes |= reference(
        data, "subcommittee", exercise_subcommittees(exercise.pk), _("tiểu ban"), current=None
    )
    changes |= reference(
        data,
        "assignee",
        task_assignee_choices(user, exercise),
        _("người thực hiện"),
        current=None,
    )
    versions = {item["id"]: item.get("version") for item in data["items"]}
    saved = task_bulk_update(exercise=exercise, versions=versions, changes=changes, actor=user)
    rows = list(tasks_shown(user).filter(pk__in=[t.pk for t in saved]).order_by("code"))
    return {"count": len(rows), "items": rows}


@router.get(
    LIST + ".xlsx",
    response={200: None, **READ_ERRORS},
    summary="Xuất Excel các công việc (lọc như danh sách)",
    openapi_extra={
        "responses": {
            "200": {
                "description": "Bảng tính .xlsx",
                "content": {
                    xl.XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def export_tasks(request: HttpRequest, exercise_id: int, filters: Query[TaskQuery]) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_id)
    parsed = TaskFilters(
        subcommittee=filters.subcommittee or "",
        category=filters.category.value if filters.category else "",
        status=filters.status.value if filters.status else "",
        owner=str(filters.owner or ""),
        assignee=str(filters.assignee or ""),
        overdue=filters.overdue,
        q=filters.q or "",
    )
    tasks = list(task_search(user, exercise.pk, parsed).order_by("code"))
    return xlsx_response(
        task_export(exercise=exercise, tasks=tasks, actor=user), export_filename(exercise)
    )


def _import_out(result: ImportResult) -> dict[str, Any]:
    if result.errors:
        detail, code = _("Tệp có lỗi; chưa ghi gì."), "import_errors"
    elif result.applied:
        detail, code = _("Đã nhập."), "imported"
    else:
        detail, code = _("Chạy thử: chưa ghi gì."), "dry_run"
    return {
        "detail": detail,
        "code": code,
        "dry_run": result.dry_run,
        "applied": result.applied,
        "sheet": result.sheet,
        "created": [_row(r) for r in result.created],
        "updated": [_row(r) for r in result.updated],
        "unchanged": len(result.unchanged),
        "errors": [e.as_dict() for e in result.errors],
    }


def _row(change: Any) -> dict[str, Any]:
    return {
        "row": change.row,
        "code": change.code,
        "action": change.action,
        "changes": [{"column": c, "old": o, "new": n} for c, o, n in change.changes],
    }


@router.post(
    LIST + "/import",
    response={200: TaskImportOut, 422: TaskImportOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Nhập công việc từ Excel (multipart: file; dry_run=true để chạy thử)",
)
def import_tasks(
    request: HttpRequest, exercise_id: int, file: File[UploadedFile], dry_run: bool = True
) -> Any:
    user = request.user
    exercise = _exercise(user, exercise_id)
    try:
        data = xl.check_xlsx_upload(file)
    except xl.SpreadsheetRejectedError as exc:
        result = ImportResult(dry_run=dry_run)
        result.errors = [xl.SheetError("", None, "", exc.messages[0])]
    else:
        result = task_import(exercise=exercise, data=data, dry_run=dry_run, actor=user)
    return Status(422 if result.errors else 200, _import_out(result))
