"""Writes to an exercise's committees (BCĐ, BTC, Ban Đạo diễn, tổ giúp việc, tiểu ban) and members.

Every write checks that the actor sees the exercise (404 otherwise) and holds
"exercises.change_structure" on it (403), then goes through kvpt.core.writes, which refuses a
stale version, a closed exercise, and raises the exercise's revision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kvpt.core import writes
from kvpt.core.crud import Entity
from kvpt.core.permissions import require_perm
from kvpt.core.services import delete_recorded
from kvpt.core.text import fold
from kvpt.exercises.models import (
    Committee,
    CommitteeKind,
    CommitteeMember,
    CommitteeRole,
    Exercise,
)
from kvpt.exercises.selectors import (
    committee_list,
    committee_member_visible_list,
    committee_person_choices,
    committee_record_counts,
    exercise_list,
)

PERM = "exercises.change_structure"

COMMITTEE_FIELDS = ("kind", "code", "name", "order", "duties")
MEMBER_FIELDS = ("person", "position", "role", "exercise_role", "order")


@dataclass(frozen=True)
class StandardCommittee:
    """One entry of a catalogue offered when setting up an exercise's committees."""

    kind: str
    code: str
    name: Any  # a lazy translation: the exercise keeps the name in the language it was added in
    order: int


# The leading bodies every exercise has (domain.md §1).
STANDARD_LEADING_BODIES: tuple[StandardCommittee, ...] = (
    StandardCommittee(CommitteeKind.STEERING, "BCD", gettext_lazy("Ban Chỉ đạo"), 1),
    StandardCommittee(CommitteeKind.ORGANISING, "BTC", gettext_lazy("Ban Tổ chức"), 2),
    StandardCommittee(CommitteeKind.DIRECTING, "BDD", gettext_lazy("Ban Đạo diễn"), 3),
    StandardCommittee(CommitteeKind.SUPPORT, "TGV", gettext_lazy("Tổ giúp việc"), 4),
)

# The subcommittees most exercises set up (domain.md §4). Only a starting point: each exercise
# keeps its own list, adds others and removes what it does not need (the seed's district had 7).
STANDARD_SUBCOMMITTEES: tuple[StandardCommittee, ...] = (
    StandardCommittee(
        CommitteeKind.SUBCOMMITTEE, "TB-VANKIEN", gettext_lazy("Tiểu ban Văn kiện"), 11
    ),
    StandardCommittee(
        CommitteeKind.SUBCOMMITTEE, "TB-CONGTRINH", gettext_lazy("Tiểu ban Công trình"), 12
    ),
    StandardCommittee(
        CommitteeKind.SUBCOMMITTEE, "TB-THUCBINH", gettext_lazy("Tiểu ban Thực binh"), 13
    ),
    StandardCommittee(
        CommitteeKind.SUBCOMMITTEE, "TB-HCKT", gettext_lazy("Tiểu ban Hậu cần - Kỹ thuật"), 14
    ),
    StandardCommittee(
        CommitteeKind.SUBCOMMITTEE, "TB-TAICHINH", gettext_lazy("Tiểu ban Tài chính"), 15
    ),
    StandardCommittee(
        CommitteeKind.SUBCOMMITTEE, "TB-TUYENTRUYEN", gettext_lazy("Tiểu ban Tuyên truyền"), 16
    ),
    StandardCommittee(
        CommitteeKind.SUBCOMMITTEE, "TB-BVAN", gettext_lazy("Tiểu ban Bảo vệ - An ninh"), 17
    ),
    StandardCommittee(CommitteeKind.SUBCOMMITTEE, "TB-LETAN", gettext_lazy("Tiểu ban Lễ tân"), 18),
)

CATALOGUES: dict[str, tuple[StandardCommittee, ...]] = {
    "leading": STANDARD_LEADING_BODIES,
    "subcommittees": STANDARD_SUBCOMMITTEES,
}


def _reference_labels() -> dict[str, str]:
    """Preparation records that name a subcommittee (their FKs are PROTECT), by related name."""
    return {
        "tasks": _("công việc chuẩn bị"),
        "works": _("công trình"),
        "budget_lines": _("dòng kinh phí"),
        "documents": _("văn kiện"),
    }


# --- checks ------------------------------------------------------------------------------------


def _ensure_exercise_visible(actor: Any, exercise: Exercise) -> None:
    """An exercise outside the actor's scope or clearance does not exist for them."""
    if not exercise_list(actor).filter(pk=exercise.pk).exists():
        raise Http404


