"""The readiness of one exercise: what is done, what is late, what still blocks it.

Every figure comes from a handful of aggregate queries whose number does not depend on how many
tasks, works, documents or budget lines the exercise has (a test asserts it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kvpt.exercises.models import CommitteeKind, CommitteeRole, Exercise
from kvpt.preparation.models import (
    DocumentStatus,
    TaskStatus,
    WorkStatus,
)
from kvpt.preparation.selectors import budget_line_list, document_list, task_list, work_list

# Open items listed on the dashboard, most urgent first; the counts above them are complete.
OPEN_ITEMS_SHOWN = 15

CLOSED_TASK_STATUSES = (TaskStatus.DONE, TaskStatus.CANCELLED)


@dataclass(frozen=True)
class SubcommitteeProgress:
    committee_id: int | None
    name: str
    total: int
    done: int
    overdue: int

    @property
    def done_percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass(frozen=True)
class OpenItem:
    """Something that blocks the exercise: a late or blocked task, a missing prerequisite."""

    kind: str
    label: str
    detail: str
    url: str | None = None
    due: dt.date | None = None


@dataclass
class Readiness:
    exercise: Exercise
    today: dt.date
    subcommittees: list[SubcommitteeProgress] = field(default_factory=list)
    tasks_total: int = 0
    tasks_done: int = 0
    tasks_overdue: int = 0
    works_by_status: dict[str, int] = field(default_factory=dict)
    works_total: int = 0
    documents_total: int = 0
    documents_approved: int = 0
    budget_estimate: int = 0
    budget_spent: int = 0
    budget_settled: int = 0
    open_items: list[OpenItem] = field(default_factory=list)
    open_items_total: int = 0
    marking: int = 0

    @property
    def tasks_done_percent(self) -> int:
        return round(100 * self.tasks_done / self.tasks_total) if self.tasks_total else 0

    @property
    def works_done(self) -> int:
        return self.works_by_status.get(WorkStatus.DONE, 0) + self.works_by_status.get(
            WorkStatus.HANDED_OVER, 0
        )

    @property
    def works_status_rows(self) -> list[tuple[str, int]]:
        """(label, count) in the lifecycle's order, statuses without works left out."""
        return [
            (str(status.label), self.works_by_status[status.value])
            for status in WorkStatus
            if self.works_by_status.get(status.value)
        ]

    @property
    def works_done_percent(self) -> int:
        return round(100 * self.works_done / self.works_total) if self.works_total else 0

    @property
    def documents_approved_percent(self) -> int:
        if not self.documents_total:
            return 0
        return round(100 * self.documents_approved / self.documents_total)

    @property
    def budget_settled_percent(self) -> int:
        return round(100 * self.budget_settled / self.budget_spent) if self.budget_spent else 0

    @property
    def days_to_exercise(self) -> int | None:
        start = self.exercise.start_date
        return (start - self.today).days if start else None


def _overdue(today: dt.date) -> Q:
    return Q(due__lt=today) & ~Q(status__in=CLOSED_TASK_STATUSES)


def _tasks_by_subcommittee(
    tasks: QuerySet[Any], today: dt.date
) -> tuple[list[SubcommitteeProgress], int, int, int]:
    rows = (
        tasks.order_by()
        .values("subcommittee_id", "subcommittee__name", "subcommittee__order")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=TaskStatus.DONE)),
            overdue=Count("pk", filter=_overdue(today)),
        )
        .order_by("subcommittee__order", "subcommittee__name")
    )
    progress = [
        SubcommitteeProgress(
            committee_id=row["subcommittee_id"],
            name=row["subcommittee__name"] or _("(chưa giao tiểu ban)"),
            total=row["total"],
            done=row["done"],
            overdue=row["overdue"],
        )
        for row in rows
    ]
    return (
        progress,
        sum(p.total for p in progress),
        sum(p.done for p in progress),
        sum(p.overdue for p in progress),
    )


def subcommittee_progress(tasks: QuerySet[Any], today: dt.date) -> list[SubcommitteeProgress]:
    """Each subcommittee's tasks counted (total, done, overdue) by one grouped query."""
    return _tasks_by_subcommittee(tasks, today)[0]


