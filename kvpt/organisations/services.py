"""Writes to the directory: areas, successions, agencies, units, people and their positions.

Every function is the last line of defence: it checks that the actor manages the place it writes
to (and, on a move, the place it moves to), that referenced records are ones the actor can see,
and that no record is classified above the actor's clearance. Views and API endpoints only parse,
call these, and render.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from kvpt.core.models import Classification, VersionedModel
from kvpt.core.scope import get_scope
from kvpt.core.services import (
    ConcurrentEditError,
    create_versioned,
    delete_recorded,
    save_versioned,
)
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
V = TypeVar("V", bound=VersionedModel)

AREA_FIELDS = frozenset(
    {"code", "name", "level", "parent", "valid_from", "valid_to", "require_two_factor", "note"}
)
AGENCY_FIELDS = frozenset(
    {
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
    }
)
UNIT_FIELDS = frozenset(
    {"code", "name", "kind", "agency", "parent", "size_label", "strength", "classification"}
)
PERSON_FIELDS = frozenset(
    {"code", "full_name", "rank", "area", "phone", "email", "note", "classification"}
)
POSITION_FIELDS = frozenset({"agency", "title", "order", "start", "end"})


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


def _require_visible(queryset: models.QuerySet[Any], obj: Any, field: str, message: str) -> None:
    """A referenced record must be one the actor can see; hidden and absent look the same."""
    if obj is not None and not queryset.filter(pk=obj.pk).exists():
        raise ValidationError({field: message})


def _check_area_visible(actor: Any, area: Area | None, field: str = "area") -> None:
    _require_visible(
        selectors.area_list(actor),
        area,
        field,
        _("Không tìm thấy địa bàn này trong phạm vi của bạn."),
    )


def _check_clearance(actor: Any, level: int) -> None:
    if int(level) > get_scope(actor).clearance:
        raise ValidationError(
            {
                "classification": _(
                    "Không thể đặt độ mật “%(level)s” cao hơn mức bạn được tiếp cận."
                )
                % {"level": Classification(int(level)).label}
            }
        )


def _check_code_unique(model: type[models.Model], code: str, exclude_pk: int | None) -> None:
    """A clear message before the database's own unique check (which stays as the backstop)."""
    code = (code or "").strip()
    clash = model._default_manager.filter(code__iexact=code)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if code and clash.exists():
        raise ValidationError(
            {
                "code": _("Mã “%(code)s” đã được dùng cho một %(kind)s khác; hãy chọn mã khác.")
                % {"code": code, "kind": model._meta.verbose_name}
            }
        )


