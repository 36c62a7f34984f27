"""The scenario of an exercise and its conduct: situations (tình huống), the MSEL (injects), the
exercise clock, the conduct log (nhật ký điều hành) and safety incidents.

Situation codes ("A2", "TQL" ...) are chosen per exercise and kept stable: forces name situations
by code. Situation kinds are a catalogue kept as data (a data migration seeds it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kvpt.core.models import (
    Classification,
    ClassifiedModel,
    ExerciseOwned,
    IllustrativeModel,
    VersionedModel,
)


class ExerciseRecord(VersionedModel, ExerciseOwned):
    """Base of a record of one exercise: its scope is the exercise's."""

    class Meta:
        abstract = True

    def scope_key(self) -> tuple[str, int | None]:
        exercise: Any = self.exercise  # type: ignore[attr-defined]
        return exercise.area.path, exercise.pk


class SituationKind(models.Model):
    """A kind of situation from the catalogue (thiết quân luật, gây rối, xâm nhập biên giới ...)."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên loại tình huống"), max_length=255)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    active = models.BooleanField(_("đang dùng"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("loại tình huống")
        verbose_name_plural = _("danh mục loại tình huống")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Situation(ExerciseRecord, ClassifiedModel, IllustrativeModel):
    """A situation (tình huống) of the exercise: what happens, who leads the response, where."""

    exercise = models.ForeignKey(
        "exercises.Exercise",
        on_delete=models.CASCADE,
        related_name="situations",
        verbose_name=_("diễn tập"),
    )
    code = models.CharField(
        _("mã tình huống"), max_length=20, help_text=_("Ví dụ: A2, TQL. Lực lượng gọi theo mã này.")
    )
    title = models.CharField(_("tên tình huống"), max_length=400)
    kind = models.ForeignKey(
        SituationKind, on_delete=models.PROTECT, related_name="situations", verbose_name=_("loại")
    )
    phase = models.ForeignKey(
        "exercises.Phase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="situations",
        verbose_name=_("giai đoạn"),
    )
    lead_agency = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_situations",
        verbose_name=_("cơ quan chủ trì xử lý"),
    )
    location = models.CharField(_("địa điểm"), max_length=400, blank=True)
    location_classification = models.PositiveSmallIntegerField(
        _("độ mật của địa điểm"),
        choices=Classification.choices,
        default=Classification.UNCLASSIFIED,
        help_text=_("Địa điểm chỉ hiện với người được tiếp cận mức này (ví dụ vị trí sở chỉ huy)."),
    )
    forces_text = models.TextField(
        _("lực lượng tham gia"),
        blank=True,
        help_text=_("Mô tả lực lượng; danh sách lực lượng chi tiết ở phần Lực lượng."),
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tình huống")
        verbose_name_plural = _("tình huống")
        ordering = ["exercise", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "code"],
                name="situation_code_unique",
                violation_error_message=_("Cuộc diễn tập này đã có tình huống mang mã này."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} - {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("scenario:situation_detail", args=[self.exercise_id, self.pk])

    @property
    def location_level(self) -> int:
        return max(int(self.classification), int(self.location_classification))

    def location_for(self, clearance: int) -> str | None:
        """The location if `clearance` reaches its marking; None when it must stay hidden."""
        return self.location if clearance >= self.location_level else None


class InjectStatus(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")
    DELIVERED = "delivered", _("Đã phát")
    DONE = "done", _("Hoàn thành")
    SKIPPED = "skipped", _("Bỏ qua")


# Still to be delivered: the clock's pauses shift these, the console lists them as due or next.
OPEN_STATUSES = (InjectStatus.PENDING, InjectStatus.APPROVED)


class DeliveryMethod(models.TextChoices):
    PHONE = "phone", _("Điện thoại")
    RADIO = "radio", _("Vô tuyến điện")
    DOCUMENT = "document", _("Văn bản")
    MESSENGER = "messenger", _("Liên lạc viên")
    IN_PERSON = "in_person", _("Trực tiếp")
    FAX = "fax", _("Fax, thư điện tử")
    DEMONSTRATION = "demonstration", _("Thực binh, hiệu ứng")
    OTHER = "other", _("Khác")


class Inject(ExerciseRecord, ClassifiedModel, IllustrativeModel):
    """One MSEL entry: a scenario event given to the players at a scenario and a real time."""

    exercise = models.ForeignKey(
        "exercises.Exercise",
        on_delete=models.CASCADE,
        related_name="injects",
        verbose_name=_("diễn tập"),
    )
    serial = models.PositiveIntegerField(_("số thứ tự"))
    phase = models.ForeignKey(
        "exercises.Phase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="injects",
        verbose_name=_("giai đoạn"),
    )
    content_item = models.ForeignKey(
        "exercises.Content",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="injects",
        verbose_name=_("nội dung"),
    )
    situation = models.ForeignKey(
        Situation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="injects",
        verbose_name=_("tình huống"),
    )
    scenario_time = models.CharField(
        _("thời gian giả định"),
        max_length=40,
        blank=True,
        help_text=_("Thời gian trong kịch bản, ví dụ “N-5”, “N+1 08:30”, “D+2 H+3”."),
    )
    # Minutes from day N 00:00, from scenario_time: the story's order (kvpt.scenario.scenario_time).
    scenario_offset = models.IntegerField(null=True, blank=True, editable=False)
    scheduled_at = models.DateTimeField(_("giờ phát (kế hoạch)"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("giờ phát (thực tế)"), null=True, blank=True)
    completed_at = models.DateTimeField(_("giờ hoàn thành"), null=True, blank=True)
    from_org = models.CharField(
        _("từ (cơ quan giả định)"),
        max_length=255,
        blank=True,
        help_text=_("Cơ quan, người gửi trong kịch bản, ví dụ “Công an xã báo cáo”."),
    )
    to_agency = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_injects",
        verbose_name=_("đến cơ quan"),
    )
    to_unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_injects",
        verbose_name=_("đến đơn vị"),
    )
    to_text = models.CharField(
        _("đến (ghi rõ)"),
        max_length=255,
        blank=True,
        help_text=_("Khi người nhận không có trong danh mục, ví dụ “Sở chỉ huy cơ bản”."),
    )
    method = models.CharField(
        _("hình thức chuyển"),
        max_length=16,
        choices=DeliveryMethod.choices,
        default=DeliveryMethod.DOCUMENT,
    )
    content = models.TextField(_("nội dung tình huống"))
    expected_action = models.TextField(_("hành động mong đợi"), blank=True)
    objective = models.CharField(_("mục tiêu liên quan"), max_length=400, blank=True)
    controller = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="controlled_injects",
        verbose_name=_("người điều hành"),
    )
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=InjectStatus.choices, default=InjectStatus.PENDING
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sự kiện kịch bản")
        verbose_name_plural = _("kịch bản chi tiết (MSEL)")
        ordering = ["exercise", "serial"]
        indexes = [models.Index(fields=["exercise", "status", "scheduled_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "serial"],
                name="inject_serial_unique",
                violation_error_message=_("Cuộc diễn tập này đã có sự kiện mang số thứ tự này."),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.serial} {self.scenario_time}".strip()

    @property
    def code(self) -> str:
        return str(self.serial)

    def get_absolute_url(self) -> str:
        return reverse("scenario:inject_detail", args=[self.exercise_id, self.pk])

    def clean(self) -> None:
        from kvpt.scenario.scenario_time import parse_scenario_time

        super().clean()
        if self.scenario_time:
            try:
                parsed = parse_scenario_time(self.scenario_time)
            except ValidationError as exc:
                raise ValidationError({"scenario_time": exc.messages}) from exc
            self.scenario_time = parsed.text
            self.scenario_offset = parsed.offset_minutes
        else:
            self.scenario_offset = None

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The sortable offset follows the text on every save, also where clean() was not run.
        from kvpt.scenario.scenario_time import parse_scenario_time

        try:
            self.scenario_offset = (
                parse_scenario_time(self.scenario_time).offset_minutes
                if self.scenario_time
                else None
            )
        except ValidationError:
            self.scenario_offset = None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "scenario_time" in update_fields:
            kwargs["update_fields"] = {*update_fields, "scenario_offset"}
        super().save(*args, **kwargs)

    @property
    def recipient(self) -> str:
        names = [str(x) for x in (self.to_agency, self.to_unit) if x is not None]
        if self.to_text:
            names.append(self.to_text)
        return "; ".join(names)


class InjectTransition(models.Model):
    """One move of an inject's status: who, when, from where to where, and why."""

    inject = models.ForeignKey(
        Inject, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("sự kiện")
    )
    from_status = models.CharField(_("từ"), max_length=16, choices=InjectStatus.choices)
    to_status = models.CharField(_("sang"), max_length=16, choices=InjectStatus.choices)
    at = models.DateTimeField(_("lúc"), default=timezone.now)
    by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("người chuyển"),
    )
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("lần chuyển trạng thái sự kiện")
        verbose_name_plural = _("lịch sử trạng thái sự kiện")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.inject_id}: {self.from_status} -> {self.to_status}"


