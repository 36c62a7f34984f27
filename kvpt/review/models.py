"""The summary and lessons conference (hội nghị tổng kết, rút kinh nghiệm) and its follow-up.

A conference records observations (ưu điểm / tồn tại, in ODCR form) and directives (chỉ đạo, kết
luận) of the leaders; both turn into corrective actions, tracked until the directing side approves
their closure, also after the exercise itself is closed. Notifications tell owners about actions.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kvpt.core.models import ClassifiedModel, ExerciseOwned, IllustrativeModel, VersionedModel
from kvpt.core.text import fold


class ReviewRecord(VersionedModel, ClassifiedModel, IllustrativeModel, ExerciseOwned):
    """Base of a review record: one exercise's, with a stable code and its own marking."""

    code = models.CharField(_("mã"), max_length=40)

    class Meta:
        abstract = True

    def scope_key(self) -> tuple[str, int | None]:
        exercise: Any = self.exercise  # type: ignore[attr-defined]
        return exercise.area.path, exercise.pk

    def clean(self) -> None:
        super().clean()
        exercise: Any = getattr(self, "exercise", None) if self.exercise_id else None  # type: ignore[attr-defined]
        if exercise is not None and int(self.classification) < int(exercise.classification):
            raise ValidationError(
                {
                    "classification": _(
                        "Độ mật không được thấp hơn độ mật của cuộc diễn tập (“%(level)s”)."
                    )
                    % {"level": exercise.get_classification_display()}
                }
            )


# --- conference ------------------------------------------------------------------------------


class Conference(ReviewRecord):
    """A summary and lessons conference of an exercise: when, where, who chaired, the agenda."""

    exercise = models.ForeignKey(
        "exercises.Exercise",
        on_delete=models.CASCADE,
        related_name="conferences",
        verbose_name=_("diễn tập"),
    )
    title = models.CharField(_("tên hội nghị"), max_length=400)
    held_on = models.DateField(_("ngày họp"))
    place = models.CharField(_("địa điểm"), max_length=400, blank=True)
    chairs = models.ManyToManyField(
        "organisations.Person",
        blank=True,
        related_name="chaired_conferences",
        verbose_name=_("chủ trì"),
    )
    attendees = models.TextField(_("thành phần dự"), blank=True)
    agenda = models.JSONField(_("chương trình"), default=list, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords(m2m_fields=[chairs])

    class Meta:
        verbose_name = _("hội nghị tổng kết")
        verbose_name_plural = _("hội nghị tổng kết")
        ordering = ["exercise", "held_on", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "code"],
                name="conference_code_unique",
                violation_error_message=_("Cuộc diễn tập này đã có hội nghị mang mã này."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d/%m/%Y})"

    def get_absolute_url(self) -> str:
        return reverse("review:conference_detail", args=[self.exercise_id, self.pk])


# --- observations ----------------------------------------------------------------------------


class ObservationKind(models.TextChoices):
    STRENGTH = "strength", _("Ưu điểm")
    SHORTCOMING = "shortcoming", _("Tồn tại, hạn chế")


class ObservationArea(models.TextChoices):
    PREPARATION = "preparation", _("Công tác chuẩn bị")
    MECHANISM = "mechanism", _("Vận hành cơ chế")
    LIVE_TROOPS = "live_troops", _("Thực binh")
    DOCUMENTS = "documents", _("Văn kiện")
    WORKS = "works", _("Công trình")
    LOGISTICS = "logistics", _("Hậu cần, kỹ thuật")
    SECURITY = "security", _("Bảo vệ, an ninh")
    OTHER = "other", _("Khác")


class ObservationState(models.TextChoices):
    OBSERVATION = "observation", _("Nhận xét")
    LESSON_IDENTIFIED = "lesson_identified", _("Đã xác định bài học")
    ACTION_PLANNED = "action_planned", _("Đã lập kế hoạch khắc phục")
    LESSON_LEARNED = "lesson_learned", _("Đã rút kinh nghiệm")
    REJECTED = "rejected", _("Không chấp nhận")


