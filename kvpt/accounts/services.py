"""Writes about users, their grants, API tokens and second factors; each records the actor.

The grant rules live here so the UI and the API cannot disagree:
- the actor needs "accounts.manage_memberships" on the target area or exercise (org admins: their
  subtree; system admins and superusers: where they hold it);
- only a system admin on the target (or a superuser) may grant the system admin role;
- nobody gives a user a clearance above their own (superusers excepted).
Views resolve the target through the actor's selectors first, so a target outside scope is a 404
before it ever reaches these checks (which then only say 403).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kvpt.accounts.models import ApiToken, Membership, Role, User
from kvpt.core.permissions import roles_on
from kvpt.core.scope import forget_scope
from kvpt.core.services import (
    create_versioned,
    delete_recorded,
    normalise_fields,
    save_versioned,
    set_actor,
)

BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Ứng dụng xác thực"
STATIC_DEVICE_NAME = "Mã dự phòng"

# --- Grant rules ---------------------------------------------------------------------------------


def can_manage_target(actor: Any, target: Any) -> bool:
    """May `actor` grant or revoke roles on this area or exercise?"""
    return bool(target is not None and actor.has_perm("accounts.manage_memberships", target))


def can_grant_role(actor: Any, role: str, target: Any) -> bool:
    if not can_manage_target(actor, target):
        return False
    if role == Role.SYSTEM_ADMIN:
        return bool(getattr(actor, "is_superuser", False)) or (
            Role.SYSTEM_ADMIN in roles_on(actor, target)
        )
    return True


def grantable_roles(actor: Any) -> list[tuple[str, Any]]:
    """Role choices a form offers the actor (system admin only to those who hold it)."""
    from kvpt.core.scope import get_scope

    scope = get_scope(actor)
    holds_system_admin = scope.is_superuser or any(
        Role.SYSTEM_ADMIN in roles for roles in scope.area_roles.values()
    )
    return [
        (value, label)
        for value, label in Role.choices
        if value != Role.SYSTEM_ADMIN or holds_system_admin
    ]


def max_clearance_for(actor: Any) -> int:
    from kvpt.core.models import Classification

    if getattr(actor, "is_superuser", False):
        return int(Classification.TOP_SECRET)
    return int(getattr(actor, "clearance", 0) or 0)


def _check_grant(actor: Any, membership: Membership) -> None:
    target = membership.exercise if membership.exercise_id else membership.area
    if not can_manage_target(actor, target):
        raise PermissionDenied(_("Bạn không có quyền phân quyền trên phạm vi này."))
    if not can_grant_role(actor, membership.role, target):
        raise PermissionDenied(_("Chỉ quản trị hệ thống mới được cấp vai trò quản trị hệ thống."))


def _forget(user: Any) -> None:
    forget_scope(user)


# --- Memberships ---------------------------------------------------------------------------------


def membership_grant(
    *,
    user: User,
    role: str,
    area: Any = None,
    exercise: Any = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    note: str = "",
    actor: Any,
) -> Membership:
    """Give `user` a role on an area subtree or on one exercise."""
    membership = Membership(
        user=user,
        role=role,
        area=area,
        exercise=exercise,
        valid_from=valid_from,
        valid_to=valid_to,
        note=note,
    )
    _check_grant(actor, membership)
    with transaction.atomic():
        create_versioned(membership, actor=actor)
    _forget(user)
    return membership


_UPDATABLE = frozenset({"role", "area", "exercise", "valid_from", "valid_to", "note"})


def membership_update(
    *,
    membership: Membership,
    expected_version: int | None,
    actor: Any,
    **changes: Any,
) -> Membership:
    """Change a grant; the actor must manage both the old and the new target."""
    unknown = set(changes) - _UPDATABLE
    if unknown:
        raise ValueError(f"membership_update: unknown fields {sorted(unknown)}")
    _check_grant(actor, membership)
    for name, value in changes.items():
        setattr(membership, name, value)
    if "area" in changes and changes["area"] is not None and "exercise" not in changes:
        membership.exercise = None
    if "exercise" in changes and changes["exercise"] is not None and "area" not in changes:
        membership.area = None
    _check_grant(actor, membership)
    save_versioned(membership, expected_version=expected_version, actor=actor)
    _forget(membership.user)
    return membership


def membership_revoke(*, membership: Membership, actor: Any) -> None:
    """Remove a grant (its history stays)."""
    _check_grant(actor, membership)
    user = membership.user
    with transaction.atomic():
        delete_recorded(membership, actor=actor)
    _forget(user)


# --- Users ---------------------------------------------------------------------------------------


def user_create(
    *,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    clearance: int = 0,
    person: Any = None,
    role: str,
    area: Any,
    actor: Any,
) -> User:
    """An admin creates a login in their area with a first role there.

    The clearance given may not exceed the admin's own.
    """
    if int(clearance) > max_clearance_for(actor):
        raise PermissionDenied(_("Không thể cấp mức tiếp cận bí mật cao hơn mức của chính bạn."))
    probe = Membership(role=role, area=area)
    _check_grant(actor, probe)
    with transaction.atomic():
        user = User(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=email,
            clearance=clearance,
            person=person,
        )
        normalise_fields(user)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        set_actor(user, actor)
        user.save()
        membership_grant(user=user, role=role, area=area, actor=actor)
    return user


def user_set_clearance(*, user: User, clearance: int, actor: Any) -> User:
    if int(clearance) > max_clearance_for(actor):
        raise PermissionDenied(_("Không thể cấp mức tiếp cận bí mật cao hơn mức của chính bạn."))
    user.clearance = clearance
    set_actor(user, actor)
    user.save(update_fields=["clearance"])
    _forget(user)
    return user


# --- API tokens ----------------------------------------------------------------------------------


def token_create(
    *, user: User, name: str, expires_at: dt.datetime | None = None, actor: Any
) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it and the raw key, which is never stored nor shown again."""
    if actor is None or getattr(actor, "pk", None) != user.pk:
        raise PermissionDenied(_("Chỉ chủ tài khoản mới tạo được khóa API của mình."))
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("Thời điểm hết hạn phải ở tương lai.")})
    raw, prefix, digest = ApiToken.generate()
    token = ApiToken(
        user=user, name=name, key_prefix=prefix, key_hash=digest, expires_at=expires_at
    )
    normalise_fields(token)
    token.full_clean(exclude=["key_prefix", "key_hash"])
    set_actor(token, actor)
    token.save()
    return token, raw


