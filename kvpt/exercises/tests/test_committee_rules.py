"""A subcommittee member may edit only their subcommittee's work ("preparation.change_record")."""

from __future__ import annotations

from typing import Any

import pytest

from kvpt.accounts.models import Role
from kvpt.core.scope import forget_scope
from kvpt.core.testing.factories import PersonFactory, UserFactory, grant
from kvpt.core.testing.world import World
from kvpt.exercises.models import Committee, CommitteeMember
from kvpt.exercises.selectors import subcommittees_of
from kvpt.preparation.models import Task

pytestmark = pytest.mark.django_db

PERM = "preparation.change_record"


def _task(world: World, code: str, subcommittee: Committee | None) -> Task:
    return Task.objects.create(
        exercise=world.exercise,
        subcommittee=subcommittee,
        code=code,
        title=f"Công việc {code}",
        category="documents",
    )


@pytest.fixture
def setup(world: World) -> dict[str, Any]:
    """Subcommittees A and B of the exercise; frank sits on A and holds subcommittee_member."""
    a = Committee.objects.create(
        exercise=world.exercise, kind="subcommittee", code="TB-A", name="Tiểu ban A"
    )
    b = Committee.objects.create(
        exercise=world.exercise, kind="subcommittee", code="TB-B", name="Tiểu ban B"
    )
    person = PersonFactory.create(full_name="Hà Văn Phúc", area=world.district)
    frank = UserFactory.create(username="frank", person=person)
    grant(frank, Role.SUBCOMMITTEE_MEMBER, exercise=world.exercise)
    CommitteeMember.objects.create(committee=a, person=person)
    return {
        "a": a,
        "b": b,
        "frank": frank,
        "task_a": _task(world, "CV-A", a),
        "task_b": _task(world, "CV-B", b),
        "task_none": _task(world, "CV-0", None),
    }


def test_a_member_of_subcommittee_a_changes_a_s_tasks_only(setup: dict[str, Any]) -> None:
    frank = setup["frank"]
    assert frank.has_perm(PERM, setup["task_a"])
    assert not frank.has_perm(PERM, setup["task_b"])
    assert not frank.has_perm(PERM, setup["task_none"])


def test_an_unsaved_task_of_a_counts_as_a_s_work(world: World, setup: dict[str, Any]) -> None:
    """Adding: the rule is asked about the record to be created, with its subcommittee set."""
    draft = Task(exercise=world.exercise, subcommittee=setup["a"], code="CV-N", title="Mới")
    assert setup["frank"].has_perm(PERM, draft)
    draft.subcommittee = setup["b"]
    assert not setup["frank"].has_perm(PERM, draft)


def test_sitting_on_a_without_the_role_gives_nothing(world: World, setup: dict[str, Any]) -> None:
    """The seat alone is not a grant: bob (observer) on A still changes nothing."""
    world.bob.person = setup["frank"].person
    setup["frank"].person = None
    setup["frank"].save()
    world.bob.save()
    assert not world.bob.has_perm(PERM, setup["task_a"])


def test_the_role_without_a_seat_gives_nothing(world: World, setup: dict[str, Any]) -> None:
    CommitteeMember.objects.filter(committee=setup["a"]).delete()
    assert not setup["frank"].has_perm(PERM, setup["task_a"])


def test_the_role_on_another_exercise_does_not_reach_this_one(
    world: World, setup: dict[str, Any]
) -> None:
    frank = setup["frank"]
    frank.memberships.all().delete()
    grant(frank, Role.SUBCOMMITTEE_MEMBER, exercise=world.secret_exercise)
    forget_scope(frank)
    assert not frank.has_perm(PERM, setup["task_a"])


def test_an_editor_changes_every_task_and_an_observer_none(
    world: World, setup: dict[str, Any]
) -> None:
    tasks = [setup["task_a"], setup["task_b"], setup["task_none"]]
    for editor in (world.alice, world.erin, world.admin):
        assert all(editor.has_perm(PERM, task) for task in tasks), editor
    for reader in (world.bob, world.dave, world.charlie):
        assert not any(reader.has_perm(PERM, task) for task in tasks), reader


def test_my_subcommittees_are_those_my_person_sits_on(world: World, setup: dict[str, Any]) -> None:
    assert list(subcommittees_of(setup["frank"], world.exercise)) == [setup["a"]]
    CommitteeMember.objects.create(committee=setup["b"], person=setup["frank"].person)
    assert list(subcommittees_of(setup["frank"], world.exercise)) == [setup["a"], setup["b"]]
    # An outsider's person on the committee does not make it visible to the outsider.
    world.charlie.person = PersonFactory.create(area=world.sibling)
    world.charlie.save()
    CommitteeMember.objects.create(committee=setup["a"], person=world.charlie.person)
    assert list(subcommittees_of(world.charlie, world.exercise)) == []
