"""Reports API: ask for a report (a background job), follow its progress, download its file.

POST /api/v1/exercises/{id}/reports      {kind, format} -> 202 the job
GET  /api/v1/exercises/{id}/reports      the exercise's reports (paginated)
GET  /api/v1/exercises/{id}/reports/{r}  status, progress, stale
GET  /api/v1/exercises/{id}/reports/{r}/file
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from kvpt.core.api import ErrorOut
from kvpt.core.api_crud import LoggedPagePagination
from kvpt.core.scope import get_visible_or_404
from kvpt.exercises.selectors import exercise_list
from kvpt.reports.models import GeneratedReport
from kvpt.reports.schemas import ReportIn, ReportOut
from kvpt.reports.selectors import exercise_reports
from kvpt.reports.services import report_request
from kvpt.reports.views import serve_report

router = Router(tags=["reports"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _exercise(request: HttpRequest, exercise_id: int) -> Any:
    return get_visible_or_404(exercise_list(request.user), pk=exercise_id)


def _report(request: HttpRequest, exercise_id: int, report_id: int) -> GeneratedReport:
    exercise = _exercise(request, exercise_id)
    return get_visible_or_404(exercise_reports(request.user, exercise), pk=report_id)


@router.post(
    "/exercises/{int:exercise_id}/reports",
    response={202: ReportOut, **ERRORS},
    summary="Tạo báo cáo (chạy nền)",
)
def create_report(request: HttpRequest, exercise_id: int, payload: ReportIn) -> Any:
    exercise = _exercise(request, exercise_id)
    report = report_request(
        exercise=exercise, kind=payload.kind, fmt=payload.format, actor=request.user
    )
    return Status(202, GeneratedReport.objects.select_related("exercise").get(pk=report.pk))


@router.get(
    "/exercises/{int:exercise_id}/reports",
    response={200: list[ReportOut], **ERRORS},
    summary="Báo cáo đã tạo của cuộc diễn tập",
)
@paginate(LoggedPagePagination)
def list_reports(request: HttpRequest, exercise_id: int) -> Any:
    return exercise_reports(request.user, _exercise(request, exercise_id))


@router.get(
    "/exercises/{int:exercise_id}/reports/{int:report_id}",
    response={200: ReportOut, **ERRORS},
    summary="Trạng thái, tiến độ của một báo cáo",
)
def get_report(request: HttpRequest, exercise_id: int, report_id: int) -> Any:
    return _report(request, exercise_id, report_id)


@router.get(
    "/exercises/{int:exercise_id}/reports/{int:report_id}/file",
    response={200: None, **ERRORS},
    summary="Tải tệp báo cáo",
)
def get_report_file(request: HttpRequest, exercise_id: int, report_id: int) -> HttpResponse:
    report = _report(request, exercise_id, report_id)
    if not report.is_done:
        raise HttpError(409, _("Báo cáo chưa tạo xong."))
    return serve_report(report, request.user)
