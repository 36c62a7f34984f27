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


class MembershipFilterForm(forms.Form):
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


class MembershipForm(forms.ModelForm):
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
        self.fields["role"].choices = [("", "---------"), *grantable_roles(actor)]  # type: ignore[attr-defined]
        self.fields["area"].queryset = _manageable(actor, area_list(actor))  # type: ignore[attr-defined]
        self.fields["exercise"].queryset = _manageable(  # type: ignore[attr-defined]
            actor, exercise_list(actor)
        )
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


class UserCreateForm(forms.Form):
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
