"""Writes of the evaluation: criteria sets and criteria, evaluators' ratings, the chief
evaluator's official results and overall grade, and awards.

Every function is the last line of defence: the actor must hold the permission on the record
(kvpt/accounts/rules.py: "evaluation.manage_criteria", "evaluation.evaluate" (and only one's own
ratings), "evaluation.decide" for the chief evaluator, "evaluation.manage_awards"), every
referenced record must be visible to the actor and belong to the same exercise.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kvpt.core import writes
from kvpt.core.permissions import require_perm
from kvpt.evaluation.models import (
    Award,
    CriteriaSet,
    Criterion,
    Evaluation,
    ExerciseGrade,
    OfficialResult,
    ScaleLevel,
    TargetKind,
)

MANAGE_CRITERIA = "evaluation.manage_criteria"
EVALUATE = "evaluation.evaluate"
DECIDE = "evaluation.decide"
MANAGE_AWARDS = "evaluation.manage_awards"

CRITERIA_SET_FIELDS = ("code", "name", "scale", "is_illustrative")
CRITERION_FIELDS = ("code", "text", "order", "link_kind", "link_index")
EVALUATION_FIELDS = ("level", "comment", "classification", "is_illustrative")
GRADE_FIELDS = ("level", "decided_by_agency", "decided_on", "basis", "is_illustrative")
AWARD_FIELDS = (
    "code",
    "kind",
    "issuer_agency",
    "issuer_text",
    "recipient_agency",
    "recipient_unit",
    "recipient_person",
    "reason",
    "decision_number",
    "decision_date",
    "is_illustrative",
)


# --- shared checks ---------------------------------------------------------------------------


def _check_exercise_visible(actor: Any, exercise: Any) -> None:
    from kvpt.exercises.selectors import exercise_list

    if exercise is None or not exercise_list(actor).filter(pk=exercise.pk).exists():
        raise ValidationError(
            {"exercise": _("Không tìm thấy cuộc diễn tập này trong phạm vi của bạn.")}
        )


def _check_directory(actor: Any, record: Any, fields: Iterable[str]) -> None:
    from kvpt.organisations.selectors import agency_list, person_list, unit_list

    lists = {"agency": agency_list, "unit": unit_list, "person": person_list}
    for field in fields:
        ref = getattr(record, field, None)
        if ref is None:
            continue
        selector = lists[field.rsplit("_", 1)[-1]]
        writes.require_visible(
            selector(actor),
            ref,
            field,
            _("Không tìm thấy mục này trong danh bạ thuộc phạm vi của bạn."),
        )


def _check_level_on_scale(level: Any, scale_id: int | None, field: str = "level") -> None:
    if level is None:
        raise ValidationError({field: _("Hãy chọn một mức đánh giá.")})
    if scale_id is not None and level.scale_id != scale_id:
        raise ValidationError(
            {
                field: _("Mức “%(level)s” không thuộc thang đánh giá của tiêu chí.")
                % {"level": level}
            }
        )


def _check_criterion(criterion: Any, exercise_id: int) -> None:
    if criterion is not None and criterion.exercise_id != exercise_id:
        raise ValidationError({"criterion": _("Hãy chọn một tiêu chí của cuộc diễn tập này.")})


def next_code(model: type[Any], prefix: str, **within: Any) -> str:
    pattern = re.compile(rf"^{prefix}-(\d+)$", re.IGNORECASE)
    codes = model._default_manager.filter(code__istartswith=f"{prefix}-", **within).values_list(
        "code", flat=True
    )
    numbers = [int(m.group(1)) for m in (pattern.match(c) for c in codes) if m]
    return f"{prefix}-{(max(numbers, default=0) + 1):02d}"


def _update(
    record: Any,
    *,
    changes: Mapping[str, Any],
    allowed: Iterable[str],
    perm: str,
    expected_version: int | None,
    actor: Any,
    check: Any = None,
    within: Any = None,
) -> Any:
    writes.check_fields(changes, allowed)
    with transaction.atomic():
        current = writes.current_for_write(
            record,
            expected_version=expected_version,
            require=lambda r: require_perm(actor, perm, r),
        )
        writes.apply_changes(current, changes)
        if check is not None:
            check(current)
        if within is not None:
            writes.check_code_unique(
                type(current), current.code, current.pk, within=within(current)
            )
        return writes.update(current, expected_version=expected_version, actor=actor)


def _delete(record: Any, *, perm: str, expected_version: int | None, actor: Any, what: str) -> None:
    with transaction.atomic():
        current = writes.current_for_write(
            record,
            expected_version=expected_version,
            require=lambda r: require_perm(actor, perm, r),
        )
        writes.delete(current, actor=actor, what=what)


# --- targets ---------------------------------------------------------------------------------


def situation_model() -> Any:
    """The scenario's Situation model when that app is installed, else None."""
    try:
        return apps.get_model("scenario", "Situation")
    except LookupError:
        return None


