"""API endpoints of the organisations app (mounted by config/api.py at /api/v1/).

Reads go through the selectors (outside scope -> 404), writes through `require_perm` (403) and the
services. Related records are named by id or by stable code; a reference the caller cannot see is
reported as not found on that field (422), never revealed.
"""

# No `from __future__ import annotations` here: ninja reads the parameter types of paginated
# endpoints through ninja.pagination's wrapper, whose module cannot resolve string annotations.
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from kvpt.core.api import ErrorOut, PagePagination
from kvpt.core.models import AccessLog
from kvpt.core.permissions import require_perm
from kvpt.core.scope import get_visible_or_404
from kvpt.core.views_helpers import log_classified_read, log_classified_reads
from kvpt.organisations import selectors, services
from kvpt.organisations.models import Agency, Area, AreaLevel, AreaSuccession, Person, Unit
from kvpt.organisations.schemas import (
    AgencyFilters,
    AgencyIn,
    AgencyOut,
    AgencyPatch,
    AgencyUpdate,
    AreaFilters,
    AreaIn,
    AreaLevelOut,
    AreaOut,
    AreaPatch,
    AreaSuccessionFilters,
    AreaSuccessionIn,
    AreaSuccessionOut,
    AreaUpdate,
    PersonFilters,
    PersonIn,
    PersonOut,
    PersonPatch,
    PersonUpdate,
    PositionIn,
    PositionOut,
    UnitFilters,
    UnitIn,
    UnitOut,
    UnitPatch,
    UnitUpdate,
)

router = Router(tags=["organisations"])

MANAGE = "organisations.manage"
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
UPDATE_ERRORS: dict[int, Any] = {**WRITE_ERRORS, 409: ErrorOut}


class LoggedPagePagination(PagePagination):
    """PagePagination that logs the classified rows of the page it returns (one INSERT)."""

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        log_classified_reads(request.user, page["items"], AccessLog.Action.API)
        return page


# --- references by id or code ------------------------------------------------------------------


def _ref(
    queryset: QuerySet[Any],
    data: dict[str, Any],
    name: str,
    label: str,
    *,
    current: Model | None = None,
    required: bool = False,
) -> Any:
    """Resolve `<name>_id` or `<name>_code` within what the caller may see.

    The record's present reference (`current`) is accepted as given even when the caller cannot
    see it (a district admin re-sending her district's province), so a full PUT round-trips.
    """
    ref_id, ref_code = data.get(f"{name}_id"), data.get(f"{name}_code")
    if ref_id is None and not ref_code:
        if required:
            raise ValidationError(
                {f"{name}_id": _("Cần cho biết %(what)s (id hoặc mã).") % {"what": label}}
            )
        return None
    if current is not None and (ref_id == current.pk or (ref_code and ref_code == current.code)):  # type: ignore[attr-defined]
        return current
    found = (
        queryset.filter(pk=ref_id).first()
        if ref_id is not None
        else queryset.filter(code=ref_code).first()
    )
    if found is None:
        field = f"{name}_id" if ref_id is not None else f"{name}_code"
        raise ValidationError(
            {field: _("Không tìm thấy %(what)s này trong phạm vi của bạn.") % {"what": label}}
        )
    return found


def _touches(data: dict[str, Any], name: str) -> bool:
    return f"{name}_id" in data or f"{name}_code" in data


def _level(code: str) -> AreaLevel:
    level = AreaLevel.objects.filter(code=code).first()
    if level is None:
        raise ValidationError(
            {"level_code": _("Không có cấp hành chính mã “%(code)s”.") % {"code": code}}
        )
    return level


