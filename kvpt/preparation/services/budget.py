"""Writes to budget lines (kinh phí): estimate, actual, additional costs and settlement, in VND.

The settlement rules are checked here (and so for the pages and the API alike): a settled amount
needs its date, and nobody settles more than was spent (actual + additional). Lines of the
category "site clearance" are always flagged as site-clearance compensation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kvpt.core import writes
from kvpt.core.permissions import require_perm
from kvpt.preparation.formatting import vnd
from kvpt.preparation.models import BudgetCategory, BudgetLine
from kvpt.preparation.services.works import (
    PERM,
    check_exercise_visible,
    check_marking,
    check_subcommittee,
)

BUDGET_LINE_FIELDS = (
    "code",
    "description",
    "category",
    "source",
    "subcommittee",
    "is_site_clearance",
    "estimate",
    "actual",
    "additional",
    "settled_amount",
    "settled_on",
    "classification",
    "notes",
    "is_illustrative",
)
AMOUNT_FIELDS = ("estimate", "actual", "additional", "settled_amount")


def check_settlement(line: BudgetLine) -> None:
    """Money is whole, non-negative VND; a settlement has a date and stays within what was spent."""
    errors: dict[str, str] = {}
    for name in AMOUNT_FIELDS:
        value = getattr(line, name)
        if value is None or int(value) < 0:
            errors[name] = _("Số tiền không được âm.")
    if errors:
        raise ValidationError(errors)
    if line.settled_amount > 0 and line.settled_on is None:
        errors["settled_on"] = _("Cần nhập ngày quyết toán khi đã có số tiền quyết toán.")
    spent = line.actual + line.additional
    if line.settled_amount > spent:
        errors["settled_amount"] = _(
            "Số quyết toán (%(settled)s) không được lớn hơn thực chi cộng phát sinh (%(spent)s)."
        ) % {"settled": vnd(line.settled_amount), "spent": vnd(spent)}
    if errors:
        raise ValidationError(errors)


def _normalise(line: BudgetLine) -> None:
    if line.category == BudgetCategory.SITE_CLEARANCE:
        line.is_site_clearance = True


def budget_line_create(
    *,
    exercise: Any,
    code: str,
    description: str,
    category: str,
    source: str,
    subcommittee: Any = None,
    is_site_clearance: bool = False,
    estimate: int = 0,
    actual: int = 0,
    additional: int = 0,
    settled_amount: int = 0,
    settled_on: dt.date | None = None,
    classification: int | None = None,
    notes: str = "",
    is_illustrative: bool = False,
    actor: Any,
) -> BudgetLine:
    """Add a budget line to `exercise`; its marking defaults to the exercise's."""
    with transaction.atomic():
        check_exercise_visible(actor, exercise)
        line = BudgetLine(
            exercise=exercise,
            code=code,
            description=description,
            category=category,
            source=source,
            subcommittee=subcommittee,
            is_site_clearance=is_site_clearance,
            estimate=estimate or 0,
            actual=actual or 0,
            additional=additional or 0,
            settled_amount=settled_amount or 0,
            settled_on=settled_on,
            classification=(
                exercise.classification if classification is None else int(classification)
            ),
            notes=notes,
            is_illustrative=is_illustrative,
        )
        _normalise(line)
        require_perm(actor, PERM, line)
        check_marking(actor, line)
        check_subcommittee(actor, line)
        check_settlement(line)
        writes.check_code_unique(BudgetLine, code, None, within={"exercise": exercise})
        return writes.insert(line, actor=actor)


def budget_line_update(
    *,
    budget_line: BudgetLine,
    changes: Mapping[str, Any],
    expected_version: int | None,
    actor: Any,
) -> BudgetLine:
    writes.check_fields(changes, BUDGET_LINE_FIELDS)
    with transaction.atomic():
        current = writes.current_for_write(
            budget_line,
            expected_version=expected_version,
            require=lambda line: require_perm(actor, PERM, line),
        )
        before = {name: getattr(current, name) for name in changes}
        writes.apply_changes(current, changes)
        changed = {name for name in changes if getattr(current, name) != before[name]}
        _normalise(current)
        if "subcommittee" in changed:
            require_perm(actor, PERM, current)  # a member must sit on the new subcommittee too
            check_subcommittee(actor, current)
        if "classification" in changed:
            check_marking(actor, current)
        check_settlement(current)
        writes.check_code_unique(
            BudgetLine, current.code, current.pk, within={"exercise_id": current.exercise_id}
        )
        return writes.update(current, expected_version=expected_version, actor=actor)


def budget_line_delete(
    *, budget_line: BudgetLine, expected_version: int | None = None, actor: Any
) -> None:
    """Delete a line; the works paid from it keep existing, without a budget line."""
    with transaction.atomic():
        current = writes.current_for_write(
            budget_line,
            expected_version=expected_version,
            require=lambda line: require_perm(actor, PERM, line),
        )
        writes.delete(current, actor=actor, what=_("dòng kinh phí"))