def _missing_prerequisites(exercise: Exercise) -> list[OpenItem]:
    """What the status workflow requires before the exercise may start (phases, a BCĐ head)."""
    from django.urls import reverse

    items: list[OpenItem] = []
    counts = Exercise.objects.filter(pk=exercise.pk).aggregate(
        phases=Count("phases", distinct=True),
        heads=Count(
            "committees__members",
            filter=Q(committees__kind=CommitteeKind.STEERING)
            & Q(committees__members__role=CommitteeRole.HEAD),
            distinct=True,
        ),
    )
    url = reverse("exercises:detail", args=[exercise.pk])
    if not counts["phases"]:
        items.append(
            OpenItem("prerequisite", _("Chưa có giai đoạn"), _("Cần ít nhất một giai đoạn."), url)
        )
    if not counts["heads"]:
        items.append(
            OpenItem(
                "prerequisite",
                _("Chưa có Trưởng Ban Chỉ đạo"),
                _("Ban Chỉ đạo cần có Trưởng ban trước khi thực hành."),
                url,
            )
        )
    return items


def _late_tasks(tasks: QuerySet[Any], today: dt.date) -> tuple[list[OpenItem], int]:
    blocking = tasks.filter(_overdue(today) | Q(status=TaskStatus.BLOCKED))
    total = blocking.count()
    items = []
    for task in blocking.select_related("subcommittee").order_by("due", "code")[:OPEN_ITEMS_SHOWN]:
        late = task.due is not None and task.due < today
        detail = (
            _("Quá hạn %(days)s ngày") % {"days": (today - task.due).days}
            if late and task.due is not None
            else _("Đang vướng mắc")
        )
        if task.subcommittee_id:
            detail = f"{detail} · {task.subcommittee.name}"
        items.append(OpenItem("task", f"{task.code} - {task.title}", detail, None, task.due))
    return items, total


def exercise_readiness(user: Any, exercise: Exercise, *, today: dt.date | None = None) -> Readiness:
    """The readiness of `exercise` (already checked visible to `user`) as `user` may see it."""
    today = today or timezone.localdate()
    result = Readiness(exercise=exercise, today=today)
    tasks = task_list(user).filter(exercise=exercise)
    (result.subcommittees, result.tasks_total, result.tasks_done, result.tasks_overdue) = (
        _tasks_by_subcommittee(tasks, today)
    )
    works = work_list(user).filter(exercise=exercise).order_by()
    result.works_by_status = dict(
        works.values("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    result.works_total = sum(result.works_by_status.values())
    documents = document_list(user).filter(exercise=exercise).order_by()
    doc_counts = documents.aggregate(
        total=Count("pk"),
        approved=Count(
            "pk", filter=Q(status__in=[DocumentStatus.APPROVED, DocumentStatus.ARCHIVED])
        ),
    )
    result.documents_total = doc_counts["total"]
    result.documents_approved = doc_counts["approved"]
    money = (
        budget_line_list(user)
        .filter(exercise=exercise)
        .order_by()
        .aggregate(
            estimate=Sum("estimate"),
            actual=Sum("actual"),
            additional=Sum("additional"),
            settled=Sum("settled_amount"),
        )
    )
    result.budget_estimate = money["estimate"] or 0
    result.budget_spent = (money["actual"] or 0) + (money["additional"] or 0)
    result.budget_settled = money["settled"] or 0
    prerequisites = _missing_prerequisites(exercise)
    late, late_total = _late_tasks(tasks, today)
    summaries = _unfinished_summaries(result)
    result.open_items = [*prerequisites, *late, *summaries][:OPEN_ITEMS_SHOWN]
    result.open_items_total = len(prerequisites) + late_total + len(summaries)
    levels = [
        tasks.order_by().aggregate(m=Max("classification"))["m"],
        works.aggregate(m=Max("classification"))["m"],
        documents.aggregate(m=Max("classification"))["m"],
    ]
    result.marking = max([exercise.classification, *(level or 0 for level in levels)])
    return result


def _unfinished_summaries(result: Readiness) -> list[OpenItem]:
    """Works not finished and documents not approved, one line each (the counts are known)."""
    items = []
    works_open = result.works_total - result.works_done
    if works_open:
        items.append(
            OpenItem(
                "works",
                _("%(n)s công trình chưa hoàn thành") % {"n": works_open},
                _("Trên tổng số %(total)s công trình.") % {"total": result.works_total},
            )
        )
    documents_open = result.documents_total - result.documents_approved
    if documents_open:
        items.append(
            OpenItem(
                "documents",
                _("%(n)s văn kiện chưa phê duyệt") % {"n": documents_open},
                _("Trên tổng số %(total)s văn kiện.") % {"total": result.documents_total},
            )
        )
    return items
