"""Writes to the directory: areas, successions, agencies, units, people and their positions.

Every function is the last line of defence: it checks that the actor manages the place it writes
to (and, on a move, the place it moves to), that referenced records are ones the actor can see,
and that no record is classified above the actor's clearance. Views and API endpoints only parse,
call these, and render.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kvpt.core import writes
from kvpt.core.models import Classification
from kvpt.core.scope import get_scope
from kvpt.core.services import create_versioned, delete_recorded, save_versioned
from kvpt.organisations import selectors
from kvpt.organisations.models import (
    Agency,
    Area,
    AreaLevel,
    AreaSuccession,
    Person,
    Position,
    Unit,
)

PERM = "organisations.manage"

# The fields each `<entity>_update` accepts in `changes`; the forms edit the same, in this order.
AREA_FIELDS = (
    "code",
    "name",
    "level",
    "parent",
    "valid_from",
    "valid_to",
    "require_two_factor",
    "note",
)
AGENCY_FIELDS = (
    "code",
    "name",
    "short_name",
    "kind",
    "area",
    "parent",
    "covered_areas",
    "valid_from",
    "valid_to",
    "classification",
)
UNIT_FIELDS = (
    "code",
    "name",
    "kind",
    "agency",
    "parent",
    "size_label",
    "strength",
    "classification",
)
PERSON_FIELDS = ("code", "full_name", "rank", "area", "phone", "email", "note", "classification")
POSITION_FIELDS = ("agency", "title", "order", "start", "end")


# --- shared checks -----------------------------------------------------------------------------


def _require_manage(actor: Any, obj: Any) -> None:
    if not actor.has_perm(PERM, obj):
        raise PermissionDenied(_("Bạn không có quyền quản lý danh mục tại địa bàn này."))


def _require_manage_area(actor: Any, area: Area | None) -> None:
    """Writing into `area` (or at the top of the tree when None) needs the manage permission."""
    if area is None:
        if not get_scope(actor).is_superuser:
            raise PermissionDenied(_("Chỉ quản trị hệ thống mới được tạo địa bàn cấp cao nhất."))
        return
    _require_manage(actor, area)


def _managed_current(instance: Any, expected_version: int | None, actor: Any) -> Any:
    """The stored row, once the actor is known to manage it and the version is not stale."""
    return writes.current_for_write(
        instance,
        expected_version=expected_version,
        require=lambda current: _require_manage(actor, current),
    )


def _check_area_visible(actor: Any, area: Area | None, field: str = "area") -> None:
    writes.require_visible(
        selectors.area_list(actor),
        area,
        field,
        _("Không tìm thấy địa bàn này trong phạm vi của bạn."),
    )


def _check_agency_visible(actor: Any, agency: Agency) -> None:
    writes.require_visible(
        selectors.agency_list(actor),
        agency,
        "agency",
        _("Không tìm thấy cơ quan này trong phạm vi của bạn."),
    )


def _check_classification(actor: Any, changes: Mapping[str, Any], current: Any) -> None:
    if "classification" in changes:
        writes.check_clearance(actor, current.classification)


# --- areas -------------------------------------------------------------------------------------


def _check_area_placement(area: Area, level: AreaLevel, parent: Area | None) -> None:
    if parent is None:
        return
    if area.pk and (parent.pk == area.pk or f"/{area.pk}/" in parent.path):
        raise ValidationError(
            {"parent": _("Không thể đặt một địa bàn trực thuộc chính nó hoặc cấp dưới của nó.")}
        )
    if level.rank <= parent.level.rank:
        raise ValidationError(
            {
                "level": _(
                    "Cấp “%(level)s” phải thấp hơn cấp “%(parent_level)s” của địa bàn trực thuộc."
                )
                % {"level": level, "parent_level": parent.level}
            }
        )


def area_create(
    *,
    code: str,
    name: str,
    level: AreaLevel,
    parent: Area | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    require_two_factor: bool = False,
    note: str = "",
    actor: Any,
) -> Area:
    """Add an area under `parent` (a top-level area needs a system administrator)."""
    with transaction.atomic():
        _check_area_visible(actor, parent, "parent")
        _require_manage_area(actor, parent)
        area = Area(
            code=code,
            name=name,
            level=level,
            parent=parent,
            valid_from=valid_from,
            valid_to=valid_to,
            require_two_factor=require_two_factor,
            note=note,
        )
        writes.check_code_unique(Area, code, None)
        _check_area_placement(area, level, parent)
        return writes.insert(area, actor=actor)


def area_update(
    *, area: Area, changes: Mapping[str, Any], expected_version: int | None, actor: Any
) -> Area:
    """Change an area; moving it under another parent rewrites the whole subtree's paths."""
    writes.check_fields(changes, AREA_FIELDS)
    with transaction.atomic():
        current = _managed_current(area, expected_version, actor)
        old_parent_id = current.parent_id
        writes.apply_changes(current, changes)
        if current.parent_id != old_parent_id:
            _check_area_visible(actor, current.parent, "parent")
            _require_manage_area(actor, current.parent)
        writes.check_code_unique(Area, current.code, current.pk)
        _check_area_placement(current, current.level, current.parent)
        if "level" in changes:
            lowest_child_rank = (
                current.children.order_by("level__rank")
                .values_list("level__rank", flat=True)
                .first()
            )
            if lowest_child_rank is not None and lowest_child_rank <= current.level.rank:
                raise ValidationError(
                    {"level": _("Cấp mới phải cao hơn cấp của các địa bàn trực thuộc.")}
                )
        return writes.update(current, expected_version=expected_version, actor=actor)


