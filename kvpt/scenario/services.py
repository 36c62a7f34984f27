"""Writes to the scenario and its conduct: situations, MSEL entries and their status, the exercise
clock, the conduct log and safety incidents.

Every function is the last line of defence: the actor's permission (kvpt/accounts/rules.py:
"scenario.change_scenario", "scenario.approve_inject", "scenario.conduct", "scenario.run_inject"),
every referenced record visible to the actor and of the same exercise, a marking never below the
exercise's nor above the actor's clearance, and no illegal status move.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
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
    create_versioned,
    ensure_exercise_open,
    save_versioned,
)
from kvpt.scenario.models import (
    OPEN_STATUSES,
    ClockState,
    ConductClock,
    ConductLogEntry,
    Inject,
    InjectStatus,
    InjectTransition,
    LogKind,
    SafetyIncident,
    Situation,
)

CHANGE = "scenario.change_scenario"
APPROVE = "scenario.approve_inject"
CONDUCT = "scenario.conduct"
RUN = "scenario.run_inject"

SITUATION_FIELDS = (
    "code",
    "title",
    "kind",
    "phase",
    "lead_agency",
    "location",
    "location_classification",
    "forces_text",
    "classification",
    "notes",
    "is_illustrative",
)
INJECT_FIELDS = (
    "serial",
    "phase",
    "content_item",
    "situation",
    "scenario_time",
    "scheduled_at",
    "from_org",
    "to_agency",
    "to_unit",
    "to_text",
    "method",
    "content",
    "expected_action",
    "objective",
    "controller",
    "classification",
    "notes",
    "is_illustrative",
)
LOG_FIELDS = ("at", "text", "inject", "classification", "is_illustrative")
INCIDENT_FIELDS = (
    "at",
    "category",
    "severity",
    "injured_count",
    "killed_count",
    "description",
    "resolution",
    "resolved_at",
    "classification",
    "is_illustrative",
)

# The status machine: from -> {to: the permission the move needs}.
TRANSITIONS: dict[str, dict[str, str]] = {
    InjectStatus.PENDING: {InjectStatus.APPROVED: APPROVE, InjectStatus.SKIPPED: RUN},
    InjectStatus.APPROVED: {
        InjectStatus.DELIVERED: RUN,
        InjectStatus.SKIPPED: RUN,
        InjectStatus.PENDING: APPROVE,
    },
    InjectStatus.DELIVERED: {InjectStatus.DONE: RUN, InjectStatus.SKIPPED: RUN},
    InjectStatus.DONE: {},
    InjectStatus.SKIPPED: {InjectStatus.PENDING: APPROVE},
}


# --- shared checks -----------------------------------------------------------------------------


def check_exercise_visible(actor: Any, exercise: Any) -> None:
    from kvpt.exercises.selectors import exercise_list

    if exercise is None or not exercise_list(actor).filter(pk=exercise.pk).exists():
        raise ValidationError(
            {"exercise": _("Không tìm thấy cuộc diễn tập này trong phạm vi của bạn.")}
        )


def check_marking(actor: Any, record: Any, *, floor: int | None = None) -> None:
    """A record inherits its exercise's level (or `floor`, when higher) and may be set higher."""
    level = max(int(record.exercise.classification), int(floor or 0))
    if int(record.classification) < level:
        raise ValidationError(
            {
                "classification": _(
                    "Độ mật không được thấp hơn “%(level)s” (độ mật của cuộc diễn tập hoặc "
                    "tình huống)."
                )
                % {"level": Classification(level).label}
            }
        )
    writes.check_clearance(actor, record.classification)


def _same_exercise(actor: Any, record: Any, field: str, queryset: Any, message: str) -> None:
    value = getattr(record, field)
    if value is None:
        return
    if not queryset.filter(pk=value.pk).exists():
        raise ValidationError({field: message})


def _check_structure(actor: Any, record: Any, changed: set[str] | None) -> None:
    from kvpt.exercises.selectors import content_list, phase_list

    def named(name: str) -> bool:
        return changed is None or name in changed

    if named("phase"):
        _same_exercise(
            actor,
            record,
            "phase",
            phase_list(actor).filter(exercise_id=record.exercise_id),
            _("Hãy chọn một giai đoạn của chính cuộc diễn tập này."),
        )
    if named("content_item") and hasattr(record, "content_item"):
        _same_exercise(
            actor,
            record,
            "content_item",
            content_list(actor).filter(phase__exercise_id=record.exercise_id),
            _("Hãy chọn một nội dung của chính cuộc diễn tập này."),
        )
        item = record.content_item
        if item is not None and record.phase_id and item.phase_id != record.phase_id:
            raise ValidationError(
                {"content_item": _("Nội dung này không thuộc giai đoạn đã chọn.")}
            )


