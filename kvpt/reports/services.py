"""Writes of the reports app: ask for a report, build it (in the background), log its downloads,
upload and retire an organisation's template."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kvpt.core.models import AccessLog
from kvpt.core.permissions import require_perm
from kvpt.core.services import create_versioned, save_versioned
from kvpt.exercises.models import Exercise
from kvpt.reports.models import (
    KIND_FORMATS,
    GeneratedReport,
    ReportKind,
    ReportStatus,
    ReportTemplate,
)

logger = logging.getLogger(__name__)


def check_kind_format(kind: str, fmt: str) -> None:
    if kind not in KIND_FORMATS:
        raise ValidationError({"kind": _("Loại báo cáo không hợp lệ.")})
    if fmt not in KIND_FORMATS[kind]:
        raise ValidationError(
            {"format": _("Loại báo cáo này không tạo được ở định dạng “%(f)s”.") % {"f": fmt}}
        )


def report_request(*, exercise: Exercise, kind: str, fmt: str, actor: Any) -> GeneratedReport:
    """Queue a report of `exercise` as the actor sees it; the worker builds it (tasks.py)."""
    require_perm(actor, "reports.generate", exercise)
    check_kind_format(kind, fmt)
    report = GeneratedReport.objects.create(
        exercise=exercise,
        kind=kind,
        format=fmt,
        status=ReportStatus.QUEUED,
        classification=exercise.classification,
        stage=_("Đang chờ tiến trình nền"),
        created_by=actor,
    )
    from kvpt.reports.tasks import generate_report

    # The row is committed first: the worker (another process) must find it.
    transaction.on_commit(lambda: generate_report.enqueue(report.pk))
    return report


def _progress(report_id: int) -> Any:
    def update(percent: int, stage: str) -> None:
        GeneratedReport.objects.filter(pk=report_id).update(
            progress=max(0, min(percent, 99)), stage=stage[:255]
        )

    return update


def report_run(report_id: int) -> GeneratedReport:
    """Build a queued report's file (the task body). Failures are stored, not raised."""
    from kvpt.reports.build import build

    report = GeneratedReport.objects.select_related("exercise", "exercise__area", "created_by").get(
        pk=report_id
    )
    if report.status != ReportStatus.QUEUED:
        return report
    GeneratedReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING, progress=1, stage=_("Bắt đầu")
    )
    try:
        actor = report.created_by
        if actor is None or not actor.is_active:
            raise PermissionDenied(_("Người yêu cầu báo cáo không còn hoạt động."))
        output = build(
            actor, report.exercise, report.kind, report.format, progress=_progress(report.pk)
        )
    except Exception as exc:  # stored for the user to read; the worker goes on
        logger.exception("report %s failed", report.pk)
        GeneratedReport.objects.filter(pk=report.pk).update(
            status=ReportStatus.FAILED,
            error=str(exc)[:2000] or exc.__class__.__name__,
            stage=_("Lỗi"),
            finished_at=timezone.now(),
        )
        report.refresh_from_db()
        return report
    report.refresh_from_db()
    report.file.save(output.filename, ContentFile(output.content), save=False)
    report.filename = output.filename
    report.size = len(output.content)
    report.classification = output.marking
    report.illustrative = output.illustrative
    report.revision = output.revision
    report.template_id = output.template_id
    report.status = ReportStatus.DONE
    report.progress = 100
    report.stage = _("Đã xong")
    report.finished_at = timezone.now()
    report.save()
    return report


def report_record_download(*, report: GeneratedReport, actor: Any) -> AccessLog:
    """Every download is logged, whatever the marking (like documents' files)."""
    return AccessLog.objects.create(
        user=actor,
        action=AccessLog.Action.DOWNLOAD,
        model=report._meta.label_lower,
        object_id=str(report.pk),
        object_repr=f"{report} - {report.exercise.code}"[:255],
        classification=int(report.classification),
    )


def report_delete(*, report: GeneratedReport, actor: Any) -> None:
    require_perm(actor, "reports.generate", report.exercise)
    with transaction.atomic():
        if report.file:
            report.file.delete(save=False)
        report.delete()


# --- templates -----------------------------------------------------------------------------------


def template_upload(
    *, owner: Any, name: str, upload: Any, actor: Any, kind: str = ReportKind.SUMMARY
) -> ReportTemplate:
    """Store an organisation's DOCX template once it passed the upload checks and a sandboxed
    trial render (a harmful expression is refused here, with the reason)."""
    from kvpt.core.uploads import check_upload
    from kvpt.organisations.models import Agency, Area
    from kvpt.reports.templating import TemplateRefusedError, check_template

    require_perm(actor, "reports.manage_template", owner)
    checked = check_upload(upload, field="file", label=_("Tệp mẫu"), allowed=("docx",))
    upload.seek(0)
    raw = upload.read()
    try:
        check_template(raw)
    except TemplateRefusedError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    template = ReportTemplate(
        agency=owner if isinstance(owner, Agency) else None,
        area=owner if isinstance(owner, Area) else None,
        kind=kind,
        name=name.strip() or checked.filename,
        filename=checked.filename,
        size=len(raw),
        sha256=hashlib.sha256(raw).hexdigest(),
        uploaded_by=actor,
    )
    with transaction.atomic():
        template.file.save(template.filename, ContentFile(raw), save=False)
        return create_versioned(template, actor=actor)


def template_set_active(*, template: ReportTemplate, active: bool, actor: Any) -> ReportTemplate:
    require_perm(actor, "reports.manage_template", template)
    with transaction.atomic():
        template.active = active
        return save_versioned(template, expected_version=template.version, actor=actor)
