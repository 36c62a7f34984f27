"""Forms of the exercise pages: they parse and offer choices; services decide and write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kvpt.core.crud import apply_service_errors
from kvpt.core.forms import vn_date_field
from kvpt.core.models import Classification
from kvpt.core.scope import get_scope
from kvpt.core.widgets import FastSelectsMixin
from kvpt.exercises.models import YEAR_MAX, YEAR_MIN, Exercise, ExerciseKind, ExerciseStatus
from kvpt.exercises.selectors import ExerciseFilters

_INDENT = "\u2003"  # an em space: indents the tree in a flat <select>


def _area_label(area: Any) -> str:
    depth = int(getattr(area, "depth", 0) or 0)
    return f"{_INDENT * depth}{area.name} ({area.level})"


class AreaChoiceField(forms.ModelChoiceField):
    # What the label reads: all the select loads (kvpt.core.widgets.lean_choices).
    label_fields = ("depth", "name", "level__name")

    def label_from_instance(self, obj: Any) -> str:
        return _area_label(obj)


class AgencyChoiceField(forms.ModelChoiceField):
    label_fields = ("name", "area__name")

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.area.name})"


class ListField(forms.CharField):
    """A list of items (purposes, requirements) typed one per line in a textarea."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value)
        return [line.strip() for line in str(text).splitlines() if line.strip()]


EXERCISE_FORM_FIELDS = (
    "code",
    "name",
    "code_name",
    "kind",
    "area",
    "level",
    "organisation",
    "directing_organisation",
    "year",
    "scale",
    "purposes",
    "requirements",
    "start_date",
    "end_date",
    "leadership_mechanism",
    "classification",
    "is_illustrative",
)