def _check_agency(actor: Any, agency: Any, field: str) -> None:
    from kvpt.organisations.selectors import agency_list

    writes.require_visible(
        agency_list(actor), agency, field, _("Không tìm thấy cơ quan này trong phạm vi của bạn.")
    )


def _check_unit(actor: Any, unit: Any, field: str) -> None:
    from kvpt.organisations.selectors import unit_list

    writes.require_visible(
        unit_list(actor), unit, field, _("Không tìm thấy đơn vị này trong phạm vi của bạn.")
    )


def _check_person(actor: Any, person: Any, field: str) -> None:
    from kvpt.organisations.selectors import person_list

    writes.require_visible(
        person_list(actor), person, field, _("Không tìm thấy cán bộ này trong phạm vi của bạn.")
    )


def _changed(current: Any, changes: Mapping[str, Any]) -> set[str]:
    before = {name: getattr(current, name) for name in changes}
    writes.apply_changes(current, changes)
    return {name for name in changes if getattr(current, name) != before[name]}


# --- situations --------------------------------------------------------------------------------


def _check_situation(actor: Any, situation: Situation, changed: set[str] | None) -> None:
    _check_structure(actor, situation, changed)
    if changed is None or "lead_agency" in changed:
        _check_agency(actor, situation.lead_agency, "lead_agency")
    if changed is None or changed & {"classification", "location_classification"}:
        check_marking(actor, situation)
        writes.check_clearance(actor, situation.location_classification)
    if (changed is None or "kind" in changed) and (
        situation.kind_id is None or not situation.kind.active
    ):
        raise ValidationError({"kind": _("Hãy chọn một loại tình huống đang dùng.")})


def situation_create(
    *,
    exercise: Any,
    code: str,
    title: str,
    kind: Any,
    phase: Any = None,
    lead_agency: Any = None,
    location: str = "",
    location_classification: int = 0,
    forces_text: str = "",
    classification: int | None = None,
    notes: str = "",
    is_illustrative: bool = False,
    actor: Any,
) -> Situation:
    with transaction.atomic():
        check_exercise_visible(actor, exercise)
        situation = Situation(
            exercise=exercise,
            code=code,
            title=title,
            kind=kind,
            phase=phase,
            lead_agency=lead_agency,
            location=location,
            location_classification=int(location_classification or 0),
            forces_text=forces_text,
            classification=(
                exercise.classification if classification is None else int(classification)
            ),
            notes=notes,
            is_illustrative=is_illustrative,
        )
        require_perm(actor, CHANGE, situation)
        _check_situation(actor, situation, None)
        writes.check_code_unique(Situation, code, None, within={"exercise": exercise})
        return writes.insert(situation, actor=actor)


def situation_update(
    *, situation: Situation, changes: Mapping[str, Any], expected_version: int | None, actor: Any
) -> Situation:
    writes.check_fields(changes, SITUATION_FIELDS)
    with transaction.atomic():
        current = writes.current_for_write(
            situation,
            expected_version=expected_version,
            require=lambda s: require_perm(actor, CHANGE, s),
        )
        changed = _changed(current, changes)
        _check_situation(actor, current, changed)
        writes.check_code_unique(
            Situation, current.code, current.pk, within={"exercise_id": current.exercise_id}
        )
        return writes.update(current, expected_version=expected_version, actor=actor)


def situation_delete(
    *, situation: Situation, expected_version: int | None = None, actor: Any
) -> None:
    with transaction.atomic():
        current = writes.current_for_write(
            situation,
            expected_version=expected_version,
            require=lambda s: require_perm(actor, CHANGE, s),
        )
        writes.delete(current, actor=actor, what=_("tình huống"))


# --- MSEL entries ------------------------------------------------------------------------------


