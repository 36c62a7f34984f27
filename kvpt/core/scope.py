"""Who sees what: the one place that turns a user's memberships into a queryset filter.

A membership on an area grants its role on that area's whole subtree (a province sees its
districts and communes; a higher level sees what its subordinates run). A membership on an
exercise grants its role on that exercise only. Nothing is ever visible across branches, and a
record classified above the user's clearance does not exist for them. Selectors call
`restrict()`; views turn "not in the restricted queryset" into 404 and "in it but without the
role" into 403.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

if TYPE_CHECKING:
    from kvpt.accounts.models import User

M = TypeVar("M", bound=Model)

_CACHE_ATTR = "_kvpt_scope"


@dataclass(frozen=True)
class Scope:
    """A user's effective grants at one moment, computed once per request."""

    user_id: int | None
    is_superuser: bool
    clearance: int
    # area path -> roles held on that subtree
    area_roles: dict[str, frozenset[str]] = field(default_factory=dict)
    # exercise id -> roles held on that exercise alone
    exercise_roles: dict[int, frozenset[str]] = field(default_factory=dict)

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    @property
    def area_paths(self) -> tuple[str, ...]:
        return _minimal_prefixes(self.area_roles)

    def roles_on_path(self, path: str) -> frozenset[str]:
        roles: set[str] = set()
        for granted_path, granted in self.area_roles.items():
            if path.startswith(granted_path):
                roles |= granted
        return frozenset(roles)

    def roles_on_exercise(self, exercise_id: int, area_path: str) -> frozenset[str]:
        return self.roles_on_path(area_path) | self.exercise_roles.get(exercise_id, frozenset())

    def area_filter(self, path_field: str) -> Q:
        """Q limiting a queryset to rows whose area path lies in a granted subtree."""
        paths = self.area_paths
        if not paths:
            return Q(pk__in=[])
        q = Q()
        for path in paths:
            q |= Q(**{f"{path_field}__startswith": path})
        return q


def _minimal_prefixes(area_roles: dict[str, frozenset[str]]) -> tuple[str, ...]:
    """Drop paths inside another granted path: fewer OR branches, same rows."""
    result: list[str] = []
    for path in sorted(area_roles, key=len):
        if not any(path.startswith(kept) for kept in result):
            result.append(path)
    return tuple(result)


ANONYMOUS_SCOPE = Scope(user_id=None, is_superuser=False, clearance=0)


def get_scope(user: Any) -> Scope:
    """The user's scope, cached on the user object for the rest of the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS_SCOPE
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    scope = _build_scope(user)
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user: Any) -> None:
    """Call after changing a user's memberships or clearance within the same request."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _build_scope(user: User) -> Scope:
    today = timezone.localdate()
    area_roles: dict[str, set[str]] = {}
    exercise_roles: dict[int, set[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(_memberships_sql(), [user.pk, today, today])
        for role, area_path, exercise_id in cursor.fetchall():
            if area_path:
                area_roles.setdefault(area_path, set()).add(role)
            elif exercise_id:
                exercise_roles.setdefault(exercise_id, set()).add(role)
    return Scope(
        user_id=user.pk,
        is_superuser=bool(user.is_superuser),
        clearance=int(user.clearance),
        area_roles={k: frozenset(v) for k, v in area_roles.items()},
        exercise_roles={k: frozenset(v) for k, v in exercise_roles.items()},
    )


@functools.cache
def _memberships_sql() -> str:
    """The user's active memberships: role, the area's path (area grants), the exercise's id.

    SQL rather than the ORM because every request builds a scope: compiling the queryset cost
    about 1 ms of CPU, many times what the database spends on these few rows.
    """
    from kvpt.accounts.models import Membership

    membership = Membership._meta.db_table
    area = Membership._meta.get_field("area").related_model._meta.db_table  # type: ignore[union-attr]
    return f"""
        SELECT m.role, a.path, m.exercise_id
        FROM {membership} m LEFT JOIN {area} a ON a.id = m.area_id
        WHERE m.user_id = %s
          AND (m.valid_from IS NULL OR m.valid_from <= %s)
          AND (m.valid_to IS NULL OR m.valid_to >= %s)
    """  # noqa: S608 - table names come from the models; every value is a parameter


def restrict(
    queryset: QuerySet[M],
    user: Any,
    *,
    area_path: str | None,
    exercise: str | None = None,
    classification: str | None = "classification",
) -> QuerySet[M]:
    """Limit `queryset` to what `user` may see.

    area_path:      lookup to the row's area path (e.g. "agency__area__path"), or None when the
                    row is reached only through an exercise grant.
    exercise:       lookup to the row's exercise id (e.g. "exercise_id") when exercise grants
                    apply.
    classification: lookup to the row's classification, or None for unclassified kinds of record.
    """
    scope = get_scope(user)
    if scope.is_anonymous:
        return queryset.none()
    if not scope.is_superuser:
        visible = scope.area_filter(area_path) if area_path else Q(pk__in=[])
        if exercise and scope.exercise_roles:
            visible |= Q(**{f"{exercise}__in": list(scope.exercise_roles)})
        queryset = queryset.filter(visible)
    if classification:
        queryset = queryset.filter(**{f"{classification}__lte": scope.clearance})
    return queryset


def get_visible_or_404(queryset: QuerySet[M], **lookup: Any) -> M:
    """Fetch one row from an already restricted queryset; absent and hidden look the same."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def has_any_role(roles: Iterable[str], wanted: Iterable[str]) -> bool:
    return bool(set(roles) & set(wanted))
