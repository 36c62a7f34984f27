"""The JSON Schema of the exchange format, built from kvpt.exchange.spec.

The committed file docs/exchange/kvpt-exercise.schema.json is what import validates against; a
test checks it equals what this module builds, so the schema cannot drift from the models.
Regenerate it with `uv run python -m kvpt.exchange.schema` (with Django settings available).
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models

from kvpt.exchange.spec import (
    BY_LABEL,
    EXERCISE,
    MODELS,
    NATURAL_KEYS,
    TARGET_FIELDS,
    ModelSpec,
)

SCHEMA_ID = "https://kvpt.local/schema/kvpt-exercise-1.schema.json"


def _nullable(schema: dict[str, Any], null: bool) -> dict[str, Any]:
    if not null:
        return schema
    kind = schema.get("type")
    if isinstance(kind, str):
        return {**schema, "type": [kind, "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def _key_schema(label: str) -> dict[str, Any]:
    names = NATURAL_KEYS[label]
    if len(names) == 1:
        return {"type": "string", "minLength": 1, "description": f"{label}.{names[0]}"}
    return {
        "type": "array",
        "prefixItems": [{"type": "string", "minLength": 1} for _ in names],
        "minItems": len(names),
        "maxItems": len(names),
        "description": f"{label} ({', '.join(names)})",
    }


def _ref_schema(label: str) -> dict[str, Any]:
    if label in BY_LABEL:
        return {
            "type": "integer",
            "minimum": 0,
            "description": f"vị trí trong records.{label.replace('.', '.')} (position)",
        }
    return _key_schema(label)


def field_schema(spec: ModelSpec, name: str) -> dict[str, Any]:
    model_field = spec.model._meta.get_field(name)
    if model_field.many_to_many:
        label = model_field.related_model._meta.label  # type: ignore[union-attr]
        return {"type": "array", "items": _ref_schema(label)}
    null = bool(getattr(model_field, "null", False))
    if model_field.is_relation:
        label = model_field.related_model._meta.label  # type: ignore[union-attr]
        return _nullable(_ref_schema(label), null)
    if name == "target_id" and spec.label in TARGET_FIELDS:
        return {
            "type": ["integer", "string", "null"],
            "description": "null: the exercise; integer: position of the phase / situation; "
            "string: code of the unit / person",
        }
    schema: dict[str, Any]
    if isinstance(model_field, models.JSONField):
        return {}
    if isinstance(model_field, models.BooleanField):
        schema = {"type": "boolean"}
    elif isinstance(model_field, models.DecimalField):
        schema = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}
    elif isinstance(model_field, models.DateTimeField):
        schema = {"type": "string", "format": "date-time", "pattern": r"^\d{4}-\d{2}-\d{2}T"}
    elif isinstance(model_field, models.DateField):
        schema = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    elif isinstance(model_field, models.IntegerField):
        schema = {"type": "integer"}
        if isinstance(
            model_field,
            models.PositiveIntegerField
            | models.PositiveSmallIntegerField
            | models.PositiveBigIntegerField,
        ):
            schema["minimum"] = 0
    elif isinstance(model_field, models.CharField | models.TextField):
        schema = {"type": "string"}
        if model_field.max_length and isinstance(model_field, models.CharField):
            schema["maxLength"] = model_field.max_length
    else:  # pragma: no cover - a new field type must be described here
        raise TypeError(f"{spec.label}.{name}: no schema for {type(model_field).__name__}")
    if model_field.choices:
        # Listed, not enforced: a stored value outside today's choices must still travel.
        schema["examples"] = [value for value, _label in model_field.flatchoices]
    return _nullable(schema, null)


def model_schema(spec: ModelSpec) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {name: field_schema(spec, name) for name in spec.fields},
        "required": list(spec.fields),
        "additionalProperties": False,
    }


def build_schema() -> dict[str, Any]:
    apps: dict[str, dict[str, Any]] = {}
    for spec in MODELS:
        app = apps.setdefault(
            spec.app,
            {"type": "object", "properties": {}, "required": [], "additionalProperties": False},
        )
        app["properties"][spec.name] = {"type": "array", "items": model_schema(spec)}
        app["required"].append(spec.name)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "KVPT exercise exchange file, version 1",
        "description": "One exercise and every record that belongs to it; see README.md.",
        "type": "object",
        "required": ["format", "version", "classification", "exercise", "records"],
        "additionalProperties": False,
        "properties": {
            "format": {"const": "kvpt-exercise"},
            "version": {"type": "integer", "minimum": 1},
            "classification": {
                "type": "object",
                "required": ["level", "label"],
                "additionalProperties": False,
                "properties": {
                    "level": {"type": "integer", "minimum": 0, "maximum": 3},
                    "label": {"type": "string"},
                },
            },
            "generator": {"type": "string"},
            "exported_at": {"type": "string"},
            "exercise": model_schema(EXERCISE),
            "records": {
                "type": "object",
                "properties": apps,
                "required": list(apps),
                "additionalProperties": False,
            },
        },
    }


def render() -> str:
    return json.dumps(build_schema(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":  # pragma: no cover
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from kvpt.exchange.services import SCHEMA_PATH

    SCHEMA_PATH.parent.mkdir(parents=True, exist_ok=True)
    SCHEMA_PATH.write_text(render(), encoding="utf-8")
    print(SCHEMA_PATH)