def _areas_by_code(user: Any, codes: list[str]) -> list[Area]:
    found = {a.code: a for a in selectors.area_list(user).filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError(
            {
                "covered_area_codes": _("Không tìm thấy địa bàn: %(codes)s.")
                % {"codes": ", ".join(missing)}
            }
        )
    return [found[c] for c in codes]


# --- area levels and areas ---------------------------------------------------------------------


@router.get("/area-levels", response=list[AreaLevelOut], summary="Các cấp hành chính")
@paginate(PagePagination)
def list_area_levels(request: HttpRequest) -> QuerySet[AreaLevel]:
    return selectors.area_level_list()


def _area_out(user: Any, pk: int) -> Area:
    return get_visible_or_404(selectors.area_list(user), pk=pk)


@router.get("/areas", response=list[AreaOut], summary="Danh sách địa bàn (theo cây)")
@paginate(PagePagination)
def list_areas(request: HttpRequest, filters: Query[AreaFilters]) -> QuerySet[Area]:
    return selectors.area_search(
        request.user,
        q=filters.q,
        level=filters.level,
        parent=filters.parent,
        current=filters.current,
    )


@router.get("/areas/{area_id}", response={200: AreaOut, **READ_ERRORS}, summary="Một địa bàn")
def get_area(request: HttpRequest, area_id: int) -> Area:
    return _area_out(request.user, area_id)


def _area_changes(user: Any, data: dict[str, Any], current: Area | None) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in ("code", "name", "valid_from", "valid_to", "require_two_factor", "note"):
        if name in data:
            changes[name] = data[name]
    if "level_code" in data:
        changes["level"] = _level(data["level_code"])
    if _touches(data, "parent"):
        present = current.parent if current is not None and current.parent_id else None
        changes["parent"] = _ref(
            selectors.area_list(user), data, "parent", _("địa bàn cấp trên"), current=present
        )
    return changes


@router.post("/areas", response={201: AreaOut, **WRITE_ERRORS}, summary="Thêm địa bàn")
def create_area(request: HttpRequest, payload: AreaIn) -> Status[Area]:
    user = request.user
    changes = _area_changes(user, payload.model_dump(), None)
    if changes.get("parent") is not None:
        require_perm(user, MANAGE, changes["parent"])
    area = services.area_create(**changes, actor=user)
    return Status(201, _area_out(user, area.pk))


def _update_area(request: HttpRequest, area_id: int, data: dict[str, Any]) -> Area:
    user = request.user
    area = get_visible_or_404(selectors.area_list(user), pk=area_id)
    require_perm(user, MANAGE, area)
    version = data.pop("version")
    changes = _area_changes(user, data, area)
    services.area_update(area=area, changes=changes, expected_version=version, actor=user)
    return _area_out(user, area.pk)


@router.put("/areas/{area_id}", response={200: AreaOut, **UPDATE_ERRORS}, summary="Sửa địa bàn")
def replace_area(request: HttpRequest, area_id: int, payload: AreaUpdate) -> Area:
    return _update_area(request, area_id, payload.model_dump())


@router.patch(
    "/areas/{area_id}", response={200: AreaOut, **UPDATE_ERRORS}, summary="Sửa một phần địa bàn"
)
def patch_area(request: HttpRequest, area_id: int, payload: AreaPatch) -> Area:
    return _update_area(request, area_id, payload.model_dump(exclude_unset=True))


@router.delete("/areas/{area_id}", response={204: None, **UPDATE_ERRORS}, summary="Xóa địa bàn")
def delete_area(request: HttpRequest, area_id: int, version: int | None = None) -> Status[None]:
    user = request.user
    area = get_visible_or_404(selectors.area_list(user), pk=area_id)
    require_perm(user, MANAGE, area)
    services.area_delete(area=area, expected_version=version, actor=user)
    return Status(204, None)


# --- successions -------------------------------------------------------------------------------


@router.get(
    "/area-successions", response=list[AreaSuccessionOut], summary="Liên kết kế thừa địa bàn"
)
@paginate(PagePagination)
def list_area_successions(
    request: HttpRequest, filters: Query[AreaSuccessionFilters]
) -> QuerySet[AreaSuccession]:
    queryset = selectors.area_succession_list(request.user)
    if filters.area is not None:
        queryset = queryset.filter(predecessor_id=filters.area) | queryset.filter(
            successor_id=filters.area
        )
    return queryset.order_by("effective_on", "pk")


@router.post(
    "/area-successions",
    response={201: AreaSuccessionOut, **WRITE_ERRORS},
    summary="Ghi liên kết kế thừa",
)
def create_area_succession(
    request: HttpRequest, payload: AreaSuccessionIn
) -> Status[AreaSuccession]:
    user = request.user
    data = payload.model_dump()
    visible = selectors.area_list(user)
    predecessor = _ref(visible, data, "predecessor", _("địa bàn cũ"), required=True)
    successor = _ref(visible, data, "successor", _("địa bàn mới"), required=True)
    require_perm(user, MANAGE, successor)
    link = services.area_succession_add(
        predecessor=predecessor,
        successor=successor,
        effective_on=payload.effective_on,
        note=payload.note,
        actor=user,
    )
    return Status(201, get_visible_or_404(selectors.area_succession_list(user), pk=link.pk))


@router.delete(
    "/area-successions/{link_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Gỡ liên kết kế thừa",
)
def delete_area_succession(request: HttpRequest, link_id: int) -> Status[None]:
    user = request.user
    link = get_visible_or_404(selectors.area_succession_list(user), pk=link_id)
    require_perm(user, MANAGE, link.successor)
    services.area_succession_remove(succession=link, actor=user)
    return Status(204, None)


# --- agencies ----------------------------------------------------------------------------------


def _agencies(user: Any) -> QuerySet[Agency]:
    return selectors.agency_list(user).prefetch_related(
        Prefetch(
            "covered_areas",
            queryset=selectors.area_list(user).order_by("path"),
            to_attr="visible_covered_areas",
        )
    )


def _agency_out(user: Any, pk: int) -> Agency:
    return get_visible_or_404(_agencies(user), pk=pk)


@router.get("/agencies", response=list[AgencyOut], summary="Danh sách cơ quan, tổ chức")
@paginate(LoggedPagePagination)
def list_agencies(request: HttpRequest, filters: Query[AgencyFilters]) -> QuerySet[Agency]:
    user = request.user
    return selectors.agency_search(
        user,
        q=filters.q,
        kind=filters.kind or "",
        area=filters.area,
        parent=filters.parent,
        current=filters.current,
    ).prefetch_related(
        Prefetch(
            "covered_areas",
            queryset=selectors.area_list(user).order_by("path"),
            to_attr="visible_covered_areas",
        )
    )


@router.get(
    "/agencies/{agency_id}", response={200: AgencyOut, **READ_ERRORS}, summary="Một cơ quan"
)
def get_agency(request: HttpRequest, agency_id: int) -> Agency:
    agency = _agency_out(request.user, agency_id)
    log_classified_read(request.user, agency, AccessLog.Action.API)
    return agency


def _agency_changes(user: Any, data: dict[str, Any], current: Agency | None) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in ("code", "name", "short_name", "kind", "valid_from", "valid_to", "classification"):
        if name in data:
            changes[name] = data[name]
    if _touches(data, "area") or current is None:
        changes["area"] = _ref(
            selectors.area_list(user),
            data,
            "area",
            _("địa bàn"),
            current=current.area if current else None,
            required=True,
        )
    if _touches(data, "parent"):
        changes["parent"] = _ref(
            selectors.agency_list(user),
            data,
            "parent",
            _("cơ quan cấp trên"),
            current=current.parent if current is not None and current.parent_id else None,
        )
    if data.get("covered_area_codes") is not None:
        changes["covered_areas"] = _areas_by_code(user, data["covered_area_codes"])
    return changes


@router.post("/agencies", response={201: AgencyOut, **WRITE_ERRORS}, summary="Thêm cơ quan")
def create_agency(request: HttpRequest, payload: AgencyIn) -> Status[Agency]:
    user = request.user
    changes = _agency_changes(user, payload.model_dump(), None)
    require_perm(user, MANAGE, changes["area"])
    agency = services.agency_create(**changes, actor=user)
    return Status(201, _agency_out(user, agency.pk))


def _update_agency(request: HttpRequest, agency_id: int, data: dict[str, Any]) -> Agency:
    user = request.user
    agency = get_visible_or_404(selectors.agency_list(user), pk=agency_id)
    require_perm(user, MANAGE, agency)
    version = data.pop("version")
    changes = _agency_changes(user, data, agency)
    services.agency_update(agency=agency, changes=changes, expected_version=version, actor=user)
    return _agency_out(user, agency.pk)


@router.put(
    "/agencies/{agency_id}", response={200: AgencyOut, **UPDATE_ERRORS}, summary="Sửa cơ quan"
)
def replace_agency(request: HttpRequest, agency_id: int, payload: AgencyUpdate) -> Agency:
    return _update_agency(request, agency_id, payload.model_dump())


@router.patch(
    "/agencies/{agency_id}",
    response={200: AgencyOut, **UPDATE_ERRORS},
    summary="Sửa một phần cơ quan",
)
def patch_agency(request: HttpRequest, agency_id: int, payload: AgencyPatch) -> Agency:
    return _update_agency(request, agency_id, payload.model_dump(exclude_unset=True))


@router.delete(
    "/agencies/{agency_id}", response={204: None, **UPDATE_ERRORS}, summary="Xóa cơ quan"
)
def delete_agency(request: HttpRequest, agency_id: int, version: int | None = None) -> Status[None]:
    user = request.user
    agency = get_visible_or_404(selectors.agency_list(user), pk=agency_id)
    require_perm(user, MANAGE, agency)
    services.agency_delete(agency=agency, expected_version=version, actor=user)
    return Status(204, None)


# --- units -------------------------------------------------------------------------------------


@router.get("/units", response=list[UnitOut], summary="Danh sách đơn vị, lực lượng")
@paginate(LoggedPagePagination)
def list_units(request: HttpRequest, filters: Query[UnitFilters]) -> QuerySet[Unit]:
    return selectors.unit_search(
        request.user,
        q=filters.q,
        kind=filters.kind or "",
        agency=filters.agency,
        area=filters.area,
    )


@router.get("/units/{unit_id}", response={200: UnitOut, **READ_ERRORS}, summary="Một đơn vị")
def get_unit(request: HttpRequest, unit_id: int) -> Unit:
    unit = get_visible_or_404(selectors.unit_list(request.user), pk=unit_id)
    log_classified_read(request.user, unit, AccessLog.Action.API)
    return unit


def _unit_changes(user: Any, data: dict[str, Any], current: Unit | None) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in ("code", "name", "kind", "size_label", "strength", "classification"):
        if name in data:
            changes[name] = data[name]
    if _touches(data, "agency") or current is None:
        changes["agency"] = _ref(
            selectors.agency_list(user),
            data,
            "agency",
            _("cơ quan quản lý"),
            current=current.agency if current else None,
            required=True,
        )
    if _touches(data, "parent"):
        changes["parent"] = _ref(
            selectors.unit_list(user),
            data,
            "parent",
            _("đơn vị cấp trên"),
            current=current.parent if current is not None and current.parent_id else None,
        )
    return changes


@router.post("/units", response={201: UnitOut, **WRITE_ERRORS}, summary="Thêm đơn vị")
def create_unit(request: HttpRequest, payload: UnitIn) -> Status[Unit]:
    user = request.user
    changes = _unit_changes(user, payload.model_dump(), None)
    require_perm(user, MANAGE, changes["agency"])
    unit = services.unit_create(**changes, actor=user)
    return Status(201, get_visible_or_404(selectors.unit_list(user), pk=unit.pk))


def _update_unit(request: HttpRequest, unit_id: int, data: dict[str, Any]) -> Unit:
    user = request.user
    unit = get_visible_or_404(selectors.unit_list(user), pk=unit_id)
    require_perm(user, MANAGE, unit)
    version = data.pop("version")
    changes = _unit_changes(user, data, unit)
    services.unit_update(unit=unit, changes=changes, expected_version=version, actor=user)
    return get_visible_or_404(selectors.unit_list(user), pk=unit.pk)


@router.put("/units/{unit_id}", response={200: UnitOut, **UPDATE_ERRORS}, summary="Sửa đơn vị")
def replace_unit(request: HttpRequest, unit_id: int, payload: UnitUpdate) -> Unit:
    return _update_unit(request, unit_id, payload.model_dump())


@router.patch(
    "/units/{unit_id}", response={200: UnitOut, **UPDATE_ERRORS}, summary="Sửa một phần đơn vị"
)
def patch_unit(request: HttpRequest, unit_id: int, payload: UnitPatch) -> Unit:
    return _update_unit(request, unit_id, payload.model_dump(exclude_unset=True))


@router.delete("/units/{unit_id}", response={204: None, **UPDATE_ERRORS}, summary="Xóa đơn vị")
def delete_unit(request: HttpRequest, unit_id: int, version: int | None = None) -> Status[None]:
    user = request.user
    unit = get_visible_or_404(selectors.unit_list(user), pk=unit_id)
    require_perm(user, MANAGE, unit)
    services.unit_delete(unit=unit, expected_version=version, actor=user)
    return Status(204, None)


# --- people and positions ----------------------------------------------------------------------


def _person_out(user: Any, pk: int) -> Person:
    return get_visible_or_404(selectors.person_search(user), pk=pk)


@router.get("/people", response=list[PersonOut], summary="Danh sách cán bộ, cá nhân")
@paginate(LoggedPagePagination)
def list_people(request: HttpRequest, filters: Query[PersonFilters]) -> QuerySet[Person]:
    return selectors.person_search(
        request.user, q=filters.q, area=filters.area, agency=filters.agency
    )


@router.get("/people/{person_id}", response={200: PersonOut, **READ_ERRORS}, summary="Một cán bộ")
def get_person(request: HttpRequest, person_id: int) -> Person:
    person = _person_out(request.user, person_id)
    log_classified_read(request.user, person, AccessLog.Action.API)
    return person


def _person_changes(user: Any, data: dict[str, Any], current: Person | None) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in ("code", "full_name", "rank", "phone", "email", "note", "classification"):
        if name in data:
            changes[name] = data[name]
    if _touches(data, "area") or current is None:
        changes["area"] = _ref(
            selectors.area_list(user),
            data,
            "area",
            _("địa bàn"),
            current=current.area if current else None,
            required=True,
        )
    return changes


@router.post("/people", response={201: PersonOut, **WRITE_ERRORS}, summary="Thêm cán bộ")
def create_person(request: HttpRequest, payload: PersonIn) -> Status[Person]:
    user = request.user
    changes = _person_changes(user, payload.model_dump(), None)
    require_perm(user, MANAGE, changes["area"])
    person = services.person_create(**changes, actor=user)
    return Status(201, _person_out(user, person.pk))


def _update_person(request: HttpRequest, person_id: int, data: dict[str, Any]) -> Person:
    user = request.user
    person = get_visible_or_404(selectors.person_list(user), pk=person_id)
    require_perm(user, MANAGE, person)
    version = data.pop("version")
    changes = _person_changes(user, data, person)
    services.person_update(person=person, changes=changes, expected_version=version, actor=user)
    return _person_out(user, person.pk)


@router.put("/people/{person_id}", response={200: PersonOut, **UPDATE_ERRORS}, summary="Sửa cán bộ")
def replace_person(request: HttpRequest, person_id: int, payload: PersonUpdate) -> Person:
    return _update_person(request, person_id, payload.model_dump())


@router.patch(
    "/people/{person_id}",
    response={200: PersonOut, **UPDATE_ERRORS},
    summary="Sửa một phần cán bộ",
)
def patch_person(request: HttpRequest, person_id: int, payload: PersonPatch) -> Person:
    return _update_person(request, person_id, payload.model_dump(exclude_unset=True))


@router.delete("/people/{person_id}", response={204: None, **UPDATE_ERRORS}, summary="Xóa cán bộ")
def delete_person(request: HttpRequest, person_id: int, version: int | None = None) -> Status[None]:
    user = request.user
    person = get_visible_or_404(selectors.person_list(user), pk=person_id)
    require_perm(user, MANAGE, person)
    services.person_delete(person=person, expected_version=version, actor=user)
    return Status(204, None)


@router.post(
    "/people/{person_id}/positions",
    response={201: PositionOut, **WRITE_ERRORS},
    summary="Thêm chức vụ cho cán bộ",
)
def create_position(request: HttpRequest, person_id: int, payload: PositionIn) -> Status[Any]:
    user = request.user
    person = get_visible_or_404(selectors.person_list(user), pk=person_id)
    require_perm(user, MANAGE, person)
    data = payload.model_dump()
    agency = _ref(selectors.agency_list(user), data, "agency", _("cơ quan"), required=True)
    position = services.position_create(
        person=person,
        agency=agency,
        title=payload.title,
        order=payload.order,
        start=payload.start,
        end=payload.end,
        actor=user,
    )
    return Status(201, get_visible_or_404(selectors.visible_positions(user), pk=position.pk))


@router.delete(
    "/people/{person_id}/positions/{position_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Bỏ một chức vụ",
)
def delete_position(request: HttpRequest, person_id: int, position_id: int) -> Status[None]:
    user = request.user
    person = get_visible_or_404(selectors.person_list(user), pk=person_id)
    position = get_visible_or_404(
        selectors.visible_positions(user).filter(person=person), pk=position_id
    )
    require_perm(user, MANAGE, person)
    services.position_delete(position=position, actor=user)
    return Status(204, None)
