"""Forms of the account screens; choices are always limited to what the actor may use."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kvpt.accounts.models import Membership, Role, User
from kvpt.accounts.selectors import user_list
from kvpt.accounts.services import can_manage_target, grantable_roles, max_clearance_for
from kvpt.core.models import Classification
from kvpt.core.widgets import FastSelectsMixin, lean_choices


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: sau nhiều lần sai liên tiếp, tài "
            "khoản sẽ bị tạm khóa."
        ),
        "inactive": _("Tài khoản này đã bị vô hiệu hóa."),
    }


class KvptPasswordChangeForm(PasswordChangeForm):
    """Django's form with Vietnamese labels (the translation catalogue may be absent)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Mật khẩu hiện tại")
        self.fields["new_password1"].label = _("Mật khẩu mới")
        self.fields["new_password2"].label = _("Nhập lại mật khẩu mới")
        self.fields["new_password1"].help_text = _(
            "Ít nhất 8 ký tự, không quá giống tên đăng nhập, không toàn chữ số, không phải mật "
            "khẩu phổ biến."
        )


TOKEN_VALIDITY_CHOICES = [
    ("30", _("30 ngày")),
    ("90", _("90 ngày")),
    ("365", _("1 năm")),
    ("", _("Không hết hạn")),
]


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Tên gợi nhớ"),
        max_length=100,
        help_text=_("Ví dụ: máy chủ báo cáo, tập lệnh nhập dữ liệu."),
    )
    validity = forms.ChoiceField(
        label=_("Thời hạn"), choices=TOKEN_VALIDITY_CHOICES, initial="90", required=False
    )

    def expires_at(self) -> dt.datetime | None:
        days = self.cleaned_data.get("validity")
        return timezone.now() + dt.timedelta(days=int(days)) if days else None


class OtpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác thực"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=_("Mã 6 chữ số trên ứng dụng xác thực, hoặc một mã dự phòng."),
    )

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip().replace(" ", "")


class MembershipFilterForm(FastSelectsMixin, forms.Form):
    user = forms.CharField(label=_("Người dùng"), required=False)
    role = forms.ChoiceField(label=_("Vai trò"), required=False)
    area: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Địa bàn"), queryset=None, required=False
    )

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("Tất cả")), *Role.choices]  # type: ignore[attr-defined]
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        self.fields["area"].empty_label = _("Tất cả")  # type: ignore[attr-defined]


def _manageable(actor: Any, queryset: Any) -> Any:
    """Narrow a visible queryset to the targets where the actor may manage grants."""
    allowed = [obj.pk for obj in queryset if can_manage_target(actor, obj)]
    return queryset.filter(pk__in=allowed)


class MembershipForm(FastSelectsMixin, forms.ModelForm):
    """Grant or edit a role; only users, areas and exercises the actor manages are offered."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Membership
        fields = ["user", "role", "area", "exercise", "valid_from", "valid_to", "note"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from kvpt.exercises.selectors import exercise_list
        from kvpt.organisations.selectors import area_list

        self.actor = actor
        self.fields["user"].queryset = user_list(actor)  # type: ignore[attr-defined]
        lean_choices(self.fields["user"], "first_name", "last_name", "username")
        self.fields["role"].choices = [("", "---------"), *grantable_roles(actor)]  # type: ignore[attr-defined]
        self.fields["area"].queryset = _manageable(actor, area_list(actor))  # type: ignore[attr-defined]
        self.fields["exercise"].queryset = _manageable(  # type: ignore[attr-defined]
            actor, exercise_list(actor)
        )
        lean_choices(self.fields["area"], "name")
        lean_choices(self.fields["exercise"], "code", "name")
        self.fields["area"].help_text = _(
            "Chọn địa bàn (vai trò áp dụng cho cả cấp dưới) hoặc một cuộc diễn tập, "
            "không chọn cả hai."
        )
        if self.instance.pk:
            self.fields["user"].disabled = True
            self.fields["version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("area")) == bool(data.get("exercise")):
            raise forms.ValidationError(
                _("Chọn đúng một phạm vi: một địa bàn hoặc một cuộc diễn tập.")
            )
        return data

    def _post_clean(self) -> None:
        # Model validation runs in the service (create_versioned / save_versioned).
        pass


class UserCreateForm(FastSelectsMixin, forms.Form):
    """An admin creates a login in their area with a first role and a clearance up to their own."""

    username = forms.RegexField(
        label=_("Tên đăng nhập"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("Chỉ dùng chữ, số và các ký tự @ . + - _")},
    )
    last_name = forms.CharField(label=_("Họ và tên đệm"), max_length=150, required=False)
    first_name = forms.CharField(label=_("Tên"), max_length=150, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    password = forms.CharField(label=_("Mật khẩu ban đầu"), widget=forms.PasswordInput, strip=False)
    clearance = forms.TypedChoiceField(label=_("Mức được tiếp cận bí mật"), coerce=int)
    role = forms.ChoiceField(label=_("Vai trò"))
    area: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Địa bàn"), queryset=None)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from kvpt.organisations.selectors import area_list

        ceiling = max_clearance_for(actor)
        self.fields["clearance"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in Classification.choices if value <= ceiling
        ]
        self.fields["role"].choices = grantable_roles(actor)  # type: ignore[attr-defined]
        self.fields["area"].queryset = _manageable(actor, area_list(actor))  # type: ignore[attr-defined]
        lean_choices(self.fields["area"], "name")

    def clean_username(self) -> str:
        username = str(self.cleaned_data["username"])
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Tên đăng nhập này đã có người dùng."))
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password = data.get("password")
        if password:
            probe = User(username=data.get("username", ""), email=data.get("email", ""))
            try:
                validate_password(password, probe)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


ACTIVE_CHOICES = [("", _("Tất cả")), ("1", _("Đang hoạt động")), ("0", _("Đã vô hiệu hóa"))]


class UserFilterForm(FastSelectsMixin, forms.Form):
    q = forms.CharField(
        label=_("Tìm"),
        required=False,
        help_text=_("Tên đăng nhập, họ tên hoặc thư điện tử; không cần gõ dấu."),
    )
    role = forms.ChoiceField(label=_("Vai trò"), required=False)
    area: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Địa bàn"), queryset=None, required=False
    )
    active = forms.ChoiceField(label=_("Trạng thái"), choices=ACTIVE_CHOICES, required=False)

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("Tất cả")), *Role.choices]  # type: ignore[attr-defined]
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        self.fields["area"].empty_label = _("Tất cả")  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """The keyword arguments of selectors.user_search; a wrong value filters nothing."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        active = {"1": True, "0": False}.get(data.get("active") or "")
        return {
            "q": data.get("q") or "",
            "role": data.get("role") or "",
            "area": data.get("area"),
            "active": active,
        }


