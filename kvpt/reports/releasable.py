"""Which fields of which models may appear in a public article (the news summary).

A registry kept here rather than on the other apps' models: the reports app is the one that
publishes, and a new field of another model stays private until someone lists it here. The
article reads records only through `public(record)`: a classified record gives None, and a field
not listed raises, so a mistake in the article's code fails the tests instead of leaking.
"""

from __future__ import annotations

from typing import Any

from kvpt.core.models import Classification

RELEASABLE_FIELDS: dict[str, tuple[str, ...]] = {
    "exercises.exercise": ("name", "year", "kind", "start_date", "end_date", "scale"),
    "exercises.phase": ("order", "name"),
    "exercises.milestone": ("kind", "title", "starts_on"),
    "exercises.committee": ("name", "kind"),
    "exercises.committeemember": ("position", "role"),
    "organisations.area": ("name",),
    "organisations.arealevel": ("name",),
    "organisations.agency": ("name",),
    "organisations.person": ("full_name",),
    "preparation.task": ("category", "status"),
    "preparation.work": ("name", "kind", "construction", "quantity", "quantity_unit"),
    "review.conference": ("title", "held_on"),
    "review.directive": ("text",),
}


class NotReleasableError(AttributeError):
    """The article asked for a field nobody declared releasable."""


class Public:
    """A read-only view of a record's releasable fields."""

    __slots__ = ("_label", "_record")

    def __init__(self, record: Any) -> None:
        self._record = record
        self._label = record._meta.label_lower

    def __getattr__(self, name: str) -> Any:
        if name not in RELEASABLE_FIELDS.get(self._label, ()):
            raise NotReleasableError(f"{self._label}.{name} is not releasable")
        value = getattr(self._record, name)
        return value

    def display(self, name: str) -> str:
        """The label of a choice field (get_<name>_display), if the field is releasable."""
        self.__getattr__(name)
        return str(getattr(self._record, f"get_{name}_display")())

    def related(self, name: str) -> Public | None:
        """A releasable foreign key, itself seen through `public` (None when classified)."""
        if name not in RELEASABLE_RELATIONS.get(self._label, ()):
            raise NotReleasableError(f"{self._label}.{name} is not a releasable relation")
        target = getattr(self._record, name)
        return public(target) if target is not None else None


# Relations an article may follow (to records that are themselves checked).
RELEASABLE_RELATIONS: dict[str, tuple[str, ...]] = {
    "exercises.exercise": ("area",),
    "organisations.area": ("level",),
    "exercises.committeemember": ("person",),
    "review.directive": ("given_by",),
}


def public(record: Any) -> Public | None:
    """The record as an article may see it, or None when it is classified."""
    if record is None:
        return None
    level = int(getattr(record, "classification", 0) or 0)
    if level > Classification.UNCLASSIFIED:
        return None
    if record._meta.label_lower not in RELEASABLE_FIELDS:
        return None
    return Public(record)
