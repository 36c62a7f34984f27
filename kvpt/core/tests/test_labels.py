"""The once-built choice labels give the same text as Django's own get_FOO_display()."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from kvpt.core.labels import choice_labels, display
from kvpt.core.models import FastChoiceDisplay

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


def django_display(obj: Any, field: Any) -> Any:
    """Django's own get_FOO_display(), which the models' fast one must equal."""
    return models.Model._get_FIELD_display(obj, field)  # type: ignore[attr-defined]


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
            # Django's own implementation, which the models' fast one must equal.
            expected = django_display(obj, model._meta.get_field(field))
            assert getattr(obj, f"get_{field}_display")() == expected
            assert display(obj, field) == expected
            assert choice_labels(model, field)[value] == expected


def test_models_on_the_core_bases_use_the_fast_labels() -> None:
    for app, name, _field in FIELDS:
        assert issubclass(_model(app, name), FastChoiceDisplay)


def test_unknown_value_and_non_model_fall_back_as_django_does() -> None:
    model = _model("preparation", "Task")
    obj = model(status="no-such-status")
    assert display(obj, "status") == obj.get_status_display() == "no-such-status"
    assert django_display(obj, model._meta.get_field("status")) == "no-such-status"
    plain = SimpleNamespace(status="x", get_status_display=lambda: "Nhãn")
    assert display(plain, "status") == "Nhãn"


def _fields_with_choices() -> list[tuple[Any, Any]]:
    return [
        (model, field)
        for model in apps.get_models()
        if issubclass(model, FastChoiceDisplay)
        for field in model._meta.concrete_fields
        if field.choices
    ]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_field_with_choices_of_every_model_reads_as_django_does(language: str) -> None:
    fields = _fields_with_choices()
    assert len(fields) > 20
    with translation.override(language):
        for model, field in fields:
            for value, _label in field.flatchoices:
                obj = model(**{field.attname: value})
                expected = django_display(obj, field)
                assert getattr(obj, f"get_{field.name}_display")() == expected, (model, field)


def test_every_label_map_stays_cached_in_both_languages() -> None:
    from kvpt.core.labels import _labels

    _labels.cache_clear()
    fields = _fields_with_choices()
    for _round in range(2):
        for language in ("vi", "en"):
            with translation.override(language):
                for model, field in fields:
                    choice_labels(model, field.name)
    info = _labels.cache_info()
    assert info.currsize == 2 * len(fields)
    assert info.misses == 2 * len(fields)  # the second round found every map
