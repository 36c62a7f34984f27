"""History pages: who changed what and when, for any model whose app registered a selector.

Each app registers `model -> selector(user) -> restricted queryset`, so the history of an object is
visible exactly to those who can see the object itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

Selector = Callable[[Any], QuerySet[Any]]
_REGISTRY: dict[str, Selector] = {}


def register_history(model: type[Model], selector: Selector) -> None:
    _REGISTRY[model._meta.label_lower] = selector


def history_selector(label: str) -> Selector | None:
    return _REGISTRY.get(label.lower())


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: Any
    who: str
    kind: Any
    changes: list[FieldChange]


_KIND = {"+": _("Tạo mới"), "~": _("Sửa"), "-": _("Xóa")}


def _display(record: Any, field_name: str, value: Any) -> str:
    try:
        field = record.instance_type._meta.get_field(field_name)
    except Exception:  # a field since removed from the model
        return "" if value is None else str(value)
    if getattr(field, "choices", None):
        return str(dict(field.choices).get(value, value))
    if value is None or value == "":
        return "—"
    return str(value)


def history_entries(obj: Any, limit: int = 200) -> list[HistoryEntry]:
    """Newest first; each entry lists the fields that changed against the previous record."""
    records = list(
        obj.history.select_related("history_user").order_by("-history_date")[: limit + 1]
    )
    entries: list[HistoryEntry] = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes: list[FieldChange] = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, foreign_keys_are_objs=False)
            for change in delta.changes:
                changes.append(
                    FieldChange(
                        field=str(record.instance_type._meta.get_field(change.field).verbose_name)
                        if _has_field(record, change.field)
                        else change.field,
                        old=_display(record, change.field, change.old),
                        new=_display(record, change.field, change.new),
                    )
                )
        user = record.history_user
        who = (user.get_full_name() or user.username) if user else str(_("Hệ thống"))
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=who,
                kind=_KIND.get(record.history_type, record.history_type),
                changes=changes,
            )
        )
    return entries


def _has_field(record: Any, name: str) -> bool:
    try:
        record.instance_type._meta.get_field(name)
    except Exception:
        return False
    return True