def resolve_target(actor: Any, exercise: Any, kind: str, target_id: int | None) -> tuple[int, str]:
    """Check that the target exists, is visible and belongs to the exercise; (id, label)."""
    from kvpt.exercises.selectors import phase_list
    from kvpt.organisations.selectors import person_list, unit_list

    if kind not in TargetKind.values:
        raise ValidationError({"target_kind": _("Loại đối tượng đánh giá không hợp lệ.")})
    if kind == TargetKind.EXERCISE:
        if target_id not in (None, exercise.pk):
            raise ValidationError({"target_id": _("Đối tượng phải là chính cuộc diễn tập này.")})
        return exercise.pk, str(exercise.name)
    missing = ValidationError(
        {"target_id": _("Không tìm thấy đối tượng đánh giá này trong phạm vi của bạn.")}
    )
    if target_id is None:
        raise missing
    found: Any = None
    if kind == TargetKind.PHASE:
        found = phase_list(actor).filter(exercise=exercise, pk=target_id).first()
        label = str(found) if found else ""
    elif kind == TargetKind.SITUATION:
        model = situation_model()
        if model is None:
            return int(target_id), ""
        try:
            from kvpt.scenario.selectors import situation_list

            queryset = situation_list(actor)
        except (ImportError, AttributeError):
            queryset = model._default_manager.all()
        found = queryset.filter(exercise=exercise, pk=target_id).first()
        label = f"{getattr(found, 'code', '')} - {getattr(found, 'title', found)}" if found else ""
    elif kind == TargetKind.UNIT:
        found = unit_list(actor).filter(pk=target_id).first()
        label = found.name if found else ""
    else:
        found = person_list(actor).filter(pk=target_id).first()
        label = found.full_name if found else ""
    if found is None:
        raise missing
    return int(target_id), label[:400]


# --- criteria sets and criteria --------------------------------------------------------------


def criteria_set_create(
    *,
    exercise: Any,
    name: str,
    scale: Any,
    code: str | None = None,
    is_illustrative: bool = False,
    actor: Any,
) -> CriteriaSet:
    with transaction.atomic():
        _check_exercise_visible(actor, exercise)
        record = CriteriaSet(
            exercise=exercise,
            code=(code or "").strip() or next_code(CriteriaSet, "BTC", exercise=exercise),
            name=name,
            scale=scale,
            is_illustrative=is_illustrative,
        )
        require_perm(actor, MANAGE_CRITERIA, record)
        writes.check_code_unique(CriteriaSet, record.code, None, within={"exercise": exercise})
        return writes.insert(record, actor=actor)


def _check_scale_change(record: CriteriaSet) -> None:
    if (
        record.scale_id != CriteriaSet.objects.get(pk=record.pk).scale_id
        and Evaluation.objects.filter(criterion__criteria_set=record).exists()
    ):
        raise ValidationError(
            {"scale": _("Bộ tiêu chí đã có kết quả đánh giá: không đổi được thang đánh giá.")}
        )


