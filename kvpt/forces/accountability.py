"""Weapons and equipment accountability, and the exercise's computed absolute safety.

"An toàn tuyệt đối về người, vũ khí trang bị" is a fact computed here, never typed in: it holds
only when every item issued came back (nothing outstanding, lost or damaged) AND the incident log
shows nobody hurt. Without weapons records, or while incidents are not recorded (the scenario app
absent), it is undetermined, and the page says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from kvpt.forces import safety
from kvpt.forces.models import WeaponIssue
from kvpt.forces.selectors import weapon_issue_list


@dataclass
class ItemTotals:
    issued: int = 0
    returned: int = 0
    lost: int = 0
    damaged: int = 0

    @property
    def outstanding(self) -> int:
        return self.issued - self.returned - self.lost - self.damaged

    def add(self, issue: WeaponIssue) -> None:
        self.issued += issue.quantity_issued
        self.returned += issue.quantity_returned
        self.lost += issue.quantity_lost
        self.damaged += issue.quantity_damaged


@dataclass
class UnitAccount:
    unit_name: str
    issues: list[WeaponIssue]
    totals: ItemTotals


@dataclass
class Safety:
    value: bool | None  # True: absolute safety holds; False: it does not; None: undetermined
    reasons: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        if self.value is True:
            return _("Bảo đảm an toàn tuyệt đối về người, vũ khí trang bị")
        if self.value is False:
            return _("Không bảo đảm an toàn tuyệt đối về người, vũ khí trang bị")
        return _("Chưa xác định được an toàn tuyệt đối về người, vũ khí trang bị")


@dataclass
class Accountability:
    units: list[UnitAccount]
    items: dict[str, ItemTotals]
    total: ItemTotals
    safety: Safety
    incidents_recorded: bool


def accountability(user: Any, exercise_id: int) -> Accountability:
    """Per unit and per item, in one query (plus the incident hook)."""
    issues = list(
        weapon_issue_list(user).filter(exercise_id=exercise_id).order_by("unit__name", "item", "pk")
    )
    units: dict[int, UnitAccount] = {}
    items: dict[str, ItemTotals] = {}
    total = ItemTotals()
    for issue in issues:
        account = units.setdefault(
            issue.unit_id, UnitAccount(unit_name=issue.unit.name, issues=[], totals=ItemTotals())
        )
        account.issues.append(issue)
        account.totals.add(issue)
        items.setdefault(issue.item, ItemTotals()).add(issue)
        total.add(issue)
    status = safety.incident_status(exercise_id)
    return Accountability(
        units=list(units.values()),
        items=dict(sorted(items.items())),
        total=total,
        safety=absolute_safety(exercise_id, status=status),
        incidents_recorded=status.recorded,
    )


def absolute_safety(exercise_id: int, *, status: safety.IncidentStatus | None = None) -> Safety:
    """Computed over ALL the exercise's records (not only those a reader sees): a fact about the
    exercise must not change with who reads it. Only counts are revealed."""
    if status is None:
        status = safety.incident_status(exercise_id)
    sums = WeaponIssue.objects.filter(exercise_id=exercise_id).aggregate(
        issued=Sum("quantity_issued"),
        returned=Sum("quantity_returned"),
        lost=Sum("quantity_lost"),
        damaged=Sum("quantity_damaged"),
    )
    issued = sums["issued"] or 0
    lost, damaged = sums["lost"] or 0, sums["damaged"] or 0
    outstanding = issued - (sums["returned"] or 0) - lost - damaged
    failures: list[str] = []
    if outstanding:
        failures.append(_("Còn %(n)s vũ khí, trang bị chưa thu hồi.") % {"n": outstanding})
    if lost:
        failures.append(_("Mất %(n)s vũ khí, trang bị.") % {"n": lost})
    if damaged:
        failures.append(_("Hư hỏng %(n)s vũ khí, trang bị.") % {"n": damaged})
    if status.harmful:
        failures.append(
            _("Có %(n)s sự cố an toàn về người được ghi nhận.") % {"n": len(status.harmful)}
        )
    if status.weapon_related:
        failures.append(
            _("Có %(n)s sự cố về vũ khí, trang bị được ghi nhận.")
            % {"n": len(status.weapon_related)}
        )
    if failures:
        return Safety(False, failures)
    unknown: list[str] = []
    if not issued:
        unknown.append(_("Chưa có số liệu cấp phát, thu hồi vũ khí, trang bị."))
    else:
        unknown.append(
            _("Đã thu hồi đủ %(n)s vũ khí, trang bị; không mất, không hư hỏng.") % {"n": issued}
        )
    if not status.recorded:
        unknown.append(
            _(
                "Sự cố an toàn (thương vong, tai nạn) chưa được ghi nhận trong hệ thống: không thể "
                "kết luận an toàn về người từ dữ liệu còn thiếu."
            )
        )
        return Safety(None, unknown)
    if not issued:
        return Safety(None, unknown)
    return Safety(True, [*unknown, _("Không có sự cố an toàn về người nào được ghi nhận.")])
