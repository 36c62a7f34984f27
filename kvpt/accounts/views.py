"""Account pages: login, profile, password, API tokens, two-factor, memberships and users."""

from __future__ import annotations

from base64 import b32encode
from typing import Any
from urllib.parse import urlencode

import django_otp
import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from kvpt.accounts import services
from kvpt.accounts.forms import (
    KvptPasswordChangeForm,
    LoginForm,
    MembershipFilterForm,
    MembershipForm,
    OtpCodeForm,
    TokenCreateForm,
    UserConfirmForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
    UserPasswordForm,
)
from kvpt.accounts.middleware import OTP_EXPECTED_SESSION_KEY
from kvpt.accounts.models import Membership, Role, User
from kvpt.accounts.selectors import (
    active_token_count,
    manages_memberships_somewhere,
    membership_list,
    token_list,
    two_factor_required,
    user_list,
    user_memberships,
    user_search,
)
from kvpt.core import crud
from kvpt.core.crud import apply_service_errors
from kvpt.core.history import history_entries
from kvpt.core.permissions import require_perm
from kvpt.core.scope import get_visible_or_404
from kvpt.core.services import ConcurrentEditError
from kvpt.core.views_helpers import paginate, render_page

NEW_TOKEN_SESSION_KEY = "kvpt_new_api_token"  # noqa: S105 - a session key, not a secret


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _is_verified(request: HttpRequest) -> bool:
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


# --- Login, logout, password ---------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """Django's login with our form; owners of a TOTP device are asked for it next."""

    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        if services.has_confirmed_device(form.get_user()):
            self.request.session[OTP_EXPECTED_SESSION_KEY] = True
            verify = reverse("accounts:two_factor_verify")
            return HttpResponseRedirect(f"{verify}?{urlencode({'next': self.get_success_url()})}")
        return response


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):  # type: ignore[type-arg,unused-ignore]
    template_name = "accounts/password_change.html"
    form_class = KvptPasswordChangeForm
    success_url = reverse_lazy("accounts:profile")
    success_message = gettext_lazy("Đã đổi mật khẩu.")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [
            (_("Tài khoản của tôi"), reverse("accounts:profile")),
            (_("Đổi mật khẩu"), None),
        ]
        return context


# --- Profile -------------------------------------------------------------------------------------


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    memberships = (
        Membership.objects.filter(user_id=int(user.pk or 0))
        .select_related("area", "area__level", "exercise")
        .order_by("role", "pk")
    )
    return render_page(
        request,
        "accounts/profile.html",
        {
            "memberships": memberships,
            "person": getattr(user, "person", None),
            "token_count": token_list(user).filter(revoked_at__isnull=True).count(),
            "two_factor_enrolled": services.has_confirmed_device(user),
            "two_factor_required": two_factor_required(user),
            "two_factor_verified": _is_verified(request),
            "manages_users": manages_memberships_somewhere(user),
            "breadcrumbs": [(_("Tài khoản của tôi"), None)],
        },
    )


