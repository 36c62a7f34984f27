"""The summary report as a DOCX in the administrative format of Decree 30/2020/NĐ-CP.

A4; margins 20 mm top and bottom, 30 mm left, 15 mm right; Times New Roman 14 pt; the issuing
authority and the national motto side by side; "Số: .../BC-BCĐ", place and date; page numbers top
centre from page 2 (the first page has its own header); recipients and the signature block at the
end. The marking of the most classified record sits at the top and bottom of every page and in the
file's properties.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from kvpt.core.models import Classification
from kvpt.exercises.models import CommitteeKind
from kvpt.reports.data import SummaryData
from kvpt.reports.docx_fast import (
    add_table_styles,
    insert_body_xml,
    paragraph_xml,
    picture_xml,
    set_default_font,
    table_xml,
)
from kvpt.reports.sections import (
    ILLUSTRATIVE_NOTE,
    Built,
    Bullet,
    Figure,
    Heading,
    Para,
    Table,
    build_sections,
    person_name,
)

FONT = "Times New Roman"
BODY_PT = 14
MARKING_COLOUR = RGBColor(0xB3, 0x26, 0x1E)


@dataclass(frozen=True)
class Letterhead:
    """The parts of the first page and of the end that are not sections."""

    superior: str  # the issuing authority's superior, e.g. "UBND HUYỆN LANG CHÁNH"
    authority: str  # "BAN CHỈ ĐẠO DIỄN TẬP KVPT HUYỆN LANG CHÁNH"
    number: str  # "Số: .../BC-BCĐ"
    place_date: str  # "Lang Chánh, ngày 31 tháng 8 năm 2023"
    title: str
    subtitle: str
    signer_on_behalf: str  # "TM. BAN CHỈ ĐẠO"
    signer_title: str  # "TRƯỞNG BAN"
    signer_name: str
    recipients: tuple[str, ...]
    marking: str  # "" when unclassified


def marking_text(level: int) -> str:
    return "" if not level else str(Classification(level).label).upper()


def place_date(place: str, on: dt.date) -> str:
    """Decree 30: a day below 10 and the months 1 and 2 take a leading zero."""
    day = f"{on.day:02d}"
    month = f"{on.month:02d}" if on.month < 3 else str(on.month)
    return f"{place}, ngày {day} tháng {month} năm {on.year}"


def letterhead(data: SummaryData) -> Letterhead:
    exercise = data.exercise
    area = f"{exercise.area.level.name} {exercise.area.name}"
    head = data.head_of(CommitteeKind.STEERING)
    on = data.conference_date() or data.today
    superior = exercise.organisation.name.upper() if exercise.organisation else ""
    return Letterhead(
        superior=superior,
        authority=f"BAN CHỈ ĐẠO DIỄN TẬP KVPT {area.upper()}",
        number="Số:      /BC-BCĐ",
        place_date=place_date(exercise.area.name, on),
        title="BÁO CÁO",
        subtitle=f"Tổng kết {exercise.name[0].lower()}{exercise.name[1:]}",
        signer_on_behalf="TM. BAN CHỈ ĐẠO",
        signer_title="TRƯỞNG BAN",
        signer_name=person_name(head) if head else "",
        recipients=(
            exercise.directing_organisation.name if exercise.directing_organisation else "Cấp trên",
            "Thành viên Ban Chỉ đạo, Ban Tổ chức",
            "Các tiểu ban diễn tập",
            "Lưu: VT",
        ),
        marking=marking_text(data.marking),
    )


# --- low-level helpers -----------------------------------------------------------------------


def _set_font(
    run: Any, size: float | None = None, *, bold: bool = False, italic: bool = False
) -> None:
    run.font.name = FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    if size:
        run.font.size = Pt(size)
    run.font.bold = bold or None
    run.font.italic = italic or None


def _paragraph(
    container: Any,
    text: str = "",
    *,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = False,
    before: float = 0,
    after: float = 4,
) -> Any:
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if indent:
        fmt.first_line_indent = Mm(12.7)
    if text:
        run = paragraph.add_run(text)
        _set_font(run, size, bold=bold, italic=italic)
        run.font.underline = underline or None
    return paragraph


def _field(paragraph: Any, instruction: str) -> None:
    """A Word field (PAGE): begin, instruction, separate, placeholder, end."""
    run = paragraph.add_run()
    _set_font(run, 13)
    for kind, text in (("begin", None), (None, instruction), ("separate", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    placeholder = paragraph.add_run("2")
    _set_font(placeholder, 13)
    end = paragraph.add_run()
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), "end")
    end._r.append(element)


def _marking_paragraph(container: Any, marking: str) -> None:
    paragraph = container.paragraphs[0] if container.paragraphs else container.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if marking:
        run = paragraph.add_run(marking)
        _set_font(run, 13, bold=True)
        run.font.color.rgb = MARKING_COLOUR


def _no_borders(table: Any) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _cell_text(cell: Any, text: str, **options: Any) -> Any:
    cell.paragraphs[0].text = ""
    first = cell.paragraphs[0]
    run = first.add_run(text)
    _set_font(
        run,
        options.get("size"),
        bold=options.get("bold", False),
        italic=options.get("italic", False),
    )
    run.font.underline = options.get("underline") or None
    first.alignment = options.get("align", WD_ALIGN_PARAGRAPH.CENTER)
    first.paragraph_format.space_after = Pt(0)
    return first


def _add_line(cell: Any, text: str, **options: Any) -> Any:
    paragraph = cell.add_paragraph()
    run = paragraph.add_run(text)
    _set_font(
        run,
        options.get("size"),
        bold=options.get("bold", False),
        italic=options.get("italic", False),
    )
    run.font.underline = options.get("underline") or None
    paragraph.alignment = options.get("align", WD_ALIGN_PARAGRAPH.CENTER)
    paragraph.paragraph_format.space_after = Pt(0)
    return paragraph


def _layout_table(document: Any, widths: tuple[Any, Any]) -> Any:
    """A borderless two-column table with fixed widths (letterhead, signature)."""
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width
    return table


# --- the document ----------------------------------------------------------------------------


def _page_setup(document: Any, head: Letterhead) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance, section.footer_distance = Mm(8), Mm(8)
    section.different_first_page_header_footer = True
    # The font once, in the document's defaults and Normal; the table text's styles on top.
    set_default_font(document, FONT, BODY_PT)
    add_table_styles(document)
    # Page 2 on: the marking, then the page number, top centre.
    _marking_paragraph(section.header, head.marking)
    number = section.header.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(number, "PAGE")
    _marking_paragraph(section.first_page_header, head.marking)
    _marking_paragraph(section.footer, head.marking)
    _marking_paragraph(section.first_page_footer, head.marking)
    props = document.core_properties
    props.title = f"{head.title} {head.subtitle}"
    props.subject = head.subtitle
    props.author = head.authority
    props.category = head.marking or str(Classification.UNCLASSIFIED.label)
    props.keywords = "; ".join(x for x in ("báo cáo tổng kết", head.marking) if x)
    props.comments = f"Độ mật: {head.marking or Classification.UNCLASSIFIED.label}"
    props.language = "vi-VN"


def _first_page(document: Any, head: Letterhead) -> None:
    table = _layout_table(document, (Mm(66), Mm(99)))
    left, right = table.rows[0].cells
    if head.superior:
        _cell_text(left, head.superior, size=12)
        _add_line(left, head.authority, size=12, bold=True)
    else:
        _cell_text(left, head.authority, size=12, bold=True)
    _add_line(left, "_______", size=13)
    _add_line(left, head.number, size=13)
    _cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, bold=True)
    _add_line(right, "Độc lập - Tự do - Hạnh phúc", size=13, bold=True, underline=True)
    _add_line(right, "")
    _add_line(right, head.place_date, size=14, italic=True)
    _paragraph(
        document,
        head.title,
        size=14,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        before=18,
        after=0,
    )
    _paragraph(
        document, head.subtitle, size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=2
    )
    _paragraph(document, "_______________", size=14, align=WD_ALIGN_PARAGRAPH.CENTER, after=10)


def _table(block: Table, text_width: Any) -> str:
    """The table as WordprocessingML text, then the small space after it."""
    table = table_xml(
        block.headers,
        block.rows,
        block_width=text_width,
        total=block.total,
        numeric=block.numeric,
        widths_mm=block.widths_mm,
    )
    return table + paragraph_xml(align="justify", before=0, after=2)


def _body_paragraph(
    text: str,
    *,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    indent: bool = False,
    align: str = "justify",
    before: float = 0,
    after: float = 4,
) -> str:
    """`_paragraph` of the body as text; the font comes from the document's defaults."""
    return paragraph_xml(
        text,
        align=align,
        before=before,
        after=after,
        first_line_mm=12.7 if indent else None,
        size=size,
        bold=bold,
        italic=italic,
    )