def area_delete(*, area: Area, expected_version: int | None = None, actor: Any) -> None:
    """Delete an area nothing refers to; roles granted on it and succession links block it too."""
    with transaction.atomic():
        current = _managed_current(area, expected_version, actor)
        # These relations cascade in the schema; deleting them silently would lose grants/history.
        if current.memberships.exists():
            raise ValidationError(
                _("Không thể xóa địa bàn “%(obj)s” vì còn phân quyền trên địa bàn này.")
                % {"obj": current},
                code="protected",
            )
        if current.successions_in.exists() or current.successions_out.exists():
            raise ValidationError(
                _("Không thể xóa địa bàn “%(obj)s” vì còn liên kết kế thừa; hãy gỡ liên kết trước.")
                % {"obj": current},
                code="protected",
            )
        writes.delete(current, actor=actor, what=_("địa bàn"))


def area_succession_add(
    *,
    predecessor: Area,
    successor: Area,
    effective_on: dt.date,
    note: str = "",
    actor: Any,
) -> AreaSuccession:
    """Record that `predecessor`'s territory passed (wholly or partly) to `successor`."""
    with transaction.atomic():
        _require_manage(actor, successor)
        writes.require_visible(
            selectors.area_list(actor),
            predecessor,
            "predecessor",
            _("Không tìm thấy địa bàn cũ trong phạm vi của bạn."),
        )
        if predecessor.pk == successor.pk:
            raise ValidationError({"successor": _("Một địa bàn không thể kế thừa chính nó.")})
        links = AreaSuccession.objects.filter
        if links(predecessor=predecessor, successor=successor).exists():
            raise ValidationError({"successor": _("Liên kết kế thừa này đã có.")})
        if links(predecessor=successor, successor=predecessor).exists():
            raise ValidationError(
                {"successor": _("Đã có liên kết theo chiều ngược lại giữa hai địa bàn này.")}
            )
        link = AreaSuccession(
            predecessor=predecessor, successor=successor, effective_on=effective_on, note=note
        )
        return create_versioned(link, actor=actor)


def area_succession_remove(*, succession: AreaSuccession, actor: Any) -> None:
    with transaction.atomic():
        _require_manage(actor, succession.successor)
        delete_recorded(succession, actor=actor)


# --- agencies ----------------------------------------------------------------------------------


def _check_agency_parent(agency: Agency, parent: Agency | None, actor: Any) -> None:
    if parent is None:
        return
    writes.require_visible(
        selectors.agency_list(actor),
        parent,
        "parent",
        _("Không tìm thấy cơ quan cấp trên trong phạm vi của bạn."),
    )
    writes.check_not_own_ancestor(
        agency, parent, _("Không thể đặt một cơ quan trực thuộc chính nó hoặc cấp dưới của nó.")
    )


