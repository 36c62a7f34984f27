"""Scales, criteria, ratings by several evaluators, the chief's official result, grade, awards."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kvpt.core.services import ConcurrentEditError
from kvpt.evaluation import services
from kvpt.evaluation.models import (
    Award,
    Evaluation,
    OfficialResult,
    RatingScale,
    ScaleLevel,
    TargetKind,
)
from kvpt.evaluation.tests.helpers import criteria, district_evaluator, level

pytestmark = pytest.mark.django_db


def test_the_four_scales_are_seeded_with_ordered_levels():
    codes = set(RatingScale.objects.values_list("code", flat=True))
    assert {"GKDK", "HTNV", "PSMU", "MDYC"} <= codes
    labels = list(
        ScaleLevel.objects.filter(scale__code="GKDK")
        .order_by("order")
        .values_list("label", flat=True)
    )
    assert labels == ["Giỏi", "Khá", "Đạt", "Không đạt"]
    assert not level("GKDK", "KDAT").is_passing
    assert level("PSMU", "S").is_passing
    assert not level("PSMU", "U").is_passing
    assert level("MDYC", "DAT").label == "Đạt mục đích, yêu cầu"


def test_a_criterion_shows_the_requirement_it_checks(world):
    criteria_set = criteria(world)
    first = criteria_set.criteria.get(code="TC-01")
    assert first.linked_text == "Bảo đảm an toàn tuyệt đối về người, vũ khí trang bị."


def test_a_criterion_cannot_point_at_a_missing_requirement(world):
    criteria_set = criteria(world)
    with pytest.raises(ValidationError) as exc:
        services.criterion_create(
            criteria_set=criteria_set,
            text="x",
            link_kind="requirement",
            link_index=9,
            actor=world.alice,
        )
    assert "link_index" in exc.value.message_dict


def test_two_evaluators_keep_their_own_ratings(world):
    criteria_set = criteria(world)
    criterion = criteria_set.criteria.get(code="TC-01")
    eva = district_evaluator(world)
    services.evaluation_save(
        exercise=world.exercise, criterion=criterion, level=level("GKDK", "GIOI"), actor=world.dave
    )
    services.evaluation_save(
        exercise=world.exercise, criterion=criterion, level=level("GKDK", "KHA"), actor=eva
    )
    rows = dict(
        Evaluation.objects.filter(criterion=criterion).values_list(
            "evaluator__username", "level__code"
        )
    )
    assert rows == {"dave": "GIOI", "eva": "KHA"}


def test_a_level_of_another_scale_is_refused(world):
    criterion = criteria(world).criteria.get(code="TC-01")
    with pytest.raises(ValidationError) as exc:
        services.evaluation_save(
            exercise=world.exercise,
            criterion=criterion,
            level=level("PSMU", "P"),
            actor=world.dave,
        )
    assert "level" in exc.value.message_dict


def test_nobody_edits_another_evaluators_rating(world):
    criterion = criteria(world).criteria.get(code="TC-01")
    rating = services.evaluation_save(
        exercise=world.exercise, criterion=criterion, level=level("GKDK", "DAT"), actor=world.dave
    )
    eva = district_evaluator(world)
    with pytest.raises(PermissionDenied):
        services.evaluation_update(
            evaluation=rating, changes={"comment": "x"}, expected_version=1, actor=eva
        )


def test_an_observer_cannot_rate(world):
    with pytest.raises(PermissionDenied):
        services.evaluation_create(
            exercise=world.exercise, level=level("MDYC", "DAT"), actor=world.bob
        )


def test_a_phase_target_must_belong_to_the_exercise(world):
    from kvpt.exercises.models import Phase

    other = Phase.objects.create(exercise=world.sibling_exercise, order=1, name="GĐ khác")
    with pytest.raises(ValidationError):
        services.evaluation_create(
            exercise=world.exercise,
            level=level("MDYC", "DAT"),
            target_kind=TargetKind.PHASE,
            target_id=other.pk,
            actor=world.dave,
        )
    mine = Phase.objects.create(exercise=world.exercise, order=1, name="Chuyển trạng thái")
    rating = services.evaluation_create(
        exercise=world.exercise,
        level=level("MDYC", "DAT"),
        target_kind=TargetKind.PHASE,
        target_id=mine.pk,
        actor=world.dave,
    )
    assert rating.target_label == "1. Chuyển trạng thái"


def test_the_official_result_is_the_chiefs_decision_not_an_average(world):
    criterion = criteria(world).criteria.get(code="TC-01")
    eva = district_evaluator(world)
    for actor, code in ((world.dave, "GIOI"), (eva, "KDAT")):
        services.evaluation_save(
            exercise=world.exercise, criterion=criterion, level=level("GKDK", code), actor=actor
        )
    result = services.official_result_set(
        exercise=world.exercise,
        criterion=criterion,
        level=level("GKDK", "GIOI"),
        rationale="Theo kết luận của Ban Chỉ đạo tỉnh",
        actor=world.dave,
    )
    # An average of Giỏi (1) and Không đạt (4) would be Khá/Đạt: the decision stands as made.
    assert result.level.code == "GIOI"
    assert result.decided_by == world.dave
    changed = services.official_result_set(
        exercise=world.exercise,
        criterion=criterion,
        level=level("GKDK", "KHA"),
        expected_version=result.version,
        actor=world.dave,
    )
    assert changed.pk == result.pk
    assert [h.level.code for h in changed.history.order_by("history_date")] == ["GIOI", "KHA"]


def test_only_the_chief_evaluator_decides(world):
    criterion = criteria(world).criteria.get(code="TC-01")
    eva = district_evaluator(world)
    for actor in (eva, world.bob, world.alice, world.erin):
        with pytest.raises(PermissionDenied):
            services.official_result_set(
                exercise=world.exercise,
                criterion=criterion,
                level=level("GKDK", "DAT"),
                actor=actor,
            )
    assert not OfficialResult.objects.exists()


def test_a_stale_official_result_is_refused(world):
    criterion = criteria(world).criteria.get(code="TC-01")
    first = services.official_result_set(
        exercise=world.exercise, criterion=criterion, level=level("GKDK", "DAT"), actor=world.dave
    )
    services.official_result_set(
        exercise=world.exercise,
        criterion=criterion,
        level=level("GKDK", "KHA"),
        expected_version=first.version,
        actor=world.dave,
    )
    with pytest.raises(ConcurrentEditError):
        services.official_result_set(
            exercise=world.exercise,
            criterion=criterion,
            level=level("GKDK", "GIOI"),
            expected_version=first.version,
            actor=world.dave,
        )


def test_the_grade_is_set_by_the_chief_and_kept_in_history(world):
    grade = services.grade_set(
        exercise=world.exercise,
        level=level("MDYC", "DAT"),
        basis="Ban Chỉ đạo diễn tập tỉnh đánh giá đạt mục đích, yêu cầu đề ra",
        actor=world.dave,
    )
    assert world.exercise.grade.level.code == "DAT"
    with pytest.raises(PermissionDenied):
        services.grade_set(exercise=world.exercise, level=level("MDYC", "KDAT"), actor=world.alice)
    with pytest.raises(ConcurrentEditError):
        services.grade_set(
            exercise=world.exercise,
            level=level("MDYC", "KDAT"),
            expected_version=99,
            actor=world.dave,
        )
    assert grade.history.count() == 1


def test_awards_name_exactly_one_recipient(world):
    award = services.award_create(
        exercise=world.exercise,
        kind="bang_khen",
        issuer_text="Chủ tịch UBND tỉnh",
        recipient_unit=world.unit,
        reason="Có thành tích xuất sắc",
        actor=world.alice,
    )
    assert award.code == "KT-01"
    assert award.is_collective
    with pytest.raises(ValidationError):
        services.award_create(
            exercise=world.exercise,
            kind="giay_khen",
            issuer_text="x",
            recipient_unit=world.unit,
            recipient_person=world.person,
            actor=world.alice,
        )
    with pytest.raises(PermissionDenied):
        services.award_create(
            exercise=world.exercise,
            kind="giay_khen",
            issuer_text="x",
            recipient_person=world.person,
            actor=world.dave,
        )
    assert Award.objects.count() == 1


def test_a_situation_unit_or_person_can_be_the_target(world):
    from kvpt.scenario.models import Situation, SituationKind

    kind = SituationKind.objects.first() or SituationKind.objects.create(code="riot", name="x")
    situation = Situation.objects.create(
        exercise=world.exercise, code="A2", title="Gây rối, bạo loạn", kind=kind
    )
    for target_kind, target_id in (
        ("situation", situation.pk),
        ("unit", world.unit.pk),
        ("person", world.person.pk),
    ):
        rating = services.evaluation_create(
            exercise=world.exercise,
            level=level("HTNV", "HTT"),
            target_kind=target_kind,
            target_id=target_id,
            actor=world.dave,
        )
        assert rating.target_label
    other = Situation.objects.create(
        exercise=world.sibling_exercise, code="A2", title="Khác", kind=kind
    )
    with pytest.raises(ValidationError):
        services.evaluation_create(
            exercise=world.exercise,
            level=level("HTNV", "HT"),
            target_kind="situation",
            target_id=other.pk,
            actor=world.dave,
        )


def test_a_closed_exercise_takes_no_more_ratings(world):
    from kvpt.core.services import ExerciseClosedError
    from kvpt.exercises.models import Exercise

    Exercise.objects.filter(pk=world.exercise.pk).update(status="closed")
    with pytest.raises(ExerciseClosedError):
        services.evaluation_create(
            exercise=world.exercise, level=level("MDYC", "DAT"), actor=world.dave
        )
