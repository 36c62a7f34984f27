"""Writes to exercises: create, edit, move through the lifecycle, copy a structure, delete.

Each checks who may (the actor's scope and role), and every write goes through
kvpt.core.services, so the history names the actor and the exercise's `revision` rises.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kvpt.core import writes
from kvpt.core.models import Classification
from kvpt.core.permissions import require_perm, roles_on
from kvpt.core.scope import get_scope
from kvpt.core.services import (
    ExerciseClosedError,
    create_versioned,
    delete_recorded,
    save_versioned,
)
from kvpt.core.text import clean_text
from kvpt.exercises.models import (
    Committee,
    CommitteeKind,
    CommitteeMember,
    CommitteeRole,
    Content,
    Exercise,
    ExerciseStatus,
    ExerciseTransition,
    Milestone,
    Phase,
)

S = ExerciseStatus

# Where an exercise may go from each status: one step forward, one step back, cancel from any
# state before the review, a cancelled exercise back to draft. Closed -> reviewing is the reopening
# (REOPEN_ROLES and a reason). The guards of each move are in `_check_guards`.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (S.PLANNED, S.CANCELLED),
    S.PLANNED: (S.PREPARING, S.DRAFT, S.CANCELLED),
    S.PREPARING: (S.CONDUCTING, S.PLANNED, S.CANCELLED),
    S.CONDUCTING: (S.REVIEWING, S.PREPARING, S.CANCELLED),
    S.REVIEWING: (S.CLOSED, S.CONDUCTING),
    S.CLOSED: (S.REVIEWING,),
    S.CANCELLED: (S.DRAFT,),
}

# Moves that need a reason written down (the cancellation, the reopening of a closed exercise).
REASON_REQUIRED = frozenset({(S.CLOSED, S.REVIEWING)}) | {
    (status, S.CANCELLED) for status in S.values
}

# Who may reopen a closed exercise: the leaders and the administrators, not every planner.
REOPEN_ROLES = frozenset({"steering_leader", "org_admin", "system_admin"})

# Only exercises that never ran can be deleted; the others are records to keep.
DELETABLE_STATUSES = frozenset({S.DRAFT, S.CANCELLED})

# What the edit form and PATCH change. The status moves only through `exercise_transition`.
EDITABLE_FIELDS = (
    "code",
    "name",
    "code_name",
    "kind",
    "area",
    "level",
    "organisation",
    "directing_organisation",
    "year",
    "scale",
    "purposes",
    "requirements",
    "start_date",
    "end_date",
    "leadership_mechanism",
    "classification",
    "is_illustrative",
)
LIST_FIELDS = ("purposes", "requirements")

# domain.md §3: the three phases every defence-area exercise has.
STANDARD_PHASES = (
    gettext_lazy(
        "Chuyển địa phương vào các trạng thái quốc phòng, chuyển lực lượng vũ trang vào các "
        "trạng thái sẵn sàng chiến đấu"
    ),
    gettext_lazy("Tổ chức chuẩn bị tác chiến phòng thủ"),
    gettext_lazy("Thực hành tác chiến phòng thủ"),
)


# --- reading what the actor may pick -------------------------------------------------------------


def allowed_statuses(exercise: Exercise) -> list[str]:
    """The statuses reachable from the exercise's present one, forward first."""
    return list(TRANSITIONS.get(exercise.status, ()))


def needs_reason(from_status: str, to_status: str) -> bool:
    return (from_status, to_status) in REASON_REQUIRED


def can_reopen(actor: Any, exercise: Exercise) -> bool:
    return bool(roles_on(actor, exercise) & REOPEN_ROLES)


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


def _ancestor_ids(paths: Iterable[str]) -> set[int]:
    """Ids of the areas on materialised paths ("/1/7/42/"), the areas themselves included."""
    return {int(part) for path in paths for part in path.strip("/").split("/") if part.isdigit()}


def organisation_choices(actor: Any) -> QuerySet[Any]:
    """Agencies the actor may name as the organising body: those in their scope."""
    from kvpt.organisations.selectors import agency_list

    return agency_list(actor)


