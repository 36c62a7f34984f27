"""Excel export and import of an exercise's preparation tasks (built on kvpt.core.spreadsheets).

The export writes the columns the import reads, so a file exported, edited and imported again
changes only what was edited. The import checks every row first and reports every problem with its
sheet, row and column; only a file without any problem is written, in one transaction, with the
same rules as `task_create` / `task_update` (permission per row, subcommittee of the exercise,
marking, no dependency cycle) and the exercise's revision raised once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as noop

from kvpt.core import spreadsheets as xl
from kvpt.core.models import AccessLog, Classification
from kvpt.core.scope import get_scope
from kvpt.core.services import bump_revision, ensure_exercise_open, normalise_fields, set_actor
from kvpt.core.views_helpers import log_classified_reads, marking_of
from kvpt.preparation.models import Task, TaskCategory, TaskStatus
from kvpt.preparation.services.tasks import (
    PERM,
    apply_status_rules,
    can_add_tasks,
    cycle_message,
    dependency_edges,
    find_cycle,
    save_row,
)

# --- Excel: columns ----------------------------------------------------------------------------

SHEET_NAME = "Cong viec"

COLUMNS: tuple[xl.Column, ...] = (
    xl.Column("code", noop("Mã công việc"), required=True),
    xl.Column("title", noop("Nội dung công việc"), required=True),
    xl.Column("subcommittee", noop("Mã tiểu ban")),
    xl.Column("category", noop("Lĩnh vực"), required=True),
    xl.Column("owner", noop("Mã cơ quan chủ trì")),
    xl.Column("assignee", noop("Mã người thực hiện")),
    xl.Column("start", noop("Ngày bắt đầu")),
    xl.Column("due", noop("Hạn hoàn thành")),
    xl.Column("status", noop("Trạng thái")),
    xl.Column("progress", noop("Tiến độ (%)")),
    xl.Column("completed_on", noop("Ngày hoàn thành")),
    xl.Column("depends_on", noop("Phụ thuộc (mã công việc)")),
    xl.Column("classification", noop("Độ mật")),
    xl.Column("notes", noop("Ghi chú")),
)


def columns() -> tuple[xl.Column, ...]:
    """The import's columns with headers in the active language (the export writes the same)."""
    return tuple(
        xl.Column(c.key, _(c.header), required=c.required, aliases=(c.header,)) for c in COLUMNS
    )


# Read-only columns the export adds beside the codes, for people; the import ignores them.
NAME_COLUMNS = {
    "subcommittee": gettext_lazy("Tên tiểu ban"),
    "owner": gettext_lazy("Cơ quan chủ trì"),
    "assignee": gettext_lazy("Người thực hiện"),
}


def _export_header() -> list[tuple[str, str]]:
    """(key, header) in the export's order: each code column followed by its name column."""
    result: list[tuple[str, str]] = []
    for column in columns():
        result.append((column.key, column.header))
        if column.key in NAME_COLUMNS:
            result.append((f"{column.key}_name", str(NAME_COLUMNS[column.key])))
    return result


def _export_value(task: Task, key: str, dependencies: Sequence[Task]) -> Any:
    match key:
        case "subcommittee":
            return task.subcommittee.code if task.subcommittee else ""
        case "subcommittee_name":
            return task.subcommittee.name if task.subcommittee else ""
        case "owner":
            return task.owner.code if task.owner else ""
        case "owner_name":
            return task.owner.name if task.owner else ""
        case "assignee":
            return task.assignee.code if task.assignee else ""
        case "assignee_name":
            return task.assignee.full_name if task.assignee else ""
        case "category":
            return str(task.get_category_display())
        case "status":
            return str(task.get_status_display())
        case "classification":
            return str(task.get_classification_display())
        case "depends_on":
            return ", ".join(d.code for d in dependencies)
        case _:
            value = getattr(task, key)
            return "" if value is None else value


