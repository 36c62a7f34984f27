"""The MSEL in Excel: export, and an import whose columns the user maps to our fields.

Import in three steps: the file is checked (kvpt.core.spreadsheets) and its header row read; the
user maps each of the sheet's headers to one of our fields (proposed from the header's name); the
rows are then checked by running the very services the pages use inside a transaction that is
rolled back (the dry run), every problem reported with its sheet, row and column. Only a file
without problems is written, all rows in one transaction. Rows are matched by serial: a known
serial updates that entry, a new one adds an entry.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as noop

from kvpt.core import spreadsheets as xl
from kvpt.core.models import AccessLog, Classification
from kvpt.core.views_helpers import log_classified_reads, marking_of
from kvpt.scenario.models import OPEN_STATUSES, DeliveryMethod, Inject

SHEET_NAME = "MSEL"

COLUMNS: tuple[xl.Column, ...] = (
    xl.Column("serial", noop("Số TT"), required=True, aliases=("STT", "Số thứ tự", "Serial")),
    xl.Column("scenario_time", noop("Thời gian giả định"), aliases=("Thời gian kịch bản",)),
    xl.Column("scheduled_at", noop("Giờ phát (kế hoạch)"), aliases=("Giờ phát", "Thời gian thực")),
    xl.Column("phase", noop("Giai đoạn (số)"), aliases=("Giai đoạn",)),
    xl.Column("content_item", noop("Nội dung (số)"), aliases=("Vấn đề",)),
    xl.Column("situation", noop("Mã tình huống"), aliases=("Tình huống",)),
    xl.Column("from_org", noop("Từ"), aliases=("Người, cơ quan phát",)),
    xl.Column("to", noop("Đến"), aliases=("Người, cơ quan nhận", "Đối tượng nhận")),
    xl.Column("method", noop("Hình thức chuyển"), aliases=("Phương thức",)),
    xl.Column("content", noop("Nội dung tình huống"), required=True, aliases=("Nội dung",)),
    xl.Column("expected_action", noop("Hành động mong đợi"), aliases=("Xử trí dự kiến",)),
    xl.Column("objective", noop("Mục tiêu liên quan"), aliases=("Mục tiêu",)),
    xl.Column("controller", noop("Mã người điều hành"), aliases=("Người điều hành",)),
    xl.Column("classification", noop("Độ mật")),
    xl.Column("notes", noop("Ghi chú")),
)


def columns() -> tuple[xl.Column, ...]:
    """Our columns with headers in the active language (the export writes the same)."""
    return tuple(
        xl.Column(c.key, _(c.header), required=c.required, aliases=(c.header, *c.aliases))
        for c in COLUMNS
    )


def field_choices() -> list[tuple[str, str]]:
    return [(c.key, c.header + (" *" if c.required else "")) for c in columns()]


# --- export ------------------------------------------------------------------------------------


def _export_row(inject: Inject, labels: Mapping[str, Mapping[Any, str]] | None = None) -> list[Any]:
    labels = labels or _labels()
    local = timezone.localtime(inject.scheduled_at) if inject.scheduled_at else None
    return [
        inject.serial,
        inject.scenario_time,
        local.strftime("%d/%m/%Y %H:%M") if local else "",
        inject.phase.order if inject.phase_id else "",  # type: ignore[union-attr]
        (
            f"{inject.content_item.phase.order}.{inject.content_item.order}"  # type: ignore[union-attr]
            if inject.content_item_id
            else ""
        ),
        inject.situation.code if inject.situation_id else "",  # type: ignore[union-attr]
        inject.from_org,
        _recipient_code(inject),
        labels["method"].get(inject.method) or str(inject.get_method_display()),
        inject.content,
        inject.expected_action,
        inject.objective,
        inject.controller.code if inject.controller_id else "",  # type: ignore[union-attr]
        labels["classification"].get(inject.classification)
        or str(inject.get_classification_display()),
        inject.notes,
        labels["status"].get(inject.status) or str(inject.get_status_display()),
    ]


def _labels() -> dict[str, dict[Any, str]]:
    """Choice labels in the active language, translated once for the whole export."""
    fields = {f: Inject._meta.get_field(f) for f in ("method", "classification", "status")}
    return {
        name: {value: str(label) for value, label in field.flatchoices}  # type: ignore[union-attr]
        for name, field in fields.items()
    }


def _recipient_code(inject: Inject) -> str:
    if inject.to_unit_id:
        return inject.to_unit.code  # type: ignore[union-attr]
    if inject.to_agency_id:
        return inject.to_agency.code  # type: ignore[union-attr]
    return inject.to_text


def msel_export(*, exercise: Any, injects: Sequence[Inject], actor: Any) -> bytes:
    """The MSEL as an .xlsx workbook marked as its most classified row; the import reads it back."""
    level = marking_of([exercise.classification, *(i.classification for i in injects)])
    marking = str(Classification(level).label).upper() if level else ""
    headers = [c.header for c in columns()] + [_("Trạng thái")]
    widths = [8, 14, 18, 10, 10, 12, 24, 18, 14, 60, 40, 30, 16, 10, 20, 12]
    labels = _labels()
    data = xl.table_xlsx(
        sheet_title=SHEET_NAME,
        headers=headers,
        rows=(_export_row(i, labels) for i in injects),
        title=_("Kịch bản chi tiết (MSEL) - %(exercise)s") % {"exercise": exercise},
        marking=marking,
        widths=widths,
    )
    log_classified_reads(actor, injects, AccessLog.Action.EXPORT)
    return data


# --- import: the sheet's headers ---------------------------------------------------------------


def sheet_headers(data: bytes) -> list[str]:
    """The header row of the first sheet: the row among the first ten with most text cells."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        name = workbook.sheet_names[0]
        cells = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:
        raise xl.SpreadsheetRejectedError(
            _("Không đọc được tệp .xlsx (tệp hỏng hoặc không phải bảng tính)."), code="corrupt"
        ) from exc
    best: list[str] = []
    for raw in cells[: xl.HEADER_SEARCH_ROWS]:
        texts = [xl.parse_text(c) for c in raw if isinstance(c, str) and c.strip()]
        if len(texts) > len(best):
            best = texts
    if len(best) < 2:
        raise xl.SpreadsheetRejectedError(
            _("Trang tính đầu tiên không có dòng tiêu đề (cần ít nhất hai cột có tên)."),
            code="no_header",
        )
    seen: list[str] = []
    for header in best:
        if header not in seen:
            seen.append(header)
    return seen


