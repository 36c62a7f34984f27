"""Forms of forces pages; services decide and re-check every write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kvpt.core.forms import VersionedModelForm, vn_date_field
from kvpt.forces.models import Force, ForceAllocation, RosterEntry, WeaponIssue


class ForceForm(VersionedModelForm):
    situations = forms.CharField(
        label=_("Tình huống"),
        required=False,
        help_text=_('Mã các tình huống, cách nhau bằng dấu phẩy: "TQL, A2".'),
    )

    class Meta:
        model = Force
        fields = ["code", "name", "situations", "order", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["situations"] = ", ".join(self.instance.situations or [])

    def clean_situations(self) -> list[str]:
        from kvpt.forces.services import clean_situations

        return clean_situations(self.cleaned_data.get("situations") or "")

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


def _parse_lines(text: str, width: int, field: str) -> list[list[str]]:
    rows = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")]
        if len(parts) > width:
            raise forms.ValidationError(
                _("Dòng %(n)s: quá nhiều phần (ngăn cách bằng “;”).") % {"n": number}
            )
        parts += [""] * (width - len(parts))
        rows.append([*parts, str(number)])
    return rows


def _number(text: str, number: str) -> int | None:
    if not text:
        return None
    if not text.isdigit():
        raise forms.ValidationError(
            _("Dòng %(n)s: “%(v)s” không phải số nguyên.") % {"n": number, "v": text}
        )
    return int(text)


class AllocationForm(VersionedModelForm):
    vehicles_text = forms.CharField(
        label=_("Phương tiện"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_('Mỗi dòng: loại; kế hoạch; thực tế. Ví dụ: "ô tô; 15; 15".'),
    )
    equipment_text = forms.CharField(
        label=_("Trang bị"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_('Mỗi dòng: tên trang bị; số lượng. Ví dụ: "Máy thông tin; 4".'),
    )

    class Meta:
        model = ForceAllocation
        fields = [
            "unit",
            "forces",
            "planned_personnel",
            "actual_personnel",
            "size_label",
            "notes",
            "is_illustrative",
        ]
        widgets = {
            "forces": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, exercise: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from kvpt.forces.selectors import force_list
        from kvpt.forces.services import units_for

        self.exercise = exercise
        self.limit_choices("unit", units_for(self.user, exercise).order_by("name"), reads=("name",))
        self.fields["forces"].queryset = force_list(self.user).filter(  # type: ignore[attr-defined]
            exercise=exercise
        )
        if self.instance.pk and not self.is_bound:
            self.initial["vehicles_text"] = "\n".join(
                f"{v.kind}; {'' if v.planned is None else v.planned}; "
                f"{'' if v.actual is None else v.actual}"
                for v in self.instance.vehicles.all()
            )
            self.initial["equipment_text"] = "\n".join(
                f"{e.item}; {e.quantity}" for e in self.instance.equipment.all()
            )

    def clean_vehicles_text(self) -> list[dict[str, Any]]:
        return [
            {"kind": kind, "planned": _number(planned, n), "actual": _number(actual, n)}
            for kind, planned, actual, n in _parse_lines(
                self.cleaned_data.get("vehicles_text", ""), 3, "vehicles"
            )
        ]

    def clean_equipment_text(self) -> list[dict[str, Any]]:
        return [
            {"item": item, "quantity": _number(quantity, n)}
            for item, quantity, n in _parse_lines(
                self.cleaned_data.get("equipment_text", ""), 2, "equipment"
            )
        ]

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        data["forces"] = list(data["forces"] or [])
        data["vehicles"] = self.cleaned_data.get("vehicles_text") or []
        data["equipment"] = self.cleaned_data.get("equipment_text") or []
        return data


class RosterEntryForm(VersionedModelForm):
    date_of_birth = vn_date_field(_("Ngày sinh"))

    class Meta:
        model = RosterEntry
        fields = [
            "unit",
            "person_code",
            "full_name",
            "rank",
            "role",
            "reserve_status",
            "phone",
            "date_of_birth",
        ]

    def __init__(self, *args: Any, exercise: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from kvpt.forces.services import units_for

        self.limit_choices("unit", units_for(self.user, exercise).order_by("name"), reads=("name",))

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class WeaponIssueForm(VersionedModelForm):
    issued_on = vn_date_field(_("Ngày cấp"))
    returned_on = vn_date_field(_("Ngày thu hồi"))

    class Meta:
        model = WeaponIssue
        fields = [
            "unit",
            "item",
            "serial",
            "quantity_issued",
            "quantity_returned",
            "quantity_lost",
            "quantity_damaged",
            "issued_on",
            "returned_on",
            "notes",
            "is_illustrative",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, exercise: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from kvpt.forces.services import units_for

        self.limit_choices("unit", units_for(self.user, exercise).order_by("name"), reads=("name",))

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class RosterImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))
