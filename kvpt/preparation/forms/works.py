"""Forms of works: add / edit, the handover, and the Vietnamese quantity input ("2,3")."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kvpt.core.forms import VersionedModelForm, vn_date_field
from kvpt.core.permissions import require_perm
from kvpt.core.widgets import FastSelectsMixin, lean_choices
from kvpt.preparation.formatting import vn_number
from kvpt.preparation.models import Work, WorkStatus
from kvpt.preparation.services.works import PERM, WORK_FIELDS, WORK_HANDOVER_FIELDS

_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")
_DECIMAL = re.compile(r"^\d+([.,]\d+)?$")


def parse_vn_decimal(raw: str, places: int = 2) -> Decimal:
    """ "2,3" and "2.3" -> 2.3; "1.250" and "1.250,5" -> 1250 and 1250.5 (dots group thousands)."""
    text = raw.strip().replace(" ", "").replace("\u00a0", "")
    if text.startswith("-"):
        raise ValidationError(_("Khối lượng không được âm."), code="negative")
    if "," in text:
        whole, _sep, fraction = text.rpartition(",")
        if "." in whole and not _THOUSANDS.match(whole):
            raise ValidationError(_("Số không hợp lệ: ví dụ 2,3 hoặc 1.250,5."), code="invalid")
        text = whole.replace(".", "") + "." + fraction
    elif _THOUSANDS.match(text):
        text = text.replace(".", "")
    if not _DECIMAL.match(text.replace(",", ".")):
        raise ValidationError(_("Số không hợp lệ: ví dụ 2,3 hoặc 1.250,5."), code="invalid")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValidationError(
            _("Số không hợp lệ: ví dụ 2,3 hoặc 1.250,5."), code="invalid"
        ) from exc
    if value.as_tuple().exponent < -places:  # type: ignore[operator]
        raise ValidationError(
            _("Tối đa %(places)s chữ số sau dấu phẩy.") % {"places": places}, code="places"
        )
    return value


class VnDecimalField(forms.CharField):
    """A quantity typed the Vietnamese way: decimal comma, optional thousands dots."""

    def __init__(self, *, places: int = 2, **kwargs: Any) -> None:
        self.places = places
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, (Decimal, int, float)):
            return vn_number(value, self.places)
        return value

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        return parse_vn_decimal(text, self.places)


def subcommittee_choices(user: Any, exercise: Any) -> QuerySet[Any]:
    """The subcommittees a record of `exercise` may be put under by `user`.

    Editors of the exercise: all of them; a subcommittee member: those they sit on.
    """
    from kvpt.exercises.models import CommitteeKind
    from kvpt.exercises.selectors import committee_list

    committees = committee_list(user).filter(exercise=exercise, kind=CommitteeKind.SUBCOMMITTEE)
    if user.has_perm(PERM, Work(exercise=exercise)):
        return committees
    person_id = getattr(user, "person_id", None)
    return committees.filter(members__person_id=person_id).distinct()


def can_add_record(user: Any, exercise: Any) -> bool:
    """May `user` add a work or budget line to `exercise` (as an editor or for a subcommittee)?"""
    if user.has_perm(PERM, Work(exercise=exercise)):
        return True
    from kvpt.accounts.models import Role
    from kvpt.core.permissions import roles_on

    return Role.SUBCOMMITTEE_MEMBER in roles_on(user, exercise) and (
        subcommittee_choices(user, exercise).exists()
    )


def offer(
    form: VersionedModelForm, name: str, queryset: QuerySet[Any], reads: tuple[str, ...] = ()
) -> None:
    """Offer `queryset` in `name`; a present value the user may not pick stays as it is.

    The field is then left out of the form (and so out of the changes): a select without the
    present option would otherwise clear a link set by someone who sees more. `reads`: the
    columns the options' labels read (VersionedModelForm.limit_choices).
    """
    if name not in form.fields:
        return
    present = getattr(form.instance, f"{name}_id", None) if form.instance.pk else None
    if present is not None and not queryset.filter(pk=present).exists():
        del form.fields[name]
        return
    form.limit_choices(name, queryset, reads=reads)


def limit_subcommittee(form: VersionedModelForm, user: Any, exercise: Any) -> None:
    """Editors choose any subcommittee (or none); a member must choose one of their own.

    A member who sits on a single subcommittee finds it already chosen on the add page.
    """
    choices = subcommittee_choices(user, exercise)
    offer(form, "subcommittee", choices)
    if "subcommittee" not in form.fields or user.has_perm(PERM, Work(exercise=exercise)):
        return
    form.fields["subcommittee"].required = True
    if not form.instance.pk and not form.is_bound:
        own = list(choices[:2])
        if len(own) == 1 and not form.initial.get("subcommittee"):
            form.initial["subcommittee"] = own[0].pk


class WorkForm(VersionedModelForm):
    quantity = VnDecimalField(
        label=_("Khối lượng"),
        required=False,
        help_text=_("Ví dụ 2,3 (km) hoặc 1.250 (m²); để trống nếu đếm theo cái."),
    )
    handed_over_on = vn_date_field(_("Ngày bàn giao"))

    class Meta:
        model = Work
        fields = [*WORK_FIELDS, *WORK_HANDOVER_FIELDS]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "location": forms.TextInput(),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        from kvpt.organisations.selectors import agency_list
        from kvpt.preparation.selectors import budget_line_list

        exercise = self.instance.exercise
        agencies = agency_list(user).order_by("name")
        for name in ("owner", "custodian", "handed_over_to"):
            offer(self, name, agencies, reads=("name",))
        limit_subcommittee(self, user, exercise)
        lines = budget_line_list(user).filter(exercise=exercise).order_by("code")
        offer(self, "budget_line", lines, reads=("code", "description"))
        self.fields["location"].help_text = _(
            "Vị trí sở chỉ huy, hầm thường là bí mật: đặt độ mật cho phù hợp."
        )
        self.fields["classification"].help_text = _(
            "Không thấp hơn độ mật của cuộc diễn tập; có thể cao hơn."
        )
        handed_over = self.instance.pk and self.instance.status == WorkStatus.HANDED_OVER
        if not handed_over:
            # Before the handover these are set by the "Bàn giao" form, not typed in.
            for name in WORK_HANDOVER_FIELDS:
                del self.fields[name]
            self.fields["status"].choices = [  # type: ignore[attr-defined]
                (value, label)
                for value, label in WorkStatus.choices
                if value != WorkStatus.HANDED_OVER
            ]
        if not self.instance.pk:
            self.initial.setdefault("classification", exercise.classification)


class WorkHandoverForm(FastSelectsMixin, forms.Form):
    """The handover record: who receives the work, when, under which record number."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    receiving_agency: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Đơn vị nhận bàn giao"), queryset=None, empty_label="—"
    )
    on = vn_date_field(_("Ngày bàn giao"), required=True)
    record_number = forms.CharField(
        label=_("Số biên bản bàn giao"), max_length=80, help_text=_("Ví dụ: 12/BB-BCHQS.")
    )

    def __init__(self, *args: Any, user: Any, work: Work, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from kvpt.organisations.selectors import agency_list

        require_perm(user, PERM, work)
        self.fields["receiving_agency"].queryset = agency_list(user).order_by("name")  # type: ignore[attr-defined]
        lean_choices(self.fields["receiving_agency"], "name")
        if not self.is_bound:
            self.initial["version"] = work.version

    @property
    def expected_version(self) -> int | None:
        value = self.cleaned_data.get("version")
        return int(value) if value else None
