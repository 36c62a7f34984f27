"""Reads of the directory, always limited to the reader's scope and clearance."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from kvpt.core.filters import matching, with_id
from kvpt.core.scope import get_scope, restrict
from kvpt.organisations.models import (
    Agency,
    Area,
    AreaLevel,
    AreaSuccession,
    Person,
    Position,
    Unit,
)

# Roles that may manage the directory of a subtree (kept in step with accounts/rules.py).
_DIRECTORY_ADMIN_ROLES = frozenset({"system_admin", "org_admin"})


def area_level_list() -> QuerySet[AreaLevel]:
    return AreaLevel.objects.all()


def area_list(user: Any) -> QuerySet[Area]:
    return restrict(
        Area.objects.select_related("level", "parent"), user, area_path="path", classification=None
    )


def area_managed_list(user: Any) -> QuerySet[Area]:
    """Areas in which `user` may add, change or delete directory records (choice lists)."""
    scope = get_scope(user)
    queryset = Area.objects.select_related("level")
    if scope.is_anonymous:
        return queryset.none()
    if scope.is_superuser:
        return queryset
    paths = [p for p, roles in scope.area_roles.items() if roles & _DIRECTORY_ADMIN_ROLES]
    if not paths:
        return queryset.none()
    visible = Q()
    for path in paths:
        visible |= Q(path__startswith=path)
    return queryset.filter(visible)


def area_succession_list(user: Any) -> QuerySet[AreaSuccession]:
    """Succession links whose both ends the user can see (a link must not reveal a hidden area)."""
    visible = area_list(user).values("pk")
    return AreaSuccession.objects.select_related(
        "predecessor", "predecessor__level", "successor", "successor__level"
    ).filter(predecessor__in=visible, successor__in=visible)


def agency_list(user: Any) -> QuerySet[Agency]:
    return restrict(
        Agency.objects.select_related("area", "area__level", "parent"), user, area_path="area__path"
    )


def agency_managed_list(user: Any) -> QuerySet[Agency]:
    """Agencies under which `user` may add units (the agency's area is one they manage)."""
    return agency_list(user).filter(area__in=area_managed_list(user).values("pk"))


def unit_list(user: Any) -> QuerySet[Unit]:
    # A unit of an agency above the reader's clearance would reveal that agency: hidden too.
    return restrict(
        Unit.objects.select_related("agency", "agency__area", "parent"),
        user,
        area_path="agency__area__path",
    ).filter(agency__classification__lte=get_scope(user).clearance)


def person_list(user: Any) -> QuerySet[Person]:
    return restrict(Person.objects.select_related("area"), user, area_path="area__path")


def position_list(user: Any) -> QuerySet[Position]:
    return restrict(
        Position.objects.select_related("person", "person__area", "agency"),
        user,
        area_path="person__area__path",
        classification="person__classification",
    ).filter(agency__classification__lte=get_scope(user).clearance)


# --- searches shared by the pages and the API ---------------------------------------------------


def _subtree_path(user: Any, area_id: int | str | None) -> str | None:
    """The path of a visible area, or "" when the id names nothing the user can see."""
    if area_id in (None, ""):
        return None
    try:
        pk = int(area_id)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    return area_list(user).filter(pk=pk).values_list("path", flat=True).first() or ""


def _in_subtree(
    user: Any, queryset: QuerySet[Any], path_field: str, area_id: int | str | None
) -> QuerySet[Any]:
    """Rows within the subtree of the visible area `area_id` (none when it names no such area)."""
    path = _subtree_path(user, area_id)
    if path is None:
        return queryset
    return queryset.filter(**{f"{path_field}__startswith": path}) if path else queryset.none()


def _current_filter(prefix: str, current: bool | None) -> Q:
    today = timezone.localdate()
    if current is None:
        return Q()
    still_valid = Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": today})
    return still_valid if current else ~still_valid


def area_search(
    user: Any,
    *,
    q: str = "",
    level: str = "",
    parent: int | str | None = None,
    current: bool | None = None,
) -> QuerySet[Area]:
    """Areas in tree order with their counts; `q` matches code or name without accents."""
    clearance = get_scope(user).clearance
    queryset = matching(area_list(user), q)
    if level:
        queryset = queryset.filter(level__code=level)
    queryset = with_id(queryset, "parent_id", parent)
    queryset = queryset.filter(_current_filter("", current))
    return queryset.annotate(
        children_count=Count("children", distinct=True),
        agency_count=Count(
            "agencies", filter=Q(agencies__classification__lte=clearance), distinct=True
        ),
    ).order_by("path")


def agency_search(
    user: Any,
    *,
    q: str = "",
    kind: str = "",
    area: int | str | None = None,
    parent: int | str | None = None,
    current: bool | None = None,
) -> QuerySet[Agency]:
    """Agencies with their unit counts; `area` includes the area's whole subtree."""
    clearance = get_scope(user).clearance
    queryset = matching(agency_list(user), q)
    if kind:
        queryset = queryset.filter(kind=kind)
    queryset = _in_subtree(user, queryset, "area__path", area)
    queryset = with_id(queryset, "parent_id", parent)
    queryset = queryset.filter(_current_filter("", current))
    return queryset.annotate(
        unit_count=Count("units", filter=Q(units__classification__lte=clearance), distinct=True),
        position_count=Count(
            "positions",
            filter=Q(positions__person__classification__lte=clearance),
            distinct=True,
        ),
    ).order_by("area__path", "name")


def unit_search(
    user: Any,
    *,
    q: str = "",
    kind: str = "",
    agency: int | str | None = None,
    area: int | str | None = None,
) -> QuerySet[Unit]:
    queryset = matching(unit_list(user).select_related("agency__area__level"), q)
    if kind:
        queryset = queryset.filter(kind=kind)
    queryset = with_id(queryset, "agency_id", agency)
    queryset = _in_subtree(user, queryset, "agency__area__path", area)
    return queryset.order_by("agency__area__path", "agency__name", "name")


def visible_positions(user: Any) -> QuerySet[Position]:
    """Positions whose agency the user may see (for nesting under a person already visible)."""
    return (
        Position.objects.select_related("agency", "agency__area")
        .filter(agency__classification__lte=get_scope(user).clearance)
        .order_by("order", "pk")
    )


def person_search(
    user: Any,
    *,
    q: str = "",
    area: int | str | None = None,
    agency: int | str | None = None,
) -> QuerySet[Person]:
    """People with their (visible) positions prefetched, so a list costs a fixed few queries."""
    queryset = matching(person_list(user), q)
    queryset = _in_subtree(user, queryset, "area__path", area)
    if agency not in (None, ""):
        try:
            agency_id = int(agency)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return queryset.none()
        queryset = queryset.filter(
            pk__in=Position.objects.filter(agency_id=agency_id).values("person_id")
        )
    return queryset.prefetch_related(
        Prefetch("positions", queryset=visible_positions(user))
    ).order_by("full_name", "pk")
