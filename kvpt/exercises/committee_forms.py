"""Forms of the committee pages: they parse and offer choices; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kvpt.core.forms import VersionedModelForm
from kvpt.exercises.committee_services import COMMITTEE_FIELDS, MEMBER_FIELDS
from kvpt.exercises.models import Committee, CommitteeMember

# How many people the member form lists before the user types a name.
PEOPLE_SHOWN = 50


class CommitteeForm(VersionedModelForm):
    """Add or edit a committee: kind, code, name, order, duties."""

    class Meta:
        model = Committee
        fields = list(COMMITTEE_FIELDS)
        widgets = {"duties": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "order": _("Để trống: xếp sau các ban đã có."),
            "duties": _("Chức năng, nhiệm vụ của ban theo quyết định thành lập."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False
        if not self.instance.pk:
            self.initial.pop("order", None)  # blank: after the others (not the model's 0)


def person_label(person: Any) -> str:
    rank = f"{person.rank} " if person.rank else ""
    return f"{rank}{person.full_name} · {person.code}"


def person_options(user: Any, exercise: Any, q: str = "", limit: int = PEOPLE_SHOWN) -> list[Any]:
    """People the member form lists: those matching `q`, the exercise's own area's first."""
    from kvpt.core.filters import matching
    from kvpt.exercises.selectors import committee_person_choices

    near = Case(
        When(area__path__startswith=exercise.area.path, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    people = matching(committee_person_choices(user, exercise), q)
    return list(people.annotate(near=near).order_by("near", "full_name", "pk")[:limit])


class CommitteeMemberForm(VersionedModelForm):
    """Seat a person from the directory on a committee, with position and roles.

    The person list shows a few dozen names; typing in "Tìm người" narrows it through htmx (the
    choice is validated against everyone the user may see, not only the names shown).
    """

    person_q = forms.CharField(
        label=_("Tìm người trong danh bạ"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Gõ họ tên hoặc mã, không cần dấu; danh sách bên dưới sẽ lọc theo."),
    )

    field_order = ["person_q", *MEMBER_FIELDS]

    class Meta:
        model = CommitteeMember
        fields = list(MEMBER_FIELDS)
        help_texts = {
            "position": _(
                "Để trống: lấy các chức vụ người đó giữ vào ngày bắt đầu diễn tập (hoặc hôm nay)."
            ),
            "order": _("Để trống: xếp sau các thành viên đã có."),
            "exercise_role": _("Vai người đó đảm nhiệm khi diễn tập, ví dụ: Chủ tịch UBND huyện."),
        }

    def __init__(self, *args: Any, committee: Committee, **kwargs: Any) -> None:
        from kvpt.exercises.selectors import committee_person_choices

        super().__init__(*args, **kwargs)
        self.committee = committee
        self.fields["order"].required = False
        if not self.instance.pk:
            self.initial.pop("order", None)
        self.fields["position"].required = False
        field: Any = self.fields["person"]
        # Everyone the user may see validates; a stored person outside it stays selectable.
        people = committee_person_choices(self.user, committee.exercise)
        self.limit_choices("person", people, also_visible=_present_person(self.instance))
        search_url = reverse("exercises:committee_people", args=[committee.pk])
        position_url = reverse("exercises:committee_person_position", args=[committee.pk])
        self.fields["person_q"].widget.attrs.update(
            {
                "autocomplete": "off",
                "hx-get": search_url,
                "hx-trigger": "input changed delay:300ms, search",
                "hx-target": "#id_person",
                "hx-swap": "innerHTML",
                "hx-include": "[name=person]",
            }
        )
        field.widget.attrs.update(
            {
                # The list is narrowed on the server by "Tìm người": no second filter box.
                "data-filter": "off",
                "hx-get": position_url,
                "hx-trigger": "change",
                "hx-target": "#id_position",
                "hx-swap": "outerHTML",
                "hx-include": "[name=person], [name=position]",
            }
        )
        query = str(self.data.get(self.add_prefix("person_q"), "")) if self.is_bound else ""
        self.show_people(person_options(self.user, committee.exercise, query))

    def show_people(self, shown: list[Any]) -> None:
        """Render only `shown` (plus the chosen person) as options; validation still uses all."""
        field: Any = self.fields["person"]
        chosen = self._chosen_person()
        if chosen is not None and all(p.pk != chosen.pk for p in shown):
            shown = [chosen, *shown]
        field.widget.choices = [("", "---------"), *((p.pk, person_label(p)) for p in shown)]

    def _chosen_person(self) -> Any:
        field: Any = self.fields["person"]
        value: Any = self.data.get(self.add_prefix("person")) if self.is_bound else None
        if value in (None, ""):
            value = self.initial.get("person") or (self.instance.person_id or None)
        if value in (None, ""):
            return None
        pk: Any = getattr(value, "pk", value)
        try:
            return field.queryset.filter(pk=int(pk)).first()
        except (TypeError, ValueError):
            return None


def _present_person(member: CommitteeMember) -> QuerySet[Any] | None:
    """On an edit, the member's person stays offered even if now outside the user's directory."""
    from kvpt.organisations.models import Person

    if not member.pk:
        return None
    return Person.objects.filter(pk=member.person_id)
