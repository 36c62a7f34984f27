"""List filters every selector applies alike to what a user typed in a search box or a URL.

Values come from query strings, so a wrong one (a letter where an id goes) must give an empty
list, never a 500.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from kvpt.core.text import fold

M = TypeVar("M", bound=Model)


def matching(queryset: QuerySet[M], q: str, field: str = "search_text") -> QuerySet[M]:
    """Rows whose folded search text contains `q` folded: "ham" finds "hầm" (and "Hàm")."""
    if not q.strip():
        return queryset
    return queryset.filter(**{f"{field}__contains": fold(q)})


def with_id(queryset: QuerySet[M], field: str, value: Any) -> QuerySet[M]:
    """Rows whose `field` is the id `value`; all rows when it is blank, none when not a number."""
    if value in (None, ""):
        return queryset
    try:
        return queryset.filter(**{field: int(value)})
    except (TypeError, ValueError):
        return queryset.none()