def criteria_set_update(
    *,
    criteria_set: CriteriaSet,
    changes: Mapping[str, Any],
    expected_version: int | None,
    actor: Any,
) -> CriteriaSet:
    return _update(
        criteria_set,
        changes=changes,
        allowed=CRITERIA_SET_FIELDS,
        perm=MANAGE_CRITERIA,
        expected_version=expected_version,
        actor=actor,
        check=_check_scale_change,
        within=lambda r: {"exercise_id": r.exercise_id},
    )


def criteria_set_delete(
    *, criteria_set: CriteriaSet, expected_version: int | None, actor: Any
) -> None:
    _delete(
        criteria_set,
        perm=MANAGE_CRITERIA,
        expected_version=expected_version,
        actor=actor,
        what=_("bộ tiêu chí"),
    )


def criterion_create(
    *,
    criteria_set: CriteriaSet,
    text: str,
    code: str | None = None,
    order: int | None = None,
    link_kind: str = "",
    link_index: int | None = None,
    actor: Any,
) -> Criterion:
    with transaction.atomic():
        require_perm(actor, MANAGE_CRITERIA, criteria_set)
        if order is None:
            order = criteria_set.criteria.count() + 1
        record = Criterion(
            exercise_id=criteria_set.exercise_id,
            criteria_set=criteria_set,
            code=(code or "").strip() or next_code(Criterion, "TC", criteria_set=criteria_set),
            text=text,
            order=order,
            link_kind=link_kind or "",
            link_index=link_index,
        )
        writes.check_code_unique(
            Criterion, record.code, None, within={"criteria_set": criteria_set}
        )
        return writes.insert(record, actor=actor)


def criterion_update(
    *, criterion: Criterion, changes: Mapping[str, Any], expected_version: int | None, actor: Any
) -> Criterion:
    return _update(
        criterion,
        changes=changes,
        allowed=CRITERION_FIELDS,
        perm=MANAGE_CRITERIA,
        expected_version=expected_version,
        actor=actor,
        within=lambda r: {"criteria_set_id": r.criteria_set_id},
    )


def criterion_delete(*, criterion: Criterion, expected_version: int | None, actor: Any) -> None:
    _delete(
        criterion,
        perm=MANAGE_CRITERIA,
        expected_version=expected_version,
        actor=actor,
        what=_("tiêu chí"),
    )


# --- evaluations -----------------------------------------------------------------------------


def _evaluator_identity(actor: Any) -> tuple[Any, Any]:
    """The actor's person and the agency of their current position (the first one found)."""
    person = getattr(actor, "person", None)
    if person is None:
        return None, None
    import datetime as dt

    from django.db.models import Q

    from kvpt.organisations.models import Position

    today = dt.date.today()
    position = (
        Position.objects.select_related("agency")
        .filter(person=person)
        .filter(
            Q(start__isnull=True) | Q(start__lte=today), Q(end__isnull=True) | Q(end__gte=today)
        )
        .order_by("-agency__area__depth", "pk")
        .first()
    )
    return person, (position.agency if position else None)


def _check_evaluation(actor: Any, record: Evaluation) -> None:
    floor = int(record.exercise.classification)
    if int(record.classification) < floor:
        raise ValidationError(
            {"classification": _("Độ mật không được thấp hơn độ mật của cuộc diễn tập.")}
        )
    writes.check_clearance(actor, record.classification)
    _check_criterion(record.criterion, record.exercise_id)
    _check_level_on_scale(
        record.level, record.criterion.criteria_set.scale_id if record.criterion else None
    )


def _require_own(actor: Any, record: Evaluation) -> None:
    require_perm(actor, EVALUATE, record)
    if record.evaluator_id != actor.pk:
        raise PermissionDenied(_("Mỗi người chỉ sửa kết quả đánh giá của chính mình."))


