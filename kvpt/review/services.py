"""Writes of the review: conferences, observations and their states, directives, corrective actions
(with their status moves, closure approval and evidence), and notifications.

Every function is the last line of defence: the actor must hold the permission on the record
(kvpt/accounts/rules.py: "review.record" for conference entries, "review.manage_action" to plan
actions, "review.work_on_action" for owners reporting progress, "review.approve_action" for the
directing side), every referenced record must be one the actor can see and belong to the same
exercise, and a record's marking is never below its exercise's nor above the actor's clearance.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kvpt.core import writes
from kvpt.core.models import Classification
from kvpt.core.permissions import require_perm
from kvpt.core.text import clean_text
from kvpt.core.uploads import DOCUMENT_KINDS, check_upload
from kvpt.review.localtime import local_today
from kvpt.review.models import (
    ActionEvidence,
    ActionStatus,
    Conference,
    CorrectiveAction,
    Directive,
    Notification,
    NotificationKind,
    Observation,
    ObservationState,
    ObservationTransition,
)

logger = logging.getLogger(__name__)

RECORD = "review.record"
MANAGE_ACTION = "review.manage_action"
WORK_ON_ACTION = "review.work_on_action"
APPROVE_ACTION = "review.approve_action"

CONFERENCE_FIELDS = (
    "code",
    "title",
    "held_on",
    "place",
    "attendees",
    "agenda",
    "notes",
    "classification",
    "is_illustrative",
)
OBSERVATION_FIELDS = (
    "code",
    "conference",
    "kind",
    "area",
    "observation",
    "discussion",
    "conclusion",
    "recommendation",
    "raised_by_agency",
    "raised_by_unit",
    "raised_by_person",
    "tags",
    "classification",
    "is_illustrative",
)
DIRECTIVE_FIELDS = (
    "code",
    "conference",
    "text",
    "given_by",
    "given_on",
    "classification",
    "is_illustrative",
)
ACTION_FIELDS = (
    "code",
    "title",
    "description",
    "observation",
    "directive",
    "owner",
    "responsible",
    "start",
    "due",
    "progress_note",
    "classification",
    "is_illustrative",
)
# What an owner who does not manage the action may change on it.
ACTION_OWNER_FIELDS = ("progress_note",)

OS = ObservationState
# Observation states: the lesson moves forward, or is rejected (and may be reopened).
OBSERVATION_MOVES: dict[str, frozenset[str]] = {
    OS.OBSERVATION: frozenset({OS.LESSON_IDENTIFIED, OS.REJECTED}),
    OS.LESSON_IDENTIFIED: frozenset({OS.ACTION_PLANNED, OS.REJECTED}),
    OS.ACTION_PLANNED: frozenset({OS.LESSON_LEARNED}),
    OS.LESSON_LEARNED: frozenset(),
    OS.REJECTED: frozenset({OS.OBSERVATION}),
}
# Moves that must say why.
OBSERVATION_REASON_NEEDED = frozenset(
    {
        (OS.OBSERVATION, OS.REJECTED),
        (OS.LESSON_IDENTIFIED, OS.REJECTED),
        (OS.REJECTED, OS.OBSERVATION),
    }
)

AS = ActionStatus
# Action status moves and the permission each needs.
ACTION_MOVES: dict[str, dict[str, str]] = {
    AS.OPEN: {
        AS.IN_PROGRESS: WORK_ON_ACTION,
        AS.DONE_PENDING_APPROVAL: WORK_ON_ACTION,
        AS.CANCELLED: APPROVE_ACTION,
    },
    AS.IN_PROGRESS: {AS.DONE_PENDING_APPROVAL: WORK_ON_ACTION, AS.CANCELLED: APPROVE_ACTION},
    AS.DONE_PENDING_APPROVAL: {AS.CLOSED: APPROVE_ACTION, AS.IN_PROGRESS: APPROVE_ACTION},
    AS.CLOSED: {},
    AS.CANCELLED: {},
}
# Moves that must say why: refusing a closure, cancelling.
ACTION_REASON_NEEDED = frozenset(
    {
        (AS.DONE_PENDING_APPROVAL, AS.IN_PROGRESS),
        (AS.OPEN, AS.CANCELLED),
        (AS.IN_PROGRESS, AS.CANCELLED),
    }
)
DUE_SOON_DAYS = 3

CODE_PREFIX = {Conference: "HN", Observation: "NX", Directive: "CD", CorrectiveAction: "KP"}


# --- shared checks ---------------------------------------------------------------------------


def _check_exercise_visible(actor: Any, exercise: Any) -> None:
    from kvpt.exercises.selectors import exercise_list

    if exercise is None or not exercise_list(actor).filter(pk=exercise.pk).exists():
        raise ValidationError(
            {"exercise": _("Không tìm thấy cuộc diễn tập này trong phạm vi của bạn.")}
        )


def _check_marking(actor: Any, record: Any) -> None:
    floor = int(record.exercise.classification)
    if int(record.classification) < floor:
        raise ValidationError(
            {
                "classification": _(
                    "Độ mật không được thấp hơn độ mật của cuộc diễn tập (“%(level)s”)."
                )
                % {"level": Classification(floor).label}
            }
        )
    writes.check_clearance(actor, record.classification)


def _check_directory(actor: Any, record: Any, changed: set[str] | None) -> None:
    """Agencies, units and people referenced must be visible to the actor (people: also the
    members of the exercise's committees)."""
    from kvpt.organisations.selectors import unit_list
    from kvpt.review.selectors import agencies_for, people_for

    def people(user: Any) -> Any:
        return people_for(user, record.exercise_id)

    def agencies(user: Any) -> Any:
        return agencies_for(user, record.exercise_id)

    lists = {
        "raised_by_agency": agencies,
        "raised_by_unit": unit_list,
        "raised_by_person": people,
        "given_by": people,
        "owner": agencies,
        "responsible": people,
    }
    for field, selector in lists.items():
        if not hasattr(record, f"{field}_id") or (changed is not None and field not in changed):
            continue
        writes.require_visible(
            selector(actor),
            getattr(record, field),
            field,
            _("Không tìm thấy mục này trong danh bạ thuộc phạm vi của bạn."),
        )


def _check_same_exercise(actor: Any, record: Any, changed: set[str] | None) -> None:
    """A conference, observation or directive referenced must be one of the same exercise."""
    from kvpt.review import selectors

    lists = {
        "conference": (
            selectors.conference_list,
            _("Hãy chọn một hội nghị của cuộc diễn tập này."),
        ),
        "observation": (
            selectors.observation_list,
            _("Hãy chọn một nhận xét của cuộc diễn tập này."),
        ),
        "directive": (selectors.directive_list, _("Hãy chọn một chỉ đạo của cuộc diễn tập này.")),
    }
    for field, (selector, message) in lists.items():
        if not hasattr(record, f"{field}_id") or (changed is not None and field not in changed):
            continue
        ref = getattr(record, field)
        if ref is None:
            continue
        if ref.exercise_id != record.exercise_id or not selector(actor).filter(pk=ref.pk).exists():
            raise ValidationError({field: message})


def _check_raised_by(record: Observation) -> None:
    named = [record.raised_by_agency_id, record.raised_by_unit_id, record.raised_by_person_id]
    if sum(1 for ref in named if ref) > 1:
        raise ValidationError(
            {"raised_by_person": _("Chỉ ghi một người nêu: cơ quan, đơn vị hoặc cá nhân.")}
        )


def _clean_tags(tags: Any) -> list[str]:
    """Tags from a list or a comma-separated text: trimmed, NFC, no duplicates, in order."""
    if tags is None:
        return []
    items = re.split(r"[,;\n]", tags) if isinstance(tags, str) else list(tags)
    seen: list[str] = []
    for item in items:
        tag = clean_text(str(item))[:60]
        if tag and tag.casefold() not in {t.casefold() for t in seen}:
            seen.append(tag)
    return seen[:20]


def _clean_agenda(agenda: Any) -> list[str]:
    if agenda is None:
        return []
    items = agenda.splitlines() if isinstance(agenda, str) else list(agenda)
    return [clean_text(str(item))[:400] for item in items if clean_text(str(item))][:50]


def next_code(model: type[Any], exercise_id: int) -> str:
    """The next free code "NX-01", "NX-02" ... of a kind within an exercise."""
    prefix = CODE_PREFIX[model]
    pattern = re.compile(rf"^{prefix}-(\d+)$", re.IGNORECASE)
    codes = model._default_manager.filter(
        exercise_id=exercise_id, code__istartswith=f"{prefix}-"
    ).values_list("code", flat=True)
    numbers = [int(m.group(1)) for m in (pattern.match(c) for c in codes) if m]
    return f"{prefix}-{(max(numbers, default=0) + 1):02d}"


def _new(
    model: type[Any],
    *,
    exercise: Any,
    code: str | None,
    classification: Any,
    actor: Any,
    **values: Any,
) -> Any:
    _check_exercise_visible(actor, exercise)
    record = model(
        exercise=exercise,
        code=(code or "").strip() or next_code(model, exercise.pk),
        classification=exercise.classification if classification is None else int(classification),
        **values,
    )
    return record


def _insert(record: Any, *, perm: str, actor: Any) -> Any:
    require_perm(actor, perm, record)
    _check_marking(actor, record)
    _check_directory(actor, record, None)
    _check_same_exercise(actor, record, None)
    writes.check_code_unique(
        type(record), record.code, None, within={"exercise_id": record.exercise_id}
    )
    return writes.insert(record, actor=actor)


def _update(
    record: Any,
    *,
    changes: Mapping[str, Any],
    allowed: Iterable[str],
    perm: str,
    expected_version: int | None,
    actor: Any,
    check: Any = None,
) -> Any:
    writes.check_fields(changes, allowed)
    current = writes.current_for_write(
        record, expected_version=expected_version, require=lambda r: require_perm(actor, perm, r)
    )
    before = {name: getattr(current, name) for name in changes}
    writes.apply_changes(current, changes)
    changed = {name for name in changes if getattr(current, name) != before[name]}
    if "classification" in changed:
        _check_marking(actor, current)
    _check_directory(actor, current, changed)
    _check_same_exercise(actor, current, changed)
    if check is not None:
        check(current)
    writes.check_code_unique(
        type(current), current.code, current.pk, within={"exercise_id": current.exercise_id}
    )
    current._changed_fields = changed
    return writes.update(current, expected_version=expected_version, actor=actor)


def _delete(record: Any, *, perm: str, expected_version: int | None, actor: Any, what: str) -> None:
    with transaction.atomic():
        current = writes.current_for_write(
            record,
            expected_version=expected_version,
            require=lambda r: require_perm(actor, perm, r),
        )
        writes.delete(current, actor=actor, what=what)


# --- conferences -----------------------------------------------------------------------------


def _check_chairs(actor: Any, exercise: Any, chairs: Iterable[Any]) -> list[Any]:
    from kvpt.review.selectors import people_for

    chosen = list(chairs or [])
    visible = set(
        people_for(actor, exercise)
        .filter(pk__in=[p.pk for p in chosen])
        .values_list("pk", flat=True)
    )
    if any(p.pk not in visible for p in chosen):
        raise ValidationError(
            {"chairs": _("Không tìm thấy người chủ trì này trong phạm vi của bạn.")}
        )
    return chosen


def conference_create(
    *,
    exercise: Any,
    title: str,
    held_on: dt.date,
    code: str | None = None,
    place: str = "",
    chairs: Iterable[Any] = (),
    attendees: str = "",
    agenda: Any = None,
    notes: str = "",
    classification: int | None = None,
    is_illustrative: bool = False,
    actor: Any,
) -> Conference:
    with transaction.atomic():
        conference = _new(
            Conference,
            exercise=exercise,
            code=code,
            classification=classification,
            actor=actor,
            title=title,
            held_on=held_on,
            place=place,
            attendees=attendees,
            agenda=_clean_agenda(agenda),
            notes=notes,
            is_illustrative=is_illustrative,
        )
        chosen = _check_chairs(actor, exercise, chairs)
        conference = _insert(conference, perm=RECORD, actor=actor)
        conference.chairs.set(chosen)
        return conference


def conference_update(
    *, conference: Conference, changes: Mapping[str, Any], expected_version: int | None, actor: Any
) -> Conference:
    changes = dict(changes)
    chairs = changes.pop("chairs", None)
    if "agenda" in changes:
        changes["agenda"] = _clean_agenda(changes["agenda"])
    with transaction.atomic():
        chosen = (
            _check_chairs(actor, conference.exercise_id, chairs) if chairs is not None else None
        )
        updated = _update(
            conference,
            changes=changes,
            allowed=CONFERENCE_FIELDS,
            perm=RECORD,
            expected_version=expected_version,
            actor=actor,
        )
        if chosen is not None:
            updated.chairs.set(chosen)
        return updated


def conference_delete(
    *, conference: Conference, expected_version: int | None = None, actor: Any
) -> None:
    _delete(
        conference, perm=RECORD, expected_version=expected_version, actor=actor, what=_("hội nghị")
    )


# --- observations ----------------------------------------------------------------------------


def observation_create(
    *,
    exercise: Any,
    kind: str,
    area: str,
    observation: str,
    code: str | None = None,
    conference: Conference | None = None,
    discussion: str = "",
    conclusion: str = "",
    recommendation: str = "",
    raised_by_agency: Any = None,
    raised_by_unit: Any = None,
    raised_by_person: Any = None,
    tags: Any = None,
    classification: int | None = None,
    is_illustrative: bool = False,
    actor: Any,
) -> Observation:
    with transaction.atomic():
        record = _new(
            Observation,
            exercise=exercise,
            code=code,
            classification=classification,
            actor=actor,
            conference=conference,
            kind=kind,
            area=area,
            observation=observation,
            discussion=discussion,
            conclusion=conclusion,
            recommendation=recommendation,
            raised_by_agency=raised_by_agency,
            raised_by_unit=raised_by_unit,
            raised_by_person=raised_by_person,
            tags=_clean_tags(tags),
            is_illustrative=is_illustrative,
        )
        _check_raised_by(record)
        return _insert(record, perm=RECORD, actor=actor)


def observation_update(
    *,
    observation: Observation,
    changes: Mapping[str, Any],
    expected_version: int | None,
    actor: Any,
) -> Observation:
    changes = dict(changes)
    if "tags" in changes:
        changes["tags"] = _clean_tags(changes["tags"])
    with transaction.atomic():
        return _update(
            observation,
            changes=changes,
            allowed=OBSERVATION_FIELDS,
            perm=RECORD,
            expected_version=expected_version,
            actor=actor,
            check=_check_raised_by,
        )


def observation_delete(
    *, observation: Observation, expected_version: int | None = None, actor: Any
) -> None:
    _delete(
        observation, perm=RECORD, expected_version=expected_version, actor=actor, what=_("nhận xét")
    )


def observation_transition(
    *,
    observation: Observation,
    to_state: str,
    reason: str = "",
    expected_version: int | None = None,
    actor: Any,
) -> Observation:
    """Move an observation's lesson on (or reject it), recording who, when and why."""
    reason = (reason or "").strip()
    with transaction.atomic():
        current = writes.current_for_write(
            observation,
            expected_version=expected_version,
            require=lambda r: require_perm(actor, RECORD, r),
        )
        from_state = current.state
        if to_state not in OBSERVATION_MOVES.get(from_state, frozenset()):
            raise ValidationError(
                {
                    "to_state": _("Không thể chuyển nhận xét từ “%(from)s” sang “%(to)s”.")
                    % {"from": OS(from_state).label, "to": _state_label(OS, to_state)}
                },
                code="illegal_move",
            )
        if (from_state, to_state) in OBSERVATION_REASON_NEEDED and not reason:
            raise ValidationError({"reason": _("Hãy ghi lý do.")}, code="reason_needed")
        current.state = to_state
        current._change_reason = reason[:100] or None  # type: ignore[attr-defined]
        saved = writes.update(current, expected_version=expected_version, actor=actor)
        ObservationTransition.objects.create(
            observation=saved,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        return saved


def _state_label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def observation_moves(observation: Observation) -> list[tuple[str, str]]:
    """The states an observation may move to now, as (value, label)."""
    return [(s, str(OS(s).label)) for s in OS.values if s in OBSERVATION_MOVES[observation.state]]


# --- directives ------------------------------------------------------------------------------


def directive_create(
    *,
    exercise: Any,
    text: str,
    code: str | None = None,
    conference: Conference | None = None,
    given_by: Any = None,
    given_on: dt.date | None = None,
    classification: int | None = None,
    is_illustrative: bool = False,
    actor: Any,
) -> Directive:
    with transaction.atomic():
        record = _new(
            Directive,
            exercise=exercise,
            code=code,
            classification=classification,
            actor=actor,
            conference=conference,
            text=text,
            given_by=given_by,
            given_on=given_on or (conference.held_on if conference is not None else None),
            is_illustrative=is_illustrative,
        )
        return _insert(record, perm=RECORD, actor=actor)


def directive_update(
    *, directive: Directive, changes: Mapping[str, Any], expected_version: int | None, actor: Any
) -> Directive:
    with transaction.atomic():
        return _update(
            directive,
            changes=changes,
            allowed=DIRECTIVE_FIELDS,
            perm=RECORD,
            expected_version=expected_version,
            actor=actor,
        )


def directive_delete(
    *, directive: Directive, expected_version: int | None = None, actor: Any
) -> None:
    _delete(
        directive, perm=RECORD, expected_version=expected_version, actor=actor, what=_("chỉ đạo")
    )


# --- corrective actions ----------------------------------------------------------------------


def action_create(
    *,
    exercise: Any,
    title: str,
    code: str | None = None,
    description: str = "",
    observation: Observation | None = None,
    directive: Directive | None = None,
    owner: Any = None,
    responsible: Any = None,
    start: dt.date | None = None,
    due: dt.date | None = None,
    progress_note: str = "",
    classification: int | None = None,
    is_illustrative: bool = False,
    actor: Any,
) -> CorrectiveAction:
    """Plan a corrective action; its owners are told (in-app) once the write is committed."""
    if classification is None:
        # An action is at least as secret as what it comes from.
        sources = [s.classification for s in (observation, directive) if s is not None]
        classification = max([int(exercise.classification), *sources]) if exercise else None
    with transaction.atomic():
        record = _new(
            CorrectiveAction,
            exercise=exercise,
            code=code,
            classification=classification,
            actor=actor,
            title=title,
            description=description,
            observation=observation,
            directive=directive,
            owner=owner,
            responsible=responsible,
            start=start,
            due=due,
            progress_note=progress_note,
            is_illustrative=is_illustrative,
        )
        action = _insert(record, perm=MANAGE_ACTION, actor=actor)
        transaction.on_commit(lambda: notify_assigned(action))
        return action


def action_update(
    *,
    action: CorrectiveAction,
    changes: Mapping[str, Any],
    expected_version: int | None,
    actor: Any,
) -> CorrectiveAction:
    """Managers change any planning field; an owner only reports progress (ACTION_OWNER_FIELDS)."""
    with transaction.atomic():
        perm = MANAGE_ACTION
        if set(changes) <= set(ACTION_OWNER_FIELDS) and not actor.has_perm(MANAGE_ACTION, action):
            perm = WORK_ON_ACTION
        updated = _update(
            action,
            changes=changes,
            allowed=ACTION_FIELDS,
            perm=perm,
            expected_version=expected_version,
            actor=actor,
        )
        if {"owner", "responsible"} & getattr(updated, "_changed_fields", set()):
            transaction.on_commit(lambda: notify_assigned(updated))
        return updated


def action_delete(
    *, action: CorrectiveAction, expected_version: int | None = None, actor: Any
) -> None:
    _delete(
        action,
        perm=MANAGE_ACTION,
        expected_version=expected_version,
        actor=actor,
        what=_("việc khắc phục"),
    )


def action_moves(action: CorrectiveAction, user: Any) -> list[tuple[str, str]]:
    """The statuses `user` may move the action to now, as (value, label)."""
    moves = ACTION_MOVES.get(action.status, {})
    return [(s, str(AS(s).label)) for s, perm in moves.items() if user.has_perm(perm, action)]


def action_transition(
    *,
    action: CorrectiveAction,
    to_status: str,
    note: str = "",
    expected_version: int | None = None,
    actor: Any,
) -> CorrectiveAction:
    """Move an action: owners start it and report it done; the directing side approves the
    closure (closed_at is set), refuses it (back to in progress, with a reason) or cancels."""
    note = (note or "").strip()
    with transaction.atomic():
        current = writes.current_for_write(
            action,
            expected_version=expected_version,
            require=lambda r: (
                require_perm(actor, WORK_ON_ACTION, r)
                if not actor.has_perm(APPROVE_ACTION, r)
                else None
            ),
        )
        from_status = current.status
        moves = ACTION_MOVES.get(from_status, {})
        if to_status not in moves:
            raise ValidationError(
                {
                    "to_status": _("Không thể chuyển việc khắc phục từ “%(from)s” sang “%(to)s”.")
                    % {"from": AS(from_status).label, "to": _state_label(AS, to_status)}
                },
                code="illegal_move",
            )
        if not actor.has_perm(moves[to_status], current):
            if moves[to_status] == APPROVE_ACTION:
                raise PermissionDenied(
                    _("Chỉ lãnh đạo cấp chỉ đạo mới duyệt đóng hoặc hủy việc khắc phục.")
                )
            raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))
        if (from_status, to_status) in ACTION_REASON_NEEDED and not note:
            raise ValidationError({"note": _("Hãy ghi lý do.")}, code="reason_needed")
        current.status = to_status
        if to_status == AS.CLOSED:
            current.closed_at = timezone.now()
            current.closed_by = actor if getattr(actor, "is_authenticated", False) else None
        if note:
            current._change_reason = note[:100]  # type: ignore[attr-defined]
            if to_status == AS.DONE_PENDING_APPROVAL:
                current.progress_note = note
        return writes.update(current, expected_version=expected_version, actor=actor)