def token_revoke(*, token: ApiToken, actor: Any) -> ApiToken:
    """Revoke a token at once; calls with it answer 401 from now on."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        set_actor(token, actor)
        token.save(update_fields=["revoked_at", "updated_at"])
    return token


# --- Second factor (TOTP + static backup codes) --------------------------------------------------


def has_confirmed_device(user: Any) -> bool:
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or StaticDevice.objects.filter(user=user, confirmed=True, token_set__isnull=False).exists()
    )


def totp_enrolment_device(user: User) -> TOTPDevice:
    """The user's pending TOTP device, made on the first visit and kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm a pending device with a code from the app; returns fresh backup codes.

    Earlier TOTP devices are removed: one authenticator app per user keeps recovery simple.
    """
    if device.user_id != user.pk or device.confirmed:
        raise ValidationError(_("Thiết bị không hợp lệ; hãy tải lại trang."))
    if not device.verify_token((code or "").strip().replace(" ", "")):
        raise ValidationError(
            {"code": _("Mã không đúng hoặc đã hết hạn. Hãy nhập mã đang hiện trên ứng dụng.")}
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = backup_codes_regenerate(user=user)
    return codes


def backup_codes_regenerate(*, user: User) -> list[str]:
    """Replace every backup code with ten new single-use ones."""
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name=STATIC_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _i in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def two_factor_disable(*, user: User) -> None:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
