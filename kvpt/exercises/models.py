"""The exercise (cuộc diễn tập): the core that memberships and scope name.

"Exercise set-up and preparation" grows it with phases, committees and the rest.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kvpt.core.models import (
    ClassifiedModel,
    ExerciseOwned,
    IllustrativeModel,
    VersionedModel,
)
from kvpt.core.text import fold

YEAR_MIN, YEAR_MAX = 1945, 2100


class ExerciseStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    PLANNED = "planned", _("Đã lập kế hoạch")
    PREPARING = "preparing", _("Đang chuẩn bị")
    CONDUCTING = "conducting", _("Đang thực hành")
    REVIEWING = "reviewing", _("Đang tổng kết")
    CLOSED = "closed", _("Đã kết thúc")
    CANCELLED = "cancelled", _("Đã hủy")


class ExerciseKind(models.TextChoices):
    PROVINCE_KVPT = "kvpt_province", _("Diễn tập khu vực phòng thủ tỉnh")
    DISTRICT_KVPT = "kvpt_district", _("Diễn tập khu vực phòng thủ huyện")
    COMMUNE_COMBAT = "commune_combat", _("Diễn tập chiến đấu phòng thủ xã")
    CIVIL_DEFENCE = "civil_defence", _("Diễn tập phòng thủ dân sự")
    OTHER = "other", _("Loại khác")


class Exercise(VersionedModel, ClassifiedModel, IllustrativeModel, ExerciseOwned):
    """One defence-area exercise held by an area in a year."""

    # kvpt.core.services: the exercise guards its own closure and carries the revision.
    is_exercise_root = True

    code = models.CharField(
        _("mã"),
        max_length=64,
        unique=True,
        help_text=_("Ví dụ: DT-KVPT-2023."),
        error_messages={"unique": _("Đã có cuộc diễn tập mang mã này; hãy chọn mã khác.")},
    )
    name = models.CharField(_("tên cuộc diễn tập"), max_length=255)
    area = models.ForeignKey(
        "organisations.Area",
        on_delete=models.PROTECT,
        related_name="exercises",
        verbose_name=_("địa bàn"),
    )
    level = models.ForeignKey(
        "organisations.AreaLevel",
        on_delete=models.PROTECT,
        related_name="exercises",
        verbose_name=_("cấp diễn tập"),
    )
    year = models.PositiveSmallIntegerField(
        _("năm"),
        validators=[
            MinValueValidator(YEAR_MIN, _("Năm phải từ %(limit_value)s trở đi.")),
            MaxValueValidator(YEAR_MAX, _("Năm không được quá %(limit_value)s.")),
        ],
    )
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=ExerciseStatus.choices, default=ExerciseStatus.DRAFT
    )
    code_name = models.CharField(_("mật danh"), max_length=120, blank=True)
    kind = models.CharField(
        _("loại diễn tập"),
        max_length=24,
        choices=ExerciseKind.choices,
        default=ExerciseKind.DISTRICT_KVPT,
    )
    organisation = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organised_exercises",
        verbose_name=_("cơ quan tổ chức"),
    )
    directing_organisation = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="directed_exercises",
        verbose_name=_("cơ quan chỉ đạo"),
        help_text=_("Cấp trên chỉ đạo, đánh giá (quân khu, Ban Chỉ đạo tỉnh ...)."),
    )
    scale = models.CharField(
        _("quy mô"), max_length=120, blank=True, help_text=_("Ví dụ: 1 bên 2 cấp.")
    )
    purposes = models.JSONField(_("mục đích"), default=list, blank=True)
    requirements = models.JSONField(_("yêu cầu"), default=list, blank=True)
    start_date = models.DateField(_("ngày bắt đầu thực hành"), null=True, blank=True)
    end_date = models.DateField(_("ngày kết thúc thực hành"), null=True, blank=True)
    leadership_mechanism = models.TextField(
        _("cơ chế lãnh đạo"),
        blank=True,
        help_text=_(
            "Ví dụ: cấp ủy lãnh đạo, chính quyền điều hành, các ban, ngành, đoàn thể làm tham mưu, "
            "cơ quan quân sự, công an làm nòng cốt."
        ),
    )
    cancel_reason = models.TextField(_("lý do hủy"), blank=True)
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("sao cấu trúc từ"),
    )
    # Raised by every write to the exercise or its records (kvpt.core.services.bump_revision).
    revision = models.PositiveIntegerField(_("số hiệu dữ liệu"), default=1, editable=False)
    # Accent-folded "code name" so "lang chanh" finds "Lang Chánh" (conventions: folded search).
    search_text = models.CharField(max_length=400, default="", editable=False)
    history = HistoricalRecords(excluded_fields=["search_text", "revision"])

    class Meta:
        verbose_name = _("cuộc diễn tập")
        verbose_name_plural = _("cuộc diễn tập")
        ordering = ["-year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=YEAR_MIN) & models.Q(year__lte=YEAR_MAX),
                name="exercise_year_sane",
                violation_error_message=_("Năm phải nằm trong khoảng 1945-2100."),
            ),
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="exercise_dates_ordered",
                violation_error_message=_("Ngày kết thúc không được trước ngày bắt đầu."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} - {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = fold(f"{self.code} {self.name}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"code", "name"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def scope_key(self) -> tuple[str, int | None]:
        return self.area.path, self.pk

    def owning_exercise_id(self) -> int | None:
        return self.pk

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("exercises:detail", args=[self.pk])


class ExerciseTransition(models.Model):
    """One move of an exercise's status: who moved it, when, from where to where, and why."""

    exercise = models.ForeignKey(
        Exercise, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("diễn tập")
    )
    from_status = models.CharField(_("từ"), max_length=16, choices=ExerciseStatus.choices)
    to_status = models.CharField(_("sang"), max_length=16, choices=ExerciseStatus.choices)
    at = models.DateTimeField(_("lúc"), auto_now_add=True)
    by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("người chuyển"),
    )
    reason = models.TextField(_("lý do"), blank=True)

    class Meta:
        verbose_name = _("lần chuyển trạng thái")
        verbose_name_plural = _("lịch sử trạng thái")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.exercise_id}: {self.from_status} -> {self.to_status}"


