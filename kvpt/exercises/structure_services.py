"""Writes to an exercise's structure: phases (giai đoạn), their contents (nội dung), milestones.

Every write checks that the actor sees the exercise (404), holds "exercises.change_structure" on it
(403), that the record was not changed since it was read (ConcurrentEditError, 409), and goes
through kvpt.core.services, which raises the exercise's revision and refuses writes to a closed
exercise. Orders are kept unique within the parent; a move swaps two neighbours in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from kvpt.core import writes
from kvpt.core.permissions import require_perm, roles_on
from kvpt.core.scope import get_scope
from kvpt.core.services import create_versioned, ensure_exercise_open, save_versioned
from kvpt.exercises.models import Content, Exercise, Milestone, MilestoneKind, Phase

PERM = "exercises.change_structure"

TIMES = ("planned_start", "planned_end", "actual_start", "actual_end")
PHASE_FIELDS = ("name", *TIMES, "is_illustrative")
CONTENT_FIELDS = PHASE_FIELDS
MILESTONE_FIELDS = (
    "kind",
    "sequence",
    "title",
    "starts_on",
    "ends_on",
    "location",
    "done",
    "notes",
    "is_illustrative",
)

UP, DOWN = "up", "down"
DIRECTIONS = (UP, DOWN)

# Kinds that happen several times and are told apart by their number (lần 1, lần 2 ...).
NUMBERED_KINDS = frozenset(
    {MilestoneKind.TRIAL_RUN, MilestoneKind.TRAINING, MilestoneKind.INSPECTION}
)


# --- shared checks ------------------------------------------------------------------------------


def _ensure_visible(actor: Any, exercise: Exercise) -> None:
    """The exercise selector's rule, in memory: an exercise the actor cannot see does not exist."""
    if not roles_on(actor, exercise) or exercise.classification > get_scope(actor).clearance:
        raise Http404


def _require_editor(actor: Any, exercise: Exercise) -> None:
    _ensure_visible(actor, exercise)
    require_perm(actor, PERM, exercise)


def _exercise_of(record: Phase | Content | Milestone) -> Exercise:
    if isinstance(record, Content):
        return Exercise.objects.select_related("area").get(pk=record.phase.exercise_id)
    return Exercise.objects.select_related("area").get(pk=record.exercise_id)


def _check_span(values: Mapping[str, Any], start: str, end: str) -> dict[str, str]:
    begin, finish = values.get(start), values.get(end)
    if begin is not None and finish is not None and finish < begin:
        return {end: _("Thời điểm kết thúc không được trước thời điểm bắt đầu.")}
    return {}


# Dates outside these years are typing mistakes (and break month arithmetic on the calendar).
YEAR_MIN, YEAR_MAX = 1945, 2100


def _check_years(values: Mapping[str, Any]) -> dict[str, str]:
    return {
        name: _("Năm phải nằm trong khoảng %(min)s-%(max)s.") % {"min": YEAR_MIN, "max": YEAR_MAX}
        for name, value in values.items()
        if value is not None and not YEAR_MIN <= value.year <= YEAR_MAX
    }


def _check_times(record: Phase | Content) -> None:
    values = {name: getattr(record, name) for name in TIMES}
    errors = (
        _check_span(values, "planned_start", "planned_end")
        | _check_span(values, "actual_start", "actual_end")
        | _check_years(values)
    )
    if errors:
        raise ValidationError(errors)


def _save(record: Any, *, expected_version: int | None, actor: Any) -> Any:
    """save_versioned, with an order taken by a concurrent writer turned into a message."""
    try:
        with transaction.atomic():
            return save_versioned(record, expected_version=expected_version, actor=actor)
    except IntegrityError as exc:
        raise _order_taken() from exc


def _insert(record: Any, *, actor: Any) -> Any:
    try:
        with transaction.atomic():
            return create_versioned(record, actor=actor)
    except IntegrityError as exc:
        raise _order_taken() from exc


def _order_taken() -> ValidationError:
    # Only reached when the parent lock could not serialise two writers (it should).
    return ValidationError(
        _("Thứ tự vừa bị người khác thay đổi; hãy tải lại trang rồi thử lại."), code="order_taken"
    )


def _lock_parent(model: type[Model], pk: int) -> None:
    """Serialise writers of one parent's order (PostgreSQL; SQLite's write lock does it)."""
    model._default_manager.select_for_update().filter(pk=pk).values_list("pk").first()


def _next_order(siblings: QuerySet[Any]) -> int:
    return int(siblings.aggregate(top=Max("order"))["top"] or 0) + 1