def evaluation_create(
    *,
    exercise: Any,
    level: ScaleLevel,
    target_kind: str = TargetKind.EXERCISE,
    target_id: int | None = None,
    criterion: Criterion | None = None,
    comment: str = "",
    classification: int | None = None,
    evaluator_agency: Any = None,
    is_illustrative: bool = False,
    actor: Any,
) -> Evaluation:
    with transaction.atomic():
        _check_exercise_visible(actor, exercise)
        person, agency = _evaluator_identity(actor)
        record = Evaluation(
            exercise=exercise,
            evaluator=actor,
            evaluator_person=person,
            evaluator_agency=evaluator_agency or agency,
            criterion=criterion,
            level=level,
            comment=comment or "",
            classification=exercise.classification
            if classification is None
            else int(classification),
            is_illustrative=is_illustrative,
            target_kind=target_kind,
            target_id=0,
        )
        require_perm(actor, EVALUATE, record)
        record.target_id, record.target_label = resolve_target(
            actor, exercise, target_kind, target_id
        )
        _check_evaluation(actor, record)
        if evaluator_agency is not None:
            _check_directory(actor, record, ["evaluator_agency"])
        duplicate = Evaluation.objects.filter(
            evaluator=actor,
            exercise=exercise,
            target_kind=record.target_kind,
            target_id=record.target_id,
            criterion=criterion,
        )
        if duplicate.exists():
            raise ValidationError(
                {"criterion": _("Bạn đã đánh giá mục này; hãy sửa kết quả đã có.")}
            )
        return writes.insert(record, actor=actor)


def evaluation_update(
    *, evaluation: Evaluation, changes: Mapping[str, Any], expected_version: int | None, actor: Any
) -> Evaluation:
    writes.check_fields(changes, EVALUATION_FIELDS)
    with transaction.atomic():
        current = writes.current_for_write(
            evaluation, expected_version=expected_version, require=lambda r: _require_own(actor, r)
        )
        writes.apply_changes(current, changes)
        _check_evaluation(actor, current)
        return writes.update(current, expected_version=expected_version, actor=actor)


def evaluation_delete(*, evaluation: Evaluation, expected_version: int | None, actor: Any) -> None:
    with transaction.atomic():
        current = writes.current_for_write(
            evaluation, expected_version=expected_version, require=lambda r: _require_own(actor, r)
        )
        writes.delete(current, actor=actor, what=_("kết quả đánh giá"))


def evaluation_save(
    *,
    exercise: Any,
    criterion: Criterion | None,
    level: ScaleLevel,
    comment: str = "",
    target_kind: str = TargetKind.EXERCISE,
    target_id: int | None = None,
    expected_version: int | None = None,
    actor: Any,
) -> Evaluation:
    """The quick form's save: the actor's rating of this target and criterion, new or changed."""
    target_id_resolved = exercise.pk if target_kind == TargetKind.EXERCISE else int(target_id or 0)
    existing = Evaluation.objects.filter(
        evaluator=actor,
        exercise=exercise,
        target_kind=target_kind,
        target_id=target_id_resolved,
        criterion=criterion,
    ).first()
    if existing is None:
        return evaluation_create(
            exercise=exercise,
            level=level,
            target_kind=target_kind,
            target_id=target_id,
            criterion=criterion,
            comment=comment,
            actor=actor,
        )
    return evaluation_update(
        evaluation=existing,
        changes={"level": level, "comment": comment or ""},
        expected_version=expected_version,
        actor=actor,
    )


# --- official results (the chief evaluator's decisions) --------------------------------------


def official_result_set(
    *,
    exercise: Any,
    level: ScaleLevel,
    target_kind: str = TargetKind.EXERCISE,
    target_id: int | None = None,
    criterion: Criterion | None = None,
    rationale: str = "",
    expected_version: int | None = None,
    decided_at: Any = None,
    is_illustrative: bool = False,
    actor: Any,
) -> OfficialResult:
    """Record the chief evaluator's decision (a new one replaces the last; history keeps both).

    The level is chosen, never computed from the evaluators' ratings.
    """
    with transaction.atomic():
        _check_exercise_visible(actor, exercise)
        require_perm(actor, DECIDE, exercise)
        _check_criterion(criterion, exercise.pk)
        _check_level_on_scale(level, criterion.criteria_set.scale_id if criterion else None)
        resolved_id, label = resolve_target(actor, exercise, target_kind, target_id)
        person = getattr(actor, "person", None)
        values = {
            "level": level,
            "rationale": rationale or "",
            "decided_by": actor,
            "decided_by_person": person,
            "decided_at": decided_at or timezone.now(),
            "target_label": label,
            "is_illustrative": is_illustrative,
        }
        existing = OfficialResult.objects.filter(
            exercise=exercise, target_kind=target_kind, target_id=resolved_id, criterion=criterion
        ).first()
        if existing is None:
            record = OfficialResult(
                exercise=exercise,
                target_kind=target_kind,
                target_id=resolved_id,
                criterion=criterion,
                **values,
            )
            return writes.insert(record, actor=actor)
        current = writes.current_for_write(
            existing,
            expected_version=expected_version,
            require=lambda r: require_perm(actor, DECIDE, r),
        )
        writes.apply_changes(current, values)
        return writes.update(current, expected_version=expected_version, actor=actor)


