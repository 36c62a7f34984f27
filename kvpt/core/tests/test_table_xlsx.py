"""`table_xlsx` writes the very table `write_table` writes (cells, looks, layout), only faster."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest

from kvpt.core import spreadsheets as xl

HEADERS = ["Mã", "Họ và tên", "Ngày sinh", "Số tiền", "Có mặt", "Ghi chú"]
ROWS: list[list[Any]] = [
    ["U-01", "Nguyễn Văn Hùng", dt.date(1990, 5, 6), 1_250_000, True, ""],
    ["=HYPERLINK(1)", "  khoảng trắng  ", None, 3.25, False, "a < b & c > d\r\nxuống dòng"],
    ["-2", "@SUM(A1)", dt.datetime(2024, 1, 2, 7, 30), Decimal("12.5"), "x", "#N/A"],
    ["Cộng", "", "", 1_250_003, "", ""],
]


def _old(**kwargs: Any) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    xl.write_table(sheet, **kwargs)
    return xl.workbook_bytes(book)


def _cells(data: bytes) -> list[tuple[Any, ...]]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data)).active
    return [
        (
            cell.coordinate,
            cell.value,
            cell.number_format,
            bool(cell.font.bold),
            cell.font.color.rgb if cell.font.color else None,
            cell.font.size,
            cell.fill.fgColor.rgb if cell.fill.fill_type else None,
            bool(cell.alignment.wrap_text),
        )
        for row in sheet.iter_rows(min_row=1, max_row=len(ROWS) + 2, max_col=len(HEADERS))
        for cell in row
        if cell.value not in (None, "") or cell.has_style
    ]


def _layout(data: bytes) -> dict[str, Any]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data)).active
    return {
        "title": sheet.title,
        "freeze": sheet.freeze_panes,
        "filter": sheet.auto_filter.ref,
        "header": (sheet.oddHeader.center.text, sheet.oddHeader.center.size),
        "footer": (sheet.oddFooter.center.text, sheet.oddFooter.center.color),
        "widths": [sheet.column_dimensions[c].width for c in "ABCDEF"],
    }


def _calamine(data: bytes) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows = book.get_sheet_by_name(book.sheet_names[0]).to_python(skip_empty_area=False)
    return [[None if v == "" else v for v in row] for row in rows]


@pytest.mark.parametrize("marking", ["TỐI MẬT", ""])
def test_it_writes_what_write_table_writes(marking: str) -> None:
    kwargs: dict[str, Any] = {
        "headers": HEADERS,
        "rows": ROWS,
        "title": "Danh sách quân số",
        "marking": marking,
        "widths": [10, 30, 12],
    }
    new = xl.table_xlsx(sheet_title="Danh sách", **kwargs)
    old = _old(**kwargs)
    assert _cells(new) == _cells(old)
    assert _layout(new) == _layout(old)
    assert _calamine(new) == _calamine(old)


def test_column_formats_and_bold_rows_match_styling_the_sheet_afterwards() -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Kinh phí"
    xl.write_table(sheet, headers=HEADERS, rows=ROWS, title="Kinh phí")
    for row in sheet.iter_rows(min_row=3):
        row[3].number_format = "#,##0"
        if row[0].value == "Cộng":
            for cell in row:
                cell.font = Font(bold=True)
    new = xl.table_xlsx(
        sheet_title="Kinh phí",
        headers=HEADERS,
        rows=ROWS,
        title="Kinh phí",
        column_formats={4: "#,##0"},
        bold_row=lambda values: values[0] == "Cộng",
    )
    assert _cells(new) == _cells(xl.workbook_bytes(book))


def test_it_refuses_what_openpyxl_refuses() -> None:
    from openpyxl.utils.exceptions import IllegalCharacterError

    with pytest.raises(IllegalCharacterError):
        xl.table_xlsx(sheet_title="x", headers=["a"], rows=[["bad \x01 text"]])
    with pytest.raises(ValueError, match="Cannot convert"):
        xl.table_xlsx(sheet_title="x", headers=["a"], rows=[[object()]])


def test_an_empty_table_still_opens_with_its_headers() -> None:
    from openpyxl import load_workbook

    data = xl.table_xlsx(sheet_title="Trống", headers=["Mã", "Tên"], rows=[], title="T")
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[2]] == ["Mã", "Tên"]
    assert sheet.auto_filter.ref == "A2:B2"