def directing_choices(actor: Any, areas: Iterable[Any] | None = None) -> QuerySet[Any]:
    """Agencies that may direct an exercise: visible ones, and those of a higher level.

    A district's exercise is directed by the province BCĐ or the military region, which lie above
    the user's own subtree: the agencies of the ancestors of `areas` (default: of the user's
    granted subtrees) are offered too, up to the user's clearance.
    """
    from kvpt.organisations.models import Agency

    scope = get_scope(actor)
    if scope.is_anonymous:
        return Agency.objects.none()
    paths = [a.path for a in areas] if areas is not None else list(scope.area_paths)
    visible = organisation_choices(actor).values("pk")
    return (
        Agency.objects.select_related("area", "area__level")
        .filter(
            Q(pk__in=visible)
            | Q(area_id__in=_ancestor_ids(paths), classification__lte=scope.clearance)
        )
        .order_by("area__path", "name")
    )


# --- checks --------------------------------------------------------------------------------------


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


def _ensure_agencies(actor: Any, exercise: Exercise, changed: Iterable[str]) -> None:
    """The organising agency is one the actor sees; the directing one may be of a higher level."""
    message = _("Không tìm thấy cơ quan này trong phạm vi của bạn.")
    if "organisation" in changed:
        writes.require_visible(
            organisation_choices(actor), exercise.organisation, "organisation", message
        )
    if "directing_organisation" in changed or "area" in changed:
        writes.require_visible(
            directing_choices(actor, [exercise.area]),
            exercise.directing_organisation,
            "directing_organisation",
            _("Cơ quan chỉ đạo phải là cơ quan trong phạm vi của bạn hoặc của cấp trên địa bàn."),
        )


def clean_list(value: Any, field: str) -> list[str]:
    """A list of items (purposes, requirements): each trimmed, empty ones dropped."""
    if value is None:
        return []
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValidationError({field: _("Phải là danh sách các dòng chữ.")}, code="not_a_list")
    return [item for item in (clean_text(v) for v in value) if item]


def _ensure_open(exercise: Exercise) -> None:
    if exercise.status == S.CLOSED:
        raise ExerciseClosedError()


# --- create, edit, delete ------------------------------------------------------------------------


@transaction.atomic
def exercise_create(
    *,
    code: str,
    name: str,
    area: Any,
    year: int,
    actor: Any,
    level: Any = None,
    classification: int = Classification.UNCLASSIFIED,
    standard_phases: bool = True,
    **optional: Any,
) -> Exercise:
    """A new exercise in draft in `area` (its level defaults to the area's level).

    `optional` takes the other EDITABLE_FIELDS (code name, kind, agencies, lists, dates ...).
    With `standard_phases` the three phases of domain.md §3 are created too, editable later.
    """
    unknown = set(optional) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"exercise_create got unknown fields: {sorted(unknown)}")
    exercise = _insert_exercise(
        actor,
        code=code,
        name=name,
        area=area,
        year=year,
        level=level,
        classification=classification,
        **optional,
    )
    if standard_phases:
        for order, phase_name in enumerate(STANDARD_PHASES, start=1):
            create_versioned(
                Phase(exercise=exercise, order=order, name=str(phase_name)), actor=actor
            )
        exercise.refresh_from_db(fields=["revision"])
    return exercise


def _insert_exercise(
    actor: Any, *, area: Any, level: Any, reason: str = "", **fields: Any
) -> Exercise:
    _ensure_area_in_scope(actor, area)
    require_perm(actor, "exercises.add_exercise", area)
    _ensure_clearance(actor, fields.get("classification", Classification.UNCLASSIFIED))
    for field in LIST_FIELDS:
        if field in fields:
            fields[field] = clean_list(fields[field], field)
    exercise = Exercise(
        area=area, level=level if level is not None else area.level, status=S.DRAFT, **fields
    )
    _ensure_agencies(actor, exercise, ("organisation", "directing_organisation"))
    if reason:
        exercise._change_reason = reason[:100]  # type: ignore[attr-defined]
    return writes.insert(exercise, actor=actor)