class Observation(ReviewRecord):
    """A strength or shortcoming noted about the exercise, in ODCR form, and its lesson's state."""

    exercise = models.ForeignKey(
        "exercises.Exercise",
        on_delete=models.CASCADE,
        related_name="observations",
        verbose_name=_("diễn tập"),
    )
    conference = models.ForeignKey(
        Conference,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name=_("hội nghị"),
    )
    kind = models.CharField(_("loại"), max_length=16, choices=ObservationKind.choices)
    area = models.CharField(_("lĩnh vực"), max_length=16, choices=ObservationArea.choices)
    observation = models.TextField(_("nhận xét"))
    discussion = models.TextField(_("phân tích, nguyên nhân"), blank=True)
    conclusion = models.TextField(_("kết luận"), blank=True)
    recommendation = models.TextField(_("kiến nghị, giải pháp"), blank=True)
    raised_by_agency = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="raised_observations",
        verbose_name=_("cơ quan nêu"),
    )
    raised_by_unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="raised_observations",
        verbose_name=_("đơn vị nêu"),
    )
    raised_by_person = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="raised_observations",
        verbose_name=_("người nêu"),
    )
    tags = models.JSONField(_("từ khóa"), default=list, blank=True)
    state = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=ObservationState.choices,
        default=ObservationState.OBSERVATION,
    )
    # Folded copy of the code, texts and tags (kvpt.core.text.fold: "duong" finds "đường"), for
    # the accent-insensitive lessons search across exercises.
    search_text = models.TextField(blank=True, default="", editable=False)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("nhận xét, bài học")
        verbose_name_plural = _("nhận xét, bài học")
        ordering = ["exercise", "created_at", "code"]
        indexes = [
            models.Index(fields=["exercise", "kind", "area"]),
            models.Index(fields=["state"]),
            # No B-tree on search_text: PostgreSQL refuses index rows over ~2.7 kB and ODCR texts
            # are longer. The lessons search adds its own (trigram on PostgreSQL) index.
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "code"],
                name="observation_code_unique",
                violation_error_message=_("Cuộc diễn tập này đã có nhận xét mang mã này."),
            )
        ]

    def __str__(self) -> str:
        text = self.observation if len(self.observation) <= 80 else self.observation[:77] + "..."
        return f"{self.code} - {text}"

    def get_absolute_url(self) -> str:
        return reverse("review:observation_detail", args=[self.exercise_id, self.pk])

    def folded_text(self) -> str:
        parts = [
            self.code,
            self.observation,
            self.discussion,
            self.conclusion,
            self.recommendation,
            " ".join(str(t) for t in (self.tags or [])),
        ]
        return fold(" ".join(p for p in parts if p))

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = self.folded_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)


class ObservationTransition(models.Model):
    """One move of an observation's state: who moved it, when, from what to what, and why."""

    observation = models.ForeignKey(
        Observation,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("nhận xét"),
    )
    from_state = models.CharField(
        _("từ trạng thái"), max_length=20, choices=ObservationState.choices
    )
    to_state = models.CharField(
        _("sang trạng thái"), max_length=20, choices=ObservationState.choices
    )
    reason = models.TextField(_("lý do"), blank=True)
    at = models.DateTimeField(_("lúc"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("người chuyển"),
    )

    class Meta:
        verbose_name = _("chuyển trạng thái nhận xét")
        verbose_name_plural = _("chuyển trạng thái nhận xét")
        ordering = ["observation", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.observation_id}: {self.from_state} -> {self.to_state}"


# --- directives ------------------------------------------------------------------------------


class Directive(ReviewRecord):
    """An instruction or conclusion (chỉ đạo, kết luận) a leader gave, usually at the conference."""

    exercise = models.ForeignKey(
        "exercises.Exercise",
        on_delete=models.CASCADE,
        related_name="directives",
        verbose_name=_("diễn tập"),
    )
    conference = models.ForeignKey(
        Conference,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directives",
        verbose_name=_("hội nghị"),
    )
    text = models.TextField(_("nội dung chỉ đạo"))
    given_by = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="given_directives",
        verbose_name=_("người chỉ đạo"),
    )
    given_on = models.DateField(_("ngày chỉ đạo"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chỉ đạo, kết luận")
        verbose_name_plural = _("chỉ đạo, kết luận")
        ordering = ["exercise", "created_at", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "code"],
                name="directive_code_unique",
                violation_error_message=_("Cuộc diễn tập này đã có chỉ đạo mang mã này."),
            )
        ]

    def __str__(self) -> str:
        text = self.text if len(self.text) <= 80 else self.text[:77] + "..."
        return f"{self.code} - {text}"

    def get_absolute_url(self) -> str:
        return reverse("review:directive_detail", args=[self.exercise_id, self.pk])


