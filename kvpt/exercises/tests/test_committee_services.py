"""Committee services: who may write, the catalogue, delete refusal, members from the directory."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from kvpt.core.models import Classification
from kvpt.core.services import ConcurrentEditError, ExerciseClosedError
from kvpt.core.testing.factories import PersonFactory
from kvpt.core.testing.world import World
from kvpt.exercises.committee_services import (
    STANDARD_SUBCOMMITTEES,
    committee_add_standard,
    committee_create,
    committee_delete,
    committee_member_add,
    committee_member_remove,
    committee_member_update,
    committee_update,
    missing_standard,
)
from kvpt.exercises.models import Committee, CommitteeKind, CommitteeMember, CommitteeRole
from kvpt.exercises.selectors import committee_record_counts, subcommittees_of
from kvpt.organisations.models import Position
from kvpt.preparation.models import Task

pytestmark = pytest.mark.django_db


def _subcommittee(world: World, code: str = "TB-VANKIEN", name: str = "Tiểu ban Văn kiện") -> Any:
    return committee_create(
        exercise=world.exercise,
        kind=CommitteeKind.SUBCOMMITTEE,
        code=code,
        name=name,
        actor=world.alice,
    )


def test_an_editor_creates_updates_and_deletes_a_committee_and_the_revision_rises(
    world: World,
) -> None:
    revision = world.exercise.revision
    bcd = committee_create(
        exercise=world.exercise,
        kind=CommitteeKind.STEERING,
        code="BCD",
        name="Ban Chỉ đạo diễn tập",
        duties="Lãnh đạo, chỉ đạo toàn bộ cuộc diễn tập.",
        actor=world.erin,  # a staff planner granted on the exercise only
    )
    assert bcd.order == 1
    assert bcd.version == 1
    world.exercise.refresh_from_db()
    assert world.exercise.revision == revision + 1

    bcd = committee_update(
        committee=bcd, changes={"name": "Ban Chỉ đạo"}, expected_version=1, actor=world.alice
    )
    assert bcd.name == "Ban Chỉ đạo"
    assert bcd.version == 2
    assert bcd.history.first().history_user == world.alice

    committee_delete(committee=bcd, expected_version=2, actor=world.alice)
    assert not Committee.objects.filter(pk=bcd.pk).exists()


def test_codes_and_names_are_unique_within_the_exercise_only(world: World) -> None:
    _subcommittee(world)
    with pytest.raises(ValidationError) as caught:
        _subcommittee(world, code="tb-vankien", name="Tiểu ban khác")
    assert "code" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        _subcommittee(world, code="TB-VK2", name="tiểu ban văn kiện")
    assert "name" in caught.value.message_dict
    # Another exercise may use the same code.
    committee_create(
        exercise=world.secret_exercise,
        kind=CommitteeKind.SUBCOMMITTEE,
        code="TB-VANKIEN",
        name="Tiểu ban Văn kiện",
        actor=world.alice,
    )


def test_an_observer_may_not_and_an_outsider_does_not_see_the_exercise(world: World) -> None:
    with pytest.raises(PermissionDenied):
        committee_create(
            exercise=world.exercise, kind="subcommittee", code="X", name="X", actor=world.bob
        )
    with pytest.raises(PermissionDenied):
        committee_create(
            exercise=world.exercise, kind="subcommittee", code="X", name="X", actor=world.dave
        )
    with pytest.raises(Http404):
        committee_create(
            exercise=world.exercise, kind="subcommittee", code="X", name="X", actor=world.charlie
        )
    assert not Committee.objects.exists()


def test_the_catalogue_adds_only_the_missing_subcommittees(world: World) -> None:
    _subcommittee(world, code="TB-VK", name="Tiểu ban văn kiện")  # same name, other code
    added = committee_add_standard(
        exercise=world.exercise, catalogue="subcommittees", actor=world.alice
    )
    assert len(added) == len(STANDARD_SUBCOMMITTEES) - 1
    codes = set(world.exercise.committees.values_list("code", flat=True))
    assert {"TB-CONGTRINH", "TB-THUCBINH", "TB-HCKT", "TB-LETAN", "TB-VK"} <= codes
    assert "TB-VANKIEN" not in codes
    assert all(c.kind == CommitteeKind.SUBCOMMITTEE for c in added)
    # A second click adds nothing.
    assert (
        committee_add_standard(
            exercise=world.exercise, catalogue="subcommittees", actor=world.alice
        )
        == []
    )
    assert missing_standard(world.exercise, "subcommittees") == []
    leading = committee_add_standard(
        exercise=world.exercise, catalogue="leading", actor=world.alice
    )
    assert [c.code for c in leading] == ["BCD", "BTC", "BDD", "TGV"]
    with pytest.raises(ValidationError):
        committee_add_standard(exercise=world.exercise, catalogue="nope", actor=world.alice)
    with pytest.raises(PermissionDenied):
        committee_add_standard(exercise=world.exercise, catalogue="leading", actor=world.bob)


def test_a_subcommittee_with_work_cannot_be_deleted_nor_turned_into_another_kind(
    world: World,
) -> None:
    tb = _subcommittee(world)
    Task.objects.create(
        exercise=world.exercise,
        subcommittee=tb,
        code="CV-1",
        title="Soạn văn kiện",
        category="documents",
    )
    Task.objects.create(
        exercise=world.exercise, subcommittee=tb, code="CV-2", title="In ấn", category="documents"
    )
    with pytest.raises(ValidationError) as caught:
        committee_delete(committee=tb, expected_version=None, actor=world.alice)
    message = " ".join(caught.value.messages)
    assert "Không thể xóa “Tiểu ban Văn kiện”" in message
    assert "2 công việc chuẩn bị" in message
    assert Committee.objects.filter(pk=tb.pk).exists()

    with pytest.raises(ValidationError) as caught:
        committee_update(
            committee=tb,
            changes={"kind": CommitteeKind.SUPPORT},
            expected_version=1,
            actor=world.alice,
        )
    assert "2 công việc chuẩn bị" in " ".join(caught.value.messages)


def test_deleting_a_committee_removes_its_members_with_the_actor_in_the_history(
    world: World,
) -> None:
    tb = _subcommittee(world)
    member = committee_member_add(committee=tb, person=world.person, actor=world.alice)
    committee_delete(committee=tb, expected_version=None, actor=world.erin)
    assert not CommitteeMember.objects.filter(pk=member.pk).exists()
    gone = CommitteeMember.history.filter(id=member.pk, history_type="-").get()
    assert gone.history_user == world.erin


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(world: World) -> None:
    tb = _subcommittee(world)
    committee_update(
        committee=tb, changes={"duties": "Bản 1"}, expected_version=1, actor=world.alice
    )
    with pytest.raises(ConcurrentEditError):
        committee_update(
            committee=tb, changes={"duties": "Bản cũ"}, expected_version=1, actor=world.erin
        )
    tb.refresh_from_db()
    assert tb.duties == "Bản 1"


def test_a_closed_exercise_refuses_committee_writes(world: World) -> None:
    tb = _subcommittee(world)
    world.exercise.status = "closed"
    world.exercise.save()
    with pytest.raises(ExerciseClosedError):
        committee_update(
            committee=tb, changes={"name": "Mới"}, expected_version=1, actor=world.alice
        )
    with pytest.raises(ExerciseClosedError):
        committee_member_add(committee=tb, person=world.person, actor=world.alice)


# --- members -----------------------------------------------------------------------------------


def test_a_member_s_position_defaults_to_the_titles_held_when_the_exercise_ran(
    world: World,
) -> None:
    world.exercise.start_date = dt.date(2023, 8, 15)
    world.exercise.save()
    Position.objects.create(
        person=world.person,
        agency=world.agency,
        title="Bí thư Huyện ủy",
        order=1,
        start=dt.date(2020, 10, 1),
        end=dt.date(2025, 6, 30),
    )
    Position.objects.create(
        person=world.person, agency=world.agency, title="Chủ tịch HĐND huyện", order=2
    )
    Position.objects.create(
        person=world.person,
        agency=world.agency,
        title="Bí thư Đảng ủy xã",
        order=3,
        start=dt.date(2025, 7, 1),
    )
    bcd = committee_create(
        exercise=world.exercise, kind="steering", code="BCD", name="Ban Chỉ đạo", actor=world.alice
    )
    head = committee_member_add(
        committee=bcd,
        person=world.person,
        role=CommitteeRole.HEAD,
        exercise_role="Bí thư Huyện ủy",
        actor=world.alice,
    )
    assert head.position == "Bí thư Huyện ủy, Chủ tịch HĐND huyện"
    assert head.order == 1
    # The same person sits on several committees; a typed position is kept as typed.
    tb = _subcommittee(world)
    seat = committee_member_add(
        committee=tb, person=world.person, position="Chỉ đạo chung", actor=world.alice
    )
    assert seat.position == "Chỉ đạo chung"
    assert world.person.committee_seats.count() == 2


def test_a_person_sits_once_per_committee(world: World) -> None:
    tb = _subcommittee(world)
    committee_member_add(committee=tb, person=world.person, actor=world.alice)
    with pytest.raises(ValidationError) as caught:
        committee_member_add(committee=tb, person=world.person, actor=world.alice)
    assert "person" in caught.value.message_dict


def test_a_person_outside_the_actor_s_directory_is_refused(world: World) -> None:
    tb = _subcommittee(world)
    stranger = PersonFactory.create(full_name="Người huyện khác", area=world.sibling)
    secret = PersonFactory.create(
        full_name="Người mật", area=world.district, classification=Classification.SECRET
    )
    for person in (stranger, secret):
        with pytest.raises(ValidationError) as caught:
            committee_member_add(committee=tb, person=person, actor=world.alice)
        assert "person" in caught.value.message_dict
    member = committee_member_add(committee=tb, person=world.person, actor=world.alice)
    with pytest.raises(ValidationError) as caught:
        committee_member_update(
            committee_member=member,
            changes={"person": stranger},
            expected_version=1,
            actor=world.alice,
        )
    assert "person" in caught.value.message_dict
    # The province (dave) sees the sibling district's people but may not change the structure.
    with pytest.raises(PermissionDenied):
        committee_member_add(committee=tb, person=stranger, actor=world.dave)


def test_members_are_updated_and_removed_with_version_checks(world: World) -> None:
    tb = _subcommittee(world)
    member = committee_member_add(committee=tb, person=world.person, actor=world.alice)
    member = committee_member_update(
        committee_member=member,
        changes={"role": CommitteeRole.HEAD, "exercise_role": "Trưởng tiểu ban"},
        expected_version=1,
        actor=world.erin,
    )
    assert member.role == CommitteeRole.HEAD
    assert member.version == 2
    with pytest.raises(ConcurrentEditError):
        committee_member_remove(committee_member=member, expected_version=1, actor=world.alice)
    with pytest.raises(PermissionDenied):
        committee_member_remove(committee_member=member, expected_version=2, actor=world.bob)
    committee_member_remove(committee_member=member, expected_version=2, actor=world.alice)
    assert not CommitteeMember.objects.filter(pk=member.pk).exists()
    with pytest.raises(ValidationError):
        committee_member_update(
            committee_member=member,
            changes={"committee": tb},
            expected_version=2,
            actor=world.alice,
        )


# --- selectors ---------------------------------------------------------------------------------


def test_subcommittees_of_lists_those_the_user_s_person_sits_on(world: World) -> None:
    a = _subcommittee(world)
    b = _subcommittee(world, code="TB-CONGTRINH", name="Tiểu ban Công trình")
    bcd = committee_create(
        exercise=world.exercise, kind="steering", code="BCD", name="Ban Chỉ đạo", actor=world.alice
    )
    committee_member_add(committee=a, person=world.person, actor=world.alice)
    committee_member_add(committee=bcd, person=world.person, actor=world.alice)
    world.bob.person = world.person
    world.bob.save()
    assert list(subcommittees_of(world.bob, world.exercise)) == [a]
    assert b not in subcommittees_of(world.bob, world.exercise)
    assert list(subcommittees_of(world.alice, world.exercise)) == []  # alice has no person
    assert list(subcommittees_of(world.charlie, world.exercise)) == []


def test_record_counts_leave_out_records_above_the_reader_s_clearance(world: World) -> None:
    tb = _subcommittee(world)
    Task.objects.create(
        exercise=world.exercise,
        subcommittee=tb,
        code="CV-1",
        title="A",
        category="documents",
        status="done",
    )
    Task.objects.create(
        exercise=world.exercise,
        subcommittee=tb,
        code="CV-2",
        title="B",
        category="documents",
        classification=Classification.SECRET,
    )
    assert committee_record_counts([tb.pk])[tb.pk]["tasks"] == 2
    counts = committee_record_counts([tb.pk], clearance=Classification.UNCLASSIFIED)[tb.pk]
    assert counts == {"tasks": 1, "tasks_done": 1, "works": 0, "budget_lines": 0, "documents": 0}