def _ensure_person_visible(actor: Any, person: Any, exercise: Exercise) -> None:
    if person is None:
        raise ValidationError({"person": _("Cần chọn người từ danh bạ cán bộ.")})
    writes.require_visible(
        committee_person_choices(actor, exercise),
        person,
        "person",
        _("Không tìm thấy người này trong danh bạ thuộc phạm vi của bạn."),
    )


def _check_name_unique(committee: Committee) -> None:
    clash = Committee.objects.filter(exercise_id=committee.exercise_id, name__iexact=committee.name)
    if committee.pk is not None:
        clash = clash.exclude(pk=committee.pk)
    if committee.name and clash.exists():
        raise ValidationError(
            {"name": _("Cuộc diễn tập này đã có ban tên “%(name)s”.") % {"name": committee.name}}
        )


def _refuse_if_referenced(committee: Committee, message: str) -> None:
    counts = committee_record_counts([committee.pk]).get(committee.pk, {})
    labels = _reference_labels()
    used = [f"{counts[name]} {label}" for name, label in labels.items() if counts.get(name)]
    if used:
        raise ValidationError(
            message % {"obj": committee, "users": ", ".join(used)}, code="protected"
        )


# --- committees --------------------------------------------------------------------------------


def committee_create(
    *,
    exercise: Exercise,
    kind: str,
    code: str,
    name: str,
    actor: Any,
    order: int | None = None,
    duties: str = "",
) -> Committee:
    """A new committee of `exercise`; without an order it goes after the others of the exercise."""
    with transaction.atomic():
        _ensure_exercise_visible(actor, exercise)
        require_perm(actor, PERM, exercise)
        if order is None:
            order = _next_order(Committee.objects.filter(exercise=exercise))
        committee = Committee(
            exercise=exercise,
            kind=kind,
            code=(code or "").strip(),
            name=name,
            order=order,
            duties=duties or "",
        )
        writes.check_code_unique(Committee, committee.code, None, within={"exercise": exercise})
        _check_name_unique(committee)
        return writes.insert(committee, actor=actor)


def committee_update(
    *, committee: Committee, changes: dict[str, Any], expected_version: int | None, actor: Any
) -> Committee:
    """Change a committee's kind, code, name, order or duties unless it was saved meanwhile."""
    writes.check_fields(changes, COMMITTEE_FIELDS)
    with transaction.atomic():
        current = writes.current_for_write(
            committee,
            expected_version=expected_version,
            require=lambda c: require_perm(actor, PERM, c),
        )
        was_subcommittee = current.is_subcommittee
        writes.apply_changes(current, changes)
        if current.order is None:
            current.order = 0
        if was_subcommittee and not current.is_subcommittee:
            _refuse_if_referenced(
                current,
                _(
                    "Không thể đổi “%(obj)s” thành loại ban khác vì công việc của tiểu ban "
                    "đang gắn với nó: %(users)s."
                ),
            )
        writes.check_code_unique(
            Committee, current.code, current.pk, within={"exercise": current.exercise_id}
        )
        _check_name_unique(current)
        return writes.update(current, expected_version=expected_version, actor=actor)


def committee_delete(*, committee: Committee, expected_version: int | None, actor: Any) -> None:
    """Delete a committee with its members; refused while preparation records name it."""
    with transaction.atomic():
        current = writes.current_for_write(
            committee,
            expected_version=expected_version,
            require=lambda c: require_perm(actor, PERM, c),
        )
        _refuse_if_referenced(
            current,
            _(
                "Không thể xóa “%(obj)s” vì còn %(users)s gắn với ban này. Hãy chuyển chúng sang "
                "tiểu ban khác hoặc xóa chúng trước."
            ),
        )
        # Members one by one, so each removal is in the history with its actor.
        for member in current.members.all():
            delete_recorded(member, actor=actor)
        writes.delete(current, actor=actor, what=_("ban"))


def missing_standard(
    exercise: Exercise, catalogue: str, existing: list[Committee] | None = None
) -> list[StandardCommittee]:
    """The catalogue's entries the exercise lacks (matched by code, or by name ignoring accents).

    `existing` is the exercise's committees when the caller has them loaded already.
    """
    entries = CATALOGUES.get(catalogue)
    if entries is None:
        raise ValidationError(_("Không có danh mục ban “%(name)s”.") % {"name": catalogue})
    if existing is None:
        existing = list(Committee.objects.filter(exercise=exercise))
    codes = {c.code.upper() for c in existing}
    names = {fold(c.name) for c in existing}
    return [e for e in entries if e.code not in codes and fold(str(e.name)) not in names]