class ExerciseChild(VersionedModel, ExerciseOwned):
    """Base of a record that hangs directly off an exercise and shares its scope."""

    exercise = models.ForeignKey(
        Exercise, on_delete=models.CASCADE, related_name="+", verbose_name=_("diễn tập")
    )

    class Meta:
        abstract = True

    def scope_key(self) -> tuple[str, int | None]:
        return self.exercise.area.path, self.exercise_id


class Phase(ExerciseChild, IllustrativeModel):
    """A phase (giai đoạn) of the exercise, ordered, with planned and actual times."""

    exercise = models.ForeignKey(
        Exercise, on_delete=models.CASCADE, related_name="phases", verbose_name=_("diễn tập")
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên giai đoạn"), max_length=400)
    planned_start = models.DateTimeField(_("bắt đầu (kế hoạch)"), null=True, blank=True)
    planned_end = models.DateTimeField(_("kết thúc (kế hoạch)"), null=True, blank=True)
    actual_start = models.DateTimeField(_("bắt đầu (thực tế)"), null=True, blank=True)
    actual_end = models.DateTimeField(_("kết thúc (thực tế)"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("giai đoạn")
        verbose_name_plural = _("giai đoạn")
        ordering = ["exercise", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "order"],
                name="phase_order_unique",
                violation_error_message=_("Đã có giai đoạn mang số thứ tự này."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class Content(VersionedModel, IllustrativeModel, ExerciseOwned):
    """A content (nội dung, vấn đề) of a phase, ordered, with planned and actual times."""

    phase = models.ForeignKey(
        Phase, on_delete=models.CASCADE, related_name="contents", verbose_name=_("giai đoạn")
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên nội dung"), max_length=400)
    planned_start = models.DateTimeField(_("bắt đầu (kế hoạch)"), null=True, blank=True)
    planned_end = models.DateTimeField(_("kết thúc (kế hoạch)"), null=True, blank=True)
    actual_start = models.DateTimeField(_("bắt đầu (thực tế)"), null=True, blank=True)
    actual_end = models.DateTimeField(_("kết thúc (thực tế)"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nội dung")
        verbose_name_plural = _("nội dung")
        ordering = ["phase", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["phase", "order"],
                name="content_order_unique",
                violation_error_message=_("Giai đoạn này đã có nội dung mang số thứ tự này."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.phase.order}.{self.order}. {self.name}"

    def owning_exercise_id(self) -> int | None:
        return self.phase.exercise_id

    def scope_key(self) -> tuple[str, int | None]:
        return self.phase.exercise.area.path, self.phase.exercise_id


class MilestoneKind(models.TextChoices):
    DIRECTIVE = "directive", _("Chỉ thị, giao nhiệm vụ")
    TRAINING = "training", _("Tập huấn")
    COORDINATION = "coordination", _("Hiệp đồng đạo diễn")
    INSPECTION = "inspection", _("Kiểm tra của cấp trên")
    TRIAL_RUN = "trial_run", _("Diễn tập thử")
    REHEARSAL = "rehearsal", _("Tổng duyệt")
    OPENING = "opening", _("Khai mạc")
    EXERCISE_DAY = "exercise_day", _("Ngày thực hành")
    CLOSING = "closing", _("Bế mạc")
    CONFERENCE = "conference", _("Hội nghị tổng kết, rút kinh nghiệm")
    OTHER = "other", _("Mốc khác")


class Milestone(ExerciseChild, IllustrativeModel):
    """A dated milestone of the exercise's calendar (training, trial run n, rehearsal ...)."""

    exercise = models.ForeignKey(
        Exercise, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("diễn tập")
    )
    kind = models.CharField(_("loại mốc"), max_length=16, choices=MilestoneKind.choices)
    sequence = models.PositiveSmallIntegerField(
        _("lần"), null=True, blank=True, help_text=_("Lần thứ mấy, ví dụ diễn tập thử lần 2.")
    )
    title = models.CharField(_("tên"), max_length=255)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"), null=True, blank=True)
    location = models.CharField(_("địa điểm"), max_length=255, blank=True)
    done = models.BooleanField(_("đã thực hiện"), default=False)
    notes = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mốc thời gian")
        verbose_name_plural = _("mốc thời gian")
        ordering = ["exercise", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="milestone_dates_ordered",
                violation_error_message=_("Ngày kết thúc không được trước ngày bắt đầu."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class CommitteeKind(models.TextChoices):
    STEERING = "steering", _("Ban Chỉ đạo")
    ORGANISING = "organising", _("Ban Tổ chức")
    DIRECTING = "directing", _("Ban Đạo diễn")
    SUPPORT = "support", _("Tổ giúp việc")
    SUBCOMMITTEE = "subcommittee", _("Tiểu ban")


class Committee(ExerciseChild):
    """A committee of the exercise: BCĐ, BTC, Ban Đạo diễn, support team or a subcommittee."""

    exercise = models.ForeignKey(
        Exercise, on_delete=models.CASCADE, related_name="committees", verbose_name=_("diễn tập")
    )
    kind = models.CharField(_("loại ban"), max_length=16, choices=CommitteeKind.choices)
    code = models.CharField(_("mã"), max_length=40, help_text=_("Ví dụ: BCD, BTC, TB-VANKIEN."))
    name = models.CharField(_("tên"), max_length=255)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    duties = models.TextField(_("nhiệm vụ"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ban")
        verbose_name_plural = _("các ban, tiểu ban")
        ordering = ["exercise", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "code"],
                name="committee_code_unique",
                violation_error_message=_("Cuộc diễn tập này đã có ban mang mã này."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_subcommittee(self) -> bool:
        return self.kind == CommitteeKind.SUBCOMMITTEE


class CommitteeRole(models.TextChoices):
    HEAD = "head", _("Trưởng ban")
    STANDING_DEPUTY = "standing_deputy", _("Phó Trưởng ban thường trực")
    DEPUTY = "deputy", _("Phó Trưởng ban")
    MEMBER = "member", _("Ủy viên")
    SECRETARY = "secretary", _("Thư ký")


class CommitteeMember(VersionedModel, ExerciseOwned):
    """A person on a committee, with their position, role in it and role in the exercise."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="members", verbose_name=_("ban")
    )
    person = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        related_name="committee_seats",
        verbose_name=_("người"),
    )
    position = models.CharField(
        _("chức vụ"),
        max_length=400,
        blank=True,
        help_text=_("Ví dụ: Bí thư Huyện ủy, Chủ tịch HĐND huyện."),
    )
    role = models.CharField(
        _("chức danh trong ban"),
        max_length=16,
        choices=CommitteeRole.choices,
        default=CommitteeRole.MEMBER,
    )
    exercise_role = models.CharField(_("vai tập"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thành viên ban")
        verbose_name_plural = _("thành viên ban")
        ordering = ["committee", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "person"],
                name="committee_member_unique",
                violation_error_message=_("Người này đã là thành viên của ban."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"

    def owning_exercise_id(self) -> int | None:
        return self.committee.exercise_id

    def scope_key(self) -> tuple[str, int | None]:
        return self.committee.exercise.area.path, self.committee.exercise_id
