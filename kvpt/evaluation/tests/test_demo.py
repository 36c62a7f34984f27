"""The evaluation demo rows for DT-KVPT-2023, loaded after the demo world."""

from __future__ import annotations

import pytest

from kvpt.demo.load import DemoLoader, load_demo
from kvpt.evaluation.demo import load_evaluation_demo
from kvpt.evaluation.models import Award, Evaluation, ExerciseGrade, OfficialResult
from kvpt.exercises.models import Exercise
from kvpt.organisations.models import Agency

pytestmark = pytest.mark.django_db


def _load() -> Exercise:
    load_demo()
    exercise = Exercise.objects.get(code="DT-KVPT-2023")
    load_evaluation_demo(DemoLoader(), exercise)
    return exercise


def test_the_province_steering_committee_grades_the_exercise_achieved():
    exercise = _load()
    grade = ExerciseGrade.objects.get(exercise=exercise)
    assert grade.level.label == "Đạt mục đích, yêu cầu"
    assert grade.level.is_passing
    assert grade.decided_by_agency is not None
    assert grade.decided_by_agency.code == "38-BCD-DT"
    assert grade.decided_by is not None
    assert grade.decided_by.username == "danhgia"
    assert grade.decided_by.person is not None
    assert grade.decided_by.person.code == "CB-38-0001"
    assert (
        "được Ban chỉ đạo diễn tập tỉnh đánh giá đạt được mục đích, yêu cầu đề ra và bảo đảm an "
        "toàn tuyệt đối về người, vũ khí trang bị" in grade.basis
    )
    assert not grade.is_illustrative


def test_the_five_preparation_areas_are_achieved_with_an_official_result():
    exercise = _load()
    results = OfficialResult.objects.filter(exercise=exercise).select_related("criterion", "level")
    assert sorted(r.criterion.text for r in results if r.criterion) == sorted(
        [
            "Công tác tập huấn",
            "Công tác chuẩn bị văn kiện",
            "Công tác huấn luyện, luyện tập",
            "Công tác xây dựng công trình diễn tập",
            "Công tác bảo đảm an ninh",
        ]
    )
    assert {r.level.label for r in results} == {"Đạt"}
    ratings = Evaluation.objects.filter(exercise=exercise)
    assert ratings.count() == 5
    assert all(r.is_illustrative for r in ratings)
    assert {r.evaluator_agency_id for r in ratings} == {Agency.objects.get(code="38-BCD-DT").pk}


def test_the_awards_are_illustrative_and_a_second_load_changes_nothing():
    exercise = _load()
    awards = Award.objects.filter(exercise=exercise)
    assert awards.count() == 2
    assert all(a.is_illustrative for a in awards)
    loader = DemoLoader()
    load_evaluation_demo(loader, exercise)
    assert loader.result.total_created == 0
    assert loader.result.total_updated == 0


def test_the_demo_evaluator_sees_the_grade_and_may_decide(client):
    from kvpt.accounts.models import User

    exercise = _load()
    client.force_login(User.objects.get(username="danhgia"))
    page = client.get(f"/exercises/{exercise.pk}/evaluation/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Đạt mục đích, yêu cầu" in text
    assert 'name="rationale"' in text