def _swap_with_neighbour(
    record: Phase | Content,
    siblings: QuerySet[Any],
    *,
    direction: str,
    expected_version: int | None,
    actor: Any,
) -> Phase | Content:
    """Swap `record`'s order with the nearest sibling's above or below it.

    The unique (parent, order) constraint is not deferrable, so `record` first parks on a free
    order (no history: the row is rewritten in the same transaction), then each row takes the
    other's place through the versioned save. Orders may have gaps (after a delete): the nearest
    sibling is found by comparison, not by order +/- 1.
    """
    if direction not in DIRECTIONS:
        raise ValidationError({"direction": _("Hướng di chuyển phải là “up” hoặc “down”.")})
    if direction == UP:
        neighbour = siblings.filter(order__lt=record.order).order_by("-order").first()
    else:
        neighbour = siblings.filter(order__gt=record.order).order_by("order").first()
    if neighbour is None:
        return record  # already first (or last): nothing to do
    mine, theirs = record.order, neighbour.order
    parking = max(_next_order(siblings), mine + 1)  # above every order in use
    type(record)._default_manager.filter(pk=record.pk).update(order=parking)
    neighbour.order = mine
    _save(neighbour, expected_version=None, actor=actor)
    record.order = theirs
    return _save(record, expected_version=expected_version, actor=actor)


# --- phases -------------------------------------------------------------------------------------


def phase_create(
    *,
    exercise: Exercise,
    name: str,
    actor: Any,
    planned_start: dt.datetime | None = None,
    planned_end: dt.datetime | None = None,
    actual_start: dt.datetime | None = None,
    actual_end: dt.datetime | None = None,
    is_illustrative: bool = False,
) -> Phase:
    """A new phase, placed after the exercise's last one."""
    _require_editor(actor, exercise)
    with transaction.atomic():
        ensure_exercise_open(exercise.pk)
        _lock_parent(Exercise, exercise.pk)
        phase = Phase(
            exercise=exercise,
            order=_next_order(Phase.objects.filter(exercise=exercise)),
            name=name,
            planned_start=planned_start,
            planned_end=planned_end,
            actual_start=actual_start,
            actual_end=actual_end,
            is_illustrative=is_illustrative,
        )
        _check_times(phase)
        return _insert(phase, actor=actor)


def phase_update(
    *, phase: Phase, changes: Mapping[str, Any], expected_version: int | None, actor: Any
) -> Phase:
    """Apply `changes` (any of PHASE_FIELDS) unless the phase was saved since it was read."""
    writes.check_fields(changes, PHASE_FIELDS)
    with transaction.atomic():
        current = writes.current_for_write(
            phase,
            expected_version=expected_version,
            require=lambda p: _require_editor(actor, _exercise_of(p)),
        )
        writes.apply_changes(current, changes)
        _check_times(current)
        return _save(current, expected_version=expected_version, actor=actor)


def phase_delete(*, phase: Phase, expected_version: int | None, actor: Any) -> None:
    """Delete a phase with its contents (the history keeps both)."""
    with transaction.atomic():
        current = writes.current_for_write(
            phase,
            expected_version=expected_version,
            require=lambda p: _require_editor(actor, _exercise_of(p)),
        )
        ensure_exercise_open(current.exercise_id)
        for content in current.contents.all():
            writes.delete(content, actor=actor, what=_("nội dung"))
        writes.delete(current, actor=actor, what=_("giai đoạn"))


def phase_move(*, phase: Phase, direction: str, expected_version: int | None, actor: Any) -> Phase:
    """Move a phase one place up or down among its exercise's phases."""
    with transaction.atomic():
        current = writes.current_for_write(
            phase,
            expected_version=expected_version,
            require=lambda p: _require_editor(actor, _exercise_of(p)),
        )
        ensure_exercise_open(current.exercise_id)
        _lock_parent(Exercise, current.exercise_id)
        siblings = Phase.objects.filter(exercise_id=current.exercise_id).exclude(pk=current.pk)
        moved = _swap_with_neighbour(
            current,
            siblings,
            direction=direction,
            expected_version=expected_version,
            actor=actor,
        )
        assert isinstance(moved, Phase)
        return moved


# --- contents -----------------------------------------------------------------------------------


def content_create(
    *,
    phase: Phase,
    name: str,
    actor: Any,
    planned_start: dt.datetime | None = None,
    planned_end: dt.datetime | None = None,
    actual_start: dt.datetime | None = None,
    actual_end: dt.datetime | None = None,
    is_illustrative: bool = False,
) -> Content:
    """A new content of `phase`, placed after its last one."""
    _require_editor(actor, _exercise_of(phase))
    with transaction.atomic():
        ensure_exercise_open(phase.exercise_id)
        _lock_parent(Phase, phase.pk)
        content = Content(
            phase=phase,
            order=_next_order(Content.objects.filter(phase=phase)),
            name=name,
            planned_start=planned_start,
            planned_end=planned_end,
            actual_start=actual_start,
            actual_end=actual_end,
            is_illustrative=is_illustrative,
        )
        _check_times(content)
        return _insert(content, actor=actor)