def _export_rows(tasks: Sequence[Task], header: list[tuple[str, str]]) -> Iterable[list[Any]]:
    """`_export_value` for every cell, with the choice labels translated once, not once a row."""
    labels: dict[str, dict[Any, str]] = {
        "category": {v: str(label) for v, label in TaskCategory.choices},
        "status": {v: str(label) for v, label in TaskStatus.choices},
        "classification": {v: str(label) for v, label in Classification.choices},
    }
    keys = [key for key, _h in header]
    plain = {"code", "title", "start", "due", "progress", "completed_on", "notes"}
    for task in tasks:
        dependencies = list(task.depends_on.all())  # prefetched: the ones the reader may see
        row: list[Any] = []
        for key in keys:
            if key in plain:
                value = getattr(task, key)
                row.append("" if value is None else value)
            elif key in labels:
                value = getattr(task, key)
                row.append(labels[key].get(value) or _export_value(task, key, dependencies))
            else:
                row.append(_export_value(task, key, dependencies))
        yield row


def task_export(*, exercise: Any, tasks: Sequence[Task], actor: Any) -> bytes:
    """The tasks as an .xlsx workbook, marked as its most classified row; classified rows'
    export is logged."""
    header = _export_header()
    level = marking_of([exercise.classification, *(t.classification for t in tasks)])
    marking = str(Classification(level).label).upper() if level else ""
    widths = [
        14 if key in {"code", "subcommittee", "owner", "assignee"} else 18 for key, _h in header
    ]
    widths[1] = 50
    data = xl.table_xlsx(
        sheet_title=SHEET_NAME,
        headers=[h for _k, h in header],
        rows=_export_rows(tasks, header),
        title=_("Công việc chuẩn bị - %(exercise)s") % {"exercise": exercise},
        marking=marking,
        widths=widths,
    )
    log_classified_reads(actor, tasks, AccessLog.Action.EXPORT)
    return data


# --- Excel: import -----------------------------------------------------------------------------


@dataclass
class RowChange:
    """What one row of the file does: create a task, change some fields, or nothing."""

    row: int
    code: str
    action: str  # "create" | "update" | "unchanged"
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (column, old, new)


@dataclass
class ImportResult:
    dry_run: bool
    sheet: str = ""
    rows: list[RowChange] = field(default_factory=list)
    errors: list[xl.SheetError] = field(default_factory=list)
    applied: bool = False

    @property
    def created(self) -> list[RowChange]:
        return [r for r in self.rows if r.action == "create"]

    @property
    def updated(self) -> list[RowChange]:
        return [r for r in self.rows if r.action == "update"]

    @property
    def unchanged(self) -> list[RowChange]:
        return [r for r in self.rows if r.action == "unchanged"]


# The fields a row sets, in the columns' order, and how a value reads in the preview.
_COMPARED = (
    "title",
    "subcommittee",
    "category",
    "owner",
    "assignee",
    "start",
    "due",
    "status",
    "progress",
    "completed_on",
    "classification",
    "notes",
)


def _shown(task: Task, name: str) -> str:
    value = getattr(task, name)
    if value is None or value == "":
        return ""
    if name in {"subcommittee", "owner", "assignee"}:
        return str(value.code)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if name in {"category", "status", "classification"}:
        return str(getattr(task, f"get_{name}_display")())
    return str(value)


@dataclass
class _Planned:
    row: xl.Row
    task: Task
    is_new: bool
    before: dict[str, str]
    dependency_codes: list[str] | None  # None: the file leaves the dependencies as they are


def can_import_tasks(user: Any, exercise: Any) -> bool:
    return can_add_tasks(user, exercise)