@transaction.atomic
def exercise_update(
    *, exercise: Exercise, changes: Mapping[str, Any], expected_version: int | None, actor: Any
) -> Exercise:
    """Apply `changes` (any of EDITABLE_FIELDS) unless someone saved since `expected_version`.

    The status is not among them: it moves through `exercise_transition`. A closed exercise is
    read-only. The caller's object is left as it was; the saved one is returned.
    """
    if "status" in changes:
        raise ValidationError(
            {
                "status": _(
                    "Không sửa trạng thái ở đây: hãy dùng thao tác chuyển trạng thái "
                    "(POST /api/v1/exercises/{id}/transitions)."
                )
            },
            code="status_not_editable",
        )
    writes.check_fields(changes, EDITABLE_FIELDS)
    _ensure_visible(actor, exercise)
    current = writes.current_for_write(
        exercise,
        expected_version=expected_version,
        require=lambda e: require_perm(actor, "exercises.change_exercise", e),
    )
    _ensure_open(current)
    changes = dict(changes)
    if "area" in changes and changes["area"].pk != current.area_id:
        # Moving an exercise is creating it somewhere else: the same checks apply there.
        _ensure_area_in_scope(actor, changes["area"])
        require_perm(actor, "exercises.add_exercise", changes["area"])
    if "classification" in changes:
        _ensure_clearance(actor, changes["classification"])
    if "level" in changes and changes["level"] is None:
        changes["level"] = (changes.get("area") or current.area).level
    for field in LIST_FIELDS:
        if field in changes:
            changes[field] = clean_list(changes[field], field)
    writes.apply_changes(current, changes)
    _ensure_agencies(actor, current, changes)
    return writes.update(current, expected_version=expected_version, actor=actor)


@transaction.atomic
def exercise_delete(*, exercise: Exercise, actor: Any, expected_version: int | None = None) -> None:
    """Delete a draft or cancelled exercise; the deletion and its actor stay in the history."""
    _ensure_visible(actor, exercise)
    require_perm(actor, "exercises.delete_exercise", exercise)
    current = writes.fresh(exercise)
    writes.check_version(current, expected_version)
    if current.status not in DELETABLE_STATUSES:
        raise ValidationError(
            _(
                "Chỉ xóa được cuộc diễn tập ở trạng thái Dự thảo hoặc Đã hủy; "
                "cuộc diễn tập này đang ở trạng thái “%(status)s”."
            )
            % {"status": current.get_status_display()},
            code="not_deletable",
        )
    try:
        with transaction.atomic():
            delete_recorded(current, actor=actor)
    except ProtectedError as exc:
        raise ValidationError(
            _("Không thể xóa: còn dữ liệu khác gắn với cuộc diễn tập này."), code="protected"
        ) from exc


# --- the lifecycle -------------------------------------------------------------------------------


def conducting_blockers(exercise: Exercise) -> list[str]:
    """What keeps the exercise from being conducted: no phase, no head of the BCĐ."""
    blockers = []
    if not Phase.objects.filter(exercise=exercise).exists():
        blockers.append(_("Cuộc diễn tập chưa có giai đoạn nào."))
    has_head = CommitteeMember.objects.filter(
        committee__exercise=exercise,
        committee__kind=CommitteeKind.STEERING,
        role=CommitteeRole.HEAD,
    ).exists()
    if not has_head:
        blockers.append(_("Ban Chỉ đạo chưa có Trưởng ban."))
    return blockers


