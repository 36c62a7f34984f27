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
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
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
    ConcurrentEditError,
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


# --- Managing a user (admins) ------------------------------------------------------------------
#
# Rules, checked by every service below (the views and the API resolve the user through
# selectors.user_list first, so a user outside the actor's scope is a 404 before this):
# - nobody manages their own account here (the profile pages are for that);
# - superusers are managed only by superusers;
# - the actor needs "accounts.manage_memberships" over at least one of the user's grants;
# - every grant the user holds must be one the actor manages, unless the actor is a superuser or a
#   system admin over one of them: a district admin must not deactivate a province user who also
#   holds a district role;
# - a user holding the system admin role is managed only by those who could grant it to them;
# - nobody sets a clearance above their own (keeping a higher one already held is allowed).

USER_FIELDS = ("first_name", "last_name", "email", "person", "clearance", "is_active")


def user_management_refusal(actor: Any, user: User) -> str | None:
    """Why `actor` may not manage `user`, or None when they may. Reads the user's grants once."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return str(_("Cần đăng nhập."))
    if actor.pk == user.pk:
        return str(_("Tài khoản của chính bạn được sửa ở trang “Tài khoản của tôi”."))
    if getattr(actor, "is_superuser", False):
        return None
    if user.is_superuser:
        return str(_("Chỉ siêu quản trị mới quản lý được tài khoản siêu quản trị."))
    grants = list(
        Membership.objects.filter(user_id=user.pk).select_related(
            "area", "exercise", "exercise__area"
        )
    )
    managed = [m for m in grants if actor.has_perm("accounts.manage_memberships", m)]
    if not managed:
        return str(_("Bạn không quản trị phân quyền nào của người dùng này."))
    system_admin = any(Role.SYSTEM_ADMIN in roles_on(actor, m) for m in grants)
    if len(managed) < len(grants) and not system_admin:
        return str(
            _(
                "Người dùng này còn có vai trò ngoài phạm vi bạn quản trị; chỉ quản trị cấp trên "
                "hoặc quản trị hệ thống mới quản lý được tài khoản này."
            )
        )
    for grant in grants:
        if grant.role == Role.SYSTEM_ADMIN and not can_grant_role(
            actor, Role.SYSTEM_ADMIN, grant.exercise if grant.exercise_id else grant.area
        ):
            return str(_("Chỉ quản trị hệ thống mới quản lý được tài khoản quản trị hệ thống."))
    return None


def can_view_user(actor: Any, user: User) -> bool:
    """May `actor` open the user's page (any grant of theirs the actor manages; superusers)?

    The caller has already found `user` through selectors.user_list(actor).
    """
    if getattr(actor, "is_superuser", False):
        return True
    grants = Membership.objects.filter(user_id=user.pk).select_related(
        "area", "exercise", "exercise__area"
    )
    return any(actor.has_perm("accounts.manage_memberships", m) for m in grants)


def can_manage_user(actor: Any, user: User) -> bool:
    return user_management_refusal(actor, user) is None


def require_manage_user(actor: Any, user: User) -> None:
    refusal = user_management_refusal(actor, user)
    if refusal is not None:
        raise PermissionDenied(refusal)


def _locked_user(user: User, *, expected_version: int | None, actor: Any) -> User:
    """The stored row, locked, once the actor may manage it and the version matches."""
    current = User.objects.select_for_update().filter(pk=user.pk).first()
    if current is None:
        raise ValidationError(_("Bản ghi này không còn tồn tại."), code="gone")
    require_manage_user(actor, current)
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentEditError(current, current.version)  # type: ignore[arg-type]
    return current


def _end_sessions(user_id: int) -> None:
    """Log the user out everywhere: delete their sessions (the database holds them all).

    Changing the password already invalidates them (Django checks a hash of it on every request)
    and an inactive user is refused by the auth backend; deleting the rows makes it immediate and
    independent of both. Sessions do not index their user, so this reads the unexpired ones.
    """
    stale = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id)
    ]
    Session.objects.filter(pk__in=stale).delete()


def _revoke_tokens(user: User, actor: Any) -> int:
    now = timezone.now()
    count = 0
    for token in ApiToken.objects.filter(user_id=user.pk, revoked_at__isnull=True):
        token.revoked_at = now
        set_actor(token, actor)
        token.save(update_fields=["revoked_at", "updated_at"])
        count += 1
    return count


def _check_clearance(actor: Any, old: int, new: int) -> None:
    if int(new) != int(old) and int(new) > max_clearance_for(actor):
        raise ValidationError(
            {"clearance": _("Không thể cấp mức tiếp cận bí mật cao hơn mức của chính bạn.")}
        )


def _check_person(actor: Any, user: User, person: Any) -> None:
    if person is None or person.pk == user.person_id:
        return
    from kvpt.organisations.selectors import person_list

    if not person_list(actor).filter(pk=person.pk).exists():
        raise ValidationError({"person": _("Không tìm thấy cán bộ này trong phạm vi của bạn.")})
    if User.objects.filter(person_id=person.pk).exclude(pk=user.pk).exists():
        raise ValidationError({"person": _("Cán bộ này đã gắn với một tài khoản khác.")})


def user_update(
    *, user: User, changes: Mapping[str, Any], expected_version: int | None, actor: Any
) -> User:
    """Change a user's names, e-mail, linked person, clearance or active state.

    Deactivating also revokes the user's API tokens and ends their sessions.
    """
    unknown = sorted(set(changes) - set(USER_FIELDS))
    if unknown:
        raise ValidationError({name: _("Trường này không sửa được ở đây.") for name in unknown})
    with transaction.atomic():
        current = _locked_user(user, expected_version=expected_version, actor=actor)
        if "clearance" in changes:
            _check_clearance(actor, current.clearance, changes["clearance"])
        if "person" in changes:
            _check_person(actor, current, changes["person"])
        was_active = current.is_active
        for name, value in changes.items():
            setattr(current, name, value)
        normalise_fields(current)
        current.full_clean(exclude=["password"], validate_unique=False)
        current.version += 1
        set_actor(current, actor)
        current.save()
        if was_active and not current.is_active:
            _revoke_tokens(current, actor)
            _end_sessions(current.pk)
    forget_scope(current)
    return current


def user_set_active(
    *, user: User, active: bool, expected_version: int | None = None, actor: Any
) -> User:
    """Activate or deactivate a login; deactivating revokes its tokens and ends its sessions."""
    return user_update(
        user=user, changes={"is_active": active}, expected_version=expected_version, actor=actor
    )


def user_set_password(*, user: User, password: str, actor: Any) -> User:
    """An admin sets a new password (Django's validators apply); the user is logged out."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    with transaction.atomic():
        current = _locked_user(user, expected_version=None, actor=actor)
        current.set_password(password)
        set_actor(current, actor)
        current._change_reason = _("Quản trị viên đặt mật khẩu mới")  # type: ignore[attr-defined]
        current.save(update_fields=["password"])
        _end_sessions(current.pk)
    return current


def user_reset_two_factor(*, user: User, actor: Any) -> User:
    """Remove the user's authenticator and backup codes (lost phone); they enrol again.

    The reset is recorded in the user's history, and their sessions end, since one of them may be
    the lost device's.
    """
    with transaction.atomic():
        current = _locked_user(user, expected_version=None, actor=actor)
        TOTPDevice.objects.filter(user=current).delete()
        StaticDevice.objects.filter(user=current).delete()
        set_actor(current, actor)
        current._change_reason = _("Quản trị viên đặt lại xác thực hai lớp")  # type: ignore[attr-defined]
        # A save of an unchanged field: the history record without touching the edit version.
        current.save(update_fields=["version"])
        _end_sessions(current.pk)
    return current


# --- API tokens ----------------------------------------------------------------------------------


def token_create(
    *,
    user: User,
    name: str,
    expires_at: dt.datetime | None = None,
    with_otp: bool = False,
    actor: Any,
) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it and the raw key, which is never stored nor shown again.

    `with_otp`: the request came from a session verified with a second factor. A token made
    without one stops working while its owner must use two-factor (ApiToken.is_active).
    """
    if actor is None or getattr(actor, "pk", None) != user.pk:
        raise PermissionDenied(_("Chỉ chủ tài khoản mới tạo được khóa API của mình."))
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("Thời điểm hết hạn phải ở tương lai.")})
    raw, prefix, digest = ApiToken.generate()
    token = ApiToken(
        user=user,
        name=name,
        key_prefix=prefix,
        key_hash=digest,
        expires_at=expires_at,
        created_with_otp=bool(with_otp),
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
