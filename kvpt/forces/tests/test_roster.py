"""Rosters: Excel import (dry run listing every problem, all-or-nothing), export, check-in."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kvpt.core import spreadsheets as xl
from kvpt.core.testing.world import World
from kvpt.forces.models import ForceAllocation, RosterEntry
from kvpt.forces.roster_sheets import roster_export, roster_import
from kvpt.forces.services import allocation_update, roster_entry_create
from kvpt.forces.tests.helpers import HEADER, allocate, unit, xlsx

pytestmark = pytest.mark.django_db

Clients = Callable[[Any], Client]


def _import(world: World, data: bytes, dry_run: bool = True) -> Any:
    return roster_import(exercise=world.exercise, data=data, dry_run=dry_run, actor=world.alice)


def _good_rows(world: World) -> list[list[Any]]:
    return [
        [*HEADER, "Có mặt"],
        [
            world.unit.code,
            "QN-001",
            "Lò Văn Pành",
            "Binh nhất",
            "Quân nhân dự bị",
            "0912",
            "01/02/1995",
            "x",
        ],
        [world.unit.code, "QN-002", "Hà Thị Lan", "", "dân quân", "", "", ""],
        [world.unit.code, "", "Phạm Văn Nam", "", "", "", dt.date(1990, 5, 6), ""],
    ]


def test_the_dry_run_lists_every_problem_with_sheet_row_and_column(world: World) -> None:
    RosterEntry.objects.create(
        exercise=world.exercise, unit=world.unit, person_code="QN-OLD", full_name="Đã Có"
    )
    data = xlsx(
        [
            HEADER,
            ["", "QN-1", "Thiếu Đơn Vị", "", "", "", ""],
            ["KHONG-CO", "QN-2", "Sai Mã Đơn Vị", "", "", "", ""],
            [world.unit.code, "QN-3", "Trùng Mã", "", "", "", ""],
            [world.unit.code, "QN-3", "Trùng Mã Hai", "", "", "", ""],
            [world.unit.code, "", "Lê Văn A", "", "", "", "01/01/1990"],
            [world.unit.code, "", "le van a", "", "", "", "01/01/1990"],
            [world.unit.code, "QN-OLD", "Đã Có", "", "", "", ""],
            [world.unit.code, "QN-9", "Ngày Sai", "", "", "", "31/02/1990"],
            [world.unit.code, "QN-10", "Diện Sai", "", "lính đánh thuê", "", ""],
        ]
    )
    result = _import(world, data, dry_run=False)
    found = {(e.row, e.column) for e in result.errors}
    assert found == {
        (2, "Mã đơn vị"),
        (3, "Mã đơn vị"),
        (5, "Mã cán bộ"),
        (7, "Họ và tên"),
        (8, "Mã cán bộ"),
        (9, "Ngày sinh"),
        (10, "Diện"),
    }
    messages = " | ".join(str(e) for e in result.errors)
    assert "Thiếu mã đơn vị" in messages
    assert "KHONG-CO" in messages
    assert "trùng với dòng 4" in messages
    assert "trùng với dòng 6" in messages
    assert "đã có trong danh sách" in messages
    assert "dd/mm/yyyy" in messages
    assert all(e.sheet == "Danh sách" for e in result.errors)
    assert not result.applied
    assert RosterEntry.objects.count() == 1  # all or nothing


def test_an_empty_sheet_and_a_sheet_without_header_are_refused(world: World) -> None:
    result = _import(world, xlsx([HEADER]))
    assert [e.message for e in result.errors] == ["Trang tính không có dòng dữ liệu nào."]
    result = _import(world, xlsx([]))
    assert "Không tìm thấy dòng tiêu đề" in result.errors.items[0].message


def test_a_file_that_is_not_excel_is_refused(world: World) -> None:
    with pytest.raises(xl.SpreadsheetRejectedError):
        _import(world, b"ho ten,don vi\nA,B\n")


def test_a_good_file_imports_in_one_go_and_sets_the_actual_strength(world: World) -> None:
    allocation = allocate(world, world.unit, [], planned=3)
    dry = _import(world, xlsx(_good_rows(world)))
    assert not dry.errors
    assert dry.rows == 3
    assert RosterEntry.objects.count() == 0
    result = _import(world, xlsx(_good_rows(world)), dry_run=False)
    assert result.applied
    assert RosterEntry.objects.count() == 3
    entry = RosterEntry.objects.get(person_code="QN-001")
    assert entry.reserve_status == "reservist"
    assert entry.date_of_birth == dt.date(1995, 2, 1)
    assert entry.attended
    assert entry.history.first().history_user == world.alice
    allocation.refresh_from_db()
    assert allocation.actual_personnel == 1
    assert RosterEntry.objects.filter(search_text__contains="pham van nam").exists()


def test_only_editors_import(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        roster_import(
            exercise=world.exercise, data=xlsx(_good_rows(world)), dry_run=True, actor=world.bob
        )


def test_export_escapes_formulas_and_imports_back(world: World) -> None:
    from openpyxl import load_workbook

    roster_entry_create(
        exercise=world.exercise, unit=world.unit, full_name="=HYPERLINK(1)", actor=world.alice
    )
    data = roster_export(exercise=world.exercise, entries=list(RosterEntry.objects.all()))
    sheet = load_workbook(io.BytesIO(data)).active
    names = [row[3] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert names == ["'=HYPERLINK(1)"]
    RosterEntry.objects.all().delete()
    result = _import(world, data, dry_run=False)
    assert result.applied, [str(e) for e in result.errors]
    assert RosterEntry.objects.get().full_name == "=HYPERLINK(1)"


def _import_url(world: World) -> str:
    return reverse("forces:roster_import", args=[world.exercise.pk])


def test_the_import_page_dry_runs_then_confirms(world: World, client_for: Clients) -> None:
    client = client_for(world.alice)
    upload = SimpleUploadedFile("ds.xlsx", xlsx(_good_rows(world)))
    response = client.post(_import_url(world), {"file": upload})
    assert response.status_code == 200
    assert "Sẽ thêm 3 người" in response.content.decode()
    assert RosterEntry.objects.count() == 0
    response = client.post(_import_url(world), {"confirm": response.context["digest"]})
    assert response.status_code == 302
    assert RosterEntry.objects.count() == 3


def test_the_import_page_refuses_a_non_excel_file_and_a_50_mb_upload(
    world: World, client_for: Clients
) -> None:
    client = client_for(world.alice)
    response = client.post(
        _import_url(world), {"file": SimpleUploadedFile("ds.xlsx", b"not a spreadsheet")}
    )
    assert response.status_code == 422
    assert "không phải bảng tính Excel" in response.content.decode()
    big = SimpleUploadedFile("ds.xlsx", b"PK\x03\x04" + b"\0" * (50 * 1024 * 1024))
    response = client.post(_import_url(world), {"file": big})
    assert response.status_code == 422
    assert "Tệp quá lớn" in response.content.decode()
    assert RosterEntry.objects.count() == 0


def test_the_import_api_reports_errors_and_applies_only_when_asked(
    world: World, api_client_for: Clients
) -> None:
    client = api_client_for(world.alice)
    path = f"/api/v1/exercises/{world.exercise.pk}/roster/import"
    bad = [HEADER, ["", "", "Không Đơn Vị", "", "", "", ""]]
    response = client.post(path, {"file": SimpleUploadedFile("a.xlsx", xlsx(bad))})
    assert response.status_code == 422
    assert response.json()["errors"][0]["row"] == 2
    response = client.post(path, {"file": SimpleUploadedFile("a.xlsx", xlsx(_good_rows(world)))})
    assert response.status_code == 200
    assert RosterEntry.objects.count() == 0
    response = client.post(
        path + "?dry_run=false", {"file": SimpleUploadedFile("a.xlsx", xlsx(_good_rows(world)))}
    )
    assert response.json()["applied"] is True
    assert RosterEntry.objects.count() == 3
    outsider = api_client_for(world.charlie).post(
        path, {"file": SimpleUploadedFile("a.xlsx", xlsx(_good_rows(world)))}
    )
    assert outsider.status_code == 404
    observer = api_client_for(world.bob).post(
        path, {"file": SimpleUploadedFile("a.xlsx", xlsx(_good_rows(world)))}
    )
    assert observer.status_code == 403


# --- check-in ----------------------------------------------------------------------------------


def test_check_in_turns_planned_into_actual(world: World, client_for: Clients) -> None:
    allocation = allocate(world, world.unit, [], planned=2)
    a = roster_entry_create(
        exercise=world.exercise, unit=world.unit, full_name="A", actor=world.alice
    )
    roster_entry_create(exercise=world.exercise, unit=world.unit, full_name="B", actor=world.alice)
    allocation.refresh_from_db()
    assert allocation.actual_personnel == 0
    client = client_for(world.alice)
    response = client.post(
        reverse("forces:roster_check_in", args=[a.pk]), {"present": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Có mặt" in response.content.decode()
    allocation.refresh_from_db()
    assert allocation.actual_personnel == 1
    response = client.post(
        reverse("forces:roster_unit_present", args=[world.exercise.pk]), {"unit": world.unit.pk}
    )
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert allocation.actual_personnel == 2
    with pytest.raises(ValidationError):
        allocation_update(
            allocation=allocation,
            changes={"actual_personnel": 50},
            expected_version=allocation.version,
            actor=world.alice,
        )
    assert (
        client_for(world.bob)
        .post(reverse("forces:roster_check_in", args=[a.pk]), {"present": "0"})
        .status_code
        == 403
    )
    assert (
        client_for(world.charlie)
        .post(reverse("forces:roster_check_in", args=[a.pk]), {"present": "0"})
        .status_code
        == 404
    )


def test_the_roster_page_searches_without_accents_and_stays_flat_in_queries(
    world: World, client_for: Clients
) -> None:
    client = client_for(world.alice)
    url = reverse("forces:roster", args=[world.exercise.pk])
    other = unit(world, "U2", "Đơn vị hai")
    for i in range(3):
        RosterEntry.objects.create(exercise=world.exercise, unit=world.unit, full_name=f"Người {i}")
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for i in range(30):
        RosterEntry.objects.create(
            exercise=world.exercise, unit=other if i % 2 else world.unit, full_name=f"Thêm {i}"
        )
    RosterEntry.objects.create(exercise=world.exercise, unit=other, full_name="Đặng Thị Hồng")
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    response = client.get(url, {"q": "dang thi hong"})
    assert "Đặng Thị Hồng" in response.content.decode()
    assert "Thêm 1" not in response.content.decode()
    assert ForceAllocation.objects.count() == 0


def test_a_roster_typed_in_a_legacy_encoding_is_refused(world: World) -> None:
    data = xlsx([HEADER, [world.unit.code, "", "NguyÔn V¨n Hïng", "Binh nhÊt", "", "", ""]])
    result = _import(world, data, dry_run=False)
    assert "TCVN3" in result.errors.items[0].message
    assert RosterEntry.objects.count() == 0
