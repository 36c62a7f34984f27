"""Evaluation of an exercise: rating scales, criteria, evaluators' ratings, the chief evaluator's
official results (recorded decisions, not averages), the overall grade (xếp loại) and awards.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kvpt.core.models import ClassifiedModel, ExerciseOwned, IllustrativeModel, VersionedModel

# --- scales (a catalogue shared by every exercise) -------------------------------------------


class RatingScale(VersionedModel):
    """A configurable rating scale (Giỏi / Khá / Đạt / Không đạt; P / S / M / U ...)."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên thang đánh giá"), max_length=255)
    description = models.TextField(_("mô tả"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thang đánh giá")
        verbose_name_plural = _("thang đánh giá")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ScaleLevel(models.Model):
    """One level of a scale, ordered from best (1) to worst; passing levels count as achieved."""

    scale = models.ForeignKey(
        RatingScale, on_delete=models.CASCADE, related_name="levels", verbose_name=_("thang")
    )
    code = models.CharField(_("mã"), max_length=20)
    label = models.CharField(_("mức"), max_length=255)
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    is_passing = models.BooleanField(_("đạt yêu cầu"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mức đánh giá")
        verbose_name_plural = _("mức đánh giá")
        ordering = ["scale", "order"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "code"], name="scale_level_code_unique"),
            models.UniqueConstraint(fields=["scale", "order"], name="scale_level_order_unique"),
        ]

    def __str__(self) -> str:
        return self.label


# --- records of an exercise ------------------------------------------------------------------


class EvaluationRecord(VersionedModel, ExerciseOwned):
    """Base of an evaluation record that hangs off one exercise."""

    class Meta:
        abstract = True

    def scope_key(self) -> tuple[str, int | None]:
        exercise: Any = self.exercise  # type: ignore[attr-defined]
        return exercise.area.path, exercise.pk


class CriteriaSet(EvaluationRecord, IllustrativeModel):
    """A set of criteria an exercise is graded against, all on one scale."""

    exercise = models.ForeignKey(
        "exercises.Exercise",
        on_delete=models.CASCADE,
        related_name="criteria_sets",
        verbose_name=_("diễn tập"),
    )
    code = models.CharField(_("mã"), max_length=40)
    name = models.CharField(_("tên bộ tiêu chí"), max_length=255)
    scale = models.ForeignKey(
        RatingScale, on_delete=models.PROTECT, related_name="+", verbose_name=_("thang đánh giá")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")
        ordering = ["exercise", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "code"],
                name="criteria_set_code_unique",
                violation_error_message=_("Cuộc diễn tập này đã có bộ tiêu chí mang mã này."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} - {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:overview", args=[self.exercise_id])


class LinkKind(models.TextChoices):
    NONE = "", _("(không gắn)")
    PURPOSE = "purpose", _("Mục đích")
    REQUIREMENT = "requirement", _("Yêu cầu")


class Criterion(EvaluationRecord):
    """One criterion of a set, optionally tied to one of the exercise's purposes or requirements."""

    exercise = models.ForeignKey(
        "exercises.Exercise", on_delete=models.CASCADE, related_name="+", verbose_name=_("diễn tập")
    )
    criteria_set = models.ForeignKey(
        CriteriaSet,
        on_delete=models.CASCADE,
        related_name="criteria",
        verbose_name=_("bộ tiêu chí"),
    )
    code = models.CharField(_("mã"), max_length=40)
    text = models.TextField(_("nội dung tiêu chí"))
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    link_kind = models.CharField(
        _("gắn với"), max_length=16, choices=LinkKind.choices, blank=True, default=""
    )
    link_index = models.PositiveSmallIntegerField(
        _("số thứ tự mục đích / yêu cầu"),
        null=True,
        blank=True,
        help_text=_("Đếm từ 1 theo danh sách mục đích hoặc yêu cầu của cuộc diễn tập."),
    )

    def get_absolute_url(self) -> str:
        return reverse("evaluation:overview", args=[self.exercise_id])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["criteria_set", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "code"],
                name="criterion_code_unique",
                violation_error_message=_("Bộ tiêu chí này đã có tiêu chí mang mã này."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} - {self.text[:80]}"

    @property
    def linked_text(self) -> str:
        """The purpose or requirement this criterion checks, as the exercise states it."""
        if not self.link_kind or not self.link_index:
            return ""
        items = getattr(
            self.exercise, "purposes" if self.link_kind == "purpose" else "requirements"
        )
        index = self.link_index - 1
        return str(items[index]) if 0 <= index < len(items or []) else ""

    def clean(self) -> None:
        super().clean()
        if (
            self.criteria_set_id
            and self.exercise_id
            and self.criteria_set.exercise_id != self.exercise_id
        ):
            raise ValidationError({"criteria_set": _("Bộ tiêu chí phải thuộc cùng cuộc diễn tập.")})
        if bool(self.link_kind) != bool(self.link_index):
            raise ValidationError(
                {"link_index": _("Chọn cả loại (mục đích / yêu cầu) và số thứ tự, hoặc bỏ cả hai.")}
            )
        if self.link_kind and self.exercise_id and not self.linked_text:
            raise ValidationError(
                {
                    "link_index": _("Cuộc diễn tập không có mục đích / yêu cầu số %(n)s.")
                    % {"n": self.link_index}
                }
            )


class TargetKind(models.TextChoices):
    EXERCISE = "exercise", _("Cuộc diễn tập")
    PHASE = "phase", _("Giai đoạn")
    SITUATION = "situation", _("Tình huống")
    UNIT = "unit", _("Đơn vị")
    PERSON = "person", _("Cá nhân")


class Targeted(models.Model):
    """What is graded: the exercise, a phase, a situation, a unit or a person (by kind and id)."""

    target_kind = models.CharField(
        _("đối tượng"), max_length=16, choices=TargetKind.choices, default=TargetKind.EXERCISE
    )
    target_id = models.PositiveIntegerField(_("mã đối tượng"))
    target_label = models.CharField(_("tên đối tượng"), max_length=400, blank=True)

    class Meta:
        abstract = True

    @property
    def target_key(self) -> str:
        return f"{self.target_kind}:{self.target_id}"


class Evaluation(EvaluationRecord, Targeted, ClassifiedModel, IllustrativeModel):
    """One evaluator's rating of a target on a criterion (or overall), with a comment."""

    exercise = models.ForeignKey(
        "exercises.Exercise",
        on_delete=models.CASCADE,
        related_name="evaluations",
        verbose_name=_("diễn tập"),
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name=_("người đánh giá"),
    )
    evaluator_person = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("cán bộ đánh giá"),
    )
    evaluator_agency = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("cơ quan đánh giá"),
    )
    criterion = models.ForeignKey(
        Criterion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("tiêu chí"),
    )
    level = models.ForeignKey(
        ScaleLevel, on_delete=models.PROTECT, related_name="+", verbose_name=_("mức đánh giá")
    )
    comment = models.TextField(_("nhận xét"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")
        ordering = ["exercise", "target_kind", "target_id", "criterion", "evaluator"]
        indexes = [models.Index(fields=["exercise", "target_kind", "target_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluator", "exercise", "target_kind", "target_id", "criterion"],
                condition=Q(criterion__isnull=False),
                name="evaluation_one_per_criterion",
                violation_error_message=_("Bạn đã đánh giá tiêu chí này của đối tượng này."),
            ),
            models.UniqueConstraint(
                fields=["evaluator", "exercise", "target_kind", "target_id"],
                condition=Q(criterion__isnull=True),
                name="evaluation_one_overall",
                violation_error_message=_("Bạn đã đánh giá chung đối tượng này."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target_label}: {self.level}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:overview", args=[self.exercise_id])


class OfficialResult(EvaluationRecord, Targeted):
    """The chief evaluator's decision on a target and criterion; its history keeps earlier ones."""

    exercise = models.ForeignKey(
        "exercises.Exercise",
        on_delete=models.CASCADE,
        related_name="official_results",
        verbose_name=_("diễn tập"),
    )
    criterion = models.ForeignKey(
        Criterion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="official_results",
        verbose_name=_("tiêu chí"),
    )
    level = models.ForeignKey(
        ScaleLevel, on_delete=models.PROTECT, related_name="+", verbose_name=_("kết quả")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người quyết định"),
    )
    decided_by_person = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cán bộ quyết định"),
    )
    decided_at = models.DateTimeField(_("quyết định lúc"))
    rationale = models.TextField(_("căn cứ, lý do"), blank=True)
    is_illustrative = models.BooleanField(_("số liệu minh họa"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kết quả chính thức")
        verbose_name_plural = _("kết quả chính thức")
        ordering = ["exercise", "target_kind", "target_id", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "target_kind", "target_id", "criterion"],
                condition=Q(criterion__isnull=False),
                name="official_result_one_per_criterion",
            ),
            models.UniqueConstraint(
                fields=["exercise", "target_kind", "target_id"],
                condition=Q(criterion__isnull=True),
                name="official_result_one_overall",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target_label}: {self.level}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:overview", args=[self.exercise_id])


class ExerciseGrade(EvaluationRecord, IllustrativeModel):
    """The exercise's overall grade (xếp loại) as the directing level decided it."""

    exercise = models.OneToOneField(
        "exercises.Exercise",
        on_delete=models.CASCADE,
        related_name="grade",
        verbose_name=_("diễn tập"),
    )
    level = models.ForeignKey(
        ScaleLevel, on_delete=models.PROTECT, related_name="+", verbose_name=_("xếp loại")
    )
    decided_by_agency = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cơ quan đánh giá"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người ghi nhận"),
    )
    decided_on = models.DateField(_("ngày đánh giá"), null=True, blank=True)
    basis = models.TextField(_("căn cứ, kết luận"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("xếp loại cuộc diễn tập")
        verbose_name_plural = _("xếp loại cuộc diễn tập")

    def __str__(self) -> str:
        return str(self.level)

    def get_absolute_url(self) -> str:
        return reverse("evaluation:overview", args=[self.exercise_id])


class AwardKind(models.TextChoices):
    CERTIFICATE_OF_MERIT = "bang_khen", _("Bằng khen")
    LETTER_OF_COMMENDATION = "giay_khen", _("Giấy khen")


class Award(EvaluationRecord, IllustrativeModel):
    """A commendation (khen thưởng) of a collective or an individual for the exercise."""

    exercise = models.ForeignKey(
        "exercises.Exercise",
        on_delete=models.CASCADE,
        related_name="awards",
        verbose_name=_("diễn tập"),
    )
    code = models.CharField(_("mã"), max_length=40)
    kind = models.CharField(_("hình thức"), max_length=16, choices=AwardKind.choices)
    issuer_agency = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cơ quan khen thưởng"),
    )
    issuer_text = models.CharField(
        _("cấp khen"), max_length=255, blank=True, help_text=_("Ví dụ: Chủ tịch UBND tỉnh.")
    )
    recipient_agency = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tập thể (cơ quan)"),
    )
    recipient_unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tập thể (đơn vị)"),
    )
    recipient_person = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cá nhân"),
    )
    reason = models.TextField(_("thành tích"), blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=80, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("khen thưởng")
        verbose_name_plural = _("khen thưởng")
        ordering = ["exercise", "kind", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "code"],
                name="award_code_unique",
                violation_error_message=_("Cuộc diễn tập này đã có khen thưởng mang mã này."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} - {self.recipient_name}"

    @property
    def is_collective(self) -> bool:
        return self.recipient_person_id is None

    @property
    def recipient_name(self) -> str:
        for ref in (self.recipient_person, self.recipient_unit, self.recipient_agency):
            if ref is not None:
                return str(getattr(ref, "full_name", None) or getattr(ref, "name", ref))
        return ""

    @property
    def issuer_name(self) -> str:
        if self.issuer_text:
            return self.issuer_text
        return self.issuer_agency.name if self.issuer_agency else ""

    def clean(self) -> None:
        super().clean()
        named = [self.recipient_agency_id, self.recipient_unit_id, self.recipient_person_id]
        if sum(1 for ref in named if ref) != 1:
            raise ValidationError(
                {
                    "recipient_person": _(
                        "Chọn đúng một người nhận: một cơ quan, một đơn vị hoặc một cá nhân."
                    )
                }
            )
        if not self.issuer_text and not self.issuer_agency_id:
            raise ValidationError({"issuer_text": _("Cho biết cấp khen thưởng.")})

    def get_absolute_url(self) -> str:
        return reverse("evaluation:overview", args=[self.exercise_id])
