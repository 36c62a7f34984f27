"""API endpoints of the accounts app (mounted by config/api.py at /api/v1/).

Two-factor and tokens: a session whose user must use TOTP is refused by the middleware until it is
verified, so a token can only be created from a verified session; creating a token with a bearer
token is refused for such users, so a token cannot be used to mint more tokens around that rule.
"""

# No `from __future__ import annotations` here: ninja resolves `Query[...]` parameters at import.

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from kvpt.accounts import services
from kvpt.accounts.middleware import is_bearer_request
from kvpt.accounts.models import ApiToken, Membership, User
from kvpt.accounts.schemas import (
    MembershipFilters,
    MembershipIn,
    MembershipOut,
    MembershipPatch,
    MeOut,
    PasswordIn,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
    UserDetailOut,
    UserOut,
    UserPatch,
)
from kvpt.accounts.selectors import (
    active_token_count,
    manages_memberships_somewhere,
    membership_list,
    token_list,
    two_factor_required,
    user_list,
    user_memberships,
)
from kvpt.core.api import ErrorOut, PagePagination
from kvpt.core.api_crud import UPDATE_ERRORS, WRITE_ERRORS, reference
from kvpt.core.permissions import require_perm
from kvpt.core.scope import get_visible_or_404

router = Router(tags=["accounts"])

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _actor(request: HttpRequest) -> Any:
    return getattr(request, "auth", None) or request.user


# --- me ------------------------------------------------------------------------------------------


@router.get("/me", response={200: MeOut, 401: ErrorOut}, summary="Tài khoản đang gọi API")
def me(request: HttpRequest) -> Any:
    user = _actor(request)
    memberships = list(
        Membership.objects.filter(user_id=user.pk)
        .select_related("area", "exercise")
        .order_by("role", "pk")
    )
    person = user.person if user.person_id else None
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.get_full_name(),
        "email": user.email,
        "clearance": user.clearance,
        "clearance_label": str(user.get_clearance_display()),
        "is_superuser": user.is_superuser,
        "person": person,
        "memberships": memberships,
        "two_factor_required": two_factor_required(user),
    }


# --- tokens --------------------------------------------------------------------------------------


@router.get("/tokens", response={200: list[TokenOut], 401: ErrorOut}, summary="Khóa API của tôi")
def tokens_list(request: HttpRequest) -> Any:
    return list(token_list(_actor(request)))


@router.post(
    "/tokens",
    response={201: TokenCreatedOut, **ERRORS},
    summary="Tạo khóa API (khóa đầy đủ chỉ trả về một lần)",
)
def tokens_create(request: HttpRequest, payload: TokenIn) -> Any:
    user = _actor(request)
    if is_bearer_request(request) and two_factor_required(user):
        return JsonResponse(
            {
                "detail": _(
                    "Vai trò của bạn bắt buộc xác thực hai lớp: chỉ tạo được khóa API từ phiên "
                    "đăng nhập đã nhập mã OTP, không tạo bằng một khóa API khác."
                ),
                "code": "two_factor_required",
                "errors": [],
            },
            status=403,
        )
    verified = getattr(user, "is_verified", None)
    token, raw = services.token_create(
        user=user,
        name=payload.name,
        expires_at=payload.expires_at,
        # Only a session carries the second factor; a bearer call never does.
        with_otp=not is_bearer_request(request) and bool(verified and verified()),
        actor=user,
    )
    body = TokenOut.from_orm(token).dict()
    body["key"] = raw
    return Status(201, body)


@router.delete("/tokens/{token_id}", response={204: None, **ERRORS}, summary="Thu hồi khóa API")
def tokens_revoke(request: HttpRequest, token_id: int) -> Any:
    user = _actor(request)
    token: ApiToken = get_object_or_404(token_list(user), pk=token_id)
    services.token_revoke(token=token, actor=user)
    return Status(204, None)


# --- memberships ---------------------------------------------------------------------------------


