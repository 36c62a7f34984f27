"""Demo forces of DT-KVPT-2023, from the seed (domain.md §6).

Seed figures, reproduced exactly by the app's own totals (kvpt/forces/tests/test_demo.py):
- 110 reservists of the district's 1st infantry company mobilised of 110 (100 %);
- martial law and situation A2: 264 people (police, military, a platoon of the district
  infantry battalion, 2 mobile militia platoons) and 15 vehicles ("15 ô tô các loại");
- border intrusion: 56 soldiers and 1 mobile militia platoon of xã Trí Nang (its strength not
  given: listed by its size, outside the rate);
- weapons all returned.
The split of the 264 people and 15 vehicles across units, and the weapons figures, are not in the
seed: those rows are flagged illustrative. Units the seed names but the directory lacks are added
with codes prefixed DEMO-.
"""

from __future__ import annotations

from typing import Any

SITUATION_MARTIAL_LAW = "TQL"
SITUATION_A2 = "A2"
SITUATION_BORDER = "XNBG"

# (unit code, people, vehicles "ô tô") of the 264 of martial law and A2: illustrative split.
A2_SPLIT = (
    ("388-CA-CD", 70, 5),
    ("DEMO-388-LLQS", 90, 10),
    ("388-TDBB-B1", 34, 0),
    ("XA-TAM-VAN-DQCD", 35, 0),
    ("DEMO-388-TT-DQCD", 35, 0),
)
BORDER_SOLDIERS = ("DEMO-388-QS-BG", 56)
BORDER_PLATOON = "XA-TRI-NANG-DQCD"
RESERVE_COMPANY = ("388-DBDV-C1", 110, 110)

DEMO_UNITS = (
    # code, name, kind, agency, size label
    (
        "DEMO-388-LLQS",
        "Lực lượng quân sự huyện Lang Chánh (cơ quan, đơn vị Ban CHQS huyện)",
        "other",
        "388-BCHQS",
        "",
    ),
    (
        "DEMO-388-TT-DQCD",
        "Trung đội dân quân cơ động thị trấn Lang Chánh",
        "mobile_militia",
        "388-BCHQS",
        "1 trung đội",
    ),
    (
        "DEMO-388-QS-BG",
        "Lực lượng cán bộ, chiến sĩ đánh địch xâm nhập biên giới",
        "infantry",
        "388-BCHQS",
        "",
    ),
)


def load_forces_demo(loader: Any, exercise: Any) -> None:
    from kvpt.forces.models import Force, VehicleAllocation, WeaponIssue
    from kvpt.organisations.models import Agency, Unit

    for code, name, kind, agency, size in DEMO_UNITS:
        loader.upsert(
            Unit,
            {"code": code},
            {
                "name": name,
                "kind": kind,
                "agency": Agency.objects.get(code=agency),
                "size_label": size,
            },
        )
    units = {u.code: u for u in Unit.objects.filter(code__in=_unit_codes())}
    reserve = loader.upsert(
        Force,
        {"exercise": exercise, "code": "LL-DBDV"},
        {
            "name": "Lực lượng dự bị động viên (Đại đội 1 bộ binh huyện)",
            "situations": [],
            "order": 1,
            "notes": "",
        },
    )
    martial = loader.upsert(
        Force,
        {"exercise": exercise, "code": "LL-TQL-A2"},
        {
            "name": "Lực lượng thiết quân luật, xử trí tình huống A2",
            "situations": [SITUATION_MARTIAL_LAW, SITUATION_A2],
            "order": 2,
            "notes": "Công an, quân sự, trung đội của tiểu đoàn bộ binh huyện, 02 trung đội "
            "dân quân cơ động; 15 ô tô các loại.",
        },
    )
    border = loader.upsert(
        Force,
        {"exercise": exercise, "code": "LL-XNBG"},
        {
            "name": "Lực lượng đánh địch xâm nhập biên giới",
            "situations": [SITUATION_BORDER],
            "order": 3,
            "notes": "56 cán bộ chiến sĩ và 1 trung đội dân quân cơ động xã Trí Nang.",
        },
    )
    code, planned, actual = RESERVE_COMPANY
    _allocation(loader, exercise, units[code], [reserve], planned, actual, "", False)
    for code, people, cars in A2_SPLIT:
        allocation = _allocation(loader, exercise, units[code], [martial], None, people, "", True)
        if cars:
            loader.upsert(
                VehicleAllocation,
                {"allocation": allocation, "kind": "ô tô"},
                {"planned": None, "actual": cars},
            )
    code, soldiers = BORDER_SOLDIERS
    _allocation(loader, exercise, units[code], [border], None, soldiers, "", False)
    _allocation(loader, exercise, units[BORDER_PLATOON], [border], None, None, "1 trung đội", False)
    company = units[RESERVE_COMPANY[0]]
    for item, quantity in (("Súng AK", 110), ("Lựu đạn tập", 220)):
        loader.upsert(
            WeaponIssue,
            {"exercise": exercise, "unit": company, "item": item, "serial": ""},
            {
                "quantity_issued": quantity,
                "quantity_returned": quantity,
                "quantity_lost": 0,
                "quantity_damaged": 0,
                "is_illustrative": True,
            },
        )


def _unit_codes() -> list[str]:
    return [
        RESERVE_COMPANY[0],
        *(c for c, _p, _v in A2_SPLIT),
        BORDER_SOLDIERS[0],
        BORDER_PLATOON,
    ]


def _allocation(
    loader: Any,
    exercise: Any,
    unit: Any,
    forces: list[Any],
    planned: int | None,
    actual: int | None,
    size_label: str,
    illustrative: bool,
) -> Any:
    from kvpt.forces.models import ForceAllocation

    return loader.upsert(
        ForceAllocation,
        {"exercise": exercise, "unit": unit},
        {
            "planned_personnel": planned,
            "actual_personnel": actual,
            "size_label": size_label or unit.size_label,
            "is_illustrative": illustrative,
        },
        m2m={"forces": forces},
    )