def _covered_areas(agency: Agency | None, wanted: Iterable[Area], actor: Any) -> list[Area]:
    """The covered areas to store: those chosen, plus any already there the actor cannot see."""
    wanted = list(wanted)
    visible = selectors.area_list(actor)
    visible_ids = set(visible.filter(pk__in=[a.pk for a in wanted]).values_list("pk", flat=True))
    hidden_choice = [a for a in wanted if a.pk not in visible_ids]
    if hidden_choice:
        raise ValidationError(
            {"covered_areas": _("Có địa bàn phụ trách nằm ngoài phạm vi của bạn.")}
        )
    kept: list[Area] = []
    if agency is not None and agency.pk:
        kept = list(agency.covered_areas.exclude(pk__in=visible.values("pk")))
    return wanted + kept


def agency_create(
    *,
    code: str,
    name: str,
    kind: str,
    area: Area,
    short_name: str = "",
    parent: Agency | None = None,
    covered_areas: Iterable[Area] = (),
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    classification: int = Classification.UNCLASSIFIED,
    actor: Any,
) -> Agency:
    """Add an agency acting in `area` (covered areas: e.g. the communes a PTKV command covers)."""
    with transaction.atomic():
        _check_area_visible(actor, area)
        _require_manage(actor, area)
        writes.check_clearance(actor, classification)
        agency = Agency(
            code=code,
            name=name,
            short_name=short_name,
            kind=kind,
            area=area,
            parent=parent,
            valid_from=valid_from,
            valid_to=valid_to,
            classification=classification,
        )
        writes.check_code_unique(Agency, code, None)
        _check_agency_parent(agency, parent, actor)
        areas = _covered_areas(None, covered_areas, actor)
        agency = writes.insert(agency, actor=actor)
        if areas:
            agency.covered_areas.set(areas)
        return agency


def agency_update(
    *, agency: Agency, changes: Mapping[str, Any], expected_version: int | None, actor: Any
) -> Agency:
    writes.check_fields(changes, AGENCY_FIELDS)
    changes = dict(changes)
    covered = changes.pop("covered_areas", None)
    with transaction.atomic():
        current = _managed_current(agency, expected_version, actor)
        old_area_id, old_parent_id = current.area_id, current.parent_id
        writes.apply_changes(current, changes)
        if current.area_id != old_area_id:
            _check_area_visible(actor, current.area)
            _require_manage(actor, current.area)
        if current.parent_id != old_parent_id:
            _check_agency_parent(current, current.parent, actor)
        _check_classification(actor, changes, current)
        writes.check_code_unique(Agency, current.code, current.pk)
        areas = _covered_areas(current, covered, actor) if covered is not None else None
        current = writes.update(current, expected_version=expected_version, actor=actor)
        if areas is not None and {a.pk for a in areas} != set(
            current.covered_areas.values_list("pk", flat=True)
        ):
            current.covered_areas.set(areas)
        return current


def agency_delete(*, agency: Agency, expected_version: int | None = None, actor: Any) -> None:
    with transaction.atomic():
        current = _managed_current(agency, expected_version, actor)
        writes.delete(current, actor=actor, what=_("cơ quan"))


# --- units -------------------------------------------------------------------------------------


def _check_unit_parent(unit: Unit, parent: Unit | None, actor: Any) -> None:
    if parent is None:
        return
    writes.require_visible(
        selectors.unit_list(actor),
        parent,
        "parent",
        _("Không tìm thấy đơn vị cấp trên trong phạm vi của bạn."),
    )
    writes.check_not_own_ancestor(
        unit, parent, _("Không thể đặt một đơn vị trực thuộc chính nó hoặc cấp dưới của nó.")
    )


def unit_create(
    *,
    code: str,
    name: str,
    kind: str,
    agency: Agency,
    parent: Unit | None = None,
    size_label: str = "",
    strength: int | None = None,
    classification: int = Classification.UNCLASSIFIED,
    actor: Any,
) -> Unit:
    """Add a unit under `agency`; its strength may be unknown, its size label known."""
    with transaction.atomic():
        _check_agency_visible(actor, agency)
        _require_manage(actor, agency)
        writes.check_clearance(actor, classification)
        unit = Unit(
            code=code,
            name=name,
            kind=kind,
            agency=agency,
            parent=parent,
            size_label=size_label,
            strength=strength,
            classification=classification,
        )
        writes.check_code_unique(Unit, code, None)
        _check_unit_parent(unit, parent, actor)
        return writes.insert(unit, actor=actor)