# --- corrective actions ----------------------------------------------------------------------


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE_PENDING_APPROVAL = "done_pending_approval", _("Đã xong, chờ duyệt")
    CLOSED = "closed", _("Đã đóng")
    CANCELLED = "cancelled", _("Hủy bỏ")


# Statuses in which an action still has work to do: only these can be overdue.
ACTIVE_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class CorrectiveAction(ReviewRecord):
    """Work to do after the exercise, from an observation or a directive, until its closure is
    approved by the directing side."""

    # Follow-up goes on after the exercise is closed.
    writable_when_closed = True

    exercise = models.ForeignKey(
        "exercises.Exercise",
        on_delete=models.CASCADE,
        related_name="corrective_actions",
        verbose_name=_("diễn tập"),
    )
    observation = models.ForeignKey(
        Observation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("từ nhận xét"),
    )
    directive = models.ForeignKey(
        Directive,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("từ chỉ đạo"),
    )
    title = models.CharField(_("nội dung việc khắc phục"), max_length=400)
    description = models.TextField(_("mô tả"), blank=True)
    owner = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrective_actions",
        verbose_name=_("cơ quan chủ trì"),
    )
    responsible = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrective_actions",
        verbose_name=_("người chịu trách nhiệm"),
    )
    start = models.DateField(_("bắt đầu"), null=True, blank=True)
    due = models.DateField(_("hạn hoàn thành"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=24, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    progress_note = models.TextField(_("kết quả thực hiện"), blank=True)
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người duyệt đóng"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("việc khắc phục")
        verbose_name_plural = _("việc khắc phục")
        ordering = ["exercise", "due", "code"]
        indexes = [
            models.Index(fields=["status", "due"]),
            models.Index(fields=["exercise", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "code"],
                name="corrective_action_code_unique",
                violation_error_message=_("Cuộc diễn tập này đã có việc khắc phục mang mã này."),
            ),
            models.CheckConstraint(
                condition=models.Q(start__isnull=True)
                | models.Q(due__isnull=True)
                | models.Q(due__gte=models.F("start")),
                name="corrective_action_dates_ordered",
                violation_error_message=_("Hạn hoàn thành không được trước ngày bắt đầu."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} - {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("review:action_detail", args=[self.exercise_id, self.pk])

    def is_overdue_on(self, today: Any) -> bool:
        """Due before `today` (a local date) and still to be done."""
        return self.status in ACTIVE_STATUSES and self.due is not None and self.due < today


def evidence_upload_to(instance: ActionEvidence, filename: str) -> str:
    # Our own name: the user's file name is kept in a field, never trusted as a path.
    return f"review/{instance.action.exercise_id}/{instance.action_id}/{instance.sha256[:16]}.bin"


class ActionEvidence(models.Model):
    """A file showing an action was done (biên bản, báo cáo, ảnh)."""

    action = models.ForeignKey(
        CorrectiveAction,
        on_delete=models.CASCADE,
        related_name="evidence",
        verbose_name=_("việc khắc phục"),
    )
    file = models.FileField(_("tệp"), upload_to=evidence_upload_to, max_length=255)
    filename = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=120)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    note = models.CharField(_("ghi chú"), max_length=400, blank=True)
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("người tải lên"),
    )

    class Meta:
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")
        ordering = ["action", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.filename


# --- notifications ---------------------------------------------------------------------------


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("Được giao việc")
    DUE_SOON = "due_soon", _("Sắp đến hạn")
    OVERDUE = "overdue", _("Quá hạn")


class Notification(models.Model):
    """An in-app message to a user about a corrective action; one per kind and action a day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("người nhận"),
    )
    kind = models.CharField(_("loại"), max_length=16, choices=NotificationKind.choices)
    action = models.ForeignKey(
        CorrectiveAction,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("việc khắc phục"),
    )
    day = models.DateField(_("ngày"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "action", "kind", "day"], name="notification_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.action}"
