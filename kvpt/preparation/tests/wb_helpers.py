"""Shared pieces of the works and budget tests: a subcommittee with a member, quick records."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kvpt.accounts.models import Role, User
from kvpt.core.testing.factories import PersonFactory, UserFactory, grant
from kvpt.core.testing.world import World
from kvpt.exercises.models import Committee, CommitteeKind, CommitteeMember
from kvpt.preparation.models import BudgetLine, Work


@dataclass
class Subcommittees:
    works: Committee  # frank sits on it
    finance: Committee  # nobody of ours sits on it
    frank: User  # subcommittee member of the exercise, on "works"


def subcommittees(world: World) -> Subcommittees:
    works = Committee.objects.create(
        exercise=world.exercise,
        kind=CommitteeKind.SUBCOMMITTEE,
        code="TB-CONGTRINH",
        name="Tiểu ban Công trình",
    )
    finance = Committee.objects.create(
        exercise=world.exercise,
        kind=CommitteeKind.SUBCOMMITTEE,
        code="TB-TAICHINH",
        name="Tiểu ban Tài chính",
    )
    person = PersonFactory.create(code="CB-FRANK", full_name="Phạm Văn Phú", area=world.district)
    frank = UserFactory.create(username="frank", person=person)
    grant(frank, Role.SUBCOMMITTEE_MEMBER, exercise=world.exercise)
    CommitteeMember.objects.create(committee=works, person=person)
    return Subcommittees(works=works, finance=finance, frank=frank)


def make_work(world: World, code: str = "CT-01", **fields: Any) -> Work:
    values: dict[str, Any] = {
        "exercise": world.exercise,
        "code": code,
        "name": "Hầm họp Huyện ủy",
        "kind": "bunker",
        "construction": "new",
    }
    values.update(fields)
    if isinstance(values.get("quantity"), str):
        values["quantity"] = Decimal(values["quantity"])
    return Work.objects.create(**values)


def make_line(world: World, code: str = "KP-01", **fields: Any) -> BudgetLine:
    values: dict[str, Any] = {
        "exercise": world.exercise,
        "code": code,
        "description": "Xây dựng hầm họp",
        "category": "works",
        "source": "district",
    }
    values.update(fields)
    return BudgetLine.objects.create(**values)
