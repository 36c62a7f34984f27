"""Roles a user holds on an object, for the `rules` predicates and for 403 decisions.

Each scoped model exposes `scope_key() -> (area_path, exercise_id | None)`; everything else follows.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from kvpt.core.scope import get_scope


class Scoped(Protocol):
    def scope_key(self) -> tuple[str, int | None]: ...


ALL_ROLES: frozenset[str] = frozenset(
    {
        "system_admin",
        "org_admin",
        "steering_leader",
        "staff_planner",
        "subcommittee_member",
        "unit_commander",
        "director",
        "evaluator",
        "observer",
    }
)


def roles_on(user: Any, obj: Scoped | None) -> frozenset[str]:
    """Every role `user` holds on `obj` through an area subtree or an exercise grant."""
    if obj is None:
        return frozenset()
    scope = get_scope(user)
    if scope.is_anonymous:
        return frozenset()
    if scope.is_superuser:
        return ALL_ROLES
    path, exercise_id = obj.scope_key()
    if exercise_id is not None:
        return scope.roles_on_exercise(exercise_id, path)
    return scope.roles_on_path(path)


def require_perm(user: Any, perm: str, obj: Any = None) -> None:
    """403 when the user is in scope but lacks the permission (scope itself gives 404 earlier)."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))