def official_result_delete(
    *, official_result: OfficialResult, expected_version: int | None, actor: Any
) -> None:
    _delete(
        official_result,
        perm=DECIDE,
        expected_version=expected_version,
        actor=actor,
        what=_("kết quả chính thức"),
    )


# --- the overall grade -----------------------------------------------------------------------


def grade_set(
    *,
    exercise: Any,
    level: ScaleLevel,
    decided_by_agency: Any = None,
    decided_on: Any = None,
    basis: str = "",
    expected_version: int | None = None,
    is_illustrative: bool = False,
    actor: Any,
) -> ExerciseGrade:
    """Record (or change) the exercise's overall grade: the chief evaluator's decision."""
    with transaction.atomic():
        _check_exercise_visible(actor, exercise)
        require_perm(actor, DECIDE, exercise)
        _check_level_on_scale(level, None)
        values = {
            "level": level,
            "decided_by_agency": decided_by_agency,
            "decided_on": decided_on,
            "basis": basis or "",
            "decided_by": actor if getattr(actor, "is_authenticated", False) else None,
            "is_illustrative": is_illustrative,
        }
        existing = ExerciseGrade.objects.filter(exercise=exercise).first()
        if existing is None:
            record = ExerciseGrade(exercise=exercise, **values)
            _check_directory(actor, record, ["decided_by_agency"])
            return writes.insert(record, actor=actor)
        current = writes.current_for_write(
            existing,
            expected_version=expected_version,
            require=lambda r: require_perm(actor, DECIDE, r),
        )
        before = current.decided_by_agency_id
        writes.apply_changes(current, values)
        if current.decided_by_agency_id != before:
            _check_directory(actor, current, ["decided_by_agency"])
        return writes.update(current, expected_version=expected_version, actor=actor)


# --- awards ----------------------------------------------------------------------------------

AWARD_REFS = ("issuer_agency", "recipient_agency", "recipient_unit", "recipient_person")


def award_create(
    *, exercise: Any, kind: str, code: str | None = None, actor: Any, **values: Any
) -> Award:
    writes.check_fields(values, AWARD_FIELDS)
    with transaction.atomic():
        _check_exercise_visible(actor, exercise)
        record = Award(
            exercise=exercise,
            kind=kind,
            code=(code or "").strip() or next_code(Award, "KT", exercise=exercise),
            **values,
        )
        require_perm(actor, MANAGE_AWARDS, record)
        _check_directory(actor, record, AWARD_REFS)
        writes.check_code_unique(Award, record.code, None, within={"exercise": exercise})
        return writes.insert(record, actor=actor)


def award_update(
    *, award: Award, changes: Mapping[str, Any], expected_version: int | None, actor: Any
) -> Award:
    changed_refs = [name for name in AWARD_REFS if name in changes]
    return _update(
        award,
        changes=changes,
        allowed=AWARD_FIELDS,
        perm=MANAGE_AWARDS,
        expected_version=expected_version,
        actor=actor,
        check=lambda r: _check_directory(actor, r, changed_refs),
        within=lambda r: {"exercise_id": r.exercise_id},
    )


def award_delete(*, award: Award, expected_version: int | None, actor: Any) -> None:
    _delete(
        award,
        perm=MANAGE_AWARDS,
        expected_version=expected_version,
        actor=actor,
        what=_("khen thưởng"),
    )
