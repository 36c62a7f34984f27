"""The roster import and export keep their query count however many rows (issue 7: 10,000 rows
within seconds), and the fast write path leaves the very rows and history the ORM path would."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kvpt.core.testing.world import World
from kvpt.forces import roster_sheets
from kvpt.forces.models import RosterEntry
from kvpt.forces.roster_sheets import roster_export, roster_import
from kvpt.forces.tests.helpers import unit, xlsx

pytestmark = pytest.mark.django_db

HEADER = ["Mã đơn vị", "Mã cán bộ", "Họ và tên", "Cấp bậc", "Diện", "Ngày sinh", "Có mặt"]


def _file(world: World, rows: int, *, start: int = 0) -> bytes:
    other = unit(world, f"U-{start}", "Đơn vị hai") if rows else None
    body = [
        [
            (world.unit if n % 2 else other).code,  # type: ignore[union-attr]
            f"NK-{n:05d}",
            f"Nguyễn Văn Hùng {n}",
            "Binh nhì",
            "Dân quân" if n % 3 else "quân nhân dự bị",
            (dt.date(1980, 1, 1) + dt.timedelta(days=n)).strftime("%d/%m/%Y"),
            "x" if n % 2 else "",
        ]
        for n in range(start, start + rows)
    ]
    return xlsx([HEADER, *body])


def _queries(world: World, data: bytes, *, dry_run: bool) -> int:
    with CaptureQueriesContext(connection) as captured:
        result = roster_import(
            exercise=world.exercise, data=data, dry_run=dry_run, actor=world.alice
        )
    assert not result.errors, [str(e) for e in result.errors]
    assert result.applied is not dry_run
    return len(captured)


def test_the_import_makes_as_many_queries_for_200_rows_as_for_20(world: World) -> None:
    _queries(world, _file(world, 2, start=9000), dry_run=True)  # the user's scope, read once
    assert _queries(world, _file(world, 20), dry_run=True) == _queries(
        world, _file(world, 200, start=1000), dry_run=True
    )
    small = _queries(world, _file(world, 20, start=2000), dry_run=False)
    large = _queries(world, _file(world, 200, start=3000), dry_run=False)
    assert large == small
    assert RosterEntry.objects.count() == 220


def _snapshot() -> list[tuple[Any, ...]]:
    entries = RosterEntry.objects.order_by("person_code").values_list(
        "unit__code",
        "person_code",
        "full_name",
        "rank",
        "role",
        "reserve_status",
        "phone",
        "date_of_birth",
        "attended",
        "search_text",
        "version",
    )
    history = RosterEntry.history.order_by("person_code").values_list(
        "id", "person_code", "full_name", "reserve_status", "history_type", "history_user_id"
    )
    return [*entries, *[(h[0] is not None, *h[1:]) for h in history]]


def test_the_fast_insert_leaves_what_the_orm_path_leaves(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _file(world, 12)
    before = dt.datetime.now(dt.UTC)
    result = roster_import(exercise=world.exercise, data=data, dry_run=False, actor=world.alice)
    assert result.applied
    fast = _snapshot()
    entry = RosterEntry.objects.get(person_code="NK-00001")
    assert entry.attended
    assert entry.checked_in_at is not None
    assert entry.checked_in_at >= before
    assert entry.created_at == entry.updated_at == entry.checked_in_at
    assert not RosterEntry.objects.get(person_code="NK-00000").checked_in_at
    record = entry.history.get()
    assert (record.history_type, record.history_user, record.id) == ("+", world.alice, entry.pk)
    assert record.history_change_reason is None
    # Every history record belongs to the row it copies (ids matched to rows, not guessed).
    assert dict(RosterEntry.history.values_list("id", "person_code")) == dict(
        RosterEntry.objects.values_list("id", "person_code")
    )

    RosterEntry.objects.all().delete()
    RosterEntry.history.all().delete()
    monkeypatch.setattr(roster_sheets, "_ENTRY_COLUMNS", ("not", "the", "model"))
    result = roster_import(exercise=world.exercise, data=data, dry_run=False, actor=world.alice)
    assert result.applied
    assert _snapshot() == fast


def test_every_row_with_a_bad_repeated_value_gets_its_own_error(world: World) -> None:
    rows = [
        [world.unit.code, "", "Lê Văn A", "", "lính đánh thuê", "", ""],
        [world.unit.code, "", "Lê Văn B", "", "lính đánh thuê", "", "có lẽ"],
        ["KHONG-CO", "", "Lê Văn C", "", "", "", "có lẽ"],
    ]
    result = roster_import(
        exercise=world.exercise, data=xlsx([HEADER, *rows]), dry_run=True, actor=world.alice
    )
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "Diện"),
        (3, "Diện"),
        (3, "Có mặt"),
        (4, "Mã đơn vị"),
        (4, "Có mặt"),
    ]
    assert "lính đánh thuê" in result.errors.items[1].message
    assert "có lẽ" in result.errors.items[4].message


def test_the_export_makes_as_many_queries_for_200_people_as_for_20(world: World) -> None:
    from openpyxl import load_workbook

    def export() -> tuple[int, list[tuple[Any, ...]]]:
        entries = RosterEntry.objects.filter(exercise=world.exercise).order_by("person_code")
        with CaptureQueriesContext(connection) as captured:
            data = roster_export(exercise=world.exercise, entries=entries)
        sheet = load_workbook(io.BytesIO(data)).active
        return len(captured), list(sheet.iter_rows(min_row=3, values_only=True))

    roster_import(exercise=world.exercise, data=_file(world, 20), dry_run=False, actor=world.alice)
    small, _rows = export()
    roster_import(
        exercise=world.exercise,
        data=_file(world, 180, start=100),
        dry_run=False,
        actor=world.alice,
    )
    large, rows = export()
    assert large == small == 1
    assert len(rows) == 200
    # The same file from the entries themselves (what the page passed before).
    entries = list(
        RosterEntry.objects.filter(exercise=world.exercise)
        .select_related("unit")
        .order_by("person_code")
    )
    from_objects = load_workbook(
        io.BytesIO(roster_export(exercise=world.exercise, entries=entries))
    ).active
    assert list(from_objects.iter_rows(min_row=3, values_only=True)) == rows
    first = rows[0]
    assert first[2:] == (
        "NK-00000",
        "Nguyễn Văn Hùng 0",
        "Binh nhì",
        None,
        "Quân nhân dự bị",
        None,
        dt.datetime(1980, 1, 1),
        None,
    )