# --- API tokens ----------------------------------------------------------------------------------


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """List the user's tokens and create one; the raw key is shown once, right after creation."""
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.token_create(
                user=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                expires_at=form.expires_at(),
                with_otp=_is_verified(request),
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            request.session[NEW_TOKEN_SESSION_KEY] = {"id": token.pk, "key": raw}
            messages.success(request, _("Đã tạo khóa API “%(name)s”.") % {"name": token.name})
            return redirect("accounts:tokens")
    new_token = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    return render_page(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "tokens": token_list(request.user),
            "new_token": new_token,
            "breadcrumbs": [
                (_("Tài khoản của tôi"), reverse("accounts:profile")),
                (_("Khóa API"), None),
            ],
        },
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(token_list(request.user), pk=pk)
    services.token_revoke(token=token, actor=request.user)
    messages.success(request, _("Đã thu hồi khóa API “%(name)s”.") % {"name": token.name})
    return redirect("accounts:tokens")


# --- Two-factor ----------------------------------------------------------------------------------


def _qr_svg(url: str) -> str:
    # Drawn on the server: an air-gapped browser must not fetch a QR image from anywhere.
    return str(segno.make(url, error="m").svg_inline(scale=5, border=2, omitsize=False))


def _two_factor_breadcrumbs(current: str | None = None) -> list[tuple[str, str | None]]:
    crumbs: list[tuple[str, str | None]] = [
        (_("Tài khoản của tôi"), reverse("accounts:profile")),
    ]
    if current:
        crumbs.append((_("Xác thực hai lớp"), reverse("accounts:two_factor")))
        crumbs.append((current, None))
    else:
        crumbs.append((_("Xác thực hai lớp"), None))
    return crumbs


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Status, and enrolment: a pending TOTP device with its QR code, confirmed by one code.

    A user who already has a device may only replace it from a verified session, otherwise the
    enrolment page would be a way around the verify page.
    """
    user: Any = request.user
    enrolled = services.has_confirmed_device(user)
    verified = _is_verified(request)
    renewing = request.GET.get("renew") == "1" or request.POST.get("renew") == "1"
    may_enrol = not enrolled or (verified and renewing)
    context: dict[str, Any] = {
        "enrolled": enrolled,
        "verified": verified,
        "required": two_factor_required(user),
        "renewing": renewing,
        "next": _safe_next(request, ""),
        "breadcrumbs": _two_factor_breadcrumbs(),
    }
    if not may_enrol:
        context["backup_left"] = sum(
            d.token_set.count() for d in devices_for_user(user) if hasattr(d, "token_set")
        )
        return render_page(request, "accounts/two_factor.html", context)

    device = services.totp_enrolment_device(user)
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_confirm(user=user, device=device, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc.messages[0])
        else:
            django_otp.login(request, device)
            messages.success(request, _("Đã bật xác thực hai lớp."))
            return render_page(
                request,
                "accounts/two_factor_codes.html",
                {
                    "codes": codes,
                    "next": _safe_next(request, reverse("accounts:profile")),
                    "breadcrumbs": _two_factor_breadcrumbs(_("Mã dự phòng")),
                },
            )
    context.update(
        {
            "form": form,
            "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 - segno's own SVG
            "secret": b32encode(device.bin_key).decode(),
            "otpauth_url": device.config_url,
            "enrolling": True,
        }
    )
    return render_page(request, "accounts/two_factor.html", context)


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Ask for a TOTP or backup code and mark the session verified (django_otp.login)."""
    user: Any = request.user
    next_url = _safe_next(request, reverse("core:home"))
    if _is_verified(request):
        return HttpResponseRedirect(next_url)
    devices = list(devices_for_user(user, confirmed=True))
    if not devices:
        return HttpResponseRedirect(
            f"{reverse('accounts:two_factor')}?{urlencode({'next': next_url})}"
        )
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        # TOTP first; devices throttle repeated failures themselves.
        devices.sort(key=lambda d: 0 if isinstance(d, TOTPDevice) else 1)
        for device in devices:
            matched = django_otp.verify_token(user, device.persistent_id, code)
            if matched is not None:
                django_otp.login(request, matched)
                request.session.pop(OTP_EXPECTED_SESSION_KEY, None)
                return HttpResponseRedirect(next_url)
        form.add_error(
            "code",
            _("Mã không đúng, đã dùng hoặc đã hết hạn. Sai nhiều lần sẽ phải chờ lâu hơn."),
        )
    return render_page(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": next_url, "breadcrumbs": _two_factor_breadcrumbs(_("Xác thực"))},
    )


def _require_verified(request: HttpRequest) -> None:
    if not _is_verified(request):
        raise PermissionDenied(_("Hãy xác thực bằng mã OTP trước khi thay đổi xác thực hai lớp."))


@login_required
@require_POST
def two_factor_backup_codes(request: HttpRequest) -> HttpResponse:
    _require_verified(request)
    codes = services.backup_codes_regenerate(user=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Đã tạo bộ mã dự phòng mới; các mã cũ không còn dùng được."))
    return render_page(
        request,
        "accounts/two_factor_codes.html",
        {
            "codes": codes,
            "next": reverse("accounts:two_factor"),
            "breadcrumbs": _two_factor_breadcrumbs(_("Mã dự phòng")),
        },
    )


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    _require_verified(request)
    if two_factor_required(request.user):
        raise PermissionDenied(_("Địa bàn của bạn bắt buộc xác thực hai lớp; không thể tắt."))
    services.two_factor_disable(user=request.user)  # type: ignore[arg-type]
    request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
    messages.success(request, _("Đã tắt xác thực hai lớp."))
    return redirect("accounts:two_factor")


# --- Memberships ---------------------------------------------------------------------------------


def _membership_breadcrumbs(current: str | None = None) -> list[tuple[str, str | None]]:
    if current is None:
        return [(_("Phân quyền"), None)]
    return [(_("Phân quyền"), reverse("accounts:membership_list")), (current, None)]


@login_required
def membership_list_view(request: HttpRequest) -> HttpResponse:
    from kvpt.organisations.selectors import area_list

    user = request.user
    memberships = membership_list(user)
    form = MembershipFilterForm(request.GET or None, areas=area_list(user))
    if form.is_valid():
        data = form.cleaned_data
        if data.get("user"):
            memberships = memberships.filter(user__username__icontains=data["user"])
        if data.get("role"):
            memberships = memberships.filter(role=data["role"])
        if data.get("area"):
            path = data["area"].path
            memberships = memberships.filter(
                Q(area__path__startswith=path) | Q(exercise__area__path__startswith=path)
            )
    page = paginate(request, memberships.order_by("user__username", "role", "pk"))
    rows = [
        {"m": m, "can_manage": user.has_perm("accounts.manage_memberships", m)}
        for m in page.object_list
    ]
    return render_page(
        request,
        "accounts/membership_list.html",
        {
            "page_obj": page,
            "rows": rows,
            "filter_form": form,
            "can_grant": manages_memberships_somewhere(user),
            "breadcrumbs": _membership_breadcrumbs(),
        },
        partial="accounts/partials/membership_rows.html",
    )


@login_required
def membership_create(request: HttpRequest) -> HttpResponse:
    if not manages_memberships_somewhere(request.user):
        raise PermissionDenied(_("Bạn không có quyền phân quyền."))
    initial = {
        key: request.GET[key] for key in ("user", "area", "exercise") if request.GET.get(key)
    }
    form = MembershipForm(request.POST or None, initial=initial, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_grant(
                user=data["user"],
                role=data["role"],
                area=data.get("area"),
                exercise=data.get("exercise"),
                valid_from=data.get("valid_from"),
                valid_to=data.get("valid_to"),
                note=data.get("note") or "",
                actor=request.user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã phân quyền."))
            return redirect("accounts:membership_list")
    return render_page(
        request,
        "accounts/membership_form.html",
        {"form": form, "breadcrumbs": _membership_breadcrumbs(_("Thêm phân quyền"))},
    )


def _managed_membership(request: HttpRequest, pk: int) -> Membership:
    membership = get_visible_or_404(membership_list(request.user), pk=pk)
    require_perm(request.user, "accounts.manage_memberships", membership)
    return membership


@login_required
def membership_edit(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _managed_membership(request, pk)
    form = MembershipForm(request.POST or None, instance=membership, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_update(
                membership=membership,
                expected_version=data.get("version"),
                actor=request.user,
                role=data["role"],
                area=data.get("area"),
                exercise=data.get("exercise"),
                valid_from=data.get("valid_from"),
                valid_to=data.get("valid_to"),
                note=data.get("note") or "",
            )
        except ConcurrentEditError as exc:
            form.add_error(None, exc.messages[0])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu phân quyền."))
            return redirect("accounts:membership_list")
    return render_page(
        request,
        "accounts/membership_form.html",
        {
            "form": form,
            "membership": membership,
            "breadcrumbs": _membership_breadcrumbs(_("Sửa phân quyền")),
        },
    )


@login_required
def membership_delete(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _managed_membership(request, pk)
    if request.method == "POST":
        services.membership_revoke(membership=membership, actor=request.user)
        messages.success(request, _("Đã thu hồi phân quyền."))
        return redirect("accounts:membership_list")
    return render_page(
        request,
        "accounts/membership_confirm_delete.html",
        {"membership": membership, "breadcrumbs": _membership_breadcrumbs(_("Thu hồi phân quyền"))},
    )


# --- Users ---------------------------------------------------------------------------------------


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    if not manages_memberships_somewhere(request.user):
        raise PermissionDenied(_("Bạn không có quyền tạo người dùng."))
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.user_create(
                username=data["username"],
                password=data["password"],
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                email=data.get("email", ""),
                clearance=data["clearance"],
                role=data["role"],
                area=data["area"],
                actor=request.user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, _("Đã tạo người dùng “%(name)s”.") % {"name": created.username}
            )
            return redirect(created.get_absolute_url())
    return render_page(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "roles": Role,
            "breadcrumbs": _membership_breadcrumbs(_("Tạo người dùng")),
        },
    )


# --- Managing users (admins) ---------------------------------------------------------------------
#
# A user is reached through selectors.user_list (404 outside scope), then
# services.can_view_user (403 for a reader who administers none of the user's grants); every change
# goes through a service, which checks services.user_management_refusal again.


def _user_crumbs(user: User | None = None) -> list[tuple[str, str | None]]:
    crumbs: list[tuple[str, str | None]] = [(_("Người dùng"), reverse("accounts:user_list"))]
    if user is not None:
        crumbs.append((str(user), user.get_absolute_url()))
    return crumbs


def _viewable_user(request: HttpRequest, pk: int) -> User:
    target = get_visible_or_404(user_list(request.user), pk=pk)
    if not services.can_view_user(request.user, target):
        raise PermissionDenied(_("Bạn không quản trị phân quyền nào của người dùng này."))
    return target


def _managed_user(request: HttpRequest, pk: int) -> User:
    target = _viewable_user(request, pk)
    services.require_manage_user(request.user, target)
    return target


@login_required
def user_list_view(request: HttpRequest) -> HttpResponse:
    from kvpt.organisations.selectors import area_list

    if not manages_memberships_somewhere(request.user):
        raise PermissionDenied(_("Chỉ quản trị viên mới xem được danh sách người dùng."))
    form = UserFilterForm(request.GET or None, areas=area_list(request.user))
    users = user_search(request.user, **form.filters())
    return render_page(
        request,
        "accounts/user_list.html",
        {
            "page_obj": paginate(request, users),
            "filter_form": form,
            "breadcrumbs": [(_("Người dùng"), None)],
        },
        partial="accounts/partials/user_rows.html",
    )


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = _viewable_user(request, pk)
    refusal = services.user_management_refusal(request.user, target)
    can_manage = refusal is None
    return render_page(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "memberships": user_memberships(request.user, target),
            "token_count": active_token_count(target),
            "two_factor_enrolled": services.has_confirmed_device(target),
            "two_factor_required": two_factor_required(target),
            "refusal": refusal,
            "is_self": target.pk == request.user.pk,
            "can_manage": can_manage,
            "edit_url": reverse("accounts:user_edit", args=[target.pk]) if can_manage else None,
            "delete_url": None,
            "history_url": reverse("accounts:user_history", args=[target.pk]),
            "breadcrumbs": [*_user_crumbs(), (str(target), None)],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = _managed_user(request, pk)
    form = UserEditForm(request.POST or None, actor=request.user, target=target)
    return crud.form_page(
        request,
        form,
        save=lambda: services.user_update(
            user=target,
            changes=form.changes(),
            expected_version=form.expected_version,
            actor=request.user,
        ),
        saved=_("Đã lưu người dùng “%(obj)s”."),
        title=_("Sửa người dùng “%(obj)s”") % {"obj": target},
        breadcrumbs=[*_user_crumbs(target), (_("Sửa"), None)],
        cancel_url=target.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    target = _managed_user(request, pk)
    form = UserPasswordForm(request.POST or None)

    def save() -> User:
        try:
            return services.user_set_password(
                user=target, password=form.cleaned_data["password1"], actor=request.user
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "password" in exc.error_dict:
                raise ValidationError({"password1": exc.error_dict["password"]}) from exc
            raise

    return crud.form_page(
        request,
        form,
        save=save,
        saved=_("Đã đặt mật khẩu mới cho “%(obj)s”; mọi phiên đăng nhập của họ đã kết thúc."),
        title=_("Đặt mật khẩu mới cho “%(obj)s”") % {"obj": target},
        breadcrumbs=[*_user_crumbs(target), (_("Đặt mật khẩu mới"), None)],
        cancel_url=target.get_absolute_url(),
    )


def _user_confirm_page(
    request: HttpRequest,
    target: User,
    *,
    action: Any,
    title: str,
    explanation: str,
    button: str,
    done: str,
    danger: bool = True,
) -> HttpResponse:
    """Confirm, then run `action(expected_version)`: 409 when the user changed meanwhile."""
    form = UserConfirmForm(
        request.POST if request.method == "POST" else None, initial={"version": target.version}
    )
    error, status = "", 200
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data.get("version"))
        except ConcurrentEditError as exc:
            error, status = exc.messages[0], 409
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 422
        else:
            messages.success(request, done % {"obj": target})
            return redirect(target.get_absolute_url())
    return render_page(
        request,
        "accounts/user_confirm.html",
        {
            "target": target,
            "form": form,
            "error": error,
            "title": title % {"obj": target},
            "explanation": explanation,
            "button": button,
            "danger": danger,
            "breadcrumbs": [*_user_crumbs(target), (title % {"obj": target}, None)],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    target = _managed_user(request, pk)
    return _user_confirm_page(
        request,
        target,
        action=lambda version: services.user_set_active(
            user=target, active=False, expected_version=version, actor=request.user
        ),
        title=_("Vô hiệu hóa “%(obj)s”"),
        explanation=_(
            "Người dùng sẽ không đăng nhập được, bị đăng xuất khỏi mọi phiên, và mọi khóa API của "
            "họ bị thu hồi. Vai trò được phân vẫn giữ nguyên; có thể kích hoạt lại sau."
        ),
        button=_("Vô hiệu hóa"),
        done=_("Đã vô hiệu hóa “%(obj)s”."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_activate(request: HttpRequest, pk: int) -> HttpResponse:
    target = _managed_user(request, pk)
    return _user_confirm_page(
        request,
        target,
        action=lambda version: services.user_set_active(
            user=target, active=True, expected_version=version, actor=request.user
        ),
        title=_("Kích hoạt lại “%(obj)s”"),
        explanation=_(
            "Người dùng đăng nhập lại được bằng mật khẩu hiện có. Các khóa API đã thu hồi không "
            "dùng lại được."
        ),
        button=_("Kích hoạt lại"),
        done=_("Đã kích hoạt lại “%(obj)s”."),
        danger=False,
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    target = _managed_user(request, pk)
    return _user_confirm_page(
        request,
        target,
        action=lambda _version: services.user_reset_two_factor(user=target, actor=request.user),
        title=_("Đặt lại xác thực hai lớp của “%(obj)s”"),
        explanation=_(
            "Xóa ứng dụng xác thực và mọi mã dự phòng của người dùng (khi họ mất điện thoại). Họ "
            "bị đăng xuất; nếu vai trò của họ bắt buộc xác thực hai lớp, lần đăng nhập sau họ phải "
            "đăng ký lại. Việc đặt lại được ghi vào lịch sử."
        ),
        button=_("Đặt lại"),
        done=_("Đã đặt lại xác thực hai lớp của “%(obj)s”."),
    )


@login_required
def user_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Who changed the account and when; only for those who may open the user's page.

    Not in kvpt.core.history's registry, whose rule is "whoever sees the object": every observer
    of a subtree sees its users' grants, but a user's clearance, activation and resets are the
    admins' business.
    """
    target = _viewable_user(request, pk)
    return render_page(
        request,
        "core/history.html",
        {
            "object": target,
            "entries": history_entries(target, request.user),
            "breadcrumbs": [*_user_crumbs(target), (_("Lịch sử thay đổi"), None)],
        },
    )
