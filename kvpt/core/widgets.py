"""Select boxes that write their options in one pass, and the forms that use them everywhere.

Django renders every <option> through its own template include (select_option.html + attrs.html):
about 40 µs an option, so a form offering 1,000 tasks, 600 people and 600 agencies spent most of a
second in templates. `FastSelect` / `FastSelectMultiple` write the very same HTML (same markup,
same whitespace, same escaping and localisation) straight from the choices, reading a
ModelChoiceField's queryset once.

`FastSelectsMixin` puts them on a form's plain Select / SelectMultiple fields when a field is
looked up for rendering (so fields a form adds in its own `__init__` are covered too). Lists of
more than 30 options get a type-to-filter box in the browser (kvpt/core/static/kvpt/
select-filter.js); attrs={"data-filter": "on"} or "off" forces it either way.
"""

from __future__ import annotations

import copy
import html
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.boundfield import BoundField
from django.forms.models import ModelChoiceIterator
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def _text(value: Any) -> str:
    """What `{{ value }}` writes in a template: localised, then escaped unless already safe."""
    if type(value) is str:  # the common case, without Django's lazy-aware wrappers
        return html.escape(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    value = localize(value)
    return str(conditional_escape(value if isinstance(value, str) else str(value)))


def _attr_value(value: Any) -> str:
    """What `{{ value|stringformat:'s' }}` writes: str(), escaped unless already safe."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def render_attrs(attrs: dict[str, Any]) -> str:
    """Django's widgets/attrs.html: False drops the attribute, True writes its bare name."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {_text(name)}")
        else:
            out.append(f' {_text(name)}="{_attr_value(value)}"')
    return "".join(out)


def lean(queryset: QuerySet[Any], names: Iterable[str]) -> QuerySet[Any]:
    """`queryset` loading only the key and `names` ("scale__name" follows a relation): no other
    columns, no other joins. Filters, ordering and distinct stay as they are."""
    names = list(names)
    related = sorted({name.rsplit("__", 1)[0] for name in names if "__" in name})
    queryset = queryset.select_related(None).prefetch_related(None)
    if related:
        queryset = queryset.select_related(*related)
    return queryset.only(*names)


def lean_choices(
    field: forms.Field, *names: str, label: Callable[[Any], str] | None = None
) -> None:
    """Let the select of a ModelChoiceField load only the columns its labels read.

    `names` must cover what `label` (or the model's __str__) reads: a column left out costs one
    query per option (the flat query count tests catch that). Only the rendering is lean; the
    field still validates against, and returns objects of, its full queryset.
    """
    field.label_fields = names  # type: ignore[attr-defined]
    if label is not None:
        field.label_from_instance = label  # type: ignore[attr-defined]


def _lean_iterator(choices: Any) -> Any:
    if not isinstance(choices, ModelChoiceIterator) or choices.queryset is None:
        return choices
    field: Any = choices.field
    names = getattr(field, "label_fields", None)
    if not names or choices.queryset.query.combinator:  # union() & co. take no only()
        return choices
    if field.to_field_name:
        names = (*names, field.to_field_name)
    lean_choices_ = copy.copy(choices)
    lean_choices_.queryset = lean(choices.queryset, names)
    return lean_choices_


class FastSelect(forms.Select):
    """A Select that writes its options itself: Django's HTML, without a template per option.

    `disabled_values` (optional) are offered greyed out, e.g. a choice kept for history.
    """

    def __init__(
        self,
        attrs: dict[str, Any] | None = None,
        choices: Any = (),
        *,
        disabled_values: Iterable[Any] = (),
    ) -> None:
        super().__init__(attrs, choices)
        self.disabled_values = {str(v) for v in disabled_values}

    def use_required_attribute(self, initial: Any) -> bool:
        # Django asks the first choice, which runs a ModelChoiceField's query a second time.
        choices = self.choices
        if self.allow_multiple_selected or not isinstance(choices, ModelChoiceIterator):
            return super().use_required_attribute(initial)
        base = forms.Widget.use_required_attribute(self, initial)
        return base and choices.field.empty_label is not None

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        if type(self).create_option is not forms.Select.create_option:
            # A subclass shapes its options itself: take Django's path.
            return super().render(name, value, attrs, renderer)
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        chosen = set(self.format_value(value))
        multiple = self.allow_multiple_selected
        disabled: set[str] = getattr(self, "disabled_values", set())
        out = [f'<select name="{_text(name)}"{render_attrs(final_attrs)}>']
        has_selected = False
        for option_value, option_label in _lean_iterator(self.choices):
            if option_value is None:
                option_value = ""
            if isinstance(option_label, (list, tuple)):
                group_name: Any = option_value
                group = option_label
            else:
                group_name = None
                group = [(option_value, option_label)]
            if group_name:
                out.append(f'\n  <optgroup label="{_text(group_name)}">')
            for subvalue, sublabel in group:
                key = str(subvalue)
                selected = (not has_selected or multiple) and key in chosen
                has_selected |= selected
                extra = " selected" if selected else ""
                if disabled and key in disabled:
                    extra += " disabled"
                value_html, label_html = _attr_value(subvalue), _text(sublabel)
                out.append(f'\n  <option value="{value_html}"{extra}>{label_html}</option>\n')
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped


class FastSelectMultiple(FastSelect, forms.SelectMultiple):
    """SelectMultiple written in one pass (see FastSelect)."""

    allow_multiple_selected = True


# Exact classes only: RadioSelect, CheckboxSelectMultiple, NullBooleanSelect and any subclass with
# its own rendering keep theirs.
FAST_WIDGETS: dict[type[forms.Widget], type[forms.Widget]] = {
    forms.Select: FastSelect,
    forms.SelectMultiple: FastSelectMultiple,
}


def make_fast(field: forms.Field) -> None:
    """Turn the field's plain Select / SelectMultiple into the fast one, in place."""
    fast = FAST_WIDGETS.get(type(field.widget))
    if fast is not None:
        # Form fields (and their widgets) are deep copies per form instance, so this is local.
        field.widget.__class__ = fast


class FastSelectsMixin:
    """Forms mixin: every plain select of the form is rendered by FastSelect(Multiple)."""

    def __getitem__(self, name: str) -> BoundField:
        bound: BoundField = super().__getitem__(name)  # type: ignore[misc]
        make_fast(bound.field)
        return bound
