"""Review services: who may write what, the observation and action state machines (every pair),
closure approval, the overdue logic in Vietnam's time zone, and idempotent notifications."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kvpt.core.services import ConcurrentEditError, ExerciseClosedError
from kvpt.core.testing.world import World
from kvpt.review import services
from kvpt.review.localtime import local_today
from kvpt.review.models import (
    ActionStatus,
    CorrectiveAction,
    Notification,
    Observation,
    ObservationState,
)
from kvpt.review.selectors import ActionFilters, action_list, action_tracker, observation_list
from kvpt.review.tests import helpers

pytestmark = pytest.mark.django_db

UTC = dt.UTC


# --- writes and permissions --------------------------------------------------------------------


def test_the_secretary_records_a_conference_with_its_chairs_and_codes_follow(world: World) -> None:
    conference = helpers.conference(world, chairs=[world.person], agenda="Báo cáo\nThảo luận\n")
    assert conference.code == "HN-01"
    assert list(conference.chairs.all()) == [world.person]
    assert conference.agenda == ["Báo cáo", "Thảo luận"]
    first = helpers.observation(world, conference=conference)
    second = helpers.observation(world, conference=conference)
    assert (first.code, second.code) == ("NX-01", "NX-02")
    assert helpers.directive(world, conference=conference).given_on == dt.date(2023, 8, 31)


def test_an_observer_may_not_record_and_an_outsider_does_not_see_the_exercise(
    world: World,
) -> None:
    with pytest.raises(PermissionDenied):
        helpers.observation(world, actor=world.bob)
    with pytest.raises(ValidationError) as refused:
        helpers.observation(world, actor=world.charlie)
    assert "exercise" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        helpers.directive(world, actor=world.dave)  # the evaluator grades, does not record


def test_the_observation_is_searchable_folded_with_d_and_its_tags_cleaned(world: World) -> None:
    obs = helpers.observation(
        world,
        observation="Đường cơ động vào sở chỉ huy hẹp",
        recommendation="Mở rộng đường",
        tags="hậu cần, Hậu cần ,  đường",
    )
    assert obs.tags == ["hậu cần", "đường"]
    assert "duong co dong" in obs.search_text
    assert "hau can" in obs.search_text
    assert observation_list(world.bob).filter(search_text__contains="duong").exists()


def test_a_record_is_never_marked_below_its_exercise(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        services.observation_create(
            exercise=world.secret_exercise,
            kind="shortcoming",
            area="security",
            observation="Lộ vị trí hầm",
            classification=0,
            actor=world.alice,
        )
    assert "classification" in refused.value.message_dict


def test_a_reference_to_another_exercise_is_refused(world: World) -> None:
    other = services.conference_create(
        exercise=world.secret_exercise,
        title="Hội nghị khác",
        held_on=dt.date(2023, 9, 1),
        actor=world.alice,
    )
    with pytest.raises(ValidationError) as refused:
        helpers.observation(world, conference=other)
    assert "conference" in refused.value.message_dict


def test_a_stale_edit_is_refused(world: World) -> None:
    obs = helpers.observation(world)
    services.observation_update(
        observation=obs, changes={"conclusion": "Mới"}, expected_version=1, actor=world.alice
    )
    with pytest.raises(ConcurrentEditError):
        services.observation_update(
            observation=obs, changes={"conclusion": "Cũ"}, expected_version=1, actor=world.alice
        )
    assert Observation.objects.get(pk=obs.pk).conclusion == "Mới"


# --- observation state machine -----------------------------------------------------------------

S = ObservationState
LEGAL_OBSERVATION_MOVES = {
    (S.OBSERVATION, S.LESSON_IDENTIFIED),
    (S.OBSERVATION, S.REJECTED),
    (S.LESSON_IDENTIFIED, S.ACTION_PLANNED),
    (S.LESSON_IDENTIFIED, S.REJECTED),
    (S.ACTION_PLANNED, S.LESSON_LEARNED),
    (S.REJECTED, S.OBSERVATION),
}


@pytest.mark.parametrize("from_state", S.values)
@pytest.mark.parametrize("to_state", [*S.values, "bogus"])
def test_every_observation_move_is_legal_or_refused(
    world: World, from_state: str, to_state: str
) -> None:
    obs = helpers.observation(world)
    Observation.objects.filter(pk=obs.pk).update(state=from_state)
    obs.refresh_from_db()
    if (from_state, to_state) in LEGAL_OBSERVATION_MOVES:
        moved = services.observation_transition(
            observation=obs, to_state=to_state, reason="Vì lý do thử", actor=world.alice
        )
        assert moved.state == to_state
        log = moved.transitions.get()
        assert (log.from_state, log.to_state, log.by, log.reason) == (
            from_state,
            to_state,
            world.alice,
            "Vì lý do thử",
        )
    else:
        with pytest.raises(ValidationError):
            services.observation_transition(
                observation=obs, to_state=to_state, reason="x", actor=world.alice
            )
        obs.refresh_from_db()
        assert obs.state == from_state
        assert not obs.transitions.exists()


def test_rejecting_an_observation_needs_a_reason_and_an_observer_cannot_move_it(
    world: World,
) -> None:
    obs = helpers.observation(world)
    with pytest.raises(ValidationError) as refused:
        services.observation_transition(observation=obs, to_state=S.REJECTED, actor=world.alice)
    assert "reason" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.observation_transition(
            observation=obs, to_state=S.LESSON_IDENTIFIED, actor=world.bob
        )


# --- corrective actions ------------------------------------------------------------------------

A = ActionStatus
LEGAL_ACTION_MOVES = {
    (A.OPEN, A.IN_PROGRESS),
    (A.OPEN, A.DONE_PENDING_APPROVAL),
    (A.OPEN, A.CANCELLED),
    (A.IN_PROGRESS, A.DONE_PENDING_APPROVAL),
    (A.IN_PROGRESS, A.CANCELLED),
    (A.DONE_PENDING_APPROVAL, A.CLOSED),
    (A.DONE_PENDING_APPROVAL, A.IN_PROGRESS),
}


@pytest.mark.parametrize("from_status", A.values)
@pytest.mark.parametrize("to_status", A.values)
def test_every_action_move_is_legal_or_refused(
    world: World, from_status: str, to_status: str
) -> None:
    action = helpers.action(world)
    CorrectiveAction.objects.filter(pk=action.pk).update(status=from_status)
    action.refresh_from_db()
    if (from_status, to_status) in LEGAL_ACTION_MOVES:
        moved = services.action_transition(
            action=action, to_status=to_status, note="Lý do", actor=world.alice
        )
        assert moved.status == to_status
        assert (moved.closed_at is not None) == (to_status == A.CLOSED)
    else:
        with pytest.raises(ValidationError):
            services.action_transition(
                action=action, to_status=to_status, note="Lý do", actor=world.alice
            )
        action.refresh_from_db()
        assert action.status == from_status


def test_the_owner_reports_done_and_only_the_directing_side_approves(world: World) -> None:
    owner = helpers.owner(world)
    action = helpers.action(world, responsible=owner.person)
    action = services.action_transition(action=action, to_status=A.IN_PROGRESS, actor=owner)
    action = services.action_transition(
        action=action, to_status=A.DONE_PENDING_APPROVAL, note="Đã bàn giao", actor=owner
    )
    assert action.progress_note == "Đã bàn giao"
    for who in (owner, world.erin, world.bob):  # owner, exercise-only planner, observer
        with pytest.raises(PermissionDenied):
            services.action_transition(action=action, to_status=A.CLOSED, actor=who)
    with pytest.raises(ValidationError):  # refusing a closure says why
        services.action_transition(action=action, to_status=A.IN_PROGRESS, actor=world.alice)
    closed = services.action_transition(action=action, to_status=A.CLOSED, actor=world.alice)
    assert closed.closed_by == world.alice
    assert closed.closed_at is not None


def test_an_owner_only_reports_progress_and_an_observer_nothing(world: World) -> None:
    owner = helpers.owner(world)
    action = helpers.action(world, responsible=owner.person)
    updated = services.action_update(
        action=action, changes={"progress_note": "Đang làm"}, expected_version=1, actor=owner
    )
    assert updated.progress_note == "Đang làm"
    with pytest.raises(PermissionDenied):
        services.action_update(
            action=updated, changes={"due": dt.date(2024, 1, 1)}, expected_version=2, actor=owner
        )
    with pytest.raises(PermissionDenied):
        services.action_transition(action=updated, to_status=A.IN_PROGRESS, actor=world.bob)


def test_actions_continue_after_the_exercise_is_closed(world: World) -> None:
    action = helpers.action(world)
    type(world.exercise).objects.filter(pk=world.exercise.pk).update(status="closed")
    moved = services.action_transition(action=action, to_status=A.IN_PROGRESS, actor=world.alice)
    assert moved.status == A.IN_PROGRESS
    with pytest.raises(ExerciseClosedError):
        helpers.observation(world)


def test_an_action_from_a_classified_directive_is_at_least_as_secret(world: World) -> None:
    directive = helpers.directive(world, classification=1)
    action = helpers.action(world, directive=directive)
    assert action.classification == 1
    assert not action_list(world.bob).filter(pk=action.pk).exists()  # bob has no clearance
    assert action_list(world.alice).filter(pk=action.pk).exists()


# --- visibility --------------------------------------------------------------------------------


def test_the_owner_sees_their_actions_and_the_outsider_none(world: World) -> None:
    owner = helpers.owner(world)
    mine = helpers.action(world, responsible=owner.person)
    helpers.action(world, title="Việc khác", owner=None)
    assert list(action_tracker(owner, mine=True)) == [mine]
    assert action_tracker(world.alice).count() == 2
    assert not action_list(world.charlie).exists()
    assert not action_tracker(world.charlie, mine=True).exists()


def test_the_responsible_person_sees_the_action_without_a_role(world: World) -> None:
    from kvpt.core.testing.factories import PersonFactory, UserFactory

    person = PersonFactory.create(code="CB-X", area=world.district)
    lone = UserFactory.create(username="lone", person=person)
    action = helpers.action(world, responsible=person)
    assert list(action_tracker(lone, mine=True)) == [action]


# --- overdue, in the local time zone -----------------------------------------------------------


def _at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_local_today_is_vietnams_date_not_utcs() -> None:
    # 16:59 UTC on 30/9 is 23:59 in Hà Nội; 17:00 UTC is already 1/10 there.
    assert local_today(_at(2023, 9, 30, 16, 59)) == dt.date(2023, 9, 30)
    assert local_today(_at(2023, 9, 30, 17, 0)) == dt.date(2023, 10, 1)
    # Just after midnight UTC it is 07:00 the same day in Hà Nội.
    assert local_today(_at(2023, 9, 30, 0, 5)) == dt.date(2023, 9, 30)


@pytest.mark.parametrize(
    ("now", "overdue"),
    [
        (_at(2023, 9, 29, 23, 0), False),  # 30/9 06:00 local: due today, not overdue
        (_at(2023, 9, 30, 16, 59), False),  # 30/9 23:59 local: still due today
        (_at(2023, 9, 30, 17, 0), True),  # 1/10 00:00 local: overdue
        (_at(2023, 10, 1, 0, 0), True),  # 1/10 07:00 local
    ],
)
def test_an_action_due_today_is_not_overdue_until_tomorrow_local_time(
    world: World, now: dt.datetime, overdue: bool
) -> None:
    action = helpers.action(world, due=dt.date(2023, 9, 30))
    today = local_today(now)
    assert action.is_overdue_on(today) is overdue
    rows = action_tracker(world.alice, ActionFilters(overdue=True), today=today)
    assert (action in rows) is overdue


def test_a_closed_or_pending_action_is_never_overdue(world: World) -> None:
    action = helpers.action(world, due=dt.date(2023, 9, 1))
    today = dt.date(2023, 10, 1)
    assert action.is_overdue_on(today)
    services.action_transition(
        action=action, to_status=A.DONE_PENDING_APPROVAL, note="Xong", actor=world.alice
    )
    assert not action_tracker(world.alice, ActionFilters(overdue=True), today=today).exists()


def test_the_tracker_lists_overdue_first(world: World) -> None:
    later = helpers.action(world, title="Sau", due=dt.date(2023, 9, 5))
    overdue = helpers.action(world, title="Quá hạn", due=dt.date(2023, 9, 20))
    CorrectiveAction.objects.filter(pk=later.pk).update(due=dt.date(2023, 12, 1))
    rows = list(action_tracker(world.alice, today=dt.date(2023, 10, 1)))
    assert rows[0] == overdue
    assert rows[0].overdue is True


# --- notifications -----------------------------------------------------------------------------


def _kinds(user: Any) -> list[tuple[str, str]]:
    return sorted(
        (n.kind, n.action.code)
        for n in Notification.objects.filter(user=user).select_related("action")
    )


def test_assignment_notifies_the_responsible_person_once_committed(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    owner = helpers.owner(world)
    with django_capture_on_commit_callbacks(execute=True):
        action = helpers.action(world, responsible=owner.person)
    assert _kinds(owner) == [("assigned", action.code)]


def test_the_daily_run_is_idempotent_and_counts_local_days(world: World) -> None:
    owner = helpers.owner(world)
    soon = helpers.action(
        world, title="Sắp hạn", responsible=owner.person, due=dt.date(2023, 10, 3)
    )
    late = helpers.action(world, title="Trễ", responsible=owner.person, due=dt.date(2023, 9, 30))
    far = helpers.action(world, title="Xa", responsible=owner.person, due=dt.date(2023, 12, 1))
    now = _at(2023, 9, 30, 17, 30)  # 1/10 00:30 in Hà Nội
    counts = services.run_notifications(now=now)
    assert counts == {"assigned": 3, "due_soon": 1, "overdue": 1}
    assert services.run_notifications(now=now) == {"assigned": 0, "due_soon": 0, "overdue": 0}
    assert ("overdue", late.code) in _kinds(owner)
    assert ("due_soon", soon.code) in _kinds(owner)
    assert ("due_soon", far.code) not in _kinds(owner)
    # The next local day brings a new reminder, never a second "assigned".
    next_day = services.run_notifications(now=now + dt.timedelta(days=1))
    assert next_day == {"assigned": 0, "due_soon": 1, "overdue": 1}


def test_without_a_responsible_person_the_owner_agencys_area_holders_are_told(
    world: World,
) -> None:
    from kvpt.core.testing.factories import UserFactory, grant

    commander = UserFactory.create(username="cmd")
    grant(commander, "staff_planner", area=world.district)
    helpers.action(world, due=dt.date(2023, 9, 1))
    services.run_notifications(now=_at(2023, 10, 1, 3, 0))
    assert {n.kind for n in Notification.objects.filter(user=commander)} == {
        "assigned",
        "overdue",
    }
    assert not Notification.objects.filter(user=world.bob).exists()  # an observer is no owner
    assert not Notification.objects.filter(user=world.charlie).exists()