def _target(actor: Any, *, area: str | None, exercise: str | None) -> dict[str, Any]:
    """Resolve area / exercise codes through the actor's scope: unseen codes are a 404."""
    from kvpt.exercises.selectors import exercise_list
    from kvpt.organisations.selectors import area_list

    return {
        "area": get_visible_or_404(area_list(actor), code=area) if area else None,
        "exercise": get_visible_or_404(exercise_list(actor), code=exercise) if exercise else None,
    }


@router.get(
    "/memberships",
    response={200: list[MembershipOut], 401: ErrorOut},
    summary="Phân quyền trong phạm vi của tôi",
)
@paginate(PagePagination)
def memberships_list(
    request: HttpRequest, filters: Query[MembershipFilters]
) -> QuerySet[Membership]:
    actor = _actor(request)
    qs = membership_list(actor)
    if filters.user:
        qs = qs.filter(user__username__icontains=filters.user)
    if filters.role:
        qs = qs.filter(role=filters.role)
    if filters.area:
        from kvpt.organisations.selectors import area_list

        path = get_visible_or_404(area_list(actor), code=filters.area).path
        qs = qs.filter(Q(area__path__startswith=path) | Q(exercise__area__path__startswith=path))
    if filters.exercise:
        qs = qs.filter(exercise__code=filters.exercise)
    return qs.order_by("user__username", "role", "pk")


@router.post("/memberships", response={201: MembershipOut, **ERRORS}, summary="Phân quyền")
def memberships_create(request: HttpRequest, payload: MembershipIn) -> Any:
    actor = _actor(request)
    if not manages_memberships_somewhere(actor):
        raise PermissionDenied(_("Bạn không có quyền phân quyền."))
    user = get_visible_or_404(user_list(actor), username=payload.user)
    target = _target(actor, area=payload.area, exercise=payload.exercise)
    membership = services.membership_grant(
        user=user,
        role=payload.role,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        note=payload.note,
        actor=actor,
        **target,
    )
    return Status(201, membership)


@router.get("/memberships/{membership_id}", response={200: MembershipOut, **ERRORS})
def memberships_get(request: HttpRequest, membership_id: int) -> Any:
    return get_visible_or_404(membership_list(_actor(request)), pk=membership_id)


def _managed(actor: Any, membership_id: int) -> Membership:
    membership = get_visible_or_404(membership_list(actor), pk=membership_id)
    require_perm(actor, "accounts.manage_memberships", membership)
    return membership


