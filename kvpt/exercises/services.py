"""Writes to exercises: create, edit, change status, delete; each checks who may and who did."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.http import Http404
from django.utils.translation import gettext as _

from kvpt.core.models import Classification
from kvpt.core.permissions import require_perm, roles_on
from kvpt.core.scope import get_scope
from kvpt.core.services import create_versioned, delete_recorded, save_versioned
from kvpt.exercises.models import Exercise, ExerciseStatus

S = ExerciseStatus

# Where an exercise may go from each status. The guarded workflow (who approves what, what must be
# ready first) comes with "Exercise set-up and preparation"; this table only keeps the order sane:
# one step forward, one step back, cancel from any open state, reopen a cancelled draft.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.PLANNED, S.CANCELLED}),
    S.PLANNED: frozenset({S.DRAFT, S.PREPARING, S.CANCELLED}),
    S.PREPARING: frozenset({S.PLANNED, S.CONDUCTING, S.CANCELLED}),
    S.CONDUCTING: frozenset({S.PREPARING, S.REVIEWING, S.CANCELLED}),
    S.REVIEWING: frozenset({S.CONDUCTING, S.CLOSED}),
    S.CLOSED: frozenset({S.REVIEWING}),
    S.CANCELLED: frozenset({S.DRAFT}),
}

# Only exercises that never ran can be deleted; the others are records to keep.
DELETABLE_STATUSES = frozenset({S.DRAFT, S.CANCELLED})

EDITABLE_FIELDS = ("code", "name", "area", "level", "year", "status", "classification")


def allowed_statuses(exercise: Exercise) -> list[str]:
    """The current status and those reachable from it, in lifecycle order."""
    reachable = TRANSITIONS.get(exercise.status, frozenset())
    return [value for value in S.values if value == exercise.status or value in reachable]


def addable_areas(actor: Any, areas: Any) -> list[Any]:
    """Those of `areas` (already in the actor's scope) where the actor may add an exercise."""
    return [area for area in areas if actor.has_perm("exercises.add_exercise", area)]


@dataclass(frozen=True)
class _AreaPath:
    """Stands for "some area at this path" when asking the rules without loading areas."""

    path: str

    def scope_key(self) -> tuple[str, int | None]:
        return self.path, None


def can_add_somewhere(actor: Any) -> bool:
    """Whether any area grant lets the actor add an exercise (to offer the "add" button)."""
    scope = get_scope(actor)
    if scope.is_anonymous:
        return False
    if scope.is_superuser:
        return True
    return any(actor.has_perm("exercises.add_exercise", _AreaPath(p)) for p in scope.area_roles)


def _ensure_area_in_scope(actor: Any, area: Any, field: str = "area") -> None:
    """An area outside the actor's scope does not exist for them, even as a target."""
    from kvpt.organisations.selectors import area_list

    if area is None or not area_list(actor).filter(pk=area.pk).exists():
        raise ValidationError(
            {field: _("Không tìm thấy địa bàn này trong phạm vi của bạn.")},
            code="area_out_of_scope",
        )


def _ensure_visible(actor: Any, exercise: Exercise) -> None:
    """The selector's rule, in memory: callers pass objects they looked up, but trust none."""
    scope = get_scope(actor)
    if not roles_on(actor, exercise) or exercise.classification > scope.clearance:
        raise Http404


def _ensure_clearance(actor: Any, classification: int) -> None:
    clearance = get_scope(actor).clearance
    if int(classification) > clearance:
        raise ValidationError(
            {
                "classification": _(
                    "Bạn không thể đặt độ mật cao hơn mức bạn được tiếp cận (%(clearance)s)."
                )
                % {"clearance": Classification(clearance).label}
            },
            code="above_clearance",
        )


def _ensure_transition(current: str, new: str) -> None:
    if new == current:
        return
    if new not in TRANSITIONS.get(current, frozenset()):
        raise ValidationError(
            {
                "status": _("Không thể chuyển trạng thái từ “%(old)s” sang “%(new)s”.")
                % {"old": S(current).label, "new": S(new).label if new in S.values else new}
            },
            code="bad_transition",
        )


@transaction.atomic
def exercise_create(
    *,
    code: str,
    name: str,
    area: Any,
    year: int,
    actor: Any,
    level: Any = None,
    status: str = S.DRAFT,
    classification: int = Classification.UNCLASSIFIED,
) -> Exercise:
    """A new exercise in `area`; its level defaults to the area's level."""
    _ensure_area_in_scope(actor, area)
    require_perm(actor, "exercises.add_exercise", area)
    _ensure_clearance(actor, classification)
    if status not in (S.DRAFT, S.PLANNED):
        raise ValidationError(
            {"status": _("Cuộc diễn tập mới phải ở trạng thái Dự thảo hoặc Đã lập kế hoạch.")},
            code="bad_initial_status",
        )
    exercise = Exercise(
        code=code,
        name=name,
        area=area,
        level=level if level is not None else area.level,
        year=year,
        status=status,
        classification=classification,
    )
    return create_versioned(exercise, actor=actor)


@transaction.atomic
def exercise_update(
    *, exercise: Exercise, expected_version: int | None, actor: Any, **changes: Any
) -> Exercise:
    """Apply `changes` (any of EDITABLE_FIELDS) unless someone saved since `expected_version`."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"exercise_update got unknown fields: {sorted(unknown)}")
    _ensure_visible(actor, exercise)
    require_perm(actor, "exercises.change_exercise", exercise)
    if "area" in changes and changes["area"].pk != exercise.area_id:
        # Moving an exercise is creating it somewhere else: the same checks apply there.
        _ensure_area_in_scope(actor, changes["area"])
        require_perm(actor, "exercises.add_exercise", changes["area"])
    if "classification" in changes:
        _ensure_clearance(actor, changes["classification"])
    if "status" in changes:
        _ensure_transition(exercise.status, changes["status"])
    old_status = exercise.status
    before = {field: getattr(exercise, field) for field in changes}
    for field, value in changes.items():
        if field == "level" and value is None:
            value = (changes.get("area") or exercise.area).level
        setattr(exercise, field, value)
    if exercise.status != old_status:
        exercise._change_reason = _status_reason(old_status, exercise.status)  # type: ignore[attr-defined]
    try:
        return save_versioned(exercise, expected_version=expected_version, actor=actor)
    except ValidationError:
        # A refused edit leaves the caller's object as it was (pages show its code, title ...).
        for field, value in before.items():
            setattr(exercise, field, value)
        raise


@transaction.atomic
def exercise_set_status(
    *, exercise: Exercise, status: str, actor: Any, expected_version: int | None = None
) -> Exercise:
    """Move the exercise along its lifecycle; the change and its reason go to the history."""
    _ensure_visible(actor, exercise)
    require_perm(actor, "exercises.change_exercise", exercise)
    if status == exercise.status:
        return exercise
    _ensure_transition(exercise.status, status)
    old_status = exercise.status
    exercise._change_reason = _status_reason(old_status, status)  # type: ignore[attr-defined]
    exercise.status = status
    try:
        return save_versioned(exercise, expected_version=expected_version, actor=actor)
    except ValidationError:
        exercise.status = old_status
        raise


@transaction.atomic
def exercise_delete(*, exercise: Exercise, actor: Any) -> None:
    """Delete a draft or cancelled exercise; the deletion and its actor stay in the history."""
    _ensure_visible(actor, exercise)
    require_perm(actor, "exercises.delete_exercise", exercise)
    if exercise.status not in DELETABLE_STATUSES:
        raise ValidationError(
            _(
                "Chỉ xóa được cuộc diễn tập ở trạng thái Dự thảo hoặc Đã hủy; "
                "cuộc diễn tập này đang ở trạng thái “%(status)s”."
            )
            % {"status": exercise.get_status_display()},
            code="not_deletable",
        )
    try:
        delete_recorded(exercise, actor=actor)
    except ProtectedError as exc:
        raise ValidationError(
            _("Không thể xóa: còn dữ liệu khác gắn với cuộc diễn tập này."), code="protected"
        ) from exc


def _status_reason(old: str, new: str) -> str:
    # history_change_reason is 100 characters at most.
    return (_("Chuyển trạng thái: %(old)s → %(new)s") % {"old": S(old).label, "new": S(new).label})[
        :100
    ]