def task_import(*, exercise: Any, data: bytes, dry_run: bool, actor: Any) -> ImportResult:
    """Create and update an exercise's tasks from an .xlsx file, matched by task code.

    Everything is checked first and every problem reported with its sheet, row and column; if
    there is any, nothing is written. A dry run stops there and says what would change. A real
    import writes every row in one transaction and raises the exercise's revision once.
    """
    if not can_import_tasks(actor, exercise):
        raise PermissionDenied(_("Bạn không có quyền nhập công việc cho cuộc diễn tập này."))
    result = ImportResult(dry_run=dry_run)
    errors = xl.SheetErrors()
    try:
        xl.check_xlsx_bytes(data)
        table = xl.read_table(data, columns(), errors)
    except xl.SpreadsheetRejectedError as exc:
        result.errors = [xl.SheetError("", None, "", exc.messages[0])]
        return result
    if table is None:
        result.errors = list(errors)
        return result
    result.sheet = table.sheet
    with transaction.atomic():
        if not dry_run:
            ensure_exercise_open(exercise.pk)
        planned = _plan(exercise, table, errors, actor, lock=not dry_run)
        result.rows = [_describe(p) for p in planned]
        result.errors = list(errors)
        if errors or dry_run:
            return result
        _write(exercise, planned, result.rows, actor)
        result.applied = True
    return result


def _plan(
    exercise: Any, table: xl.Table, errors: xl.SheetErrors, actor: Any, *, lock: bool
) -> list[_Planned]:
    from kvpt.preparation.selectors import task_list
    from kvpt.preparation.selectors.tasks import (
        exercise_subcommittees,
        task_assignee_choices,
        task_owner_choices,
    )

    cols = columns()
    headers = {c.key: c.header for c in cols}
    stored_qs = Task.objects.filter(exercise_id=exercise.pk).select_related(
        "subcommittee", "owner", "assignee"
    )
    if lock:
        stored_qs = stored_qs.select_for_update(of=("self",))
    stored = {t.code.casefold(): t for t in stored_qs}
    visible_ids = set(task_list(actor).filter(exercise_id=exercise.pk).values_list("pk", flat=True))
    edges = dependency_edges(exercise.pk)

    def lookup(key: str, queryset: Any) -> dict[str, Any]:
        wanted = {
            xl.parse_text(r.values.get(key))
            for r in table.rows
            if not xl.is_blank(r.values.get(key))
        }
        if not wanted:
            return {}
        return {o.code: o for o in queryset.filter(code__in=wanted)}

    subcommittees = lookup("subcommittee", exercise_subcommittees(exercise.pk))
    owners = lookup("owner", task_owner_choices(actor, exercise))
    people = lookup("assignee", task_assignee_choices(actor, exercise))
    clearance = get_scope(actor).clearance
    floor = int(exercise.classification)
    seen: dict[str, int] = {}
    planned: list[_Planned] = []

    for row in table.rows:
        reader = xl.RowReader(table, row, cols, errors)
        code = reader.get("code", lambda v: xl.parse_text(v, max_length=40), "")
        if not code:
            if not reader.failed:
                reader.error("code", _("Thiếu mã công việc."))
            continue
        if code.casefold() in seen:
            reader.error(
                "code",
                _("Mã “%(code)s” bị lặp: đã có ở dòng %(row)s của tệp.")
                % {"code": code, "row": seen[code.casefold()]},
            )
            continue
        seen[code.casefold()] = row.number
        existing = stored.get(code.casefold())
        if existing is not None and existing.pk not in visible_ids:
            reader.error(
                "code", _("Mã “%(code)s” đã được dùng; hãy chọn mã khác.") % {"code": code}
            )
            continue
        is_new = existing is None
        if existing is None:
            task, before = Task(exercise=exercise, code=code), {}
        elif not actor.has_perm(PERM, existing):
            reader.error(
                "code",
                _("Bạn không có quyền sửa công việc “%(code)s”.") % {"code": existing.code},
            )
            continue
        else:
            task, before = _copy(existing), {n: _shown(existing, n) for n in _COMPARED}
        _read_fields(reader, task, is_new, subcommittees, owners, people)
        dependency_codes = (
            reader.get("depends_on", xl.parse_codes, []) if reader.has("depends_on") else None
        )
        # Marking: never below the exercise's, never above the actor's clearance, and never
        # quietly lowered by a file that was exported before the task was marked higher.
        if is_new and not (
            reader.has("classification") and not xl.is_blank(reader.raw("classification"))
        ):
            task.classification = floor
        if int(task.classification) < floor:
            reader.error(
                "classification",
                _("Độ mật không được thấp hơn độ mật của cuộc diễn tập (%(level)s).")
                % {"level": Classification(floor).label},
            )
        elif int(task.classification) > clearance:
            reader.error(
                "classification",
                _("Bạn không được đặt độ mật cao hơn mức mình được tiếp cận."),
            )
        elif existing is not None and int(task.classification) < int(existing.classification):
            reader.error(
                "classification",
                _(
                    "Độ mật trong tệp (%(new)s) thấp hơn độ mật hiện tại của công việc "
                    "(%(old)s): tệp có thể đã cũ. Muốn hạ độ mật, hãy sửa trên trang công việc."
                )
                % {
                    "new": Classification(int(task.classification)).label,
                    "old": Classification(int(existing.classification)).label,
                },
            )
        if not actor.has_perm(PERM, task):
            reader.error(
                "subcommittee",
                _("Bạn chỉ được nhập công việc của tiểu ban mình tham gia."),
            )
        if task.start and task.due and task.due < task.start:
            reader.error("due", _("Hạn hoàn thành không được trước ngày bắt đầu."))
        if task.status != TaskStatus.DONE and reader.has("completed_on") and task.completed_on:
            reader.error(
                "completed_on",
                _("Chỉ ghi ngày hoàn thành cho công việc ở trạng thái “Hoàn thành”."),
            )
        if not reader.failed:
            apply_status_rules(task)
            _model_errors(reader, task, headers)
        if reader.failed:
            continue
        planned.append(_Planned(row, task, is_new, before, dependency_codes))

    _check_planned_dependencies(table, planned, stored, edges, errors, headers)
    return planned