def _check_guards(actor: Any, exercise: Exercise, to_status: str, reason: str) -> None:
    old = exercise.status
    if to_status not in S.values:
        raise ValidationError(
            {"to_status": _("Không có trạng thái “%(status)s”.") % {"status": to_status}},
            code="bad_status",
        )
    if to_status == old:
        raise ValidationError(
            {
                "to_status": _("Cuộc diễn tập đã ở trạng thái “%(status)s”.")
                % {"status": S(old).label}
            },
            code="same_status",
        )
    if to_status not in TRANSITIONS.get(old, ()):
        raise ValidationError(
            {
                "to_status": _("Không thể chuyển trạng thái từ “%(old)s” sang “%(new)s”.")
                % {"old": S(old).label, "new": S(to_status).label}
            },
            code="bad_transition",
        )
    if old == S.CLOSED and not can_reopen(actor, exercise):
        raise ValidationError(
            {
                "to_status": _(
                    "Chỉ lãnh đạo Ban Chỉ đạo hoặc quản trị mới được mở lại cuộc diễn tập đã "
                    "kết thúc."
                )
            },
            code="reopen_forbidden",
        )
    if needs_reason(old, to_status) and not reason:
        message = (
            _("Cần ghi lý do hủy cuộc diễn tập.")
            if to_status == S.CANCELLED
            else _("Cần ghi lý do mở lại cuộc diễn tập đã kết thúc.")
        )
        raise ValidationError({"reason": message}, code="reason_required")
    if to_status == S.CONDUCTING:
        blockers = conducting_blockers(exercise)
        if blockers:
            raise ValidationError(
                {
                    "to_status": [
                        _("Chưa thể chuyển sang “Đang thực hành”: %(why)s") % {"why": why}
                        for why in blockers
                    ]
                },
                code="not_ready",
            )


@transaction.atomic
def exercise_transition(
    *,
    exercise: Exercise,
    to_status: str,
    reason: str = "",
    expected_version: int | None,
    actor: Any,
) -> Exercise:
    """Move the exercise to `to_status`, guarded, and record who moved it, when and why.

    Refused: a move the table does not allow; conducting without a phase or without a head of
    the BCĐ; cancelling without a reason; reopening a closed exercise (closed -> reviewing) by
    anyone but a steering leader or an administrator, or without a reason.
    """
    _ensure_visible(actor, exercise)
    current = writes.current_for_write(
        exercise,
        expected_version=expected_version,
        require=lambda e: require_perm(actor, "exercises.change_exercise", e),
    )
    reason = (reason or "").strip()
    old = current.status
    _check_guards(actor, current, to_status, reason)
    current.status = to_status
    if to_status == S.CANCELLED:
        current.cancel_reason = reason
    elif old == S.CANCELLED:
        current.cancel_reason = ""  # the transition keeps the old reason
    current._change_reason = _status_reason(old, to_status)  # type: ignore[attr-defined]
    saved = save_versioned(current, expected_version=expected_version, actor=actor)
    ExerciseTransition.objects.create(
        exercise=saved,
        from_status=old,
        to_status=to_status,
        by=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason,
    )
    return saved


def _status_reason(old: str, new: str) -> str:
    # history_change_reason is 100 characters at most.
    return (_("Chuyển trạng thái: %(old)s → %(new)s") % {"old": S(old).label, "new": S(new).label})[
        :100
    ]


# --- copying the structure of an earlier exercise -----------------------------------------------


def _same_day_in_year(day: dt.date, year: int) -> dt.date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February into a common year
        return day.replace(year=year, day=28)


def default_shift_days(source: Exercise, year: int) -> int:
    """Days the copied dates move by when the caller gives none.

    The same calendar day, `year - source.year` years later, of the source's start date (or of
    1 January of its year when it has none): one shift for every date, so the intervals between
    the source's dates are kept exactly.
    """
    anchor = source.start_date or dt.date(source.year, 1, 1)
    return (_same_day_in_year(anchor, anchor.year + (year - source.year)) - anchor).days


def _shift(value: Any, delta: dt.timedelta) -> Any:
    return None if value is None else value + delta


