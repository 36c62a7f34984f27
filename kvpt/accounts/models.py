"""Users, their roles (memberships) on an area subtree or one exercise, and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kvpt.core.models import Classification, TimeStampedModel, VersionedModel
from kvpt.core.text import fold


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
    # Rises with every edit made through kvpt.accounts.services, so a stale admin form is refused.
    # A field rather than the latest history record's id: logins, password resets and two-factor
    # resets also write history records, and must not make an open edit form look stale.
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    # Folded username and names, for accent-insensitive search ("duc" finds "Đức").
    search_text = models.CharField(max_length=500, blank=True, editable=False, db_index=True)
    history = HistoricalRecords(
        excluded_fields=["password", "last_login", "search_text"], user_related_name="+"
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username

    def get_absolute_url(self) -> str:
        return reverse("accounts:user_detail", args=[self.pk])

    def folded_text(self) -> str:
        return fold(" ".join([self.username, self.last_name, self.first_name, self.email]))

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Every save path (admin, createsuperuser, services) keeps the search copy current.
        self.search_text = self.folded_text()[:500]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & SEARCHED_USER_FIELDS:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        # A login writes only last_login, which history leaves out: no empty record per login.
        # (simple-history skips while the attribute exists, whatever its value.)
        skip = (
            update_fields is not None
            and set(update_fields) <= {"last_login"}
            and not hasattr(self, "skip_history_when_saving")
        )
        if skip:
            self.skip_history_when_saving = True
        try:
            super().save(*args, **kwargs)
        finally:
            if skip:
                del self.skip_history_when_saving


SEARCHED_USER_FIELDS = frozenset({"username", "first_name", "last_name", "email"})


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
    created_with_otp = models.BooleanField(
        _("tạo từ phiên đã xác thực hai lớp"),
        default=False,
        editable=False,
        help_text=_(
            "Khóa tạo khi chưa nhập mã OTP ngừng hoạt động khi vai trò của người dùng bắt buộc "
            "xác thực hai lớp."
        ),
    )
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
        """Not revoked, not expired, and not outrun by a two-factor rule made after it.

        A token made from a session that had not passed OTP stops working while its owner must use
        two-factor (Area.require_two_factor on a subtree where they hold a privileged role): it
        could otherwise stand in for the second factor. The bearer authentication calls this on
        every request (one query for such tokens, none for tokens made with OTP); lists of one
        user's tokens carry `owner_needs_otp` from kvpt.accounts.selectors.token_list instead.
        """
        now = timezone.now()
        if self.revoked_at is not None or (self.expires_at is not None and self.expires_at <= now):
            return False
        if self.created_with_otp:
            return True
        return not self.owner_needs_otp_now()

    def owner_needs_otp_now(self) -> bool:
        known = getattr(self, "owner_needs_otp", None)
        if known is not None:
            return bool(known)
        from kvpt.accounts.selectors import two_factor_required

        return two_factor_required(self.user)
