"""Helpers for the directory's tests: one table describing each object type of the world."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kvpt.core.testing.world import World


@dataclass(frozen=True)
class Kind:
    """How to reach, create and edit one object type through the UI and the API."""

    name: str
    obj: Callable[[World], Any]
    ui: str  # url name prefix: organisations:<ui>_detail / _update
    api: str  # /api/v1/<api>
    api_create: Callable[[World], dict[str, Any]]
    ui_create: Callable[[World], dict[str, Any]]
    ui_edit: Callable[[World, Any], dict[str, Any]]
    name_field: str = "name"


def _area_edit(w: World, area: Any) -> dict[str, Any]:
    return {
        "code": area.code,
        "name": "Trí Nang (sửa)",
        "level": area.level_id,
        "parent": area.parent_id,
        "version": area.version,
    }


def _agency_edit(w: World, agency: Any) -> dict[str, Any]:
    return {
        "code": agency.code,
        "name": "Ban CHQS huyện (sửa)",
        "kind": agency.kind,
        "area": agency.area_id,
        "classification": 0,
        "version": agency.version,
    }


def _unit_edit(w: World, unit: Any) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": "Đại đội 1 (sửa)",
        "kind": unit.kind,
        "agency": unit.agency_id,
        "classification": 0,
        "strength": 110,
        "version": unit.version,
    }


def _person_edit(w: World, person: Any) -> dict[str, Any]:
    return {
        "code": person.code,
        "full_name": "Lê Văn Đông (sửa)",
        "area": person.area_id,
        "classification": 0,
        "version": person.version,
    }


KINDS = [
    Kind(
        name="area",
        obj=lambda w: w.commune,
        ui="area",
        api="areas",
        api_create=lambda w: {
            "code": "15013",
            "name": "Tam Văn",
            "level_code": "xa",
            "parent_id": w.district.pk,
        },
        ui_create=lambda w: {
            "code": "15013",
            "name": "Tam Văn",
            "level": w.commune.level_id,
            "parent": w.district.pk,
        },
        ui_edit=_area_edit,
    ),
    Kind(
        name="agency",
        obj=lambda w: w.agency,
        ui="agency",
        api="agencies",
        api_create=lambda w: {
            "code": "UBND-388",
            "name": "UBND huyện Lang Chánh",
            "kind": "peoples_committee",
            "area_id": w.district.pk,
        },
        ui_create=lambda w: {
            "code": "UBND-388",
            "name": "UBND huyện Lang Chánh",
            "kind": "peoples_committee",
            "area": w.district.pk,
            "classification": 0,
        },
        ui_edit=_agency_edit,
    ),
    Kind(
        name="unit",
        obj=lambda w: w.unit,
        ui="unit",
        api="units",
        api_create=lambda w: {
            "code": "DQCD-TN",
            "name": "Trung đội DQCĐ xã Trí Nang",
            "kind": "mobile_militia",
            "agency_id": w.agency.pk,
            "size_label": "1 trung đội",
        },
        ui_create=lambda w: {
            "code": "DQCD-TN",
            "name": "Trung đội DQCĐ xã Trí Nang",
            "kind": "mobile_militia",
            "agency": w.agency.pk,
            "size_label": "1 trung đội",
            "classification": 0,
        },
        ui_edit=_unit_edit,
    ),
    Kind(
        name="person",
        obj=lambda w: w.person,
        ui="person",
        api="people",
        api_create=lambda w: {
            "code": "CB-002",
            "full_name": "Hà Văn Ánh",
            "area_id": w.district.pk,
        },
        ui_create=lambda w: {
            "code": "CB-002",
            "full_name": "Hà Văn Ánh",
            "area": w.district.pk,
            "classification": 0,
        },
        ui_edit=_person_edit,
        name_field="full_name",
    ),
]
