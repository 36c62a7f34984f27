"""Demo rows of the review for DT-KVPT-2023: the summary conference of 31/8/2023, observations,
every directive the seed lists, and their corrective actions.

From the seed (not illustrative): the date, the two chairs (the BCĐ head CB-388-0001, Bí thư Huyện
ủy, Chủ tịch HĐND huyện; the BTC head CB-388-0002, Phó Bí thư Huyện ủy, Chủ tịch UBND huyện), the
agenda, the strengths, the three areas of shortcomings, and the directives' content. Made up and
flagged `is_illustrative`: the place, the shortcomings' wording (the seed only names their areas),
the actions' owners, responsible people, dates and progress.

The lead wires `load_review_demo(loader, exercise)` into kvpt/demo/load.py after the preparation
stage; every row is upserted by its code, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

CONFERENCE_CODE = "HN-TK-2023"
HELD_ON = dt.date(2023, 8, 31)
BCD_HEAD = "CB-388-0001"  # Trưởng BCĐ: Bí thư Huyện ủy, Chủ tịch HĐND huyện
BTC_HEAD = "CB-388-0002"  # Trưởng BTC: Phó Bí thư Huyện ủy, Chủ tịch UBND huyện

AGENDA = [
    "Đại diện BCHQS huyện thông qua báo cáo tổng kết diễn tập KVPT huyện năm 2023",
    "Thảo luận: tồn tại, hạn chế, nguyên nhân và giải pháp khắc phục",
    "Trưởng Ban Chỉ đạo diễn tập huyện phát biểu chỉ đạo",
    "Trưởng Ban Tổ chức diễn tập huyện kết luận hội nghị",
]


@dataclass(frozen=True)
class ObservationRow:
    code: str
    kind: str
    area: str
    observation: str
    discussion: str = ""
    conclusion: str = ""
    recommendation: str = ""
    raised_by_agency: str | None = None
    tags: tuple[str, ...] = ()
    state: str = "observation"
    illustrative: bool = False


OBSERVATIONS = [
    ObservationRow(
        "NX-01",
        "strength",
        "preparation",
        "Công tác tập huấn, chuẩn bị văn kiện; huấn luyện, luyện tập; xây dựng công trình diễn "
        "tập; bảo đảm an ninh đều đạt kết quả. Xây mới hầm họp, sa bàn BCHQS huyện, hầm Huyện ủy; "
        "cải tạo hầm họp UBND huyện, Công an huyện, BCĐ diễn tập tỉnh; đổ bê tông hơn 2 km đường "
        "giao thông.",
        raised_by_agency="388-BCHQS",
        tags=("công trình", "văn kiện", "huấn luyện"),
        state="lesson_learned",
    ),
    ObservationRow(
        "NX-02",
        "strength",
        "live_troops",
        "Huy động 110 quân nhân dự bị của Đại đội 1 bộ binh huyện đạt 100%, chất lượng bảo đảm "
        "tốt; bảo đảm an toàn tuyệt đối về người, vũ khí trang bị.",
        raised_by_agency="388-BCHQS",
        tags=("thực binh", "động viên"),
        state="lesson_learned",
    ),
    ObservationRow(
        "NX-03",
        "shortcoming",
        "preparation",
        "Một số văn kiện hoàn thành chậm so với kế hoạch, phải chỉnh sửa nhiều lần trước tổng "
        "duyệt.",
        discussion="Thời gian chuẩn bị ngắn; cán bộ soạn thảo kiêm nhiệm nhiều việc.",
        conclusion="Cần lập kế hoạch chuẩn bị văn kiện sớm hơn, có mốc kiểm tra.",
        recommendation="Giao mốc hoàn thành từng văn kiện cho từng tiểu ban, kiểm tra hằng tuần.",
        raised_by_agency="388-BCHQS",
        tags=("văn kiện", "tiến độ"),
        state="action_planned",
        illustrative=True,
    ),
    ObservationRow(
        "NX-04",
        "shortcoming",
        "mechanism",
        "Vận hành cơ chế ở một số ban, ngành có lúc còn lúng túng; báo cáo, đề xuất xử lý tình "
        "huống chưa kịp thời.",
        discussion="Một số thành viên chưa nắm chắc chức trách trong cơ chế lãnh đạo, điều hành.",
        conclusion="Quán triệt lại cơ chế “Đảng lãnh đạo, chính quyền điều hành, các ban, ngành, "
        "đoàn thể làm tham mưu, quân sự, công an làm nòng cốt”.",
        recommendation="Bồi dưỡng kiến thức quốc phòng và an ninh cho thành viên các ban, ngành.",
        raised_by_agency="388-UBND",
        tags=("cơ chế", "điều hành"),
        state="action_planned",
        illustrative=True,
    ),
    ObservationRow(
        "NX-05",
        "shortcoming",
        "live_troops",
        "Hiệp đồng giữa các lực lượng thực binh khi xử lý tình huống A2 có lúc chưa chặt chẽ; "
        "thời gian cơ động lực lượng còn chậm.",
        discussion="Luyện tập hiệp đồng chung giữa công an, quân sự, dân quân còn ít.",
        conclusion="Tăng luyện tập hiệp đồng trước các cuộc diễn tập sau.",
        recommendation="Tổ chức luyện tập hiệp đồng xử lý tình huống A2 hằng năm.",
        raised_by_agency="388-CA",
        tags=("thực binh", "hiệp đồng", "A2"),
        state="action_planned",
        illustrative=True,
    ),
    ObservationRow(
        "NX-06",
        "shortcoming",
        "live_troops",
        "Bảo đảm hậu cần, kỹ thuật cho lực lượng thực binh có lúc chưa kịp thời; đường cơ động "
        "vào khu vực diễn tập hẹp, xe vận tải khó tiếp cận.",
        discussion="Kế hoạch hậu cần lập muộn, chưa khảo sát kỹ đường cơ động.",
        conclusion="Khảo sát, lập kế hoạch bảo đảm hậu cần, kỹ thuật ngay từ giai đoạn chuẩn bị.",
        recommendation="Lập kế hoạch bảo đảm hậu cần, kỹ thuật và khảo sát đường cơ động trước "
        "khi luyện tập.",
        raised_by_agency="388-BCHQS",
        tags=("hậu cần", "đường cơ động"),
        state="lesson_identified",
        illustrative=True,
    ),
]


@dataclass(frozen=True)
class ActionRow:
    code: str
    title: str
    owner: str
    due: dt.date
    responsible: str | None = None
    observation: str | None = None
    status: str = "open"
    progress_note: str = ""
    closed_on: dt.date | None = None


@dataclass(frozen=True)
class DirectiveRow:
    code: str
    text: str
    given_by: str
    actions: tuple[ActionRow, ...] = field(default_factory=tuple)


S = dt.date
DIRECTIVES = [
    DirectiveRow(
        "CD-01",
        "UBND huyện khẩn trương bàn giao công trình sở chỉ huy diễn tập, hầm hào cho BCHQS huyện "
        "quản lý.",
        BCD_HEAD,
        (
            ActionRow(
                "KP-01",
                "Lập biên bản bàn giao công trình sở chỉ huy diễn tập, hầm hào cho BCHQS huyện",
                "388-UBND",
                S(2023, 9, 30),
                responsible=BTC_HEAD,
                status="in_progress",
                progress_note="Đã kiểm đếm hiện trạng công trình; chờ lập biên bản.",
            ),
            ActionRow(
                "KP-02",
                "Tiếp nhận, quản lý, bảo quản công trình sở chỉ huy và hầm hào sau bàn giao",
                "388-BCHQS",
                S(2023, 10, 31),
                responsible="CB-388-0003",
            ),
        ),
    ),
    DirectiveRow(
        "CD-02",
        "Tổ chức thanh quyết toán, chi trả đầy đủ, kịp thời kinh phí theo quy định, kể cả kinh phí "
        "phát sinh.",
        BCD_HEAD,
        (
            ActionRow(
                "KP-03",
                "Thanh quyết toán kinh phí diễn tập, kể cả kinh phí phát sinh",
                "388-TCKH",
                S(2023, 10, 31),
                responsible="CB-388-0007",
                status="closed",
                progress_note="Đã quyết toán xong các dòng kinh phí.",
                closed_on=S(2023, 11, 10),
            ),
        ),
    ),
    DirectiveRow(
        "CD-03",
        "BCHQS huyện hoàn chỉnh hồ sơ, quản lý văn kiện diễn tập.",
        BCD_HEAD,
        (
            ActionRow(
                "KP-04",
                "Hoàn chỉnh hồ sơ, lưu trữ và quản lý văn kiện diễn tập",
                "388-BCHQS",
                S(2023, 9, 30),
                responsible="CB-388-0004",
                status="done_pending_approval",
                progress_note="Đã lập danh mục, niêm phong và lưu trữ văn kiện.",
            ),
        ),
    ),
    DirectiveRow(
        "CD-04",
        "Chi trả kinh phí giải phóng mặt bằng.",
        BCD_HEAD,
        (
            ActionRow(
                "KP-05",
                "Chi trả kinh phí giải phóng mặt bằng các khu vực công trình diễn tập",
                "388-TCKH",
                S(2023, 10, 15),
                responsible="CB-388-0007",
                status="in_progress",
            ),
        ),
    ),
    DirectiveRow(
        "CD-05",
        "Rút kinh nghiệm những tồn tại, hạn chế được chỉ rõ trong báo cáo tổng kết.",
        BCD_HEAD,
        (
            ActionRow(
                "KP-06",
                "Rút kinh nghiệm công tác chuẩn bị văn kiện: mốc hoàn thành cho từng tiểu ban",
                "388-BCHQS",
                S(2023, 12, 31),
                responsible="CB-388-0004",
                observation="NX-03",
            ),
            ActionRow(
                "KP-07",
                "Bồi dưỡng cơ chế lãnh đạo, điều hành cho thành viên các ban, ngành",
                "388-UBND",
                S(2024, 6, 30),
                observation="NX-04",
            ),
            ActionRow(
                "KP-08",
                "Luyện tập hiệp đồng lực lượng xử lý tình huống A2",
                "388-BCHQS",
                S(2024, 3, 31),
                responsible="CB-388-0006",
                observation="NX-05",
                status="in_progress",
            ),
        ),
    ),
    DirectiveRow(
        "CD-06",
        "Tiếp tục đẩy mạnh công tác tuyên truyền, giáo dục, làm cho các cấp, các ngành và Nhân dân "
        "nhận thức sâu sắc về nhiệm vụ xây dựng KVPT; tăng cường giáo dục quốc phòng và an ninh "
        "cho cán bộ các cấp, các ngành và Nhân dân.",
        BCD_HEAD,
        (
            ActionRow(
                "KP-09",
                "Tuyên truyền, giáo dục quốc phòng và an ninh về nhiệm vụ xây dựng KVPT",
                "388-VHTT",
                S(2023, 12, 31),
            ),
        ),
    ),
    DirectiveRow(
        "CD-07",
        "Xây dựng thực lực cơ sở chính trị vững mạnh, lực lượng vũ trang địa phương vững mạnh "
        "toàn diện; nâng cao hiệu quả lãnh đạo, chỉ đạo thực hiện nhiệm vụ quốc phòng, an ninh, "
        "xây dựng KVPT địa phương vững mạnh.",
        BCD_HEAD,
        (
            ActionRow(
                "KP-10",
                "Củng cố cơ sở chính trị và lực lượng vũ trang địa phương vững mạnh toàn diện",
                "388-BCHQS",
                S(2024, 12, 31),
                responsible="CB-388-0003",
            ),
        ),
    ),
    DirectiveRow(
        "CD-08",
        "Kết luận hội nghị: BCHQS huyện là cơ quan tham mưu trực tiếp, cùng 7 tiểu ban nghiêm túc "
        "tiếp thu ý kiến chỉ đạo của đồng chí Bí thư Huyện ủy; ngay sau hội nghị UBND huyện tổ "
        "chức bàn giao công trình cho BCHQS huyện quản lý, sớm thanh quyết toán kinh phí cũng như "
        "kinh phí phát sinh; tiếp tục tăng cường tuyên truyền nâng cao nhận thức, không để bị động "
        "bất ngờ.",
        BTC_HEAD,
        (
            ActionRow(
                "KP-11",
                "Báo cáo BCĐ kết quả tiếp thu, khắc phục của BCHQS huyện và 7 tiểu ban",
                "388-BCHQS",
                S(2023, 11, 30),
                responsible="CB-388-0004",
            ),
        ),
    ),
]


def load_review_demo(loader: Any, exercise: Any) -> None:
    """Upsert the conference, observations, directives and actions of DT-KVPT-2023."""
    from kvpt.accounts.models import User
    from kvpt.organisations.models import Agency, Person
    from kvpt.review.models import (
        Conference,
        CorrectiveAction,
        Directive,
        Observation,
        ObservationTransition,
    )

    people = {p.code: p for p in Person.objects.filter(code__startswith="CB-388-")}
    agencies = {a.code: a for a in Agency.objects.filter(code__startswith="388-")}
    level = int(exercise.classification)
    conference = loader.upsert(
        Conference,
        {"exercise": exercise, "code": CONFERENCE_CODE},
        {
            "title": "Hội nghị tổng kết, rút kinh nghiệm diễn tập khu vực phòng thủ huyện năm 2023",
            "held_on": HELD_ON,
            "place": "Hội trường Huyện ủy Lang Chánh (minh họa)",
            "attendees": "Thành viên Ban Chỉ đạo, Ban Tổ chức diễn tập huyện; các ban, ngành, "
            "đơn vị trực tiếp tham gia triển khai công tác diễn tập.",
            "agenda": AGENDA,
            "notes": "Ngày họp, người chủ trì và nội dung theo bản tin của Đài TT-TH huyện; địa "
            "điểm là minh họa.",
            "classification": level,
            "is_illustrative": True,
        },
        m2m={"chairs": [people[c] for c in (BCD_HEAD, BTC_HEAD) if c in people]},
    )
    recorder = User.objects.filter(username="thammuu").first()
    observations = {}
    for row in OBSERVATIONS:
        observations[row.code] = loader.upsert(
            Observation,
            {"exercise": exercise, "code": row.code},
            {
                "conference": conference,
                "kind": row.kind,
                "area": row.area,
                "observation": row.observation,
                "discussion": row.discussion,
                "conclusion": row.conclusion,
                "recommendation": row.recommendation,
                "raised_by_agency": agencies.get(row.raised_by_agency or ""),
                "tags": list(row.tags),
                "state": row.state,
                "classification": level,
                "is_illustrative": row.illustrative,
            },
        )
        _state_log(ObservationTransition, observations[row.code], row.state, recorder)
    for d in DIRECTIVES:
        directive = loader.upsert(
            Directive,
            {"exercise": exercise, "code": d.code},
            {
                "conference": conference,
                "text": d.text,
                "given_by": people.get(d.given_by),
                "given_on": HELD_ON,
                "classification": level,
                "is_illustrative": False,
            },
        )
        for a in d.actions:
            closed_at = (
                timezone.make_aware(dt.datetime.combine(a.closed_on, dt.time(9, 0)))
                if a.closed_on
                else None
            )
            loader.upsert(
                CorrectiveAction,
                {"exercise": exercise, "code": a.code},
                {
                    "directive": directive,
                    "observation": observations.get(a.observation or ""),
                    "title": a.title,
                    "owner": agencies.get(a.owner),
                    "responsible": people.get(a.responsible or ""),
                    "start": HELD_ON,
                    "due": a.due,
                    "status": a.status,
                    "progress_note": a.progress_note,
                    "closed_at": closed_at,
                    "classification": level,
                    "is_illustrative": True,
                },
            )


# The path each demo state was reached by, for the observation's recorded moves.
_PATHS = {
    "observation": [],
    "lesson_identified": [("observation", "lesson_identified")],
    "action_planned": [
        ("observation", "lesson_identified"),
        ("lesson_identified", "action_planned"),
    ],
    "lesson_learned": [
        ("observation", "lesson_identified"),
        ("lesson_identified", "action_planned"),
        ("action_planned", "lesson_learned"),
    ],
}


def _state_log(model: Any, observation: Any, state: str, by: Any) -> None:
    for from_state, to_state in _PATHS.get(state, []):
        model.objects.get_or_create(
            observation=observation,
            from_state=from_state,
            to_state=to_state,
            defaults={"by": by, "reason": "Dữ liệu mẫu (minh họa)"},
        )