def evidence_add(
    *, action: CorrectiveAction, upload: Any, note: str = "", actor: Any, field: str = "file"
) -> ActionEvidence:
    """Attach a checked file (kvpt.core.uploads) to an action; owners and managers may."""
    require_perm(actor, WORK_ON_ACTION, action)
    checked = check_upload(upload, field=field, label=_("Tệp minh chứng"), allowed=DOCUMENT_KINDS)
    stored: str | None = None
    try:
        with transaction.atomic():
            current = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
            require_perm(actor, WORK_ON_ACTION, current)
            if current.status in (AS.CLOSED, AS.CANCELLED):
                raise ValidationError({field: _("Việc khắc phục đã đóng hoặc đã hủy.")})
            evidence = ActionEvidence(
                action=current,
                filename=checked.filename,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                note=clean_text(note)[:400],
                uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            evidence.file.save(checked.filename, checked.file, save=False)
            stored = evidence.file.name
            evidence.full_clean(exclude=["file"])
            evidence.save()
            return evidence
    except BaseException:
        if stored:
            try:
                evidence.file.storage.delete(stored)
            except OSError:  # pragma: no cover - best effort
                logger.warning("could not remove %s", stored)
        raise


# --- notifications ---------------------------------------------------------------------------


def action_recipients(action: CorrectiveAction) -> list[Any]:
    """Who is told about an action: the responsible person's login; failing that, the holders of
    an owner role on the owner agency's own area. Only users who can see the action."""
    from kvpt.accounts.models import Membership, User
    from kvpt.review.selectors import OWNER_ROLES, action_list

    users: list[Any] = []
    if action.responsible_id:
        users = list(User.objects.filter(person_id=action.responsible_id, is_active=True))
    if not users and action.owner is not None:
        today = local_today()
        holders = (
            Membership.objects.filter(area_id=action.owner.area_id, role__in=OWNER_ROLES)
            .filter(models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=today))
            .filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=today))
            .values_list("user_id", flat=True)
        )
        users = list(User.objects.filter(pk__in=holders, is_active=True).order_by("pk"))
    return [u for u in users if action_list(u).filter(pk=action.pk).exists()]