def propose_mapping(headers: Sequence[str]) -> dict[str, str]:
    """Header -> our field key, for the headers whose name we recognise."""
    proposed: dict[str, str] = {}
    used: set[str] = set()
    for header in headers:
        key = xl._header_key(header)
        for column in columns():
            if column.key not in used and column.matches(key):
                proposed[header] = column.key
                used.add(column.key)
                break
    return proposed


def mapped_columns(mapping: Mapping[str, str]) -> tuple[xl.Column, ...]:
    """The mapped fields, each known by the user's header (and only by that)."""
    known = {c.key: c for c in columns()}
    unknown = set(mapping) - set(known)
    if unknown:
        raise ValidationError(_("Ghép cột không hợp lệ: %(keys)s.") % {"keys": ", ".join(unknown)})
    return tuple(
        xl.Column(key, header, required=known[key].required) for key, header in mapping.items()
    )


def missing_required(mapping: Mapping[str, str]) -> list[str]:
    return [c.header for c in columns() if c.required and c.key not in mapping]


# --- import: rows ------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    errors: list[xl.SheetError] = field(default_factory=list)
    applied: bool = False

    @property
    def rows(self) -> int:
        return len(self.created) + len(self.updated)


def parse_datetime(value: Any) -> dt.datetime | None:
    if xl.is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time(0, 0))
    else:
        text = xl.parse_text(value)
        for pattern in ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %Hh%M", "%Y-%m-%d %H:%M"):
            try:
                moment = dt.datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        else:
            raise xl.CellError(
                _("Thời điểm “%(value)s” không hợp lệ: hãy ghi dd/mm/yyyy hh:mm.") % {"value": text}
            )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment


class _Lookups:
    """The exercise's phases, contents, situations and the user's agencies, units, people: one
    query each, so a long sheet costs no more queries than a short one."""

    def __init__(self, user: Any, exercise: Any) -> None:
        from kvpt.exercises.selectors import content_list, phase_list
        from kvpt.organisations.selectors import agency_list, person_list, unit_list
        from kvpt.scenario.selectors import situation_list

        self.phases = {p.order: p for p in phase_list(user).filter(exercise=exercise)}
        self.contents = {
            f"{c.phase.order}.{c.order}": c
            for c in content_list(user).filter(phase__exercise=exercise)
        }
        self.situations = {
            s.code.casefold(): s for s in situation_list(user).filter(exercise=exercise)
        }
        self.units = {u.code.casefold(): u for u in unit_list(user)}
        self.agencies = {a.code.casefold(): a for a in agency_list(user)}
        self.people = {p.code.casefold(): p for p in person_list(user) if p.code}
        self.existing = {
            i.serial: i
            for i in Inject.objects.filter(exercise=exercise).select_related("exercise__area")
        }


