"""Reads about users and their grants, always through the reader's scope."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.utils import timezone

from kvpt.accounts.models import TWO_FACTOR_ROLES, ApiToken, Membership, User
from kvpt.core.filters import matching
from kvpt.core.scope import get_scope, restrict


def membership_list(user: Any) -> QuerySet[Membership]:
    """Memberships on areas or exercises the user can see (admins manage them there)."""
    qs = Membership.objects.select_related("user", "area", "exercise", "exercise__area")
    area_side = restrict(
        qs.filter(area__isnull=False), user, area_path="area__path", classification=None
    )
    exercise_side = restrict(
        qs.filter(exercise__isnull=False),
        user,
        area_path="exercise__area__path",
        exercise="exercise_id",
        classification="exercise__classification",
    )
    return qs.filter(Q(pk__in=area_side.values("pk")) | Q(pk__in=exercise_side.values("pk")))


def user_list(user: Any) -> QuerySet[User]:
    """Users holding at least one membership the reader can see (superusers: everyone)."""
    scope = get_scope(user)
    if scope.is_anonymous:
        return User.objects.none()
    if scope.is_superuser:
        return User.objects.select_related("person").order_by("username")
    visible = membership_list(user).filter(user_id=OuterRef("pk"))
    return User.objects.select_related("person").filter(Exists(visible)).order_by("username")


def user_search(
    user: Any,
    *,
    q: str = "",
    role: str = "",
    area: Any = None,
    active: bool | None = None,
) -> QuerySet[User]:
    """The user list of an admin: filtered, with the memberships the reader sees prefetched.

    `q` matches username, names and e-mail without accents ("duc" finds "Đức"); `role` and `area`
    (an Area the reader sees) match through memberships the reader can see, so a filter never
    reveals a grant outside the reader's scope. Two queries whatever the number of rows.
    """
    visible = membership_list(user)
    qs = matching(user_list(user), q)
    if role:
        qs = qs.filter(Exists(visible.filter(user_id=OuterRef("pk"), role=role)))
    if area is not None:
        under = Q(area__path__startswith=area.path) | Q(exercise__area__path__startswith=area.path)
        qs = qs.filter(Exists(visible.filter(under, user_id=OuterRef("pk"))))
    if active is not None:
        qs = qs.filter(is_active=active)
    shown = visible.select_related("area", "exercise").order_by("role", "pk")
    return qs.prefetch_related(
        Prefetch("memberships", queryset=shown, to_attr="visible_memberships")
    )


def user_memberships(user: Any, target: User) -> list[Membership]:
    """Every grant `target` holds that `user` can see (what the detail page lists)."""
    return list(
        membership_list(user)
        .filter(user_id=target.pk)
        .select_related("area", "area__level", "exercise")
        .order_by("role", "pk")
    )


def active_token_count(target: User) -> int:
    """How many of `target`'s API tokens would authenticate now (see ApiToken.is_active)."""
    now = timezone.now()
    tokens = ApiToken.objects.filter(user_id=target.pk, revoked_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    if two_factor_required(target):
        tokens = tokens.filter(created_with_otp=True)
    return tokens.count()


def manages_memberships_somewhere(user: Any) -> bool:
    """Whether the user administers grants anywhere (the user list and grant pages are theirs)."""
    from kvpt.accounts.rules import DIRECTORY_ADMINS

    scope = get_scope(user)
    if scope.is_anonymous:
        return False
    if scope.is_superuser:
        return True
    held = set().union(*scope.area_roles.values(), *scope.exercise_roles.values())
    return bool(held & DIRECTORY_ADMINS)


def token_list(user: Any) -> QuerySet[ApiToken]:
    """The user's own API tokens, newest first (nobody lists anyone else's)."""
    if not getattr(user, "is_authenticated", False):
        return ApiToken.objects.none()
    # One two-factor check for the whole list instead of one per token (ApiToken.is_active).
    needs_otp = Value(two_factor_required(user), output_field=BooleanField())
    return (
        ApiToken.objects.filter(user_id=user.pk)
        .annotate(owner_needs_otp=needs_otp)
        .order_by("-created_at", "-pk")
    )


def two_factor_required(user: Any) -> bool:
    """Must this user use a second factor? One query.

    True when the user holds a role of TWO_FACTOR_ROLES, through an active membership, on an area
    (or an exercise whose area) lies in the subtree of an area with `require_two_factor` on.

    Written in SQL rather than with the ORM: the bearer authentication and the two-factor
    middleware ask this on every request, and compiling the ORM's EXISTS with its four joins cost
    about 2.5 ms of CPU each time, ten times what the database spends answering it.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    today = timezone.localdate()
    roles = sorted(TWO_FACTOR_ROLES)
    with connection.cursor() as cursor:
        cursor.execute(_two_factor_sql(len(roles)), [True, user.pk, *roles, today, today])
        return cursor.fetchone() is not None


@functools.cache
def _two_factor_sql(role_count: int) -> str:
    area = apps.get_model("organisations", "Area")._meta.db_table
    exercise = apps.get_model("exercises", "Exercise")._meta.db_table
    membership = Membership._meta.db_table
    placeholders = ", ".join(["%s"] * role_count)
    # substr(path, 1, length(r.path)) = r.path: "lies in r's subtree" without LIKE, whose
    # wildcards would need escaping, on both SQLite and PostgreSQL.
    return f"""
        SELECT 1 FROM {area} r
        WHERE r.require_two_factor = %s AND EXISTS (
            SELECT 1 FROM {membership} m
            LEFT JOIN {area} ma ON ma.id = m.area_id
            LEFT JOIN {exercise} e ON e.id = m.exercise_id
            LEFT JOIN {area} ea ON ea.id = e.area_id
            WHERE m.user_id = %s
              AND m.role IN ({placeholders})
              AND (m.valid_from IS NULL OR m.valid_from <= %s)
              AND (m.valid_to IS NULL OR m.valid_to >= %s)
              AND (substr(ma.path, 1, length(r.path)) = r.path
                   OR substr(ea.path, 1, length(r.path)) = r.path)
        )
        LIMIT 1
    """  # noqa: S608 - table names come from the models; every value is a parameter


@dataclass
class HomeSummary:
    exercises: int = 0
    areas: int = 0
    agencies: int = 0
    units: int = 0
    memberships: list[Membership] = field(default_factory=list)
    recent_exercises: list[Any] = field(default_factory=list)


def home_summary(user: Any) -> HomeSummary:
    from kvpt.exercises.selectors import exercise_list
    from kvpt.organisations.selectors import agency_list, area_list, unit_list

    exercises = exercise_list(user)
    return HomeSummary(
        exercises=exercises.count(),
        areas=area_list(user).count(),
        agencies=agency_list(user).count(),
        units=unit_list(user).count(),
        memberships=list(Membership.objects.filter(user=user).select_related("area", "exercise")),
        recent_exercises=list(exercises.order_by("-year", "code")[:5]),
    )
