"""The summary's body written as WordprocessingML text (kvpt.reports.docx_fast): the same structure
and text as python-docx's own API would give, with the fonts coming from styles."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from kvpt.reports.docx_fast import (
    TABLE_HEADER,
    TABLE_TEXT,
    TABLE_TOTAL,
    add_table_styles,
    insert_body_xml,
    paragraph_xml,
    set_default_font,
    table_xml,
)

HEADERS = ["Công trình", "Khối lượng", "Đơn vị nhận bàn giao"]
ROWS = [
    ["Hầm Ban Chỉ đạo diễn tập tỉnh", "1 cái", "Ban CHQS huyện"],
    ["Đường cơ động <bê tông hóa> & cầu", "2,3 km (*)", ""],
    ["Sa bàn\tkhu vực", "1", "Xã Trí Nang\nxã Giao Thiện"],
]
TOTAL = ["Tổng cộng", "3", ""]


def _document() -> Any:
    document = Document()
    set_default_font(document, "Times New Roman", 14)
    add_table_styles(document)
    document.add_paragraph("Trước")
    return document


def _reopen(document: Any) -> Any:
    buffer = io.BytesIO()
    document.save(buffer)
    return Document(io.BytesIO(buffer.getvalue()))


def _style_size(style: Any) -> float | None:
    while style is not None:
        if style.font.size is not None:
            return float(style.font.size.pt)
        style = style.base_style
    return None


def _style_bold(style: Any) -> bool:
    while style is not None:
        if style.font.bold is not None:
            return bool(style.font.bold)
        style = style.base_style
    return False


def test_a_table_written_as_text_has_its_rows_cells_and_text_and_takes_its_fonts_from_styles() -> (
    None
):
    document = _document()
    width = Mm(165)
    xml = table_xml(HEADERS, ROWS, block_width=width, total=TOTAL, numeric=(1,), widths_mm=[80, 30])
    document = insert_body_xml(document, xml + paragraph_xml("Sau", align="justify", after=2))
    document = _reopen(document)

    # Order in the body: the paragraph before, the table, the paragraph after, section last.
    body = [child.tag.rsplit("}", 1)[1] for child in document.element.body.iterchildren()]
    assert body == ["p", "tbl", "p", "sectPr"]
    assert [p.text for p in document.paragraphs] == ["Trước", "Sau"]

    (table,) = document.tables
    assert table.style.name == "Table Grid"
    assert len(table.columns) == 3
    assert len(table.rows) == 1 + len(ROWS) + 1
    assert [len(row.cells) for row in table.rows] == [3] * 5
    texts = [[cell.text for cell in row.cells] for row in table.rows]
    assert texts == [HEADERS, *ROWS, TOTAL]  # escaping, diacritics, tab and line break intact
    tab_run = table.rows[3].cells[0].paragraphs[0].runs[0]
    assert tab_run._r.find(qn("w:tab")) is not None
    assert table.rows[3].cells[2].paragraphs[0].runs[0]._r.find(qn("w:br")) is not None

    # Widths: the grid divides the text width; the cells take widths_mm, the rest the even part.
    even = Mm(165) // 3
    assert all(abs(column.width - even) < Mm(0.1) for column in table.columns)
    for row in table.rows:
        assert abs(row.cells[0].width - Mm(80)) < Mm(0.1)
        assert abs(row.cells[1].width - Mm(30)) < Mm(0.1)
        assert abs(row.cells[2].width - even) < Mm(0.1)

    # Fonts by style: no run in the table names a font, size or weight of its own.
    styles: dict[str, list[Any]] = {TABLE_HEADER: [], TABLE_TEXT: [], TABLE_TOTAL: []}
    for row in table.rows:
        for cell in row.cells:
            (paragraph,) = cell.paragraphs
            styles[paragraph.style.style_id].append(paragraph)
            for run in paragraph.runs:
                assert run._r.rPr is None
    assert len(styles[TABLE_HEADER]) == 3
    assert len(styles[TABLE_TEXT]) == 3 * len(ROWS)
    assert len(styles[TABLE_TOTAL]) == 3
    by_id = {style.style_id: style for style in document.styles}
    header, text, total = (by_id[s] for s in (TABLE_HEADER, TABLE_TEXT, TABLE_TOTAL))
    assert _style_size(header) == _style_size(text) == _style_size(total) == 12
    assert _style_bold(header)
    assert _style_bold(total)
    assert not _style_bold(text)
    assert header.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert text.paragraph_format.space_after == Pt(0)
    assert text.base_style.name == "Normal"
    # The numeric column is right-aligned, the others keep the style's (left).
    for row in table.rows[1:]:
        alignments = [cell.paragraphs[0].alignment for cell in row.cells]
        assert alignments == [None, WD_ALIGN_PARAGRAPH.RIGHT, None]


def test_the_default_font_is_set_once_for_every_script() -> None:
    document = _reopen(_document())
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size == Pt(14)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    for script in ("ascii", "hAnsi", "eastAsia", "cs"):
        assert fonts.get(qn(f"w:{script}")) == "Times New Roman"
        assert fonts.get(qn(f"w:{script}Theme")) is None  # a theme font would win over it


def test_a_paragraph_written_as_text_reads_back_as_python_docx_writes_it() -> None:
    document = _document()
    xml = paragraph_xml(
        "Xây dựng mới: Hầm họp; Hầm Huyện ủy",
        align="justify",
        before=6,
        after=4,
        first_line_mm=12.7,
    ) + paragraph_xml("Biểu đồ", align="center", size=12, italic=True, bold=True, underline=True)
    document = _reopen(insert_body_xml(document, xml))
    _, body, caption = document.paragraphs
    assert body.text == "Xây dựng mới: Hầm họp; Hầm Huyện ủy"
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert body.paragraph_format.space_before == Pt(6)
    assert body.paragraph_format.space_after == Pt(4)
    assert abs(body.paragraph_format.first_line_indent - Mm(12.7)) < Mm(0.05)
    assert body.runs[0]._r.rPr is None  # the font is Normal's
    (run,) = caption.runs
    assert caption.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert (run.font.size, run.bold, run.italic, run.underline) == (Pt(12), True, True, True)


@pytest.fixture(scope="module")
def rendered(demo_module: Any, django_db_blocker: Any) -> tuple[Any, list[Any]]:
    from kvpt.accounts.models import User
    from kvpt.reports.data import collect_summary
    from kvpt.reports.docx_summary import render_summary_docx
    from kvpt.reports.sections import build_sections

    with django_db_blocker.unblock():
        data = collect_summary(User.objects.get(username="admin"), demo_module)
        content = render_summary_docx(data)
        built = build_sections(data)
    return Document(io.BytesIO(content)), built


@pytest.mark.django_db
def test_every_table_of_the_summary_has_its_blocks_rows_and_text(
    rendered: tuple[Any, list[Any]],
) -> None:
    from kvpt.reports.sections import Figure, Table

    document, built = rendered
    blocks = [block for section in built for block in section.blocks]
    tables = [block for block in blocks if isinstance(block, Table)]
    # The letterhead and the signature are the first and the last table.
    body_tables = document.tables[1:-1]
    assert len(body_tables) == len(tables) > 0
    for table, block in zip(body_tables, tables, strict=True):
        expected = [block.headers, *block.rows, *([block.total] if block.total else [])]
        assert [[cell.text for cell in row.cells] for row in table.rows] == expected
        assert table.rows[0].cells[0].paragraphs[0].style.style_id == TABLE_HEADER
        for row in table.rows:
            for cell in row.cells:
                for run in cell.paragraphs[0].runs:
                    assert run._r.rPr is None
    # The figures: one picture each, with distinct drawing ids, and its caption after it.
    figures = [block for block in blocks if isinstance(block, Figure)]
    assert len(document.inline_shapes) == len(figures) > 0
    ids = document.element.body.xpath(".//wp:docPr/@id")
    assert len(set(ids)) == len(ids) == len(figures)
    texts = [p.text for p in document.paragraphs]
    for figure in figures:
        assert figure.caption in texts
    # The section headings and the letterhead's own runs are all there, in order.
    headings = [f"{section.number}. {section.title}" for section in built]
    positions = [texts.index(heading) for heading in headings]
    assert positions == sorted(positions)
