"""Form pieces every app shares: Vietnamese dates, the hidden `version` of edits, the delete form.

Forms validate input and render it; the services decide (and re-check) what may be written, so a
`VersionedModelForm` hands its cleaned data to a service instead of saving itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kvpt.core.models import Classification
from kvpt.core.scope import get_scope
from kvpt.core.widgets import FastSelectsMixin, lean_choices

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]


class VnDateInput(forms.DateInput):
    """dd/mm/yyyy as people here write it, with a numeric keypad on phones."""

    def __init__(self, **kwargs: Any) -> None:
        attrs = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
        super().__init__(format="%d/%m/%Y", attrs=attrs | kwargs.pop("attrs", {}), **kwargs)


def vn_date_field(label: Any, *, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT_FORMATS,
        widget=VnDateInput(),
        error_messages={"invalid": _("Ngày không hợp lệ: hãy nhập theo dạng dd/mm/yyyy.")},
    )


class VersionedModelForm(FastSelectsMixin, forms.ModelForm):
    """A ModelForm whose data goes to a service: hidden `version`, clearance-limited marking.

    `service_data()` is `Meta.fields` as cleaned (the keyword arguments of `<entity>_create` and
    the `changes` of `<entity>_update`); `expected_version` is what the edit was opened from, so
    the service can refuse a stale save with ConcurrentEditError. Unique checks are left to the
    service, which names the clash in plain Vietnamese (the database backs it up). Its selects
    are written by kvpt.core.widgets (one pass, no template per option).
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        if "classification" in self.fields:
            clearance = get_scope(user).clearance
            self.fields["classification"].choices = [  # type: ignore[attr-defined]
                (value, label) for value, label in Classification.choices if value <= clearance
            ]

    def limit_choices(
        self,
        name: str,
        queryset: QuerySet[Any],
        *,
        also_visible: QuerySet[Any] | None = None,
        label: Callable[[Any], str] | None = None,
        reads: tuple[str, ...] = (),
    ) -> None:
        """Offer in `name` only `queryset` (what the user may pick, from a selector).

        On an edit, the present value is offered too when `also_visible` (what the user may see)
        holds it: a record placed by someone above stays where it is instead of failing "required".
        `reads`: the columns the labels read (`label`, else the model's __str__); the select then
        loads only those (see kvpt.core.widgets.lean_choices).
        """
        if self.instance.pk and also_visible is not None:
            present = also_visible.filter(pk=getattr(self.instance, f"{name}_id"))
            queryset = (queryset | present).distinct()
        field: Any = self.fields[name]
        field.queryset = queryset
        if label is not None:
            field.label_from_instance = label
        if reads:
            lean_choices(field, *reads)

    def validate_unique(self) -> None:
        """The service checks codes with a clearer message (and the database backs it up)."""

    def service_data(self) -> dict[str, Any]:
        # A field a subclass removed (e.g. a parent the user may not change) is left unchanged.
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.fields}  # type: ignore[union-attr]

    @property
    def expected_version(self) -> int | None:
        value = self.cleaned_data.get("version")
        return int(value) if value else None


class DeleteForm(forms.Form):
    """The delete confirmation: only the version the page was opened with."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