def notify_assigned(action: CorrectiveAction, *, today: dt.date | None = None) -> int:
    """Tell the action's owners it was assigned to them (once per owner)."""
    if action.status not in (AS.OPEN, AS.IN_PROGRESS):
        return 0
    today = today or local_today()
    made = 0
    for user in action_recipients(action):
        already = Notification.objects.filter(
            user=user, action=action, kind=NotificationKind.ASSIGNED
        )
        if already.exists():
            continue
        try:
            with transaction.atomic():
                Notification.objects.create(
                    user=user, action=action, kind=NotificationKind.ASSIGNED, day=today
                )
                made += 1
        except IntegrityError:
            continue
    return made


def run_notifications(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The daily run (`kvpt notify`): assigned, due within DUE_SOON_DAYS, overdue.

    Idempotent: a second run the same (local) day creates nothing; "assigned" is sent once ever.
    """
    today = local_today(now)
    counts = dict.fromkeys(NotificationKind.values, 0)
    actions = CorrectiveAction.objects.filter(status__in=[AS.OPEN, AS.IN_PROGRESS]).select_related(
        "exercise", "exercise__area", "owner", "owner__area"
    )
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    for action in actions.iterator():
        counts[NotificationKind.ASSIGNED] += notify_assigned(action, today=today)
        if action.due is None:
            continue
        if action.due < today:
            kind = NotificationKind.OVERDUE
        elif action.due <= soon:
            kind = NotificationKind.DUE_SOON
        else:
            continue
        for user in action_recipients(action):
            _, created = Notification.objects.get_or_create(
                user=user, action=action, kind=kind, day=today
            )
            counts[kind] += int(created)
    return counts


def notification_mark_read(*, notification: Notification, actor: Any) -> Notification:
    if notification.user_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, actor: Any) -> int:
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
