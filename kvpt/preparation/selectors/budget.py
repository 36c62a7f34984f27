"""Reads of budget lines: one exercise's lines grouped by category, with subtotals and settlement.

The sums come from one aggregate query grouped by (site clearance, category); the lines and the
works paid from them from one query and one prefetch. Nothing grows with the number of lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Sum, Value, When
from django.utils.translation import gettext as _

from kvpt.preparation.formatting import vn_percent
from kvpt.preparation.models import BudgetCategory, BudgetLine
from kvpt.preparation.selectors import budget_line_list, work_list


def exercise_budget_lines(user: Any, exercise_id: int) -> QuerySet[BudgetLine]:
    """The lines of one exercise the user may see, each with the works (the user sees) it pays."""
    return (
        budget_line_list(user)
        .filter(exercise_id=exercise_id)
        .select_related("exercise__area", "subcommittee")
        .prefetch_related(
            Prefetch("works", queryset=work_list(user).order_by("code"), to_attr="visible_works")
        )
        .order_by("category", "code")
    )


@dataclass
class Amounts:
    """The sums of a group of lines (or of all of them)."""

    lines: int = 0
    unsettled: int = 0
    estimate: int = 0
    actual: int = 0
    additional: int = 0
    settled: int = 0

    @property
    def total_spent(self) -> int:
        return self.actual + self.additional

    @property
    def to_settle(self) -> int:
        return max(self.total_spent - self.settled, 0)

    @property
    def progress(self) -> str:
        return vn_percent(self.settled, self.total_spent)

    def add(self, other: Amounts) -> None:
        for name in ("lines", "unsettled", "estimate", "actual", "additional", "settled"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "unsettled": self.unsettled,
            "estimate": self.estimate,
            "actual": self.actual,
            "additional": self.additional,
            "total_spent": self.total_spent,
            "settled": self.settled,
            "to_settle": self.to_settle,
            "progress": self.progress,
        }


@dataclass
class BudgetGroup:
    """One category's lines, inside or outside the site-clearance part."""

    category: str
    label: str
    is_site_clearance: bool
    amounts: Amounts
    lines: list[BudgetLine] = field(default_factory=list)


@dataclass
class BudgetSummary:
    groups: list[BudgetGroup]
    site_groups: list[BudgetGroup]
    totals: Amounts
    ordinary_totals: Amounts
    site_totals: Amounts


def is_unsettled(line: BudgetLine) -> bool:
    """Spent and not (fully) settled yet: the page highlights it."""
    return line.settled_amount < line.actual + line.additional


def budget_totals(user: Any, exercise_id: int) -> list[BudgetGroup]:
    """The sums per (site clearance, category), in one aggregate query, in category order."""
    rows = (
        budget_line_list(user)
        .filter(exercise_id=exercise_id)
        .order_by()
        .values("is_site_clearance", "category")
        .annotate(
            n=Count("id"),
            unsettled=Count("id", filter=Q(settled_amount__lt=F("actual") + F("additional"))),
            estimate_sum=Sum("estimate"),
            actual_sum=Sum("actual"),
            additional_sum=Sum("additional"),
            settled_sum=Sum("settled_amount"),
        )
    )
    order = list(BudgetCategory.values)
    groups = [
        BudgetGroup(
            category=row["category"],
            label=str(BudgetCategory(row["category"]).label),
            is_site_clearance=row["is_site_clearance"],
            amounts=Amounts(
                lines=row["n"],
                unsettled=row["unsettled"],
                estimate=row["estimate_sum"] or 0,
                actual=row["actual_sum"] or 0,
                additional=row["additional_sum"] or 0,
                settled=row["settled_sum"] or 0,
            ),
        )
        for row in rows
    ]
    groups.sort(key=lambda g: (g.is_site_clearance, order.index(g.category)))
    return groups


def _sum(groups: list[BudgetGroup]) -> Amounts:
    total = Amounts()
    for group in groups:
        total.add(group.amounts)
    return total


def budget_summary(user: Any, exercise_id: int, *, with_lines: bool = True) -> BudgetSummary:
    """The budget page: groups with their lines and subtotals, the site-clearance part apart."""
    groups = budget_totals(user, exercise_id)
    if with_lines:
        by_key = {(g.is_site_clearance, g.category): g for g in groups}
        for line in exercise_budget_lines(user, exercise_id):
            line.unsettled = is_unsettled(line)  # type: ignore[attr-defined]
            group = by_key.get((line.is_site_clearance, line.category))
            if group is not None:  # a line written between the two queries waits for a reload
                group.lines.append(line)
    ordinary = [g for g in groups if not g.is_site_clearance]
    site = [g for g in groups if g.is_site_clearance]
    return BudgetSummary(
        groups=ordinary,
        site_groups=site,
        totals=_sum(groups),
        ordinary_totals=_sum(ordinary),
        site_totals=_sum(site),
    )


# The page lists this many lines at a time; the totals and subtotals are those of all lines.
BUDGET_PER_PAGE = 50


def _page_order(lines: QuerySet[BudgetLine]) -> QuerySet[BudgetLine]:
    """The page's order: the ordinary part, then site clearance; categories in their declared
    order (as the groups are), then codes, so a group's lines follow each other across pages."""
    category_order = Case(
        *(When(category=value, then=Value(i)) for i, value in enumerate(BudgetCategory.values)),
        default=Value(len(BudgetCategory.values)),
        output_field=IntegerField(),
    )
    return lines.order_by("is_site_clearance", category_order, "code")


def budget_page(
    user: Any, exercise_id: int, page_number: Any, *, per_page: int | None = None
) -> tuple[BudgetSummary, Page[BudgetLine]]:
    """The budget page: totals and subtotals over all lines (one aggregate query), and one page
    of lines under the groups they belong to; groups without a line on this page are left out
    of `groups` / `site_groups` (their sums are still in the totals)."""
    groups = budget_totals(user, exercise_id)
    lines = _page_order(exercise_budget_lines(user, exercise_id))
    page = Paginator(lines, per_page or BUDGET_PER_PAGE).get_page(page_number)
    by_key = {(g.is_site_clearance, g.category): g for g in groups}
    for line in page.object_list:
        line.unsettled = is_unsettled(line)
        group = by_key.get((line.is_site_clearance, line.category))
        if group is not None:  # a line written between the two queries waits for a reload
            group.lines.append(line)
    ordinary = [g for g in groups if not g.is_site_clearance]
    site = [g for g in groups if g.is_site_clearance]
    summary = BudgetSummary(
        groups=[g for g in ordinary if g.lines],
        site_groups=[g for g in site if g.lines],
        totals=_sum(groups),
        ordinary_totals=_sum(ordinary),
        site_totals=_sum(site),
    )
    return summary, page


def settlement_sentence(totals: Amounts) -> str:
    """ "Đã quyết toán 62,5 % (…/… đ)" for the page's head and the readiness dashboard."""
    from kvpt.preparation.formatting import vnd

    return _("Đã quyết toán %(progress)s (%(settled)s / %(spent)s).") % {
        "progress": totals.progress,
        "settled": vnd(totals.settled),
        "spent": vnd(totals.total_spent),
    }