def _row_changes(reader: xl.RowReader, lookups: _Lookups) -> dict[str, Any]:
    changes: dict[str, Any] = {}

    def text(key: str, multiline: bool = False, max_length: int | None = None) -> None:
        if reader.has(key):
            changes[key] = reader.get(
                key, lambda v: xl.parse_text(v, multiline=multiline, max_length=max_length), ""
            )

    text("scenario_time", max_length=40)
    text("from_org", max_length=255)
    text("content", multiline=True)
    text("expected_action", multiline=True)
    text("objective", max_length=400)
    text("notes", multiline=True)
    if reader.has("scheduled_at"):
        changes["scheduled_at"] = reader.get("scheduled_at", parse_datetime)
    if reader.has("method"):
        method = reader.get("method", lambda v: xl.parse_choice(v, DeliveryMethod.choices))
        if method:
            changes["method"] = method
    if reader.has("classification"):
        level = reader.get("classification", lambda v: xl.parse_choice(v, Classification.choices))
        if level is not None:
            changes["classification"] = int(level)
    if reader.has("phase"):
        order = reader.get("phase", lambda v: xl.parse_int(v, minimum=1))
        if order is not None and order not in lookups.phases:
            reader.error("phase", _("Không có giai đoạn %(n)s.") % {"n": order})
        changes["phase"] = lookups.phases.get(order) if order else None
    if reader.has("content_item"):
        code = reader.get("content_item", xl.parse_text) or ""
        item = lookups.contents.get(code.replace(",", "."))
        if code and item is None:
            reader.error("content_item", _("Không có nội dung “%(code)s”.") % {"code": code})
        changes["content_item"] = item
        if item is not None and not changes.get("phase"):
            changes["phase"] = item.phase
    if reader.has("situation"):
        code = reader.get("situation", xl.parse_text) or ""
        situation = lookups.situations.get(code.casefold())
        if code and situation is None:
            reader.error("situation", _("Không có tình huống mã “%(code)s”.") % {"code": code})
        changes["situation"] = situation
    if reader.has("to"):
        recipient = reader.get("to", lambda v: xl.parse_text(v, max_length=255)) or ""
        key = recipient.casefold()
        changes["to_unit"] = lookups.units.get(key)
        changes["to_agency"] = None if changes["to_unit"] else lookups.agencies.get(key)
        changes["to_text"] = "" if changes["to_unit"] or changes["to_agency"] else recipient
    if reader.has("controller"):
        code = reader.get("controller", xl.parse_text) or ""
        person = lookups.people.get(code.casefold())
        if code and person is None:
            reader.error("controller", _("Không có cán bộ mã “%(code)s”.") % {"code": code})
        changes["controller"] = person
    return changes


def msel_import(
    *, exercise: Any, data: bytes, mapping: Mapping[str, str], dry_run: bool, actor: Any
) -> ImportResult:
    """Check (dry run) or write the sheet's rows; nothing is written unless every row passes."""
    from kvpt.scenario.services import CHANGE, inject_create, inject_update

    if not actor.has_perm(CHANGE, Inject(exercise=exercise)):
        raise PermissionDenied(_("Bạn không có quyền nhập kịch bản cho cuộc diễn tập này."))
    result = ImportResult()
    errors = xl.SheetErrors()
    cols = mapped_columns(mapping)
    missing = missing_required(mapping)
    if missing:
        result.errors = [
            xl.SheetError("", None, header, _("Chưa ghép cột nào với trường bắt buộc này."))
            for header in missing
        ]
        return result
    table = xl.read_table(data, cols, errors)
    if table is None:
        result.errors = list(errors)
        return result
    if not table.rows:
        result.errors = [
            xl.SheetError(table.sheet, None, "", _("Trang tính không có dòng dữ liệu nào."))
        ]
        return result
    headers = {c.key: c.header for c in cols}
    lookups = _Lookups(actor, exercise)
    seen: dict[int, int] = {}
    with transaction.atomic():
        for row in table.rows:
            reader = xl.RowReader(table, row, cols, errors)
            serial = reader.get("serial", lambda v: xl.parse_int(v, minimum=1))
            if serial is None and not reader.failed:
                reader.error("serial", _("Thiếu số thứ tự."))
            if serial is not None and serial in seen:
                reader.error(
                    "serial",
                    _("Số thứ tự %(serial)s lặp lại (đã có ở dòng %(row)s).")
                    % {"serial": serial, "row": seen[serial]},
                )
            changes = _row_changes(reader, lookups)
            if reader.failed or serial is None:
                continue
            seen[serial] = row.number
            existing = lookups.existing.get(serial)
            try:
                with transaction.atomic():
                    if existing is None:
                        changes.setdefault("content", "")
                        inject_create(exercise=exercise, serial=serial, **changes, actor=actor)
                        result.created.append(serial)
                    else:
                        if existing.status not in OPEN_STATUSES:
                            reader.error(
                                "serial",
                                _("Sự kiện %(serial)s đã phát: không sửa qua tệp được.")
                                % {"serial": serial},
                            )
                            continue
                        inject_update(
                            inject=existing, changes=changes, expected_version=None, actor=actor
                        )
                        result.updated.append(serial)
            except ValidationError as exc:
                for key, messages in _error_items(exc):
                    column = {"to_agency": "to", "to_unit": "to", "to_text": "to"}.get(key, key)
                    reader.error(column if column in headers else "", " ".join(messages))
            except PermissionDenied as exc:
                reader.error("", str(exc))
        result.errors = list(errors)
        if dry_run or result.errors:
            transaction.set_rollback(True)
        else:
            result.applied = True
    return result


def _error_items(exc: ValidationError) -> list[tuple[str, list[str]]]:
    if hasattr(exc, "error_dict"):
        return [(k, [str(m) for e in v for m in e.messages]) for k, v in exc.error_dict.items()]
    return [("", [str(m) for m in exc.messages])]
