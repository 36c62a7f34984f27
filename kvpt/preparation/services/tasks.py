"""Writes to preparation tasks: add, edit, delete and bulk edit (the Excel import: task_sheets).

Every function is the last line of defence. The actor must hold "preparation.change_record" on
the task: editors of the exercise on any task, a subcommittee member only on the tasks of a
subcommittee they sit on (checked on the stored task and again on the changed one, so nobody
moves a task to a subcommittee they do not sit on). A task's subcommittee and dependencies belong
to its exercise; its marking is never below the exercise's nor above the actor's clearance; a
dependency cycle is refused with the cycle named. Marking a task done sets its progress to 100%
and the day it was completed.

Bulk edits (and imports, kvpt.preparation.services.task_sheets) write many rows in one
transaction, all or nothing, and raise the exercise's revision once.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kvpt.core import writes
from kvpt.core.models import Classification
from kvpt.core.permissions import require_perm
from kvpt.core.services import (
    ConcurrentEditError,
    bump_revision,
    ensure_exercise_open,
    normalise_fields,
    set_actor,
)
from kvpt.exercises.models import CommitteeKind
from kvpt.preparation.models import Task, TaskStatus

PERM = "preparation.change_record"

# The fields `task_update` accepts in `changes`; the form edits the same, in this order.
TASK_FIELDS = (
    "code",
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
    "depends_on",
    "classification",
    "notes",
)
# What one bulk edit may set on many tasks at once.
BULK_FIELDS = ("status", "progress", "assignee", "subcommittee", "due")


def _today() -> dt.date:
    return timezone.localdate()


# --- rules every write shares ------------------------------------------------------------------


def apply_status_rules(task: Task, *, today: dt.date | None = None) -> None:
    """Done means 100% and a completion day (today unless given); not done means no such day."""
    if task.status == TaskStatus.DONE:
        task.progress = 100
        if task.completed_on is None:
            task.completed_on = today or _today()
    else:
        task.completed_on = None


def can_add_tasks(user: Any, exercise: Any) -> bool:
    """An editor of the exercise, or a member sitting on one of its subcommittees."""
    from kvpt.preparation.selectors.tasks import task_edit_scope

    return task_edit_scope(user, exercise).anything


def _check_subcommittee(task: Task) -> None:
    committee = task.subcommittee
    if committee is None:
        return
    if committee.exercise_id != task.exercise_id or committee.kind != CommitteeKind.SUBCOMMITTEE:
        raise ValidationError(
            {"subcommittee": _("Hãy chọn một tiểu ban của chính cuộc diễn tập này.")}
        )


def _check_classification(task: Task, actor: Any) -> None:
    floor = int(task.exercise.classification)
    if int(task.classification) < floor:
        raise ValidationError(
            {
                "classification": _(
                    "Độ mật của công việc không được thấp hơn độ mật của cuộc diễn tập (%(level)s)."
                )
                % {"level": Classification(floor).label}
            }
        )
    writes.check_clearance(actor, task.classification)


def _check_references(task: Task, actor: Any, stored: Task | None = None) -> None:
    """A newly named owner or assignee must be one the actor may pick; one already on the stored
    task stays (someone with a wider scope may have named it)."""
    from kvpt.preparation.selectors.tasks import task_assignee_choices, task_owner_choices

    if task.owner_id and (stored is None or stored.owner_id != task.owner_id):
        writes.require_visible(
            task_owner_choices(actor, task.exercise),
            task.owner,
            "owner",
            _("Không tìm thấy cơ quan, đơn vị này trong phạm vi của bạn."),
        )
    if task.assignee_id and (stored is None or stored.assignee_id != task.assignee_id):
        writes.require_visible(
            task_assignee_choices(actor, task.exercise),
            task.assignee,
            "assignee",
            _("Không tìm thấy người này trong phạm vi của bạn."),
        )


def dependency_edges(exercise_id: int) -> dict[str, set[str]]:
    """Task code -> the codes it depends on, for a whole exercise, in one query."""
    through = Task.depends_on.through
    edges: dict[str, set[str]] = {}
    pairs = through.objects.filter(from_task__exercise_id=exercise_id).values_list(
        "from_task__code", "to_task__code"
    )
    for source, target in pairs:
        edges.setdefault(source, set()).add(target)
    return edges


def find_cycle(edges: Mapping[str, Iterable[str]], start: str | None = None) -> list[str] | None:
    """A dependency cycle as a path that returns to its start ("CV-03", "CV-07", "CV-03"), or None.

    The search begins from `start` when given, so the cycle is told from the task being edited.
    """
    white, grey, black = 0, 1, 2
    colour: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        colour[node] = grey
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            state = colour.get(nxt, white)
            if state == grey:
                return [*stack[stack.index(nxt) :], nxt]
            if state == white and (found := visit(nxt)):
                return found
        stack.pop()
        colour[node] = black
        return None

    nodes = ([start] if start else []) + sorted(edges)
    for node in nodes:
        if colour.get(node, white) == white and (found := visit(node)):
            return found
    return None


def cycle_message(cycle: Sequence[str]) -> str:
    return _(
        "Phụ thuộc vòng tròn: %(cycle)s. Một công việc không thể (trực tiếp hay gián tiếp) phụ "
        "thuộc vào chính nó."
    ) % {"cycle": " -> ".join(cycle)}


def _check_dependencies(task: Task, depends_on: Collection[Task]) -> None:
    for other in depends_on:
        if other.exercise_id != task.exercise_id:
            raise ValidationError(
                {"depends_on": _("Chỉ phụ thuộc vào công việc của cùng cuộc diễn tập.")}
            )
        if task.pk is not None and other.pk == task.pk:
            raise ValidationError(
                {"depends_on": _("Một công việc không thể phụ thuộc vào chính nó.")}
            )
    if task.pk is None or not depends_on:
        return  # a new task has nothing depending on it yet, so it closes no cycle
    edges = dependency_edges(task.exercise_id)
    stored_code = Task.objects.filter(pk=task.pk).values_list("code", flat=True).first()
    if stored_code and stored_code != task.code:
        # The edit renames the task: its edges move to the new code.
        edges = {
            (task.code if k == stored_code else k): {
                task.code if v == stored_code else v for v in vs
            }
            for k, vs in edges.items()
        }
    edges[task.code] = {other.code for other in depends_on}
    cycle = find_cycle(edges, start=task.code)
    if cycle:
        raise ValidationError({"depends_on": cycle_message(cycle)})


def _validate(
    task: Task, actor: Any, depends_on: Collection[Task] | None, stored: Task | None = None
) -> None:
    _check_subcommittee(task)
    _check_classification(task, actor)
    _check_references(task, actor, stored)
    if depends_on is not None:
        _check_dependencies(task, depends_on)
    apply_status_rules(task)


# --- one task ----------------------------------------------------------------------------------


def task_create(
    *,
    exercise: Any,
    code: str,
    title: str,
    category: str,
    subcommittee: Any = None,
    owner: Any = None,
    assignee: Any = None,
    start: dt.date | None = None,
    due: dt.date | None = None,
    status: str = TaskStatus.TODO,
    progress: int | None = 0,
    completed_on: dt.date | None = None,
    depends_on: Iterable[Task] = (),
    classification: int | None = None,
    notes: str = "",
    actor: Any,
) -> Task:
    """Add a task to an exercise (an editor's, or a member's for their own subcommittee)."""
    dependencies = list(depends_on)
    task = Task(
        exercise=exercise,
        code=code,
        title=title,
        category=category,
        subcommittee=subcommittee,
        owner=owner,
        assignee=assignee,
        start=start,
        due=due,
        status=status or TaskStatus.TODO,
        progress=progress or 0,
        completed_on=completed_on,
        classification=(exercise.classification if classification is None else int(classification)),
        notes=notes or "",
    )
    with transaction.atomic():
        require_perm(actor, PERM, task)
        _validate(task, actor, dependencies)
        writes.check_code_unique(Task, task.code, None, within={"exercise": exercise})
        writes.insert(task, actor=actor)
        if dependencies:
            task.depends_on.set(dependencies)
    return task


def task_update(
    *, task: Task, changes: Mapping[str, Any], expected_version: int | None, actor: Any
) -> Task:
    """Change a task; refused when someone saved it since `expected_version` was read."""
    writes.check_fields(changes, TASK_FIELDS)
    changes = dict(changes)
    dependencies = changes.pop("depends_on", None)
    if dependencies is not None:
        dependencies = list(dependencies)
    with transaction.atomic():
        current = writes.current_for_write(
            task,
            expected_version=expected_version,
            require=lambda t: require_perm(actor, PERM, t),
        )
        stored = copy.copy(current)
        writes.apply_changes(current, changes)
        if current.progress is None:
            current.progress = 0
        require_perm(actor, PERM, current)  # again: a member may not move it out of their reach
        _validate(current, actor, dependencies, stored)
        writes.check_code_unique(
            Task, current.code, current.pk, within={"exercise_id": current.exercise_id}
        )
        writes.update(current, expected_version=expected_version, actor=actor)
        if dependencies is not None:
            current.depends_on.set(dependencies)
    return current


def task_delete(*, task: Task, expected_version: int | None, actor: Any) -> None:
    with transaction.atomic():
        current = writes.current_for_write(
            task,
            expected_version=expected_version,
            require=lambda t: require_perm(actor, PERM, t),
        )
        writes.delete(current, actor=actor, what=_("công việc"))


# --- many tasks --------------------------------------------------------------------------------


class StaleTasksError(ConcurrentEditError):
    """Some of the tasks of a bulk edit were saved by someone else since the page was opened."""

    def __init__(self, codes: Sequence[str]) -> None:
        ValidationError.__init__(
            self,
            _(
                "Các công việc sau vừa được người khác sửa sau khi bạn mở trang: %(codes)s. Chưa "
                "lưu thay đổi nào: hãy tải lại trang rồi làm lại."
            )
            % {"codes": ", ".join(codes)},
            code="concurrent_edit",
        )
        self.current_version = 0
        self.codes = list(codes)


def save_row(task: Task, actor: Any, *, new: bool) -> None:
    """Validate and save one row of a bulk write; the caller guards, locks and bumps once."""
    normalise_fields(task)
    task.full_clean()
    task.version = 1 if new else task.version + 1
    set_actor(task, actor)
    task.save()


def task_bulk_update(
    *,
    exercise: Any,
    versions: Mapping[int, int | None],
    changes: Mapping[str, Any],
    actor: Any,
) -> list[Task]:
    """Set the same fields on several tasks: every one permitted and fresh, or none is saved.

    `versions` maps each chosen task's id to the version the page showed; any stale task refuses
    the whole edit and the message names them all.
    """
    from kvpt.preparation.selectors import task_list

    writes.check_fields(changes, BULK_FIELDS)
    if not versions:
        raise ValidationError(_("Chưa chọn công việc nào."))
    if not changes:
        raise ValidationError(_("Chưa chọn thay đổi nào để áp dụng."))
    with transaction.atomic():
        ensure_exercise_open(exercise.pk)
        rows = list(
            task_list(actor)
            .filter(exercise_id=exercise.pk, pk__in=list(versions))
            .select_for_update(of=("self",))
            .order_by("code")
        )
        if len(rows) != len(versions):
            raise ValidationError(
                _("Một số công việc đã chọn không còn tồn tại hoặc bạn không xem được.")
            )
        refused = [t.code for t in rows if not actor.has_perm(PERM, t)]
        if refused:
            raise PermissionDenied(
                _("Bạn không có quyền sửa các công việc: %(codes)s.")
                % {"codes": ", ".join(refused)}
            )
        stale = [t.code for t in rows if versions[t.pk] is not None and versions[t.pk] != t.version]
        if stale:
            raise StaleTasksError(stale)
        problems: list[str] = []
        for task in rows:
            stored = copy.copy(task)
            writes.apply_changes(task, changes)
            try:
                require_perm(actor, PERM, task)
                _validate(task, actor, None, stored)
                save_row(task, actor, new=False)
            except PermissionDenied:
                problems.append(
                    _("%(code)s: bạn không thể chuyển công việc sang tiểu ban này.")
                    % {"code": task.code}
                )
            except ValidationError as exc:
                problems.append(f"{task.code}: {' '.join(exc.messages)}")
        if problems:
            transaction.set_rollback(True)
            raise ValidationError(problems)
        bump_revision(exercise.pk)
    return rows
