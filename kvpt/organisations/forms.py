"""Forms of the directory: each limits its choices to the user's scope and carries `version`.

The forms validate input and render it; the services decide (and re-check) what may be written.
Uniqueness of codes is left to the services, which name the clash in plain Vietnamese.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kvpt.core.forms import VersionedModelForm, vn_date_field
from kvpt.core.scope import get_scope
from kvpt.core.widgets import FastSelectsMixin, lean_choices
from kvpt.organisations import selectors
from kvpt.organisations.models import (
    Agency,
    AgencyKind,
    Area,
    AreaLevel,
    AreaSuccession,
    Person,
    Position,
    Unit,
    UnitKind,
)
from kvpt.organisations.services import AGENCY_FIELDS, AREA_FIELDS, PERSON_FIELDS, UNIT_FIELDS


class AreaForm(VersionedModelForm):
    valid_from = vn_date_field(_("Hiệu lực từ"))
    valid_to = vn_date_field(_("Hiệu lực đến"))

    class Meta:
        model = Area
        fields = list(AREA_FIELDS)
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        parents = selectors.area_managed_list(user)
        is_superuser = get_scope(user).is_superuser
        if self.instance.pk:
            # An area cannot move under itself or its own subtree.
            parents = parents.exclude(path__startswith=self.instance.path)
        self.fields["parent"].queryset = parents.order_by("path")  # type: ignore[attr-defined]
        lean_choices(self.fields["parent"], *AREA_READS, label=_indented)
        self.fields["level"].queryset = AreaLevel.objects.all()  # type: ignore[attr-defined]
        if not is_superuser:
            # Only a system administrator adds or moves areas at the top of the tree.
            self.fields["parent"].required = True
            parent_id = self.instance.parent_id
            if self.instance.pk and (
                parent_id is None or not parents.filter(pk=parent_id).exists()
            ):
                # The area sits where this user cannot write (e.g. their own district under the
                # province): it stays where it is, and its parent is not even shown.
                del self.fields["parent"]


def _indented(area: Area) -> str:
    return f"{'— ' * area.depth}{area.name} ({area.code})"


AREA_READS = ("depth", "name", "code")  # what _indented reads: the area selects load only these


def _limit_area(form: VersionedModelForm, user: Any) -> None:
    """The `area` a record is placed in: one the user manages (or, on an edit, where it is)."""
    form.limit_choices(
        "area",
        selectors.area_managed_list(user).order_by("path"),
        also_visible=selectors.area_list(user),
        label=_indented,
        reads=AREA_READS,
    )


class AreaSuccessionForm(FastSelectsMixin, forms.ModelForm):
    effective_on = vn_date_field(_("Ngày hiệu lực"), required=True)

    class Meta:
        model = AreaSuccession
        fields = ["predecessor", "successor", "effective_on", "note"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["predecessor"].queryset = (  # type: ignore[attr-defined]
            selectors.area_list(user).order_by("path")
        )
        self.fields["successor"].queryset = (  # type: ignore[attr-defined]
            selectors.area_managed_list(user).order_by("path")
        )
        for name in ("predecessor", "successor"):
            lean_choices(self.fields[name], *AREA_READS, label=_indented)

    def validate_unique(self) -> None:
        """The service names the duplicate link."""

    def _post_clean(self) -> None:
        # The model's constraints are checked by the service with clearer messages.
        pass


class AgencyForm(VersionedModelForm):
    valid_from = vn_date_field(_("Hiệu lực từ"))
    valid_to = vn_date_field(_("Hiệu lực đến"))

    class Meta:
        model = Agency
        fields = list(AGENCY_FIELDS)
        widgets = {"covered_areas": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        _limit_area(self, user)
        parents = selectors.agency_list(user)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        lean_choices(self.fields["parent"], "name")
        self.fields["covered_areas"].queryset = (  # type: ignore[attr-defined]
            selectors.area_list(user).order_by("path")
        )
        lean_choices(self.fields["covered_areas"], *AREA_READS, label=_indented)
        self.fields["kind"].choices = AgencyKind.choices  # type: ignore[attr-defined]


class UnitForm(VersionedModelForm):
    class Meta:
        model = Unit
        fields = list(UNIT_FIELDS)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.limit_choices(
            "agency",
            selectors.agency_managed_list(user),
            also_visible=selectors.agency_list(user),
            reads=("name",),
        )
        parents = selectors.unit_list(user)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        lean_choices(self.fields["parent"], "name")
        self.fields["kind"].choices = UnitKind.choices  # type: ignore[attr-defined]


class PersonForm(VersionedModelForm):
    class Meta:
        model = Person
        fields = list(PERSON_FIELDS)
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        _limit_area(self, user)


class PositionForm(FastSelectsMixin, forms.ModelForm):
    start = vn_date_field(_("Từ ngày"))
    end = vn_date_field(_("Đến ngày"))

    class Meta:
        model = Position
        fields = ["title", "agency", "order", "start", "end"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = selectors.agency_list(user)  # type: ignore[attr-defined]
        lean_choices(self.fields["agency"], "name")
        self.fields["order"].required = False
        self.fields["order"].help_text = _("Thứ tự khi ghi các chức vụ của một người.")

    def clean_order(self) -> int:
        return self.cleaned_data.get("order") or 0
