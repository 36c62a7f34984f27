"""Users, their roles (memberships) on an area subtree or one exercise, and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kvpt.core.models import Classification, TimeStampedModel, VersionedModel


class Role(models.TextChoices):
    """Roles of domain.md §7. What each may do is decided in kvpt/accounts/rules.py."""

    SYSTEM_ADMIN = "system_admin", _("Quản trị hệ thống")
    ORG_ADMIN = "org_admin", _("Quản trị đơn vị")
    STEERING_LEADER = "steering_leader", _("Lãnh đạo Ban Chỉ đạo")
    STAFF_PLANNER = "staff_planner", _("Cán bộ tham mưu")
    SUBCOMMITTEE_MEMBER = "subcommittee_member", _("Thành viên tiểu ban")
    UNIT_COMMANDER = "unit_commander", _("Chỉ huy đơn vị")
    DIRECTOR = "director", _("Đạo diễn / điều hành")
    EVALUATOR = "evaluator", _("Đánh giá, chấm điểm")
    OBSERVER = "observer", _("Quan sát (chỉ đọc)")


# Roles whose holders must use TOTP where their area turns two-factor on.
TWO_FACTOR_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.ORG_ADMIN, Role.STEERING_LEADER})


class User(AbstractUser):
    """A login, linked to a person in the directory, with a state-secret clearance."""

    person = models.OneToOneField(
        "organisations.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="user",
        verbose_name=_("cán bộ"),
    )
    clearance = models.PositiveSmallIntegerField(
        _("mức được tiếp cận bí mật"),
        choices=Classification.choices,
        default=Classification.UNCLASSIFIED,
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"], user_related_name="+")

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username


class Membership(VersionedModel):
    """A role granted to a user on an area subtree or on one exercise, for a period."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("người dùng")
    )
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)
    area = models.ForeignKey(
        "organisations.Area",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("địa bàn"),
        help_text=_("Vai trò áp dụng cho địa bàn này và mọi địa bàn cấp dưới."),
    )
    exercise = models.ForeignKey(
        "exercises.Exercise",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("cuộc diễn tập"),
    )
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        ordering = ["user__username", "role"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(area__isnull=False) & Q(exercise__isnull=True))
                | (Q(area__isnull=True) & Q(exercise__isnull=False)),
                name="membership_area_xor_exercise",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "area"],
                condition=Q(area__isnull=False),
                name="membership_unique_area_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "exercise"],
                condition=Q(exercise__isnull=False),
                name="membership_unique_exercise_role",
            ),
        ]

    def __str__(self) -> str:
        target = self.area or self.exercise
        return f"{self.user}: {self.get_role_display()} @ {target}"

    def clean(self) -> None:
        if bool(self.area_id) == bool(self.exercise_id):
            raise ValidationError(_("Chọn đúng một phạm vi: một địa bàn hoặc một cuộc diễn tập."))
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("Ngày kết thúc phải sau ngày bắt đầu.")})

    def scope_key(self) -> tuple[str, int | None]:
        if self.exercise_id is not None and self.exercise is not None:
            return self.exercise.area.path, self.exercise_id
        return self.area.path if self.area else "", None

    def is_active_on(self, day: dt.date | None = None) -> bool:
        today = day or timezone.localdate()
        return (self.valid_from is None or self.valid_from <= today) and (
            self.valid_to is None or today <= self.valid_to
        )


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(TimeStampedModel):
    """A per-user API key; only its hash is stored, the key is shown once when made."""

    PREFIX = "kvpt_"

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("người dùng")
    )
    name = models.CharField(_("tên gợi nhớ"), max_length=100)
    key_prefix = models.CharField(max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["last_used_at", "key_hash"])

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @classmethod
    def generate(cls) -> tuple[str, str, str]:
        """A new raw key, its display prefix and its hash."""
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        return raw, raw[:12], _hash_token(raw)

    @staticmethod
    def hash(raw: str) -> str:
        return _hash_token(raw)

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
