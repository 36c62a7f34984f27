"""The tasks' test world: two subcommittees of the exercise, a member who sits on one of them,
and helpers that make tasks and workbooks."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from kvpt.accounts.models import Role, User
from kvpt.core.testing.factories import PersonFactory, UserFactory, grant
from kvpt.core.testing.world import World
from kvpt.exercises.models import Committee, CommitteeKind, CommitteeMember
from kvpt.preparation.models import Task

DAY = dt.date(2023, 6, 1)


@dataclass
class TaskWorld:
    world: World
    tb_a: Committee  # "Tiểu ban Văn kiện": minh sits on it
    tb_b: Committee  # "Tiểu ban Hậu cần": minh does not
    steering: Committee  # not a subcommittee
    minh: User  # subcommittee member on the exercise, seated on tb_a


def make_task_world(world: World) -> TaskWorld:
    exercise = world.exercise
    tb_a = Committee.objects.create(
        exercise=exercise,
        kind=CommitteeKind.SUBCOMMITTEE,
        code="TB-VK",
        name="Tiểu ban Văn kiện",
        order=1,
    )
    tb_b = Committee.objects.create(
        exercise=exercise,
        kind=CommitteeKind.SUBCOMMITTEE,
        code="TB-HC",
        name="Tiểu ban Hậu cần",
        order=2,
    )
    steering = Committee.objects.create(
        exercise=exercise, kind=CommitteeKind.STEERING, code="BCD", name="Ban Chỉ đạo"
    )
    person = PersonFactory.create(code="CB-MINH", full_name="Phạm Văn Minh", area=world.district)
    minh = UserFactory.create(username="minh")
    minh.person = person
    minh.save()
    grant(minh, Role.SUBCOMMITTEE_MEMBER, exercise=exercise)
    CommitteeMember.objects.create(committee=tb_a, person=person)
    return TaskWorld(world=world, tb_a=tb_a, tb_b=tb_b, steering=steering, minh=minh)


def make_task(exercise: Any, code: str, **fields: Any) -> Task:
    """A task written straight to the database (the services are what the tests exercise)."""
    fields.setdefault("title", f"Công việc {code}")
    fields.setdefault("category", "documents")
    deps = fields.pop("depends_on", [])
    task = Task.objects.create(exercise=exercise, code=code, **fields)
    if deps:
        task.depends_on.set(deps)
    return task


def workbook(
    rows: list[list[Any]], *, title: str = "Cong viec", top: list[Any] | None = None
) -> bytes:
    """An .xlsx with `rows` (the first being the header), optionally under a title row."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title
    if top is not None:
        sheet.append(top)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_back(data: bytes) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    return (
        CalamineWorkbook.from_filelike(io.BytesIO(data))
        .get_sheet_by_index(0)
        .to_python(skip_empty_area=False)
    )


HEADER = [
    "Mã công việc",
    "Nội dung công việc",
    "Mã tiểu ban",
    "Lĩnh vực",
    "Mã cơ quan chủ trì",
    "Mã người thực hiện",
    "Ngày bắt đầu",
    "Hạn hoàn thành",
    "Trạng thái",
    "Tiến độ (%)",
    "Phụ thuộc (mã công việc)",
]
