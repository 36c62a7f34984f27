"""Forces of an exercise: who is mobilised (units, people, vehicles, equipment) and what they
were issued (weapons and equipment accountability).

Counting rule (domain.md §4): a unit is mobilised ONCE per exercise. `ForceAllocation` is the
unit x exercise row that holds the unit's personnel, vehicles and equipment; the forces
(lực lượng) it serves are a many-to-many link. The seed's 264 people served martial law AND
situation A2: their allocations are linked to one force (or to two forces) and the exercise's
totals add each allocation once, however many forces name it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kvpt.core.models import ExerciseOwned, IllustrativeModel, VersionedModel
from kvpt.core.text import fold


class ExerciseRecord(VersionedModel, ExerciseOwned):
    """Base of a record of one exercise: its scope is the exercise's."""

    class Meta:
        abstract = True

    def scope_key(self) -> tuple[str, int | None]:
        exercise: Any = self.exercise  # type: ignore[attr-defined]
        return exercise.area.path, exercise.pk


class Force(ExerciseRecord):
    """A force (lực lượng) taking part in one or several situations of an exercise."""

    exercise = models.ForeignKey(
        "exercises.Exercise",
        on_delete=models.CASCADE,
        related_name="forces",
        verbose_name=_("diễn tập"),
    )
    code = models.CharField(_("mã"), max_length=40)
    name = models.CharField(_("tên lực lượng"), max_length=300)
    # Situation codes ("TQL", "A2"): free labels until the scenario app links situations.
    situations = models.JSONField(_("tình huống"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    notes = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lực lượng")
        verbose_name_plural = _("lực lượng")
        ordering = ["exercise", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "code"], name="force_code_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not isinstance(self.situations, list) or not all(
            isinstance(s, str) for s in self.situations
        ):
            raise ValidationError({"situations": _("Danh sách mã tình huống không hợp lệ.")})

    @property
    def situations_label(self) -> str:
        return ", ".join(self.situations or [])

    def get_absolute_url(self) -> str:
        return reverse("forces:mobilisation", args=[self.exercise_id])


class ForceAllocation(ExerciseRecord, IllustrativeModel):
    """One unit mobilised for an exercise (once), the forces it serves, its personnel."""

    exercise = models.ForeignKey(
        "exercises.Exercise",
        on_delete=models.CASCADE,
        related_name="force_allocations",
        verbose_name=_("diễn tập"),
    )
    unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.PROTECT,
        related_name="force_allocations",
        verbose_name=_("đơn vị"),
    )
    forces = models.ManyToManyField(
        Force, blank=True, related_name="allocations", verbose_name=_("thuộc lực lượng")
    )
    planned_personnel = models.PositiveIntegerField(_("quân số kế hoạch"), null=True, blank=True)
    actual_personnel = models.PositiveIntegerField(_("quân số thực tế"), null=True, blank=True)
    size_label = models.CharField(
        _("quy mô"),
        max_length=64,
        blank=True,
        help_text=_('Khi chưa biết quân số: ví dụ "1 trung đội".'),
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords(m2m_fields=[forces])

    class Meta:
        verbose_name = _("đơn vị huy động")
        verbose_name_plural = _("đơn vị huy động")
        ordering = ["exercise", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "unit"], name="force_allocation_unit_once")
        ]

    def __str__(self) -> str:
        return str(self.unit)

    def get_absolute_url(self) -> str:
        return reverse("forces:mobilisation", args=[self.exercise_id])


