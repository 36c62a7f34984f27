"""Demo scenario of DT-KVPT-2023 (domain.md §6): its three situations and a short MSEL for each.

From the seed: the exercise handled martial law (thiết quân luật), situation A2 (crowds causing
disorder, police-led) and a border intrusion, with the forces the seed names. Everything else -
the injects, their times, the conduct log - is made up to show the screens, and flagged
illustrative. No safety incident: the seed reports absolute safety of people and weapons.
Situation codes match the forces' (kvpt/forces/demo.py): TQL, A2, XNBG.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

SITUATIONS = (
    # code, title, kind, phase order, lead agency, forces (from the seed)
    (
        "TQL",
        "Thực hiện thiết quân luật trên địa bàn huyện",
        "martial_law",
        1,
        "388-BCHQS",
        "Cùng lực lượng với tình huống A2: 264 người (công an, quân sự, 1 trung đội Tiểu đoàn "
        "bộ binh huyện, 2 trung đội dân quân cơ động) và 15 ô tô các loại.",
    ),
    (
        "A2",
        "Xử trí tình huống A2: tụ tập đông người gây rối an ninh trật tự",
        "riot",
        1,
        "388-CA",
        "264 người (công an, quân sự, 1 trung đội Tiểu đoàn bộ binh huyện, 2 trung đội dân quân "
        "cơ động) và 15 ô tô các loại, dùng chung với thiết quân luật.",
    ),
    (
        "XNBG",
        "Đánh địch xâm nhập biên giới",
        "border_intrusion",
        3,
        "388-BCHQS",
        "56 cán bộ, chiến sĩ và 1 trung đội dân quân cơ động xã Trí Nang.",
    ),
)


DEMO_KINDS = (
    ("martial_law", "Thiết quân luật", 10),
    ("riot", "Gây rối, bạo loạn", 40),
    ("border_intrusion", "Xâm nhập biên giới", 50),
)


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime(2023, 8, day, hour, minute), timezone.get_current_timezone()
    )


# serial, situation, scenario time, real time (day, h, m), from, to (unit / agency code or text),
# method, content, expected action, objective, controller (person code). All illustrative.
INJECTS: tuple[tuple[Any, ...], ...] = (
    (
        1,
        "TQL",
        "N-2 07:30",
        (22, 7, 30),
        "Ban Chỉ đạo diễn tập tỉnh (giả định)",
        "388-UBND",
        "document",
        "Nghị quyết của Hội đồng nhân dân tỉnh về thiết quân luật trên địa bàn huyện Lang Chánh.",
        "UBND huyện ra quyết định thực hiện thiết quân luật, thông báo cho nhân dân.",
        "Vận hành cơ chế lãnh đạo, điều hành",
        "CB-388-0004",
    ),
    (
        2,
        "TQL",
        "N-2 09:00",
        (22, 9, 0),
        "Ban CHQS huyện",
        "388-BCHQS",
        "radio",
        "Các chốt kiểm soát trên quốc lộ 15A báo cáo sẵn sàng; lưu lượng người, phương tiện tăng.",
        "Tổ chức các chốt kiểm soát, hạn chế đi lại theo quyết định thiết quân luật.",
        "Chuyển trạng thái lực lượng vũ trang",
        "CB-388-0004",
    ),
    (
        3,
        "TQL",
        "N-2 10:30",
        (22, 10, 30),
        "Công an thị trấn (giả định)",
        "388-CA",
        "phone",
        "Một số phần tử lợi dụng thiết quân luật tung tin thất thiệt trên mạng xã hội.",
        "Công an huyện xác minh, xử lý; trung tâm văn hóa thông tin tuyên truyền ổn định dư luận.",
        "Bảo đảm an ninh chính trị, trật tự an toàn xã hội",
        "CB-388-0005",
    ),
    (
        4,
        "A2",
        "N-2 13:30",
        (22, 13, 30),
        "Công an xã Tam Văn (giả định)",
        "388-CA",
        "phone",
        "Khoảng 150 người tụ tập trước trụ sở UBND xã, một số đối tượng quá khích kích động.",
        "Công an huyện chủ trì, triển khai lực lượng cơ động, vận động quần chúng giải tán.",
        "Xử trí tình huống A2",
        "CB-388-0005",
    ),
    (
        5,
        "A2",
        "N-2 14:15",
        (22, 14, 15),
        "Sở chỉ huy cơ bản (giả định)",
        "388-CA-CD",
        "radio",
        "Nhóm quá khích chặn đường, ném đá vào lực lượng làm nhiệm vụ.",
        "Lực lượng cơ động lập hàng rào, bắt giữ đối tượng cầm đầu theo phương án.",
        "Xử trí tình huống A2",
        "CB-388-0005",
    ),
    (
        6,
        "A2",
        "N-2 15:00",
        (22, 15, 0),
        "Ban CHQS huyện",
        "XA-TAM-VAN-DQCD",
        "messenger",
        "Trung đội dân quân cơ động được lệnh cơ động đến hỗ trợ giữ trật tự khu vực chợ.",
        "Dân quân cơ động phối hợp công an bảo vệ mục tiêu, hướng dẫn nhân dân.",
        "Hiệp đồng công an - quân sự - dân quân",
        "CB-388-0004",
    ),
    (
        7,
        "A2",
        "N-2 16:30",
        (22, 16, 30),
        "Công an huyện",
        "388-UBND",
        "document",
        "Báo cáo tình hình đã được kiểm soát, đề nghị khắc phục hậu quả, ổn định đời sống.",
        "UBND huyện chỉ đạo khắc phục hậu quả, báo cáo Ban Chỉ đạo tỉnh.",
        "Vận hành cơ chế lãnh đạo, điều hành",
        "CB-388-0004",
    ),
    (
        8,
        "XNBG",
        "N+1 07:30",
        (24, 7, 30),
        "Đồn biên phòng (giả định)",
        "388-BCHQS",
        "phone",
        "Phát hiện một nhóm vũ trang khoảng 1 tiểu đội vượt biên giới vào khu vực xã Trí Nang.",
        "Ban CHQS huyện báo cáo, hạ quyết tâm đánh địch, lệnh cho lực lượng sẵn sàng.",
        "Thực hành tác chiến phòng thủ",
        "CB-388-0004",
    ),
    (
        9,
        "XNBG",
        "N+1 08:15",
        (24, 8, 15),
        "Sở chỉ huy cơ bản (giả định)",
        "XA-TRI-NANG-DQCD",
        "radio",
        "Trung đội dân quân cơ động xã Trí Nang được lệnh chốt giữ đường mòn, ngăn địch rút.",
        "Dân quân cơ động chiếm lĩnh vị trí, phối hợp lực lượng quân sự bao vây.",
        "Đánh địch xâm nhập biên giới (thực binh)",
        "CB-388-0004",
    ),
    (
        10,
        "XNBG",
        "N+1 09:30",
        (24, 9, 30),
        "Sở chỉ huy cơ bản (giả định)",
        "388-BCHQS",
        "in_person",
        "Lực lượng tiến công tiêu diệt, bắt giữ toàn bộ nhóm xâm nhập; không có thương vong.",
        "Tổ chức khám xét, thu giữ vũ khí, báo cáo kết quả, rút kinh nghiệm tại chỗ.",
        "Đánh địch xâm nhập biên giới (thực binh)",
        "CB-388-0003",
    ),
)

LOG = (
    ((22, 7, 0), "clock", "Bắt đầu đồng hồ diễn tập: khai mạc thực hành giai đoạn 1."),
    ((22, 13, 40), "note", "Công an huyện báo cáo đã triển khai lực lượng cơ động xử trí A2."),
    ((22, 17, 0), "note", "Kết thúc ngày thứ nhất; các lực lượng báo cáo quân số đủ, an toàn."),
    ((24, 10, 0), "note", "Kết thúc thực binh đánh địch xâm nhập biên giới; thu hồi vũ khí đủ."),
    ((24, 16, 0), "clock", "Kết thúc đồng hồ diễn tập."),
)


def load_scenario_demo(loader: Any, exercise: Any) -> None:
    from kvpt.exercises.models import Content, Phase
    from kvpt.organisations.models import Agency, Person, Unit
    from kvpt.scenario.models import (
        ConductClock,
        ConductLogEntry,
        Inject,
        Situation,
        SituationKind,
    )

    # The catalogue is seeded by a data migration; a flushed test database has lost it.
    kinds = {
        code: loader.upsert(SituationKind, {"code": code}, {"name": name, "order": order})
        for code, name, order in DEMO_KINDS
    }
    phases = {p.order: p for p in Phase.objects.filter(exercise=exercise)}
    agencies = {a.code: a for a in Agency.objects.all()}
    situations = {}
    for code, title, kind, phase, lead, forces in SITUATIONS:
        situations[code] = loader.upsert(
            Situation,
            {"exercise": exercise, "code": code},
            {
                "title": title,
                "kind": kinds[kind],
                "phase": phases.get(phase),
                "lead_agency": agencies.get(lead),
                "forces_text": forces,
                "classification": exercise.classification,
                "is_illustrative": False,
            },
        )
    units = {u.code: u for u in Unit.objects.all()}
    people = {p.code: p for p in Person.objects.all() if p.code}
    for row in INJECTS:
        (serial, sit, story, (day, hour, minute), sender, to, method) = row[:7]
        content, expected, objective, controller = row[7:]
        scheduled = _at(day, hour, minute)
        situation = situations[sit]
        phase = situation.phase
        content_item = (
            Content.objects.filter(phase=phase, name__icontains=_content_hint(sit)).first()
            if phase
            else None
        )
        loader.upsert(
            Inject,
            {"exercise": exercise, "serial": serial},
            {
                "phase": phase,
                "content_item": content_item,
                "situation": situation,
                "scenario_time": story,
                "scheduled_at": scheduled,
                "delivered_at": scheduled + dt.timedelta(minutes=2),
                "completed_at": scheduled + dt.timedelta(minutes=40),
                "from_org": sender,
                "to_unit": units.get(to),
                "to_agency": None if to in units else agencies.get(to),
                "to_text": "" if to in units or to in agencies else to,
                "method": method,
                "content": content,
                "expected_action": expected,
                "objective": objective,
                "controller": people.get(controller),
                "status": "done",
                "classification": max(exercise.classification, situation.classification),
                "is_illustrative": True,
            },
        )
    loader.upsert(
        ConductClock,
        {"exercise": exercise},
        {
            "state": "stopped",
            "started_at": _at(22, 7),
            "stopped_at": _at(24, 16),
            "paused_seconds": 0,
        },
    )
    for (day, hour, minute), kind, text in LOG:
        loader.upsert(
            ConductLogEntry,
            {"exercise": exercise, "at": _at(day, hour, minute)},
            {
                "kind": kind,
                "text": text,
                "classification": exercise.classification,
                "is_illustrative": True,
            },
        )


def _content_hint(situation_code: str) -> str:
    return {"TQL": "thiết quân luật", "A2": "A2", "XNBG": "xâm nhập biên giới"}[situation_code]