def check_inject(actor: Any, inject: Inject, changed: set[str] | None) -> None:
    """Every rule of one MSEL entry's fields (the import runs it on each row too)."""
    from kvpt.scenario.selectors import situation_list

    def named(name: str) -> bool:
        return changed is None or name in changed

    _check_structure(actor, inject, changed)
    if named("situation"):
        _same_exercise(
            actor,
            inject,
            "situation",
            situation_list(actor).filter(exercise_id=inject.exercise_id),
            _("Hãy chọn một tình huống của chính cuộc diễn tập này."),
        )
    if named("to_agency"):
        _check_agency(actor, inject.to_agency, "to_agency")
    if named("to_unit"):
        _check_unit(actor, inject.to_unit, "to_unit")
    if named("controller"):
        _check_person(actor, inject.controller, "controller")
    if changed is None or changed & {"classification", "situation"}:
        floor = inject.situation.classification if inject.situation is not None else 0
        check_marking(actor, inject, floor=floor)
    if not (inject.content or "").strip():
        raise ValidationError({"content": _("Cần nhập nội dung tình huống.")})


def next_serial(exercise: Any) -> int:
    last = Inject.objects.filter(exercise=exercise).order_by("-serial").first()
    return (last.serial if last else 0) + 1


def inject_create(
    *,
    exercise: Any,
    content: str,
    serial: int | None = None,
    phase: Any = None,
    content_item: Any = None,
    situation: Any = None,
    scenario_time: str = "",
    scheduled_at: dt.datetime | None = None,
    from_org: str = "",
    to_agency: Any = None,
    to_unit: Any = None,
    to_text: str = "",
    method: str = "document",
    expected_action: str = "",
    objective: str = "",
    controller: Any = None,
    classification: int | None = None,
    notes: str = "",
    is_illustrative: bool = False,
    actor: Any,
) -> Inject:
    """Add an MSEL entry (pending); the next free serial when none is given."""
    with transaction.atomic():
        check_exercise_visible(actor, exercise)
        if classification is None:
            classification = max(
                int(exercise.classification), int(situation.classification if situation else 0)
            )
        inject = Inject(
            exercise=exercise,
            serial=serial or next_serial(exercise),
            phase=phase or (content_item.phase if content_item else None),
            content_item=content_item,
            situation=situation,
            scenario_time=scenario_time,
            scheduled_at=scheduled_at,
            from_org=from_org,
            to_agency=to_agency,
            to_unit=to_unit,
            to_text=to_text,
            method=method or "document",
            content=content,
            expected_action=expected_action,
            objective=objective,
            controller=controller,
            classification=int(classification),
            notes=notes,
            is_illustrative=is_illustrative,
        )
        require_perm(actor, CHANGE, inject)
        check_inject(actor, inject, None)
        _check_serial_unique(inject)
        return writes.insert(inject, actor=actor)


def _check_serial_unique(inject: Inject) -> None:
    clash = Inject.objects.filter(exercise_id=inject.exercise_id, serial=inject.serial)
    if inject.pk:
        clash = clash.exclude(pk=inject.pk)
    if clash.exists():
        raise ValidationError(
            {
                "serial": _("Số thứ tự %(serial)s đã được dùng cho sự kiện khác.")
                % {"serial": inject.serial}
            }
        )


def inject_update(
    *, inject: Inject, changes: Mapping[str, Any], expected_version: int | None, actor: Any
) -> Inject:
    """Edit an entry's fields; its status moves only through `inject_transition`."""
    writes.check_fields(changes, INJECT_FIELDS)
    with transaction.atomic():
        current = writes.current_for_write(
            inject,
            expected_version=expected_version,
            require=lambda i: require_perm(actor, CHANGE, i),
        )
        changed = _changed(current, changes)
        check_inject(actor, current, changed)
        _check_serial_unique(current)
        return writes.update(current, expected_version=expected_version, actor=actor)


def inject_delete(*, inject: Inject, expected_version: int | None = None, actor: Any) -> None:
    with transaction.atomic():
        current = writes.current_for_write(
            inject,
            expected_version=expected_version,
            require=lambda i: require_perm(actor, CHANGE, i),
        )
        if current.status not in OPEN_STATUSES:
            raise ValidationError(
                _("Sự kiện đã phát không xóa được (nó đã thuộc diễn biến cuộc diễn tập)."),
                code="delivered",
            )
        writes.delete(current, actor=actor, what=_("sự kiện kịch bản"))


def allowed_moves(actor: Any, inject: Inject) -> list[str]:
    """The statuses `actor` may move `inject` to now (for the buttons)."""
    return [
        to
        for to, perm in TRANSITIONS.get(inject.status, {}).items()
        if actor.has_perm(perm, inject)
    ]


