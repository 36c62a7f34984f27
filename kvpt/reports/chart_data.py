"""What the charts page draws, read by aggregate queries (COUNT / SUM ... GROUP BY in the database).

The page used to read every record of the exercise (the summary report's reader) and draw four
matplotlib figures on every request. Here each chart's data is a handful of grouped rows, whatever
the number of tasks, budget lines, units or actions; the SVG drawn from them is kept in the shared
cache under a digest of those rows (and of the chart code's version), so an unchanged chart is not
drawn again, and a changed figure changes the digest.

Every read goes through the apps' selectors, limited to what the user may see.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db.models import Count, Max, Sum
from django.utils import timezone

from kvpt.core.models import Classification
from kvpt.exercises.models import Exercise

# Raise when charts.py draws differently: cached pictures of the old drawing are then ignored.
CHART_VERSION = "1"
# A cached picture is kept a day; it is drawn again after that even if nothing changed.
CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class SubcommitteeBar:
    name: str
    done_percent: int


@dataclass(frozen=True)
class ReadinessRows:
    """What `charts.readiness_by_subcommittee` reads of a Readiness: `.subcommittees`."""

    subcommittees: tuple[SubcommitteeBar, ...]


@dataclass(frozen=True)
class CategoryTotal:
    """One budget category's sums, shaped as the budget lines the budget chart reads."""

    label: str
    estimate: int
    actual: int
    additional: int
    settled_amount: int

    def get_category_display(self) -> str:
        return self.label


@dataclass(frozen=True)
class UnitBar:
    unit_name: str
    planned: int | None
    actual: int | None


@dataclass(frozen=True)
class StatusCount:
    label: str
    n: int

    def get_status_display(self) -> str:
        return self.label


@dataclass
class ChartData:
    """The four charts' rows and the marking of the records counted in them."""

    readiness: ReadinessRows
    budget: tuple[CategoryTotal, ...]
    units: tuple[UnitBar, ...] | None
    actions: tuple[StatusCount, ...] | None
    marking: int = Classification.UNCLASSIFIED
    levels: list[int | None] = field(default_factory=list)


def _readiness(user: Any, exercise: Exercise, levels: list[int | None]) -> ReadinessRows:
    from kvpt.preparation.selectors import task_list
    from kvpt.preparation.selectors.readiness import subcommittee_progress

    tasks = task_list(user).filter(exercise=exercise)
    levels.append(tasks.order_by().aggregate(level=Max("classification"))["level"])
    rows = subcommittee_progress(tasks, timezone.localdate())
    return ReadinessRows(tuple(SubcommitteeBar(row.name, row.done_percent) for row in rows))


def _budget(user: Any, exercise: Exercise, levels: list[int | None]) -> tuple[CategoryTotal, ...]:
    from kvpt.preparation.models import BudgetCategory
    from kvpt.preparation.selectors import budget_line_list

    rows = list(
        budget_line_list(user)
        .filter(exercise=exercise)
        .order_by()
        .values("category")
        .annotate(
            estimate_sum=Sum("estimate"),
            actual_sum=Sum("actual"),
            additional_sum=Sum("additional"),
            settled_sum=Sum("settled_amount"),
            level=Max("classification"),
        )
    )
    levels.extend(row["level"] for row in rows)
    order = list(BudgetCategory.values)
    rows.sort(key=lambda row: order.index(row["category"]) if row["category"] in order else 99)
    return tuple(
        CategoryTotal(
            label=str(BudgetCategory(row["category"]).label)
            if row["category"] in order
            else str(row["category"]),
            estimate=row["estimate_sum"] or 0,
            actual=row["actual_sum"] or 0,
            additional=row["additional_sum"] or 0,
            settled_amount=row["settled_sum"] or 0,
        )
        for row in rows
    )


def _units(user: Any, exercise: Exercise, levels: list[int | None]) -> tuple[UnitBar, ...] | None:
    if not apps.is_installed("kvpt.forces"):
        return None
    from kvpt.forces.selectors import allocation_list

    rows = (
        allocation_list(user)
        .filter(exercise_id=exercise.pk)
        .order_by("unit__name", "pk")
        .values_list("unit__name", "planned_personnel", "actual_personnel", "unit__classification")
    )
    bars = []
    for name, planned, actual, level in rows:
        levels.append(level)
        bars.append(UnitBar(name, planned, actual))
    return tuple(bars)


def _actions(
    user: Any, exercise: Exercise, levels: list[int | None]
) -> tuple[StatusCount, ...] | None:
    if not apps.is_installed("kvpt.review"):
        return None
    from kvpt.review.models import ActionStatus
    from kvpt.review.selectors import action_list

    rows = list(
        action_list(user)
        .filter(exercise=exercise)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"), level=Max("classification"))
    )
    levels.extend(row["level"] for row in rows)
    order = list(ActionStatus.values)
    rows.sort(key=lambda row: order.index(row["status"]) if row["status"] in order else 99)
    return tuple(
        StatusCount(
            str(ActionStatus(row["status"]).label) if row["status"] in order else row["status"],
            row["n"],
        )
        for row in rows
    )


def chart_data(user: Any, exercise: Exercise) -> ChartData:
    """The charts' rows for `exercise` (already checked visible to `user`) as `user` may see it."""
    levels: list[int | None] = [exercise.classification]
    data = ChartData(
        readiness=_readiness(user, exercise, levels),
        budget=_budget(user, exercise, levels),
        units=_units(user, exercise, levels),
        actions=_actions(user, exercise, levels),
    )
    data.levels = levels
    data.marking = max((int(level or 0) for level in levels), default=0)
    return data


def chart_svgs(data: ChartData) -> list[str]:
    """The four SVG pictures, each drawn only when its rows changed (or the cache lost it)."""
    from kvpt.reports import charts

    def actions(rows: tuple[StatusCount, ...] | None) -> Any:
        # charts.actions_by_status counts records one by one: one stand-in per counted action.
        return charts.actions_by_status([row for row in rows or () for _ in range(row.n)])

    drawings: list[tuple[str, Callable[[Any], Any], Any]] = [
        ("readiness", charts.readiness_by_subcommittee, data.readiness),
        ("budget", charts.budget_estimate_vs_settled, list(data.budget)),
        ("units", charts.mobilisation_by_unit, list(data.units) if data.units else None),
        ("actions", actions, data.actions),
    ]
    keys = [
        "kvpt:chart-svg:" + hashlib.sha256(f"{CHART_VERSION}|{name}|{rows!r}".encode()).hexdigest()
        for name, _draw, rows in drawings
    ]
    found = cache.get_many(keys)
    svgs: list[str] = []
    fresh: dict[str, str] = {}
    for key, (_name, draw, rows) in zip(keys, drawings, strict=True):
        svg = found.get(key)
        if svg is None:
            svg = charts.to_svg(draw(rows))
            fresh[key] = svg
        svgs.append(svg)
    if fresh:
        cache.set_many(fresh, CACHE_SECONDS)
    return svgs
