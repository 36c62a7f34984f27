"""Reads of review records, limited to the reader's scope and clearance.

Records of an exercise follow the exercise's scope, then their own marking. A corrective action is
also visible to its responsible person (the owner must find it in "Việc của tôi"), within their
clearance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When

from kvpt.accounts.models import Role
from kvpt.core.filters import matching, with_id
from kvpt.core.scope import get_scope
from kvpt.exercises.selectors import restrict_to_exercises
from kvpt.review.localtime import local_today
from kvpt.review.models import (
    ACTIVE_STATUSES,
    ActionStatus,
    Conference,
    CorrectiveAction,
    Directive,
    Notification,
    Observation,
)

# Roles that make a user one of the owners of an action nobody is personally responsible for,
# when it is given to an agency of the area they hold the role on (the area's admin and planners
# act for its agencies). A named responsible person is the owner otherwise.
OWNER_ROLES = frozenset({Role.ORG_ADMIN, Role.STAFF_PLANNER})


def _visible(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """The exercise's scope and clearance, then the record's own (it may be set higher)."""
    queryset = restrict_to_exercises(queryset, user)
    return queryset.filter(classification__lte=get_scope(user).clearance)


def conference_list(user: Any) -> QuerySet[Conference]:
    return _visible(
        Conference.objects.select_related("exercise", "exercise__area").prefetch_related("chairs"),
        user,
    )


def observation_list(user: Any) -> QuerySet[Observation]:
    return _visible(
        Observation.objects.select_related(
            "exercise",
            "exercise__area",
            "conference",
            "raised_by_agency",
            "raised_by_unit",
            "raised_by_person",
        ),
        user,
    )


def directive_list(user: Any) -> QuerySet[Directive]:
    return _visible(
        Directive.objects.select_related("exercise", "exercise__area", "conference", "given_by"),
        user,
    )


def _actions() -> QuerySet[CorrectiveAction]:
    return CorrectiveAction.objects.select_related(
        "exercise", "exercise__area", "owner", "responsible", "directive", "observation"
    )


def action_list(user: Any) -> QuerySet[CorrectiveAction]:
    """Actions of exercises in scope, plus those the user is responsible for."""
    scope = get_scope(user)
    if scope.is_anonymous:
        return CorrectiveAction.objects.none()
    in_scope = restrict_to_exercises(CorrectiveAction.objects.all(), user).values("pk")
    visible = Q(pk__in=in_scope)
    person_id = getattr(user, "person_id", None)
    if person_id:
        visible |= Q(responsible_id=person_id, exercise__classification__lte=scope.clearance)
    return _actions().filter(visible, classification__lte=scope.clearance)


def with_overdue(queryset: QuerySet[CorrectiveAction], today: dt.date) -> QuerySet[Any]:
    """Annotate `overdue`: due before `today` (local) and still open or in progress."""
    return queryset.annotate(
        overdue=Case(
            When(status__in=ACTIVE_STATUSES, due__lt=today, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def owned_by_q(user: Any) -> Q:
    """Actions `user` owns: they are the responsible person; or nobody is, and they hold an owner
    role on the owner agency's own area."""
    scope = get_scope(user)
    if scope.is_anonymous:
        return Q(pk__in=[])
    q = Q(pk__in=[])
    person_id = getattr(user, "person_id", None)
    if person_id:
        q |= Q(responsible_id=person_id)
    paths = [path for path, roles in scope.area_roles.items() if roles & OWNER_ROLES]
    if paths:
        q |= Q(responsible__isnull=True, owner__area__path__in=paths)
    return q


@dataclass(frozen=True)
class ActionFilters:
    exercise: str = ""
    owner: str = ""
    status: str = ""
    overdue: bool = False
    q: str = ""


def action_tracker(
    user: Any,
    filters: ActionFilters | None = None,
    *,
    mine: bool = False,
    today: dt.date | None = None,
) -> QuerySet[Any]:
    """The tracker: overdue first, then by due date; filtered by exercise, owner, status."""
    filters = filters or ActionFilters()
    today = today or local_today()
    queryset = with_overdue(action_list(user), today)
    if mine:
        queryset = queryset.filter(owned_by_q(user))
    if filters.exercise:
        queryset = with_id(queryset, "exercise_id", filters.exercise)
    if filters.owner:
        queryset = with_id(queryset, "owner_id", filters.owner)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.overdue:
        queryset = queryset.filter(overdue=True)
    if filters.q:
        queryset = queryset.filter(Q(code__icontains=filters.q) | Q(title__icontains=filters.q))
    return queryset.order_by("-overdue", "due", "exercise_id", "code")


