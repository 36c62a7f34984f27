"""Exercise services: who may write what, and what the history keeps."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from kvpt.core.models import Classification
from kvpt.core.services import ConcurrentEditError
from kvpt.core.testing.world import World
from kvpt.exercises.models import Exercise, ExerciseStatus
from kvpt.exercises.services import (
    can_add_somewhere,
    exercise_create,
    exercise_delete,
    exercise_transition,
    exercise_update,
)

pytestmark = pytest.mark.django_db


def _create(world: World, **overrides: object) -> Exercise:
    kwargs: dict[str, object] = {
        "code": "DT-XA-2026",
        "name": "Diễn tập chiến đấu phòng thủ xã Trí Nang",
        "area": world.commune,
        "year": 2026,
        "actor": world.alice,
    }
    kwargs.update(overrides)
    return exercise_create(**kwargs)  # type: ignore[arg-type]


def test_a_new_exercise_takes_the_level_of_its_area_and_records_the_actor(world: World) -> None:
    exercise = _create(world)
    assert exercise.level == world.commune.level
    assert exercise.version == 1
    assert exercise.history.get().history_user == world.alice


def test_it_refuses_an_area_outside_the_actors_scope(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        _create(world, area=world.sibling)
    assert "phạm vi" in caught.value.message_dict["area"][0]
    assert not Exercise.objects.filter(code="DT-XA-2026").exists()


def test_an_observer_may_not_create(world: World) -> None:
    with pytest.raises(PermissionDenied):
        _create(world, actor=world.bob)


def test_it_refuses_a_classification_above_the_actors_clearance(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        _create(world, classification=Classification.SECRET)
    assert "cao hơn mức bạn được tiếp cận (Mật)" in caught.value.message_dict["classification"][0]
    assert _create(world, classification=Classification.CONFIDENTIAL).is_classified


def test_a_duplicate_code_gets_a_vietnamese_message(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        _create(world, code="DT-KVPT-2023")
    assert caught.value.message_dict["code"] == [
        "Đã có cuộc diễn tập mang mã này; hãy chọn mã khác."
    ]


def test_a_year_out_of_range_gets_a_vietnamese_message(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        _create(world, year=1800)
    assert "Năm phải từ 1945" in caught.value.message_dict["year"][0]


def test_the_status_follows_the_transition_table(world: World) -> None:
    exercise = exercise_transition(
        exercise=world.exercise,
        to_status=ExerciseStatus.PLANNED,
        expected_version=1,
        actor=world.alice,
    )
    with pytest.raises(ValidationError) as caught:
        exercise_transition(
            exercise=exercise,
            to_status=ExerciseStatus.CLOSED,
            expected_version=2,
            actor=world.alice,
        )
    assert "Không thể chuyển trạng thái" in caught.value.messages[0]
    exercise.refresh_from_db()
    assert exercise.status == ExerciseStatus.PLANNED
    latest = exercise.history.first()
    assert latest is not None
    assert latest.history_user == world.alice
    assert latest.history_change_reason == "Chuyển trạng thái: Dự thảo → Đã lập kế hoạch"


def test_an_editor_on_the_exercise_alone_may_edit_it_but_not_create(world: World) -> None:
    updated = exercise_update(
        exercise=world.exercise, changes={"name": "Tên mới"}, expected_version=1, actor=world.erin
    )
    assert updated.version == 2
    assert not can_add_somewhere(world.erin)
    with pytest.raises(ValidationError):
        _create(world, actor=world.erin)


def test_an_editor_cannot_move_an_exercise_out_of_their_scope(world: World) -> None:
    with pytest.raises(ValidationError):
        exercise_update(
            exercise=world.exercise,
            changes={"area": world.sibling},
            expected_version=1,
            actor=world.alice,
        )


def test_a_stale_edit_is_refused(world: World) -> None:
    exercise_update(
        exercise=world.exercise, changes={"year": 2024}, expected_version=1, actor=world.alice
    )
    stale = Exercise.objects.get(pk=world.exercise.pk)
    stale.version = 1
    with pytest.raises(ConcurrentEditError):
        exercise_update(
            exercise=stale, changes={"year": 2025}, expected_version=1, actor=world.erin
        )
    assert Exercise.objects.get(pk=world.exercise.pk).year == 2024


def test_the_service_itself_hides_what_the_actor_cannot_see(world: World) -> None:
    # bob's clearance is below the exercise's; charlie is in another branch.
    with pytest.raises(Http404):
        exercise_update(
            exercise=world.secret_exercise,
            changes={"name": "x"},
            expected_version=1,
            actor=world.bob,
        )
    with pytest.raises(Http404):
        exercise_delete(exercise=world.exercise, actor=world.charlie)


def test_only_a_draft_or_cancelled_exercise_can_be_deleted(world: World) -> None:
    exercise_transition(
        exercise=world.exercise,
        to_status=ExerciseStatus.PLANNED,
        expected_version=1,
        actor=world.alice,
    )
    with pytest.raises(ValidationError) as caught:
        exercise_delete(exercise=world.exercise, actor=world.alice)
    assert "Chỉ xóa được" in caught.value.messages[0]
    exercise_transition(
        exercise=world.exercise,
        to_status=ExerciseStatus.CANCELLED,
        reason="Thiên tai",
        expected_version=2,
        actor=world.alice,
    )
    pk = world.exercise.pk
    exercise_delete(exercise=world.exercise, actor=world.alice)
    assert not Exercise.objects.filter(pk=pk).exists()
    deleted = Exercise.history.filter(id=pk).first()
    assert deleted is not None
    assert deleted.history_type == "-"
    assert deleted.history_user == world.alice


def test_search_text_is_folded(world: World) -> None:
    exercise = _create(world, name="Diễn tập Đồng Lương")
    assert "dong luong" in exercise.search_text


def test_a_refused_edit_leaves_the_callers_object_unchanged(world: World) -> None:
    exercise = world.exercise
    with pytest.raises(ValidationError):
        exercise_update(
            exercise=exercise,
            changes={"code": "DT-MAT-2023", "year": 2024},
            expected_version=1,
            actor=world.alice,
        )
    assert (exercise.code, exercise.year, exercise.version) == ("DT-KVPT-2023", 2023, 1)
