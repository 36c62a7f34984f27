"""Forms of budget lines, and the VND input: "1.250.000.000" or "1250000000", whole đồng only."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kvpt.core.forms import VersionedModelForm, vn_date_field
from kvpt.preparation.forms.works import limit_subcommittee
from kvpt.preparation.models import BudgetLine
from kvpt.preparation.services.budget import BUDGET_LINE_FIELDS

_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")
_PLAIN = re.compile(r"^\d+$")
_SUFFIX = re.compile(r"\s*(đồng|đ|vnd|vnđ)$", re.IGNORECASE)
MAX_VND = 10**15  # a thousand trillion đồng: far above any exercise, below the column's limit


def parse_vnd(raw: str) -> int:
    """Whole đồng from "1.250.000.000", "1250000000" or "1 250 000 000 đ"; never a fraction."""
    text = _SUFFIX.sub("", raw.strip()).replace(" ", "").replace("\u00a0", "")
    if text.startswith("-"):
        raise ValidationError(_("Số tiền không được âm."), code="negative")
    if "," in text:
        raise ValidationError(
            _(
                "Số tiền tính bằng đồng, không có phần thập phân: bỏ phần sau dấu phẩy "
                "(ví dụ 1.250.000.000)."
            ),
            code="decimal",
        )
    if _GROUPED.match(text):
        text = text.replace(".", "")
    elif "." in text:
        raise ValidationError(
            _(
                "Dấu chấm chỉ dùng để tách hàng nghìn (ví dụ 1.250.000.000); số tiền không có "
                "phần thập phân."
            ),
            code="grouping",
        )
    if not _PLAIN.match(text):
        raise ValidationError(
            _("Số tiền không hợp lệ: nhập số đồng, ví dụ 1.250.000.000 hoặc 1250000000."),
            code="invalid",
        )
    value = int(text)
    if value >= MAX_VND:
        raise ValidationError(_("Số tiền quá lớn."), code="too_large")
    return value


class VndField(forms.CharField):
    """Money in đồng, typed with or without the thousands dots; shown with them."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "num"}),
        )
        kwargs.setdefault("help_text", _("Đồng, ví dụ 1.250.000.000."))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            return f"{value:,}".replace(",", ".")
        return value

    def to_python(self, value: Any) -> int:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return 0
        return parse_vnd(text)


class BudgetLineForm(VersionedModelForm):
    estimate = VndField(label=_("Dự toán"), required=False)
    actual = VndField(label=_("Thực chi"), required=False)
    additional = VndField(label=_("Phát sinh"), required=False)
    settled_amount = VndField(label=_("Đã quyết toán"), required=False)
    settled_on = vn_date_field(_("Ngày quyết toán"))

    class Meta:
        model = BudgetLine
        fields = list(BUDGET_LINE_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        exercise = self.instance.exercise
        limit_subcommittee(self, user, exercise)
        self.fields["is_site_clearance"].help_text = _(
            "Đền bù, giải phóng mặt bằng: hiển thị thành nhóm riêng trên trang kinh phí."
        )
        self.fields["settled_on"].help_text = _("Bắt buộc khi đã có số tiền quyết toán.")
        if not self.instance.pk:
            self.initial.setdefault("classification", exercise.classification)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        settled = data.get("settled_amount") or 0
        spent = (data.get("actual") or 0) + (data.get("additional") or 0)
        if settled > 0 and not data.get("settled_on") and "settled_on" not in self.errors:
            self.add_error(
                "settled_on", _("Cần nhập ngày quyết toán khi đã có số tiền quyết toán.")
            )
        if settled > spent and "settled_amount" not in self.errors:
            self.add_error(
                "settled_amount",
                _("Số quyết toán không được lớn hơn thực chi cộng phát sinh."),
            )
        return data