def content_update(
    *, content: Content, changes: Mapping[str, Any], expected_version: int | None, actor: Any
) -> Content:
    """Apply `changes` (any of CONTENT_FIELDS) unless the content was saved since it was read."""
    writes.check_fields(changes, CONTENT_FIELDS)
    with transaction.atomic():
        current = writes.current_for_write(
            content,
            expected_version=expected_version,
            require=lambda c: _require_editor(actor, _exercise_of(c)),
        )
        writes.apply_changes(current, changes)
        _check_times(current)
        return _save(current, expected_version=expected_version, actor=actor)


def content_delete(*, content: Content, expected_version: int | None, actor: Any) -> None:
    with transaction.atomic():
        current = writes.current_for_write(
            content,
            expected_version=expected_version,
            require=lambda c: _require_editor(actor, _exercise_of(c)),
        )
        writes.delete(current, actor=actor, what=_("nội dung"))


def content_move(
    *, content: Content, direction: str, expected_version: int | None, actor: Any
) -> Content:
    """Move a content one place up or down within its phase."""
    with transaction.atomic():
        current = writes.current_for_write(
            content,
            expected_version=expected_version,
            require=lambda c: _require_editor(actor, _exercise_of(c)),
        )
        ensure_exercise_open(current.phase.exercise_id)
        _lock_parent(Phase, current.phase_id)
        siblings = Content.objects.filter(phase_id=current.phase_id).exclude(pk=current.pk)
        moved = _swap_with_neighbour(
            current,
            siblings,
            direction=direction,
            expected_version=expected_version,
            actor=actor,
        )
        assert isinstance(moved, Content)
        return moved


# --- milestones ---------------------------------------------------------------------------------


def default_milestone_title(kind: str, sequence: int | None) -> str:
    """The title a milestone gets when left empty, e.g. "Diễn tập thử lần 2"."""
    label = str(MilestoneKind(kind).label) if kind in MilestoneKind.values else kind
    if sequence:
        return _("%(kind)s lần %(n)s") % {"kind": label, "n": sequence}
    return label


def _check_milestone(milestone: Milestone) -> None:
    errors = _check_years({"starts_on": milestone.starts_on, "ends_on": milestone.ends_on})
    if milestone.kind not in MilestoneKind.values:
        errors["kind"] = _("Loại mốc không hợp lệ.")
    if milestone.ends_on is not None and milestone.ends_on < milestone.starts_on:
        errors["ends_on"] = _("Ngày kết thúc không được trước ngày bắt đầu.")
    if milestone.sequence is not None and milestone.kind in NUMBERED_KINDS:
        clash = Milestone.objects.filter(
            exercise_id=milestone.exercise_id, kind=milestone.kind, sequence=milestone.sequence
        ).exclude(pk=milestone.pk)
        if clash.exists():
            errors["sequence"] = _("Đã có “%(title)s” lần %(n)s trong cuộc diễn tập này.") % {
                "title": MilestoneKind(milestone.kind).label,
                "n": milestone.sequence,
            }
    if errors:
        raise ValidationError(errors)
    if not (milestone.title or "").strip():
        milestone.title = default_milestone_title(milestone.kind, milestone.sequence)


def milestone_create(
    *,
    exercise: Exercise,
    kind: str,
    starts_on: dt.date,
    actor: Any,
    title: str = "",
    sequence: int | None = None,
    ends_on: dt.date | None = None,
    location: str = "",
    done: bool = False,
    notes: str = "",
    is_illustrative: bool = False,
) -> Milestone:
    """A new milestone on the exercise's calendar (the title defaults to the kind and number)."""
    _require_editor(actor, exercise)
    with transaction.atomic():
        milestone = Milestone(
            exercise=exercise,
            kind=kind,
            sequence=sequence,
            title=title,
            starts_on=starts_on,
            ends_on=ends_on,
            location=location,
            done=done,
            notes=notes,
            is_illustrative=is_illustrative,
        )
        _check_milestone(milestone)
        return _insert(milestone, actor=actor)


def milestone_update(
    *, milestone: Milestone, changes: Mapping[str, Any], expected_version: int | None, actor: Any
) -> Milestone:
    writes.check_fields(changes, MILESTONE_FIELDS)
    with transaction.atomic():
        current = writes.current_for_write(
            milestone,
            expected_version=expected_version,
            require=lambda m: _require_editor(actor, _exercise_of(m)),
        )
        writes.apply_changes(current, changes)
        _check_milestone(current)
        return _save(current, expected_version=expected_version, actor=actor)


def milestone_delete(*, milestone: Milestone, expected_version: int | None, actor: Any) -> None:
    with transaction.atomic():
        current = writes.current_for_write(
            milestone,
            expected_version=expected_version,
            require=lambda m: _require_editor(actor, _exercise_of(m)),
        )
        writes.delete(current, actor=actor, what=_("mốc thời gian"))
