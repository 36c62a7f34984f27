"""Forms of the export and import pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kvpt.exchange.crypto import MIN_PASSPHRASE

PASSPHRASE_HELP = _(
    "Để trống nếu không mã hóa. Khi mang tệp trên thiết bị lưu trữ di động, hãy đặt cụm mật khẩu "
    "(ít nhất 8 ký tự) và chuyển nó cho người nhận theo đường khác."
)


class ExportForm(forms.Form):
    passphrase = forms.CharField(
        label=_("Cụm mật khẩu"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=PASSPHRASE_HELP,
    )
    passphrase_again = forms.CharField(
        label=_("Nhập lại cụm mật khẩu"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    with_files = forms.BooleanField(
        label=_("Kèm các tệp văn bản (tệp .zip)"),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        passphrase = data.get("passphrase") or ""
        if passphrase and len(passphrase) < MIN_PASSPHRASE:
            self.add_error(
                "passphrase",
                _("Cụm mật khẩu phải có ít nhất %(n)s ký tự.") % {"n": MIN_PASSPHRASE},
            )
        elif passphrase != (data.get("passphrase_again") or ""):
            self.add_error("passphrase_again", _("Hai lần nhập cụm mật khẩu không khớp."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp trao đổi"),
        required=False,
        help_text=_("Tệp .kvpt.json, .kvpt.zip hoặc bản mã hóa .enc do KVPT xuất."),
    )
    passphrase = forms.CharField(
        label=_("Cụm mật khẩu"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Chỉ khi tệp đã được mã hóa."),
    )
    token = forms.CharField(required=False, widget=forms.HiddenInput)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
