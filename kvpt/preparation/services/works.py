"""Writes to works (công trình): add, edit, delete, and the handover to the unit that keeps them.

Every function is the last line of defence: the actor must hold "preparation.change_record" on the
work (editors of the exercise, or a member of the work's subcommittee: checked before and after the
change, so a member cannot move a work to a subcommittee they do not sit on), every referenced
record must be one the actor can see and belong to the same exercise, and the work's marking is
never below its exercise's nor above the actor's clearance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kvpt.core import writes
from kvpt.core.models import Classification
from kvpt.core.permissions import require_perm
from kvpt.exercises.models import CommitteeKind
from kvpt.preparation.models import (
    BudgetLine,
    QuantityUnit,
    Work,
    WorkStatus,
)

PERM = "preparation.change_record"

# The fields `work_update` accepts in `changes`; the form edits the same, in this order. The
# handover fields stay editable afterwards so an editor can correct a record number or a date.
WORK_FIELDS = (
    "code",
    "name",
    "kind",
    "construction",
    "quantity",
    "quantity_unit",
    "location",
    "classification",
    "status",
    "owner",
    "subcommittee",
    "budget_line",
    "notes",
    "is_illustrative",
)
WORK_HANDOVER_FIELDS = ("custodian", "handed_over_to", "handed_over_on", "handover_record")
WORK_UPDATE_FIELDS = WORK_FIELDS + WORK_HANDOVER_FIELDS


# --- shared checks (budget lines use them too) -------------------------------------------------


def check_exercise_visible(actor: Any, exercise: Any) -> None:
    from kvpt.exercises.selectors import exercise_list

    if exercise is None or not exercise_list(actor).filter(pk=exercise.pk).exists():
        raise ValidationError(
            {"exercise": _("Không tìm thấy cuộc diễn tập này trong phạm vi của bạn.")}
        )


def check_marking(actor: Any, record: Any) -> None:
    """A record inherits its exercise's level and may be set higher, never lower."""
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


def check_subcommittee(actor: Any, record: Any) -> None:
    """The subcommittee is one of the record's exercise, visible to the actor."""
    from kvpt.exercises.selectors import committee_list

    committee = record.subcommittee
    if committee is None:
        return
    ok = (
        committee.exercise_id == record.exercise_id
        and committee.kind == CommitteeKind.SUBCOMMITTEE
        and committee_list(actor).filter(pk=committee.pk).exists()
    )
    if not ok:
        raise ValidationError(
            {"subcommittee": _("Hãy chọn một tiểu ban của chính cuộc diễn tập này.")}
        )


def check_agency(actor: Any, agency: Any, field: str) -> None:
    from kvpt.organisations.selectors import agency_list

    writes.require_visible(
        agency_list(actor), agency, field, _("Không tìm thấy cơ quan này trong phạm vi của bạn.")
    )


def _check_budget_line(actor: Any, work: Work) -> None:
    from kvpt.preparation.selectors import budget_line_list

    line = work.budget_line
    if line is None:
        return
    if (
        line.exercise_id != work.exercise_id
        or not budget_line_list(actor).filter(pk=line.pk).exists()
    ):
        raise ValidationError(
            {"budget_line": _("Hãy chọn một dòng kinh phí của chính cuộc diễn tập này.")}
        )


def _check_references(actor: Any, work: Work, changed: set[str] | None = None) -> None:
    """Check the references that are new (all of them on create)."""

    def named(name: str) -> bool:
        return changed is None or name in changed

    if named("subcommittee"):
        check_subcommittee(actor, work)
    if named("budget_line"):
        _check_budget_line(actor, work)
    for field in ("owner", "custodian", "handed_over_to"):
        if named(field):
            check_agency(actor, getattr(work, field), field)


def _require(actor: Any, work: Work) -> None:
    require_perm(actor, PERM, work)


# --- works -------------------------------------------------------------------------------------