def observation_search(
    user: Any, exercise_id: int, *, q: str = "", kind: str = "", area: str = "", state: str = ""
) -> QuerySet[Observation]:
    queryset = observation_list(user).filter(exercise_id=exercise_id)
    if q:
        queryset = matching(queryset, q)
    if kind:
        queryset = queryset.filter(kind=kind)
    if area:
        queryset = queryset.filter(area=area)
    if state:
        queryset = queryset.filter(state=state)
    return queryset


def directive_actions(user: Any, exercise_id: int) -> QuerySet[Directive]:
    return (
        directive_list(user).filter(exercise_id=exercise_id).annotate(action_count=Count("actions"))
    )


def observation_counts(user: Any, exercise_id: int) -> dict[str, int]:
    """Observations of an exercise by kind, counted in the database (one GROUP BY)."""
    rows = (
        observation_list(user)
        .filter(exercise_id=exercise_id)
        .order_by()
        .values("kind")
        .annotate(n=Count("pk"))
    )
    counts = {row["kind"]: row["n"] for row in rows}
    counts["total"] = sum(counts.values())
    return counts


def action_counts(user: Any, exercise_id: int, today: dt.date) -> dict[str, int]:
    """Corrective actions of an exercise the user sees: total, open, overdue, awaiting approval
    (one aggregate over all rows)."""
    return (
        action_list(user)
        .filter(exercise_id=exercise_id)
        .aggregate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status__in=ACTIVE_STATUSES)),
            overdue=Count("pk", filter=Q(status__in=ACTIVE_STATUSES, due__lt=today)),
            pending=Count("pk", filter=Q(status=ActionStatus.DONE_PENDING_APPROVAL)),
        )
    )


def people_for(user: Any, exercise: Any) -> QuerySet[Any]:
    """People a record of `exercise` may name (chairs, speakers, leaders, the responsible): those
    of the directory the user sees, and the members of the exercise's committees (a secretary with
    a grant on the exercise alone still picks the BCĐ head)."""
    from kvpt.organisations.models import Person
    from kvpt.organisations.selectors import person_list

    visible = person_list(user).values("pk")
    seated = Person.objects.filter(
        committee_seats__committee__exercise_id=getattr(exercise, "pk", exercise)
    ).values("pk")
    return (
        Person.objects.filter(Q(pk__in=visible) | Q(pk__in=seated))
        .filter(classification__lte=get_scope(user).clearance)
        .order_by("full_name")
    )


def agencies_for(user: Any, exercise: Any) -> QuerySet[Any]:
    """Agencies a record of `exercise` may name (owner, raised by): those the user sees, and
    those of the exercise's own area subtree when the user may see the exercise (a grant on the
    exercise alone still lets the secretary give an action to the district's military command)."""
    from kvpt.exercises.selectors import exercise_list
    from kvpt.organisations.models import Agency
    from kvpt.organisations.selectors import agency_list

    exercise_id = getattr(exercise, "pk", exercise)
    visible = Q(pk__in=agency_list(user).values("pk"))
    shown = exercise_list(user).filter(pk=exercise_id)
    path = shown.values_list("area__path", flat=True).first()
    if path:
        visible |= Q(area__path__startswith=path)
    return (
        Agency.objects.filter(visible)
        .filter(classification__lte=get_scope(user).clearance)
        .order_by("code")
    )


def notification_list(user: Any) -> QuerySet[Notification]:
    """A user's own notifications, about actions they may still see."""
    if get_scope(user).is_anonymous:
        return Notification.objects.none()
    return (
        Notification.objects.filter(user=user, action__in=action_list(user).values("pk"))
        .select_related("action", "action__exercise")
        .order_by("-created_at", "-pk")
    )


def unread_count(user: Any) -> int:
    return notification_list(user).filter(read_at__isnull=True).count()
