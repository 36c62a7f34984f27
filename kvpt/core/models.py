"""Abstract bases shared by every domain model, and the read log of classified records."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Classification(models.IntegerChoices):
    """State-secret levels, ordered so that `record <= user.clearance` means readable."""

    UNCLASSIFIED = 0, _("Thường")
    CONFIDENTIAL = 1, _("Mật")
    SECRET = 2, _("Tối mật")
    TOP_SECRET = 3, _("Tuyệt mật")


class FastChoiceDisplay:
    """`get_FOO_display()` from labels built once per field and language (kvpt.core.labels).

    A mixin of the abstract bases below, so every model built on them has it: Django binds
    `get_FOO_display` to the class's `_get_FIELD_display` when the model class is made.
    """

    def _get_FIELD_display(self, field: Any) -> Any:  # noqa: N802 - the name Django calls
        from kvpt.core.labels import field_display

        return field_display(type(self), field.name, getattr(self, field.attname))


class TimeStampedModel(FastChoiceDisplay, models.Model):
    """Creation and last-change times."""

    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """A row edited by people: `version` rises with every save so a stale form is refused."""

    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)

    class Meta:
        abstract = True


class ClassifiedModel(FastChoiceDisplay, models.Model):
    """A record with a state-secret level; users below it never see it."""

    classification = models.PositiveSmallIntegerField(
        _("độ mật"), choices=Classification.choices, default=Classification.UNCLASSIFIED
    )

    class Meta:
        abstract = True

    @property
    def is_classified(self) -> bool:
        return self.classification > Classification.UNCLASSIFIED


class IllustrativeModel(FastChoiceDisplay, models.Model):
    """A record whose figures may be made up for the demo: reports footnote them as illustrative."""

    is_illustrative = models.BooleanField(
        _("số liệu minh họa"),
        default=False,
        help_text=_(
            "Đánh dấu khi số liệu không lấy từ hồ sơ thật; báo cáo sẽ chú thích là minh họa."
        ),
    )

    class Meta:
        abstract = True


class ExerciseOwned(FastChoiceDisplay, models.Model):
    """A record that belongs to one exercise.

    Every write through kvpt.core.services raises the exercise's `revision` (reports compare it to
    tell when they are stale) and is refused once the exercise is closed, unless the model says it
    stays writable then (follow-up actions). Subclasses name the exercise with `owning_exercise_id`.
    """

    # Follow-up actions are the one kind of record still written after an exercise is closed.
    writable_when_closed: bool = False

    class Meta:
        abstract = True

    def owning_exercise_id(self) -> int | None:
        return getattr(self, "exercise_id", None)


class AccessLog(models.Model):
    """One read of a record, kept for the security officer.

    Views, exports and API reads are logged for classified records; downloads of document files
    are logged for every document, classified or not (classification 0 then).
    """

    class Action(models.TextChoices):
        VIEW = "view", _("Xem")
        DOWNLOAD = "download", _("Tải xuống")
        EXPORT = "export", _("Xuất")
        API = "api", _("Đọc qua API")

    at = models.DateTimeField(_("lúc"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người dùng"),
    )
    action = models.CharField(_("hành động"), max_length=16, choices=Action.choices)
    model = models.CharField(_("loại bản ghi"), max_length=100)
    object_id = models.CharField(_("mã bản ghi"), max_length=64)
    object_repr = models.CharField(_("bản ghi"), max_length=255)
    classification = models.PositiveSmallIntegerField(_("độ mật"), choices=Classification.choices)

    class Meta:
        verbose_name = _("nhật ký truy cập bản ghi mật")
        verbose_name_plural = _("nhật ký truy cập bản ghi mật")
        ordering = ["-at"]
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"{self.user} {self.action} {self.model}#{self.object_id}"
