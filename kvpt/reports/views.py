"""Report pages: an exercise's reports (generate, follow, download), exports, charts; templates."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kvpt.core.models import AccessLog
from kvpt.core.permissions import require_perm
from kvpt.core.scope import get_visible_or_404
from kvpt.core.uploads import attachment_response
from kvpt.core.views_helpers import log_classified_read, marking_of, render_page
from kvpt.exercises.selectors import exercise_list
from kvpt.reports.excel import TABLES, export_table
from kvpt.reports.models import CONTENT_TYPES, GeneratedReport, ReportFormat, ReportKind
from kvpt.reports.selectors import exercise_reports, template_for, template_list
from kvpt.reports.services import (
    report_delete,
    report_record_download,
    report_request,
    template_set_active,
    template_upload,
)

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The buttons of the page: (kind, format, label).
CHOICES = (
    (ReportKind.SUMMARY, ReportFormat.DOCX),
    (ReportKind.SUMMARY, ReportFormat.PDF),
    (ReportKind.NEWS, ReportFormat.TXT),
)


def _exercise(user: Any, exercise_pk: int) -> Any:
    exercise = get_visible_or_404(exercise_list(user), pk=exercise_pk)
    log_classified_read(user, exercise)
    return exercise


def _crumbs(exercise: Any, *more: Any) -> list[tuple[str, str | None]]:
    return [
        (_("Diễn tập"), reverse("exercises:list")),
        (exercise.code, exercise.get_absolute_url()),
        *more,
    ]


def serve_report(report: GeneratedReport, user: Any) -> HttpResponse:
    """The report's file as an attachment; the download is logged before a byte leaves."""
    if not report.is_done or not report.file:
        raise Http404(_("Báo cáo chưa tạo xong."))
    try:
        fileobj = report.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        logger.error("stored report missing: %s", report.file.name)
        raise Http404(_("Tệp báo cáo không còn trong kho lưu trữ.")) from exc
    report_record_download(report=report, actor=user)
    return attachment_response(fileobj, filename=report.filename, content_type=report.content_type)


@login_required
def reports_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    reports = list(exercise_reports(user, exercise)[:50])
    template = template_for(exercise)
    return render_page(
        request,
        "reports/reports.html",
        {
            "exercise": exercise,
            "reports": reports,
            "choices": [
                (kind, fmt, f"{ReportKind(kind).label} ({ReportFormat(fmt).label})")
                for kind, fmt in CHOICES
            ],
            "can_generate": user.has_perm("reports.generate", exercise),
            "tables": [(name, label) for name, (label, _fn) in TABLES.items()],
            "template": template,
            "page_classification": marking_of(
                [exercise.classification, *(r.classification for r in reports)]
            ),
            "breadcrumbs": _crumbs(exercise, (_("Báo cáo"), None)),
        },
    )