class ExerciseForm(FastSelectsMixin, forms.Form):
    """Create or edit an exercise; choices are limited to what the user may pick.

    The status is not here: it moves with the buttons of the detail page (exercise_transition).
    """

    code = forms.CharField(
        label=_("Mã"), max_length=64, help_text=_("Mã ổn định, ví dụ: DT-KVPT-2023.")
    )
    name = forms.CharField(label=_("Tên cuộc diễn tập"), max_length=255)
    code_name = forms.CharField(label=_("Mật danh"), max_length=120, required=False)
    kind = forms.ChoiceField(label=_("Loại diễn tập"), choices=ExerciseKind.choices)
    area = AreaChoiceField(label=_("Địa bàn"), queryset=None, empty_label=_("— chọn địa bàn —"))
    level: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Cấp diễn tập"),
        queryset=None,
        required=False,
        empty_label=_("— theo cấp của địa bàn —"),
    )
    organisation = AgencyChoiceField(
        label=_("Cơ quan tổ chức"), queryset=None, required=False, empty_label=_("— chưa chọn —")
    )
    directing_organisation = AgencyChoiceField(
        label=_("Cơ quan chỉ đạo"),
        queryset=None,
        required=False,
        empty_label=_("— chưa chọn —"),
        help_text=_("Cấp trên chỉ đạo, đánh giá (quân khu, Ban Chỉ đạo tỉnh ...)."),
    )
    year = forms.IntegerField(label=_("Năm"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    scale = forms.CharField(
        label=_("Quy mô"), max_length=120, required=False, help_text=_("Ví dụ: 1 bên 2 cấp.")
    )
    purposes = ListField(label=_("Mục đích"), required=False, help_text=_("Mỗi dòng một ý."))
    requirements = ListField(label=_("Yêu cầu"), required=False, help_text=_("Mỗi dòng một ý."))
    start_date = vn_date_field(_("Ngày bắt đầu thực hành"))
    end_date = vn_date_field(_("Ngày kết thúc thực hành"))
    leadership_mechanism = forms.CharField(
        label=_("Cơ chế lãnh đạo"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Ví dụ: cấp ủy lãnh đạo, chính quyền điều hành, các ban, ngành, đoàn thể làm tham mưu, "
            "cơ quan quân sự, công an làm nòng cốt."
        ),
    )
    classification = forms.TypedChoiceField(label=_("Độ mật"), coerce=int)
    is_illustrative = forms.BooleanField(
        label=_("Số liệu minh họa"),
        required=False,
        help_text=_(
            "Đánh dấu khi số liệu không lấy từ hồ sơ thật; báo cáo sẽ chú thích là minh họa."
        ),
    )
    standard_phases = forms.BooleanField(
        label=_("Tạo sẵn 3 giai đoạn chuẩn"),
        required=False,
        initial=True,
        help_text=_("Có thể sửa tên, thời gian các giai đoạn sau khi tạo."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        user: Any,
        areas: Any,
        levels: Any,
        organisations: Any,
        directing: Any,
        is_create: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["area"].queryset = areas
        fields["level"].queryset = levels
        fields["organisation"].queryset = organisations
        fields["directing_organisation"].queryset = directing
        clearance = get_scope(user).clearance
        fields["classification"].choices = [
            (value, label) for value, label in Classification.choices if value <= clearance
        ]
        if not is_create:
            del fields["standard_phases"]
        if not self.is_bound:
            self.initial.setdefault("year", dt.date.today().year)
            self.initial.setdefault("classification", Classification.UNCLASSIFIED)
            self.initial.setdefault("kind", ExerciseKind.DISTRICT_KVPT)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("Ngày kết thúc không được trước ngày bắt đầu."))
        return data

    @classmethod
    def initial_from(cls, exercise: Exercise) -> dict[str, Any]:
        initial = {name: getattr(exercise, name) for name in EXERCISE_FORM_FIELDS}
        for name in ("area", "level", "organisation", "directing_organisation"):
            initial[name] = getattr(exercise, f"{name}_id")
        initial["version"] = exercise.version
        return initial

    def service_kwargs(self) -> dict[str, Any]:
        return {key: self.cleaned_data[key] for key in EXERCISE_FORM_FIELDS}

    def changed_kwargs(self, exercise: Exercise) -> dict[str, Any]:
        """Only what the user changed: an edit must not rewrite what it did not touch."""
        changes = {}
        for key, value in self.service_kwargs().items():
            stored = getattr(exercise, key)
            if isinstance(value, models.Model) or value is None:
                stored = getattr(exercise, f"{key}_id", stored)
                value = value.pk if isinstance(value, models.Model) else value
            if value != stored:
                changes[key] = self.cleaned_data[key]
        return changes

    def add_service_error(self, exc: ValidationError) -> None:
        """Put a service's errors on the fields they name; the rest above the form."""
        apply_service_errors(self, exc)


class TransitionForm(forms.Form):
    """One move of the status, from a button of the detail page."""

    to_status = forms.ChoiceField(label=_("Chuyển sang"), choices=ExerciseStatus.choices)
    reason = forms.CharField(
        label=_("Lý do"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CopyStructureForm(FastSelectsMixin, forms.Form):
    """A new exercise with the structure of an earlier one."""

    code = forms.CharField(label=_("Mã cuộc diễn tập mới"), max_length=64)
    name = forms.CharField(label=_("Tên cuộc diễn tập mới"), max_length=255)
    year = forms.IntegerField(label=_("Năm"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    area = AreaChoiceField(label=_("Địa bàn"), queryset=None, empty_label=_("— chọn địa bàn —"))
    level: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Cấp diễn tập"),
        queryset=None,
        required=False,
        empty_label=_("— theo cấp của địa bàn —"),
    )
    shift_days = forms.IntegerField(
        label=_("Dời các ngày (số ngày)"),
        required=False,
        min_value=-36600,
        max_value=36600,
        help_text=_(
            "Để trống: các ngày được dời đúng số năm chênh lệch "
            "(cùng ngày, cùng tháng của năm mới)."
        ),
    )
    copy_members = forms.BooleanField(
        label=_("Sao cả thành viên các ban"),
        required=False,
        initial=True,
        help_text=_("Bỏ chọn nếu các ban của cuộc diễn tập mới sẽ có thành phần khác."),
    )

    def __init__(self, *args: Any, areas: Any, levels: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["area"].queryset = areas
        fields["level"].queryset = levels

    def add_service_error(self, exc: ValidationError) -> None:
        apply_service_errors(self, exc)


class ExerciseFilterForm(FastSelectsMixin, forms.Form):
    """The list's filters (GET); invalid values are ignored rather than shown as errors."""

    q = forms.CharField(label=_("Tìm"), required=False)
    year = forms.TypedChoiceField(label=_("Năm"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), *list(ExerciseStatus.choices)],
    )
    area = forms.TypedChoiceField(label=_("Địa bàn"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, years: list[int], areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["year"].choices = [("", _("Tất cả"))] + [(y, str(y)) for y in years]
        fields["area"].choices = [("", _("Tất cả"))] + [(a.pk, _area_label(a)) for a in areas]

    def filters(self) -> ExerciseFilters:
        if not self.is_valid():
            # Keep the valid filters, drop the broken ones (a stale bookmark must still list).
            data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        else:
            data = self.cleaned_data
        return ExerciseFilters(
            year=data.get("year"),
            status=data.get("status") or None,
            area=data.get("area"),
            q=data.get("q") or None,
        )
