"""Preparation of an exercise: tasks, documents (văn kiện), works (công trình), budget lines."""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kvpt.core.models import ClassifiedModel, ExerciseOwned, IllustrativeModel, VersionedModel


class PreparationRecord(VersionedModel, ClassifiedModel, IllustrativeModel, ExerciseOwned):
    """Base of a preparation record: one exercise's, optionally one subcommittee's work."""

    code = models.CharField(_("mã"), max_length=40)

    class Meta:
        abstract = True

    def scope_key(self) -> tuple[str, int | None]:
        exercise: Any = self.exercise  # type: ignore[attr-defined]
        return exercise.area.path, exercise.pk


# --- tasks -----------------------------------------------------------------------------------


class TaskCategory(models.TextChoices):
    TRAINING = "training", _("Tập huấn, huấn luyện")
    DOCUMENTS = "documents", _("Văn kiện")
    DRILLS = "drills", _("Luyện tập, diễn tập thử")
    WORKS = "works", _("Công trình")
    SECURITY = "security", _("Bảo vệ, an ninh")
    LOGISTICS = "logistics", _("Hậu cần, kỹ thuật")
    PROPAGANDA = "propaganda", _("Tuyên truyền")
    FINANCE = "finance", _("Tài chính")
    RECEPTION = "reception", _("Lễ tân")
    OTHER = "other", _("Khác")


class TaskStatus(models.TextChoices):
    TODO = "todo", _("Chưa bắt đầu")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    BLOCKED = "blocked", _("Vướng mắc")
    DONE = "done", _("Hoàn thành")
    CANCELLED = "cancelled", _("Hủy bỏ")


class Task(PreparationRecord):
    """A preparation task of a subcommittee, with owner, assignee, dates, progress, dependencies."""

    exercise = models.ForeignKey(
        "exercises.Exercise",
        on_delete=models.CASCADE,
        related_name="tasks",
        verbose_name=_("diễn tập"),
    )
    subcommittee = models.ForeignKey(
        "exercises.Committee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("tiểu ban"),
    )
    title = models.CharField(_("nội dung công việc"), max_length=400)
    category = models.CharField(_("lĩnh vực"), max_length=16, choices=TaskCategory.choices)
    owner = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="preparation_tasks",
        verbose_name=_("cơ quan, đơn vị chủ trì"),
    )
    assignee = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="preparation_tasks",
        verbose_name=_("người thực hiện"),
    )
    start = models.DateField(_("bắt đầu"), null=True, blank=True)
    due = models.DateField(_("hạn hoàn thành"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.TODO
    )
    progress = models.PositiveSmallIntegerField(
        _("tiến độ (%)"),
        default=0,
        validators=[MaxValueValidator(100, _("Tiến độ không được quá 100%."))],
    )
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    depends_on = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="blocks",
        verbose_name=_("phụ thuộc vào"),
    )
    history = HistoricalRecords(m2m_fields=[depends_on])

    class Meta:
        verbose_name = _("công việc chuẩn bị")
        verbose_name_plural = _("công việc chuẩn bị")
        ordering = ["exercise", "due", "code"]
        indexes = [models.Index(fields=["exercise", "status", "due"])]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "code"],
                name="task_code_unique",
                violation_error_message=_("Cuộc diễn tập này đã có công việc mang mã này."),
            ),
            models.CheckConstraint(
                condition=models.Q(start__isnull=True)
                | models.Q(due__isnull=True)
                | models.Q(due__gte=models.F("start")),
                name="task_dates_ordered",
                violation_error_message=_("Hạn hoàn thành không được trước ngày bắt đầu."),
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100),
                name="task_progress_max_100",
                violation_error_message=_("Tiến độ không được quá 100%."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} - {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("preparation:task_detail", args=[self.pk])


# --- documents -------------------------------------------------------------------------------


class DocumentKind(models.Model):
    """A kind of exercise document from the catalogue (nghị quyết, quyết tâm, kế hoạch A2 ...)."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên loại văn kiện"), max_length=255)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    active = models.BooleanField(_("đang dùng"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("loại văn kiện")
        verbose_name_plural = _("danh mục loại văn kiện")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    APPROVED = "approved", _("Đã phê duyệt")
    ARCHIVED = "archived", _("Đã lưu trữ")


class Document(PreparationRecord):
    """An exercise document (văn kiện) with its versions, status, classification and custodian."""

    exercise = models.ForeignKey(
        "exercises.Exercise",
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("diễn tập"),
    )
    subcommittee = models.ForeignKey(
        "exercises.Committee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("tiểu ban"),
    )
    kind = models.ForeignKey(
        DocumentKind, on_delete=models.PROTECT, related_name="documents", verbose_name=_("loại")
    )
    number = models.CharField(_("số, ký hiệu"), max_length=80, blank=True)
    title = models.CharField(_("trích yếu"), max_length=400)
    status = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=DocumentStatus.choices,
        default=DocumentStatus.DRAFT,
    )
    custodian = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="kept_documents",
        verbose_name=_("cơ quan quản lý"),
    )
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("văn kiện")
        verbose_name_plural = _("văn kiện")
        ordering = ["exercise", "kind__order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "code"],
                name="document_code_unique",
                violation_error_message=_("Cuộc diễn tập này đã có văn kiện mang mã này."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} - {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("preparation:document_detail", args=[self.exercise_id, self.pk])


def document_upload_to(instance: DocumentVersion, filename: str) -> str:
    # A name of our own: the user's file name is kept in a field, never trusted as a path.
    return (
        f"documents/{instance.document.exercise_id}/{instance.document_id}/v{instance.number}.bin"
    )


class DocumentVersion(models.Model):
    """One uploaded version of a document's file; older versions are kept."""

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="versions", verbose_name=_("văn kiện")
    )
    number = models.PositiveIntegerField(_("lần"))
    file = models.FileField(_("tệp"), upload_to=document_upload_to, max_length=255)
    filename = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=120)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    note = models.CharField(_("ghi chú"), max_length=400, blank=True)
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("người tải lên"),
    )

    class Meta:
        verbose_name = _("phiên bản văn kiện")
        verbose_name_plural = _("phiên bản văn kiện")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="document_version_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document.code} v{self.number}"


