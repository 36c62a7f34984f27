"""The shared spreadsheet pieces: upload checks, legacy encodings, cell parsers, header mapping,
formula escaping."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kvpt.core import spreadsheets as xl


def _xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sach"
    for row in rows:
        sheet.append(row)
    return xl.workbook_bytes(book)


COLUMNS = (
    xl.Column("code", "Mã", required=True),
    xl.Column("name", "Họ và tên", required=True, aliases=("Ho ten",)),
    xl.Column("born", "Ngày sinh"),
)


# --- legacy Vietnamese encodings ---------------------------------------------------------------

# The national motto as it shows when TCVN3 (ABC, .VnTime) or VNI (VNI-Times) text is opened
# without its font: what staff machines still produce from old templates.
TCVN3_SAMPLES = [
    "Céng hoµ x· héi chñ nghÜa ViÖt Nam",
    "§éc lËp - Tù do - H¹nh phóc",
    "Ban chØ huy qu©n sù huyÖn Lang Ch¸nh",
    "TËp huÊn c¸n bé chñ chèt",
]
VNI_SAMPLES = [
    "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam",
    "Ñoäc laäp - Töï do - Haïnh phuùc",
    "Ban chæ huy quaân söï huyeän Lang Chaùnh",
    "Taäp huaán caùn boä chuû choát",
]
UNICODE_SAMPLES = [
    "Cộng hòa xã hội chủ nghĩa Việt Nam",
    "Độc lập - Tự do - Hạnh phúc",
    "Thanh Hoá, hoà bình, thuý, tiên, khuê",  # old-style tone placement is still Unicode
    "Nhiệt độ 25°C",
    "Ghi chú § 3",
    "Müller, Björn Åström, São Paulo, café",
    "CV-01",
    "",
]


@pytest.mark.parametrize("text", TCVN3_SAMPLES)
def test_tcvn3_text_is_recognised(text: str) -> None:
    assert xl.legacy_encoding(text) == "TCVN3"


@pytest.mark.parametrize("text", VNI_SAMPLES)
def test_vni_text_is_recognised(text: str) -> None:
    assert xl.legacy_encoding(text) == "VNI"


@pytest.mark.parametrize("text", UNICODE_SAMPLES)
def test_unicode_and_foreign_text_is_not_mistaken_for_a_legacy_encoding(text: str) -> None:
    assert xl.legacy_encoding(text) is None
    assert xl.legacy_encoding(unicodedata.normalize("NFD", text)) is None


def test_short_legacy_cells_are_caught_over_the_sheet() -> None:
    """ "Hµ Néi" alone has one tell-tale; a column of such cells is refused as a whole."""
    assert xl.legacy_encoding("Hµ Néi") is None
    data = _xlsx(
        [["Mã", "Họ và tên"], ["1", "Hµ Néi"], ["2", "TrÇn"], ["3", "Lª Hoa"], ["4", "§inh"]]
    )
    errors = xl.SheetErrors()
    assert xl.read_table(data, COLUMNS, errors) is None
    assert "TCVN3" in errors.items[0].message
    assert (errors.items[0].row, errors.items[0].column) == (2, "Họ và tên")


def test_a_legacy_header_row_is_reported_as_such() -> None:
    data = _xlsx([["M·", "Hä vµ tªn"], ["1", "a"]])
    errors = xl.SheetErrors()
    assert xl.read_table(data, COLUMNS, errors) is None
    assert "TCVN3" in errors.items[0].message


# --- upload checks -----------------------------------------------------------------------------


def test_a_sound_workbook_passes() -> None:
    data = _xlsx([["Mã"], ["1"]])
    assert xl.check_xlsx_upload(SimpleUploadedFile("a.xlsx", data)) == data


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"Ma,Ten\n1,a\n", "not_xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "legacy_xls"),
        (b"PK\x03\x04 truncated", "corrupt"),
    ],
)
def test_what_is_not_an_xlsx_is_refused(data: bytes, code: str) -> None:
    with pytest.raises(xl.SpreadsheetRejectedError) as exc:
        xl.check_xlsx_bytes(data)
    assert exc.value.code == code


def test_a_zip_without_content_types_is_not_a_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(xl.SpreadsheetRejectedError) as exc:
        xl.check_xlsx_bytes(buffer.getvalue())
    assert exc.value.code == "not_xlsx"


def test_a_truncated_workbook_is_refused() -> None:
    data = _xlsx([["Mã"], *[[str(i)] for i in range(500)]])
    with pytest.raises(xl.SpreadsheetRejectedError) as exc:
        xl.check_xlsx_bytes(data[: len(data) - 200])
    assert exc.value.code == "corrupt"


def test_a_decompression_bomb_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 1024 * 1024))
    assert len(buffer.getvalue()) < 100_000
    with pytest.raises(xl.SpreadsheetRejectedError) as exc:
        xl.check_xlsx_bytes(buffer.getvalue())
    assert exc.value.code == "zip_bomb"


def test_the_size_limit_comes_from_the_setting(settings: Any) -> None:
    settings.KVPT_MAX_IMPORT_MB = 0.001  # 1 kB
    data = _xlsx([["Mã"], ["1"]])
    with pytest.raises(xl.SpreadsheetRejectedError) as exc:
        xl.check_xlsx_upload(SimpleUploadedFile("a.xlsx", data))
    assert exc.value.code == "too_large"
    # A stream without a size is cut off at the limit too.
    with pytest.raises(xl.SpreadsheetRejectedError):
        xl.check_xlsx_upload(io.BytesIO(data))


def test_the_default_limit_is_ten_megabytes(settings: Any) -> None:
    if hasattr(settings, "KVPT_MAX_IMPORT_MB"):
        del settings.KVPT_MAX_IMPORT_MB
    assert xl.max_import_bytes() == 10 * 1024 * 1024


# --- cell parsers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("05/06/2023", dt.date(2023, 6, 5)),
        ("5/6/2023", dt.date(2023, 6, 5)),
        ("05-06-2023", dt.date(2023, 6, 5)),
        ("2023-06-05", dt.date(2023, 6, 5)),
        (dt.datetime(2023, 6, 5, 0, 0), dt.date(2023, 6, 5)),
        (dt.date(2023, 6, 5), dt.date(2023, 6, 5)),
        (45082.0, dt.date(2023, 6, 5)),  # an Excel serial number
        ("", None),
        (None, None),
    ],
)
def test_dates(value: Any, expected: dt.date | None) -> None:
    assert xl.parse_date(value) == expected


@pytest.mark.parametrize("value", ["31/02/2023", "hôm qua", "2023/13/01", "06/05", -3])
def test_bad_dates_say_how_to_write_one(value: Any) -> None:
    with pytest.raises(xl.CellError):
        xl.parse_date(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(40, 40), ("40", 40), ("40%", 40), (0.4, 40), (1, 1), (100.0, 100), ("", None), (0, 0)],
)
def test_percents(value: Any, expected: int | None) -> None:
    assert xl.parse_percent(value) == expected


@pytest.mark.parametrize("value", [150, -1, "abc", "12,5", True])
def test_bad_percents(value: Any) -> None:
    with pytest.raises(xl.CellError):
        xl.parse_percent(value)


def test_integers() -> None:
    assert xl.parse_int("1.250") == 1250
    assert xl.parse_int(12.0) == 12
    assert xl.parse_int("") is None
    with pytest.raises(xl.CellError):
        xl.parse_int("1,5")
    with pytest.raises(xl.CellError):
        xl.parse_int(5, maximum=3)


def test_text_is_nfc_trimmed_and_unescaped() -> None:
    decomposed = unicodedata.normalize("NFD", "  Hầm   chỉ huy ")
    assert xl.parse_text(decomposed) == "Hầm chỉ huy"
    assert xl.parse_text(12.0) == "12"
    assert xl.parse_text("'=1+1") == "=1+1"
    assert xl.parse_text("'bình thường") == "'bình thường"
    assert xl.parse_text("dòng 1\n dòng 2 ", multiline=True) == "dòng 1\n dòng 2"
    with pytest.raises(xl.CellError):
        xl.parse_text("x" * 5, max_length=4)


def test_choices_by_label_or_value_without_accents() -> None:
    choices = [("done", "Hoàn thành"), ("todo", "Chưa bắt đầu")]
    assert xl.parse_choice("hoan thanh", choices) == "done"
    assert xl.parse_choice("TODO", choices) == "todo"
    with pytest.raises(xl.CellError) as exc:
        xl.parse_choice("xong", choices)
    assert "Hoàn thành" in str(exc.value)


def test_codes() -> None:
    assert xl.parse_codes("CV-01, CV-02;CV-01\nCV-03") == ["CV-01", "CV-02", "CV-03"]
    assert xl.parse_codes(None) == []


# --- tables ------------------------------------------------------------------------------------


def test_the_header_row_is_found_below_a_title_and_columns_map_in_any_order() -> None:
    data = _xlsx(
        [
            ["MẬT", "Danh sách"],
            ["Ghi chú", "ngay sinh", "HO TEN", "Mã"],
            ["x", dt.date(2000, 1, 2), "Lê Văn Đông", "CB-1"],
            [None, None, None, None],
            ["", "", "Nguyễn Thị Hà", "CB-2"],
        ]
    )
    errors = xl.SheetErrors()
    table = xl.read_table(data, COLUMNS, errors)
    assert not errors
    assert table is not None
    assert table.sheet == "Danh sach"
    assert table.header_row == 2
    assert [(r.number, r.values["code"], r.values["name"]) for r in table.rows] == [
        (3, "CB-1", "Lê Văn Đông"),
        (5, "CB-2", "Nguyễn Thị Hà"),
    ]


def test_missing_and_repeated_columns_are_named() -> None:
    errors = xl.SheetErrors()
    assert (
        xl.read_table(_xlsx([["Mã", "Mã", "Ngày sinh"], ["1", "2", ""]]), COLUMNS, errors) is None
    )
    messages = [str(e) for e in errors]
    assert any("bị lặp" in m for m in messages)
    assert any("Thiếu cột bắt buộc “Họ và tên”" in m for m in messages)
    assert str(errors.items[0]).startswith("Trang tính “Danh sach”, dòng 1, cột “Mã”: ")


def test_the_row_reader_collects_every_problem() -> None:
    data = _xlsx([["Mã", "Họ và tên", "Ngày sinh"], ["CB-1", "A", "30/02/2000"]])
    errors = xl.SheetErrors()
    table = xl.read_table(data, COLUMNS, errors)
    assert table is not None
    reader = xl.RowReader(table, table.rows[0], COLUMNS, errors)
    assert reader.get("born", xl.parse_date) is None
    assert reader.failed
    assert errors.items[0].as_dict() == {
        "sheet": "Danh sach",
        "row": 2,
        "column": "Ngày sinh",
        "message": errors.items[0].message,
    }


# --- writing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+84 912", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_safe_cell_escapes_what_would_run_as_a_formula(text: str) -> None:
    escaped = xl.safe_cell(text)
    assert escaped == "'" + text
    assert xl.safe_cell(5) == 5
    assert xl.safe_cell("Hầm") == "Hầm"


def test_write_table_marks_dates_and_escapes() -> None:
    from openpyxl import Workbook, load_workbook

    book = Workbook()
    xl.write_table(
        book.active,
        headers=["Mã", "Ngày"],
        rows=[["=cmd|' /C calc'!A0", dt.date(2023, 6, 5)]],
        title="Danh sách",
        marking="TỐI MẬT",
    )
    sheet = load_workbook(io.BytesIO(xl.workbook_bytes(book))).active
    assert sheet["A1"].value == "TỐI MẬT"
    assert sheet.oddHeader.center.text == "TỐI MẬT"
    assert sheet["A3"].data_type == "s"
    assert sheet["A3"].value.startswith("'=")
    assert sheet["B3"].number_format == "dd/mm/yyyy"
