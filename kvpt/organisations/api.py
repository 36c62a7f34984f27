"""API endpoints of the organisations app (mounted by config/api.py at /api/v1/).

Reads go through the selectors (outside scope -> 404), writes through `require_perm` (403) and the
services. Related records are named by id or by stable code; a reference the caller cannot see is
reported as not found on that field (422), never revealed.
"""

# No `from __future__ import annotations` here: ninja reads the parameter types of paginated
# endpoints through ninja.pagination's wrapper, whose module cannot resolve string annotations.
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from kvpt.core import api_crud
from kvpt.core.api import PagePagination
from kvpt.core.api_crud import (
    READ_ERRORS,
    UPDATE_ERRORS,
    WRITE_ERRORS,
    LoggedPagePagination,
    pick,
    reference,
    resolve_ref,
)
from kvpt.core.permissions import require_perm
from kvpt.core.scope import get_visible_or_404
from kvpt.organisations import selectors, services
from kvpt.organisations.entities import AGENCY, AREA, MANAGE, PERSON, UNIT
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


# --- references by code ------------------------------------------------------------------------


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
    return api_crud.get_logged(request, selectors.area_list(request.user), area_id)


def _area_changes(user: Any, data: dict[str, Any], current: Area | None) -> dict[str, Any]:
    changes = pick(data, ("code", "name", "valid_from", "valid_to", "require_two_factor", "note"))
    if "level_code" in data:
        changes["level"] = _level(data["level_code"])
    changes |= reference(
        data, "parent", selectors.area_list(user), _("địa bàn cấp trên"), current=current
    )
    return changes


@router.post("/areas", response={201: AreaOut, **WRITE_ERRORS}, summary="Thêm địa bàn")
def create_area(request: HttpRequest, payload: AreaIn) -> Status[Area]:
    changes = _area_changes(request.user, payload.model_dump(), None)
    return api_crud.create(request, AREA, changes, under="parent")


@router.put("/areas/{area_id}", response={200: AreaOut, **UPDATE_ERRORS}, summary="Sửa địa bàn")
def replace_area(request: HttpRequest, area_id: int, payload: AreaUpdate) -> Area:
    return api_crud.update(request, AREA, area_id, payload.model_dump(), changes=_area_changes)


@router.patch(
    "/areas/{area_id}", response={200: AreaOut, **UPDATE_ERRORS}, summary="Sửa một phần địa bàn"
)
def patch_area(request: HttpRequest, area_id: int, payload: AreaPatch) -> Area:
    data = payload.model_dump(exclude_unset=True)
    return api_crud.update(request, AREA, area_id, data, changes=_area_changes)


@router.delete("/areas/{area_id}", response={204: None, **UPDATE_ERRORS}, summary="Xóa địa bàn")
def delete_area(request: HttpRequest, area_id: int, version: int | None = None) -> Status[None]:
    return api_crud.delete(request, AREA, area_id, version)


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
    predecessor = resolve_ref(visible, data, "predecessor", _("địa bàn cũ"), required=True)
    successor = resolve_ref(visible, data, "successor", _("địa bàn mới"), required=True)
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


def _with_covered_areas(user: Any, agencies: QuerySet[Agency]) -> QuerySet[Agency]:
    """Each agency's covered areas, only those the user may see (AgencyOut lists them)."""
    return agencies.prefetch_related(
        Prefetch(
            "covered_areas",
            queryset=selectors.area_list(user).order_by("path"),
            to_attr="visible_covered_areas",
        )
    )


def _agencies(user: Any) -> QuerySet[Agency]:
    return _with_covered_areas(user, selectors.agency_list(user))


@router.get("/agencies", response=list[AgencyOut], summary="Danh sách cơ quan, tổ chức")
@paginate(LoggedPagePagination)
def list_agencies(request: HttpRequest, filters: Query[AgencyFilters]) -> QuerySet[Agency]:
    user = request.user
    return _with_covered_areas(
        user,
        selectors.agency_search(
            user,
            q=filters.q,
            kind=filters.kind or "",
            area=filters.area,
            parent=filters.parent,
            current=filters.current,
        ),
    )


