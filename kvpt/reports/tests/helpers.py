"""Reading a generated DOCX back: its text by section, its headers and footers, its properties."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

SECTION = re.compile(r"^(I|II|III|IV|V|VI)\. [A-ZĐ]")
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-results"


def body_lines(document: Any) -> list[str]:
    """Paragraphs and table rows in document order (tables as 'a | b | c')."""
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag.endswith("}p"):
            lines.append(Paragraph(child, document).text)
        elif child.tag.endswith("}tbl"):
            for row in Table(child, document).rows:
                seen: list[str] = []
                for cell in row.cells:
                    if cell.text not in seen:
                        seen.append(cell.text)
                lines.append(" | ".join(seen))
    return lines


def sections_of(content: bytes) -> dict[str, str]:
    """The text under each section heading ("I" ... "VI"); "head" is what comes before I."""
    document = Document(io.BytesIO(content))
    found: dict[str, list[str]] = {"head": []}
    current = "head"
    for line in body_lines(document):
        match = SECTION.match(line)
        if match:
            current = match.group(1)
            found[current] = []
        found[current].append(line)
    return {key: "\n".join(lines) for key, lines in found.items()}


def headers_and_footers(content: bytes) -> list[str]:
    document = Document(io.BytesIO(content))
    texts = []
    for section in document.sections:
        for part in (
            section.header,
            section.footer,
            section.first_page_header,
            section.first_page_footer,
        ):
            texts.append("\n".join(p.text for p in part.paragraphs))
    return texts


def save_artifact(name: str, content: bytes) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    path.write_bytes(content)
    return path
