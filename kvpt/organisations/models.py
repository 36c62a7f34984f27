"""Areas, agencies, units and people: the four things domain.md §2 keeps apart."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kvpt.core.models import ClassifiedModel, VersionedModel
from kvpt.core.text import fold

CODE_HELP = _("Mã ổn định, dùng để đối chiếu bản ghi giữa các hệ thống.")


def search_field() -> models.CharField:
    """The folded copy of a row's searchable text (conventions.md: accent-insensitive search)."""
    return models.CharField(max_length=600, editable=False, default="", db_index=True)


def folded(*parts: str | None) -> str:
    return fold(" ".join(p for p in parts if p))[:600]


class AreaLevel(VersionedModel):
    """A level of the administrative tree (tỉnh, huyện, xã ...): data, never code."""

    code = models.SlugField(_("mã"), max_length=32, unique=True, help_text=CODE_HELP)
    name = models.CharField(_("tên cấp"), max_length=100)
    rank = models.PositiveSmallIntegerField(
        _("thứ bậc"), help_text=_("1 là cấp cao nhất; số lớn hơn là cấp dưới.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cấp hành chính")
        verbose_name_plural = _("cấp hành chính")
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name


class Area(VersionedModel):
    """A locality (địa bàn) with its official code, validity and place in the tree.

    `path` is a materialised path of ids ("/1/7/42/") so a subtree is one indexed prefix query.
    """

    code = models.CharField(_("mã"), max_length=32, unique=True, help_text=CODE_HELP)
    name = models.CharField(_("tên"), max_length=200)
    level = models.ForeignKey(
        AreaLevel, on_delete=models.PROTECT, related_name="areas", verbose_name=_("cấp")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("trực thuộc"),
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    require_two_factor = models.BooleanField(
        _("bắt buộc xác thực hai lớp"),
        default=False,
        help_text=_("Quản trị viên và lãnh đạo Ban Chỉ đạo của địa bàn này phải dùng mã OTP."),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    search_text = search_field()
    history = HistoricalRecords(excluded_fields=["path", "depth", "search_text"])

    class Meta:
        verbose_name = _("địa bàn")
        verbose_name_plural = _("địa bàn")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="area_validity_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError(
                {"valid_to": _("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")}
            )
        if self.parent_id and self.pk:
            parent = Area.objects.filter(pk=self.parent_id).values_list("path", flat=True).first()
            if parent and f"/{self.pk}/" in parent:
                raise ValidationError(
                    {"parent": _("Không thể đặt một địa bàn trực thuộc chính nó.")}
                )

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    @property
    def is_current(self) -> bool:
        return self.valid_to is None or self.valid_to >= dt.date.today()

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def scope_key(self) -> tuple[str, int | None]:
        return self.path, None

    def get_absolute_url(self) -> str:
        return reverse("organisations:area_detail", args=[self.pk])

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_text = folded(self.code, self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        self._refresh_path()

    def _refresh_path(self) -> None:
        """Keep `path` = parent's path + own id; a move rewrites the whole subtree's prefix."""
        parent_path = (
            Area.objects.filter(pk=self.parent_id).values_list("path", flat=True).first()
            if self.parent_id
            else None
        )
        new_path = f"{parent_path or '/'}{self.pk}/"
        if new_path == self.path:
            return
        old_path = self.path
        self.path, self.depth = new_path, new_path.count("/") - 2
        Area.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
        if old_path:
            moved = list(Area.objects.filter(path__startswith=old_path).exclude(pk=self.pk))
            for area in moved:
                area.path = new_path + area.path[len(old_path) :]
                area.depth = area.path.count("/") - 2
            Area.objects.bulk_update(moved, ["path", "depth"])


class AreaSuccession(VersionedModel):
    """A predecessor area whose territory passed (wholly or partly) to a successor on a date."""

    predecessor = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="successions_out", verbose_name=_("địa bàn cũ")
    )
    successor = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="successions_in", verbose_name=_("địa bàn mới")
    )
    effective_on = models.DateField(_("ngày hiệu lực"))
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kế thừa địa bàn")
        verbose_name_plural = _("kế thừa địa bàn")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="area_succession_unique"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="area_succession_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"

    def scope_key(self) -> tuple[str, int | None]:
        return self.successor.path, None


class AgencyKind(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", _("Cấp ủy Đảng")
    PEOPLES_COUNCIL = "peoples_council", _("Hội đồng nhân dân")
    PEOPLES_COMMITTEE = "peoples_committee", _("Ủy ban nhân dân")
    MILITARY_COMMAND = "military_command", _("Cơ quan quân sự")
    POLICE = "police", _("Công an")
    DEPARTMENT = "department", _("Ban, ngành")
    MASS_ORGANISATION = "mass_organisation", _("Mặt trận, đoàn thể")
    REGIONAL_DEFENCE = "regional_defence", _("Ban Chỉ huy Phòng thủ khu vực")
    STEERING_COMMITTEE = "steering_committee", _("Ban Chỉ đạo")
    HIGHER_ECHELON = "higher_echelon", _("Cấp trên (quân khu, ...)")
    OTHER = "other", _("Khác")


class Agency(VersionedModel, ClassifiedModel):
    """A body that acts in an area (Huyện ủy, UBND, Ban CHQS, Công an, PTKV ...)."""

    code = models.CharField(_("mã"), max_length=64, unique=True, help_text=CODE_HELP)
    name = models.CharField(_("tên"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=64, blank=True)
    kind = models.CharField(_("loại"), max_length=32, choices=AgencyKind.choices)
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="agencies", verbose_name=_("địa bàn")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("cơ quan cấp trên"),
    )
    covered_areas = models.ManyToManyField(
        Area,
        blank=True,
        related_name="covering_agencies",
        verbose_name=_("địa bàn phụ trách"),
        help_text=_("Ví dụ: các xã do một Ban Chỉ huy PTKV phụ trách."),
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    search_text = search_field()
    history = HistoricalRecords(m2m_fields=[covered_areas], excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("cơ quan, tổ chức")
        verbose_name_plural = _("cơ quan, tổ chức")
        ordering = ["area__path", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError(
                {"valid_to": _("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")}
            )
        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": _("Một cơ quan không thể trực thuộc chính nó.")})

    def scope_key(self) -> tuple[str, int | None]:
        return self.area.path, None

    @property
    def is_current(self) -> bool:
        return self.valid_to is None or self.valid_to >= dt.date.today()

    def get_absolute_url(self) -> str:
        return reverse("organisations:agency_detail", args=[self.pk])

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_text = folded(self.code, self.name, self.short_name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class UnitKind(models.TextChoices):
    RESERVE = "reserve", _("Dự bị động viên")
    MILITIA = "militia", _("Dân quân tự vệ")
    MOBILE_MILITIA = "mobile_militia", _("Dân quân cơ động")
    INFANTRY = "infantry", _("Bộ binh")
    POLICE = "police", _("Công an")
    OTHER = "other", _("Khác")


class Unit(VersionedModel, ClassifiedModel):
    """A formation that is mobilised; its strength may be known or only its size ("1 trung đội")."""

    code = models.CharField(_("mã"), max_length=64, unique=True, help_text=CODE_HELP)
    name = models.CharField(_("tên"), max_length=255)
    kind = models.CharField(_("loại lực lượng"), max_length=32, choices=UnitKind.choices)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="units", verbose_name=_("cơ quan quản lý")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("đơn vị cấp trên"),
    )
    size_label = models.CharField(
        _("quy mô"), max_length=64, blank=True, help_text=_('Ví dụ: "1 trung đội", "1 đại đội".')
    )
    strength = models.PositiveIntegerField(_("quân số"), null=True, blank=True)
    search_text = search_field()
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("đơn vị, lực lượng")
        verbose_name_plural = _("đơn vị, lực lượng")
        ordering = ["agency__area__path", "name"]

    def __str__(self) -> str:
        return self.name

    def scope_key(self) -> tuple[str, int | None]:
        return self.agency.area.path, None

    def clean(self) -> None:
        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": _("Một đơn vị không thể trực thuộc chính nó.")})

    @property
    def size_display(self) -> str:
        """What a force table prints: the known strength, else the formation's size."""
        if self.strength is not None:
            return str(_("%(n)s người") % {"n": self.strength})
        return self.size_label

    def get_absolute_url(self) -> str:
        return reverse("organisations:unit_detail", args=[self.pk])

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_text = folded(self.code, self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Person(VersionedModel, ClassifiedModel):
    """A person in the directory of an area; may hold several positions at once."""

    code = models.CharField(_("mã"), max_length=64, unique=True, help_text=CODE_HELP)
    full_name = models.CharField(_("họ và tên"), max_length=200)
    rank = models.CharField(_("cấp bậc"), max_length=64, blank=True)
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name=_("thuộc địa bàn"),
        help_text=_("Địa bàn quản lý hồ sơ người này."),
    )
    phone = models.CharField(_("điện thoại"), max_length=32, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    search_text = search_field()
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("cán bộ, cá nhân")
        verbose_name_plural = _("cán bộ, cá nhân")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    def scope_key(self) -> tuple[str, int | None]:
        return self.area.path, None

    def get_absolute_url(self) -> str:
        return reverse("organisations:person_detail", args=[self.pk])

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_text = folded(self.code, self.full_name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def positions_label(self) -> str:
        """ "Bí thư Huyện ủy, Chủ tịch HĐND huyện": the way documents write a person's titles."""
        return self.positions_label_on(dt.date.today())

    def positions_label_on(self, day: dt.date) -> str:
        """The titles held on `day`: a 2023 report names the 2023 titles, not today's."""
        return ", ".join(p.title for p in self.positions.all() if p.held_on(day))


class Position(VersionedModel):
    """A title a person holds in an agency over a period."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="positions", verbose_name=_("cán bộ")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="positions", verbose_name=_("cơ quan")
    )
    title = models.CharField(_("chức vụ"), max_length=200)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    start = models.DateField(_("từ ngày"), null=True, blank=True)
    end = models.DateField(_("đến ngày"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chức vụ")
        verbose_name_plural = _("chức vụ")
        ordering = ["person", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.person})"

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("Ngày kết thúc phải sau ngày bắt đầu.")})

    def scope_key(self) -> tuple[str, int | None]:
        return self.person.area.path, None

    @property
    def is_current(self) -> bool:
        return self.held_on(dt.date.today())

    def held_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)