def unit_update(
    *, unit: Unit, changes: Mapping[str, Any], expected_version: int | None, actor: Any
) -> Unit:
    writes.check_fields(changes, UNIT_FIELDS)
    with transaction.atomic():
        current = _managed_current(unit, expected_version, actor)
        old_agency_id, old_parent_id = current.agency_id, current.parent_id
        writes.apply_changes(current, changes)
        if current.agency_id != old_agency_id:
            _check_agency_visible(actor, current.agency)
            _require_manage(actor, current.agency)
        if current.parent_id != old_parent_id:
            _check_unit_parent(current, current.parent, actor)
        _check_classification(actor, changes, current)
        writes.check_code_unique(Unit, current.code, current.pk)
        return writes.update(current, expected_version=expected_version, actor=actor)


def unit_delete(*, unit: Unit, expected_version: int | None = None, actor: Any) -> None:
    with transaction.atomic():
        current = _managed_current(unit, expected_version, actor)
        writes.delete(current, actor=actor, what=_("đơn vị"))


# --- people and positions ----------------------------------------------------------------------


def person_create(
    *,
    code: str,
    full_name: str,
    area: Area,
    rank: str = "",
    phone: str = "",
    email: str = "",
    note: str = "",
    classification: int = Classification.UNCLASSIFIED,
    actor: Any,
) -> Person:
    """Add a person to the directory of `area`."""
    with transaction.atomic():
        _check_area_visible(actor, area)
        _require_manage(actor, area)
        writes.check_clearance(actor, classification)
        person = Person(
            code=code,
            full_name=full_name,
            area=area,
            rank=rank,
            phone=phone,
            email=email,
            note=note,
            classification=classification,
        )
        writes.check_code_unique(Person, code, None)
        return writes.insert(person, actor=actor)


def person_update(
    *, person: Person, changes: Mapping[str, Any], expected_version: int | None, actor: Any
) -> Person:
    writes.check_fields(changes, PERSON_FIELDS)
    with transaction.atomic():
        current = _managed_current(person, expected_version, actor)
        old_area_id = current.area_id
        writes.apply_changes(current, changes)
        if current.area_id != old_area_id:
            _check_area_visible(actor, current.area)
            _require_manage(actor, current.area)
        _check_classification(actor, changes, current)
        writes.check_code_unique(Person, current.code, current.pk)
        return writes.update(current, expected_version=expected_version, actor=actor)


def person_delete(*, person: Person, expected_version: int | None = None, actor: Any) -> None:
    with transaction.atomic():
        current = _managed_current(person, expected_version, actor)
        if hasattr(current, "user"):
            raise ValidationError(
                _("Không thể xóa “%(obj)s” vì đang gắn với một tài khoản người dùng.")
                % {"obj": current},
                code="protected",
            )
        writes.delete(current, actor=actor, what=_("cán bộ"))


def position_create(
    *,
    person: Person,
    agency: Agency,
    title: str,
    order: int = 0,
    start: dt.date | None = None,
    end: dt.date | None = None,
    actor: Any,
) -> Position:
    """Give `person` a title in `agency` (one person often holds several)."""
    with transaction.atomic():
        _require_manage(actor, person)
        _check_agency_visible(actor, agency)
        position = Position(
            person=person, agency=agency, title=title, order=order, start=start, end=end
        )
        return create_versioned(position, actor=actor)


def position_update(
    *, position: Position, changes: Mapping[str, Any], expected_version: int | None, actor: Any
) -> Position:
    writes.check_fields(changes, POSITION_FIELDS)
    with transaction.atomic():
        current = writes.current_for_write(
            position,
            expected_version=expected_version,
            require=lambda stored: _require_manage(actor, stored.person),
        )
        old_agency_id = current.agency_id
        writes.apply_changes(current, changes)
        if current.agency_id != old_agency_id:
            _check_agency_visible(actor, current.agency)
        return save_versioned(current, expected_version=expected_version, actor=actor)


def position_delete(*, position: Position, actor: Any) -> None:
    with transaction.atomic():
        _require_manage(actor, position.person)
        delete_recorded(position, actor=actor)