@router.patch(
    "/memberships/{membership_id}", response={200: MembershipOut, 409: ErrorOut, **ERRORS}
)
def memberships_update(request: HttpRequest, membership_id: int, payload: MembershipPatch) -> Any:
    actor = _actor(request)
    membership = _managed(actor, membership_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    changes: dict[str, Any] = {}
    if "area" in data or "exercise" in data:
        target = _target(actor, area=data.pop("area", None), exercise=data.pop("exercise", None))
        changes.update({key: value for key, value in target.items() if value is not None})
    if data.get("note", "") is None:
        data["note"] = ""
    if data.get("role", "") is None:
        data.pop("role")
    changes.update(data)
    return services.membership_update(
        membership=membership, expected_version=version, actor=actor, **changes
    )


@router.delete("/memberships/{membership_id}", response={204: None, **ERRORS})
def memberships_delete(request: HttpRequest, membership_id: int) -> Any:
    actor = _actor(request)
    membership = _managed(actor, membership_id)
    services.membership_revoke(membership=membership, actor=actor)
    return Status(204, None)


# --- users ---------------------------------------------------------------------------------------


@router.get(
    "/users",
    response={200: list[UserOut], 401: ErrorOut, 403: ErrorOut},
    summary="Người dùng có phân quyền trong phạm vi của tôi (cho quản trị viên)",
)
@paginate(PagePagination)
def users_list(request: HttpRequest) -> QuerySet[User]:
    actor = _actor(request)
    if not manages_memberships_somewhere(actor):
        raise PermissionDenied(_("Chỉ quản trị viên mới xem được danh sách người dùng."))
    return user_list(actor)


def _viewable_user(actor: Any, user_id: int) -> User:
    target = get_visible_or_404(user_list(actor), pk=user_id)
    if not services.can_view_user(actor, target):
        raise PermissionDenied(_("Bạn không quản trị phân quyền nào của người dùng này."))
    return target


def _user_detail(actor: Any, target: User) -> dict[str, Any]:
    target = User.objects.select_related("person").get(pk=target.pk)
    return {
        **{
            name: getattr(target, name)
            for name in ("id", "username", "first_name", "last_name", "email", "clearance")
        },
        **{name: getattr(target, name) for name in ("is_active", "person_id", "version")},
        "full_name": target.get_full_name(),
        "clearance_label": str(target.get_clearance_display()),
        "person": target.person.code if target.person_id and target.person else None,
        "last_login": target.last_login,
        "memberships": user_memberships(actor, target),
        "active_tokens": active_token_count(target),
        "two_factor_enabled": services.has_confirmed_device(target),
        "two_factor_required": two_factor_required(target),
    }


@router.get(
    "/users/{user_id}",
    response={200: UserDetailOut, **ERRORS},
    summary="Một người dùng (cho quản trị viên của một vai trò của họ)",
)
def users_get(request: HttpRequest, user_id: int) -> Any:
    actor = _actor(request)
    return _user_detail(actor, _viewable_user(actor, user_id))


@router.patch(
    "/users/{user_id}",
    response={200: UserDetailOut, **UPDATE_ERRORS},
    summary="Sửa người dùng (họ tên, thư điện tử, cán bộ, mức tiếp cận, trạng thái)",
)
def users_update(request: HttpRequest, user_id: int, payload: UserPatch) -> Any:
    from kvpt.organisations.selectors import person_list

    actor = _actor(request)
    target = _viewable_user(actor, user_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    changes = {
        name: value
        for name, value in data.items()
        if name in {"first_name", "last_name", "email", "clearance", "is_active"}
    }
    for name in ("first_name", "last_name", "email"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    for name in ("clearance", "is_active"):
        if name in changes and changes[name] is None:
            changes.pop(name)
    if data.get("unlink_person"):
        changes["person"] = None
    else:
        changes |= reference(data, "person", person_list(actor), _("cán bộ"), current=target)
    updated = services.user_update(
        user=target, changes=changes, expected_version=version, actor=actor
    )
    return _user_detail(actor, updated)


@router.post(
    "/users/{user_id}/password",
    response={204: None, **WRITE_ERRORS},
    summary="Đặt mật khẩu mới cho người dùng (kết thúc mọi phiên của họ)",
)
def users_set_password(request: HttpRequest, user_id: int, payload: PasswordIn) -> Any:
    actor = _actor(request)
    target = _viewable_user(actor, user_id)
    services.user_set_password(user=target, password=payload.password, actor=actor)
    return Status(204, None)


@router.post(
    "/users/{user_id}/deactivate",
    response={200: UserDetailOut, **UPDATE_ERRORS},
    summary="Vô hiệu hóa người dùng (thu hồi khóa API, kết thúc mọi phiên)",
)
def users_deactivate(request: HttpRequest, user_id: int) -> Any:
    actor = _actor(request)
    target = _viewable_user(actor, user_id)
    updated = services.user_set_active(user=target, active=False, actor=actor)
    return _user_detail(actor, updated)


@router.post(
    "/users/{user_id}/activate",
    response={200: UserDetailOut, **UPDATE_ERRORS},
    summary="Kích hoạt lại người dùng",
)
def users_activate(request: HttpRequest, user_id: int) -> Any:
    actor = _actor(request)
    target = _viewable_user(actor, user_id)
    updated = services.user_set_active(user=target, active=True, actor=actor)
    return _user_detail(actor, updated)


@router.post(
    "/users/{user_id}/two-factor/reset",
    response={200: UserDetailOut, **WRITE_ERRORS},
    summary="Đặt lại xác thực hai lớp của người dùng (xóa thiết bị và mã dự phòng)",
)
def users_reset_two_factor(request: HttpRequest, user_id: int) -> Any:
    actor = _actor(request)
    target = _viewable_user(actor, user_id)
    updated = services.user_reset_two_factor(user=target, actor=actor)
    return _user_detail(actor, updated)
