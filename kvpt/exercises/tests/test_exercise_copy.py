"""Copying the structure of an earlier exercise: what comes along, shifted, remapped; no results."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kvpt.core.models import Classification
from kvpt.core.testing.factories import AgencyFactory, PersonFactory
from kvpt.core.testing.world import World
from kvpt.exercises.models import (
    Committee,
    CommitteeKind,
    CommitteeMember,
    CommitteeRole,
    Content,
    Exercise,
    ExerciseStatus,
    ExerciseTransition,
    Milestone,
    Phase,
)
from kvpt.exercises.services import default_shift_days, exercise_copy_structure
from kvpt.preparation.models import (
    BudgetLine,
    Document,
    DocumentKind,
    Task,
    TaskStatus,
    Work,
)

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Any], Client]
BASE = "/api/v1/exercises"


def _at(day: dt.date, hour: int = 7) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def _source(world: World) -> Exercise:
    """DT-KVPT-2023 with a structure, a task list, and results that must not be copied."""
    exercise = world.exercise
    province_bcd = AgencyFactory.create(code="BCD-38", name="Ban Chỉ đạo tỉnh", area=world.province)
    Exercise.objects.filter(pk=exercise.pk).update(
        status=ExerciseStatus.CLOSED,
        start_date=dt.date(2023, 8, 20),
        end_date=dt.date(2023, 8, 22),
        kind="kvpt_district",
        scale="1 bên 2 cấp",
        purposes=["Nâng cao năng lực lãnh đạo"],
        requirements=["An toàn tuyệt đối"],
        leadership_mechanism="cấp ủy lãnh đạo",
        organisation=world.agency,
        directing_organisation=province_bcd,
        code_name="LC-23",
    )
    exercise.refresh_from_db()
    ExerciseTransition.objects.create(
        exercise=exercise, from_status="reviewing", to_status="closed", by=world.alice
    )
    p1 = Phase.objects.create(
        exercise=exercise,
        order=1,
        name="Giai đoạn 1",
        planned_start=_at(dt.date(2023, 8, 20)),
        planned_end=_at(dt.date(2023, 8, 20), 17),
        actual_start=_at(dt.date(2023, 8, 20), 8),
    )
    Phase.objects.create(exercise=exercise, order=2, name="Giai đoạn 2")
    Content.objects.create(
        phase=p1, order=1, name="Nội dung 1", planned_start=_at(dt.date(2023, 8, 20))
    )
    Content.objects.create(phase=p1, order=2, name="Nội dung 2")
    Milestone.objects.create(
        exercise=exercise,
        kind="rehearsal",
        title="Tổng duyệt",
        starts_on=dt.date(2023, 8, 15),
        done=True,
        notes="Đạt yêu cầu",
    )
    bcd = Committee.objects.create(
        exercise=exercise, kind=CommitteeKind.STEERING, code="BCD", name="Ban Chỉ đạo", order=1
    )
    docs = Committee.objects.create(
        exercise=exercise,
        kind=CommitteeKind.SUBCOMMITTEE,
        code="TB-VK",
        name="Tiểu ban Văn kiện",
        order=2,
    )
    deputy = PersonFactory.create(code="CB-002", full_name="Hà Văn Minh", area=world.district)
    CommitteeMember.objects.create(
        committee=bcd,
        person=world.person,
        role=CommitteeRole.HEAD,
        position="Bí thư Huyện ủy, Chủ tịch HĐND huyện",
        exercise_role="Trưởng ban Chỉ đạo",
    )
    CommitteeMember.objects.create(committee=docs, person=deputy, role=CommitteeRole.HEAD)
    plan = Task.objects.create(
        exercise=exercise,
        code="CV-01",
        title="Xây dựng kế hoạch",
        category="documents",
        subcommittee=docs,
        owner=world.agency,
        assignee=deputy,
        start=dt.date(2023, 5, 1),
        due=dt.date(2023, 6, 1),
        status=TaskStatus.DONE,
        progress=100,
        completed_on=dt.date(2023, 5, 30),
        notes="Theo mẫu của tỉnh",
    )
    approve = Task.objects.create(
        exercise=exercise,
        code="CV-02",
        title="Trình duyệt kế hoạch",
        category="documents",
        subcommittee=docs,
        start=dt.date(2023, 6, 2),
        due=dt.date(2023, 6, 10),
        status=TaskStatus.IN_PROGRESS,
        progress=50,
    )
    approve.depends_on.add(plan)
    Task.objects.create(
        exercise=exercise,
        code="CV-MAT",
        title="Việc tối mật",
        category="security",
        classification=Classification.SECRET,
    )
    Document.objects.create(
        exercise=exercise,
        code="VK-01",
        title="Kế hoạch",
        kind=DocumentKind.objects.get_or_create(code="KH-DT", defaults={"name": "Kế hoạch"})[0],
    )
    Work.objects.create(
        exercise=exercise, code="CT-01", name="Hầm họp", kind="bunker", construction="new"
    )
    BudgetLine.objects.create(
        exercise=exercise, code="KP-01", description="Chi", category="other", source="district"
    )
    return exercise


def _copy(world: World, source: Exercise, **overrides: Any) -> Exercise:
    kwargs: dict[str, Any] = {
        "source": source,
        "code": "DT-KVPT-2026",
        "name": "Diễn tập KVPT huyện 2026",
        "year": 2026,
        "area": world.district,
        "actor": world.alice,
    }
    kwargs.update(overrides)
    return exercise_copy_structure(**kwargs)


def test_the_copy_takes_the_structure_with_dates_shifted_by_whole_years(world: World) -> None:
    source = _source(world)
    copy = _copy(world, source)
    shift = dt.date(2026, 8, 20) - dt.date(2023, 8, 20)
    assert default_shift_days(source, 2026) == shift.days
    assert (copy.status, copy.copied_from, copy.year) == (ExerciseStatus.DRAFT, source, 2026)
    assert (copy.start_date, copy.end_date) == (dt.date(2026, 8, 20), dt.date(2026, 8, 22))
    assert (copy.scale, copy.purposes, copy.requirements) == (
        "1 bên 2 cấp",
        ["Nâng cao năng lực lãnh đạo"],
        ["An toàn tuyệt đối"],
    )
    assert copy.organisation == world.agency
    assert copy.directing_organisation == source.directing_organisation
    assert copy.code_name == ""  # a code name belongs to one exercise

    phases = list(Phase.objects.filter(exercise=copy))
    assert [p.name for p in phases] == ["Giai đoạn 1", "Giai đoạn 2"]
    assert phases[0].planned_start == _at(dt.date(2026, 8, 20))
    assert phases[0].actual_start is None  # a result
    contents = Content.objects.filter(phase__exercise=copy)
    assert [c.name for c in contents] == ["Nội dung 1", "Nội dung 2"]
    assert contents[0].planned_start == _at(dt.date(2026, 8, 20))

    milestone = Milestone.objects.get(exercise=copy)
    assert (milestone.starts_on, milestone.done, milestone.notes) == (
        dt.date(2026, 8, 15),
        False,
        "",
    )

    committees = {c.code: c for c in Committee.objects.filter(exercise=copy)}
    assert set(committees) == {"BCD", "TB-VK"}
    head = CommitteeMember.objects.get(committee=committees["BCD"])
    assert (head.person, head.role, head.position, head.exercise_role) == (
        world.person,
        CommitteeRole.HEAD,
        "Bí thư Huyện ủy, Chủ tịch HĐND huyện",
        "Trưởng ban Chỉ đạo",
    )
    assert CommitteeMember.objects.filter(committee__exercise=copy).count() == 2


def test_the_task_list_is_reset_shifted_and_remapped(world: World) -> None:
    source = _source(world)
    copy = _copy(world, source, shift_days=7)
    tasks = {t.code: t for t in Task.objects.filter(exercise=copy)}
    assert set(tasks) == {"CV-01", "CV-02"}  # the "Tối mật" task is above alice's clearance
    plan, approve = tasks["CV-01"], tasks["CV-02"]
    assert (plan.start, plan.due) == (dt.date(2023, 5, 8), dt.date(2023, 6, 8))
    assert (plan.status, plan.progress, plan.completed_on) == (TaskStatus.TODO, 0, None)
    assert (approve.status, approve.progress) == (TaskStatus.TODO, 0)
    assert (plan.owner, plan.notes) == (world.agency, "Theo mẫu của tỉnh")
    assert plan.subcommittee is not None
    assert plan.subcommittee.exercise_id == copy.pk
    assert plan.subcommittee.code == "TB-VK"
    assert list(approve.depends_on.all()) == [plan]


def test_no_results_come_along(world: World) -> None:
    source = _source(world)
    copy = _copy(world, source)
    assert not Document.objects.filter(exercise=copy).exists()
    assert not Work.objects.filter(exercise=copy).exists()
    assert not BudgetLine.objects.filter(exercise=copy).exists()
    assert not ExerciseTransition.objects.filter(exercise=copy).exists()
    assert not Milestone.objects.filter(exercise=copy, done=True).exists()
    # The source is untouched.
    assert Task.objects.filter(exercise=source).count() == 3
    assert Exercise.objects.get(pk=source.pk).status == ExerciseStatus.CLOSED


def test_members_stay_behind_when_unticked(world: World) -> None:
    copy = _copy(world, _source(world), copy_members=False)
    assert Committee.objects.filter(exercise=copy).count() == 2
    assert not CommitteeMember.objects.filter(committee__exercise=copy).exists()


def test_the_history_names_the_actor_and_the_source(world: World) -> None:
    copy = _copy(world, _source(world))
    first = copy.history.last()
    assert first is not None
    assert first.history_user == world.alice
    assert first.history_change_reason == "Sao cấu trúc từ DT-KVPT-2023"
    phase = Phase.objects.filter(exercise=copy).first()
    assert phase is not None
    assert phase.history.get().history_user == world.alice


def test_who_may_copy(world: World) -> None:
    source = _source(world)
    with pytest.raises(Http404):  # charlie does not see the source
        _copy(world, source, actor=world.charlie, area=world.sibling)
    with pytest.raises(PermissionDenied):  # bob sees it but may not add an exercise
        _copy(world, source, actor=world.bob)
    with pytest.raises(ValidationError):  # erin's grant is on the exercise only: no area
        _copy(world, source, actor=world.erin)
    with pytest.raises(ValidationError):  # alice may not place it in the sibling district
        _copy(world, source, area=world.sibling)
    assert not Exercise.objects.filter(code="DT-KVPT-2026").exists()


def test_a_failed_copy_leaves_nothing_behind(world: World) -> None:
    source = _source(world)
    with pytest.raises(ValidationError):
        _copy(world, source, code=source.code)  # the code is taken
    assert Exercise.objects.count() == 3
    assert Phase.objects.count() == 2


def test_the_copy_page(world: World, client_for: ClientFor) -> None:
    source = _source(world)
    client = client_for(world.alice)
    detail = client.get(source.get_absolute_url()).content.decode()
    assert reverse("exercises:copy", args=[source.pk]) in detail
    url = reverse("exercises:copy", args=[source.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Sao cả thành viên các ban" in page.content.decode()
    response = client.post(
        url,
        {
            "code": "DT-KVPT-2026",
            "name": "Diễn tập 2026",
            "year": 2026,
            "area": world.district.pk,
            "level": "",
            "shift_days": "",
            # copy_members unticked: absent from the POST
        },
    )
    copy = Exercise.objects.get(code="DT-KVPT-2026")
    assert response.status_code == 302
    assert response["Location"] == copy.get_absolute_url()
    assert not CommitteeMember.objects.filter(committee__exercise=copy).exists()
    assert copy.start_date == dt.date(2026, 8, 20)
    body = client.get(copy.get_absolute_url()).content.decode()
    assert "Sao cấu trúc từ" in body
    invalid = client.post(url, {"code": "", "name": "x", "year": 2026, "area": world.district.pk})
    assert invalid.status_code == 422


def test_the_copy_page_refuses_who_may_not(world: World, client_for: ClientFor) -> None:
    source = _source(world)
    url = reverse("exercises:copy", args=[source.pk])
    assert client_for(world.charlie).get(url).status_code == 404
    assert client_for(world.bob).get(url).status_code == 403
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    assert (
        "copy-structure"
        not in client_for(world.bob).get(source.get_absolute_url()).content.decode()
    )


def test_the_copy_api(world: World, api_client_for: Any) -> None:
    source = _source(world)
    url = f"{BASE}/{source.pk}/copy"
    body = {
        "code": "DT-KVPT-2026",
        "name": "Diễn tập 2026",
        "year": 2026,
        "area_code": world.district.code,
        "copy_members": False,
    }
    assert Client().post(url, body, content_type="application/json").status_code == 401
    charlie = api_client_for(world.charlie)
    assert charlie.post(url, body, content_type="application/json").status_code == 404
    bob = api_client_for(world.bob)
    assert bob.post(url, body, content_type="application/json").status_code == 403
    created = api_client_for(world.alice).post(url, body, content_type="application/json")
    assert created.status_code == 201, created.content
    copy = created.json()
    assert (copy["status"], copy["copied_from_id"]) == ("draft", source.pk)
    assert copy["start_date"] == "2026-08-20"
    assert not CommitteeMember.objects.filter(committee__exercise_id=copy["id"]).exists()
    assert Task.objects.filter(exercise_id=copy["id"]).count() == 2
