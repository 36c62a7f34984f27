"""Reads of forces: every list limited to the reader's scope (the exercise's) and clearance
(a unit marked above the reader's clearance is neither listed nor counted), and the
mobilisation summary computed from them with a flat number of queries.

Counting rule: one `ForceAllocation` per unit x exercise holds the unit's personnel; forces
only link to allocations, so the exercise's totals add each unit once however many forces it
serves. A force's own total adds the allocations linked to it; the sum of the forces' totals
may therefore exceed the exercise's total, and the page says so.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from kvpt.core.filters import matching
from kvpt.core.scope import get_scope
from kvpt.exercises.selectors import restrict_to_exercises
from kvpt.forces.models import (
    EquipmentAllocation,
    Force,
    ForceAllocation,
    RosterEntry,
    VehicleAllocation,
    WeaponIssue,
)


def _units_cleared(queryset: QuerySet[Any], user: Any, prefix: str = "unit") -> QuerySet[Any]:
    clearance = get_scope(user).clearance
    return queryset.filter(
        **{
            f"{prefix}__classification__lte": clearance,
            f"{prefix}__agency__classification__lte": clearance,
        }
    )


def force_list(user: Any) -> QuerySet[Force]:
    return restrict_to_exercises(Force.objects.select_related("exercise__area"), user)


def allocation_list(user: Any) -> QuerySet[ForceAllocation]:
    queryset = restrict_to_exercises(
        ForceAllocation.objects.select_related("exercise__area", "unit__agency"), user
    )
    return _units_cleared(queryset, user)


def vehicle_list(user: Any) -> QuerySet[VehicleAllocation]:
    queryset = restrict_to_exercises(
        VehicleAllocation.objects.select_related("allocation__exercise__area", "allocation__unit"),
        user,
        via="allocation__exercise",
    )
    return _units_cleared(queryset, user, "allocation__unit")


def equipment_list(user: Any) -> QuerySet[EquipmentAllocation]:
    queryset = restrict_to_exercises(
        EquipmentAllocation.objects.select_related(
            "allocation__exercise__area", "allocation__unit"
        ),
        user,
        via="allocation__exercise",
    )
    return _units_cleared(queryset, user, "allocation__unit")


def roster_list(user: Any) -> QuerySet[RosterEntry]:
    queryset = restrict_to_exercises(
        RosterEntry.objects.select_related("exercise__area", "unit__agency"), user
    )
    return _units_cleared(queryset, user)


def weapon_issue_list(user: Any) -> QuerySet[WeaponIssue]:
    queryset = restrict_to_exercises(
        WeaponIssue.objects.select_related("exercise__area", "unit__agency"), user
    )
    return _units_cleared(queryset, user)


def roster_search(
    user: Any, exercise_id: int, *, q: str = "", unit: Any = None, attended: str = ""
) -> QuerySet[RosterEntry]:
    queryset = roster_list(user).filter(exercise_id=exercise_id)
    if unit not in (None, ""):
        queryset = queryset.filter(unit_id=unit) if str(unit).isdigit() else queryset.none()
    if attended in ("1", "0"):
        queryset = queryset.filter(attended=attended == "1")
    return matching(queryset, q, "search_text").order_by("unit__name", "full_name", "pk")


# --- mobilisation ------------------------------------------------------------------------------


def percent(actual: int, planned: int) -> int | None:
    """Whole percent, rounded half up; None without a plan."""
    if not planned:
        return None
    return (actual * 100 * 2 + planned) // (planned * 2)


def strength_text(planned: int | None, actual: int | None, size_label: str) -> str:
    """What a reader takes in at a glance: "110/110 - 100 %", "264 người", "1 trung đội"."""
    if planned is not None:
        shown = "?" if actual is None else str(actual)
        rate = percent(actual or 0, planned)
        return f"{shown}/{planned} - {rate} %" if actual is not None else f"{shown}/{planned}"
    if actual is not None:
        return _("%(n)s người") % {"n": actual}
    return size_label or _("chưa rõ quân số")


@dataclass
class UnitLine:
    allocation: ForceAllocation
    unit_name: str
    forces: list[Force]
    planned: int | None
    actual: int | None
    size_label: str
    rate: int | None
    text: str
    vehicles: dict[str, int]
    equipment: dict[str, int] = field(default_factory=dict)
    roster_count: int = 0
    attended_count: int = 0

    @property
    def size_only(self) -> bool:
        return self.planned is None and self.actual is None


@dataclass
class Tally:
    """Personnel of a set of allocations, each counted once."""

    planned: int = 0  # of the units whose plan is known
    actual_of_planned: int = 0  # their actual
    actual: int = 0  # every known actual, planned or not
    units: int = 0
    size_only: list[str] = field(default_factory=list)  # "1 trung đội (Trí Nang)"
    vehicles: dict[str, int] = field(default_factory=dict)
    equipment: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> int | None:
        return percent(self.actual_of_planned, self.planned)

    @property
    def rate_text(self) -> str:
        if not self.planned:
            return "—"
        return f"{self.actual_of_planned}/{self.planned} - {self.rate} %"

    @property
    def vehicle_total(self) -> int:
        return sum(self.vehicles.values())

    @property
    def vehicles_text(self) -> str:
        return ", ".join(f"{n} {kind}" for kind, n in sorted(self.vehicles.items())) or "—"

    def add(self, line: UnitLine) -> None:
        self.units += 1
        if line.planned is not None:
            self.planned += line.planned
            self.actual_of_planned += line.actual or 0
        if line.actual is not None:
            self.actual += line.actual
        if line.size_only:
            self.size_only.append(f"{line.size_label or '?'} ({line.unit_name})")
        for kind, n in line.vehicles.items():
            self.vehicles[kind] = self.vehicles.get(kind, 0) + n
        for item, n in line.equipment.items():
            self.equipment[item] = self.equipment.get(item, 0) + n

    @property
    def equipment_text(self) -> str:
        return ", ".join(f"{n} {item}" for item, n in sorted(self.equipment.items())) or "—"


@dataclass
class ForceLine:
    force: Force
    tally: Tally
    units: list[UnitLine]


@dataclass
class Mobilisation:
    units: list[UnitLine]
    forces: list[ForceLine]
    unassigned: list[UnitLine]
    total: Tally
    any_illustrative: bool

    @property
    def forces_overlap(self) -> bool:
        """True when some unit serves several forces: the forces' sums exceed the total."""
        return sum(f.tally.units for f in self.forces) > self.total.units - len(self.unassigned)


