"""The exercise (cuộc diễn tập): the core that memberships and scope name.

"Exercise set-up and preparation" grows it with phases, committees and the rest.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kvpt.core.models import ClassifiedModel, VersionedModel
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


class Exercise(VersionedModel, ClassifiedModel):
    """One defence-area exercise held by an area in a year."""

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
    # Accent-folded "code name" so "lang chanh" finds "Lang Chánh" (conventions: folded search).
    search_text = models.CharField(max_length=400, default="", editable=False)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("cuộc diễn tập")
        verbose_name_plural = _("cuộc diễn tập")
        ordering = ["-year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=YEAR_MIN) & models.Q(year__lte=YEAR_MAX),
                name="exercise_year_sane",
                violation_error_message=_("Năm phải nằm trong khoảng 1945-2100."),
            )
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

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("exercises:detail", args=[self.pk])
