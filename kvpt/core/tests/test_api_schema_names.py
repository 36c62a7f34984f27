"""Two API schemas with one class name collide in the OpenAPI document: one silently replaces the
other (the exercise's transitions once showed the MSEL's statuses). Names must be unique."""

from __future__ import annotations

from collections import Counter

from ninja import Schema


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_every_api_schema_class_name_is_unique() -> None:
    import config.api  # noqa: F401 - imports every router and so every schema

    ours = [c for c in _subclasses(Schema) if c.__module__.startswith("kvpt.")]
    counts = Counter(c.__name__ for c in ours)
    clashes = {
        name: sorted(c.__module__ for c in ours if c.__name__ == name)
        for name, n in counts.items()
        if n > 1
    }
    assert not clashes, f"schema class names used twice (rename one): {clashes}"