def _copy(task: Task) -> Task:
    import copy

    clone = copy.copy(task)
    clone._state = copy.copy(task._state)
    return clone


def _read_fields(
    reader: xl.RowReader,
    task: Task,
    is_new: bool,
    subcommittees: Mapping[str, Any],
    owners: Mapping[str, Any],
    people: Mapping[str, Any],
) -> None:
    """Set the task's fields from the row's cells; an absent column leaves a field as it is."""
    title = reader.get("title", lambda v: xl.parse_text(v, max_length=400), None)
    if title is not None:
        if not title and not reader.failed:
            reader.error("title", _("Thiếu nội dung công việc."))
        task.title = title
    category = reader.get("category", lambda v: xl.parse_choice(v, TaskCategory.choices), None)
    if category:
        task.category = category
    elif reader.has("category") and not reader.failed:
        reader.error("category", _("Thiếu lĩnh vực."))
    refs: tuple[tuple[str, Mapping[str, Any], Any], ...] = (
        ("subcommittee", subcommittees, _("Không có tiểu ban mã “%(code)s” trong cuộc diễn tập.")),
        ("owner", owners, _("Không tìm thấy cơ quan, đơn vị mã “%(code)s” trong phạm vi của bạn.")),
        ("assignee", people, _("Không tìm thấy người mã “%(code)s” trong phạm vi của bạn.")),
    )
    for key, found, message in refs:
        if not reader.has(key):
            continue
        ref_code = reader.get(key, xl.parse_text, "")
        present = getattr(task, key)
        if not ref_code:
            setattr(task, key, None)
        elif present is not None and present.code == ref_code:
            pass  # named by someone with a wider scope, perhaps: it stays as it is
        elif ref_code in found:
            setattr(task, key, found[ref_code])
        else:
            reader.error(key, message % {"code": ref_code})
    for key in ("start", "due", "completed_on"):
        if reader.has(key):
            setattr(task, key, reader.get(key, xl.parse_date, getattr(task, key)))
    if reader.has("status"):
        status = reader.get("status", lambda v: xl.parse_choice(v, TaskStatus.choices), None)
        task.status = status or (TaskStatus.TODO if is_new else task.status)
    if reader.has("progress"):
        progress = reader.get("progress", xl.parse_percent, None)
        task.progress = 0 if progress is None else progress
    if reader.has("classification"):
        level = reader.get(
            "classification", lambda v: xl.parse_choice(v, Classification.choices), None
        )
        if level is not None:
            task.classification = int(level)
    if reader.has("notes"):
        task.notes = reader.get("notes", lambda v: xl.parse_text(v, multiline=True), task.notes)


