"""Structure services: phases, contents, milestones; moves, versions, closed exercises."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from kvpt.core.services import ConcurrentEditError, ExerciseClosedError
from kvpt.core.testing.world import World
from kvpt.exercises import structure_services as services
from kvpt.exercises.models import Content, Exercise, Milestone, Phase

pytestmark = pytest.mark.django_db


def at(day: int, hour: int = 7, minute: int = 30) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2023, 8, day, hour, minute))


def _phases(world: World, *names: str) -> list[Phase]:
    return [
        services.phase_create(exercise=world.exercise, name=name, actor=world.alice)
        for name in names
    ]


def _order(exercise: Exercise) -> list[str]:
    return list(exercise.phases.order_by("order").values_list("name", flat=True))


def _revision(exercise: Exercise) -> int:
    return Exercise.objects.get(pk=exercise.pk).revision


def test_phases_are_appended_in_order_and_raise_the_exercise_revision(world: World) -> None:
    before = _revision(world.exercise)
    first, second, third = _phases(world, "Chuyển trạng thái", "Chuẩn bị", "Thực hành")
    assert [first.order, second.order, third.order] == [1, 2, 3]
    assert _revision(world.exercise) == before + 3
    assert first.history.first().history_user == world.alice


def test_moving_a_phase_swaps_it_with_its_neighbour_and_keeps_orders_unique(
    world: World,
) -> None:
    first, _second, third = _phases(world, "A", "B", "C")
    services.phase_move(phase=third, direction="up", expected_version=1, actor=world.alice)
    assert _order(world.exercise) == ["A", "C", "B"]
    services.phase_move(
        phase=Phase.objects.get(pk=first.pk), direction="down", expected_version=1, actor=world.erin
    )
    assert _order(world.exercise) == ["C", "A", "B"]
    orders = list(world.exercise.phases.values_list("order", flat=True))
    assert sorted(orders) == [1, 2, 3]
    # The first cannot go further up: nothing changes, nothing fails.
    top = Phase.objects.get(name="C")
    services.phase_move(phase=top, direction="up", expected_version=top.version, actor=world.alice)
    assert _order(world.exercise) == ["C", "A", "B"]


def test_a_move_skips_the_gap_left_by_a_deleted_phase(world: World) -> None:
    _first, second, third = _phases(world, "A", "B", "C")
    services.phase_delete(phase=second, expected_version=1, actor=world.alice)
    services.phase_move(phase=third, direction="up", expected_version=1, actor=world.alice)
    assert _order(world.exercise) == ["C", "A"]


def test_a_move_from_a_stale_page_is_refused_and_changes_nothing(world: World) -> None:
    _first, second = _phases(world, "A", "B")
    services.phase_update(
        phase=second, changes={"name": "B2"}, expected_version=1, actor=world.alice
    )
    with pytest.raises(ConcurrentEditError):
        services.phase_move(phase=second, direction="up", expected_version=1, actor=world.erin)
    assert _order(world.exercise) == ["A", "B2"]


def test_a_stale_edit_is_refused_with_a_clear_message_and_nothing_is_overwritten(
    world: World,
) -> None:
    (phase,) = _phases(world, "Chuyển trạng thái")
    services.phase_update(
        phase=phase, changes={"name": "Giai đoạn 1"}, expected_version=1, actor=world.alice
    )
    with pytest.raises(ConcurrentEditError) as caught:
        services.phase_update(
            phase=phase, changes={"name": "Của Erin"}, expected_version=1, actor=world.erin
        )
    assert "vừa được người khác sửa" in caught.value.messages[0]
    assert Phase.objects.get(pk=phase.pk).name == "Giai đoạn 1"


def test_an_end_before_the_start_is_refused_on_the_end_field(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.phase_create(
            exercise=world.exercise,
            name="A",
            planned_start=at(24),
            planned_end=at(23),
            actor=world.alice,
        )
    assert "planned_end" in caught.value.message_dict


def test_contents_are_ordered_within_their_phase_and_move(world: World) -> None:
    first, second = _phases(world, "A", "B")
    made = [
        services.content_create(phase=first, name=f"ND {n}", actor=world.alice) for n in (1, 2, 3)
    ]
    other = services.content_create(phase=second, name="ND khác", actor=world.alice)
    assert [c.order for c in made] == [1, 2, 3]
    assert other.order == 1
    services.content_move(content=made[0], direction="down", expected_version=1, actor=world.alice)
    names = list(first.contents.order_by("order").values_list("name", flat=True))
    assert names == ["ND 2", "ND 1", "ND 3"]


def test_deleting_a_phase_deletes_its_contents_with_the_actor_in_history(world: World) -> None:
    (phase,) = _phases(world, "A")
    content = services.content_create(phase=phase, name="ND", actor=world.alice)
    services.phase_delete(phase=phase, expected_version=1, actor=world.erin)
    assert not Content.objects.filter(pk=content.pk).exists()
    assert Content.history.filter(id=content.pk, history_type="-").get().history_user == world.erin


def test_an_observer_may_not_change_the_structure(world: World) -> None:
    (phase,) = _phases(world, "A")
    with pytest.raises(PermissionDenied):
        services.phase_create(exercise=world.exercise, name="B", actor=world.bob)
    with pytest.raises(PermissionDenied):
        services.phase_update(
            phase=phase, changes={"name": "X"}, expected_version=1, actor=world.bob
        )
    with pytest.raises(PermissionDenied):
        services.milestone_create(
            exercise=world.exercise,
            kind="rehearsal",
            starts_on=dt.date(2023, 8, 20),
            actor=world.bob,
        )


def test_an_outsider_does_not_find_the_exercise(world: World) -> None:
    with pytest.raises(Http404):
        services.phase_create(exercise=world.exercise, name="B", actor=world.charlie)


def test_writes_to_a_closed_exercise_are_refused(world: World) -> None:
    (phase,) = _phases(world, "A")
    milestone = services.milestone_create(
        exercise=world.exercise, kind="opening", starts_on=dt.date(2023, 8, 24), actor=world.alice
    )
    Exercise.objects.filter(pk=world.exercise.pk).update(status="closed")
    with pytest.raises(ExerciseClosedError):
        services.phase_create(exercise=world.exercise, name="B", actor=world.alice)
    with pytest.raises(ExerciseClosedError):
        services.phase_update(
            phase=phase, changes={"name": "X"}, expected_version=1, actor=world.alice
        )
    with pytest.raises(ExerciseClosedError):
        services.phase_move(phase=phase, direction="down", expected_version=1, actor=world.alice)
    with pytest.raises(ExerciseClosedError):
        services.content_create(phase=phase, name="ND", actor=world.alice)
    with pytest.raises(ExerciseClosedError):
        services.milestone_update(
            milestone=milestone, changes={"done": True}, expected_version=1, actor=world.alice
        )
    with pytest.raises(ExerciseClosedError):
        services.milestone_delete(milestone=milestone, expected_version=1, actor=world.alice)
    assert Phase.objects.get(pk=phase.pk).name == "A"
    assert Milestone.objects.filter(pk=milestone.pk, done=False).exists()


def test_a_milestone_without_title_is_named_after_its_kind_and_number(world: World) -> None:
    milestone = services.milestone_create(
        exercise=world.exercise,
        kind="trial_run",
        sequence=2,
        starts_on=dt.date(2023, 8, 10),
        actor=world.alice,
    )
    assert milestone.title == "Diễn tập thử lần 2"


def test_two_trial_runs_with_the_same_number_are_refused(world: World) -> None:
    services.milestone_create(
        exercise=world.exercise,
        kind="trial_run",
        sequence=1,
        starts_on=dt.date(2023, 8, 1),
        actor=world.alice,
    )
    with pytest.raises(ValidationError) as caught:
        services.milestone_create(
            exercise=world.exercise,
            kind="trial_run",
            sequence=1,
            starts_on=dt.date(2023, 8, 5),
            actor=world.alice,
        )
    assert "sequence" in caught.value.message_dict


def test_a_milestone_ending_before_it_starts_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.milestone_create(
            exercise=world.exercise,
            kind="exercise_day",
            starts_on=dt.date(2023, 8, 24),
            ends_on=dt.date(2023, 8, 22),
            actor=world.alice,
        )
    assert "ends_on" in caught.value.message_dict


def test_a_year_far_outside_the_exercise_era_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.milestone_create(
            exercise=world.exercise, kind="opening", starts_on=dt.date(1, 1, 1), actor=world.alice
        )
    assert "starts_on" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.phase_create(
            exercise=world.exercise,
            name="A",
            actual_end=timezone.make_aware(dt.datetime(2300, 1, 1)),
            actor=world.alice,
        )
    assert "actual_end" in caught.value.message_dict
