"""The MSEL in Excel: export (escaped, marked), import with a column mapping, dry run, all or
nothing, and every error path (not Excel, empty sheet, too large, bad rows)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kvpt.core.testing.world import World
from kvpt.scenario.models import Inject
from kvpt.scenario.tests.helpers import inject, situation, workbook

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(client: Client, world: World, data: bytes, name: str = "msel.xlsx") -> Any:
    return client.post(
        reverse("scenario:msel_import", args=[world.exercise.pk]),
        {"step": "upload", "file": SimpleUploadedFile(name, data, content_type=XLSX)},
    )


def _map(client: Client, world: World, upload: Any, mapping: dict[str, str], step: str) -> Any:
    context = upload.context
    headers = context["mapping_form"].headers
    data = {"step": step, "digest": context["digest"], "headers": context["headers_json"]}
    for index, header in enumerate(headers):
        data[f"col_{index}"] = mapping.get(header, "")
    return client.post(reverse("scenario:msel_import", args=[world.exercise.pk]), data)


def test_the_users_own_headers_are_mapped_then_checked_then_written_at_once(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    situation(world, code="A2")
    client = client_for(world.alice)
    data = workbook(
        [
            ["STT", "Giờ kịch bản", "Nội dung sự kiện", "Tình huống", "Cột thừa"],
            [1, "N+1 08:30", "Công an xã báo cáo có tụ tập đông người", "A2", "x"],
            [2, "N+1 09:00", "Nhóm quá khích chặn đường", "a2", "y"],
        ],
        title="KỊCH BẢN CHI TIẾT",
    )
    upload = _upload(client, world, data)
    assert upload.status_code == 200
    form = upload.context["mapping_form"]
    assert form.headers == ["STT", "Giờ kịch bản", "Nội dung sự kiện", "Tình huống", "Cột thừa"]
    assert form.fields["col_0"].initial == "serial"  # "STT" is a known name
    mapping = {
        "STT": "serial",
        "Giờ kịch bản": "scenario_time",
        "Nội dung sự kiện": "content",
        "Tình huống": "situation",
    }
    dry = _map(client, world, upload, mapping, "map")
    assert dry.status_code == 200, dry.context["result"].errors
    assert dry.context["result"].created == [1, 2]
    assert not Inject.objects.exists()  # the dry run wrote nothing
    done = _map(client, world, upload, mapping, "confirm")
    assert done.status_code == 302
    rows = list(Inject.objects.order_by("serial"))
    assert [r.scenario_time for r in rows] == ["N+1 08:30", "N+1 09:00"]
    assert all(r.situation and r.situation.code == "A2" for r in rows)


def test_every_bad_row_is_reported_and_nothing_is_written(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(world.alice)
    data = workbook(
        [
            ["Số TT", "Thời gian giả định", "Nội dung tình huống", "Mã tình huống"],
            [1, "N+1 08:30", "Hợp lệ", ""],
            [2, "ngày mai", "Sai thời gian", ""],
            [3, "N+2", "Sai tình huống", "ZZ"],
            [1, "N+3", "Trùng số", ""],
            ["abc", "N+3", "Số sai", ""],
        ]
    )
    upload = _upload(client, world, data)
    mapping = {
        "Số TT": "serial",
        "Thời gian giả định": "scenario_time",
        "Nội dung tình huống": "content",
        "Mã tình huống": "situation",
    }
    response = _map(client, world, upload, mapping, "map")
    assert response.status_code == 422
    errors = {(e.row, e.column) for e in response.context["result"].errors}
    assert {(3, "Thời gian giả định"), (4, "Mã tình huống"), (5, "Số TT"), (6, "Số TT")} <= errors
    assert (2, "Số TT") not in errors
    confirm = _map(client, world, upload, mapping, "confirm")
    assert confirm.status_code == 422
    assert not Inject.objects.exists()


def test_a_required_field_left_unmapped_is_an_error(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(world.alice)
    upload = _upload(client, world, workbook([["STT", "Ghi chú"], [1, "x"]]))
    response = _map(client, world, upload, {"STT": "serial"}, "map")
    assert response.status_code == 422
    assert any("Nội dung tình huống" in str(e) for e in response.context["result"].errors)


def test_two_headers_mapped_to_one_field_are_refused(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(world.alice)
    upload = _upload(client, world, workbook([["A", "B"], [1, "x"]]))
    response = _map(client, world, upload, {"A": "content", "B": "content"}, "map")
    assert response.status_code == 422
    assert "đã được ghép" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"serial;content\n1;x\n", "không phải bảng tính"),
        (b"", "rỗng"),
    ],
)
def test_a_file_that_is_not_excel_is_refused(
    world: World, client_for: Callable[[Any], Client], data: bytes, message: str
) -> None:
    response = _upload(client_for(world.alice), world, data, name="msel.csv")
    assert response.status_code == 422
    assert message in response.content.decode()


def test_an_empty_sheet_is_refused(world: World, client_for: Callable[[Any], Client]) -> None:
    response = _upload(client_for(world.alice), world, workbook([]))
    assert response.status_code == 422
    assert "dòng tiêu đề" in response.content.decode()


def test_a_sheet_with_headers_but_no_rows_writes_nothing(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(world.alice)
    upload = _upload(client, world, workbook([["STT", "Nội dung"]]))
    response = _map(client, world, upload, {"STT": "serial", "Nội dung": "content"}, "map")
    assert response.status_code == 422
    assert "không có dòng dữ liệu" in response.content.decode()


def test_a_50_mb_upload_is_refused(world: World, client_for: Callable[[Any], Client]) -> None:
    big = b"PK\x03\x04" + b"\0" * (50 * 1024 * 1024)
    response = _upload(client_for(world.alice), world, big)
    assert response.status_code == 422
    assert "quá lớn" in response.content.decode()


def test_an_observer_may_not_import_and_the_outsider_gets_404(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    url = reverse("scenario:msel_import", args=[world.exercise.pk])
    assert client_for(world.bob).get(url).status_code == 403
    assert client_for(world.charlie).get(url).status_code == 404


def test_the_export_escapes_formulas_and_reads_back_unchanged(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    from openpyxl import load_workbook

    inject(world, 1, content='=HYPERLINK("http://x","bấm")', scenario_time="N+1 08:30")
    client = client_for(world.alice)
    response = client.get(reverse("scenario:msel_export", args=[world.exercise.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for c in sheet[3]]
    assert '\'=HYPERLINK("http://x","bấm")' in values
    upload = _upload(client, world, response.content)
    proposed = {
        h: upload.context["mapping_form"].fields[f"col_{i}"].initial
        for i, h in enumerate(upload.context["mapping_form"].headers)
    }
    assert proposed["Số TT"] == "serial"
    assert proposed["Nội dung tình huống"] == "content"
    done = _map(client, world, upload, {h: k for h, k in proposed.items() if k}, "confirm")
    assert done.status_code == 302
    item = Inject.objects.get(serial=1)
    assert item.content == '=HYPERLINK("http://x","bấm")'
