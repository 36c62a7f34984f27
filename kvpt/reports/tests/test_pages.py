"""The reports page and API: who may generate, follow and download; background job; staleness."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kvpt.core.models import AccessLog, Classification
from kvpt.core.services import bump_revision
from kvpt.preparation.models import BudgetLine, Work
from kvpt.reports.models import GeneratedReport, ReportStatus

pytestmark = pytest.mark.django_db


def _generate(
    client: Any, exercise: Any, capture: Any, kind: str = "summary", fmt: str = "docx"
) -> Any:
    with capture(execute=True):
        return client.post(
            reverse("reports:create", args=[exercise.pk]), {"kind": kind, "format": fmt}
        )


def test_an_editor_generates_a_summary_in_the_background_and_downloads_it(
    world: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(world.alice)
    response = _generate(client, world.exercise, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    report = GeneratedReport.objects.get(exercise=world.exercise)
    assert report.status == ReportStatus.DONE, report.error
    assert report.progress == 100
    assert report.revision == world.exercise.revision
    assert report.created_by == world.alice
    page = client.get(reverse("reports:list", args=[world.exercise.pk]))
    assert page.status_code == 200
    assert "Mới nhất" in page.content.decode()
    download = client.get(reverse("reports:download", args=[world.exercise.pk, report.pk]))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert b"".join(download.streaming_content).startswith(b"PK")
    assert AccessLog.objects.filter(
        user=world.alice, action=AccessLog.Action.DOWNLOAD, model="reports.generatedreport"
    ).exists()


def test_a_report_shows_as_stale_once_the_exercise_changed(
    world: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(world.alice)
    _generate(client, world.exercise, django_capture_on_commit_callbacks)
    bump_revision(world.exercise.pk)
    page = client.get(reverse("reports:list", args=[world.exercise.pk])).content.decode()
    assert 'data-testid="stale"' in page
    report = GeneratedReport.objects.get(exercise=world.exercise)
    api = client.get(f"/api/v1/exercises/{world.exercise.pk}/reports/{report.pk}").json()
    assert api["stale"] is True


def test_a_report_in_progress_shows_a_progress_bar_that_polls(world: Any, client_for: Any) -> None:
    report = GeneratedReport.objects.create(
        exercise=world.exercise,
        kind="summary",
        format="pdf",
        status=ReportStatus.RUNNING,
        progress=40,
        stage="Đọc dữ liệu",
        created_by=world.alice,
    )
    client = client_for(world.alice)
    page = client.get(reverse("reports:list", args=[world.exercise.pk])).content.decode()
    assert 'role="progressbar" aria-valuenow="40"' in page
    assert f'hx-get="{reverse("reports:status", args=[world.exercise.pk, report.pk])}"' in page
    row = client.get(
        reverse("reports:status", args=[world.exercise.pk, report.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert row.lstrip().startswith("<tr")
    assert "40%" in row


def test_an_observer_reads_but_may_not_generate(
    world: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(world.bob)
    page = client.get(reverse("reports:list", args=[world.exercise.pk]))
    assert page.status_code == 200
    assert 'data-testid="generate"' not in page.content.decode()
    response = _generate(client, world.exercise, django_capture_on_commit_callbacks)
    assert response.status_code == 403
    assert not GeneratedReport.objects.exists()


def test_the_outsider_gets_404_and_anonymous_is_sent_to_login(
    world: Any, client_for: Any, api_client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _generate(client_for(world.alice), world.exercise, django_capture_on_commit_callbacks)
    report = GeneratedReport.objects.get()
    outsider = client_for(world.charlie)
    for url in (
        reverse("reports:list", args=[world.exercise.pk]),
        reverse("reports:download", args=[world.exercise.pk, report.pk]),
        reverse("reports:export", args=[world.exercise.pk, "works"]),
    ):
        assert outsider.get(url).status_code == 404
    assert (
        api_client_for(world.charlie)
        .get(f"/api/v1/exercises/{world.exercise.pk}/reports/{report.pk}")
        .status_code
        == 404
    )
    from django.test import Client

    anonymous = Client()
    page = anonymous.get(reverse("reports:list", args=[world.exercise.pk]))
    assert page.status_code == 302
    assert "/accounts/login" in page["Location"]
    assert anonymous.get(f"/api/v1/exercises/{world.exercise.pk}/reports").status_code == 401


def test_a_report_marked_above_a_readers_clearance_does_not_exist_for_them(
    world: Any, client_for: Any
) -> None:
    report = GeneratedReport.objects.create(
        exercise=world.exercise,
        kind="summary",
        format="docx",
        status=ReportStatus.DONE,
        classification=Classification.CONFIDENTIAL,
        created_by=world.alice,
    )
    bob = client_for(world.bob)  # clearance Thường
    assert (
        bob.get(reverse("reports:download", args=[world.exercise.pk, report.pk])).status_code == 404
    )
    assert (
        "report-row"
        not in bob.get(reverse("reports:list", args=[world.exercise.pk])).content.decode()
    )


def test_the_api_queues_a_job_reports_progress_and_serves_the_file(
    world: Any, api_client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = api_client_for(world.erin)  # staff planner on the exercise only
    base = f"/api/v1/exercises/{world.exercise.pk}/reports"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            base, {"kind": "news", "format": "txt"}, content_type="application/json"
        )
    assert response.status_code == 202, response.content
    job = response.json()
    assert job["status"] == "queued"
    status = client.get(f"{base}/{job['id']}").json()
    assert status["status"] == "done"
    assert status["progress"] == 100
    listing = client.get(base).json()
    assert listing["count"] == 1
    assert listing["items"][0]["id"] == job["id"]
    file = client.get(status["file_url"])
    assert file.status_code == 200
    assert "diễn tập" in b"".join(file.streaming_content).decode("utf-8")
    bad = client.post(base, {"kind": "news", "format": "pdf"}, content_type="application/json")
    assert bad.status_code == 422
    observer = api_client_for(world.bob).post(
        base, {"kind": "summary", "format": "docx"}, content_type="application/json"
    )
    assert observer.status_code == 403


def test_the_reports_page_query_count_does_not_grow_with_reports(
    world: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.alice)
    url = reverse("reports:list", args=[world.exercise.pk])

    def add(n: int) -> None:
        for _ in range(n):
            GeneratedReport.objects.create(
                exercise=world.exercise, kind="summary", format="docx", created_by=world.alice
            )

    add(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_works_and_budget_exports_have_vietnamese_headers_formats_and_escaping(
    world: Any, client_for: Any
) -> None:
    Work.objects.create(
        exercise=world.exercise,
        code="CT-01",
        name='=HYPERLINK("http://x")',
        kind="road",
        construction="renovated",
        quantity=Decimal("2.30"),
        quantity_unit="km",
    )
    Work.objects.create(
        exercise=world.exercise,
        code="CT-02",
        name="Hầm chỉ huy",
        kind="bunker",
        construction="new",
        classification=Classification.CONFIDENTIAL,
    )
    BudgetLine.objects.create(
        exercise=world.exercise,
        code="KP-01",
        description="Bê tông hóa đường",
        category="works",
        source="district",
        estimate=1_500_000_000,
        actual=1_480_000_000,
    )
    client = client_for(world.alice)
    works = client.get(reverse("reports:export", args=[world.exercise.pk, "works"]))
    assert works.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(works.streaming_content))).active
    assert sheet["A1"].value == "MẬT"  # the most classified row's marking
    assert [c.value for c in sheet[2]][:3] == ["Mã", "Tên công trình", "Loại"]
    names = [sheet.cell(row=r, column=2).value for r in range(3, sheet.max_row + 1)]
    assert '\'=HYPERLINK("http://x")' in names
    budget = client.get(reverse("reports:export", args=[world.exercise.pk, "budget"]))
    sheet = load_workbook(io.BytesIO(b"".join(budget.streaming_content))).active
    assert sheet["E2"].value == "Dự toán (đồng)"
    assert sheet["E3"].value == 1_500_000_000
    assert sheet["E3"].number_format == '#,##0" đ"'
    assert sheet.cell(row=4, column=2).value == "Tổng cộng"
    # bob (Thường) gets the export without the Mật work and without the marking.
    bob = client_for(world.bob).get(reverse("reports:export", args=[world.exercise.pk, "works"]))
    sheet = load_workbook(io.BytesIO(b"".join(bob.streaming_content))).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "Hầm chỉ huy" not in values
    assert sheet["A1"].value != "MẬT"


def test_the_charts_page_draws_svg_and_says_when_there_is_no_data(
    world: Any, client_for: Any
) -> None:
    page = client_for(world.alice).get(reverse("reports:charts", args=[world.exercise.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count("<svg") == 4
    assert "print.css" in body


def test_pages_print_on_a4_without_the_navigation() -> None:
    from django.contrib.staticfiles import finders

    for name in ("kvpt/app.css", "reports/print.css"):
        path = finders.find(name)
        assert path, name
        css = Path(str(path)).read_text(encoding="utf-8")
        block = css[css.index("@media print") :]
        assert "size: A4" in block, name
        assert ".topbar" in block, name
        assert "display: none" in block, name


def test_a_report_made_from_the_command_line_has_no_author_and_still_lists(
    world: Any, client_for: Any
) -> None:
    GeneratedReport.objects.create(
        exercise=world.exercise, kind="summary", format="docx", status=ReportStatus.DONE
    )
    page = client_for(world.alice).get(reverse("reports:list", args=[world.exercise.pk]))
    assert page.status_code == 200
    assert "report-row" in page.content.decode()


def test_a_build_that_fails_is_stored_with_its_reason(
    world: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # A classified exercise has no public article: the job fails and says why.
    client = client_for(world.alice)
    _generate(client, world.secret_exercise, django_capture_on_commit_callbacks, "news", "txt")
    report = GeneratedReport.objects.get(exercise=world.secret_exercise)
    assert report.status == ReportStatus.FAILED
    assert "độ mật" in report.error
    page = client.get(reverse("reports:list", args=[world.secret_exercise.pk])).content.decode()
    assert "không tạo tin bài công khai" in page
