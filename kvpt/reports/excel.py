"""Excel exports of an exercise's tables: Vietnamese headers, number formats, the marking.

Each table is a function (user, exercise) -> Export registered in TABLES; the page, the API and
`kvpt export table NAME` use the same. Text is escaped against formula injection by
kvpt.core.spreadsheets.write_table (safe_cell). Tables of apps that do not exist yet are absent
from TABLES until their app registers them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kvpt.core.models import Classification
from kvpt.core.spreadsheets import workbook_bytes, write_table

# Thousands with a dot, as Vietnamese readers write them: Excel's "#,##0" shows the separator of
# the machine's locale; this literal format shows dots everywhere.
VND_FORMAT = '#,##0" đ"'
NUMBER_FORMAT = "#,##0.##"


@dataclass
class Export:
    title: str
    headers: list[str]
    rows: list[list[Any]]
    marking: int = Classification.UNCLASSIFIED
    money_columns: tuple[int, ...] = ()  # 1-based
    number_columns: tuple[int, ...] = ()
    widths: list[int] | None = None
    records: list[Any] | None = None


Table = Callable[[Any, Any], Export]
TABLES: dict[str, tuple[str, Table]] = {}


def register_table(name: str, label: str) -> Callable[[Table], Table]:
    def register(fn: Table) -> Table:
        TABLES[name] = (label, fn)
        return fn

    return register


def _marking(records: list[Any], exercise: Any) -> int:
    levels = [int(getattr(r, "classification", 0) or 0) for r in records]
    return max([int(exercise.classification), *levels])


@register_table("works", "Công trình")
def works_table(user: Any, exercise: Any) -> Export:
    from kvpt.preparation.selectors import work_list

    works = list(
        work_list(user)
        .filter(exercise=exercise)
        .select_related("owner", "custodian", "handed_over_to")
        .order_by("kind", "code")
    )
    rows = [
        [
            w.code,
            w.name,
            str(w.get_kind_display()),
            str(w.get_construction_display()),
            w.quantity,
            str(w.get_quantity_unit_display()),
            w.location,
            str(w.get_status_display()),
            w.owner.name if w.owner else "",
            w.handed_over_to.name if w.handed_over_to else "",
            w.handed_over_on,
            str(w.get_classification_display()),
            "x" if w.is_illustrative else "",
        ]
        for w in works
    ]
    return Export(
        title=f"Công trình - {exercise.code}",
        headers=[
            "Mã",
            "Tên công trình",
            "Loại",
            "Xây mới / tu sửa",
            "Khối lượng",
            "Đơn vị tính",
            "Vị trí",
            "Trạng thái",
            "Chủ đầu tư",
            "Đơn vị nhận bàn giao",
            "Ngày bàn giao",
            "Độ mật",
            "Số liệu minh họa",
        ],
        rows=rows,
        marking=_marking(works, exercise),
        number_columns=(5,),
        widths=[10, 40, 18, 16, 12, 10, 30, 14, 26, 26, 14, 10, 10],
        records=works,
    )


@register_table("budget", "Kinh phí")
def budget_table(user: Any, exercise: Any) -> Export:
    from kvpt.preparation.selectors import budget_line_list

    lines = list(budget_line_list(user).filter(exercise=exercise).order_by("category", "code"))
    rows: list[list[Any]] = [
        [
            b.code,
            b.description,
            str(b.get_category_display()),
            str(b.get_source_display()),
            b.estimate,
            b.actual,
            b.additional,
            b.settled_amount,
            b.settled_on,
            "x" if b.is_site_clearance else "",
            str(b.get_classification_display()),
            "x" if b.is_illustrative else "",
        ]
        for b in lines
    ]
    if lines:
        rows.append(
            [
                "",
                "Tổng cộng",
                "",
                "",
                sum(b.estimate for b in lines),
                sum(b.actual for b in lines),
                sum(b.additional for b in lines),
                sum(b.settled_amount for b in lines),
                None,
                "",
                "",
                "",
            ]
        )
    return Export(
        title=f"Kinh phí - {exercise.code}",
        headers=[
            "Mã",
            "Nội dung chi",
            "Khoản mục",
            "Nguồn",
            "Dự toán (đồng)",
            "Thực chi (đồng)",
            "Phát sinh (đồng)",
            "Đã quyết toán (đồng)",
            "Ngày quyết toán",
            "Đền bù, GPMB",
            "Độ mật",
            "Số liệu minh họa",
        ],
        rows=rows,
        marking=_marking(lines, exercise),
        money_columns=(5, 6, 7, 8),
        widths=[10, 44, 24, 22, 18, 18, 16, 18, 14, 10, 10, 10],
        records=lines,
    )


@register_table("forces", "Bảng lực lượng")
def forces_table(user: Any, exercise: Any) -> Export:
    from django.apps import apps

    if not apps.is_installed("kvpt.forces"):
        return Export(title="Bảng lực lượng", headers=["Chưa có dữ liệu"], rows=[])
    from kvpt.forces.selectors import mobilisation

    mob = mobilisation(user, exercise.pk)
    rows: list[list[Any]] = [
        [
            line.unit_name,
            ", ".join(f.name for f in line.forces),
            line.planned,
            line.actual,
            line.rate,
            line.size_label if line.size_only else "",
            ", ".join(f"{n} {kind}" for kind, n in sorted(line.vehicles.items())),
            "x" if line.allocation.is_illustrative else "",
        ]
        for line in mob.units
    ]
    if mob.units:
        total = mob.total
        rows.append(
            [
                "Tổng cộng (mỗi đơn vị tính một lần)",
                "",
                total.planned or None,
                total.actual,
                total.rate,
                "; ".join(total.size_only),
                total.vehicles_text,
                "",
            ]
        )
    allocations = [line.allocation for line in mob.units]
    return Export(
        title=f"Lực lượng - {exercise.code}",
        headers=[
            "Đơn vị",
            "Lực lượng",
            "Quân số kế hoạch",
            "Quân số thực tế",
            "Tỉ lệ (%)",
            "Quy mô (chưa rõ quân số)",
            "Phương tiện",
            "Số liệu minh họa",
        ],
        rows=rows,
        marking=_marking(allocations, exercise),
        number_columns=(3, 4, 5),
        widths=[40, 40, 14, 14, 10, 24, 24, 10],
        records=allocations,
    )


@register_table("roster", "Danh sách quân nhân")
def roster_table(user: Any, exercise: Any) -> Export:
    from django.apps import apps

    if not apps.is_installed("kvpt.forces"):
        return Export(title="Danh sách", headers=["Chưa có dữ liệu"], rows=[])
    from kvpt.forces.selectors import roster_list

    entries = list(
        roster_list(user)
        .filter(exercise=exercise)
        .select_related("unit")
        .order_by("unit__name", "full_name")
    )
    rows = [
        [
            e.unit.name,
            e.full_name,
            e.rank,
            e.role,
            str(e.get_reserve_status_display()),
            e.date_of_birth,
            "x" if e.attended else "",
        ]
        for e in entries
    ]
    return Export(
        title=f"Danh sách quân nhân - {exercise.code}",
        headers=["Đơn vị", "Họ và tên", "Cấp bậc", "Nhiệm vụ", "Diện", "Ngày sinh", "Có mặt"],
        rows=rows,
        marking=_marking(entries, exercise),
        widths=[36, 28, 14, 28, 18, 12, 8],
        records=entries,
    )


@register_table("msel", "Kịch bản tình huống (MSEL)")
def msel_table(user: Any, exercise: Any) -> Export:
    from django.apps import apps

    if not apps.is_installed("kvpt.scenario"):
        return Export(title="MSEL", headers=["Chưa có dữ liệu"], rows=[])
    from kvpt.scenario.selectors import inject_list

    injects = list(
        inject_list(user)
        .filter(exercise=exercise)
        .select_related("situation", "to_unit", "to_agency")
        .order_by("serial")
    )
    rows = [
        [
            i.serial,
            i.scenario_time,
            i.situation.code if i.situation else "",
            i.from_org,
            i.to_text or str(i.to_unit or i.to_agency or ""),
            str(i.get_method_display()),
            i.content,
            i.expected_action,
            str(i.get_status_display()),
            str(i.get_classification_display()),
        ]
        for i in injects
    ]
    return Export(
        title=f"MSEL - {exercise.code}",
        headers=[
            "Số TT",
            "Thời gian kịch bản",
            "Tình huống",
            "Từ",
            "Đến",
            "Phương thức",
            "Nội dung",
            "Hành động mong đợi",
            "Trạng thái",
            "Độ mật",
        ],
        rows=rows,
        marking=_marking(injects, exercise),
        widths=[8, 14, 10, 24, 24, 14, 50, 40, 14, 10],
        records=injects,
    )


@register_table("actions", "Theo dõi việc khắc phục")
def actions_table(user: Any, exercise: Any) -> Export:
    from django.apps import apps

    if not apps.is_installed("kvpt.review"):
        return Export(title="Việc khắc phục", headers=["Chưa có dữ liệu"], rows=[])
    from kvpt.review.selectors import action_list

    actions = list(
        action_list(user)
        .filter(exercise=exercise)
        .select_related("owner", "responsible")
        .order_by("due", "code")
    )
    rows = [
        [
            a.code,
            a.title,
            a.owner.name if a.owner else "",
            a.responsible.full_name if a.responsible else "",
            a.start,
            a.due,
            str(a.get_status_display()),
            a.progress_note,
            str(a.get_classification_display()),
        ]
        for a in actions
    ]
    return Export(
        title=f"Việc khắc phục - {exercise.code}",
        headers=[
            "Mã",
            "Nội dung",
            "Đơn vị chủ trì",
            "Người chịu trách nhiệm",
            "Bắt đầu",
            "Hạn hoàn thành",
            "Trạng thái",
            "Kết quả thực hiện",
            "Độ mật",
        ],
        rows=rows,
        marking=_marking(actions, exercise),
        widths=[10, 44, 26, 24, 12, 14, 18, 36, 10],
        records=actions,
    )


def workbook(export: Export) -> bytes:
    """The export as XLSX bytes: one sheet, marking on row 1 and in the print header/footer."""
    from openpyxl import Workbook

    from kvpt.reports.docx_summary import marking_text

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = export.title[:31].replace("/", "-")
    write_table(
        sheet,
        headers=export.headers,
        rows=export.rows,
        title=export.title,
        marking=marking_text(export.marking),
        widths=export.widths,
    )
    for column in export.money_columns:
        for row in range(3, len(export.rows) + 3):
            sheet.cell(row=row, column=column).number_format = VND_FORMAT
    for column in export.number_columns:
        for row in range(3, len(export.rows) + 3):
            sheet.cell(row=row, column=column).number_format = NUMBER_FORMAT
    book.properties.title = export.title
    book.properties.category = marking_text(export.marking) or "Thường"
    book.properties.keywords = marking_text(export.marking)
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    return workbook_bytes(book)


def export_table(user: Any, exercise: Any, name: str) -> tuple[bytes, Export]:
    """The named table as XLSX; reads of classified rows are logged as an export."""
    from kvpt.core.models import AccessLog
    from kvpt.core.views_helpers import log_classified_reads

    if name not in TABLES:
        raise KeyError(name)
    export = TABLES[name][1](user, exercise)
    if getattr(user, "pk", None) and export.records:
        log_classified_reads(user, export.records, AccessLog.Action.EXPORT)
    return workbook(export), export
