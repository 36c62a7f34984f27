"""Reads of preparation tasks: one exercise's filtered, sorted table, its timeline, choices.

Everything starts from `task_list` (the exercise's scope, then each task's own marking), so a task
above the reader's clearance is neither listed, counted, nor named as a dependency.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    Min,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from kvpt.core.filters import with_id
from kvpt.core.permissions import roles_on
from kvpt.core.scope import get_scope
from kvpt.core.text import fold
from kvpt.preparation.models import Task, TaskStatus
from kvpt.preparation.selectors import task_list

CLOSED_STATUSES = (TaskStatus.DONE, TaskStatus.CANCELLED)

# ?sort= -> ORDER BY; each ends with the code so pages do not shuffle between requests.
SORTS: dict[str, tuple[Any, ...]] = {
    "code": ("code",),
    "-code": ("-code",),
    "title": ("title", "code"),
    "-title": ("-title", "code"),
    "due": (F("due").asc(nulls_last=True), "code"),
    "-due": (F("due").desc(nulls_last=True), "code"),
    "start": (F("start").asc(nulls_last=True), "code"),
    "-start": (F("start").desc(nulls_last=True), "code"),
    "status": ("status", "code"),
    "-status": ("-status", "code"),
    "progress": ("progress", "code"),
    "-progress": ("-progress", "code"),
    "subcommittee": (F("subcommittee__order").asc(nulls_last=True), "subcommittee__pk", "code"),
    "-subcommittee": (F("subcommittee__order").desc(nulls_last=True), "-subcommittee__pk", "code"),
}
DEFAULT_SORT = "due"


def today() -> dt.date:
    return timezone.localdate()


def overdue_q(on: dt.date | None = None) -> Q:
    """Past due and neither done nor cancelled."""
    return Q(due__lt=on or today()) & ~Q(status__in=CLOSED_STATUSES)


def is_overdue(task: Task, on: dt.date | None = None) -> bool:
    return bool(task.due and task.due < (on or today()) and task.status not in CLOSED_STATUSES)


def tasks_shown(user: Any) -> QuerySet[Task]:
    """The tasks the user may see, with what the table, timeline and detail page show.

    Dependencies are prefetched in one query, limited to the tasks the reader may see.
    """
    visible_dependencies = Task.objects.filter(classification__lte=get_scope(user).clearance).only(
        "id", "code", "title", "status", "due", "exercise_id"
    )
    return (
        task_list(user)
        .select_related("exercise__area", "subcommittee", "owner", "assignee")
        .prefetch_related(Prefetch("depends_on", queryset=visible_dependencies.order_by("code")))
    )


def exercise_tasks(user: Any, exercise_id: int) -> QuerySet[Task]:
    """The tasks of one exercise the user may see (see `tasks_shown`)."""
    return tasks_shown(user).filter(exercise_id=exercise_id)


@dataclass(frozen=True)
class TaskFilters:
    """What the table can be narrowed by; every field optional, bad values match nothing."""

    subcommittee: str = ""  # a committee id, or "none" for tasks without a subcommittee
    category: str = ""
    status: str = ""
    owner: str = ""  # an agency id
    assignee: str = ""  # a person id
    overdue: bool = False
    q: str = ""  # words of the code or title, accents and case ignored
    sort: str = DEFAULT_SORT

    @classmethod
    def from_query(cls, params: Any) -> TaskFilters:
        return cls(
            subcommittee=str(params.get("subcommittee", "") or ""),
            category=str(params.get("category", "") or ""),
            status=str(params.get("status", "") or ""),
            owner=str(params.get("owner", "") or ""),
            assignee=str(params.get("assignee", "") or ""),
            overdue=str(params.get("overdue", "")).lower() in {"1", "true", "on", "yes"},
            q=str(params.get("q", "") or ""),
            sort=str(params.get("sort", "") or DEFAULT_SORT),
        )

    @property
    def is_filtered(self) -> bool:
        return any(
            (self.subcommittee, self.category, self.status, self.owner, self.assignee)
        ) or bool(self.overdue or self.q.strip())


def task_search(user: Any, exercise_id: int, filters: TaskFilters) -> QuerySet[Task]:
    """The exercise's visible tasks narrowed by `filters`, in the chosen order."""
    qs = exercise_tasks(user, exercise_id)
    if filters.subcommittee == "none":
        qs = qs.filter(subcommittee__isnull=True)
    else:
        qs = with_id(qs, "subcommittee_id", filters.subcommittee)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.status:
        qs = qs.filter(status=filters.status)
    qs = with_id(qs, "owner_id", filters.owner)
    qs = with_id(qs, "assignee_id", filters.assignee)
    if filters.overdue:
        qs = qs.filter(overdue_q())
    if filters.q.strip():
        qs = qs.filter(pk__in=_matching_ids(user, exercise_id, filters.q))
    return qs.order_by(*SORTS.get(filters.sort, SORTS[DEFAULT_SORT]))


