"""The exercise lifecycle: guarded transitions, their record, closed read-only, the revision."""

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

from kvpt.accounts.models import Role
from kvpt.core.services import (
    ConcurrentEditError,
    ExerciseClosedError,
    create_versioned,
    save_versioned,
)
from kvpt.core.testing.factories import AgencyFactory, UserFactory, grant
from kvpt.core.testing.world import World
from kvpt.exercises.models import (
    Committee,
    CommitteeKind,
    CommitteeMember,
    CommitteeRole,
    Exercise,
    ExerciseStatus,
    ExerciseTransition,
    Phase,
)
from kvpt.exercises.services import (
    STANDARD_PHASES,
    conducting_blockers,
    exercise_create,
    exercise_transition,
    exercise_update,
)
from kvpt.preparation.models import Task

pytestmark = pytest.mark.django_db

S = ExerciseStatus
ClientFor = Callable[[Any], Client]
BASE = "/api/v1/exercises"


def _move(exercise: Exercise, to: str, actor: Any, reason: str = "") -> Exercise:
    fresh = Exercise.objects.get(pk=exercise.pk)
    return exercise_transition(
        exercise=fresh, to_status=to, reason=reason, expected_version=fresh.version, actor=actor
    )


def _make_ready(world: World, exercise: Exercise | None = None) -> Exercise:
    """A phase and a BCĐ with its head: what conducting needs."""
    exercise = exercise or world.exercise
    Phase.objects.create(exercise=exercise, order=1, name="Giai đoạn 1")
    bcd = Committee.objects.create(
        exercise=exercise, kind=CommitteeKind.STEERING, code="BCD", name="Ban Chỉ đạo"
    )
    CommitteeMember.objects.create(committee=bcd, person=world.person, role=CommitteeRole.HEAD)
    return exercise


def _to(world: World, status: str, exercise: Exercise | None = None) -> Exercise:
    """Walk the exercise forward to `status` as alice (readying it for conducting on the way)."""
    exercise = exercise or world.exercise
    order: list[str] = [S.DRAFT, S.PLANNED, S.PREPARING, S.CONDUCTING, S.REVIEWING, S.CLOSED]
    if order.index(status) >= order.index(S.CONDUCTING):
        _make_ready(world, exercise)
    for step in order[order.index(exercise.status) + 1 : order.index(status) + 1]:
        exercise = _move(exercise, step, world.alice)
    return exercise


# --- the table and the record -------------------------------------------------------------------


def test_each_move_records_from_to_who_when_and_why(world: World) -> None:
    before = timezone.now()
    exercise = _move(world.exercise, S.PLANNED, world.alice, reason="Có chỉ thị của tỉnh")
    exercise = _move(exercise, S.PREPARING, world.erin)
    moves = list(ExerciseTransition.objects.filter(exercise=exercise))
    assert [(m.from_status, m.to_status, m.by) for m in moves] == [
        (S.DRAFT, S.PLANNED, world.alice),
        (S.PLANNED, S.PREPARING, world.erin),
    ]
    assert moves[0].reason == "Có chỉ thị của tỉnh"
    assert moves[0].at >= before
    assert exercise.status == S.PREPARING
    assert exercise.history.first().history_user == world.erin


