"""Writing many paragraphs and tables into a python-docx document fast: as WordprocessingML text.

python-docx builds a document one element at a time, and each step looks its children up again
(a table's `add_row`, `row.cells`, a run's font setters): the large exercise's report, with about
6,000 table cells, took most of its seconds there. Here the body's blocks are written as XML text
and the main part is parsed once with them (`insert_body_xml`).

The fonts come from styles, not from each run: the document's defaults and Normal carry the font,
and the table text has its own paragraph styles (size 12; the header row bold and centred; the
total row bold), so a cell is `<w:p><w:pPr><w:pStyle/></w:pPr><w:r><w:t>text</w:t></w:r></w:p>`.
The result reads back through python-docx like any other document.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any
from xml.sax.saxutils import escape

from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import parse_xml
from docx.shared import Emu, Length, Mm, Pt
from lxml import etree

# Paragraph styles of table text: (style id, name, based on, paragraph properties, run properties)
TABLE_TEXT = "KvptTableText"
TABLE_HEADER = "KvptTableHeader"
TABLE_TOTAL = "KvptTableTotal"
_STYLES = (
    (
        TABLE_TEXT,
        "KVPT - Chữ trong bảng",
        "Normal",
        '<w:spacing w:after="0"/>',
        '<w:sz w:val="24"/>',
    ),
    (TABLE_HEADER, "KVPT - Tiêu đề bảng", TABLE_TEXT, '<w:jc w:val="center"/>', "<w:b/>"),
    (TABLE_TOTAL, "KVPT - Dòng tổng của bảng", TABLE_TEXT, "", "<w:b/>"),
)

ALIGN = {"left": "left", "center": "center", "right": "right", "justify": "both"}


def set_default_font(document: Any, font: str, size_pt: float) -> None:
    """The document's default run font (every script) and Normal's: runs need not name it."""
    styles = document.styles.element
    fonts = f'w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"'
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = parse_xml(f"<w:docDefaults {nsdecls('w')}/>")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = parse_xml(f"<w:rPrDefault {nsdecls('w')}/>")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = parse_xml(f"<w:rPr {nsdecls('w')}/>")
        rpr_default.append(rpr)
    old = rpr.find(qn("w:rFonts"))
    new = parse_xml(f"<w:rFonts {nsdecls('w')} {fonts}/>")
    if old is not None:
        old.addprevious(new)
        rpr.remove(old)
    else:
        rpr.insert(0, new)
    normal = document.styles["Normal"]
    normal.font.name = font
    normal.font.size = Pt(size_pt)
    normal_fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    normal_fonts.set(qn("w:eastAsia"), font)
    normal_fonts.set(qn("w:cs"), font)


def add_table_styles(document: Any) -> None:
    """The paragraph styles of table text, once per document."""
    styles = document.styles.element
    present = {style.get(qn("w:styleId")) for style in styles.iterchildren(qn("w:style"))}
    for style_id, name, based_on, ppr, rpr in _STYLES:
        if style_id in present:
            continue
        styles.append(
            parse_xml(
                f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" '
                f'w:styleId="{style_id}"><w:name w:val="{escape(name)}"/>'
                f'<w:basedOn w:val="{based_on}"/><w:qFormat/>'
                f"<w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"
            )
        )


# --- XML text ---------------------------------------------------------------------------------


def _t(text: str) -> str:
    """`w:t`, keeping its outer spaces as python-docx does."""
    if text.strip() != text:
        return f'<w:t xml:space="preserve">{escape(text)}</w:t>'
    return f"<w:t>{escape(text)}</w:t>"


def _run_content(text: str) -> str:
    """As python-docx's `run.text = text`: a tab is `w:tab`, a line break `w:br`."""
    if "\t" not in text and "\n" not in text and "\r" not in text:
        return _t(text) if text else ""
    parts: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            parts.append(_t("".join(buffer)))
            buffer.clear()

    for char in text:
        if char == "\t":
            flush()
            parts.append("<w:tab/>")
        elif char in "\r\n":
            flush()
            parts.append("<w:br/>")
        else:
            buffer.append(char)
    flush()
    return "".join(parts)


def run_xml(
    text: str,
    *,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
) -> str:
    """One run; only what differs from the paragraph's style is written on it."""
    rpr = ""
    if bold:
        rpr += "<w:b/>"
    if italic:
        rpr += "<w:i/>"
    if size:
        rpr += f'<w:sz w:val="{round(size * 2)}"/>'
    if underline:
        rpr += '<w:u w:val="single"/>'
    if rpr:
        rpr = f"<w:rPr>{rpr}</w:rPr>"
    return f"<w:r>{rpr}{_run_content(text)}</w:r>"