def _matching_ids(user: Any, exercise_id: int, q: str) -> list[int]:
    """Tasks whose code or title holds every word of `q`, accents and case ignored.

    Tasks carry no folded search column; an exercise has hundreds of tasks, not millions, so
    their codes and titles are folded here in one query (SQL's LIKE would miss "ham" for "hầm").
    """
    words = fold(q).split()
    rows = task_list(user).filter(exercise_id=exercise_id).values_list("pk", "code", "title")
    return [pk for pk, code, title in rows if all(w in fold(f"{code} {title}") for w in words)]


def overdue_count(user: Any, exercise_id: int) -> int:
    return task_list(user).filter(exercise_id=exercise_id).filter(overdue_q()).count()


def exercise_subcommittees(exercise_id: int) -> QuerySet[Any]:
    """The exercise's subcommittees (a task belongs to one of them or to none)."""
    from kvpt.exercises.models import Committee, CommitteeKind

    return Committee.objects.filter(
        exercise_id=exercise_id, kind=CommitteeKind.SUBCOMMITTEE
    ).order_by("order", "pk")


def task_owner_choices(user: Any, exercise: Any) -> QuerySet[Any]:
    """Agencies a task may name as its owner: those the user sees, and those of the exercise's
    area and the areas around it (a planner granted on the exercise alone still picks the
    district's agencies), never above the user's clearance."""
    from kvpt.organisations.models import Agency
    from kvpt.organisations.selectors import agency_list

    area_path = exercise.area.path
    ancestors = [area_path[:i] for i in range(1, len(area_path) + 1) if area_path[i - 1] == "/"]
    near = Q(area__path__startswith=area_path) | Q(area__path__in=ancestors)
    return (
        Agency.objects.filter(Q(pk__in=agency_list(user).values("pk")) | near)
        .filter(classification__lte=get_scope(user).clearance)
        .order_by("name")
    )


def task_assignee_choices(user: Any, exercise: Any) -> QuerySet[Any]:
    """People a task may be assigned to: those the user sees, those of the exercise's area, and
    the members of the exercise's committees."""
    from kvpt.exercises.models import CommitteeMember
    from kvpt.organisations.models import Person
    from kvpt.organisations.selectors import person_list

    members = CommitteeMember.objects.filter(committee__exercise=exercise).values("person_id")
    return (
        Person.objects.filter(
            Q(pk__in=person_list(user).values("pk"))
            | Q(area__path__startswith=exercise.area.path)
            | Q(pk__in=members)
        )
        .filter(classification__lte=get_scope(user).clearance)
        .order_by("full_name")
    )


@dataclass(frozen=True)
class EditScope:
    """Which of an exercise's tasks a user may change: all, or those of some subcommittees.

    Worked out in one query for a whole page; the services still check every write.
    """

    everything: bool = False
    subcommittee_ids: frozenset[int] = field(default_factory=frozenset)

    def allows(self, task: Task) -> bool:
        return self.everything or (
            task.subcommittee_id is not None and task.subcommittee_id in self.subcommittee_ids
        )

    @property
    def anything(self) -> bool:
        return self.everything or bool(self.subcommittee_ids)


def task_edit_scope(user: Any, exercise: Any) -> EditScope:
    from kvpt.accounts.models import Role
    from kvpt.accounts.rules import EXERCISE_EDITORS
    from kvpt.exercises.models import CommitteeMember

    roles = roles_on(user, exercise)
    if roles & EXERCISE_EDITORS:
        return EditScope(everything=True)
    person_id = getattr(user, "person_id", None)
    if Role.SUBCOMMITTEE_MEMBER not in roles or not person_id:
        return EditScope()
    seats = CommitteeMember.objects.filter(
        person_id=person_id, committee__exercise=exercise, committee__kind="subcommittee"
    ).values_list("committee_id", flat=True)
    return EditScope(subcommittee_ids=frozenset(seats))


# --- timeline ----------------------------------------------------------------------------------


