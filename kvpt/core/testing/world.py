"""The shared fixture world (healthchecks' Alice / Bob / Charlie, plus a higher level).

Thanh Hóa (province)                        Nghệ An (province, another branch)
├── Lang Chánh (district)  <- alice: org admin, bob: observer
│   └── Trí Nang (commune)
└── Bá Thước (district)    <- charlie: org admin (a sibling branch: sees nothing of Lang Chánh)
dave: evaluator on Thanh Hóa (the higher level sees its subordinates)
erin: staff planner on the exercise only (exercise grant)
"""

from __future__ import annotations

from dataclasses import dataclass

from kvpt.accounts.models import Role, User
from kvpt.core.models import Classification
from kvpt.core.testing.factories import (
    AgencyFactory,
    AreaFactory,
    AreaLevelFactory,
    ExerciseFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
    grant,
)
from kvpt.exercises.models import Exercise
from kvpt.organisations.models import Agency, Area, Person, Unit


@dataclass
class World:
    province: Area
    district: Area
    commune: Area
    sibling: Area
    other_province: Area
    agency: Agency
    sibling_agency: Agency
    unit: Unit
    person: Person
    secret_unit: Unit
    exercise: Exercise
    secret_exercise: Exercise
    sibling_exercise: Exercise
    alice: User  # org admin of the district (owner)
    bob: User  # observer in the district (member without an editing role)
    charlie: User  # org admin of the sibling district (outsider)
    dave: User  # evaluator at the province (higher level)
    erin: User  # staff planner on the exercise only
    admin: User  # superuser


def build_world() -> World:
    tinh = AreaLevelFactory.create(code="tinh", name="Tỉnh", rank=1)
    huyen = AreaLevelFactory.create(code="huyen", name="Huyện", rank=2)
    xa = AreaLevelFactory.create(code="xa", name="Xã", rank=3)
    province = AreaFactory.create(code="38", name="Thanh Hóa", level=tinh)
    district = AreaFactory.create(code="388", name="Lang Chánh", level=huyen, parent=province)
    commune = AreaFactory.create(code="15010", name="Trí Nang", level=xa, parent=district)
    sibling = AreaFactory.create(code="386", name="Bá Thước", level=huyen, parent=province)
    other_province = AreaFactory.create(code="40", name="Nghệ An", level=tinh)
    agency = AgencyFactory.create(code="BCHQS-388", name="Ban CHQS huyện Lang Chánh", area=district)
    sibling_agency = AgencyFactory.create(
        code="BCHQS-386", name="Ban CHQS huyện Bá Thước", area=sibling
    )
    unit = UnitFactory.create(code="DBDV-C1", name="Đại đội 1 bộ binh DBĐV", agency=agency)
    secret_unit = UnitFactory.create(
        code="DV-MAT",
        name="Đơn vị đặc biệt",
        agency=agency,
        classification=Classification.SECRET,
    )
    person = PersonFactory.create(code="CB-001", full_name="Lê Văn Đông", area=district)
    exercise = ExerciseFactory.create(code="DT-KVPT-2023", area=district, level=huyen)
    secret_exercise = ExerciseFactory.create(
        code="DT-MAT-2023", area=district, level=huyen, classification=Classification.CONFIDENTIAL
    )
    sibling_exercise = ExerciseFactory.create(code="DT-BT-2023", area=sibling, level=huyen)

    alice = UserFactory.create(username="alice", clearance=Classification.CONFIDENTIAL)
    bob = UserFactory.create(username="bob")
    charlie = UserFactory.create(username="charlie", clearance=Classification.TOP_SECRET)
    dave = UserFactory.create(username="dave", clearance=Classification.TOP_SECRET)
    erin = UserFactory.create(username="erin")
    admin = UserFactory.create(
        username="root", is_superuser=True, is_staff=True, clearance=Classification.TOP_SECRET
    )
    grant(alice, Role.ORG_ADMIN, area=district)
    grant(bob, Role.OBSERVER, area=district)
    grant(charlie, Role.ORG_ADMIN, area=sibling)
    grant(dave, Role.EVALUATOR, area=province)
    grant(erin, Role.STAFF_PLANNER, exercise=exercise)
    return World(
        province=province,
        district=district,
        commune=commune,
        sibling=sibling,
        other_province=other_province,
        agency=agency,
        sibling_agency=sibling_agency,
        unit=unit,
        person=person,
        secret_unit=secret_unit,
        exercise=exercise,
        secret_exercise=secret_exercise,
        sibling_exercise=sibling_exercise,
        alice=alice,
        bob=bob,
        charlie=charlie,
        dave=dave,
        erin=erin,
        admin=admin,
    )