@router.get(
    "/agencies/{agency_id}", response={200: AgencyOut, **READ_ERRORS}, summary="Một cơ quan"
)
def get_agency(request: HttpRequest, agency_id: int) -> Agency:
    return api_crud.get_logged(request, _agencies(request.user), agency_id)


def _agency_changes(user: Any, data: dict[str, Any], current: Agency | None) -> dict[str, Any]:
    changes = pick(
        data,
        ("code", "name", "short_name", "kind", "valid_from", "valid_to", "classification"),
    )
    changes |= reference(
        data, "area", selectors.area_list(user), _("địa bàn"), current=current, required=True
    )
    changes |= reference(
        data, "parent", selectors.agency_list(user), _("cơ quan cấp trên"), current=current
    )
    if data.get("covered_area_codes") is not None:
        changes["covered_areas"] = _areas_by_code(user, data["covered_area_codes"])
    return changes


@router.post("/agencies", response={201: AgencyOut, **WRITE_ERRORS}, summary="Thêm cơ quan")
def create_agency(request: HttpRequest, payload: AgencyIn) -> Status[Agency]:
    changes = _agency_changes(request.user, payload.model_dump(), None)
    return api_crud.create(request, AGENCY, changes, under="area", out=_agencies)


@router.put(
    "/agencies/{agency_id}", response={200: AgencyOut, **UPDATE_ERRORS}, summary="Sửa cơ quan"
)
def replace_agency(request: HttpRequest, agency_id: int, payload: AgencyUpdate) -> Agency:
    data = payload.model_dump()
    return api_crud.update(request, AGENCY, agency_id, data, changes=_agency_changes, out=_agencies)


@router.patch(
    "/agencies/{agency_id}",
    response={200: AgencyOut, **UPDATE_ERRORS},
    summary="Sửa một phần cơ quan",
)
def patch_agency(request: HttpRequest, agency_id: int, payload: AgencyPatch) -> Agency:
    data = payload.model_dump(exclude_unset=True)
    return api_crud.update(request, AGENCY, agency_id, data, changes=_agency_changes, out=_agencies)


@router.delete(
    "/agencies/{agency_id}", response={204: None, **UPDATE_ERRORS}, summary="Xóa cơ quan"
)
def delete_agency(request: HttpRequest, agency_id: int, version: int | None = None) -> Status[None]:
    return api_crud.delete(request, AGENCY, agency_id, version)


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
    return api_crud.get_logged(request, selectors.unit_list(request.user), unit_id)


def _unit_changes(user: Any, data: dict[str, Any], current: Unit | None) -> dict[str, Any]:
    changes = pick(data, ("code", "name", "kind", "size_label", "strength", "classification"))
    changes |= reference(
        data,
        "agency",
        selectors.agency_list(user),
        _("cơ quan quản lý"),
        current=current,
        required=True,
    )
    changes |= reference(
        data, "parent", selectors.unit_list(user), _("đơn vị cấp trên"), current=current
    )
    return changes


@router.post("/units", response={201: UnitOut, **WRITE_ERRORS}, summary="Thêm đơn vị")
def create_unit(request: HttpRequest, payload: UnitIn) -> Status[Unit]:
    changes = _unit_changes(request.user, payload.model_dump(), None)
    return api_crud.create(request, UNIT, changes, under="agency")


@router.put("/units/{unit_id}", response={200: UnitOut, **UPDATE_ERRORS}, summary="Sửa đơn vị")
def replace_unit(request: HttpRequest, unit_id: int, payload: UnitUpdate) -> Unit:
    return api_crud.update(request, UNIT, unit_id, payload.model_dump(), changes=_unit_changes)


