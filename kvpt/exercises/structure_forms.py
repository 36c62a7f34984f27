"""Forms of the structure pages (phases, contents, milestones): they parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kvpt.core.forms import VersionedModelForm, vn_date_field
from kvpt.exercises.models import Content, Milestone, Phase

DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
]


class VnDateTimeInput(forms.DateTimeInput):
    """dd/mm/yyyy hh:mm, as the schedules people print are written."""

    def __init__(self, **kwargs: Any) -> None:
        attrs = {"placeholder": "dd/mm/yyyy hh:mm", "autocomplete": "off"}
        super().__init__(format="%d/%m/%Y %H:%M", attrs=attrs | kwargs.pop("attrs", {}), **kwargs)


def vn_datetime_field(label: Any, *, required: bool = False) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DATETIME_INPUT_FORMATS,
        widget=VnDateTimeInput(),
        help_text=_("Dạng dd/mm/yyyy hh:mm, ví dụ 24/08/2023 07:30."),
        error_messages={
            "invalid": _("Thời điểm không hợp lệ: hãy nhập theo dạng dd/mm/yyyy hh:mm.")
        },
    )


class _TimedForm(VersionedModelForm):
    planned_start = vn_datetime_field(_("Bắt đầu (kế hoạch)"))
    planned_end = vn_datetime_field(_("Kết thúc (kế hoạch)"))
    actual_start = vn_datetime_field(_("Bắt đầu (thực tế)"))
    actual_end = vn_datetime_field(_("Kết thúc (thực tế)"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
            if data.get(start) and data.get(end) and data[end] < data[start]:
                self.add_error(end, _("Thời điểm kết thúc không được trước thời điểm bắt đầu."))
        return data


class PhaseForm(_TimedForm):
    """Add or edit a phase; its place in the order changes only by moving it."""

    class Meta:
        model = Phase
        fields = (
            "name",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "is_illustrative",
        )
        widgets = {"name": forms.Textarea(attrs={"rows": 2})}


class ContentForm(_TimedForm):
    """Add or edit a content of a phase."""

    class Meta:
        model = Content
        fields = PhaseForm.Meta.fields
        widgets = {"name": forms.Textarea(attrs={"rows": 2})}


class MilestoneForm(VersionedModelForm):
    """Add or edit a milestone; an empty title becomes the kind and its number."""

    starts_on = vn_date_field(_("Từ ngày"), required=True)
    ends_on = vn_date_field(_("Đến ngày"))

    class Meta:
        model = Milestone
        fields = (
            "kind",
            "sequence",
            "title",
            "starts_on",
            "ends_on",
            "location",
            "done",
            "notes",
            "is_illustrative",
        )
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"title": _("Để trống: lấy theo loại mốc và lần, ví dụ “Diễn tập thử lần 2”.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["ends_on"].help_text = _("Để trống nếu mốc chỉ trong một ngày.")
