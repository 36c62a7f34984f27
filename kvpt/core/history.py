"""History pages: who changed what and when, for any model whose app registered a selector.

Each app registers `model -> selector(user) -> restricted queryset`, so the history of an object is
visible exactly to those who can see the object itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
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
    reason: str
    changes: list[FieldChange]


_KIND = {"+": _("Tạo mới"), "~": _("Sửa"), "-": _("Xóa")}
# Bookkeeping that changes on every save and says nothing to a reader.
_HIDDEN_FIELDS = frozenset({"version", "created_at", "updated_at", "search_text", "path", "depth"})


def history_entries(obj: Any, user: Any, limit: int = 200) -> list[HistoryEntry]:
    """Newest first; each entry lists the fields that changed against the previous record.

    Related records are shown by name, looked up once per related model and only through that
    model's registered selector, so a history page never names a record the reader may not see.
    """
    records = list(
        obj.history.select_related("history_user").order_by("-history_date")[: limit + 1]
    )
    model = type(obj)
    diffs: list[tuple[Any, list[Any]]] = []
    referenced: dict[str, set[Any]] = {}
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, foreign_keys_are_objs=False)
            changes = [c for c in delta.changes if c.field not in _HIDDEN_FIELDS]
            for change in changes:
                if _foreign_key(model, change.field) is not None:
                    referenced.setdefault(change.field, set()).update({change.old, change.new})
        diffs.append((record, changes))
    names = _related_names(model, referenced, user)
    return [_entry(model, record, changes, names) for record, changes in diffs]


def _entry(
    model: type[Model], record: Any, changes: list[Any], names: dict[str, dict[Any, str]]
) -> HistoryEntry:
    user = record.history_user
    who = (user.get_full_name() or user.username) if user else str(_("Hệ thống"))
    return HistoryEntry(
        when=record.history_date,
        who=who,
        kind=_KIND.get(record.history_type, record.history_type),
        reason=record.history_change_reason or "",
        changes=[
            FieldChange(
                field=_label(model, change.field),
                old=_display(model, change.field, change.old, names),
                new=_display(model, change.field, change.new, names),
            )
            for change in changes
        ],
    )


def _field(model: type[Model], name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:  # a field since removed from the model
        return None


def _foreign_key(model: type[Model], name: str) -> Any:
    field = _field(model, name)
    return field if field is not None and (field.many_to_one or field.one_to_one) else None


def _label(model: type[Model], name: str) -> str:
    field = _field(model, name)
    return str(field.verbose_name) if field is not None else name


def _related_names(
    model: type[Model], referenced: dict[str, set[Any]], user: Any
) -> dict[str, dict[Any, str]]:
    names: dict[str, dict[Any, str]] = {}
    for name, pks in referenced.items():
        related = _foreign_key(model, name).related_model
        selector = history_selector(related._meta.label_lower)
        visible = selector(user) if selector else related._default_manager.all()
        found = visible.filter(pk__in=[pk for pk in pks if pk is not None])
        names[name] = {row.pk: str(row) for row in found}
    return names


def _display(model: type[Model], name: str, value: Any, names: dict[str, dict[Any, str]]) -> str:
    if value is None or value == "":
        return "—"
    field = _field(model, name)
    if field is None:
        return str(value)
    if name in names:
        # A record the reader may not see (or since deleted) is shown by number only.
        return names[name].get(value, f"#{value}")
    if getattr(field, "choices", None):
        return str(dict(field.choices).get(value, value))
    if isinstance(value, bool):
        return str(_("Có") if value else _("Không"))
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)
