"""Forms of the evaluation pages; the services decide and re-check every write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kvpt.core.forms import VersionedModelForm, vn_date_field
from kvpt.evaluation.models import Award, CriteriaSet, Criterion, ExerciseGrade, ScaleLevel
from kvpt.evaluation.services import AWARD_FIELDS, CRITERIA_SET_FIELDS, CRITERION_FIELDS


def level_label(level: ScaleLevel) -> str:
    return f"{level.scale.name}: {level.label}"


class CriteriaSetForm(VersionedModelForm):
    class Meta:
        model = CriteriaSet
        fields = list(CRITERIA_SET_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False
        self.fields["code"].help_text = _("Bỏ trống để tự đánh mã (BTC-01, BTC-02 ...).")


class CriterionForm(VersionedModelForm):
    class Meta:
        model = Criterion
        fields = list(CRITERION_FIELDS)
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False
        self.fields["order"].required = False
        exercise = self.instance.exercise if self.instance.exercise_id else None
        if exercise is not None:
            lines = [
                *(f"{_('Mục đích')} {i}: {t}" for i, t in enumerate(exercise.purposes or [], 1)),
                *(f"{_('Yêu cầu')} {i}: {t}" for i, t in enumerate(exercise.requirements or [], 1)),
            ]
            self.fields["link_index"].help_text = " · ".join(lines)


class GradeForm(VersionedModelForm):
    decided_on = vn_date_field(_("ngày đánh giá"))

    class Meta:
        model = ExerciseGrade
        fields = ["level", "decided_by_agency", "decided_on", "basis", "is_illustrative"]
        widgets = {"basis": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from kvpt.organisations.selectors import agency_list

        field: Any = self.fields["level"]
        field.queryset = ScaleLevel.objects.select_related("scale").order_by("scale__name", "order")
        field.label_from_instance = level_label
        self.limit_choices("decided_by_agency", agency_list(self.user), reads=("name",))


class AwardForm(VersionedModelForm):
    decision_date = vn_date_field(_("ngày quyết định"))

    class Meta:
        model = Award
        fields = list(AWARD_FIELDS)
        widgets = {"reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from kvpt.organisations.selectors import agency_list, person_list, unit_list

        self.fields["code"].required = False
        self.limit_choices("issuer_agency", agency_list(self.user), reads=("name",))
        self.limit_choices("recipient_agency", agency_list(self.user), reads=("name",))
        self.limit_choices("recipient_unit", unit_list(self.user), reads=("name",))
        self.limit_choices("recipient_person", person_list(self.user), reads=("full_name",))
