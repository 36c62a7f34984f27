"""The budget as an Excel workbook, laid out like the page: groups, subtotals, site clearance apart.

Money stays numbers (whole đồng, shown with thousands separators), so the finance staff can keep
adding up in Excel; the sheet carries the marking of its most classified row, and the export of
classified lines is logged.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kvpt.core import spreadsheets as xl
from kvpt.core.models import AccessLog, Classification
from kvpt.core.views_helpers import log_classified_reads, marking_of
from kvpt.preparation.selectors.budget import Amounts, BudgetGroup, BudgetSummary

MONEY_FORMAT = "#,##0"
# 1-based columns holding money: estimate, actual, additional, spent, settled, left to settle.
MONEY_COLUMNS = (6, 7, 8, 9, 10, 12)


def _headers() -> list[str]:
    return [
        _("Nhóm"),
        _("Mã"),
        _("Nội dung chi"),
        _("Nguồn"),
        _("Tiểu ban"),
        _("Dự toán (đồng)"),
        _("Thực chi (đồng)"),
        _("Phát sinh (đồng)"),
        _("Tổng đã chi (đồng)"),
        _("Đã quyết toán (đồng)"),
        _("Ngày quyết toán"),
        _("Còn phải quyết toán (đồng)"),
        _("Công trình"),
        _("Số liệu minh họa"),
    ]


def _sum_row(label: str, amounts: Amounts) -> list[Any]:
    return [
        label,
        "",
        "",
        "",
        "",
        amounts.estimate,
        amounts.actual,
        amounts.additional,
        amounts.total_spent,
        amounts.settled,
        amounts.progress,
        amounts.to_settle,
        "",
        "",
    ]


def _group_rows(groups: list[BudgetGroup], part: str) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for group in groups:
        for line in group.lines:
            spent = line.actual + line.additional
            rows.append(
                [
                    f"{part}{group.label}",
                    line.code,
                    line.description,
                    str(line.get_source_display()),
                    line.subcommittee.name if line.subcommittee else "",
                    line.estimate,
                    line.actual,
                    line.additional,
                    spent,
                    line.settled_amount,
                    line.settled_on,
                    max(spent - line.settled_amount, 0),
                    ", ".join(w.code for w in line.visible_works),  # type: ignore[attr-defined]
                    _("có") if line.is_illustrative else "",
                ]
            )
        rows.append(_sum_row(_("Cộng %(label)s") % {"label": group.label}, group.amounts))
    return rows


def budget_export(*, exercise: Any, summary: BudgetSummary, actor: Any) -> bytes:
    """The budget of `exercise` as an .xlsx workbook (one sheet, flat rows)."""
    lines = [line for g in summary.groups + summary.site_groups for line in g.lines]
    works = [w for line in lines for w in line.visible_works]  # type: ignore[attr-defined]
    level = marking_of(
        [exercise.classification]
        + [line.classification for line in lines]
        + [w.classification for w in works]
    )
    rows = _group_rows(summary.groups, "")
    if summary.site_groups:
        site = _("Đền bù, giải phóng mặt bằng") + " - "
        rows += _group_rows(summary.site_groups, site)
        rows.append(_sum_row(_("Cộng đền bù, giải phóng mặt bằng"), summary.site_totals))
    rows.append(_sum_row(_("Tổng cộng"), summary.totals))
    data = xl.table_xlsx(
        sheet_title=_("Kinh phí")[:31],
        headers=_headers(),
        rows=rows,
        title=_("Kinh phí - %(exercise)s") % {"exercise": exercise},
        marking=str(Classification(level).label).upper() if level else "",
        widths=[28, 12, 44, 20, 22, 16, 16, 16, 16, 16, 14, 18, 20, 10],
        column_formats=dict.fromkeys(MONEY_COLUMNS, MONEY_FORMAT),
        # A subtotal or the grand total: a label and no code.
        bold_row=lambda values: bool(values[0]) and not values[1],
    )
    log_classified_reads(actor, [*lines, *works], AccessLog.Action.EXPORT)
    return data