def test_a_move_the_table_does_not_allow_is_refused_and_nothing_recorded(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        _move(world.exercise, S.CLOSED, world.alice)
    assert (
        "Không thể chuyển trạng thái từ “Dự thảo” sang “Đã kết thúc”"
        in (caught.value.message_dict["to_status"][0])
    )
    with pytest.raises(ValidationError) as caught:
        _move(world.exercise, S.DRAFT, world.alice)
    assert "đã ở trạng thái" in caught.value.message_dict["to_status"][0]
    with pytest.raises(ValidationError):
        _move(world.exercise, "bogus", world.alice)
    assert not ExerciseTransition.objects.exists()
    assert Exercise.objects.get(pk=world.exercise.pk).status == S.DRAFT


def test_one_step_back_is_allowed(world: World) -> None:
    exercise = _to(world, S.PREPARING)
    exercise = _move(exercise, S.PLANNED, world.alice)
    assert exercise.status == S.PLANNED


# --- the guards ---------------------------------------------------------------------------------


def test_conducting_needs_a_phase(world: World) -> None:
    exercise = _to(world, S.PREPARING)
    bcd = Committee.objects.create(
        exercise=exercise, kind=CommitteeKind.STEERING, code="BCD", name="Ban Chỉ đạo"
    )
    CommitteeMember.objects.create(committee=bcd, person=world.person, role=CommitteeRole.HEAD)
    with pytest.raises(ValidationError) as caught:
        _move(exercise, S.CONDUCTING, world.alice)
    assert caught.value.message_dict["to_status"] == [
        "Chưa thể chuyển sang “Đang thực hành”: Cuộc diễn tập chưa có giai đoạn nào."
    ]
    Phase.objects.create(exercise=exercise, order=1, name="Giai đoạn 1")
    assert _move(exercise, S.CONDUCTING, world.alice).status == S.CONDUCTING


def test_conducting_needs_a_head_of_the_steering_committee(world: World) -> None:
    exercise = _to(world, S.PREPARING)
    Phase.objects.create(exercise=exercise, order=1, name="Giai đoạn 1")
    # A head of another committee, or a mere member of the BCĐ, is not enough.
    btc = Committee.objects.create(
        exercise=exercise, kind=CommitteeKind.ORGANISING, code="BTC", name="Ban Tổ chức"
    )
    CommitteeMember.objects.create(committee=btc, person=world.person, role=CommitteeRole.HEAD)
    bcd = Committee.objects.create(
        exercise=exercise, kind=CommitteeKind.STEERING, code="BCD", name="Ban Chỉ đạo"
    )
    member = CommitteeMember.objects.create(
        committee=bcd, person=world.person, role=CommitteeRole.DEPUTY
    )
    with pytest.raises(ValidationError) as caught:
        _move(exercise, S.CONDUCTING, world.alice)
    assert caught.value.message_dict["to_status"] == [
        "Chưa thể chuyển sang “Đang thực hành”: Ban Chỉ đạo chưa có Trưởng ban."
    ]
    member.role = CommitteeRole.HEAD
    member.save()
    assert conducting_blockers(exercise) == []
    assert _move(exercise, S.CONDUCTING, world.alice).status == S.CONDUCTING


def test_both_blockers_are_named_at_once(world: World) -> None:
    exercise = _to(world, S.PREPARING)
    with pytest.raises(ValidationError) as caught:
        _move(exercise, S.CONDUCTING, world.alice)
    assert len(caught.value.message_dict["to_status"]) == 2


def test_cancelling_needs_a_reason_which_is_kept(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        _move(world.exercise, S.CANCELLED, world.alice, reason="   ")
    assert caught.value.message_dict["reason"] == ["Cần ghi lý do hủy cuộc diễn tập."]
    exercise = _move(world.exercise, S.CANCELLED, world.alice, reason="Bão số 3")
    assert (exercise.status, exercise.cancel_reason) == (S.CANCELLED, "Bão số 3")
    assert ExerciseTransition.objects.get(exercise=exercise).reason == "Bão số 3"
    # Back to draft: the field clears, the transition keeps the reason.
    exercise = _move(exercise, S.DRAFT, world.alice)
    assert exercise.cancel_reason == ""
    assert ExerciseTransition.objects.filter(reason="Bão số 3").count() == 1


def test_an_observer_may_not_move_and_an_outsider_does_not_see(world: World) -> None:
    with pytest.raises(PermissionDenied):
        _move(world.exercise, S.PLANNED, world.bob)
    with pytest.raises(Http404):
        _move(world.exercise, S.PLANNED, world.charlie)
    assert not ExerciseTransition.objects.exists()


def test_a_stale_move_is_refused(world: World) -> None:
    exercise = Exercise.objects.get(pk=world.exercise.pk)
    exercise_update(
        exercise=exercise, changes={"name": "Tên mới"}, expected_version=1, actor=world.alice
    )
    with pytest.raises(ConcurrentEditError):
        exercise_transition(
            exercise=exercise, to_status=S.PLANNED, expected_version=1, actor=world.erin
        )
    assert Exercise.objects.get(pk=exercise.pk).status == S.DRAFT
    assert not ExerciseTransition.objects.exists()


# --- closed is read-only -----------------------------------------------------------------------


def test_a_closed_exercise_refuses_edits_of_its_fields(world: World) -> None:
    exercise = _to(world, S.CLOSED)
    with pytest.raises(ExerciseClosedError):
        exercise_update(
            exercise=exercise,
            changes={"name": "Sửa sau khi kết thúc"},
            expected_version=exercise.version,
            actor=world.alice,
        )
    assert Exercise.objects.get(pk=exercise.pk).name != "Sửa sau khi kết thúc"


def test_a_closed_exercise_refuses_writes_to_its_phases_and_tasks(world: World) -> None:
    exercise = _to(world, S.CLOSED)
    with pytest.raises(ExerciseClosedError):
        create_versioned(
            Phase(exercise=exercise, order=5, name="Giai đoạn thêm"), actor=world.alice
        )
    with pytest.raises(ExerciseClosedError):
        create_versioned(
            Task(exercise=exercise, code="CV-99", title="Việc thêm", category="training"),
            actor=world.alice,
        )
    phase = Phase.objects.get(exercise=exercise, order=1)
    phase.name = "Đổi tên"
    with pytest.raises(ExerciseClosedError):
        save_versioned(phase, expected_version=phase.version, actor=world.alice)
    assert not Phase.objects.filter(order=5).exists()
    assert not Task.objects.filter(code="CV-99").exists()
    assert Phase.objects.get(pk=phase.pk).name == "Giai đoạn 1"


def test_a_closed_exercise_has_no_edit_button_and_the_edit_page_sends_back(
    world: World, client_for: ClientFor
) -> None:
    exercise = _to(world, S.CLOSED)
    client = client_for(world.alice)
    body = client.get(exercise.get_absolute_url()).content.decode()
    assert reverse("exercises:edit", args=[exercise.pk]) not in body
    assert "hồ sơ chỉ còn để xem" in body
    response = client.get(reverse("exercises:edit", args=[exercise.pk]))
    assert response.status_code == 302
    assert response["Location"] == exercise.get_absolute_url()


def test_reopening_needs_a_leader_or_an_admin_and_a_reason(world: World) -> None:
    exercise = _to(world, S.CLOSED)
    # erin is a staff planner: she may move an exercise but not reopen a closed one.
    with pytest.raises(ValidationError) as caught:
        _move(exercise, S.REVIEWING, world.erin, reason="Bổ sung")
    assert "Chỉ lãnh đạo Ban Chỉ đạo hoặc quản trị" in caught.value.message_dict["to_status"][0]
    with pytest.raises(ValidationError) as caught:
        _move(exercise, S.REVIEWING, world.alice)
    assert caught.value.message_dict["reason"] == [
        "Cần ghi lý do mở lại cuộc diễn tập đã kết thúc."
    ]
    leader = UserFactory.create(username="leader")
    grant(leader, Role.STEERING_LEADER, exercise=exercise)
    reopened = _move(exercise, S.REVIEWING, leader, reason="Bổ sung kết quả chấm")
    assert reopened.status == S.REVIEWING
    last = ExerciseTransition.objects.filter(exercise=exercise).last()
    assert last is not None
    assert (last.from_status, last.to_status, last.by, last.reason) == (
        S.CLOSED,
        S.REVIEWING,
        leader,
        "Bổ sung kết quả chấm",
    )
    # Open again: its records take writes.
    create_versioned(Phase(exercise=exercise, order=5, name="Giai đoạn thêm"), actor=world.alice)


# --- the revision ------------------------------------------------------------------------------


def test_the_revision_rises_with_a_child_write_and_with_the_exercises_own_edit(
    world: World,
) -> None:
    start = Exercise.objects.get(pk=world.exercise.pk)
    create_versioned(Phase(exercise=start, order=1, name="Giai đoạn 1"), actor=world.alice)
    after_child = Exercise.objects.get(pk=start.pk)
    assert after_child.revision == start.revision + 1
    assert after_child.version == start.version  # a child write is no edit of the exercise
    edited = exercise_update(
        exercise=after_child,
        changes={"scale": "1 bên 2 cấp"},
        expected_version=after_child.version,
        actor=world.alice,
    )
    assert edited.revision == after_child.revision + 1
    assert Exercise.objects.get(pk=start.pk).revision == start.revision + 2


def test_a_child_write_between_read_and_save_loses_nothing(world: World) -> None:
    """The edit form was opened, then someone added a phase: the edit still saves (the version
    did not move), and the revision counts both writes."""
    opened = Exercise.objects.get(pk=world.exercise.pk)
    create_versioned(Phase(exercise=opened, order=1, name="Giai đoạn 1"), actor=world.erin)
    saved = exercise_update(
        exercise=opened,
        changes={"name": "Tên mới"},
        expected_version=opened.version,
        actor=world.alice,
    )
    assert saved.revision == opened.revision + 2
    assert Phase.objects.filter(exercise=opened).count() == 1


def test_a_concurrent_edit_is_refused_and_nothing_is_lost(world: World) -> None:
    mine = Exercise.objects.get(pk=world.exercise.pk)
    theirs = Exercise.objects.get(pk=world.exercise.pk)
    exercise_update(
        exercise=theirs,
        changes={"purposes": ["Nâng cao năng lực lãnh đạo"]},
        expected_version=theirs.version,
        actor=world.erin,
    )
    with pytest.raises(ConcurrentEditError):
        exercise_update(
            exercise=mine,
            changes={"scale": "1 bên 2 cấp"},
            expected_version=mine.version,
            actor=world.alice,
        )
    stored = Exercise.objects.get(pk=mine.pk)
    assert stored.purposes == ["Nâng cao năng lực lãnh đạo"]
    assert stored.scale == ""


# --- creating -----------------------------------------------------------------------------------


def test_a_new_exercise_has_the_three_standard_phases_unless_declined(world: World) -> None:
    exercise = exercise_create(
        code="DT-XA-2026",
        name="Diễn tập xã Trí Nang",
        area=world.commune,
        year=2026,
        actor=world.alice,
    )
    names = list(Phase.objects.filter(exercise=exercise).values_list("name", flat=True))
    assert names == [str(n) for n in STANDARD_PHASES]
    assert names[0].startswith("Chuyển địa phương vào các trạng thái quốc phòng")
    assert exercise.status == S.DRAFT
    bare = exercise_create(
        code="DT-XA-2027",
        name="Diễn tập xã 2027",
        area=world.commune,
        year=2027,
        standard_phases=False,
        actor=world.alice,
    )
    assert not Phase.objects.filter(exercise=bare).exists()


def test_all_fields_are_stored_lists_cleaned(world: World) -> None:
    province_bcd = AgencyFactory.create(code="BCD-38", name="Ban Chỉ đạo tỉnh", area=world.province)
    exercise = exercise_create(
        code="DT-XA-2026",
        name="Diễn tập xã Trí Nang",
        area=world.commune,
        year=2026,
        actor=world.alice,
        code_name="Trí Nang-26",
        kind="commune_combat",
        organisation=world.agency,
        directing_organisation=province_bcd,
        scale="1 bên 2 cấp",
        purposes=["  Nâng cao  năng lực ", "", "Kiểm nghiệm quyết tâm"],
        requirements=["An toàn tuyệt đối"],
        start_date=dt.date(2026, 8, 20),
        end_date=dt.date(2026, 8, 22),
        leadership_mechanism="cấp ủy lãnh đạo, chính quyền điều hành",
        is_illustrative=True,
    )
    exercise.refresh_from_db()
    assert exercise.purposes == ["Nâng cao năng lực", "Kiểm nghiệm quyết tâm"]
    assert exercise.directing_organisation == province_bcd
    assert (exercise.code_name, exercise.kind, exercise.is_illustrative) == (
        "Trí Nang-26",
        "commune_combat",
        True,
    )


def test_agencies_outside_the_scope_are_refused(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        exercise_create(
            code="DT-XA-2026",
            name="x",
            area=world.commune,
            year=2026,
            actor=world.alice,
            organisation=world.sibling_agency,
        )
    assert "organisation" in caught.value.message_dict
    # A sibling district's agency does not direct: it is no ancestor of the area.
    with pytest.raises(ValidationError) as caught:
        exercise_create(
            code="DT-XA-2026",
            name="x",
            area=world.commune,
            year=2026,
            actor=world.alice,
            directing_organisation=world.sibling_agency,
        )
    assert "directing_organisation" in caught.value.message_dict


def test_the_edit_refuses_a_status(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        exercise_update(
            exercise=world.exercise,
            changes={"status": S.CLOSED},
            expected_version=1,
            actor=world.alice,
        )
    assert "/transitions" in caught.value.message_dict["status"][0]


# --- pages --------------------------------------------------------------------------------------


def test_the_detail_page_offers_the_allowed_moves_and_shows_the_history(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.alice)
    url = world.exercise.get_absolute_url()
    body = client.get(url).content.decode()
    assert 'data-testid="transition-planned"' in body
    assert 'data-testid="transition-cancelled"' in body
    assert 'data-testid="transition-closed"' not in body
    assert "Số hiệu dữ liệu" in body
    response = client.post(
        reverse("exercises:transition", args=[world.exercise.pk]),
        {"to_status": "cancelled", "reason": "", "version": 1},
    )
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert "Cần ghi lý do hủy cuộc diễn tập." in body
    client.post(
        reverse("exercises:transition", args=[world.exercise.pk]),
        {"to_status": "planned", "reason": "", "version": 1},
    )
    body = client.get(url).content.decode()
    assert "Đã chuyển sang trạng thái “Đã lập kế hoạch”" in body
    assert 'data-testid="status-history"' in body
    assert Exercise.objects.get(pk=world.exercise.pk).status == S.PLANNED


def test_the_detail_page_names_what_blocks_conducting(world: World, client_for: ClientFor) -> None:
    exercise = _to(world, S.PREPARING)
    body = client_for(world.alice).get(exercise.get_absolute_url()).content.decode()
    assert "Cuộc diễn tập chưa có giai đoạn nào." in body
    assert "Ban Chỉ đạo chưa có Trưởng ban." in body


def test_bob_sees_no_buttons_and_gets_403_charlie_404(world: World, client_for: ClientFor) -> None:
    url = reverse("exercises:transition", args=[world.exercise.pk])
    data = {"to_status": "planned", "version": 1}
    bob = client_for(world.bob)
    assert "transition-planned" not in bob.get(world.exercise.get_absolute_url()).content.decode()
    assert bob.post(url, data).status_code == 403
    assert client_for(world.charlie).post(url, data).status_code == 404
    anonymous = Client().post(url, data)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    assert Exercise.objects.get(pk=world.exercise.pk).status == S.DRAFT


def test_the_edit_page_has_no_status_field_and_saves_the_new_fields(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.alice)
    url = reverse("exercises:edit", args=[world.exercise.pk])
    assert 'name="status"' not in client.get(url).content.decode()
    exercise = world.exercise
    response = client.post(
        url,
        {
            "code": exercise.code,
            "name": exercise.name,
            "area": exercise.area_id,
            "level": exercise.level_id,
            "year": exercise.year,
            "kind": "kvpt_district",
            "classification": 0,
            "purposes": "Mục đích một\r\n\r\nMục đích hai\r\n",
            "requirements": "Yêu cầu một",
            "start_date": "20/08/2023",
            "end_date": "22/08/2023",
            "organisation": world.agency.pk,
            "version": 1,
        },
    )
    assert response.status_code == 302, response.content.decode()
    exercise.refresh_from_db()
    assert exercise.purposes == ["Mục đích một", "Mục đích hai"]
    assert exercise.start_date == dt.date(2023, 8, 20)
    assert exercise.organisation == world.agency
    body = client.get(exercise.get_absolute_url()).content.decode()
    assert "<li>Mục đích hai</li>" in body
    assert "20/08/2023" in body


# --- API ----------------------------------------------------------------------------------------


def test_api_transitions_post_and_list(world: World, api_client_for: Any) -> None:
    api = api_client_for(world.alice)
    url = f"{BASE}/{world.exercise.pk}/transitions"
    moved = api.post(
        url, {"to_status": "planned", "reason": "", "version": 1}, content_type="application/json"
    )
    assert moved.status_code == 200, moved.content
    assert (moved.json()["status"], moved.json()["version"]) == ("planned", 2)
    refused = api.post(
        url, {"to_status": "cancelled", "version": 2}, content_type="application/json"
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "reason"
    stale = api.post(url, {"to_status": "preparing", "version": 1}, content_type="application/json")
    assert stale.status_code == 409
    listed = api.get(url).json()
    assert listed["count"] == 1
    assert listed["items"][0]["from_status"] == "draft"
    assert listed["items"][0]["to_status"] == "planned"
    assert listed["items"][0]["by"] == "alice"


def test_api_patch_refuses_status_pointing_to_the_transitions(
    world: World, api_client_for: Any
) -> None:
    api = api_client_for(world.alice)
    response = api.patch(
        f"{BASE}/{world.exercise.pk}",
        {"version": 1, "status": "planned"},
        content_type="application/json",
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "status"
    assert f"/api/v1/exercises/{world.exercise.pk}/transitions" in error["message"]
    assert Exercise.objects.get(pk=world.exercise.pk).status == S.DRAFT


def test_api_patch_and_post_take_the_new_fields(world: World, api_client_for: Any) -> None:
    api = api_client_for(world.alice)
    created = api.post(
        BASE,
        {
            "code": "DT-XA-2026",
            "name": "Diễn tập xã Trí Nang",
            "area_code": world.commune.code,
            "year": 2026,
            "kind": "commune_combat",
            "purposes": ["Một", "Hai"],
            "organisation_code": world.agency.code,
            "standard_phases": False,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["purposes"] == ["Một", "Hai"]
    assert body["organisation"]["code"] == world.agency.code
    assert body["kind"] == "commune_combat"
    assert not Phase.objects.filter(exercise_id=body["id"]).exists()
    patched = api.patch(
        f"{BASE}/{body['id']}",
        {
            "version": 1,
            "requirements": ["An toàn"],
            "organisation_id": None,
            "start_date": "2026-08-20",
        },
        content_type="application/json",
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["requirements"] == ["An toàn"]
    assert patched.json()["organisation"] is None
    assert patched.json()["start_date"] == "2026-08-20"
    assert patched.json()["revision"] >= 2
    drafted_as_planned = api.post(
        BASE,
        {
            "code": "DT-X",
            "name": "x",
            "area_code": world.commune.code,
            "year": 2026,
            "status": "planned",
        },
        content_type="application/json",
    )
    assert drafted_as_planned.status_code == 422


def test_api_transitions_scope(world: World, api_client_for: Any) -> None:
    url = f"{BASE}/{world.exercise.pk}/transitions"
    body = {"to_status": "planned", "version": 1}
    assert Client().get(url).status_code == 401
    assert Client().post(url, body, content_type="application/json").status_code == 401
    charlie = api_client_for(world.charlie)
    assert charlie.get(url).status_code == 404
    assert charlie.post(url, body, content_type="application/json").status_code == 404
    bob = api_client_for(world.bob)
    assert bob.get(url).status_code == 200
    assert bob.post(url, body, content_type="application/json").status_code == 403
    assert Exercise.objects.get(pk=world.exercise.pk).status == S.DRAFT


def test_the_detail_page_links_the_exercises_sections(world: World, client_for: ClientFor) -> None:
    pk = world.exercise.pk
    body = client_for(world.bob).get(world.exercise.get_absolute_url()).content.decode()
    for name in ("exercises:structure", "exercises:committees", "preparation:readiness"):
        assert reverse(name, args=[pk]) in body, name


def test_the_form_names_dates_out_of_order_on_the_end_date(
    world: World, client_for: ClientFor
) -> None:
    response = client_for(world.alice).post(
        reverse("exercises:create"),
        {
            "code": "DT-XA-2026",
            "name": "Diễn tập xã",
            "area": world.commune.pk,
            "year": 2026,
            "kind": "commune_combat",
            "classification": 0,
            "start_date": "22/08/2026",
            "end_date": "20/08/2026",
        },
    )
    assert response.status_code == 422
    assert response.context["form"].errors["end_date"] == [
        "Ngày kết thúc không được trước ngày bắt đầu."
    ]
    assert not Exercise.objects.filter(code="DT-XA-2026").exists()


def _add_transitions(world: World, n: int) -> None:
    ExerciseTransition.objects.bulk_create(
        ExerciseTransition(
            exercise=world.exercise, from_status=S.DRAFT, to_status=S.PLANNED, by=world.alice
        )
        for _ in range(n)
    )


def test_the_status_history_costs_the_same_queries_for_1_or_20_moves(
    world: World, client_for: ClientFor, api_client_for: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.alice)
    api = api_client_for(world.alice)
    api.get(f"{BASE}/{world.exercise.pk}")  # the token's first use is recorded once
    counts = []
    for n in (1, 19):
        _add_transitions(world, n)
        with CaptureQueriesContext(connection) as page:
            assert client.get(world.exercise.get_absolute_url()).status_code == 200
        with CaptureQueriesContext(connection) as listed:
            assert api.get(f"{BASE}/{world.exercise.pk}/transitions").status_code == 200
        counts.append((len(page), len(listed)))
    assert counts[0] == counts[1]


def test_api_refuses_to_edit_a_closed_exercise(world: World, api_client_for: Any) -> None:
    exercise = _to(world, S.CLOSED)
    response = api_client_for(world.alice).patch(
        f"{BASE}/{exercise.pk}",
        {"version": exercise.version, "name": "Sửa sau khi kết thúc"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "đã kết thúc" in response.json()["errors"][0]["message"]
    assert Exercise.objects.get(pk=exercise.pk).name != "Sửa sau khi kết thúc"
