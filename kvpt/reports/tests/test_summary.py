"""The summary report of the demo exercise DT-KVPT-2023: DOCX in the administrative format, PDF."""

from __future__ import annotations

import io
import shutil
import subprocess
from typing import Any

import pytest
from django.apps import apps
from docx import Document

from kvpt.core.models import AccessLog
from kvpt.reports.build import build_summary
from kvpt.reports.data import collect_summary
from kvpt.reports.tests.helpers import headers_and_footers, save_artifact, sections_of

# The marker makes pytest-django set up the test database even when only these tests run.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def summary(demo_module: Any, django_db_blocker: Any) -> bytes:
    from kvpt.accounts.models import User

    with django_db_blocker.unblock():
        return build_summary(User.objects.get(username="admin"), demo_module, "docx").content


def test_the_summary_holds_the_seeds_figures_in_the_right_sections(summary: bytes) -> None:
    sections = sections_of(summary)
    save_artifact("report-summary-DT-KVPT-2023.docx", summary)
    save_artifact("report-summary-DT-KVPT-2023.txt", "\n\n".join(sections.values()).encode())
    assert list(sections) == ["head", "I", "II", "III", "IV", "V", "VI"]
    head = sections["head"]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in head
    assert "Độc lập - Tự do - Hạnh phúc" in head
    assert "BAN CHỈ ĐẠO DIỄN TẬP KVPT HUYỆN LANG CHÁNH" in head
    assert "Số:" in head
    assert "/BC-BCĐ" in head
    # The conference's date (31/8/2023) dates the report.
    assert "Lang Chánh, ngày 31 tháng 8 năm 2023" in head
    assert "Tổng kết diễn tập khu vực phòng thủ huyện Lang Chánh năm 2023" in head

    # The leadership mechanism, with the district military command as the direct advisory body
    # (domain.md §6), among the exercise's characteristics.
    assert "Ban CHQS huyện là cơ quan tham mưu trực tiếp" in sections["I"]
    preparation = sections["II"]
    assert "Thành lập 7 tiểu ban" in preparation
    assert "Bí thư Huyện ủy, Chủ tịch HĐND huyện làm Trưởng ban" in preparation
    # Works: every one the seed names, new and renovated, and the road "hơn 2 km" (2,3 km shown
    # as illustrative).
    for work in ("Hầm họp", "Sa bàn Ban CHQS huyện", "Hầm Huyện ủy", "Hầm Công an huyện"):
        assert work in preparation
    assert "đường cơ động: hơn 2 km (2,3 km (*))" in preparation
    assert "Hầm Ban Chỉ đạo diễn tập tỉnh" in preparation
    # Budget totals, Vietnamese thousands separator.
    assert "Tổng cộng | 7.190.000.000" in preparation
    assert "Diễn tập thử lần 2: 08/08/2023 (*)" in preparation
    assert "Kinh phí đền bù, giải phóng mặt bằng: dự toán 350.000.000 đồng" in preparation

    results = sections["III"]
    assert "Giai đoạn 1: Chuyển địa phương vào các trạng thái quốc phòng" in results
    # Forces: 110 reservists at 100 %; martial law and A2: 264 people and 15 vehicles; border
    # intrusion: 56 soldiers and 1 mobile militia platoon of Trí Nang.
    assert "110/110 người, đạt 100 %" in results
    assert (
        "thiết quân luật, xử trí tình huống A2 (tình huống TQL, A2): 264 người; 15 phương tiện"
        in results
    )
    assert "xâm nhập biên giới" in results
    assert "56 người; 1 trung đội" in results
    assert "Trí Nang" in results

    if apps.is_installed("kvpt.evaluation"):
        assert "đánh giá xếp loại: Đạt mục đích, yêu cầu" in sections["IV"]
    follow_up = sections["VI"]
    if apps.is_installed("kvpt.review"):
        # The conference's directives (31/8/2023) with their actions, owners and due dates.
        assert "bàn giao công trình sở chỉ huy diễn tập, hầm hào cho BCHQS huyện" in follow_up
        assert "Tổ chức thanh quyết toán, chi trả đầy đủ, kịp thời kinh phí" in follow_up
        assert "Trần Thị Mai | 31/10/2023" in follow_up
    # The conference's directives the data supports: hand the works over, settle the accounts.
    assert "Bàn giao 9 công trình diễn tập còn lại cho cơ quan quản lý" in follow_up
    assert "Hoàn thành thanh quyết toán, chi trả kinh phí còn lại" in follow_up
    assert "Đền bù, giải phóng mặt bằng khu sở chỉ huy" in follow_up
    # The signature block with the BCĐ head's name, the recipients, the illustrative note.
    assert "TM. BAN CHỈ ĐẠO | TRƯỞNG BAN" not in follow_up  # one cell, several lines
    assert "Nơi nhận:" in follow_up
    assert "TM. BAN CHỈ ĐẠO" in follow_up
    assert "Nguyễn Văn Hùng" in follow_up.rsplit("TRƯỞNG BAN", 1)[1]
    assert "(*) Số liệu minh họa" in follow_up


