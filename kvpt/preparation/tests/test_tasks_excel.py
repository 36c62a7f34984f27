"""Excel export and import of tasks: every refusal names sheet, row and column; nothing is written
unless every row is sound; a round trip changes nothing."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kvpt.core.models import AccessLog, Classification
from kvpt.core.testing.world import World
from kvpt.exercises.models import Exercise
from kvpt.preparation.models import Task
from kvpt.preparation.services.task_sheets import ImportResult, task_export, task_import
from kvpt.preparation.tests.tasks_helpers import (
    HEADER,
    TaskWorld,
    make_task,
    make_task_world,
    read_back,
    workbook,
)

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Any], Client]


@pytest.fixture
def tw(world: World) -> TaskWorld:
    return make_task_world(world)


def _row(code: str, title: Any = "Việc", **over: Any) -> list[Any]:
    values = {
        "Mã công việc": code,
        "Nội dung công việc": title,
        "Mã tiểu ban": "",
        "Lĩnh vực": "Văn kiện",
        "Mã cơ quan chủ trì": "",
        "Mã người thực hiện": "",
        "Ngày bắt đầu": "",
        "Hạn hoàn thành": "",
        "Trạng thái": "Chưa bắt đầu",
        "Tiến độ (%)": 0,
        "Phụ thuộc (mã công việc)": "",
    }
    values.update(over)
    return [values[h] for h in HEADER]


def _import(
    tw: TaskWorld, data: bytes, *, dry_run: bool = False, actor: Any = None
) -> ImportResult:
    return task_import(
        exercise=tw.world.exercise, data=data, dry_run=dry_run, actor=actor or tw.world.alice
    )


def _errors(result: ImportResult) -> list[tuple[str, int | None, str, str]]:
    return [(e.sheet, e.row, e.column, e.message) for e in result.errors]


def _revision(tw: TaskWorld) -> int:
    return Exercise.objects.values_list("revision", flat=True).get(pk=tw.world.exercise.pk)


# --- the happy path ----------------------------------------------------------------------------


def test_a_dry_run_says_what_would_change_and_writes_nothing(tw: TaskWorld) -> None:
    make_task(tw.world.exercise, "CV-01", title="Cũ")
    data = workbook(
        [
            HEADER,
            _row("CV-01", "Mới", **{"Mã tiểu ban": "TB-VK"}),
            _row("CV-02", "Tập huấn", **{"Hạn hoàn thành": "15/06/2023"}),
        ]
    )
    before = _revision(tw)
    result = _import(tw, data, dry_run=True)
    assert result.errors == []
    assert [r.code for r in result.created] == ["CV-02"]
    assert [r.code for r in result.updated] == ["CV-01"]
    changes = {c[0]: (c[1], c[2]) for c in result.updated[0].changes}
    assert changes["Nội dung công việc"] == ("Cũ", "Mới")
    assert changes["Mã tiểu ban"] == ("", "TB-VK")
    assert not result.applied
    assert Task.objects.get(code="CV-01").title == "Cũ"
    assert not Task.objects.filter(code="CV-02").exists()
    assert _revision(tw) == before


def test_a_real_import_writes_every_row_and_raises_the_revision_once(tw: TaskWorld) -> None:
    w = tw.world
    make_task(w.exercise, "CV-01", title="Cũ")
    data = workbook(
        [
            HEADER,
            _row("CV-01", "Mới"),
            _row(
                "CV-02",
                "Tập huấn cán bộ",
                **{
                    "Mã tiểu ban": "TB-VK",
                    "Mã cơ quan chủ trì": w.agency.code,
                    "Mã người thực hiện": w.person.code,
                    "Ngày bắt đầu": dt.date(2023, 6, 1),
                    "Hạn hoàn thành": "15/06/2023",
                    "Trạng thái": "hoan thanh",
                    "Tiến độ (%)": "40%",
                    "Phụ thuộc (mã công việc)": "CV-01, CV-03",
                },
            ),
            _row("CV-03", "Chuẩn bị", **{"Lĩnh vực": "training"}),
        ]
    )
    before = _revision(tw)
    result = _import(tw, data)
    assert result.errors == []
    assert result.applied
    assert _revision(tw) == before + 1
    task = Task.objects.get(exercise=w.exercise, code="CV-02")
    assert task.subcommittee == tw.tb_a
    assert task.owner == w.agency
    assert task.assignee == w.person
    assert (task.start, task.due) == (dt.date(2023, 6, 1), dt.date(2023, 6, 15))
    assert (task.status, task.progress) == ("done", 100)  # done means 100%
    assert task.completed_on is not None
    assert sorted(d.code for d in task.depends_on.all()) == ["CV-01", "CV-03"]
    assert Task.objects.get(code="CV-03").category == "training"
    assert Task.objects.get(code="CV-01").title == "Mới"
    assert task.history.first().history_user == w.alice


def test_columns_may_come_in_any_order_and_absent_ones_stay_as_they_are(tw: TaskWorld) -> None:
    make_task(tw.world.exercise, "CV-01", title="Cũ", progress=30, notes="Giữ nguyên")
    data = workbook(
        [["Lĩnh vực", "nội dung cong viec", "MÃ CÔNG VIỆC"], ["Văn kiện", "Mới", "CV-01"]],
        top=["MẬT"],
    )
    result = _import(tw, data)
    assert result.errors == []
    task = Task.objects.get(code="CV-01")
    assert (task.title, task.progress, task.notes) == ("Mới", 30, "Giữ nguyên")


# --- every refusal -----------------------------------------------------------------------------


def test_a_file_that_is_not_xlsx_is_refused(tw: TaskWorld) -> None:
    for data in (b"ma,tieu de\nCV-01,x\n", b"\xd0\xcf\x11\xe0" + b"\0" * 100, b""):
        result = _import(tw, data)
        assert len(result.errors) == 1
        assert result.errors[0].row is None
    assert "xlsx" in _import(tw, b"ma,tieu de\n").errors[0].message
    assert ".xls" in _import(tw, b"\xd0\xcf\x11\xe0" + b"\0" * 100).errors[0].message


def test_a_zip_that_is_not_a_workbook_is_refused(tw: TaskWorld) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "không phải bảng tính")
    result = _import(tw, buffer.getvalue())
    assert "không phải bảng tính Excel" in result.errors[0].message


def test_a_truncated_xlsx_is_refused(tw: TaskWorld) -> None:
    data = workbook([HEADER, _row("CV-01")])
    result = _import(tw, data[: len(data) // 2])
    assert len(result.errors) == 1
    assert "hỏng" in result.errors[0].message
    assert not Task.objects.exists()


def test_a_missing_column_is_named(tw: TaskWorld) -> None:
    data = workbook([["Mã công việc", "Lĩnh vực"], ["CV-01", "Văn kiện"]])
    result = _import(tw, data)
    assert _errors(result) == [
        ("Cong viec", 1, "Nội dung công việc", "Thiếu cột bắt buộc “Nội dung công việc”.")
    ]


def test_a_sheet_without_a_header_row_is_refused(tw: TaskWorld) -> None:
    result = _import(tw, workbook([["a", "b"], [1, 2]]))
    assert "Không tìm thấy dòng tiêu đề" in result.errors[0].message


def test_bad_values_are_each_named_with_row_and_column(tw: TaskWorld) -> None:
    data = workbook(
        [
            HEADER,
            _row("CV-01", **{"Hạn hoàn thành": "31/02/2023"}),
            _row("CV-02", **{"Tiến độ (%)": 150}),
            _row("CV-03", **{"Mã tiểu ban": "TB-KHONG-CO"}),
            _row("CV-04", **{"Mã cơ quan chủ trì": "KHONG-CO"}),
            _row("CV-05", **{"Mã người thực hiện": "KHONG-CO"}),
            _row("CV-06", **{"Trạng thái": "xong rồi"}),
            _row("CV-07", **{"Phụ thuộc (mã công việc)": "CV-99"}),
            _row("CV-08", **{"Lĩnh vực": ""}),
            _row("CV-09", **{"Ngày bắt đầu": "20/06/2023", "Hạn hoàn thành": "10/06/2023"}),
            _row("CV-10", **{"Mã tiểu ban": "BCD"}),  # a committee, not a subcommittee
        ]
    )
    result = _import(tw, data)
    found = {(row, column): message for _s, row, column, message in _errors(result)}
    assert "dd/mm/yyyy" in found[(2, "Hạn hoàn thành")]
    assert "0 đến 100" in found[(3, "Tiến độ (%)")]
    assert "TB-KHONG-CO" in found[(4, "Mã tiểu ban")]
    assert "KHONG-CO" in found[(5, "Mã cơ quan chủ trì")]
    assert "KHONG-CO" in found[(6, "Mã người thực hiện")]
    assert "xong rồi" in found[(7, "Trạng thái")]
    assert "CV-99" in found[(8, "Phụ thuộc (mã công việc)")]
    assert (9, "Lĩnh vực") in found
    assert (10, "Hạn hoàn thành") in found
    assert (11, "Mã tiểu ban") in found
    assert {e.sheet for e in result.errors} == {"Cong viec"}
    assert not Task.objects.exists()  # all or nothing


def test_a_duplicate_code_in_the_file_names_both_rows(tw: TaskWorld) -> None:
    data = workbook([HEADER, _row("CV-01"), _row("cv-01")])
    result = _import(tw, data)
    assert _errors(result) == [
        ("Cong viec", 3, "Mã công việc", "Mã “cv-01” bị lặp: đã có ở dòng 2 của tệp.")
    ]


def test_a_dependency_cycle_in_the_file_is_named(tw: TaskWorld) -> None:
    make_task(tw.world.exercise, "CV-07")
    data = workbook(
        [
            HEADER,
            _row("CV-03", **{"Phụ thuộc (mã công việc)": "CV-07"}),
            _row("CV-07", **{"Phụ thuộc (mã công việc)": "CV-03"}),
        ]
    )
    result = _import(tw, data)
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error.row, error.column) == (2, "Phụ thuộc (mã công việc)")
    assert "CV-03 -> CV-07 -> CV-03" in error.message
    assert not Task.objects.filter(code="CV-03").exists()


def test_a_cycle_through_a_stored_dependency_is_caught(tw: TaskWorld) -> None:
    a = make_task(tw.world.exercise, "A")
    make_task(tw.world.exercise, "B", depends_on=[a])
    data = workbook([HEADER, _row("A", **{"Phụ thuộc (mã công việc)": "B"})])
    assert "A -> B -> A" in _import(tw, data).errors[0].message


def test_text_in_a_legacy_encoding_is_refused(tw: TaskWorld) -> None:
    tcvn3 = workbook([HEADER, _row("CV-01", "TËp huÊn c¸n bé chñ chèt")])
    result = _import(tw, tcvn3)
    assert _errors(result)[0][:3] == ("Cong viec", 2, "Nội dung công việc")
    assert "TCVN3" in result.errors[0].message
    vni = workbook([HEADER, _row("CV-01", "Taäp huaán caùn boä chuû choát")])
    assert "VNI" in _import(tw, vni).errors[0].message
    assert not Task.objects.exists()


def test_a_lowered_classification_is_refused_as_stale(tw: TaskWorld) -> None:
    make_task(tw.world.exercise, "CV-01", classification=Classification.CONFIDENTIAL)
    data = workbook([[*HEADER, "Độ mật"], [*_row("CV-01"), "Thường"]])
    result = _import(tw, data)
    assert result.errors[0].column == "Độ mật"
    assert "cũ" in result.errors[0].message
    assert Task.objects.get(code="CV-01").classification == Classification.CONFIDENTIAL


def test_a_classification_below_the_exercises_is_refused(tw: TaskWorld) -> None:
    data = workbook([[*HEADER, "Độ mật"], [*_row("CV-01"), "Thường"]])
    result = task_import(
        exercise=tw.world.secret_exercise, data=data, dry_run=True, actor=tw.world.alice
    )
    assert result.errors[0].column == "Độ mật"


def test_a_member_imports_only_her_subcommittees_tasks(tw: TaskWorld) -> None:
    make_task(tw.world.exercise, "CV-B", subcommittee=tw.tb_b)
    data = workbook(
        [
            HEADER,
            _row("CV-A", **{"Mã tiểu ban": "TB-VK"}),
            _row("CV-B", "Sửa trộm", **{"Mã tiểu ban": "TB-HC"}),
            _row("CV-C", **{"Mã tiểu ban": "TB-HC"}),
        ]
    )
    result = _import(tw, data, actor=tw.minh)
    assert sorted(e.row or 0 for e in result.errors) == [3, 4]
    assert not Task.objects.filter(code="CV-A").exists()


def test_an_oversized_upload_is_refused_before_reading(
    tw: TaskWorld, client_for: ClientFor, settings: Any
) -> None:
    settings.KVPT_MAX_IMPORT_MB = 0.01  # about 10 kB
    data = workbook([HEADER, *[_row(f"CV-{i:04d}", "x" * 200) for i in range(200)]])
    assert len(data) > 10 * 1024
    response = client_for(tw.world.alice).post(
        reverse("preparation:task_import", args=[tw.world.exercise.pk]),
        {"file": SimpleUploadedFile("cv.xlsx", data)},
    )
    assert response.status_code == 422
    assert "Tệp quá lớn" in response.content.decode()
    assert not Task.objects.exists()


# --- export ------------------------------------------------------------------------------------


def test_the_export_has_vietnamese_headers_real_dates_and_the_marking(tw: TaskWorld) -> None:
    from openpyxl import load_workbook

    w = tw.world
    make_task(
        w.exercise,
        "CV-01",
        title="Xây dựng hầm chỉ huy Đồi Đông",
        start=dt.date(2023, 6, 1),
        due=dt.date(2023, 6, 15),
        subcommittee=tw.tb_a,
        owner=w.agency,
    )
    make_task(w.exercise, "CV-02", classification=Classification.CONFIDENTIAL)
    tasks = list(Task.objects.filter(exercise=w.exercise).order_by("code"))
    data = task_export(exercise=w.exercise, tasks=tasks, actor=w.alice)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A1"].value == "MẬT"
    assert sheet.oddHeader.center.text == "MẬT"
    assert sheet.oddFooter.center.text == "MẬT"
    headers = [c.value for c in sheet[2]]
    assert headers[:4] == ["Mã công việc", "Nội dung công việc", "Mã tiểu ban", "Tên tiểu ban"]
    start_cell = sheet.cell(row=3, column=headers.index("Ngày bắt đầu") + 1)
    assert start_cell.value == dt.datetime(2023, 6, 1)
    assert start_cell.number_format == "dd/mm/yyyy"
    assert sheet.cell(row=3, column=2).value == "Xây dựng hầm chỉ huy Đồi Đông"
    assert AccessLog.objects.filter(action="export", object_id=str(tasks[1].pk)).exists()


def test_formula_injection_is_escaped_in_the_export(tw: TaskWorld) -> None:
    from openpyxl import load_workbook

    make_task(tw.world.exercise, "CV-01", title='=HYPERLINK("http://x","bấm")', notes="@SUM(1)")
    make_task(tw.world.exercise, "CV-02", title="-2+3", notes="+84 912")
    tasks = list(Task.objects.order_by("code"))
    data = task_export(exercise=tw.world.exercise, tasks=tasks, actor=tw.world.alice)
    sheet = load_workbook(io.BytesIO(data)).active
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str) and cell.value:
                assert cell.value[0] not in "=+-@", cell.value
    assert sheet.cell(row=3, column=2).value == '\'=HYPERLINK("http://x","bấm")'


def test_export_then_import_changes_nothing(tw: TaskWorld) -> None:
    w = tw.world
    first = make_task(
        w.exercise,
        "CV-01",
        title="Tập huấn cán bộ chủ chốt: “Đường lối quốc phòng”",
        subcommittee=tw.tb_a,
        owner=w.agency,
        assignee=w.person,
        start=dt.date(2023, 6, 1),
        due=dt.date(2023, 6, 15),
        status="done",
        progress=100,
        completed_on=dt.date(2023, 6, 14),
        notes="Dòng 1\nDòng 2 – ghi chú",
    )
    make_task(
        w.exercise,
        "CV-02",
        title="=1+1 không phải công thức",
        category="works",
        classification=Classification.CONFIDENTIAL,
        progress=35,
        depends_on=[first],
    )
    tasks = list(Task.objects.order_by("code"))
    before = {t.code: (t.version, t.updated_at) for t in tasks}
    data = task_export(exercise=w.exercise, tasks=tasks, actor=w.alice)
    assert read_back(data)[2][0] == "CV-01"
    revision = _revision(tw)
    result = _import(tw, data)
    assert result.errors == []
    assert result.created == []
    assert result.updated == [], [r.changes for r in result.updated]
    assert len(result.unchanged) == 2
    after = {t.code: (t.version, t.updated_at) for t in Task.objects.all()}
    assert after == before
    assert Task.objects.get(code="CV-02").title == "=1+1 không phải công thức"
    assert _revision(tw) == revision  # nothing was written


def test_vietnamese_text_survives_the_round_trip_as_nfc(tw: TaskWorld) -> None:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Khảo sát địa hình Đồi Đông")
    data = workbook([HEADER, _row("CV-01", decomposed)])
    assert _import(tw, data).errors == []
    title = Task.objects.get(code="CV-01").title
    assert title == "Khảo sát địa hình Đồi Đông"
    assert unicodedata.is_normalized("NFC", title)
    exported = task_export(
        exercise=tw.world.exercise, tasks=list(Task.objects.all()), actor=tw.world.alice
    )
    assert read_back(exported)[2][1] == "Khảo sát địa hình Đồi Đông"


# --- the pages ---------------------------------------------------------------------------------


def test_the_import_page_previews_then_imports(tw: TaskWorld, client_for: ClientFor) -> None:
    client = client_for(tw.world.alice)
    url = reverse("preparation:task_import", args=[tw.world.exercise.pk])
    data = workbook([HEADER, _row("CV-01", "Khảo sát")])
    preview = client.post(url, {"file": SimpleUploadedFile("cv.xlsx", data)})
    html = preview.content.decode()
    assert preview.status_code == 200
    assert 'data-testid="import-preview"' in html
    assert "<ins>Khảo sát</ins>" in html  # what would be created, field by field
    assert not Task.objects.exists()
    digest = preview.context["digest"]
    # The checked file waits for the user who checked it, not for anyone who knows its digest.
    replay = client_for(tw.world.erin).post(url, {"confirm": digest})
    assert replay.status_code == 302
    assert not Task.objects.exists()
    done = client.post(url, {"confirm": digest})
    assert done.status_code == 302
    assert Task.objects.get(code="CV-01").title == "Khảo sát"


def test_the_import_page_lists_errors_with_row_and_column(
    tw: TaskWorld, client_for: ClientFor
) -> None:
    url = reverse("preparation:task_import", args=[tw.world.exercise.pk])
    data = workbook([HEADER, _row("CV-01", **{"Hạn hoàn thành": "hôm qua"})])
    response = client_for(tw.world.alice).post(url, {"file": SimpleUploadedFile("cv.xlsx", data)})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-testid="import-error"' in html
    assert "Hạn hoàn thành" in html
    assert "<td>2</td>" in html


def test_the_export_page_downloads_a_workbook(tw: TaskWorld, client_for: ClientFor) -> None:
    make_task(tw.world.exercise, "CV-01")
    response = client_for(tw.world.bob).get(
        reverse("preparation:task_export", args=[tw.world.exercise.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert read_back(response.content)[2][0] == "CV-01"


def test_a_round_trip_keeps_an_owner_the_importer_could_not_pick(tw: TaskWorld) -> None:
    w = tw.world
    make_task(w.exercise, "CV-01", owner=w.sibling_agency)  # named by someone above erin
    tasks = list(Task.objects.all())
    data = task_export(exercise=w.exercise, tasks=tasks, actor=w.erin)
    result = _import(tw, data, actor=w.erin)
    assert result.errors == []
    assert len(result.unchanged) == 1
    other = workbook([HEADER, _row("CV-02", **{"Mã cơ quan chủ trì": w.sibling_agency.code})])
    assert _import(tw, other, actor=w.erin).errors[0].column == "Mã cơ quan chủ trì"


def test_the_export_page_needs_as_many_queries_for_thirty_tasks_as_for_three(
    tw: TaskWorld, client_for: ClientFor
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = tw.world
    client = client_for(w.bob)
    url = reverse("preparation:task_export", args=[w.exercise.pk])

    def queries() -> int:
        client.get(url)  # warm: session, permissions cached as on any page
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured)

    first = make_task(w.exercise, "CV-00", owner=w.sibling_agency, subcommittee=tw.tb_a)
    for n in range(1, 3):
        make_task(w.exercise, f"CV-{n:02d}", subcommittee=tw.tb_b, depends_on=[first])
    few = queries()
    for n in range(3, 30):
        make_task(w.exercise, f"CV-{n:02d}", owner=w.sibling_agency, depends_on=[first])
    assert queries() == few  # subcommittee, owner, assignee, dependencies: loaded with the tasks
    rows = read_back(client.get(url).content)
    assert len([r for r in rows[2:] if r and r[0]]) == 30
