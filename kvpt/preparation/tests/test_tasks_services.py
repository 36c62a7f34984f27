"""The task services: who may write which task, the done rule, markings, dependency cycles, and
the all-or-nothing bulk edit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kvpt.core.models import Classification
from kvpt.core.services import ConcurrentEditError
from kvpt.core.testing.world import World
from kvpt.exercises.models import Exercise
from kvpt.preparation.models import Task
from kvpt.preparation.services.tasks import (
    StaleTasksError,
    find_cycle,
    task_bulk_update,
    task_create,
    task_delete,
    task_update,
)
from kvpt.preparation.tests.tasks_helpers import DAY, TaskWorld, make_task, make_task_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def tw(world: World) -> TaskWorld:
    return make_task_world(world)


def _revision(exercise: Exercise) -> int:
    return Exercise.objects.values_list("revision", flat=True).get(pk=exercise.pk)


def test_an_editor_creates_a_task_and_history_names_her(tw: TaskWorld) -> None:
    w = tw.world
    before = _revision(w.exercise)
    task = task_create(
        exercise=w.exercise,
        code="CV-01",
        title="  Soạn   thảo kế hoạch  ",
        category="documents",
        subcommittee=tw.tb_a,
        owner=w.agency,
        assignee=w.person,
        start=DAY,
        due=DAY + dt.timedelta(days=10),
        actor=w.alice,
    )
    task.refresh_from_db()
    assert task.title == "Soạn thảo kế hoạch"
    assert task.version == 1
    assert task.history.first().history_user == w.alice
    assert _revision(w.exercise) == before + 1


def test_marking_done_sets_progress_and_completion_day(tw: TaskWorld) -> None:
    w = tw.world
    task = make_task(w.exercise, "CV-01", progress=30)
    updated = task_update(task=task, changes={"status": "done"}, expected_version=1, actor=w.alice)
    assert updated.progress == 100
    assert updated.completed_on is not None
    back = task_update(
        task=updated, changes={"status": "in_progress"}, expected_version=2, actor=w.alice
    )
    assert back.completed_on is None


def test_a_subcommittee_member_edits_only_her_subcommittees_tasks(tw: TaskWorld) -> None:
    w = tw.world
    own = make_task(w.exercise, "CV-A", subcommittee=tw.tb_a)
    other = make_task(w.exercise, "CV-B", subcommittee=tw.tb_b)
    task_update(task=own, changes={"progress": 40}, expected_version=1, actor=tw.minh)
    with pytest.raises(PermissionDenied):
        task_update(task=other, changes={"progress": 40}, expected_version=1, actor=tw.minh)
    # Nor may she move her own task to a subcommittee she does not sit on.
    with pytest.raises(PermissionDenied):
        task_update(task=own, changes={"subcommittee": tw.tb_b}, expected_version=2, actor=tw.minh)
    # She adds tasks to her subcommittee, not to another one, not outside any.
    task_create(
        exercise=w.exercise,
        code="CV-A2",
        title="Việc",
        category="drills",
        subcommittee=tw.tb_a,
        actor=tw.minh,
    )
    for subcommittee in (tw.tb_b, None):
        with pytest.raises(PermissionDenied):
            task_create(
                exercise=w.exercise,
                code="CV-X",
                title="Việc",
                category="drills",
                subcommittee=subcommittee,
                actor=tw.minh,
            )
    assert Task.objects.get(pk=other.pk).progress == 0


def test_an_observer_may_not_write(tw: TaskWorld) -> None:
    w = tw.world
    task = make_task(w.exercise, "CV-01")
    with pytest.raises(PermissionDenied):
        task_update(task=task, changes={"progress": 10}, expected_version=1, actor=w.bob)
    with pytest.raises(PermissionDenied):
        task_delete(task=task, expected_version=1, actor=w.bob)


def test_the_subcommittee_must_be_one_of_the_exercise(tw: TaskWorld) -> None:
    w = tw.world
    with pytest.raises(ValidationError) as exc:
        task_create(
            exercise=w.exercise,
            code="CV-1",
            title="Việc",
            category="drills",
            subcommittee=tw.steering,
            actor=w.alice,
        )
    assert "subcommittee" in exc.value.message_dict


def test_the_marking_is_never_below_the_exercises(tw: TaskWorld) -> None:
    w = tw.world
    task = task_create(
        exercise=w.secret_exercise,
        code="CV-M",
        title="Việc mật",
        category="security",
        actor=w.alice,
    )
    assert task.classification == Classification.CONFIDENTIAL
    with pytest.raises(ValidationError) as exc:
        task_update(task=task, changes={"classification": 0}, expected_version=1, actor=w.alice)
    assert "classification" in exc.value.message_dict
    with pytest.raises(ValidationError):  # above alice's clearance (Mật)
        task_update(task=task, changes={"classification": 2}, expected_version=1, actor=w.alice)


def test_a_stale_version_is_refused_and_nothing_overwritten(tw: TaskWorld) -> None:
    w = tw.world
    task = make_task(w.exercise, "CV-01")
    task_update(task=task, changes={"title": "Bản của Erin"}, expected_version=1, actor=w.erin)
    with pytest.raises(ConcurrentEditError):
        task_update(
            task=task, changes={"title": "Bản của Alice"}, expected_version=1, actor=w.alice
        )
    assert Task.objects.get(pk=task.pk).title == "Bản của Erin"


def test_a_dependency_cycle_is_refused_with_the_cycle_named(tw: TaskWorld) -> None:
    w = tw.world
    cv03 = make_task(w.exercise, "CV-03")
    cv07 = make_task(w.exercise, "CV-07", depends_on=[cv03])
    with pytest.raises(ValidationError) as exc:
        task_update(task=cv03, changes={"depends_on": [cv07]}, expected_version=1, actor=w.alice)
    assert "CV-03 -> CV-07 -> CV-03" in exc.value.message_dict["depends_on"][0]
    assert not Task.objects.get(pk=cv03.pk).depends_on.exists()
    with pytest.raises(ValidationError):
        task_update(task=cv03, changes={"depends_on": [cv03]}, expected_version=1, actor=w.alice)


def test_a_longer_cycle_is_named_in_order(tw: TaskWorld) -> None:
    w = tw.world
    a = make_task(w.exercise, "A")
    b = make_task(w.exercise, "B", depends_on=[a])
    c = make_task(w.exercise, "C", depends_on=[b])
    with pytest.raises(ValidationError) as exc:
        task_update(task=a, changes={"depends_on": [c]}, expected_version=1, actor=w.alice)
    assert "A -> C -> B -> A" in exc.value.messages[0]


def test_find_cycle() -> None:
    assert find_cycle({"A": {"B"}, "B": {"C"}}) is None
    assert find_cycle({"A": {"B"}, "B": {"A"}}, start="B") == ["B", "A", "B"]


def test_dependencies_stay_in_the_exercise(tw: TaskWorld) -> None:
    w = tw.world
    elsewhere = make_task(w.secret_exercise, "CV-X", classification=1)
    with pytest.raises(ValidationError):
        task_create(
            exercise=w.exercise,
            code="CV-1",
            title="Việc",
            category="drills",
            depends_on=[elsewhere],
            actor=w.alice,
        )


def test_a_duplicate_code_is_named(tw: TaskWorld) -> None:
    w = tw.world
    make_task(w.exercise, "CV-01")
    with pytest.raises(ValidationError) as exc:
        task_create(
            exercise=w.exercise, code="cv-01", title="Việc", category="drills", actor=w.alice
        )
    assert "code" in exc.value.message_dict


def test_a_task_of_a_closed_exercise_is_read_only(tw: TaskWorld) -> None:
    w = tw.world
    task = make_task(w.exercise, "CV-01")
    Exercise.objects.filter(pk=w.exercise.pk).update(status="closed")
    with pytest.raises(ValidationError):
        task_update(task=task, changes={"progress": 5}, expected_version=1, actor=w.alice)
    with pytest.raises(ValidationError):
        task_bulk_update(
            exercise=w.exercise, versions={task.pk: 1}, changes={"progress": 5}, actor=w.alice
        )


# --- bulk ------------------------------------------------------------------------------------


def test_bulk_update_sets_every_row_and_raises_the_revision_once(tw: TaskWorld) -> None:
    w = tw.world
    tasks = [make_task(w.exercise, f"CV-0{i}") for i in range(1, 4)]
    before = _revision(w.exercise)
    saved = task_bulk_update(
        exercise=w.exercise,
        versions={t.pk: 1 for t in tasks},
        changes={"status": "done", "assignee": w.person},
        actor=w.alice,
    )
    assert len(saved) == 3
    for task in Task.objects.filter(pk__in=[t.pk for t in tasks]):
        assert (task.status, task.progress, task.assignee_id, task.version) == (
            "done",
            100,
            w.person.pk,
            2,
        )
        assert task.history.first().history_user == w.alice
    assert _revision(w.exercise) == before + 1


def test_bulk_update_with_a_stale_row_saves_nothing_and_names_it(tw: TaskWorld) -> None:
    w = tw.world
    fresh = make_task(w.exercise, "CV-01")
    stale = make_task(w.exercise, "CV-02")
    task_update(task=stale, changes={"progress": 10}, expected_version=1, actor=w.erin)
    with pytest.raises(StaleTasksError) as exc:
        task_bulk_update(
            exercise=w.exercise,
            versions={fresh.pk: 1, stale.pk: 1},
            changes={"progress": 50},
            actor=w.alice,
        )
    assert "CV-02" in exc.value.messages[0]
    assert "CV-01" not in exc.value.messages[0]
    assert Task.objects.get(pk=fresh.pk).progress == 0
    assert Task.objects.get(pk=stale.pk).progress == 10


def test_bulk_update_checks_each_rows_permission(tw: TaskWorld) -> None:
    w = tw.world
    own = make_task(w.exercise, "CV-A", subcommittee=tw.tb_a)
    other = make_task(w.exercise, "CV-B", subcommittee=tw.tb_b)
    with pytest.raises(PermissionDenied) as exc:
        task_bulk_update(
            exercise=w.exercise,
            versions={own.pk: 1, other.pk: 1},
            changes={"progress": 50},
            actor=tw.minh,
        )
    assert "CV-B" in str(exc.value)
    assert Task.objects.get(pk=own.pk).progress == 0


def test_bulk_update_is_all_or_nothing_when_one_row_is_invalid(tw: TaskWorld) -> None:
    w = tw.world
    ok = make_task(w.exercise, "CV-01", start=DAY)
    bad = make_task(w.exercise, "CV-02", start=DAY + dt.timedelta(days=30))
    with pytest.raises(ValidationError) as exc:
        task_bulk_update(
            exercise=w.exercise,
            versions={ok.pk: 1, bad.pk: 1},
            changes={"due": DAY + dt.timedelta(days=5)},
            actor=w.alice,
        )
    assert "CV-02" in " ".join(exc.value.messages)
    assert Task.objects.get(pk=ok.pk).due is None


def test_bulk_update_refuses_tasks_the_actor_cannot_see(tw: TaskWorld) -> None:
    w = tw.world
    hidden = make_task(w.exercise, "CV-M", classification=Classification.SECRET)
    with pytest.raises(ValidationError):
        task_bulk_update(
            exercise=w.exercise, versions={hidden.pk: 1}, changes={"progress": 5}, actor=w.alice
        )


def test_an_owner_outside_the_actors_reach_is_refused_unless_already_there(tw: TaskWorld) -> None:
    w = tw.world
    kept = make_task(w.exercise, "CV-01", owner=w.sibling_agency)  # named by someone above
    task_update(task=kept, changes={"title": "Sửa tiêu đề"}, expected_version=1, actor=w.erin)
    other = make_task(w.exercise, "CV-02")
    with pytest.raises(ValidationError) as exc:
        task_update(
            task=other, changes={"owner": w.sibling_agency}, expected_version=1, actor=w.erin
        )
    assert "owner" in exc.value.message_dict
    # The exercise's own district agency is offered to a planner granted on the exercise alone.
    task_update(task=other, changes={"owner": w.agency}, expected_version=1, actor=w.erin)
