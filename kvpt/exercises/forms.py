"""Forms of the exercise pages: they parse and offer choices; services decide and write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kvpt.core.models import Classification
from kvpt.core.scope import get_scope
from kvpt.exercises.models import YEAR_MAX, YEAR_MIN, Exercise, ExerciseStatus
from kvpt.exercises.selectors import ExerciseFilters

_INDENT = "\u2003"  # an em space: indents the tree in a flat <select>


def _area_label(area: Any) -> str:
    depth = int(getattr(area, "depth", 0) or 0)
    return f"{_INDENT * depth}{area.name} ({area.level})"


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _area_label(obj)


class ExerciseForm(forms.Form):
    """Create or edit an exercise; choices are limited to what the user may pick."""

    code = forms.CharField(
        label=_("Mã"), max_length=64, help_text=_("Mã ổn định, ví dụ: DT-KVPT-2023.")
    )
    name = forms.CharField(label=_("Tên cuộc diễn tập"), max_length=255)
    area = AreaChoiceField(label=_("Địa bàn"), queryset=None, empty_label=_("— chọn địa bàn —"))
    level: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Cấp diễn tập"),
        queryset=None,
        required=False,
        empty_label=_("— theo cấp của địa bàn —"),
    )
    year = forms.IntegerField(label=_("Năm"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    status = forms.ChoiceField(label=_("Trạng thái"))
    classification = forms.TypedChoiceField(label=_("Độ mật"), coerce=int)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        user: Any,
        areas: Any,
        levels: Any,
        statuses: Sequence[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["area"].queryset = areas
        fields["level"].queryset = levels
        fields["status"].choices = [(s, ExerciseStatus(s).label) for s in statuses]
        clearance = get_scope(user).clearance
        fields["classification"].choices = [
            (value, label) for value, label in Classification.choices if value <= clearance
        ]
        if not self.is_bound:
            self.initial.setdefault("year", dt.date.today().year)
            self.initial.setdefault("classification", Classification.UNCLASSIFIED)

    @classmethod
    def initial_from(cls, exercise: Exercise) -> dict[str, Any]:
        return {
            "code": exercise.code,
            "name": exercise.name,
            "area": exercise.area_id,
            "level": exercise.level_id,
            "year": exercise.year,
            "status": exercise.status,
            "classification": exercise.classification,
            "version": exercise.version,
        }

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            key: data[key]
            for key in ("code", "name", "area", "level", "year", "status", "classification")
        }

    def add_service_error(self, exc: ValidationError) -> None:
        """Put a service's errors on the fields they name; the rest above the form."""
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                target = field if field in self.fields else None
                for error in errors:
                    self.add_error(target, error)
        else:
            self.add_error(None, exc)


class ExerciseFilterForm(forms.Form):
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