@dataclass
class TimelineBar:
    task: Task
    left: float  # percent of the span
    width: float
    overdue: bool
    dependencies: list[Task]

    @property
    def state(self) -> str:
        if self.task.status == TaskStatus.DONE:
            return "done"
        if self.overdue:
            return "overdue"
        if self.task.status == TaskStatus.CANCELLED:
            return "cancelled"
        return "open"


@dataclass
class TimelineGroup:
    subcommittee: Any  # a Committee or None
    bars: list[TimelineBar]


@dataclass
class Timeline:
    start: dt.date | None
    end: dt.date | None
    today_left: float | None
    months: list[tuple[float, dt.date]]
    groups: list[TimelineGroup]
    undated: list[Task]


# The timeline draws a page of tasks at a time (its scale is still that of all of them).
TIMELINE_PER_PAGE = 50


@dataclass(frozen=True)
class TimelineSpan:
    """What the timeline says of all the filtered tasks, not only the page it draws."""

    start: dt.date | None
    end: dt.date | None
    total: int
    overdue: int


def timeline_span(tasks: QuerySet[Task], *, on: dt.date | None = None) -> TimelineSpan:
    """First and last dates, count and overdue count of `tasks`, in one aggregate query."""
    row = tasks.order_by().aggregate(
        first_start=Min("start"),
        first_due=Min("due"),
        last_start=Max("start"),
        last_due=Max("due"),
        total=Count("pk"),
        overdue=Count("pk", filter=overdue_q(on)),
    )
    firsts = [d for d in (row["first_start"], row["first_due"]) if d is not None]
    lasts = [d for d in (row["last_start"], row["last_due"]) if d is not None]
    return TimelineSpan(
        start=min(firsts) if firsts else None,
        end=max(lasts) if lasts else None,
        total=row["total"] or 0,
        overdue=row["overdue"] or 0,
    )


def timeline_order(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """The order the timeline draws in: by subcommittee (none last), then by first date, then
    code; tasks without any date come after all the others (they are listed apart)."""
    undated = Case(
        When(start__isnull=True, due__isnull=True, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return tasks.order_by(
        undated,
        F("subcommittee__order").asc(nulls_last=True),
        F("subcommittee_id").asc(nulls_last=True),
        Coalesce("start", "due"),
        "code",
    )


def task_timeline(
    tasks: list[Task], *, on: dt.date | None = None, bounds: TimelineSpan | None = None
) -> Timeline:
    """Bars positioned in percent from the earliest start to the latest due of `tasks` (or of
    `bounds`, the dates of all the tasks a page of `tasks` is taken from).

    A task with one date shows as a short mark on it; a task without dates is listed apart.
    """
    on = on or today()
    dates = [d for t in tasks for d in (t.start, t.due) if d is not None]
    if bounds is not None and bounds.start is not None and bounds.end is not None:
        dates = [bounds.start, bounds.end]
    if not dates:
        return Timeline(None, None, None, [], [], list(tasks))
    start, end = min(dates), max(dates)
    span = (end - start).days + 1

    def pos(day: dt.date) -> float:
        return round((day - start).days / span * 100, 3)

    groups: dict[Any, TimelineGroup] = {}
    undated: list[Task] = []
    for task in tasks:
        first, last = task.start or task.due, task.due or task.start
        if first is None or last is None:
            undated.append(task)
            continue
        # At least a visible mark; never past the right edge.
        width = max(round(((last - first).days + 1) / span * 100, 3), 0.6)
        left = min(pos(first), 100 - width)
        key = task.subcommittee_id
        if key not in groups:
            groups[key] = TimelineGroup(task.subcommittee, [])
        groups[key].bars.append(
            TimelineBar(
                task=task,
                left=left,
                width=width,
                overdue=is_overdue(task, on),
                dependencies=list(task.depends_on.all()),
            )
        )
    ordered = sorted(groups.values(), key=_group_order)
    for group in ordered:
        group.bars.sort(key=lambda b: (b.task.start or b.task.due, b.task.code))
    months: list[tuple[float, dt.date]] = []
    month = dt.date(start.year, start.month, 1)
    while month <= end:
        if month >= start:
            months.append((pos(month), month))
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    today_left = pos(on) if start <= on <= end else None
    return Timeline(start, end, today_left, months, ordered, undated)


def _group_order(group: TimelineGroup) -> tuple[bool, int, int]:
    committee = group.subcommittee
    if committee is None:
        return (True, 0, 0)  # tasks without a subcommittee come last
    return (False, committee.order, committee.pk)