_FIELD_COLUMNS = {
    "code": "code",
    "title": "title",
    "category": "category",
    "start": "start",
    "due": "due",
    "progress": "progress",
    "status": "status",
    "classification": "classification",
    "notes": "notes",
    "completed_on": "completed_on",
}


def _model_errors(reader: xl.RowReader, task: Task, headers: Mapping[str, str]) -> None:
    """The model's own checks (lengths, choices, constraints), each put on its column."""
    normalise_fields(task)
    try:
        task.full_clean(
            exclude=["exercise", "subcommittee", "owner", "assignee"], validate_unique=False
        )
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            key = _FIELD_COLUMNS.get(name, "")
            for message in messages:
                reader.error(key or "code", message)


def _check_planned_dependencies(
    table: xl.Table,
    planned: list[_Planned],
    stored: Mapping[str, Task],
    edges: dict[str, set[str]],
    errors: xl.SheetErrors,
    headers: Mapping[str, str],
) -> None:
    """Every dependency code names a task of the exercise or of the file; no cycle results."""
    known = {t.code.casefold(): t.code for t in stored.values()}
    known |= {p.task.code.casefold(): p.task.code for p in planned}
    column = headers["depends_on"]
    broken: set[int] = set()
    for item in planned:
        if item.dependency_codes is None:
            continue
        resolved: list[str] = []
        for code in item.dependency_codes:
            target = known.get(code.casefold())
            if target is None:
                errors.add(
                    table.sheet,
                    item.row.number,
                    column,
                    _("Không có công việc mã “%(code)s” (trong cuộc diễn tập hay trong tệp).")
                    % {"code": code},
                )
                broken.add(item.row.number)
            elif target == item.task.code:
                errors.add(
                    table.sheet,
                    item.row.number,
                    column,
                    _("Một công việc không thể phụ thuộc vào chính nó."),
                )
                broken.add(item.row.number)
            else:
                resolved.append(target)
        item.dependency_codes = resolved
        edges[item.task.code] = set(resolved)
    if broken:
        return
    reported: set[str] = set()
    for item in planned:
        if item.dependency_codes is None or item.task.code in reported:
            continue
        cycle = find_cycle(edges, start=item.task.code)
        if cycle and item.task.code in cycle:
            reported.update(cycle)
            errors.add(table.sheet, item.row.number, column, cycle_message(cycle))


def _describe(item: _Planned) -> RowChange:
    """What the row does, field by field: (column, value now, value after the import)."""
    labels = {c.key: c.header for c in columns()}
    before = item.before if not item.is_new else dict.fromkeys(_COMPARED, "")
    changes = [
        (labels[name], before[name], _shown(item.task, name))
        for name in _COMPARED
        if before[name] != _shown(item.task, name)
    ]
    if item.dependency_codes is not None:
        old = "" if item.is_new else ", ".join(sorted(d.code for d in item.task.depends_on.all()))
        new = ", ".join(sorted(item.dependency_codes))
        if old != new:
            changes.append((labels["depends_on"], old, new))
    if item.is_new:
        return RowChange(item.row.number, item.task.code, "create", changes)
    return RowChange(item.row.number, item.task.code, "update" if changes else "unchanged", changes)


def _write(exercise: Any, planned: list[_Planned], rows: list[RowChange], actor: Any) -> None:
    """Save the rows that change, then their dependencies; the revision rises once, if at all."""
    written = False
    for item, change in zip(planned, rows, strict=True):
        if change.action != "unchanged":
            save_row(item.task, actor, new=item.is_new)
            written = True
    stored = {t.code.casefold(): t for t in Task.objects.filter(exercise_id=exercise.pk)}
    for item in planned:
        if item.dependency_codes is None:
            continue
        wanted = [stored[c.casefold()] for c in item.dependency_codes]
        current = {d.pk for d in item.task.depends_on.all()}
        if current != {t.pk for t in wanted}:
            set_actor(item.task, actor)
            item.task.depends_on.set(wanted)
            written = True
    if written:
        bump_revision(exercise.pk)