class ClockState(models.TextChoices):
    STOPPED = "stopped", _("Chưa chạy / đã dừng")
    RUNNING = "running", _("Đang chạy")
    PAUSED = "paused", _("Tạm dừng")


class ConductClock(ExerciseRecord):
    """The exercise clock of the conduct console: started, paused, how long it was paused."""

    exercise = models.OneToOneField(
        "exercises.Exercise",
        on_delete=models.CASCADE,
        related_name="conduct_clock",
        verbose_name=_("diễn tập"),
    )
    state = models.CharField(
        _("trạng thái đồng hồ"),
        max_length=16,
        choices=ClockState.choices,
        default=ClockState.STOPPED,
    )
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    paused_at = models.DateTimeField(_("tạm dừng lúc"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("tổng thời gian tạm dừng (giây)"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đồng hồ điều hành")
        verbose_name_plural = _("đồng hồ điều hành")

    def __str__(self) -> str:
        return f"{self.exercise} - {self.get_state_display()}"

    def get_absolute_url(self) -> str:
        return reverse("scenario:conduct", args=[self.exercise_id])

    def elapsed(self, now: dt.datetime | None = None) -> dt.timedelta:
        """Exercise time run so far: since the start, less every pause (the running one too)."""
        if self.started_at is None:
            return dt.timedelta(0)
        now = now or timezone.now()
        end = {
            ClockState.RUNNING: now,
            ClockState.PAUSED: self.paused_at or now,
        }.get(self.state, self.stopped_at or now)  # type: ignore[call-overload]
        return max(
            end - self.started_at - dt.timedelta(seconds=self.paused_seconds), dt.timedelta(0)
        )


class LogKind(models.TextChoices):
    NOTE = "note", _("Ghi chép")
    CLOCK = "clock", _("Đồng hồ")
    INJECT = "inject", _("Sự kiện kịch bản")
    SAFETY = "safety", _("An toàn")


class ConductLogEntry(ExerciseRecord, ClassifiedModel, IllustrativeModel):
    """An entry of the conduct log (nhật ký điều hành), written by hand or by a console action."""

    exercise = models.ForeignKey(
        "exercises.Exercise",
        on_delete=models.CASCADE,
        related_name="conduct_log",
        verbose_name=_("diễn tập"),
    )
    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    kind = models.CharField(_("loại"), max_length=16, choices=LogKind.choices, default=LogKind.NOTE)
    author = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người ghi"),
    )
    text = models.TextField(_("nội dung"))
    inject = models.ForeignKey(
        Inject,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="log_entries",
        verbose_name=_("sự kiện kịch bản"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nhật ký điều hành")
        verbose_name_plural = _("nhật ký điều hành")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%d/%m/%Y %H:%M} {self.text[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("scenario:log", args=[self.exercise_id]) + f"#log-{self.pk}"


class IncidentCategory(models.TextChoices):
    PEOPLE = "people", _("Người")
    WEAPONS = "weapons", _("Vũ khí, trang bị")
    PROPERTY = "property", _("Tài sản")
    CIVILIANS = "civilians", _("Nhân dân")


class IncidentSeverity(models.TextChoices):
    MINOR = "minor", _("Nhẹ")
    MODERATE = "moderate", _("Vừa")
    SERIOUS = "serious", _("Nghiêm trọng")
    CRITICAL = "critical", _("Đặc biệt nghiêm trọng")


class SafetyIncident(ExerciseRecord, ClassifiedModel, IllustrativeModel):
    """A safety incident during the exercise: people, weapons, property or civilians."""

    exercise = models.ForeignKey(
        "exercises.Exercise",
        on_delete=models.CASCADE,
        related_name="safety_incidents",
        verbose_name=_("diễn tập"),
    )
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    category = models.CharField(_("loại"), max_length=16, choices=IncidentCategory.choices)
    severity = models.CharField(
        _("mức độ"),
        max_length=16,
        choices=IncidentSeverity.choices,
        default=IncidentSeverity.MINOR,
    )
    injured_count = models.PositiveIntegerField(_("số người bị thương"), default=0)
    killed_count = models.PositiveIntegerField(_("số người hy sinh, tử vong"), default=0)
    description = models.TextField(_("diễn biến"))
    resolution = models.TextField(_("biện pháp xử lý"), blank=True)
    resolved_at = models.DateTimeField(_("xử lý xong lúc"), null=True, blank=True)
    reported_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người báo cáo"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sự cố an toàn")
        verbose_name_plural = _("sự cố an toàn")
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resolved_at__isnull=True)
                | models.Q(resolved_at__gte=models.F("at")),
                name="incident_resolved_after",
                violation_error_message=_("Thời điểm xử lý xong không được trước khi xảy ra."),
            )
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%d/%m/%Y %H:%M} {self.get_category_display()}"

    def get_absolute_url(self) -> str:
        return reverse("scenario:log", args=[self.exercise_id]) + f"#incident-{self.pk}"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None