@login_required
@require_POST
def report_create_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    exercise = _exercise(request.user, exercise_pk)
    kind = request.POST.get("kind", "")
    fmt = request.POST.get("format", "")
    try:
        with transaction.atomic():
            report_request(exercise=exercise, kind=kind, fmt=fmt, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reports:list", exercise_pk=exercise.pk)
    messages.success(
        request,
        _("Đang tạo báo cáo trong nền; có thể rời trang này và quay lại tải về sau."),
    )
    return redirect("reports:list", exercise_pk=exercise.pk)


@login_required
@require_GET
def report_status_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    """The report's row (htmx polls it until the build is finished)."""
    exercise = _exercise(request.user, exercise_pk)
    report = get_visible_or_404(exercise_reports(request.user, exercise), pk=pk)
    return render_page(
        request,
        "reports/partials/report_row.html",
        {"exercise": exercise, "report": report},
        partial="reports/partials/report_row.html",
    )


@login_required
@require_GET
def report_download_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    exercise = _exercise(request.user, exercise_pk)
    report = get_visible_or_404(exercise_reports(request.user, exercise), pk=pk)
    return serve_report(report, request.user)


@login_required
@require_POST
def report_delete_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    exercise = _exercise(request.user, exercise_pk)
    report = get_visible_or_404(exercise_reports(request.user, exercise), pk=pk)
    report_delete(report=report, actor=request.user)
    messages.success(request, _("Đã xóa báo cáo."))
    return redirect("reports:list", exercise_pk=exercise.pk)


@login_required
@require_GET
def export_view(request: HttpRequest, exercise_pk: int, name: str) -> HttpResponse:
    exercise = _exercise(request.user, exercise_pk)
    if name not in TABLES:
        raise Http404
    content, export = export_table(request.user, exercise, name)
    user: Any = request.user
    AccessLog.objects.create(
        user=user,
        action=AccessLog.Action.DOWNLOAD,
        model=exercise._meta.label_lower,
        object_id=str(exercise.pk),
        object_repr=f"{export.title}.xlsx"[:255],
        classification=export.marking,
    )
    import io

    return attachment_response(
        io.BytesIO(content), filename=f"{name}-{exercise.code}.xlsx", content_type=XLSX
    )


@login_required
@require_GET
def charts_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    """The exercise's charts as SVG (same functions as the DOCX's PNGs), from grouped rows."""
    from kvpt.reports.chart_data import chart_data, chart_svgs

    exercise = _exercise(request.user, exercise_pk)
    data = chart_data(request.user, exercise)
    svgs = [mark_safe(svg) for svg in chart_svgs(data)]  # noqa: S308 - our own SVG
    return render_page(
        request,
        "reports/charts.html",
        {
            "exercise": exercise,
            "svgs": svgs,
            "page_classification": data.marking,
            "breadcrumbs": _crumbs(exercise, (_("Biểu đồ"), None)),
        },
    )


# --- templates ---------------------------------------------------------------------------------


def _owners(user: Any) -> list[tuple[str, str, Any]]:
    """Agencies and areas whose templates the user may manage: (value, label, object)."""
    from kvpt.organisations.selectors import agency_managed_list, area_managed_list

    found: list[tuple[str, str, Any]] = [
        (f"area:{area.pk}", f"{area.level.name} {area.name}", area)
        for area in area_managed_list(user).order_by("path")[:200]
    ]
    found += [
        (f"agency:{agency.pk}", agency.name, agency)
        for agency in agency_managed_list(user).order_by("name")[:200]
    ]
    return found


@login_required
@require_http_methods(["GET", "POST"])
def templates_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    owners = _owners(user)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if not owners:
            raise PermissionDenied(_("Bạn không quản trị cơ quan, địa bàn nào để tải lên mẫu."))
        chosen = {value: obj for value, _label, obj in owners}.get(request.POST.get("owner", ""))
        upload = request.FILES.get("file")
        if chosen is None:
            errors.append(_("Hãy chọn cơ quan hoặc địa bàn mà bạn quản trị."))
        elif upload is None:
            errors.append(_("Hãy chọn tệp mẫu (DOCX)."))
        else:
            try:
                template_upload(
                    owner=chosen, name=request.POST.get("name", ""), upload=upload, actor=user
                )
            except ValidationError as exc:
                errors.extend(exc.messages)
            except PermissionDenied:
                raise
            else:
                messages.success(request, _("Đã tải lên mẫu báo cáo."))
                return redirect("reports:templates")
        status = 422
    return render_page(
        request,
        "reports/templates.html",
        {
            "templates": template_list(user).order_by("-created_at")[:100],
            "owners": [(value, label) for value, label, _obj in owners],
            "errors": errors,
            "breadcrumbs": [(_("Mẫu báo cáo"), None)],
        },
        status=status,
    )


@login_required
@require_POST
def template_toggle_view(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_visible_or_404(template_list(request.user), pk=pk)
    require_perm(request.user, "reports.manage_template", template)
    template_set_active(template=template, active=not template.active, actor=request.user)
    messages.success(request, _("Đã cập nhật mẫu báo cáo."))
    return redirect("reports:templates")


@login_required
@require_GET
def template_sample_view(request: HttpRequest) -> HttpResponse:
    """A starting DOCX template with every name the report offers."""
    import io

    from kvpt.reports.templating import sample_template

    return attachment_response(
        io.BytesIO(sample_template()),
        filename="mau-bao-cao-tong-ket.docx",
        content_type=CONTENT_TYPES[ReportFormat.DOCX],
    )


urlpatterns = [
    path("<int:exercise_pk>/reports/", reports_view, name="list"),
    path("<int:exercise_pk>/reports/new/", report_create_view, name="create"),
    path("<int:exercise_pk>/reports/<int:pk>/", report_status_view, name="status"),
    path("<int:exercise_pk>/reports/<int:pk>/file/", report_download_view, name="download"),
    path("<int:exercise_pk>/reports/<int:pk>/delete/", report_delete_view, name="delete"),
    path("<int:exercise_pk>/charts/", charts_view, name="charts"),
    path("<int:exercise_pk>/exports/<slug:name>.xlsx", export_view, name="export"),
    path("report-templates/", templates_view, name="templates"),
    path("report-templates/<int:pk>/toggle/", template_toggle_view, name="template_toggle"),
    path("report-templates/sample.docx", template_sample_view, name="template_sample"),
]