def mobilisation(user: Any, exercise_id: int) -> Mobilisation:
    """Per unit, per force and in total; 6 queries whatever the number of rows."""
    allocations = list(
        allocation_list(user)
        .filter(exercise_id=exercise_id)
        .prefetch_related(
            Prefetch("forces", queryset=Force.objects.order_by("order", "code")),
            Prefetch("vehicles", queryset=VehicleAllocation.objects.order_by("kind")),
            Prefetch("equipment", queryset=EquipmentAllocation.objects.order_by("item")),
        )
        .order_by("unit__name", "pk")
    )
    roster = roster_counts(user, exercise_id)
    forces = list(force_list(user).filter(exercise_id=exercise_id).order_by("order", "code"))
    lines: list[UnitLine] = []
    for allocation in allocations:
        vehicles: dict[str, int] = {}
        for v in allocation.vehicles.all():
            n = v.actual if v.actual is not None else v.planned
            if n:
                vehicles[v.kind] = vehicles.get(v.kind, 0) + n
        planned, actual = allocation.planned_personnel, allocation.actual_personnel
        size = allocation.size_label or allocation.unit.size_label
        on_roster, present = roster.get(allocation.unit_id, (0, 0))
        lines.append(
            UnitLine(
                allocation=allocation,
                unit_name=allocation.unit.name,
                forces=list(allocation.forces.all()),
                planned=planned,
                actual=actual,
                size_label=size,
                rate=percent(actual or 0, planned) if planned is not None else None,
                text=strength_text(planned, actual, size),
                vehicles=vehicles,
                equipment={e.item: e.quantity for e in allocation.equipment.all()},
                roster_count=on_roster,
                attended_count=present,
            )
        )
    by_force: dict[int, list[UnitLine]] = defaultdict(list)
    unassigned = []
    total = Tally()
    for line in lines:
        total.add(line)
        if not line.forces:
            unassigned.append(line)
        for force in line.forces:
            by_force[force.pk].append(line)
    force_lines = []
    for force in forces:
        tally = Tally()
        for line in by_force.get(force.pk, []):
            tally.add(line)
        force_lines.append(ForceLine(force=force, tally=tally, units=by_force.get(force.pk, [])))
    return Mobilisation(
        units=lines,
        forces=force_lines,
        unassigned=unassigned,
        total=total,
        any_illustrative=any(a.is_illustrative for a in allocations),
    )


def roster_counts(user: Any, exercise_id: int) -> dict[int, tuple[int, int]]:
    """unit id -> (people on the roster, people checked in): one aggregate query."""
    from django.db.models import Count, Q

    rows = (
        roster_list(user)
        .filter(exercise_id=exercise_id)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("id"), present=Count("id", filter=Q(attended=True)))
    )
    return {r["unit_id"]: (r["n"], r["present"]) for r in rows}