@transaction.atomic
def exercise_copy_structure(
    *,
    source: Exercise,
    code: str,
    name: str,
    year: int,
    area: Any,
    level: Any = None,
    shift_days: int | None = None,
    copy_members: bool = True,
    actor: Any,
) -> Exercise:
    """A new draft exercise with the structure of `source`, its dates moved by `shift_days`.

    Copied: the exercise's descriptive fields (kind, scale, purposes, requirements, leadership
    mechanism, classification; the agencies when they suit the new area), phases and contents
    (planned times), milestones (dates; not done), committees and subcommittees with their
    members (unless `copy_members` is false), and the preparation tasks (reset to "not started",
    0 %, dependencies and subcommittees pointing at the copies). Never copied: results - actual
    times, milestones done, documents, works, budget, status history. `shift_days` defaults to
    `default_shift_days(source, year)`.
    """
    from kvpt.preparation.models import Task, TaskStatus

    _ensure_visible(actor, source)
    scope = get_scope(actor)
    delta = dt.timedelta(
        days=default_shift_days(source, year) if shift_days is None else shift_days
    )
    # The agencies follow when they suit the new area and the actor; otherwise they are left blank.
    organisation = (
        source.organisation
        if organisation_choices(actor).filter(pk=source.organisation_id).exists()
        else None
    )
    directing = (
        source.directing_organisation
        if directing_choices(actor, [area]).filter(pk=source.directing_organisation_id).exists()
        else None
    )
    exercise = _insert_exercise(
        actor,
        code=code,
        name=name,
        area=area,
        year=year,
        level=level,
        classification=source.classification,
        kind=source.kind,
        scale=source.scale,
        purposes=list(source.purposes or []),
        requirements=list(source.requirements or []),
        leadership_mechanism=source.leadership_mechanism,
        organisation=organisation,
        directing_organisation=directing,
        start_date=_shift(source.start_date, delta),
        end_date=_shift(source.end_date, delta),
        copied_from=source,
        reason=_("Sao cấu trúc từ %(code)s") % {"code": source.code},
    )

    times = ("planned_start", "planned_end")
    for phase in Phase.objects.filter(exercise=source).prefetch_related("contents"):
        new_phase = create_versioned(
            Phase(
                exercise=exercise,
                order=phase.order,
                name=phase.name,
                **{t: _shift(getattr(phase, t), delta) for t in times},
            ),
            actor=actor,
        )
        for content in phase.contents.all():
            create_versioned(
                Content(
                    phase=new_phase,
                    order=content.order,
                    name=content.name,
                    **{t: _shift(getattr(content, t), delta) for t in times},
                ),
                actor=actor,
            )

    for milestone in Milestone.objects.filter(exercise=source):
        create_versioned(
            Milestone(
                exercise=exercise,
                kind=milestone.kind,
                sequence=milestone.sequence,
                title=milestone.title,
                starts_on=milestone.starts_on + delta,
                ends_on=_shift(milestone.ends_on, delta),
                location=milestone.location,
            ),
            actor=actor,
        )

    committees: dict[int, Committee] = {}
    for committee in Committee.objects.filter(exercise=source).prefetch_related("members"):
        committees[committee.pk] = create_versioned(
            Committee(
                exercise=exercise,
                kind=committee.kind,
                code=committee.code,
                name=committee.name,
                order=committee.order,
                duties=committee.duties,
            ),
            actor=actor,
        )
        if copy_members:
            for member in committee.members.all():
                create_versioned(
                    CommitteeMember(
                        committee=committees[committee.pk],
                        person_id=member.person_id,
                        position=member.position,
                        role=member.role,
                        exercise_role=member.exercise_role,
                        order=member.order,
                    ),
                    actor=actor,
                )

    tasks: dict[int, Any] = {}
    source_tasks = list(
        Task.objects.filter(exercise=source, classification__lte=scope.clearance)
        .prefetch_related("depends_on")
        .order_by("pk")
    )
    for task in source_tasks:
        tasks[task.pk] = create_versioned(
            Task(
                exercise=exercise,
                code=task.code,
                title=task.title,
                category=task.category,
                subcommittee=committees.get(task.subcommittee_id or 0),
                owner_id=task.owner_id,
                assignee_id=task.assignee_id,
                start=_shift(task.start, delta),
                due=_shift(task.due, delta),
                status=TaskStatus.TODO,
                progress=0,
                notes=task.notes,
                classification=task.classification,
            ),
            actor=actor,
        )
    for task in source_tasks:
        remapped = [tasks[d.pk] for d in task.depends_on.all() if d.pk in tasks]
        if remapped:
            tasks[task.pk].depends_on.set(remapped)
    exercise.refresh_from_db()
    return exercise
