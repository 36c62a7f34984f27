"""Generated reports (summary DOCX/PDF, news article) and the DOCX templates organisations upload.

A generated report is an output, not a record of the exercise: building one neither raises the
exercise's revision nor is refused on a closed exercise. It keeps the revision it was built from,
so it shows as stale once the exercise has changed, and the marking of the most classified record
it contains.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kvpt.core.models import ClassifiedModel, TimeStampedModel, VersionedModel


class ReportKind(models.TextChoices):
    SUMMARY = "summary", _("Báo cáo tổng kết")
    NEWS = "news", _("Tin bài tổng kết")


class ReportFormat(models.TextChoices):
    DOCX = "docx", _("Word (DOCX)")
    PDF = "pdf", _("PDF")
    TXT = "txt", _("Văn bản (TXT)")


# What each kind may be produced as.
KIND_FORMATS: dict[str, tuple[str, ...]] = {
    ReportKind.SUMMARY: (ReportFormat.DOCX, ReportFormat.PDF),
    ReportKind.NEWS: (ReportFormat.TXT,),
}

CONTENT_TYPES: dict[str, str] = {
    ReportFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ReportFormat.PDF: "application/pdf",
    ReportFormat.TXT: "text/plain; charset=utf-8",
}


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang tạo")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Lỗi")


def report_upload_to(instance: GeneratedReport, filename: str) -> str:
    return f"reports/{instance.exercise_id}/{instance.pk}.{instance.format}"


def template_upload_to(instance: ReportTemplate, filename: str) -> str:
    return f"report-templates/{instance.sha256[:16]}.docx"


class ReportTemplate(VersionedModel):
    """A DOCX (docxtpl) template an agency or an area uses instead of the default summary."""

    agency = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_templates",
        verbose_name=_("cơ quan"),
    )
    area = models.ForeignKey(
        "organisations.Area",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_templates",
        verbose_name=_("địa bàn"),
        help_text=_("Dùng cho các cuộc diễn tập của địa bàn này và các địa bàn cấp dưới."),
    )
    kind = models.CharField(
        _("loại báo cáo"), max_length=16, choices=ReportKind.choices, default=ReportKind.SUMMARY
    )
    name = models.CharField(_("tên mẫu"), max_length=255)
    file = models.FileField(_("tệp mẫu"), upload_to=template_upload_to, max_length=255)
    filename = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"), default=0)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    active = models.BooleanField(_("đang dùng"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tải lên"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mẫu báo cáo")
        verbose_name_plural = _("mẫu báo cáo")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(agency__isnull=False) & models.Q(area__isnull=True))
                | (models.Q(agency__isnull=True) & models.Q(area__isnull=False)),
                name="report_template_one_owner",
                violation_error_message=_("Mẫu báo cáo thuộc về một cơ quan hoặc một địa bàn."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def owner(self) -> Any:
        return self.agency or self.area

    def scope_key(self) -> tuple[str, int | None]:
        if self.agency_id:
            return self.agency.area.path, None  # type: ignore[union-attr]
        return self.area.path, None  # type: ignore[union-attr]


class GeneratedReport(ClassifiedModel, TimeStampedModel):
    """One generated file of an exercise, the revision it was built from, and its build progress."""

    exercise = models.ForeignKey(
        "exercises.Exercise",
        on_delete=models.CASCADE,
        related_name="generated_reports",
        verbose_name=_("diễn tập"),
    )
    kind = models.CharField(_("loại báo cáo"), max_length=16, choices=ReportKind.choices)
    format = models.CharField(_("định dạng"), max_length=8, choices=ReportFormat.choices)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    stage = models.CharField(_("bước đang làm"), max_length=255, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    revision = models.PositiveIntegerField(_("số hiệu dữ liệu"), null=True, blank=True)
    template = models.ForeignKey(
        ReportTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("mẫu"),
    )
    file = models.FileField(_("tệp"), upload_to=report_upload_to, max_length=255, blank=True)
    filename = models.CharField(_("tên tệp"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"), default=0)
    illustrative = models.BooleanField(_("có số liệu minh họa"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("báo cáo đã tạo")
        verbose_name_plural = _("báo cáo đã tạo")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["exercise", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_format_display()}) #{self.pk}"

    def scope_key(self) -> tuple[str, int | None]:
        return self.exercise.area.path, self.exercise_id

    @property
    def is_done(self) -> bool:
        return self.status == ReportStatus.DONE

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)

    @property
    def is_stale(self) -> bool:
        """Built from an older state of the exercise than the present one."""
        return self.revision is not None and self.revision != self.exercise.revision

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES.get(self.format, "application/octet-stream")
