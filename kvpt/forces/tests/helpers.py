"""Shared builders for the forces tests."""

from __future__ import annotations

import io
from typing import Any

from kvpt.core.testing.factories import UnitFactory
from kvpt.core.testing.world import World
from kvpt.forces.models import Force, ForceAllocation


def unit(world: World, code: str, name: str, size: str = "") -> Any:
    return UnitFactory.create(code=code, name=name, agency=world.agency, size_label=size)


def force(world: World, code: str, name: str = "", situations: list[str] | None = None) -> Force:
    return Force.objects.create(
        exercise=world.exercise, code=code, name=name or code, situations=situations or []
    )


def allocate(
    world: World,
    the_unit: Any,
    forces: list[Force],
    planned: int | None = None,
    actual: int | None = None,
    size: str = "",
) -> ForceAllocation:
    allocation = ForceAllocation.objects.create(
        exercise=world.exercise,
        unit=the_unit,
        planned_personnel=planned,
        actual_personnel=actual,
        size_label=size,
    )
    allocation.forces.set(forces)
    return allocation


def xlsx(rows: list[list[Any]], *, sheet: str = "Danh sách") -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HEADER = ["Mã đơn vị", "Mã cán bộ", "Họ và tên", "Cấp bậc", "Diện", "Số điện thoại", "Ngày sinh"]
