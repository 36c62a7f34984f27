"""Choice labels read once per field and language, instead of `get_FOO_display()` per row.

`get_FOO_display()` rebuilds a hashable copy of the field's choices and translates every label
on each call; a report with thousands of rows spent seconds there. `display(obj, "status")`
gives the same text from a map built once (per model, field and active language).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.encoding import force_str
from django.utils.translation import get_language


@lru_cache(maxsize=256)
def _labels(model: Any, field_name: str, language: str | None) -> dict[Any, str]:
    field = model._meta.get_field(field_name)
    return {value: force_str(label) for value, label in field.flatchoices}


def choice_labels(model: Any, field_name: str) -> dict[Any, str]:
    """{value: label} of a field's choices, translated in the active language."""
    return _labels(model, field_name, get_language())


def display(obj: Any, field_name: str) -> Any:
    """What `obj.get_<field_name>_display()` returns, from the once-built map."""
    try:
        value = getattr(obj, field_name)
        return choice_labels(type(obj), field_name).get(value, value)
    except (TypeError, AttributeError, FieldDoesNotExist):  # not a model field: ask Django
        return getattr(obj, f"get_{field_name}_display")()
