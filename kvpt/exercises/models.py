"""The exercise (cuộc diễn tập): the core that memberships and scope name.

"Exercise set-up and preparation" grows it with phases, committees and the rest.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kvpt.core.models import ClassifiedModel, VersionedModel


class ExerciseStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    PLANNED = "planned", _("Đã lập kế hoạch")
    PREPARING = "preparing", _("Đang chuẩn bị")
    CONDUCTING = "conducting", _("Đang thực hành")
    REVIEWING = "reviewing", _("Đang tổng kết")
    CLOSED = "closed", _("Đã kết thúc")
    CANCELLED = "cancelled", _("Đã hủy")


class Exercise(VersionedModel, ClassifiedModel):
    """One defence-area exercise held by an area in a year."""

    code = models.CharField(
        _("mã"), max_length=64, unique=True, help_text=_("Ví dụ: DT-KVPT-2023.")
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
    year = models.PositiveSmallIntegerField(_("năm"))
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=ExerciseStatus.choices, default=ExerciseStatus.DRAFT
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cuộc diễn tập")
        verbose_name_plural = _("cuộc diễn tập")
        ordering = ["-year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=1945) & models.Q(year__lte=2100),
                name="exercise_year_sane",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} - {self.name}"

    def scope_key(self) -> tuple[str, int | None]:
        return self.area.path, self.pk

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("exercises:detail", args=[self.pk])
