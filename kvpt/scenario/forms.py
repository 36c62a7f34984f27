"""Forms of the scenario: situations, MSEL entries, log entries, safety incidents, the MSEL import
(file, then the mapping of the sheet's columns to our fields)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kvpt.core.forms import VersionedModelForm
from kvpt.core.widgets import FastSelectsMixin, lean_choices
from kvpt.scenario.models import ConductLogEntry, Inject, SafetyIncident, Situation
from kvpt.scenario.services import INCIDENT_FIELDS, INJECT_FIELDS, SITUATION_FIELDS

DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def vn_datetime_field(label: Any, *, required: bool = False) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DATETIME_INPUT_FORMATS,
        widget=forms.DateTimeInput(
            format="%d/%m/%Y %H:%M",
            attrs={"placeholder": "dd/mm/yyyy hh:mm", "autocomplete": "off"},
        ),
        error_messages={
            "invalid": _("Thời điểm không hợp lệ: hãy nhập theo dạng dd/mm/yyyy hh:mm.")
        },
    )


def _exercise_choices(form: VersionedModelForm, exercise: Any, user: Any) -> None:
    """Offer only what belongs to the record's exercise and what the user may see."""
    from kvpt.exercises.selectors import content_list, phase_list
    from kvpt.organisations.selectors import agency_list, person_list, unit_list
    from kvpt.scenario.selectors import situation_kinds, situation_list

    fields = form.fields
    if "phase" in fields:
        form.limit_choices("phase", phase_list(user).filter(exercise=exercise))
    if "content_item" in fields:
        form.limit_choices("content_item", content_list(user).filter(phase__exercise=exercise))
    if "situation" in fields:
        situations = situation_list(user).filter(exercise=exercise)
        form.limit_choices("situation", situations, reads=("code", "title"))
    if "kind" in fields:
        form.limit_choices("kind", situation_kinds())
    for name in ("lead_agency", "to_agency"):
        if name in fields:
            form.limit_choices(name, agency_list(user).order_by("code"), reads=("name",))
    if "to_unit" in fields:
        form.limit_choices("to_unit", unit_list(user).order_by("code"), reads=("name",))
    if "controller" in fields:
        people = person_list(user).order_by("full_name")
        form.limit_choices("controller", people, reads=("full_name",))


class SituationForm(VersionedModelForm):
    class Meta:
        model = Situation
        fields = list(SITUATION_FIELDS)
        widgets = {
            "forces_text": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        _exercise_choices(self, self.instance.exercise, user)
        from kvpt.core.models import Classification
        from kvpt.core.scope import get_scope

        clearance = get_scope(user).clearance
        self.fields["location_classification"].choices = [  # type: ignore[attr-defined]
            (v, label) for v, label in Classification.choices if v <= clearance
        ]


class InjectForm(VersionedModelForm):
    scheduled_at = vn_datetime_field(_("giờ phát (kế hoạch)"))

    class Meta:
        model = Inject
        fields = list(INJECT_FIELDS)
        widgets = {
            "content": forms.Textarea(attrs={"rows": 4}),
            "expected_action": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        _exercise_choices(self, self.instance.exercise, user)
        self.fields["serial"].required = False
        self.fields["serial"].help_text = _("Để trống: lấy số tiếp theo.")

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        if not data.get("serial"):
            if self.instance.pk:
                data["serial"] = self.instance.serial
            else:
                data.pop("serial", None)
        return data


class LogEntryForm(FastSelectsMixin, forms.Form):
    text = forms.CharField(
        label=_("Nội dung nhật ký"),
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": _("Diễn biến, chỉ thị, báo cáo ...")}
        ),
        max_length=4000,
    )
    inject = forms.ModelChoiceField(
        label=_("Sự kiện liên quan"), queryset=Inject.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: Any, exercise: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from kvpt.scenario.selectors import inject_list

        field: Any = self.fields["inject"]
        field.queryset = inject_list(user).filter(exercise=exercise).order_by("serial")
        lean_choices(field, "serial", "scenario_time")


class LogEntryEditForm(VersionedModelForm):
    at = vn_datetime_field(_("thời điểm"), required=True)

    class Meta:
        model = ConductLogEntry
        fields = ["at", "text", "inject", "classification", "is_illustrative"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        from kvpt.scenario.selectors import inject_list

        injects = inject_list(user).filter(exercise=self.instance.exercise)
        self.limit_choices("inject", injects, reads=("serial", "scenario_time"))


class IncidentForm(VersionedModelForm):
    at = vn_datetime_field(_("thời điểm"), required=True)
    resolved_at = vn_datetime_field(_("xử lý xong lúc"))

    class Meta:
        model = SafetyIncident
        fields = list(INCIDENT_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "resolution": forms.Textarea(attrs={"rows": 3}),
        }


class MselImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx)"),
        help_text=_("Dòng tiêu đề ở một trong 10 dòng đầu; bước sau cho bạn ghép cột."),
    )


class MappingForm(FastSelectsMixin, forms.Form):
    """One choice per header of the user's sheet: which of our fields it holds (or none)."""

    def __init__(
        self,
        *args: Any,
        headers: list[str],
        fields: list[tuple[str, str]],
        proposed: dict[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.headers = headers
        choices = [("", _("— bỏ qua cột này —")), *fields]
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header, choices=choices, required=False, initial=proposed.get(header, "")
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        seen: dict[str, str] = {}
        for index, header in enumerate(self.headers):
            key = data.get(f"col_{index}")
            if not key:
                continue
            if key in seen:
                self.add_error(
                    f"col_{index}",
                    _("Trường này đã được ghép với cột “%(other)s”.") % {"other": seen[key]},
                )
            seen[key] = header
        return data

    def mapping(self) -> dict[str, str]:
        """Our field key -> the user's header."""
        return {
            self.cleaned_data[f"col_{i}"]: header
            for i, header in enumerate(self.headers)
            if self.cleaned_data.get(f"col_{i}")
        }
