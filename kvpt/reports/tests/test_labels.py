"""The once-built choice labels give the same text as Django's get_FOO_display()."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.utils import translation

from kvpt.reports.labels import choice_labels, display

FIELDS = [
    ("preparation", "Task", "status"),
    ("preparation", "Document", "status"),
    ("preparation", "Document", "classification"),
    ("preparation", "Work", "construction"),
    ("preparation", "Work", "quantity_unit"),
    ("preparation", "Work", "status"),
    ("preparation", "BudgetLine", "category"),
]
if apps.is_installed("kvpt.review"):
    FIELDS += [("review", "Observation", "area"), ("review", "CorrectiveAction", "status")]


def _model(app: str, name: str) -> Any:
    return apps.get_model(app, name)


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(("app", "name", "field"), FIELDS)
def test_every_choice_reads_as_get_display(app: str, name: str, field: str, language: str) -> None:
    model = _model(app, name)
    choices = model._meta.get_field(field).flatchoices
    assert choices
    with translation.override(language):
        for value, _label in choices:
            obj = model(**{field: value})
            expected = getattr(obj, f"get_{field}_display")()
            assert display(obj, field) == expected
            assert choice_labels(model, field)[value] == expected


def test_unknown_value_and_non_model_fall_back_as_django_does() -> None:
    model = _model("preparation", "Task")
    obj = model(status="no-such-status")
    assert display(obj, "status") == obj.get_status_display() == "no-such-status"
    plain = SimpleNamespace(status="x", get_status_display=lambda: "Nhãn")
    assert display(plain, "status") == "Nhãn"
