"""Choice labels read once per field and language.

Django's `get_FOO_display()` rebuilds a hashable copy of the field's choices and translates every
label on each call: a report with thousands of rows spent seconds there, and an API page of 50
tasks with three labels each about 8 ms. The map here is built once per model, field and active
language. `display(obj, "status")` reads it for any object; the models of kvpt.core.models's
bases answer `get_FOO_display()` from it too (`FastChoiceDisplay`).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.encoding import force_str
from django.utils.translation import get_language


# Unbounded on purpose: the keys are the models' fields with choices (166) times the languages;
# a bound below that (it was 256) evicted maps in use whenever both languages were served.
@cache
def _labels(model: Any, field_name: str, language: str | None) -> dict[Any, str]:
    field = model._meta.get_field(field_name)
    return {value: force_str(label) for value, label in field.flatchoices}


def choice_labels(model: Any, field_name: str) -> dict[Any, str]:
    """{value: label} of a field's choices, translated in the active language."""
    return _labels(model, field_name, get_language())


def field_display(model: Any, field_name: str, value: Any) -> Any:
    """The label of `value`, or `value` itself when it is not one of the choices (as Django)."""
    try:
        return choice_labels(model, field_name).get(value, value)
    except TypeError:  # an unhashable value (a list in a JSON field) is never a choice
        return value


def display(obj: Any, field_name: str) -> Any:
    """What `obj.get_<field_name>_display()` returns, from the once-built map."""
    try:
        return field_display(type(obj), field_name, getattr(obj, field_name))
    except (AttributeError, FieldDoesNotExist):  # not a model field: ask Django
        return getattr(obj, f"get_{field_name}_display")()
