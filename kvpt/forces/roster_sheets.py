"""Rosters to and from Excel: export the list, import a file with a dry run.

An import only adds people. Every problem of the file is listed (sheet, row, column, reason) and
nothing is written unless there is none; the write is one transaction, in batches (bulk_create
with history), so a 10,000-row roster goes in within seconds (bench/roster_import.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

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


def _once_per_value(parser: Any) -> Any:
    """`parser` run once per distinct cell value (units, ranks, roles repeat over thousands of
    rows); a refusal is remembered too and raised again, so every row still gets its error."""
    seen: dict[tuple[type, Any], tuple[bool, Any]] = {}

    def parse(value: Any) -> Any:
        key = (type(value), value)
        hit = seen.get(key)
        if hit is None:
            try:
                hit = (True, parser(value))
            except xl.CellError as exc:
                hit = (False, exc)
            seen[key] = hit
        if not hit[0]:
            raise xl.CellError(str(hit[1]))
        return hit[1]

    return parse


def _text(max_length: int) -> Any:
    return lambda v: xl.parse_text(v, max_length=max_length)


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
    parse_unit = _once_per_value(_text(64))
    parse_rank = _once_per_value(_text(64))
    parse_role = _once_per_value(_text(200))
    parse_status = _once_per_value(xl.choice_parser(ReserveStatus.choices))
    parse_attended = _once_per_value(_attended)
    parse_name, parse_code, parse_phone = _text(200), _text(64), _text(32)
    seen_codes: dict[str, int] = {}
    seen_people: dict[tuple[str, dt.date], int] = {}
    entries: list[_Entry] = []
    for row in table.rows:
        read = xl.RowReader(table, row, COLUMNS, result.errors)
        unit_code = read.get("unit", parse_unit, "")
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
        name = read.get("full_name", parse_name, "")
        if not name:
            read.error("full_name", _("Thiếu họ và tên."))
        code = read.get("person_code", parse_code, "")
        born = read.get("date_of_birth", xl.parse_date)
        status = read.get("reserve_status", parse_status) or ReserveStatus.OTHER
        present = read.get("attended", parse_attended, False)
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
        rank = read.get("rank", parse_rank, "")
        role = read.get("role", parse_role, "")
        phone = read.get("phone", parse_phone, "")
        if read.failed:
            continue
        entries.append(_Entry(unit.pk, code, name, rank, role, status, phone, born, bool(present)))
        result.by_unit[unit.name] = result.by_unit.get(unit.name, 0) + 1
    result.rows = len(table.rows)
    if result.errors or dry_run:
        result.seconds = time.perf_counter() - started
        return result
    with transaction.atomic():
        ensure_exercise_open(exercise.pk)
        _add_entries(exercise.pk, entries, actor=actor)
        bump_revision(exercise.pk)
        for unit_id in {e.unit_id for e in entries}:
            sync_actual(exercise.pk, unit_id, actor=actor)
    result.applied = True
    result.seconds = time.perf_counter() - started
    return result


# --- writing the rows --------------------------------------------------------------------------


class _Entry(NamedTuple):
    unit_id: int
    person_code: str
    full_name: str
    rank: str
    role: str
    reserve_status: str
    phone: str
    date_of_birth: dt.date | None
    attended: bool


# What one row sets; the model's other columns must be exactly these (checked before use).
_ENTRY_COLUMNS = (
    "created_at",
    "updated_at",
    "version",
    "exercise_id",
    "unit_id",
    "person_code",
    "full_name",
    "rank",
    "role",
    "reserve_status",
    "phone",
    "date_of_birth",
    "attended",
    "checked_in_at",
    "search_text",
)
_HISTORY_EXTRA = ("history_date", "history_change_reason", "history_type", "history_user_id")
# Rows per INSERT: few statements however long the file, well under the parameter limits.
_ROWS_PER_INSERT = 2000


def _add_entries(exercise_id: int, entries: list[_Entry], *, actor: Any) -> None:
    """Insert the rows and their "+" history records, as bulk_create_with_history would.

    Django's bulk_create prepares every value of every row through its field (~25 µs a row for
    the row and as much again for its history record: 3-4 s for 10,000 rows under load). Here
    the values are prepared once per kind (one timestamp for all) and sent in a few multi-row
    INSERTs (the ids come back with RETURNING) and one executemany for the history. Should the
    model's columns ever differ from `_ENTRY_COLUMNS`, the ORM path is taken instead.
    """
    from django.db import connection

    history = RosterEntry.history.model
    entry_columns = [f.attname for f in RosterEntry._meta.concrete_fields if not f.primary_key]
    history_columns = [
        f.attname for f in history._meta.concrete_fields if f.attname != "history_id"
    ]
    tracked = [f.attname for f in history.tracked_fields]
    if (
        set(entry_columns) != set(_ENTRY_COLUMNS)
        or set(history_columns) != {*tracked, *_HISTORY_EXTRA}
        or set(tracked) != {"id", *_ENTRY_COLUMNS} - {"search_text"}
        or not connection.features.can_return_rows_from_bulk_insert
    ):
        _add_entries_orm(exercise_id, entries, actor=actor)
        return
    ops = connection.ops
    now = timezone.now()
    stamp = ops.adapt_datetimefield_value(now)
    user_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    rows = [
        {
            "created_at": stamp,
            "updated_at": stamp,
            "version": 1,
            "exercise_id": exercise_id,
            "unit_id": e.unit_id,
            "person_code": e.person_code,
            "full_name": e.full_name,
            "rank": e.rank,
            "role": e.role,
            "reserve_status": e.reserve_status,
            "phone": e.phone,
            "date_of_birth": ops.adapt_datefield_value(e.date_of_birth),
            "attended": e.attended,
            "checked_in_at": stamp if e.attended else None,
            "search_text": _search_text(e),
        }
        for e in entries
    ]
    quote = ops.quote_name
    names = ", ".join(quote(c) for c in _ENTRY_COLUMNS)
    one = "(" + ", ".join(["%s"] * len(_ENTRY_COLUMNS)) + ")"
    ids: list[int] = []
    if connection.vendor == "postgresql":
        _copy_entries_postgres(rows, user_id=user_id, stamp=stamp, tracked=tracked)
        return
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _ROWS_PER_INSERT):
            chunk = rows[start : start + _ROWS_PER_INSERT]
            cursor.execute(  # names from the model, quoted; values are parameters
                f"INSERT INTO {quote(RosterEntry._meta.db_table)} ({names}) "  # noqa: S608
                f"VALUES {', '.join([one] * len(chunk))} RETURNING {quote('id')}",
                [row[c] for row in chunk for c in _ENTRY_COLUMNS],
            )
            # Ids rise in the order the rows were given; RETURNING's own order is not promised.
            ids.extend(sorted(r[0] for r in cursor.fetchall()))
        if len(ids) != len(rows):
            raise RuntimeError("roster import: not every row came back with its id")
        history_extra = {
            "history_date": stamp,
            "history_change_reason": None,
            "history_type": "+",
            "history_user_id": user_id,
        }
        columns = [*tracked, *_HISTORY_EXTRA]
        cursor.executemany(  # names from the model, quoted; values are parameters
            f"INSERT INTO {quote(history._meta.db_table)} "  # noqa: S608
            f"({', '.join(quote(c) for c in columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})",
            [
                [pk if c == "id" else row.get(c, history_extra.get(c)) for c in columns]
                for pk, row in zip(ids, rows, strict=True)
            ],
        )


def _copy_entries_postgres(
    rows: list[dict[str, Any]], *, user_id: int | None, stamp: Any, tracked: list[str]
) -> None:
    """PostgreSQL: the rows and their history through COPY, ids drawn from the table's sequence.

    Why: psycopg parses a statement's placeholders in Python, and a multi-row INSERT of 10,000
    rows x 15 values spent seconds there; COPY sends the values without any placeholder.
    """
    from django.db import connection

    history = RosterEntry.history.model
    quote = connection.ops.quote_name
    table = RosterEntry._meta.db_table
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own cursor: COPY is not in the DB-API
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [quote(table), len(rows)],
        )
        ids = sorted(r[0] for r in cursor.fetchall())
        with cursor.copy(
            f"COPY {quote(table)} ({quote('id')}, "
            f"{', '.join(quote(c) for c in _ENTRY_COLUMNS)}) FROM STDIN"
        ) as copy:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row([pk, *(row[c] for c in _ENTRY_COLUMNS)])
        extra = {
            "history_date": stamp,
            "history_change_reason": None,
            "history_type": "+",
            "history_user_id": user_id,
        }
        columns = [*tracked, *_HISTORY_EXTRA]
        with cursor.copy(
            f"COPY {quote(history._meta.db_table)} "
            f"({', '.join(quote(c) for c in columns)}) FROM STDIN"
        ) as copy:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row([pk if c == "id" else row.get(c, extra.get(c)) for c in columns])


def _search_text(entry: _Entry) -> str:
    # make_search_text reads only full_name, person_code and phone, which a row has too.
    return make_search_text(cast(RosterEntry, entry))


def _add_entries_orm(exercise_id: int, entries: list[_Entry], *, actor: Any) -> None:
    now = timezone.now()
    objects = []
    for e in entries:
        entry = RosterEntry(
            exercise_id=exercise_id,
            **e._asdict(),
            checked_in_at=now if e.attended else None,
        )
        entry.search_text = make_search_text(entry)
        objects.append(entry)
    for start in range(0, len(objects), BATCH):
        bulk_create_with_history(
            objects[start : start + BATCH],
            RosterEntry,
            batch_size=BATCH,
            default_user=actor if getattr(actor, "is_authenticated", False) else None,
        )


def roster_export(*, exercise: Any, entries: Iterable[RosterEntry]) -> bytes:
    """The roster as an .xlsx that imports back (same headers); text escaped with safe_cell.

    `entries` may be a queryset (the export then reads only the columns it writes, no model
    objects) or the entries themselves.
    """
    from django.db.models import QuerySet

    from kvpt.core.models import Classification

    marking = (
        str(Classification(exercise.classification).label).upper()
        if exercise.classification
        else ""
    )
    statuses = {value: str(label) for value, label in ReserveStatus.choices}
    rows: Iterable[Sequence[Any]]
    if isinstance(entries, QuerySet):
        rows = (
            (*row[:6], statuses.get(row[6], row[6]), *row[7:9], "x" if row[9] else "")
            for row in entries.values_list(
                "unit__code",
                "unit__name",
                "person_code",
                "full_name",
                "rank",
                "role",
                "reserve_status",
                "phone",
                "date_of_birth",
                "attended",
            )
        )
    else:
        rows = (
            (
                e.unit.code,
                e.unit.name,
                e.person_code,
                e.full_name,
                e.rank,
                e.role,
                statuses.get(e.reserve_status, e.reserve_status),
                e.phone,
                e.date_of_birth,
                "x" if e.attended else "",
            )
            for e in entries
        )
    return xl.table_xlsx(
        sheet_title="Danh sách",
        headers=[c.header for c in COLUMNS],
        rows=rows,
        title=_("Danh sách quân số tham gia diễn tập %(code)s") % {"code": exercise.code},
        marking=marking,
        widths=[18, 32, 14, 28, 12, 28, 18, 14, 12, 8],
    )
