"""Rosters to and from Excel: export the list, import a file with a dry run.

An import only adds people. Every problem of the file is listed (sheet, row, column, reason) and
nothing is written unless there is none; the write is one transaction, in batches (bulk_create
with history), so a 10,000-row roster goes in within seconds (bench/roster_import.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from kvpt.core import spreadsheets as xl
from kvpt.core.permissions import require_perm
from kvpt.core.services import bump_revision, ensure_exercise_open
from kvpt.core.text import fold
from kvpt.forces.models import ReserveStatus, RosterEntry, make_search_text
from kvpt.forces.services import PERM, sync_actual, units_for

BATCH = 1000

COLUMNS = (
    xl.Column("unit", "Mã đơn vị", required=True, aliases=("Đơn vị (mã)",)),
    xl.Column("unit_name", "Tên đơn vị"),
    xl.Column("person_code", "Mã cán bộ", aliases=("Mã quân nhân",)),
    xl.Column("full_name", "Họ và tên", required=True, aliases=("Họ tên",)),
    xl.Column("rank", "Cấp bậc"),
    xl.Column("role", "Nhiệm vụ trong diễn tập", aliases=("Chức vụ", "Nhiệm vụ")),
    xl.Column("reserve_status", "Diện", aliases=("Diện quân nhân",)),
    xl.Column("phone", "Số điện thoại", aliases=("Điện thoại",)),
    xl.Column("date_of_birth", "Ngày sinh"),
    xl.Column("attended", "Có mặt"),
)

_YES = {"x", "co", "1", "true", "yes", "co mat"}
_NO = {"", "0", "khong", "false", "no", "vang", "vang mat"}


@dataclass
class RosterImport:
    errors: xl.SheetErrors = field(default_factory=xl.SheetErrors)
    rows: int = 0
    by_unit: dict[str, int] = field(default_factory=dict)
    applied: bool = False
    seconds: float = 0.0


def _attended(value: Any) -> bool:
    text = fold(xl.parse_text(value))
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise xl.CellError(_("Ghi “x” nếu có mặt, để trống nếu vắng: “%(v)s”.") % {"v": value})


def roster_import(*, exercise: Any, data: bytes, dry_run: bool, actor: Any) -> RosterImport:
    """Check the whole file; unless `dry_run` or any problem, add every row in one transaction."""
    import time

    started = time.perf_counter()
    require_perm(actor, PERM, RosterEntry(exercise=exercise))
    result = RosterImport()
    table = xl.read_table(xl.check_xlsx_bytes(data), COLUMNS, result.errors)
    if table is None:
        return result
    if not table.rows:
        result.errors.add(table.sheet, None, "", _("Trang tính không có dòng dữ liệu nào."))
        return result
    units = {
        u.code.casefold(): u
        for u in units_for(actor, exercise).select_related(None).only("pk", "code", "name")
    }
    existing = RosterEntry.objects.filter(exercise=exercise)
    known_codes = {
        c.casefold() for c in existing.exclude(person_code="").values_list("person_code", flat=True)
    }
    known_people = {
        (fold(name), born)
        for name, born in existing.filter(date_of_birth__isnull=False).values_list(
            "full_name", "date_of_birth"
        )
    }
    seen_codes: dict[str, int] = {}
    seen_people: dict[tuple[str, dt.date], int] = {}
    entries: list[RosterEntry] = []
    now = timezone.now()
    for row in table.rows:
        read = xl.RowReader(table, row, COLUMNS, result.errors)
        unit_code = read.get("unit", lambda v: xl.parse_text(v, max_length=64), "")
        unit = None
        if not unit_code:
            read.error("unit", _("Thiếu mã đơn vị."))
        else:
            unit = units.get(unit_code.casefold())
            if unit is None:
                read.error(
                    "unit",
                    _("Không có đơn vị mã “%(code)s” trong phạm vi của bạn.") % {"code": unit_code},
                )
        name = read.get("full_name", lambda v: xl.parse_text(v, max_length=200), "")
        if not name:
            read.error("full_name", _("Thiếu họ và tên."))
        code = read.get("person_code", lambda v: xl.parse_text(v, max_length=64), "")
        born = read.get("date_of_birth", xl.parse_date)
        status = (
            read.get("reserve_status", lambda v: xl.parse_choice(v, ReserveStatus.choices))
            or ReserveStatus.OTHER
        )
        present = read.get("attended", _attended, False)
        if code:
            key = code.casefold()
            if key in known_codes:
                read.error(
                    "person_code",
                    _("Mã cán bộ “%(code)s” đã có trong danh sách của cuộc diễn tập.")
                    % {"code": code},
                )
            elif key in seen_codes:
                read.error(
                    "person_code",
                    _("Mã cán bộ “%(code)s” trùng với dòng %(row)s.")
                    % {"code": code, "row": seen_codes[key]},
                )
            else:
                seen_codes[key] = row.number
        if name and born:
            person = (fold(name), born)
            if person in known_people:
                read.error(
                    "full_name",
                    _("“%(name)s” (sinh %(born)s) đã có trong danh sách của cuộc diễn tập.")
                    % {"name": name, "born": f"{born:%d/%m/%Y}"},
                )
            elif person in seen_people:
                read.error(
                    "full_name",
                    _("“%(name)s” (sinh %(born)s) trùng với dòng %(row)s.")
                    % {"name": name, "born": f"{born:%d/%m/%Y}", "row": seen_people[person]},
                )
            else:
                seen_people[person] = row.number
        if read.failed or unit is None:
            continue
        entry = RosterEntry(
            exercise=exercise,
            unit=unit,
            person_code=code,
            full_name=name,
            rank=read.get("rank", lambda v: xl.parse_text(v, max_length=64), ""),
            role=read.get("role", lambda v: xl.parse_text(v, max_length=200), ""),
            reserve_status=status,
            phone=read.get("phone", lambda v: xl.parse_text(v, max_length=32), ""),
            date_of_birth=born,
            attended=bool(present),
            checked_in_at=now if present else None,
        )
        if read.failed:
            continue
        entry.search_text = make_search_text(entry)
        entries.append(entry)
        result.by_unit[unit.name] = result.by_unit.get(unit.name, 0) + 1
    result.rows = len(table.rows)
    if result.errors or dry_run:
        result.seconds = time.perf_counter() - started
        return result
    with transaction.atomic():
        ensure_exercise_open(exercise.pk)
        for start in range(0, len(entries), BATCH):
            bulk_create_with_history(
                entries[start : start + BATCH],
                RosterEntry,
                batch_size=BATCH,
                default_user=actor if getattr(actor, "is_authenticated", False) else None,
            )
        bump_revision(exercise.pk)
        for unit_id in {e.unit_id for e in entries}:
            sync_actual(exercise.pk, unit_id, actor=actor)
    result.applied = True
    result.seconds = time.perf_counter() - started
    return result


def roster_export(*, exercise: Any, entries: list[RosterEntry]) -> bytes:
    """The roster as an .xlsx that imports back (same headers); text escaped with safe_cell."""
    from openpyxl import Workbook

    from kvpt.core.models import Classification

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    marking = (
        str(Classification(exercise.classification).label).upper()
        if exercise.classification
        else ""
    )
    xl.write_table(
        sheet,
        headers=[c.header for c in COLUMNS],
        rows=(
            (
                e.unit.code,
                e.unit.name,
                e.person_code,
                e.full_name,
                e.rank,
                e.role,
                e.get_reserve_status_display(),
                e.phone,
                e.date_of_birth,
                "x" if e.attended else "",
            )
            for e in entries
        ),
        title=_("Danh sách quân số tham gia diễn tập %(code)s") % {"code": exercise.code},
        marking=marking,
        widths=[18, 32, 14, 28, 12, 28, 18, 14, 12, 8],
    )
    return xl.workbook_bytes(workbook)