class UserEditForm(FastSelectsMixin, forms.Form):
    """An admin edits another user; the linked person and the clearance are limited to theirs."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    last_name = forms.CharField(label=_("Họ và tên đệm"), max_length=150, required=False)
    first_name = forms.CharField(label=_("Tên"), max_length=150, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    person: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Cán bộ"),
        queryset=None,
        required=False,
        help_text=_(
            "Cán bộ trong danh bạ ứng với tài khoản này (chỉ cán bộ trong phạm vi của bạn)."
        ),
    )
    clearance = forms.TypedChoiceField(
        label=_("Mức được tiếp cận bí mật"),
        coerce=int,
        help_text=_("Không cao hơn mức của chính bạn."),
    )
    is_active = forms.BooleanField(
        label=_("Đang hoạt động"),
        required=False,
        help_text=_(
            "Bỏ chọn để vô hiệu hóa: người dùng bị đăng xuất và mọi khóa API của họ bị thu hồi."
        ),
    )

    def __init__(self, *args: Any, actor: Any, target: User, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "version": target.version,
                "last_name": target.last_name,
                "first_name": target.first_name,
                "email": target.email,
                "person": target.person_id,
                "clearance": target.clearance,
                "is_active": target.is_active,
            },
        )
        super().__init__(*args, **kwargs)
        from kvpt.organisations.selectors import person_list

        self.target = target
        people = person_list(actor).order_by("full_name", "code")
        if target.person_id:
            # The present link stays selectable even when someone above made it.
            people = people | people.model._default_manager.filter(pk=target.person_id)
            people = people.distinct()
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        lean_choices(self.fields["person"], "full_name")
        ceiling = max_clearance_for(actor)
        self.fields["clearance"].choices = [  # type: ignore[attr-defined]
            (value, label)
            for value, label in Classification.choices
            if value <= ceiling or value == target.clearance
        ]

    @property
    def expected_version(self) -> int | None:
        value = self.cleaned_data.get("version")
        return int(value) if value else None

    def changes(self) -> dict[str, Any]:
        """The fields whose value differs from the stored user (what the service changes)."""
        data = self.cleaned_data
        wanted = {
            "last_name": data.get("last_name") or "",
            "first_name": data.get("first_name") or "",
            "email": data.get("email") or "",
            "person": data.get("person"),
            "clearance": data["clearance"],
            "is_active": bool(data.get("is_active")),
        }
        return {
            name: value
            for name, value in wanted.items()
            if (value.pk if name == "person" and value is not None else value)
            != getattr(self.target, "person_id" if name == "person" else name)
        }


class UserPasswordForm(forms.Form):
    """An admin sets a new password for a user who lost theirs."""

    password1 = forms.CharField(
        label=_("Mật khẩu mới"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Ít nhất 8 ký tự, không quá giống tên đăng nhập, không toàn chữ số, không phải mật "
            "khẩu phổ biến. Người dùng bị đăng xuất khỏi mọi phiên."
        ),
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu mới"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") != data.get("password1"):
            self.add_error("password2", _("Hai lần nhập mật khẩu không khớp."))
        return data


class UserConfirmForm(forms.Form):
    """A confirmation (deactivate, reactivate, reset two-factor) with the version it opened at."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
