"""`kvpt report summary|news` and `kvpt export table NAME` (run inline, progress on stderr)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from kvpt.cli import main as cli

pytestmark = pytest.mark.django_db


def test_kvpt_report_summary_writes_the_docx_with_progress(
    in_demo_module: Any, tmp_path: Any, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    monkeypatch.setattr("kvpt.cli.main.setup_django", lambda: None)
    monkeypatch.setattr("kvpt.cli.report.setup_django", lambda: None)
    out = tmp_path / "bc.docx"
    code = cli.main(["report", "summary", "--exercise", "DT-KVPT-2023", "--out", str(out)])
    assert code == 0
    err = capsys.readouterr().err
    assert "[  5%] Đọc các ban, tiểu ban" in err
    assert "độ mật: MẬT" in err
    text = "\n".join(p.text for p in Document(io.BytesIO(out.read_bytes())).paragraphs)
    assert "Thành lập 7 tiểu ban" in text


def test_kvpt_report_news_and_an_unknown_exercise(
    in_demo_module: Any, tmp_path: Any, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    monkeypatch.setattr("kvpt.cli.report.setup_django", lambda: None)
    out = tmp_path / "tin.txt"
    assert cli.main(["report", "news", "--exercise", "DT-KVPT-2023", "--out", str(out)]) == 0
    assert "Lang Chánh" in out.read_text(encoding="utf-8")
    assert cli.main(["report", "news", "--exercise", "KHONG-CO", "--out", str(out)]) == 1
    assert "không tìm thấy cuộc diễn tập" in capsys.readouterr().err
    # An observer (clearance Thường) reading as himself: the report is not marked.
    docx = tmp_path / "obs.docx"
    args = ["report", "summary", "--exercise", "DT-KVPT-2023", "--out", str(docx)]
    assert cli.main([*args, "--user", "quansat"]) == 0
    assert "độ mật: Thường" in capsys.readouterr().err


def test_kvpt_export_table_writes_the_xlsx(
    in_demo_module: Any, tmp_path: Any, monkeypatch: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("kvpt.cli.report.setup_django", lambda: None)
    out = tmp_path / "ct.xlsx"
    args = ["export", "table", "works", "--exercise", "DT-KVPT-2023", "--out", str(out)]
    assert cli.main(args) == 0
    sheet = load_workbook(out).active
    assert sheet["A1"].value == "MẬT"
    assert sheet["B2"].value == "Tên công trình"
    unknown = ["export", "table", "nope", "--exercise", "DT-KVPT-2023", "--out", str(out)]
    assert cli.main(unknown) == 1
    assert "works" in capsys.readouterr().err


def test_the_benchmark_hook_times_the_summary(in_demo_module: Any) -> None:
    from kvpt.reports.bench import time_summary

    seconds = time_summary("DT-KVPT-2023")
    assert 0 < seconds < 120


@pytest.mark.parametrize("name", ["forces", "roster", "msel", "actions", "budget"])
def test_every_table_exports_with_vietnamese_headers(in_demo_module: Any, name: str) -> None:
    from kvpt.reports.build import system_reader
    from kvpt.reports.excel import export_table

    content, export = export_table(system_reader(), in_demo_module, name)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.cell(row=2, column=1).value == export.headers[0]
    if name == "forces":
        values = [c.value for row in sheet.iter_rows() for c in row]
        assert 110 in values  # the reserve company, planned and actual
        assert any(isinstance(v, str) and "Trí Nang" in v for v in values)
