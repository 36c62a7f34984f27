"""Reads of works: the filtered list of one exercise, and the totals by kind in people's words.

Everything is limited by `work_list` (the exercise's scope, then each work's own marking), so a
classified work a reader may not see is neither listed nor counted in the totals.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Max, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kvpt.core.filters import with_id
from kvpt.core.text import fold
from kvpt.preparation.formatting import vn_number
from kvpt.preparation.models import QuantityUnit, Work, WorkConstruction, WorkKind
from kvpt.preparation.selectors import work_list

# How a count of each kind is said: "3 hầm", "2,3 km đường cơ động".
KIND_NOUNS: dict[str, Any] = {
    WorkKind.COMMAND_POST: gettext_lazy("vị trí sở chỉ huy"),
    WorkKind.BUNKER: gettext_lazy("hầm"),
    WorkKind.SAND_TABLE: gettext_lazy("sa bàn"),
    WorkKind.FIRING_POSITION: gettext_lazy("trận địa"),
    WorkKind.ROAD: gettext_lazy("đường cơ động"),
    WorkKind.LIVE_TROOP_AREA: gettext_lazy("khu vực thực binh"),
    WorkKind.OTHER: gettext_lazy("công trình khác"),
}


def exercise_works(user: Any, exercise_id: int) -> QuerySet[Work]:
    """The works of one exercise the user may see, with what the list and detail show."""
    return (
        work_list(user)
        .filter(exercise_id=exercise_id)
        .select_related(
            "exercise__area",
            "subcommittee",
            "owner",
            "custodian",
            "handed_over_to",
            "budget_line",
        )
    )


@dataclass(frozen=True)
class WorkFilters:
    """What a reader narrows the works list by; every field optional (a bad value matches none)."""

    kind: str = ""
    construction: str = ""
    status: str = ""
    subcommittee: Any = None
    q: str = ""


def work_search(user: Any, exercise_id: int, filters: WorkFilters) -> QuerySet[Work]:
    queryset = exercise_works(user, exercise_id)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.construction:
        queryset = queryset.filter(construction=filters.construction)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    queryset = with_id(queryset, "subcommittee_id", filters.subcommittee)
    words = fold(filters.q).split()
    if words:
        # Works carry no folded copy of their text: fold the few columns of this exercise's works
        # here (one query), so "ham" finds "hầm" as everywhere else.
        rows = work_list(user).filter(exercise_id=exercise_id)
        matching = [
            pk
            for pk, *texts in rows.values_list("pk", "code", "name", "location", "notes")
            if all(word in fold(" ".join(texts)) for word in words)
        ]
        queryset = queryset.filter(pk__in=matching)
    return queryset.order_by("kind", "code")


@dataclass(frozen=True)
class WorkTotal:
    """The works of one kind, built or renovated, measured in one unit."""

    construction: str
    construction_label: str
    kind: str
    kind_label: str
    unit: str
    count: int
    quantity: Decimal | None
    text: str
    classification: int  # the highest marking among the works counted


def _amount_text(kind: str, unit: str, count: int, quantity: Decimal | None) -> str:
    noun = str(KIND_NOUNS.get(kind, kind))
    if unit == QuantityUnit.EACH or quantity is None:
        amount = quantity if unit == QuantityUnit.EACH and quantity is not None else count
        return f"{vn_number(amount)} {noun}"
    return f"{vn_number(quantity)} {QuantityUnit(unit).label} {noun}"


def work_totals(user: Any, exercise_id: int) -> list[WorkTotal]:
    """Per (construction, kind, unit): how many works and how much, in one aggregate query.

    A work counted in pieces ("cái") without a quantity counts as one piece.
    """
    rows = (
        work_list(user)
        .filter(exercise_id=exercise_id)
        .order_by()
        .values("construction", "kind", "quantity_unit")
        .annotate(
            n=Count("id"),
            level=Max("classification"),
            measured=Sum("quantity"),
            pieces=Sum(
                Coalesce(
                    "quantity",
                    Value(Decimal(1)),
                    output_field=DecimalField(max_digits=14, decimal_places=2),
                )
            ),
        )
    )
    constructions = list(WorkConstruction.values)
    kinds = list(WorkKind.values)
    units = list(QuantityUnit.values)
    totals = []
    for row in rows:
        unit = row["quantity_unit"]
        quantity = row["pieces"] if unit == QuantityUnit.EACH else row["measured"]
        quantity = Decimal(quantity) if quantity is not None else None
        totals.append(
            WorkTotal(
                construction=row["construction"],
                construction_label=str(WorkConstruction(row["construction"]).label),
                kind=row["kind"],
                kind_label=str(WorkKind(row["kind"]).label),
                unit=unit,
                count=row["n"],
                quantity=quantity,
                text=_amount_text(row["kind"], unit, row["n"], quantity),
                classification=int(row["level"] or 0),
            )
        )
    totals.sort(
        key=lambda t: (
            constructions.index(t.construction),
            kinds.index(t.kind),
            units.index(t.unit),
        )
    )
    return totals


def totals_text(totals: list[WorkTotal]) -> str:
    """ "Xây mới: 3 hầm, 1 sa bàn; Tu sửa, nâng cấp: 3 hầm, 2,3 km đường cơ động"."""
    groups: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for total in totals:
        groups.setdefault(total.construction, []).append(total.text)
        labels[total.construction] = total.construction_label
    if not groups:
        return _("Chưa có công trình nào.")
    return "; ".join(f"{labels[c]}: {', '.join(items)}" for c, items in groups.items())
