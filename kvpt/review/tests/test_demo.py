"""The review's demo rows for DT-KVPT-2023: the conference of 31/8/2023 with its two chairs, the
three areas of shortcomings, every directive of the seed with actions; a second run changes
nothing; the demo logins see what they should."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from kvpt.accounts.models import User
from kvpt.demo.load import DemoLoader, load_demo
from kvpt.exercises.models import Exercise
from kvpt.review.demo import load_review_demo
from kvpt.review.models import Conference, CorrectiveAction, Directive, Observation
from kvpt.review.selectors import action_list, action_tracker

pytestmark = pytest.mark.django_db


@pytest.fixture
def exercise() -> Exercise:
    load_demo(io.StringIO())
    exercise = Exercise.objects.get(code="DT-KVPT-2023")
    load_review_demo(DemoLoader(), exercise)
    return exercise


def test_the_conference_of_31_8_2023_is_chaired_by_the_bcd_and_btc_heads(
    exercise: Exercise,
) -> None:
    conference = Conference.objects.get(exercise=exercise)
    assert conference.held_on == dt.date(2023, 8, 31)
    assert sorted(conference.chairs.values_list("code", flat=True)) == [
        "CB-388-0001",
        "CB-388-0002",
    ]


def test_shortcomings_in_preparation_mechanism_and_live_troops(exercise: Exercise) -> None:
    areas = set(
        Observation.objects.filter(exercise=exercise, kind="shortcoming").values_list(
            "area", flat=True
        )
    )
    assert areas == {"preparation", "mechanism", "live_troops"}
    assert all(
        o.is_illustrative for o in Observation.objects.filter(exercise=exercise, kind="shortcoming")
    )


def test_every_directive_of_the_seed_with_actions_owners_and_due_dates(exercise: Exercise) -> None:
    directives = Directive.objects.filter(exercise=exercise)
    texts = " ".join(directives.values_list("text", flat=True))
    for phrase in (
        "bàn giao công trình sở chỉ huy",
        "kinh phí phát sinh",
        "hoàn chỉnh hồ sơ, quản lý văn kiện",
        "giải phóng mặt bằng",
        "Rút kinh nghiệm những tồn tại",
        "tuyên truyền, giáo dục",
        "lực lượng vũ trang địa phương vững mạnh",
    ):
        assert phrase in texts, phrase
    assert directives.filter(given_by__code="CB-388-0002").exists()
    for directive in directives:
        actions = list(directive.actions.all())
        assert actions, directive.code
        assert all(a.owner_id and a.due for a in actions)
    owners = set(CorrectiveAction.objects.values_list("owner__code", flat=True))
    assert {"388-UBND", "388-BCHQS", "388-TCKH", "388-VHTT"} <= owners


def test_a_second_run_changes_nothing(exercise: Exercise) -> None:
    loader = DemoLoader()
    load_review_demo(loader, exercise)
    assert loader.result.total_created == 0
    assert loader.result.total_updated == 0


def test_the_demo_logins_see_their_actions(exercise: Exercise) -> None:
    commander = User.objects.get(username="chihuy.dvi")
    assert list(action_tracker(commander, mine=True).values_list("code", flat=True)) == ["KP-08"]
    leader = User.objects.get(username="bcd.truongban")
    assert action_list(leader).count() == CorrectiveAction.objects.count()
    assert not action_list(User.objects.get(username="bathuoc")).exists()