def test_the_summary_is_a4_with_decree_30_margins_and_times_new_roman(summary: bytes) -> None:
    document = Document(io.BytesIO(summary))
    section = document.sections[0]

    def mm(length: Any) -> int:
        return round(length.mm)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert 20 <= mm(section.top_margin) <= 25
    assert 20 <= mm(section.bottom_margin) <= 25
    assert 30 <= mm(section.left_margin) <= 35
    assert 15 <= mm(section.right_margin) <= 20
    normal = document.styles["Normal"].font
    assert normal.name == "Times New Roman"
    assert 13 <= normal.size.pt <= 14
    # Page numbers from page 2: a PAGE field in the header, none on the first page's own header.
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert "PAGE" not in section.first_page_header._element.xml
    motto = next(
        run
        for table in document.tables
        for cell in table.rows[0].cells
        for p in cell.paragraphs
        for run in p.runs
        if run.text == "Độc lập - Tự do - Hạnh phúc"
    )
    assert motto.bold
    assert motto.underline
    assert motto.font.size.pt in (13, 14)


def test_the_marking_of_the_most_classified_record_is_on_every_page_and_in_the_file(
    summary: bytes,
) -> None:
    # The demo's bunkers and plans are "Mật": the whole report is.
    assert all("MẬT" in text for text in headers_and_footers(summary))
    props = Document(io.BytesIO(summary)).core_properties
    assert props.category == "MẬT"
    assert "MẬT" in props.keywords


def test_a_reader_without_clearance_gets_an_unclassified_report_without_the_secrets(
    in_demo_module: Any,
) -> None:
    demo = in_demo_module
    from kvpt.accounts.models import User

    observer = User.objects.get(username="quansat")  # clearance Thường
    content = build_summary(observer, demo, "docx").content
    sections = sections_of(content)
    assert "Hầm Huyện ủy" not in sections["II"]  # Mật: does not exist for the observer
    assert "đường cơ động: hơn 2 km" in sections["II"]
    assert not any("MẬT" in text for text in headers_and_footers(content))


def test_building_a_classified_report_logs_the_export_of_classified_records(
    in_demo_module: Any,
) -> None:
    from kvpt.accounts.models import User

    demo, demo_admin = in_demo_module, User.objects.get(username="admin")
    build_summary(demo_admin, demo, "docx")
    exported = AccessLog.objects.filter(user=demo_admin, action=AccessLog.Action.EXPORT)
    assert exported.filter(model="preparation.work").exists()


def test_the_summarys_query_count_does_not_grow_with_works(
    demo: Any, demo_admin: Any, django_assert_max_num_queries: Any
) -> None:
    from kvpt.preparation.models import Work

    data = collect_summary(demo_admin, demo)
    with django_assert_max_num_queries(60) as first:
        collect_summary(demo_admin, demo)
    template = Work.objects.filter(exercise=demo).first()
    assert template is not None
    for index in range(30):
        template.pk = None
        template.code = f"CT-X{index}"
        template.save()
    with django_assert_max_num_queries(len(first.captured_queries)):
        collect_summary(demo_admin, demo)
    assert len(collect_summary(demo_admin, demo).works) == len(data.works) + 30


def test_the_pdf_is_the_same_document_with_its_diacritics(
    in_demo_module: Any, tmp_path: Any
) -> None:
    from kvpt.accounts.models import User

    # A missing converter is a failure, never a skip: the PDF is a deliverable (make test installs
    # Debian's libreoffice-writer-nogui when run as root).
    if not shutil.which("soffice"):
        pytest.fail("soffice không có: cài gói Debian libreoffice-writer-nogui (make test, root)")

    demo, demo_admin = in_demo_module, User.objects.get(username="admin")
    pdf = build_summary(demo_admin, demo, "pdf").content
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "report-summary-DT-KVPT-2023.pdf"
    path.write_bytes(pdf)
    save_artifact(path.name, pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    flat = " ".join(text.split())
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ngày 31 tháng 8 năm 2023",
        "Thành lập 7 tiểu ban",
        "hơn 2 km",
        "Bàn giao 9 công trình",
        "thanh quyết toán",
        "TM. BAN CHỈ ĐẠO",
        "MẬT",
    ):
        assert expected in flat, expected
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True).stdout
    lines = fonts.decode().splitlines()[2:]
    assert lines
    assert all(" yes " in line for line in lines)
    assert any("LiberationSerif" in line or "TimesNewRoman" in line for line in lines)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            str(path),
            str(path.with_suffix("")),
        ],
        check=True,
    )
    pngs = list(path.parent.glob(path.stem + "*.png"))
    assert pngs
    assert pngs[0].stat().st_size > 5000
    save_artifact("report-summary-DT-KVPT-2023-page1.png", pngs[0].read_bytes())
