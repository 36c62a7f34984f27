"""A small exercise with at least one record of the kinds that stress the format."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from kvpt.core.models import Classification
from kvpt.core.testing.world import World

FAST = 10  # scrypt cost in tests (the header carries it; the default is slower on purpose)
FILE_BYTES = "Kế hoạch diễn tập — bản 1".encode()


def populate(world: World) -> Any:
    """Fill the world's exercise with linked records of several apps; return the exercise."""
    from kvpt.evaluation.models import CriteriaSet, Criterion, Evaluation, RatingScale, ScaleLevel
    from kvpt.exercises.models import Committee, CommitteeMember, Content, Phase
    from kvpt.forces.models import Force, ForceAllocation, VehicleAllocation
    from kvpt.preparation.models import (
        BudgetLine,
        Document,
        DocumentKind,
        DocumentVersion,
        Task,
        Work,
    )
    from kvpt.review.models import CorrectiveAction, Observation
    from kvpt.scenario.models import Inject, Situation, SituationKind

    exercise = world.exercise
    phase = Phase.objects.create(exercise=exercise, order=1, name="Giai đoạn 1")
    Phase.objects.create(exercise=exercise, order=2, name="Giai đoạn 2")
    content = Content.objects.create(phase=phase, order=1, name="Nội dung 1")
    committee = Committee.objects.create(
        exercise=exercise, kind="steering", code="BCĐ", name="Ban Chỉ đạo"
    )
    CommitteeMember.objects.create(committee=committee, person=world.person, role="head")
    t1 = Task.objects.create(exercise=exercise, code="NV-01", title="Xây dựng kế hoạch")
    t2 = Task.objects.create(
        exercise=exercise,
        code="NV-02",
        title="Tập huấn",
        subcommittee=committee,
        owner=world.agency,
        assignee=world.person,
        due=dt.date(2023, 9, 1),
        classification=Classification.CONFIDENTIAL,
    )
    t1.depends_on.add(t2)  # a reference forward, to a later row of the same model
    line = BudgetLine.objects.create(
        exercise=exercise, code="NS-01", description="Xăng dầu", estimate=12_500_000
    )
    Work.objects.create(
        exercise=exercise,
        code="CT-01",
        name="Sở chỉ huy",
        quantity=Decimal("12.50"),
        budget_line=line,
    )
    document = Document.objects.create(
        exercise=exercise,
        code="VB-01",
        title="Kế hoạch",
        kind=DocumentKind.objects.get_or_create(code="KH-DT", defaults={"name": "Kế hoạch"})[0],
    )
    version = DocumentVersion(
        document=document,
        number=1,
        filename="ke-hoach.docx",
        content_type="application/octet-stream",
        size=len(FILE_BYTES),
        sha256=hashlib.sha256(FILE_BYTES).hexdigest(),
        uploaded_by=world.alice,
    )
    version.file.save("ke-hoach.docx", ContentFile(FILE_BYTES), save=False)
    version.save()
    f1 = Force.objects.create(exercise=exercise, code="LL-1", name="Dân quân", situations=["A2"])
    f2 = Force.objects.create(exercise=exercise, code="LL-2", name="Công an")
    allocation = ForceAllocation.objects.create(exercise=exercise, unit=world.unit)
    allocation.forces.set([f1, f2])
    VehicleAllocation.objects.create(allocation=allocation, kind="xe tải", planned=3)
    situation = Situation.objects.create(
        exercise=exercise,
        code="TH-1",
        title="Gây rối",
        kind=SituationKind.objects.get_or_create(code="riot", defaults={"name": "Gây rối"})[0],
        phase=phase,
        lead_agency=world.agency,
    )
    Inject.objects.create(
        exercise=exercise,
        serial=1,
        phase=phase,
        content_item=content,
        situation=situation,
        to_unit=world.unit,
        scheduled_at=timezone.make_aware(dt.datetime(2023, 10, 5, 7, 30)),
        content="Báo cáo tình hình",
    )
    # Seeded by a migration, but a transactional test's flush may have emptied the catalogue.
    scale, _new = RatingScale.objects.get_or_create(code="GKDK", defaults={"name": "Giỏi, khá"})
    ScaleLevel.objects.get_or_create(
        scale=scale, code="GIOI", defaults={"label": "Giỏi", "order": 1}
    )
    criteria = CriteriaSet.objects.create(
        exercise=exercise, code="TC", name="Tiêu chí", scale=scale
    )
    criterion = Criterion.objects.create(
        exercise=exercise, criteria_set=criteria, code="1", text="Chỉ huy", order=1
    )
    Evaluation.objects.create(
        exercise=exercise,
        target_kind="phase",
        target_id=phase.pk,
        evaluator=world.dave,
        criterion=criterion,
        level=ScaleLevel.objects.filter(scale=scale).order_by("order")[0],
    )
    observation = Observation.objects.create(
        exercise=exercise, code="QS-1", observation="Liên lạc chậm", raised_by_unit=world.unit
    )
    CorrectiveAction.objects.create(
        exercise=exercise, code="KP-1", title="Bổ sung máy", observation=observation
    )
    return exercise


def renamed(document: dict[str, Any], code: str) -> dict[str, Any]:
    """The same document for an exercise with another code (to import beside the original)."""
    copy = json.loads(json.dumps(document))
    copy["exercise"]["code"] = code
    return copy


def to_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()
