"""Forms of the review: the full add / edit forms, the secretary's quick forms for the conference
screen, status moves and evidence uploads. Choices come from selectors (what the user may see)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kvpt.core.forms import VersionedModelForm, vn_date_field
from kvpt.core.widgets import FastSelectsMixin, lean_choices
from kvpt.review.models import (
    Conference,
    CorrectiveAction,
    Directive,
    Observation,
    ObservationArea,
    ObservationKind,
)
from kvpt.review.services import (
    ACTION_FIELDS,
    CONFERENCE_FIELDS,
    DIRECTIVE_FIELDS,
    OBSERVATION_FIELDS,
)

CODE_HELP = _("Để trống: hệ thống tự đánh số.")


def _no_people() -> Any:
    from kvpt.organisations.models import Person

    return Person.objects.none()


TEXTAREA = {"rows": 3, "data-ctrl-enter": "submit"}

# The columns the options' labels read (the models' __str__): the selects load only these.
PERSON = ("full_name",)
AGENCY = ("name",)
UNIT = ("name",)
CONFERENCE = ("title", "held_on")


def _people(user: Any, exercise: Any) -> Any:
    from kvpt.review.selectors import people_for

    return people_for(user, exercise)


def _agencies(user: Any, exercise: Any) -> Any:
    from kvpt.review.selectors import agencies_for

    return agencies_for(user, exercise)


def _units(user: Any) -> Any:
    from kvpt.organisations.selectors import unit_list

    return unit_list(user).order_by("code")


class _ReviewForm(VersionedModelForm):
    """Codes are optional (numbered by the service); an edit left blank keeps the code."""

    def __init__(self, *args: Any, exercise: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.exercise = exercise or getattr(self.instance, "exercise", None)
        if "code" in self.fields:
            self.fields["code"].required = False
            self.fields["code"].help_text = CODE_HELP

    def clean_code(self) -> str:
        code = (self.cleaned_data.get("code") or "").strip()
        return code or (self.instance.code if self.instance.pk else "")

    def _same_exercise(self, name: str, queryset: Any, reads: tuple[str, ...]) -> None:
        if name in self.fields and self.exercise is not None:
            self.limit_choices(name, queryset.filter(exercise_id=self.exercise.pk), reads=reads)

    def _directory(self, name: str, queryset: Any, reads: tuple[str, ...]) -> None:
        if name in self.fields:
            self.limit_choices(name, queryset, also_visible=queryset, reads=reads)


class ConferenceForm(_ReviewForm):
    held_on = vn_date_field(_("Ngày họp"), required=True)
    agenda = forms.CharField(
        label=_("Chương trình"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mỗi mục một dòng."),
    )
    chairs = forms.ModelMultipleChoiceField(
        label=_("Chủ trì"), queryset=_no_people(), required=False
    )

    class Meta:
        model = Conference
        fields = [*CONFERENCE_FIELDS, "chairs"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chairs"].queryset = _people(self.user, self.exercise)  # type: ignore[attr-defined]
        lean_choices(self.fields["chairs"], *PERSON)
        if self.instance.pk and not self.is_bound:
            self.initial["agenda"] = "\n".join(self.instance.agenda or [])
            self.initial["chairs"] = list(self.instance.chairs.values_list("pk", flat=True))


class ObservationForm(_ReviewForm):
    tags = forms.CharField(
        label=_("Từ khóa"),
        required=False,
        help_text=_("Cách nhau bằng dấu phẩy, ví dụ: hậu cần, đường cơ động."),
    )

    class Meta:
        model = Observation
        fields = list(OBSERVATION_FIELDS)
        widgets = {
            name: forms.Textarea(attrs=TEXTAREA)
            for name in ("observation", "discussion", "conclusion", "recommendation")
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from kvpt.review.selectors import conference_list

        super().__init__(*args, **kwargs)
        self._same_exercise("conference", conference_list(self.user), CONFERENCE)
        self._directory("raised_by_agency", _agencies(self.user, self.exercise), AGENCY)
        self._directory("raised_by_unit", _units(self.user), UNIT)
        self._directory("raised_by_person", _people(self.user, self.exercise), PERSON)
        if self.instance.pk and not self.is_bound:
            self.initial["tags"] = ", ".join(self.instance.tags or [])


class DirectiveForm(_ReviewForm):
    given_on = vn_date_field(_("Ngày chỉ đạo"))

    class Meta:
        model = Directive
        fields = list(DIRECTIVE_FIELDS)
        widgets = {"text": forms.Textarea(attrs=TEXTAREA)}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from kvpt.review.selectors import conference_list

        super().__init__(*args, **kwargs)
        self._same_exercise("conference", conference_list(self.user), CONFERENCE)
        self._directory("given_by", _people(self.user, self.exercise), PERSON)


class ActionForm(_ReviewForm):
    start = vn_date_field(_("Bắt đầu"))
    due = vn_date_field(_("Hạn hoàn thành"))

    class Meta:
        model = CorrectiveAction
        fields = list(ACTION_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs=TEXTAREA),
            "progress_note": forms.Textarea(attrs=TEXTAREA),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from kvpt.review.selectors import directive_list, observation_list

        super().__init__(*args, **kwargs)
        self._same_exercise("observation", observation_list(self.user), ("code", "observation"))
        self._same_exercise("directive", directive_list(self.user), ("code", "text"))
        self._directory("owner", _agencies(self.user, self.exercise), AGENCY)
        self._directory("responsible", _people(self.user, self.exercise), PERSON)


class ActionProgressForm(VersionedModelForm):
    """What an owner reports on an action."""

    class Meta:
        model = CorrectiveAction
        fields = ["progress_note"]
        widgets = {"progress_note": forms.Textarea(attrs=TEXTAREA)}


# --- the secretary's quick forms ---------------------------------------------------------------


class QuickObservationForm(FastSelectsMixin, forms.Form):
    """One observation typed while someone speaks: kind, area, the ODCR texts, who raised it."""

    kind = forms.ChoiceField(
        label=_("Loại"),
        choices=ObservationKind.choices,
        initial=ObservationKind.SHORTCOMING,
        widget=forms.RadioSelect,
    )
    area = forms.ChoiceField(label=_("Lĩnh vực"), choices=ObservationArea.choices)
    observation = forms.CharField(
        label=_("Nhận xét"), widget=forms.Textarea(attrs={**TEXTAREA, "autofocus": True})
    )
    discussion = forms.CharField(
        label=_("Phân tích, nguyên nhân"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    conclusion = forms.CharField(
        label=_("Kết luận"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    recommendation = forms.CharField(
        label=_("Kiến nghị, giải pháp"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    raised_by_person = forms.ModelChoiceField(
        label=_("Người nêu"), queryset=_no_people(), required=False
    )
    tags = forms.CharField(label=_("Từ khóa"), required=False)

    def __init__(self, *args: Any, user: Any, exercise: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["raised_by_person"].queryset = _people(user, exercise)  # type: ignore[attr-defined]
        lean_choices(self.fields["raised_by_person"], *PERSON)


class QuickDirectiveForm(FastSelectsMixin, forms.Form):
    """A directive as the leader speaks it, and up to three actions it turns into."""

    ACTION_ROWS = 3

    text = forms.CharField(
        label=_("Nội dung chỉ đạo"), widget=forms.Textarea(attrs={**TEXTAREA, "autofocus": True})
    )
    given_by = forms.ModelChoiceField(
        label=_("Người chỉ đạo"),
        queryset=_no_people(),
        required=False,
    )

    def __init__(
        self, *args: Any, user: Any, exercise: Any, chairs: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["given_by"].queryset = _people(user, exercise)  # type: ignore[attr-defined]
        lean_choices(self.fields["given_by"], *PERSON)
        if chairs:
            self.fields["given_by"].initial = chairs[0].pk
        agencies = _agencies(user, exercise)
        people = _people(user, exercise)
        for i in range(1, self.ACTION_ROWS + 1):
            self.fields[f"action_{i}_title"] = forms.CharField(
                label=_("Việc khắc phục %(n)s") % {"n": i}, required=False, max_length=400
            )
            owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
                label=_("Cơ quan chủ trì"), queryset=agencies, required=False
            )
            responsible: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
                label=_("Người chịu trách nhiệm"), queryset=people, required=False
            )
            lean_choices(owner, *AGENCY)
            lean_choices(responsible, *PERSON)
            self.fields[f"action_{i}_owner"] = owner
            self.fields[f"action_{i}_responsible"] = responsible
            self.fields[f"action_{i}_due"] = vn_date_field(_("Hạn"))

    def action_rows(self) -> list[dict[str, Any]]:
        rows = []
        for i in range(1, self.ACTION_ROWS + 1):
            title = (self.cleaned_data.get(f"action_{i}_title") or "").strip()
            if title:
                rows.append(
                    {
                        "title": title,
                        "owner": self.cleaned_data.get(f"action_{i}_owner"),
                        "responsible": self.cleaned_data.get(f"action_{i}_responsible"),
                        "due": self.cleaned_data.get(f"action_{i}_due"),
                    }
                )
        return rows

    def bound_action_rows(self) -> list[list[Any]]:
        return [
            [self[f"action_{i}_{name}"] for name in ("title", "owner", "responsible", "due")]
            for i in range(1, self.ACTION_ROWS + 1)
        ]


class MoveForm(forms.Form):
    """A status move: where to, why, and the version the page showed."""

    to = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Lý do, ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Tệp minh chứng"))
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=400)