def work_create(
    *,
    exercise: Any,
    code: str,
    name: str,
    kind: str,
    construction: str,
    quantity: Decimal | None = None,
    quantity_unit: str = QuantityUnit.EACH,
    location: str = "",
    classification: int | None = None,
    status: str = WorkStatus.PLANNED,
    owner: Any = None,
    subcommittee: Any = None,
    budget_line: BudgetLine | None = None,
    notes: str = "",
    is_illustrative: bool = False,
    actor: Any,
) -> Work:
    """Add a work to `exercise`; its marking defaults to the exercise's."""
    with transaction.atomic():
        check_exercise_visible(actor, exercise)
        if status == WorkStatus.HANDED_OVER:
            raise ValidationError({"status": _("Bàn giao công trình bằng chức năng “Bàn giao”.")})
        work = Work(
            exercise=exercise,
            code=code,
            name=name,
            kind=kind,
            construction=construction,
            quantity=quantity,
            quantity_unit=quantity_unit or QuantityUnit.EACH,
            location=location,
            classification=(
                exercise.classification if classification is None else int(classification)
            ),
            status=status,
            owner=owner,
            subcommittee=subcommittee,
            budget_line=budget_line,
            notes=notes,
            is_illustrative=is_illustrative,
        )
        _require(actor, work)
        check_marking(actor, work)
        _check_references(actor, work)
        writes.check_code_unique(Work, code, None, within={"exercise": exercise})
        return writes.insert(work, actor=actor)


def work_update(
    *, work: Work, changes: Mapping[str, Any], expected_version: int | None, actor: Any
) -> Work:
    writes.check_fields(changes, WORK_UPDATE_FIELDS)
    with transaction.atomic():
        current = writes.current_for_write(
            work, expected_version=expected_version, require=lambda w: _require(actor, w)
        )
        before = {name: getattr(current, name) for name in changes}
        was_handed_over = current.status == WorkStatus.HANDED_OVER
        writes.apply_changes(current, changes)
        changed = {name for name in changes if getattr(current, name) != before[name]}
        if current.status == WorkStatus.HANDED_OVER and not was_handed_over:
            raise ValidationError(
                {"status": _("Bàn giao công trình bằng chức năng “Bàn giao” (cần biên bản).")}
            )
        if "subcommittee" in changed:
            _require(actor, current)  # the member must sit on the new subcommittee too
        if changed & {"classification"}:
            check_marking(actor, current)
        _check_references(actor, current, changed)
        writes.check_code_unique(
            Work, current.code, current.pk, within={"exercise_id": current.exercise_id}
        )
        return writes.update(current, expected_version=expected_version, actor=actor)


def work_delete(*, work: Work, expected_version: int | None = None, actor: Any) -> None:
    with transaction.atomic():
        current = writes.current_for_write(
            work, expected_version=expected_version, require=lambda w: _require(actor, w)
        )
        writes.delete(current, actor=actor, what=_("công trình"))


def work_hand_over(
    *,
    work: Work,
    receiving_agency: Any,
    on: dt.date,
    record_number: str,
    expected_version: int | None,
    actor: Any,
) -> Work:
    """Hand a finished work over: the receiving agency keeps it from now on (biên bản bàn giao).

    Only a work that is done can be handed over; the history records the handover with its record.
    """
    with transaction.atomic():
        current = writes.current_for_write(
            work, expected_version=expected_version, require=lambda w: _require(actor, w)
        )
        if current.status != WorkStatus.DONE:
            raise ValidationError(
                _(
                    "Chỉ bàn giao được công trình đã hoàn thành; công trình này đang ở trạng thái "
                    "“%(status)s”."
                )
                % {"status": current.get_status_display()},
                code="not_done",
            )
        errors: dict[str, str] = {}
        if receiving_agency is None:
            errors["receiving_agency"] = _("Cần chọn đơn vị nhận bàn giao.")
        if on is None:
            errors["on"] = _("Cần nhập ngày bàn giao.")
        if not (record_number or "").strip():
            errors["record_number"] = _("Cần nhập số biên bản bàn giao.")
        if errors:
            raise ValidationError(errors)
        check_agency(actor, receiving_agency, "receiving_agency")
        current.handed_over_to = receiving_agency
        current.handed_over_on = on
        current.handover_record = record_number
        current.custodian = receiving_agency
        current.status = WorkStatus.HANDED_OVER
        current._change_reason = _(  # type: ignore[attr-defined]
            "Bàn giao cho %(agency)s ngày %(day)s, biên bản số %(record)s"
        ) % {
            "agency": receiving_agency.name,
            "day": f"{on:%d/%m/%Y}",
            "record": record_number.strip(),
        }
        return writes.update(current, expected_version=expected_version, actor=actor)