def committee_add_standard(*, exercise: Exercise, catalogue: str, actor: Any) -> list[Committee]:
    """Add the catalogue's committees the exercise does not have yet; returns those added."""
    with transaction.atomic():
        _ensure_exercise_visible(actor, exercise)
        require_perm(actor, PERM, exercise)
        added = []
        for entry in missing_standard(exercise, catalogue):
            committee = Committee(
                exercise=exercise,
                kind=entry.kind,
                code=entry.code,
                name=str(entry.name),
                order=entry.order,
            )
            added.append(writes.insert(committee, actor=actor))
        return added


def _next_order(queryset: Any) -> int:
    top = queryset.aggregate(top=Max("order"))["top"]
    return 1 if top is None else int(top) + 1


# --- members -----------------------------------------------------------------------------------


def default_position(person: Any, exercise: Exercise, actor: Any) -> str:
    """The titles the person held when the exercise ran (or today): "Bí thư Huyện ủy, ...".

    Only titles in agencies the actor may see: a classified agency is not named through them.
    """
    from kvpt.organisations.selectors import visible_positions

    day = exercise.start_date or dt.date.today()
    positions = visible_positions(actor).filter(person_id=person.pk)
    return ", ".join(p.title for p in positions if p.held_on(day))


def committee_member_add(
    *,
    committee: Committee,
    person: Any,
    actor: Any,
    position: str | None = None,
    role: str = CommitteeRole.MEMBER,
    exercise_role: str = "",
    order: int | None = None,
) -> CommitteeMember:
    """Seat a person from the directory on a committee; the position defaults to their titles."""
    with transaction.atomic():
        current = writes.fresh(committee)
        _ensure_exercise_visible(actor, current.exercise)
        require_perm(actor, PERM, current)
        _ensure_person_visible(actor, person, current.exercise)
        _check_not_seated(current, person, exclude_pk=None)
        if not (position or "").strip():
            position = default_position(person, current.exercise, actor)
        if order is None:
            order = _next_order(CommitteeMember.objects.filter(committee=current))
        member = CommitteeMember(
            committee=current,
            person=person,
            position=position or "",
            role=role or CommitteeRole.MEMBER,
            exercise_role=exercise_role or "",
            order=order,
        )
        return writes.insert(member, actor=actor)


def committee_member_update(
    *,
    committee_member: CommitteeMember,
    changes: dict[str, Any],
    expected_version: int | None,
    actor: Any,
) -> CommitteeMember:
    """Change a member's person, position, roles or order unless it was saved meanwhile."""
    writes.check_fields(changes, MEMBER_FIELDS)
    with transaction.atomic():
        current = writes.current_for_write(
            committee_member,
            expected_version=expected_version,
            require=lambda m: require_perm(actor, PERM, m),
        )
        person = changes.get("person")
        if "person" in changes and getattr(person, "pk", None) != current.person_id:
            _ensure_person_visible(actor, person, current.committee.exercise)
            _check_not_seated(current.committee, person, exclude_pk=current.pk)
        writes.apply_changes(current, changes)
        if current.order is None:
            current.order = 0
        return writes.update(current, expected_version=expected_version, actor=actor)


def committee_member_remove(
    *, committee_member: CommitteeMember, expected_version: int | None, actor: Any
) -> None:
    """Take a person off a committee (the seat stays in the history)."""
    with transaction.atomic():
        current = writes.current_for_write(
            committee_member,
            expected_version=expected_version,
            require=lambda m: require_perm(actor, PERM, m),
        )
        writes.delete(current, actor=actor, what=_("thành viên"))


def _check_not_seated(committee: Committee, person: Any, *, exclude_pk: int | None) -> None:
    seated = CommitteeMember.objects.filter(committee=committee, person=person)
    if exclude_pk is not None:
        seated = seated.exclude(pk=exclude_pk)
    if seated.exists():
        raise ValidationError(
            {
                "person": _("%(person)s đã là thành viên của %(committee)s.")
                % {"person": person, "committee": committee}
            }
        )


# --- the two kinds as the pages and the API reach them (kvpt.core.crud.Entity) -------------------


COMMITTEE: Entity[Committee] = Entity(
    name="committee",
    visible=committee_list,
    perm=PERM,
    create=committee_create,
    update=committee_update,
    delete=committee_delete,
)
COMMITTEE_MEMBER: Entity[CommitteeMember] = Entity(
    name="committee_member",
    visible=committee_member_visible_list,
    perm=PERM,
    create=committee_member_add,
    update=committee_member_update,
    delete=committee_member_remove,
)
