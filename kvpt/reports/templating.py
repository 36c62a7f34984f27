"""An organisation's own DOCX template (docxtpl), rendered in a sandboxed Jinja2 environment.

The template sees plain data only (strings, numbers, lists, dicts; never a model instance), and
Jinja2's ImmutableSandboxedEnvironment refuses attributes that start with an underscore and
calls of unsafe methods, so `{{ ''.__class__.__mro__ }}` is refused with a message instead of
reaching Python's internals. Unknown names are refused too (StrictUndefined): a template with a
typo fails loudly at upload, not silently in a report. Whatever the template says, the marking
of the report is put at the top and bottom of every page and into the file's properties.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, UndefinedError
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from kvpt.reports.data import SummaryData
from kvpt.reports.docx_summary import MARKING_COLOUR, _set_font, letterhead
from kvpt.reports.sections import ILLUSTRATIVE_NOTE, Built, Table, build_sections


class TemplateRefusedError(ValueError):
    """The template cannot be used; the message says why, in Vietnamese."""


def sandbox() -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


def _table_dict(block: Table) -> dict[str, Any]:
    return {"headers": block.headers, "rows": block.rows, "total": block.total or []}


def summary_context(data: SummaryData, built: list[Built] | None = None) -> dict[str, Any]:
    """What a custom template may use: the letterhead, the exercise, the sections as text."""
    built = built if built is not None else build_sections(data)
    head = letterhead(data)
    exercise = data.exercise
    return {
        "marking": head.marking,
        "superior": head.superior,
        "authority": head.authority,
        "number": head.number,
        "place_date": head.place_date,
        "title": head.title,
        "subtitle": head.subtitle,
        "signer_on_behalf": head.signer_on_behalf,
        "signer_title": head.signer_title,
        "signer_name": head.signer_name,
        "recipients": list(head.recipients),
        "illustrative_note": ILLUSTRATIVE_NOTE if data.illustrative else "",
        "exercise": {
            "code": exercise.code,
            "name": exercise.name,
            "year": exercise.year,
            "area": f"{exercise.area.level.name} {exercise.area.name}",
            "kind": str(exercise.get_kind_display()),
            "scale": exercise.scale,
            "start_date": exercise.start_date.strftime("%d/%m/%Y") if exercise.start_date else "",
            "end_date": exercise.end_date.strftime("%d/%m/%Y") if exercise.end_date else "",
        },
        "sections": [
            {
                "number": section.number,
                "title": section.title,
                "paragraphs": section.paragraphs,
                "tables": [_table_dict(b) for b in section.blocks if isinstance(b, Table)],
            }
            for section in built
        ],
    }


SAMPLE_CONTEXT: dict[str, Any] = {
    "marking": "MẬT",
    "superior": "ỦY BAN NHÂN DÂN HUYỆN",
    "authority": "BAN CHỈ ĐẠO DIỄN TẬP KVPT HUYỆN",
    "number": "Số:      /BC-BCĐ",
    "place_date": "ngày 01 tháng 01 năm 2025",
    "title": "BÁO CÁO",
    "subtitle": "Tổng kết diễn tập",
    "signer_on_behalf": "TM. BAN CHỈ ĐẠO",
    "signer_title": "TRƯỞNG BAN",
    "signer_name": "Nguyễn Văn A",
    "recipients": ["Lưu: VT"],
    "illustrative_note": "",
    "exercise": {
        "code": "DT",
        "name": "Diễn tập",
        "year": 2025,
        "area": "Huyện",
        "kind": "Diễn tập",
        "scale": "",
        "start_date": "",
        "end_date": "",
    },
    "sections": [
        {
            "number": "I",
            "title": "MỤC ĐÍCH, YÊU CẦU",
            "paragraphs": ["Đoạn văn."],
            "tables": [{"headers": ["A"], "rows": [["1"]], "total": []}],
        }
    ],
}


def render_template(template: bytes, context: dict[str, Any]) -> bytes:
    """Render a docxtpl template in the sandbox; TemplateRefusedError says what is wrong."""
    try:
        document = DocxTemplate(io.BytesIO(template))
        document.render(context, jinja_env=sandbox(), autoescape=True)
    except SecurityError as exc:
        raise TemplateRefusedError(
            f"Mẫu có biểu thức không được phép (truy cập thuộc tính nội bộ): {exc}"
        ) from exc
    except UndefinedError as exc:
        raise TemplateRefusedError(f"Mẫu dùng tên không có trong dữ liệu báo cáo: {exc}") from exc
    except TemplateSyntaxError as exc:
        raise TemplateRefusedError(f"Mẫu sai cú pháp (dòng {exc.lineno}): {exc.message}") from exc
    except TemplateError as exc:
        raise TemplateRefusedError(f"Không dùng được mẫu: {exc}") from exc
    except Exception as exc:  # a broken DOCX: python-docx / lxml errors of many kinds
        raise TemplateRefusedError(f"Tệp mẫu không đọc được như một tệp Word: {exc}") from exc
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def check_template(template: bytes) -> None:
    """Render once against sample data: a harmful or broken template is refused at upload."""
    render_template(template, SAMPLE_CONTEXT)


def apply_marking(docx: bytes, marking: str, *, title: str = "") -> bytes:
    """The marking at the top and bottom of every page and in the properties, whatever the
    template did (a template cannot make a classified report look unclassified)."""
    document = Document(io.BytesIO(docx))
    if marking:
        for section in document.sections:
            parts = [section.header, section.footer]
            if section.different_first_page_header_footer:
                parts += [section.first_page_header, section.first_page_footer]
            for part in parts:
                part.is_linked_to_previous = False
                text = "\n".join(p.text for p in part.paragraphs)
                if marking in text:
                    continue
                paragraph = (
                    part.paragraphs[0].insert_paragraph_before()
                    if part.paragraphs
                    else part.add_paragraph()
                )
                paragraph.alignment = 1  # centre
                run = paragraph.add_run(marking)
                _set_font(run, 13, bold=True)
                run.font.color.rgb = MARKING_COLOUR
    props = document.core_properties
    props.category = marking or "Thường"
    props.keywords = "; ".join(x for x in ("báo cáo tổng kết", marking) if x)
    props.comments = f"Độ mật: {marking or 'Thường'}"
    if title:
        props.title = title
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def sample_template() -> bytes:
    """A starting template for organisations: every name the context offers, in use."""
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)
    lines = [
        "{{ superior }}",
        "{{ authority }}",
        "{{ number }}",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "{{ place_date }}",
        "{{ title }}",
        "{{ subtitle }}",
        "{%p for s in sections %}",
        "{{ s.number }}. {{ s.title }}",
        "{%p for line in s.paragraphs %}",
        "{{ line }}",
        "{%p endfor %}",
        "{%p endfor %}",
        "{{ illustrative_note }}",
        "Nơi nhận:",
        "{%p for r in recipients %}",
        "- {{ r }}",
        "{%p endfor %}",
        "{{ signer_on_behalf }}",
        "{{ signer_title }}",
        "{{ signer_name }}",
    ]
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