def inject_transition(
    *,
    inject: Inject,
    to_status: str,
    actor: Any,
    note: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Inject:
    """Move an entry along pending -> approved -> delivered -> done / skipped, logged.

    Delivering and completing stamp the actual times; every move is kept as an InjectTransition
    and, from delivery on, written to the conduct log. Two controllers pressing "Phát" at once:
    the second finds the row already delivered and is refused (the row is locked).
    """
    with transaction.atomic():
        current = Inject.objects.select_for_update().get(pk=inject.pk)
        if not actor.has_perm(RUN, current) and not actor.has_perm(APPROVE, current):
            raise PermissionDenied(_("Bạn không có quyền điều hành sự kiện này."))
        writes.check_version(current, expected_version)
        moves = TRANSITIONS.get(current.status, {})
        if to_status not in moves:
            raise ValidationError(
                _("Không thể chuyển sự kiện #%(serial)s từ “%(from)s” sang “%(to)s”.")
                % {
                    "serial": current.serial,
                    "from": current.get_status_display(),
                    "to": _label(to_status),
                },
                code="illegal_transition",
            )
        require_perm(actor, moves[to_status], current)
        now = at or timezone.now()
        before = current.status
        current.status = to_status
        if to_status == InjectStatus.DELIVERED:
            current.delivered_at = now
        elif to_status == InjectStatus.DONE:
            current.completed_at = now
        elif to_status == InjectStatus.PENDING:
            current.delivered_at = current.completed_at = None
        current._change_reason = note or f"{before} -> {to_status}"  # type: ignore[attr-defined]
        saved = save_versioned(current, expected_version=None, actor=actor)
        InjectTransition.objects.create(
            inject=saved, from_status=before, to_status=to_status, at=now, by=actor, note=note
        )
        if to_status in (InjectStatus.DELIVERED, InjectStatus.DONE, InjectStatus.SKIPPED):
            text = _("Sự kiện #%(serial)s: %(status)s.") % {
                "serial": saved.serial,
                "status": _label(to_status),
            }
            if note:
                text = f"{text} {note}"
            _system_log(saved.exercise, LogKind.INJECT, text, actor, at=now, inject=saved)
        return saved


def _label(status: str) -> str:
    try:
        return str(InjectStatus(status).label)
    except ValueError:
        return status


# --- the exercise clock ------------------------------------------------------------------------


def _system_log(
    exercise: Any,
    kind: str,
    text: str,
    actor: Any,
    *,
    at: dt.datetime | None = None,
    inject: Inject | None = None,
    classification: int | None = None,
) -> ConductLogEntry:
    """A log line a console action writes itself (no permission check: the action had one)."""
    level = classification if classification is not None else exercise.classification
    if inject is not None:
        level = max(int(level), int(inject.classification))
    entry = ConductLogEntry(
        exercise=exercise,
        at=at or timezone.now(),
        kind=kind,
        author=actor if getattr(actor, "is_authenticated", False) else None,
        text=text,
        inject=inject,
        classification=int(level),
    )
    return create_versioned(entry, actor=actor)


def clock_for(exercise: Any) -> ConductClock:
    clock, _created = ConductClock.objects.get_or_create(exercise=exercise)
    return clock


CLOCK_ACTIONS = ("start", "pause", "resume", "stop")


def clock_action(
    *,
    exercise: Any,
    action: str,
    actor: Any,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> ConductClock:
    """Start, pause, resume or stop the exercise clock; every move is logged.

    Resuming shifts the real schedule (`scheduled_at`) of every entry still pending or approved by
    the pause's length, so what was due five minutes after the pause is due five minutes after the
    resumption.
    """
    from simple_history.utils import bulk_update_with_history

    if action not in CLOCK_ACTIONS:
        raise ValidationError({"action": _("Thao tác đồng hồ không hợp lệ.")})
    with transaction.atomic():
        check_exercise_visible(actor, exercise)
        clock = clock_for(exercise)
        clock = ConductClock.objects.select_for_update().get(pk=clock.pk)
        require_perm(actor, CONDUCT, clock)
        writes.check_version(clock, expected_version)
        now = now or timezone.now()
        state = clock.state
        text = ""
        if action == "start" and state == ClockState.STOPPED and clock.started_at is None:
            clock.state, clock.started_at = ClockState.RUNNING, now
            clock.paused_at = clock.stopped_at = None
            clock.paused_seconds = 0
            text = _("Bắt đầu đồng hồ diễn tập.")
        elif action == "start" and state == ClockState.STOPPED:
            # A new session of a multi-day exercise (stopped overnight): the time already run is
            # kept and the gap counts as a pause. The real schedule is not shifted: the next
            # day's injects were planned for the next day.
            gap = max(now - (clock.stopped_at or now), dt.timedelta(0))
            clock.paused_seconds += int(gap.total_seconds())
            clock.state, clock.stopped_at = ClockState.RUNNING, None
            text = _(
                "Bắt đầu lại đồng hồ diễn tập; giữ nguyên %(minutes)s phút đã chạy, không lùi giờ "
                "phát của các sự kiện."
            ) % {"minutes": _minutes(clock.elapsed(now))}
        elif action == "pause" and state == ClockState.RUNNING:
            clock.state, clock.paused_at = ClockState.PAUSED, now
            text = _("Tạm dừng đồng hồ diễn tập.")
        elif action == "resume" and state == ClockState.PAUSED:
            paused_at = clock.paused_at or now
            length = max(now - paused_at, dt.timedelta(0))
            clock.paused_seconds += int(length.total_seconds())
            clock.state, clock.paused_at = ClockState.RUNNING, None
            shifted = _shift_open_injects(exercise, length, actor, bulk_update_with_history)
            text = _(
                "Tiếp tục đồng hồ sau %(minutes)s phút tạm dừng; lùi giờ phát của %(n)s sự kiện "
                "chưa phát tương ứng."
            ) % {"minutes": _minutes(length), "n": shifted}
        elif action == "stop" and state in (ClockState.RUNNING, ClockState.PAUSED):
            if state == ClockState.PAUSED and clock.paused_at:
                clock.paused_seconds += int((now - clock.paused_at).total_seconds())
            clock.state, clock.stopped_at, clock.paused_at = ClockState.STOPPED, now, None
            text = _("Kết thúc đồng hồ diễn tập.")
        else:
            raise ValidationError(
                _("Đồng hồ đang ở trạng thái “%(state)s”: không thể thực hiện thao tác này.")
                % {"state": clock.get_state_display()},
                code="illegal_clock_action",
            )
        saved = save_versioned(clock, expected_version=None, actor=actor)
        _system_log(exercise, LogKind.CLOCK, text, actor, at=now)
        return saved


def _minutes(length: dt.timedelta) -> str:
    minutes = length.total_seconds() / 60
    return f"{minutes:.1f}".replace(".", ",").removesuffix(",0")


def _shift_open_injects(exercise: Any, length: dt.timedelta, actor: Any, bulk: Any) -> int:
    if length <= dt.timedelta(0):
        return 0
    ensure_exercise_open(exercise.pk)
    rows = list(
        Inject.objects.select_for_update().filter(
            exercise=exercise, status__in=OPEN_STATUSES, scheduled_at__isnull=False
        )
    )
    for row in rows:
        assert row.scheduled_at is not None
        row.scheduled_at = row.scheduled_at + length
        row.version += 1  # an edit form opened before the pause is now stale
    if rows:
        bulk(
            rows,
            Inject,
            ["scheduled_at", "version"],
            default_user=actor if getattr(actor, "is_authenticated", False) else None,
            default_change_reason=_("Lùi giờ phát do tạm dừng đồng hồ"),
        )
        bump_revision(exercise.pk)
    return len(rows)


# --- the conduct log ---------------------------------------------------------------------------


def _check_log(actor: Any, entry: ConductLogEntry, changed: set[str] | None) -> None:
    from kvpt.scenario.selectors import inject_list

    if not (entry.text or "").strip():
        raise ValidationError({"text": _("Cần nhập nội dung nhật ký.")})
    if changed is None or "inject" in changed:
        _same_exercise(
            actor,
            entry,
            "inject",
            inject_list(actor).filter(exercise_id=entry.exercise_id),
            _("Hãy chọn một sự kiện của chính cuộc diễn tập này."),
        )
    if changed is None or changed & {"classification", "inject"}:
        floor = entry.inject.classification if entry.inject is not None else 0
        check_marking(actor, entry, floor=floor)


def log_entry_create(
    *,
    exercise: Any,
    text: str,
    at: dt.datetime | None = None,
    inject: Inject | None = None,
    classification: int | None = None,
    is_illustrative: bool = False,
    actor: Any,
) -> ConductLogEntry:
    with transaction.atomic():
        check_exercise_visible(actor, exercise)
        if classification is None:
            classification = max(
                int(exercise.classification), int(inject.classification if inject else 0)
            )
        entry = ConductLogEntry(
            exercise=exercise,
            at=at or timezone.now(),
            kind=LogKind.NOTE,
            author=actor,
            text=text,
            inject=inject,
            classification=int(classification),
            is_illustrative=is_illustrative,
        )
        require_perm(actor, CONDUCT, entry)
        _check_log(actor, entry, None)
        return create_versioned(entry, actor=actor)


def log_entry_update(
    *, entry: ConductLogEntry, changes: Mapping[str, Any], expected_version: int | None, actor: Any
) -> ConductLogEntry:
    writes.check_fields(changes, LOG_FIELDS)
    with transaction.atomic():
        current = writes.current_for_write(
            entry,
            expected_version=expected_version,
            require=lambda e: require_perm(actor, CONDUCT, e),
        )
        changed = _changed(current, changes)
        _check_log(actor, current, changed)
        return writes.update(current, expected_version=expected_version, actor=actor)


def log_entry_delete(
    *, entry: ConductLogEntry, expected_version: int | None = None, actor: Any
) -> None:
    with transaction.atomic():
        current = writes.current_for_write(
            entry,
            expected_version=expected_version,
            require=lambda e: require_perm(actor, CONDUCT, e),
        )
        writes.delete(current, actor=actor, what=_("dòng nhật ký"))


# --- safety incidents --------------------------------------------------------------------------


def _check_incident(actor: Any, incident: SafetyIncident, changed: set[str] | None) -> None:
    if not (incident.description or "").strip():
        raise ValidationError({"description": _("Cần mô tả diễn biến sự cố.")})
    if incident.resolved_at and not (incident.resolution or "").strip():
        raise ValidationError(
            {"resolution": _("Đã ghi thời điểm xử lý xong thì cần ghi biện pháp xử lý.")}
        )
    if changed is None or "classification" in changed:
        check_marking(actor, incident)


def incident_create(
    *,
    exercise: Any,
    category: str,
    description: str,
    at: dt.datetime | None = None,
    severity: str = "minor",
    injured_count: int = 0,
    killed_count: int = 0,
    resolution: str = "",
    resolved_at: dt.datetime | None = None,
    classification: int | None = None,
    is_illustrative: bool = False,
    actor: Any,
) -> SafetyIncident:
    """Record a safety incident; the conduct log says so too."""
    with transaction.atomic():
        check_exercise_visible(actor, exercise)
        incident = SafetyIncident(
            exercise=exercise,
            at=at or timezone.now(),
            category=category,
            severity=severity or "minor",
            injured_count=int(injured_count or 0),
            killed_count=int(killed_count or 0),
            description=description,
            resolution=resolution,
            resolved_at=resolved_at,
            classification=(
                exercise.classification if classification is None else int(classification)
            ),
            reported_by=actor if getattr(actor, "is_authenticated", False) else None,
            is_illustrative=is_illustrative,
        )
        require_perm(actor, CONDUCT, incident)
        _check_incident(actor, incident, None)
        saved = create_versioned(incident, actor=actor)
        _system_log(
            exercise,
            "safety",
            _("Sự cố an toàn (%(category)s, %(severity)s): %(text)s")
            % {
                "category": saved.get_category_display(),
                "severity": saved.get_severity_display(),
                "text": saved.description[:200],
            },
            actor,
            at=saved.at,
            classification=saved.classification,
        )
        return saved


def incident_update(
    *,
    incident: SafetyIncident,
    changes: Mapping[str, Any],
    expected_version: int | None,
    actor: Any,
) -> SafetyIncident:
    writes.check_fields(changes, INCIDENT_FIELDS)
    with transaction.atomic():
        current = writes.current_for_write(
            incident,
            expected_version=expected_version,
            require=lambda i: require_perm(actor, CONDUCT, i),
        )
        changed = _changed(current, changes)
        _check_incident(actor, current, changed)
        return writes.update(current, expected_version=expected_version, actor=actor)


def incident_delete(
    *, incident: SafetyIncident, expected_version: int | None = None, actor: Any
) -> None:
    with transaction.atomic():
        current = writes.current_for_write(
            incident,
            expected_version=expected_version,
            require=lambda i: require_perm(actor, CONDUCT, i),
        )
        writes.delete(current, actor=actor, what=_("sự cố an toàn"))


__all__ = ["ConcurrentEditError"]