# --- works -----------------------------------------------------------------------------------


class WorkKind(models.TextChoices):
    COMMAND_POST = "command_post", _("Sở chỉ huy, vị trí khu vực sở chỉ huy")
    BUNKER = "bunker", _("Hầm")
    SAND_TABLE = "sand_table", _("Sa bàn")
    FIRING_POSITION = "firing_position", _("Trận địa")
    ROAD = "road", _("Đường cơ động")
    LIVE_TROOP_AREA = "live_troop_area", _("Khu vực thực binh")
    OTHER = "other", _("Công trình khác")


class WorkConstruction(models.TextChoices):
    NEW = "new", _("Xây mới")
    RENOVATED = "renovated", _("Tu sửa, nâng cấp")


class QuantityUnit(models.TextChoices):
    KM = "km", _("km")
    M = "m", _("m")
    M2 = "m2", _("m²")
    M3 = "m3", _("m³")
    EACH = "each", _("cái")


class WorkStatus(models.TextChoices):
    PLANNED = "planned", _("Kế hoạch")
    BUILDING = "building", _("Đang thi công")
    DONE = "done", _("Hoàn thành")
    HANDED_OVER = "handed_over", _("Đã bàn giao")


class Work(PreparationRecord):
    """A work built or renovated for the exercise, and who keeps it after the handover."""

    exercise = models.ForeignKey(
        "exercises.Exercise",
        on_delete=models.CASCADE,
        related_name="works",
        verbose_name=_("diễn tập"),
    )
    subcommittee = models.ForeignKey(
        "exercises.Committee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="works",
        verbose_name=_("tiểu ban"),
    )
    name = models.CharField(_("tên công trình"), max_length=400)
    kind = models.CharField(_("loại"), max_length=24, choices=WorkKind.choices)
    construction = models.CharField(
        _("xây mới / tu sửa"), max_length=16, choices=WorkConstruction.choices
    )
    quantity = models.DecimalField(
        _("khối lượng"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    quantity_unit = models.CharField(
        _("đơn vị tính"), max_length=8, choices=QuantityUnit.choices, default=QuantityUnit.EACH
    )
    location = models.CharField(_("vị trí"), max_length=400, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=WorkStatus.choices, default=WorkStatus.PLANNED
    )
    owner = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_works",
        verbose_name=_("chủ đầu tư"),
    )
    custodian = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="kept_works",
        verbose_name=_("cơ quan quản lý"),
    )
    budget_line = models.ForeignKey(
        "preparation.BudgetLine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="works",
        verbose_name=_("dòng kinh phí"),
    )
    handed_over_to = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_works",
        verbose_name=_("đơn vị nhận bàn giao"),
    )
    handed_over_on = models.DateField(_("ngày bàn giao"), null=True, blank=True)
    handover_record = models.CharField(_("số biên bản bàn giao"), max_length=80, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("công trình")
        verbose_name_plural = _("công trình")
        ordering = ["exercise", "kind", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "code"],
                name="work_code_unique",
                violation_error_message=_("Cuộc diễn tập này đã có công trình mang mã này."),
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__isnull=True) | models.Q(quantity__gte=0),
                name="work_quantity_not_negative",
                violation_error_message=_("Khối lượng không được âm."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} - {self.name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("preparation:work_detail", args=[self.exercise_id, self.pk])


# --- budget ----------------------------------------------------------------------------------


class BudgetCategory(models.TextChoices):
    WORKS = "works", _("Xây dựng, tu sửa công trình")
    DOCUMENTS = "documents", _("Văn kiện, in ấn")
    TRAINING = "training", _("Tập huấn, luyện tập")
    LIVE_TROOPS = "live_troops", _("Thực binh, bồi dưỡng lực lượng")
    LOGISTICS = "logistics", _("Hậu cần, kỹ thuật")
    PROPAGANDA = "propaganda", _("Tuyên truyền")
    RECEPTION = "reception", _("Lễ tân, hội nghị")
    SITE_CLEARANCE = "site_clearance", _("Đền bù, giải phóng mặt bằng")
    OTHER = "other", _("Khác")


class BudgetSource(models.TextChoices):
    CENTRAL = "central", _("Ngân sách trung ương")
    PROVINCE = "province", _("Ngân sách tỉnh")
    DISTRICT = "district", _("Ngân sách huyện")
    COMMUNE = "commune", _("Ngân sách xã")
    DEFENCE = "defence", _("Ngân sách quốc phòng")
    OTHER = "other", _("Nguồn hợp pháp khác")


class BudgetLine(PreparationRecord):
    """A budget line: estimate, actual, additional (phát sinh) and settled amounts, in VND."""

    exercise = models.ForeignKey(
        "exercises.Exercise",
        on_delete=models.CASCADE,
        related_name="budget_lines",
        verbose_name=_("diễn tập"),
    )
    subcommittee = models.ForeignKey(
        "exercises.Committee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_lines",
        verbose_name=_("tiểu ban"),
    )
    description = models.CharField(_("nội dung chi"), max_length=400)
    category = models.CharField(_("khoản mục"), max_length=16, choices=BudgetCategory.choices)
    source = models.CharField(_("nguồn"), max_length=16, choices=BudgetSource.choices)
    is_site_clearance = models.BooleanField(_("đền bù, giải phóng mặt bằng"), default=False)
    estimate = models.PositiveBigIntegerField(_("dự toán (đồng)"), default=0)
    actual = models.PositiveBigIntegerField(_("thực chi (đồng)"), default=0)
    additional = models.PositiveBigIntegerField(_("phát sinh (đồng)"), default=0)
    settled_amount = models.PositiveBigIntegerField(_("đã quyết toán (đồng)"), default=0)
    settled_on = models.DateField(_("ngày quyết toán"), null=True, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dòng kinh phí")
        verbose_name_plural = _("kinh phí")
        ordering = ["exercise", "category", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "code"],
                name="budget_line_code_unique",
                violation_error_message=_("Cuộc diễn tập này đã có dòng kinh phí mang mã này."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} - {self.description}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("preparation:budget_line_detail", args=[self.exercise_id, self.pk])

    @property
    def total_spent(self) -> int:
        """What the line cost in the end: actual spending plus the additional costs."""
        return self.actual + self.additional