class VehicleAllocation(VersionedModel, ExerciseOwned):
    """Vehicles of one kind ("ô tô") that a mobilised unit brings."""

    allocation = models.ForeignKey(
        ForceAllocation,
        on_delete=models.CASCADE,
        related_name="vehicles",
        verbose_name=_("đơn vị huy động"),
    )
    kind = models.CharField(_("loại phương tiện"), max_length=80)
    planned = models.PositiveIntegerField(_("kế hoạch"), null=True, blank=True)
    actual = models.PositiveIntegerField(_("thực tế"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phương tiện huy động")
        verbose_name_plural = _("phương tiện huy động")
        ordering = ["allocation", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["allocation", "kind"], name="vehicle_kind_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.allocation})"

    def owning_exercise_id(self) -> int | None:
        return self.allocation.exercise_id

    def scope_key(self) -> tuple[str, int | None]:
        return self.allocation.scope_key()


class EquipmentAllocation(VersionedModel, ExerciseOwned):
    """Equipment a mobilised unit brings (radios, tents ...), by item."""

    allocation = models.ForeignKey(
        ForceAllocation,
        on_delete=models.CASCADE,
        related_name="equipment",
        verbose_name=_("đơn vị huy động"),
    )
    item = models.CharField(_("trang bị"), max_length=120)
    quantity = models.PositiveIntegerField(_("số lượng"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("trang bị huy động")
        verbose_name_plural = _("trang bị huy động")
        ordering = ["allocation", "item"]
        constraints = [
            models.UniqueConstraint(fields=["allocation", "item"], name="equipment_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.item} ({self.allocation})"

    def owning_exercise_id(self) -> int | None:
        return self.allocation.exercise_id

    def scope_key(self) -> tuple[str, int | None]:
        return self.allocation.scope_key()


class ReserveStatus(models.TextChoices):
    RESERVIST = "reservist", _("Quân nhân dự bị")
    MILITIA = "militia", _("Dân quân")
    STANDING = "standing", _("Thường trực")
    POLICE = "police", _("Công an")
    OTHER = "other", _("Khác")


class RosterEntry(ExerciseRecord):
    """One person taking part in an exercise, with the unit, role and attendance."""

    exercise = models.ForeignKey(
        "exercises.Exercise",
        on_delete=models.CASCADE,
        related_name="roster_entries",
        verbose_name=_("diễn tập"),
    )
    unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.PROTECT,
        related_name="roster_entries",
        verbose_name=_("đơn vị"),
    )
    person_code = models.CharField(_("mã cán bộ"), max_length=64, blank=True)
    full_name = models.CharField(_("họ và tên"), max_length=200)
    rank = models.CharField(_("cấp bậc"), max_length=64, blank=True)
    role = models.CharField(_("nhiệm vụ trong diễn tập"), max_length=200, blank=True)
    reserve_status = models.CharField(
        _("diện"), max_length=16, choices=ReserveStatus.choices, default=ReserveStatus.OTHER
    )
    phone = models.CharField(_("số điện thoại"), max_length=32, blank=True)
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    attended = models.BooleanField(_("có mặt"), default=False)
    checked_in_at = models.DateTimeField(_("điểm danh lúc"), null=True, blank=True)
    search_text = models.CharField(max_length=400, editable=False, default="", db_index=True)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("người trong danh sách")
        verbose_name_plural = _("danh sách quân số")
        ordering = ["exercise", "unit", "full_name", "pk"]
        indexes = [models.Index(fields=["exercise", "unit", "attended"])]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "person_code"],
                condition=~Q(person_code=""),
                name="roster_person_code_once",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = make_search_text(self)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("forces:roster", args=[self.exercise_id])


def make_search_text(entry: RosterEntry) -> str:
    return fold(" ".join(p for p in (entry.full_name, entry.person_code, entry.phone) if p))[:400]


class WeaponIssue(ExerciseRecord, IllustrativeModel):
    """Weapons or equipment of one item issued to a unit, and what came back."""

    exercise = models.ForeignKey(
        "exercises.Exercise",
        on_delete=models.CASCADE,
        related_name="weapon_issues",
        verbose_name=_("diễn tập"),
    )
    unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.PROTECT,
        related_name="weapon_issues",
        verbose_name=_("đơn vị"),
    )
    item = models.CharField(_("vũ khí, trang bị"), max_length=120)
    serial = models.CharField(_("số hiệu"), max_length=80, blank=True)
    quantity_issued = models.PositiveIntegerField(_("số cấp phát"))
    quantity_returned = models.PositiveIntegerField(_("số đã thu hồi"), default=0)
    quantity_lost = models.PositiveIntegerField(_("số mất"), default=0)
    quantity_damaged = models.PositiveIntegerField(_("số hư hỏng"), default=0)
    issued_on = models.DateField(_("ngày cấp"), null=True, blank=True)
    returned_on = models.DateField(_("ngày thu hồi"), null=True, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cấp phát vũ khí, trang bị")
        verbose_name_plural = _("cấp phát vũ khí, trang bị")
        ordering = ["exercise", "unit", "item", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    quantity_issued__gte=F("quantity_returned")
                    + F("quantity_lost")
                    + F("quantity_damaged")
                ),
                name="weapon_issue_accounted_le_issued",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} - {self.unit}"

    @property
    def outstanding(self) -> int:
        return self.quantity_issued - self.accounted

    @property
    def accounted(self) -> int:
        return self.quantity_returned + self.quantity_lost + self.quantity_damaged

    def clean(self) -> None:
        if self.accounted > (self.quantity_issued or 0):
            raise ValidationError(
                _("Số thu hồi + mất + hư hỏng (%(n)s) không được lớn hơn số cấp phát (%(issued)s).")
                % {"n": self.accounted, "issued": self.quantity_issued}
            )
        if self.issued_on and self.returned_on and self.returned_on < self.issued_on:
            raise ValidationError({"returned_on": _("Ngày thu hồi phải sau ngày cấp.")})

    def get_absolute_url(self) -> str:
        return reverse("forces:weapons", args=[self.exercise_id])