def _check_fields(changes: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError({name: _("Trường này không sửa được ở đây.") for name in unknown})


def _fresh(instance: V) -> V:
    """The stored row, whatever an unsaved form did to the caller's copy."""
    model = type(instance)
    try:
        return model._default_manager.get(pk=instance.pk)
    except model.DoesNotExist as exc:
        raise ValidationError(_("Bản ghi này không còn tồn tại."), code="gone") from exc


def _insert(instance: V, *, actor: Any) -> V:
    try:
        with transaction.atomic():
            return create_versioned(instance, actor=actor)
    except IntegrityError as exc:
        raise _integrity_error(instance) from exc


def _update(instance: V, *, expected_version: int | None, actor: Any) -> V:
    try:
        with transaction.atomic():
            return save_versioned(instance, expected_version=expected_version, actor=actor)
    except IntegrityError as exc:
        raise _integrity_error(instance) from exc


def _integrity_error(instance: Any) -> ValidationError:
    # Reached only when two writers raced past the pre-check with the same code.
    return ValidationError(
        {"code": _("Mã “%(code)s” vừa được dùng cho bản ghi khác.") % {"code": instance.code}}
    )


def _delete(instance: Any, *, actor: Any, what: str) -> None:
    try:
        with transaction.atomic():
            delete_recorded(instance, actor=actor)
    except (ProtectedError, RestrictedError) as exc:
        raise ValidationError(
            _("Không thể xóa %(what)s “%(obj)s” vì đang được dùng bởi: %(users)s.")
            % {"what": what, "obj": instance, "users": _describe_references(exc)},
            code="protected",
        ) from exc


def _describe_references(exc: ProtectedError | RestrictedError) -> str:
    counts: dict[str, int] = {}
    objs = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
    for obj in objs:
        label = str(obj._meta.verbose_name_plural)
        counts[label] = counts.get(label, 0) + 1
    return ", ".join(f"{n} {label}" for label, n in sorted(counts.items()))


def _check_version(instance: VersionedModel, expected_version: int | None) -> None:
    """Refuse early (before any other check) an edit made from a stale copy."""
    if expected_version is not None and instance.version != expected_version:
        raise ConcurrentEditError(instance, instance.version)


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
        _check_code_unique(Area, code, None)
        _check_area_placement(area, level, parent)
        return _insert(area, actor=actor)


def area_update(
    *, area: Area, changes: Mapping[str, Any], expected_version: int | None, actor: Any
) -> Area:
    """Change an area; moving it under another parent rewrites the whole subtree's paths."""
    _check_fields(changes, AREA_FIELDS)
    with transaction.atomic():
        current = _fresh(area)
        _require_manage(actor, current)
        _check_version(current, expected_version)
        old_parent_id = current.parent_id
        for name, value in changes.items():
            setattr(current, name, value)
        if current.parent_id != old_parent_id:
            _check_area_visible(actor, current.parent, "parent")
            _require_manage_area(actor, current.parent)
        _check_code_unique(Area, current.code, current.pk)
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
        return _update(current, expected_version=expected_version, actor=actor)


def area_delete(*, area: Area, expected_version: int | None = None, actor: Any) -> None:
    """Delete an area nothing refers to; roles granted on it and succession links block it too."""
    with transaction.atomic():
        current = _fresh(area)
        _require_manage(actor, current)
        _check_version(current, expected_version)
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
        _delete(current, actor=actor, what=_("địa bàn"))


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
        _require_visible(
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
    _require_visible(
        selectors.agency_list(actor),
        parent,
        "parent",
        _("Không tìm thấy cơ quan cấp trên trong phạm vi của bạn."),
    )
    seen: set[int] = set()
    node: Agency | None = parent
    while node is not None and node.pk not in seen:
        if agency.pk and node.pk == agency.pk:
            raise ValidationError(
                {"parent": _("Không thể đặt một cơ quan trực thuộc chính nó hoặc cấp dưới của nó.")}
            )
        seen.add(node.pk)
        node = node.parent


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
        _check_clearance(actor, classification)
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
        _check_code_unique(Agency, code, None)
        _check_agency_parent(agency, parent, actor)
        areas = _covered_areas(None, covered_areas, actor)
        agency = _insert(agency, actor=actor)
        if areas:
            agency.covered_areas.set(areas)
        return agency


def agency_update(
    *, agency: Agency, changes: Mapping[str, Any], expected_version: int | None, actor: Any
) -> Agency:
    _check_fields(changes, AGENCY_FIELDS)
    changes = dict(changes)
    covered = changes.pop("covered_areas", None)
    with transaction.atomic():
        current = _fresh(agency)
        _require_manage(actor, current)
        _check_version(current, expected_version)
        old_area_id, old_parent_id = current.area_id, current.parent_id
        for name, value in changes.items():
            setattr(current, name, value)
        if current.area_id != old_area_id:
            _check_area_visible(actor, current.area)
            _require_manage(actor, current.area)
        if current.parent_id != old_parent_id:
            _check_agency_parent(current, current.parent, actor)
        if "classification" in changes:
            _check_clearance(actor, current.classification)
        _check_code_unique(Agency, current.code, current.pk)
        areas = _covered_areas(current, covered, actor) if covered is not None else None
        current = _update(current, expected_version=expected_version, actor=actor)
        if areas is not None and {a.pk for a in areas} != set(
            current.covered_areas.values_list("pk", flat=True)
        ):
            current.covered_areas.set(areas)
        return current


def agency_delete(*, agency: Agency, expected_version: int | None = None, actor: Any) -> None:
    with transaction.atomic():
        current = _fresh(agency)
        _require_manage(actor, current)
        _check_version(current, expected_version)
        _delete(current, actor=actor, what=_("cơ quan"))


# --- units -------------------------------------------------------------------------------------


def _check_unit_parent(unit: Unit, parent: Unit | None, actor: Any) -> None:
    if parent is None:
        return
    _require_visible(
        selectors.unit_list(actor),
        parent,
        "parent",
        _("Không tìm thấy đơn vị cấp trên trong phạm vi của bạn."),
    )
    seen: set[int] = set()
    node: Unit | None = parent
    while node is not None and node.pk not in seen:
        if unit.pk and node.pk == unit.pk:
            raise ValidationError(
                {"parent": _("Không thể đặt một đơn vị trực thuộc chính nó hoặc cấp dưới của nó.")}
            )
        seen.add(node.pk)
        node = node.parent


def _check_agency_visible(actor: Any, agency: Agency) -> None:
    _require_visible(
        selectors.agency_list(actor),
        agency,
        "agency",
        _("Không tìm thấy cơ quan này trong phạm vi của bạn."),
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
        _check_clearance(actor, classification)
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
        _check_code_unique(Unit, code, None)
        _check_unit_parent(unit, parent, actor)
        return _insert(unit, actor=actor)


def unit_update(
    *, unit: Unit, changes: Mapping[str, Any], expected_version: int | None, actor: Any
) -> Unit:
    _check_fields(changes, UNIT_FIELDS)
    with transaction.atomic():
        current = _fresh(unit)
        _require_manage(actor, current)
        _check_version(current, expected_version)
        old_agency_id, old_parent_id = current.agency_id, current.parent_id
        for name, value in changes.items():
            setattr(current, name, value)
        if current.agency_id != old_agency_id:
            _check_agency_visible(actor, current.agency)
            _require_manage(actor, current.agency)
        if current.parent_id != old_parent_id:
            _check_unit_parent(current, current.parent, actor)
        if "classification" in changes:
            _check_clearance(actor, current.classification)
        _check_code_unique(Unit, current.code, current.pk)
        return _update(current, expected_version=expected_version, actor=actor)


def unit_delete(*, unit: Unit, expected_version: int | None = None, actor: Any) -> None:
    with transaction.atomic():
        current = _fresh(unit)
        _require_manage(actor, current)
        _check_version(current, expected_version)
        _delete(current, actor=actor, what=_("đơn vị"))


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
        _check_clearance(actor, classification)
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
        _check_code_unique(Person, code, None)
        return _insert(person, actor=actor)


def person_update(
    *, person: Person, changes: Mapping[str, Any], expected_version: int | None, actor: Any
) -> Person:
    _check_fields(changes, PERSON_FIELDS)
    with transaction.atomic():
        current = _fresh(person)
        _require_manage(actor, current)
        _check_version(current, expected_version)
        old_area_id = current.area_id
        for name, value in changes.items():
            setattr(current, name, value)
        if current.area_id != old_area_id:
            _check_area_visible(actor, current.area)
            _require_manage(actor, current.area)
        if "classification" in changes:
            _check_clearance(actor, current.classification)
        _check_code_unique(Person, current.code, current.pk)
        return _update(current, expected_version=expected_version, actor=actor)


def person_delete(*, person: Person, expected_version: int | None = None, actor: Any) -> None:
    with transaction.atomic():
        current = _fresh(person)
        _require_manage(actor, current)
        _check_version(current, expected_version)
        if hasattr(current, "user"):
            raise ValidationError(
                _("Không thể xóa “%(obj)s” vì đang gắn với một tài khoản người dùng.")
                % {"obj": current},
                code="protected",
            )
        _delete(current, actor=actor, what=_("cán bộ"))


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
    _check_fields(changes, POSITION_FIELDS)
    with transaction.atomic():
        current = _fresh(position)
        _require_manage(actor, current.person)
        _check_version(current, expected_version)
        old_agency_id = current.agency_id
        for name, value in changes.items():
            setattr(current, name, value)
        if current.agency_id != old_agency_id:
            _check_agency_visible(actor, current.agency)
        return save_versioned(current, expected_version=expected_version, actor=actor)


def position_delete(*, position: Position, actor: Any) -> None:
    with transaction.atomic():
        _require_manage(actor, position.person)
        delete_recorded(position, actor=actor)
