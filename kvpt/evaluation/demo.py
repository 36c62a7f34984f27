"""Demo rows of the evaluation for DT-KVPT-2023 (the lead wires this into kvpt/demo/load.py).

From the seed: the province steering committee (Ban Chỉ đạo diễn tập tỉnh) graded the exercise
"đạt được mục đích, yêu cầu đề ra và bảo đảm an toàn tuyệt đối về người, vũ khí trang bị"; the
preparation areas (training, documents, drills, works, security) "đều đạt kết quả". Who typed each
rating and the awards are not in the seed: those rows are flagged is_illustrative.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

GRADE_BASIS = (
    "Nhìn chung cuộc diễn tập KVPT huyện đã đạt được mục đích, yêu cầu đề ra, nội dung sát với "
    "tình hình thực tiễn địa bàn huyện miền núi biên giới, được Ban chỉ đạo diễn tập tỉnh đánh "
    "giá đạt được mục đích, yêu cầu đề ra và bảo đảm an toàn tuyệt đối về người, vũ khí trang bị."
)
PREPARATION_SET = ("BTC-CHUANBI", "Công tác chuẩn bị diễn tập")
# The seed's five preparation areas, each "đạt kết quả".
PREPARATION_CRITERIA = [
    ("TC-01", "Công tác tập huấn"),
    ("TC-02", "Công tác chuẩn bị văn kiện"),
    ("TC-03", "Công tác huấn luyện, luyện tập"),
    ("TC-04", "Công tác xây dựng công trình diễn tập"),
    ("TC-05", "Công tác bảo đảm an ninh"),
]
PREPARATION_RATIONALE = (
    "Báo cáo tổng kết: các nội dung từ công tác tập huấn, chuẩn bị văn kiện; công tác huấn luyện, "
    "luyện tập; công tác xây dựng công trình diễn tập; công tác bảo đảm an ninh đều đạt kết quả."
)
EVALUATOR_USERNAME = "danhgia"
EVALUATOR_AGENCY = "38-BCD-DT"


def load_evaluation_demo(loader: Any, exercise: Any) -> None:
    """Upsert the grade, the preparation criteria with ratings and official results, awards."""
    from importlib import import_module

    from django.apps import apps

    from kvpt.accounts.models import User
    from kvpt.evaluation.models import (
        Award,
        CriteriaSet,
        Criterion,
        Evaluation,
        ExerciseGrade,
        OfficialResult,
        RatingScale,
        ScaleLevel,
    )
    from kvpt.organisations.models import Agency, Person, Unit

    # The scales come from a data migration; a test database flushed between tests has lost
    # them, so the demo puts them back the way the migration does (get_or_create, idempotent).
    import_module("kvpt.evaluation.migrations.0002_seed_scales").seed(apps, None)
    agency = Agency.objects.get(code=EVALUATOR_AGENCY)
    evaluator = User.objects.get(username=EVALUATOR_USERNAME)
    person = Person.objects.filter(code="CB-38-0001").first()
    passed = ScaleLevel.objects.get(scale__code="GKDK", code="DAT")

    loader.upsert(
        ExerciseGrade,
        {"exercise": exercise},
        {
            "level": ScaleLevel.objects.get(scale__code="MDYC", code="DAT"),
            "decided_by_agency": agency,
            "decided_by": evaluator,
            "decided_on": None,
            "basis": GRADE_BASIS,
            "is_illustrative": False,
        },
    )
    criteria_set = loader.upsert(
        CriteriaSet,
        {"exercise": exercise, "code": PREPARATION_SET[0]},
        {"name": PREPARATION_SET[1], "scale": RatingScale.objects.get(code="GKDK")},
    )
    # The seed's report was read at the summary conference of 31/8/2023.
    decided_at = timezone.make_aware(dt.datetime(2023, 8, 31, 17, 0))
    for order, (code, text) in enumerate(PREPARATION_CRITERIA, start=1):
        criterion = loader.upsert(
            Criterion,
            {"criteria_set": criteria_set, "code": code},
            {"exercise": exercise, "text": text, "order": order},
        )
        target = {"target_kind": "exercise", "target_id": exercise.pk}
        loader.upsert(
            Evaluation,
            {"exercise": exercise, "evaluator": evaluator, "criterion": criterion, **target},
            {
                "target_label": exercise.name,
                "evaluator_person": person,
                "evaluator_agency": agency,
                "level": passed,
                "classification": exercise.classification,
                "comment": "Đạt kết quả.",
                # The seed says the area "đạt"; that this evaluator typed it is assumed.
                "is_illustrative": True,
            },
        )
        loader.upsert(
            OfficialResult,
            {"exercise": exercise, "criterion": criterion, **target},
            {
                "target_label": exercise.name,
                "level": passed,
                "decided_by": evaluator,
                "decided_by_person": person,
                "decided_at": decided_at,
                "rationale": PREPARATION_RATIONALE,
                "is_illustrative": False,
            },
        )
    bchqs = Agency.objects.filter(code="388-BCHQS").first()
    company = Unit.objects.filter(code="388-DBDV-C1").first()
    awards: list[tuple[str, dict[str, Any]]] = [
        (
            "KT-01",
            {
                "kind": "bang_khen",
                "issuer_text": "Chủ tịch UBND tỉnh",
                "recipient_agency": bchqs,
                "reason": "Có thành tích xuất sắc trong tham mưu, tổ chức diễn tập khu vực phòng "
                "thủ huyện năm 2023.",
            },
        ),
        (
            "KT-02",
            {
                "kind": "giay_khen",
                "issuer_text": "Chủ tịch UBND huyện",
                "recipient_unit": company,
                "reason": "Huy động quân nhân dự bị đạt 100%, hoàn thành tốt nhiệm vụ thực binh.",
            },
        ),
    ]
    for code, values in awards:
        if values.get("recipient_agency", values.get("recipient_unit")) is None:
            continue
        loader.upsert(
            Award, {"exercise": exercise, "code": code}, {**values, "is_illustrative": True}
        )