def paragraph_xml(
    text: str = "",
    *,
    style: str | None = None,
    align: str | None = None,
    before: float | None = None,
    after: float | None = None,
    first_line_mm: float | None = None,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
) -> str:
    """A paragraph of one run (none when `text` is empty), properties in schema order."""
    ppr = f'<w:pStyle w:val="{style}"/>' if style else ""
    if before is not None or after is not None:
        spacing = ""
        if before is not None:
            spacing += f' w:before="{Pt(before).twips}"'
        if after is not None:
            spacing += f' w:after="{Pt(after).twips}"'
        ppr += f"<w:spacing{spacing}/>"
    if first_line_mm:
        ppr += f'<w:ind w:firstLine="{Mm(first_line_mm).twips}"/>'
    if align:
        ppr += f'<w:jc w:val="{ALIGN[align]}"/>'
    body = f"<w:pPr>{ppr}</w:pPr>" if ppr else ""
    if text:
        body += run_xml(text, size=size, bold=bold, italic=italic, underline=underline)
    return f"<w:p>{body}</w:p>"


def _cell_xml(text: str, width: str, style: str, right: bool) -> str:
    jc = '<w:jc w:val="right"/>' if right else ""
    run = f"<w:r>{_run_content(text)}</w:r>" if text else ""
    return (
        f"<w:tc><w:tcPr>{width}</w:tcPr>"
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{jc}</w:pPr>{run}</w:p></w:tc>'
    )


def table_xml(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    block_width: Length,
    total: Sequence[str] | None = None,
    numeric: Iterable[int] = (),
    widths_mm: Sequence[float] | None = None,
    style: str = "TableGrid",
    align: str = "center",
) -> str:
    """A grid table: the header row, the rows, then the total row, one paragraph per cell.

    The grid divides the text width evenly, as python-docx's `add_table` does; `widths_mm` sets
    the cells' own widths (a shorter list leaves the last columns at the even width).
    """
    columns = len(headers)
    even = Emu(block_width // columns).twips if columns else 0
    widths = [even] * columns
    for index, width_mm in enumerate((widths_mm or [])[:columns]):
        widths[index] = Mm(width_mm).twips
    tcw = [f'<w:tcW w:type="dxa" w:w="{width}"/>' for width in widths]
    right = [index in set(numeric) for index in range(columns)]
    parts = [
        f'<w:tbl><w:tblPr><w:tblStyle w:val="{style}"/><w:tblW w:type="auto" w:w="0"/>'
        f'<w:jc w:val="{ALIGN[align]}"/><w:tblLook w:firstColumn="1" w:firstRow="1" '
        'w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr>'
        "<w:tblGrid>",
        f'<w:gridCol w:w="{even}"/>' * columns,
        "</w:tblGrid><w:tr>",
    ]
    for index, header in enumerate(headers):
        parts.append(_cell_xml(header, tcw[index], TABLE_HEADER, False))
    parts.append("</w:tr>")
    body = [(row, TABLE_TEXT) for row in rows]
    if total:
        body.append((total, TABLE_TOTAL))
    for row, row_style in body:
        parts.append("<w:tr>")
        for index in range(columns):
            value = row[index] if index < len(row) else ""
            parts.append(_cell_xml(value, tcw[index], row_style, right[index]))
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


def picture_xml(document: Any, png: bytes, width: Length, shape_id: int) -> str:
    """A centred paragraph with the picture, as `document.add_picture` would make it.

    The image part and its relationship are added now; `shape_id` numbers the drawing (python-docx
    counts the ids already in the tree, which does not hold the pictures still in text).
    """
    inline = document.part.new_pic_inline(io.BytesIO(png), width, None)
    inline.docPr.id = shape_id
    inline.docPr.name = f"Picture {shape_id}"
    drawing = etree.tostring(inline, encoding="unicode")
    return (
        f'<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:drawing>{drawing}</w:drawing></w:r>'
        "</w:p>"
    )


def insert_body_xml(document: Any, xml: str) -> Any:
    """`xml` (body-level `w:p` / `w:tbl` text) at the end of the body; the document over it.

    The main part's XML is written out, the text spliced in before the body's section properties
    and the whole parsed once: moving tens of thousands of parsed elements from one lxml tree into
    another costs several times more than parsing them. The part then holds the new tree (its
    relationships, images and headers are untouched); use the returned document from here on.
    """
    if not xml:
        return document
    part = document.part
    text = etree.tostring(part.element, encoding="unicode")
    end = text.rfind("<w:sectPr")  # the body's: the last one, after every paragraph
    if end < 0:
        end = text.rfind("</w:body>")
    part._element = parse_xml(text[:end] + xml + text[end:])
    return part.document