@router.patch(
    "/units/{unit_id}", response={200: UnitOut, **UPDATE_ERRORS}, summary="Sửa một phần đơn vị"
)
def patch_unit(request: HttpRequest, unit_id: int, payload: UnitPatch) -> Unit:
    data = payload.model_dump(exclude_unset=True)
    return api_crud.update(request, UNIT, unit_id, data, changes=_unit_changes)


@router.delete("/units/{unit_id}", response={204: None, **UPDATE_ERRORS}, summary="Xóa đơn vị")
def delete_unit(request: HttpRequest, unit_id: int, version: int | None = None) -> Status[None]:
    return api_crud.delete(request, UNIT, unit_id, version)


# --- people and positions ----------------------------------------------------------------------


@router.get("/people", response=list[PersonOut], summary="Danh sách cán bộ, cá nhân")
@paginate(LoggedPagePagination)
def list_people(request: HttpRequest, filters: Query[PersonFilters]) -> QuerySet[Person]:
    return selectors.person_search(
        request.user, q=filters.q, area=filters.area, agency=filters.agency
    )


@router.get("/people/{person_id}", response={200: PersonOut, **READ_ERRORS}, summary="Một cán bộ")
def get_person(request: HttpRequest, person_id: int) -> Person:
    # person_search, not person_list: PersonOut lists the positions it prefetches.
    return api_crud.get_logged(request, selectors.person_search(request.user), person_id)


def _person_changes(user: Any, data: dict[str, Any], current: Person | None) -> dict[str, Any]:
    changes = pick(data, ("code", "full_name", "rank", "phone", "email", "note", "classification"))
    changes |= reference(
        data, "area", selectors.area_list(user), _("địa bàn"), current=current, required=True
    )
    return changes


@router.post("/people", response={201: PersonOut, **WRITE_ERRORS}, summary="Thêm cán bộ")
def create_person(request: HttpRequest, payload: PersonIn) -> Status[Person]:
    changes = _person_changes(request.user, payload.model_dump(), None)
    return api_crud.create(request, PERSON, changes, under="area", out=selectors.person_search)


@router.put("/people/{person_id}", response={200: PersonOut, **UPDATE_ERRORS}, summary="Sửa cán bộ")
def replace_person(request: HttpRequest, person_id: int, payload: PersonUpdate) -> Person:
    data = payload.model_dump()
    return api_crud.update(
        request, PERSON, person_id, data, changes=_person_changes, out=selectors.person_search
    )


@router.patch(
    "/people/{person_id}",
    response={200: PersonOut, **UPDATE_ERRORS},
    summary="Sửa một phần cán bộ",
)
def patch_person(request: HttpRequest, person_id: int, payload: PersonPatch) -> Person:
    data = payload.model_dump(exclude_unset=True)
    return api_crud.update(
        request, PERSON, person_id, data, changes=_person_changes, out=selectors.person_search
    )


@router.delete("/people/{person_id}", response={204: None, **UPDATE_ERRORS}, summary="Xóa cán bộ")
def delete_person(request: HttpRequest, person_id: int, version: int | None = None) -> Status[None]:
    return api_crud.delete(request, PERSON, person_id, version)


@router.post(
    "/people/{person_id}/positions",
    response={201: PositionOut, **WRITE_ERRORS},
    summary="Thêm chức vụ cho cán bộ",
)
def create_position(request: HttpRequest, person_id: int, payload: PositionIn) -> Status[Any]:
    user = request.user
    person = PERSON.get_for_change(user, person_id)
    data = payload.model_dump()
    agency = resolve_ref(selectors.agency_list(user), data, "agency", _("cơ quan"), required=True)
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
    person = PERSON.get(user, person_id)
    position = get_visible_or_404(
        selectors.visible_positions(user).filter(person=person), pk=position_id
    )
    require_perm(user, MANAGE, person)
    services.position_delete(position=position, actor=user)
    return Status(204, None)