def _blocks(document: Any, built: list[Built]) -> str:
    """The sections' blocks as WordprocessingML text (see kvpt.reports.docx_fast)."""
    section = document.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    shape_id = document.part.next_id
    out: list[str] = []
    for part in built:
        out.append(_body_paragraph(f"{part.number}. {part.title}", bold=True, before=6))
        for block in part.blocks:
            if isinstance(block, Heading):
                if block.level <= 2:
                    out.append(_body_paragraph(block.text, bold=True, indent=True, before=4))
                else:
                    out.append(_body_paragraph(block.text, bold=True, italic=True, indent=True))
            elif isinstance(block, Para):
                out.append(
                    _body_paragraph(block.text, bold=block.bold, italic=block.italic, indent=True)
                )
            elif isinstance(block, Bullet):
                out.append(_body_paragraph(f"- {block.text}", indent=True))
            elif isinstance(block, Table):
                out.append(_table(block, text_width))
            elif isinstance(block, Figure):
                out.append(picture_xml(document, block.png, Mm(block.width_mm), shape_id))
                shape_id += 1
                out.append(_body_paragraph(block.caption, size=12, italic=True, align="center"))
    return "".join(out)


def _closing(document: Any, head: Letterhead, illustrative: bool) -> None:
    if illustrative:
        _paragraph(document, ILLUSTRATIVE_NOTE, size=12, italic=True, before=6)
    table = _layout_table(document, (Mm(80), Mm(85)))
    left, right = table.rows[0].cells
    first = _cell_text(
        left, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT
    )
    first.paragraph_format.space_before = Pt(12)
    for index, recipient in enumerate(head.recipients):
        end = "." if index == len(head.recipients) - 1 else ";"
        _add_line(left, f"- {recipient}{end}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    top = _cell_text(right, head.signer_on_behalf, size=14, bold=True)
    top.paragraph_format.space_before = Pt(12)
    _add_line(right, head.signer_title, size=14, bold=True)
    for _ in range(4):
        _add_line(right, "")
    _add_line(right, head.signer_name, size=14, bold=True)


def render_summary_docx(
    data: SummaryData, *, progress: Callable[[int, str], None] | None = None
) -> bytes:
    """The default summary report of `data` as DOCX bytes."""
    built = build_sections(data, progress)
    head = letterhead(data)
    document = Document()
    _page_setup(document, head)
    _first_page(document, head)
    document = insert_body_xml(document, _blocks(document, built))
    _closing(document, head, data.illustrative)
    if progress:
        progress(85, "Ghi tệp Word")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
