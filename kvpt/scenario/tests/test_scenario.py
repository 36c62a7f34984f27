"""Situations, the MSEL status machine, the exercise clock and the conduct console."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kvpt.core.models import Classification
from kvpt.core.services import ConcurrentEditError
from kvpt.core.testing.world import World
from kvpt.scenario import services
from kvpt.scenario.models import (
    ClockState,
    ConductLogEntry,
    Inject,
    InjectStatus,
    InjectTransition,
    SituationKind,
)
from kvpt.scenario.scenario_time import parse_scenario_time
from kvpt.scenario.tests.helpers import director, inject, riot, situation

pytestmark = pytest.mark.django_db


# --- scenario time -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "normal", "offset"),
    [
        ("N-5", "N-5", -5 * 1440),
        ("N+1 08:30", "N+1 08:30", 1440 + 510),
        ("n+1 8h30", "N+1 08:30", 1440 + 510),
        ("D+2 H+3", "D+2 H+3", 2 * 1440 + 180),
        ("G-1:30", "G-1:30", -90),
        ("08:30", "08:30", 510),
        ("N", "N", 0),
    ],
)
def test_scenario_time_is_read_as_the_story_writes_it(text: str, normal: str, offset: int) -> None:
    parsed = parse_scenario_time(text)
    assert (parsed.text, parsed.offset_minutes) == (normal, offset)


@pytest.mark.parametrize("text", ["", "xyz", "N+1 25:00", "N+1 08:75", "N++1"])
def test_a_scenario_time_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_scenario_time(text)


def test_injects_sort_in_story_order_whatever_the_real_schedule(world: World) -> None:
    from kvpt.scenario.selectors import inject_list, story_order

    inject(world, 1, scenario_time="N+1 08:30")
    inject(world, 2, scenario_time="N-5")
    first = inject(world, 3, scenario_time="D+2 H+3")
    first.full_clean()
    first.save()
    rows = story_order(inject_list(world.admin).filter(exercise=world.exercise))
    assert [i.serial for i in rows] == [2, 1, 3]


# --- situations --------------------------------------------------------------------------------


def test_the_kinds_catalogue_is_data_and_a2_is_not_a_kind() -> None:
    import importlib

    from django.apps import apps

    # Run the data migration's seed again (a flushed test database may have lost its rows).
    importlib.import_module("kvpt.scenario.migrations.0002_situation_kinds").seed(apps, None)
    codes = set(SituationKind.objects.values_list("code", flat=True))
    assert {"martial_law", "riot", "border_intrusion", "natural_disaster"} <= codes
    assert "A2" not in codes


def test_an_editor_adds_a_situation_with_a_code_of_her_choice(world: World) -> None:
    kind = riot()
    made = services.situation_create(
        exercise=world.exercise, code="A2", title="Gây rối", kind=kind, actor=world.alice
    )
    assert made.code == "A2"
    assert made.history.first().history_user == world.alice
    with pytest.raises(ValidationError) as exc:
        services.situation_create(
            exercise=world.exercise, code="a2", title="Trùng", kind=kind, actor=world.alice
        )
    assert "code" in exc.value.message_dict


def test_an_observer_may_not_add_a_situation(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.situation_create(
            exercise=world.exercise,
            code="A2",
            title="Gây rối",
            kind=riot(),
            actor=world.bob,
        )


def test_a_situation_is_never_marked_below_its_exercise(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        services.situation_create(
            exercise=world.secret_exercise,
            code="A2",
            title="Gây rối",
            kind=riot(),
            classification=Classification.UNCLASSIFIED,
            actor=world.alice,
        )
    assert "classification" in exc.value.message_dict


def test_a_secret_location_is_hidden_from_a_reader_below_it(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    made = situation(
        world,
        location="Hầm chỉ huy Đồi 425",
        location_classification=Classification.CONFIDENTIAL,
    )
    assert "Đồi 425" not in client_for(world.bob).get(made.get_absolute_url()).content.decode()
    assert "Đồi 425" in client_for(world.alice).get(made.get_absolute_url()).content.decode()
    listing = client_for(world.bob).get(
        reverse("scenario:situation_list", args=[world.exercise.pk])
    )
    assert "Đồi 425" not in listing.content.decode()


def test_the_outsider_gets_404_on_every_scenario_page(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    pk = world.exercise.pk
    client = client_for(world.charlie)
    for name in ("situation_list", "msel", "msel_timeline", "conduct", "conduct_live", "log"):
        assert client.get(reverse(f"scenario:{name}", args=[pk])).status_code == 404, name


def test_anonymous_is_sent_to_login(world: World) -> None:
    response = Client().get(reverse("scenario:conduct", args=[world.exercise.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    live = reverse("scenario:conduct_live", args=[world.exercise.pk])
    assert Client().get(live)["Location"].startswith(reverse("accounts:login"))
    # a poll after the session ended takes the whole page to the login page
    polled = Client().get(live, headers={"HX-Request": "true"})
    assert polled.status_code == 204
    assert polled["HX-Redirect"].startswith(reverse("accounts:login"))


# --- MSEL status machine -----------------------------------------------------------------------


def test_an_inject_goes_pending_approved_delivered_done_with_its_times(world: World) -> None:
    boss = director(world)
    item = inject(world, 1)
    services.inject_transition(inject=item, to_status=InjectStatus.APPROVED, actor=boss)
    services.inject_transition(inject=item, to_status=InjectStatus.DELIVERED, actor=boss)
    item.refresh_from_db()
    assert item.delivered_at is not None
    services.inject_transition(inject=item, to_status=InjectStatus.DONE, actor=boss)
    item.refresh_from_db()
    assert item.status == InjectStatus.DONE
    assert item.completed_at is not None
    moves = list(InjectTransition.objects.filter(inject=item).values_list("to_status", flat=True))
    assert moves == ["approved", "delivered", "done"]
    assert ConductLogEntry.objects.filter(inject=item).count() == 2  # delivered, done


@pytest.mark.parametrize(
    ("start", "to"),
    [("pending", "delivered"), ("pending", "done"), ("done", "pending"), ("delivered", "approved")],
)
def test_no_illegal_move(world: World, start: str, to: str) -> None:
    item = inject(world, 1, status=start)
    with pytest.raises(ValidationError):
        services.inject_transition(inject=item, to_status=to, actor=world.admin)
    item.refresh_from_db()
    assert item.status == start


def test_a_staff_planner_edits_but_may_not_approve(world: World) -> None:
    item = inject(world, 1)
    services.inject_update(
        inject=item, changes={"content": "Sửa nội dung"}, expected_version=1, actor=world.erin
    )
    with pytest.raises(PermissionDenied):
        services.inject_transition(inject=item, to_status=InjectStatus.APPROVED, actor=world.erin)


def test_the_injects_controller_delivers_it_without_the_director_role(world: World) -> None:
    from kvpt.accounts.models import Role
    from kvpt.core.testing.factories import UserFactory, grant

    controller = UserFactory.create(username="dkv", person=world.person)
    grant(controller, Role.OBSERVER, exercise=world.exercise)
    item = inject(world, 1, status=InjectStatus.APPROVED, controller=world.person)
    other = inject(world, 2, status=InjectStatus.APPROVED)
    services.inject_transition(inject=item, to_status=InjectStatus.DELIVERED, actor=controller)
    with pytest.raises(PermissionDenied):
        services.inject_transition(inject=other, to_status=InjectStatus.DELIVERED, actor=controller)


def test_a_stale_version_is_refused(world: World) -> None:
    item = inject(world, 1)
    services.inject_update(
        inject=item, changes={"content": "Lần 1"}, expected_version=1, actor=world.alice
    )
    with pytest.raises(ConcurrentEditError):
        services.inject_update(
            inject=item, changes={"content": "Lần 2"}, expected_version=1, actor=world.alice
        )
    item.refresh_from_db()
    assert item.content == "Lần 1"


def test_an_inject_cannot_name_another_exercises_situation(world: World) -> None:
    foreign = situation(world, exercise=world.secret_exercise, classification=1)
    item = inject(world, 1)
    with pytest.raises(ValidationError) as exc:
        services.inject_update(
            inject=item, changes={"situation": foreign}, expected_version=None, actor=world.alice
        )
    assert "situation" in exc.value.message_dict


# --- the clock ---------------------------------------------------------------------------------


def test_a_pause_shifts_what_is_still_pending_and_is_logged(world: World) -> None:
    boss = director(world)
    t0 = timezone.now()
    pending = inject(world, 1, scheduled_at=t0 + dt.timedelta(minutes=10))
    approved = inject(world, 2, scheduled_at=t0 + dt.timedelta(minutes=20), status="approved")
    delivered = inject(world, 3, scheduled_at=t0 + dt.timedelta(minutes=5), status="delivered")
    services.clock_action(exercise=world.exercise, action="start", actor=boss, now=t0)
    services.clock_action(
        exercise=world.exercise, action="pause", actor=boss, now=t0 + dt.timedelta(minutes=1)
    )
    clock = services.clock_action(
        exercise=world.exercise, action="resume", actor=boss, now=t0 + dt.timedelta(minutes=8)
    )
    assert clock.state == ClockState.RUNNING
    assert clock.paused_seconds == 7 * 60
    for obj, minutes in ((pending, 17), (approved, 27), (delivered, 5)):
        obj.refresh_from_db()
        assert obj.scheduled_at == t0 + dt.timedelta(minutes=minutes), obj.serial
    pending.refresh_from_db()
    assert pending.version == 2  # an edit form opened before the pause is stale
    texts = list(
        ConductLogEntry.objects.filter(exercise=world.exercise, kind="clock").values_list(
            "text", flat=True
        )
    )
    assert len(texts) == 3
    assert any("7 phút" in t for t in texts)
    assert clock.elapsed(t0 + dt.timedelta(minutes=10)) == dt.timedelta(minutes=3)


def test_starting_again_after_a_stop_keeps_the_time_already_run(world: World) -> None:
    """Day 2 of a multi-day exercise continues day 1's clock; tomorrow's injects stay put."""
    boss = director(world)
    t0 = timezone.now()
    tomorrow = inject(world, 1, scheduled_at=t0 + dt.timedelta(hours=20))
    services.clock_action(exercise=world.exercise, action="start", actor=boss, now=t0)
    services.clock_action(
        exercise=world.exercise, action="stop", actor=boss, now=t0 + dt.timedelta(hours=8)
    )
    clock = services.clock_action(
        exercise=world.exercise, action="start", actor=boss, now=t0 + dt.timedelta(hours=20)
    )
    assert clock.state == ClockState.RUNNING
    assert clock.started_at == t0
    assert clock.elapsed(t0 + dt.timedelta(hours=21)) == dt.timedelta(hours=9)
    tomorrow.refresh_from_db()
    assert tomorrow.scheduled_at == t0 + dt.timedelta(hours=20)
    last = ConductLogEntry.objects.filter(exercise=world.exercise, kind="clock").latest("pk")
    assert "Bắt đầu lại" in last.text
    assert "480 phút" in last.text


def test_the_clock_refuses_a_move_from_the_wrong_state(world: World) -> None:
    boss = director(world)
    with pytest.raises(ValidationError):
        services.clock_action(exercise=world.exercise, action="pause", actor=boss)


def test_an_observer_may_not_run_the_clock(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    response = client_for(world.bob).post(
        reverse("scenario:clock", args=[world.exercise.pk]), {"action": "start"}
    )
    assert response.status_code == 403


# --- the console -------------------------------------------------------------------------------


def test_the_console_shows_what_is_due_and_lets_the_director_deliver_it(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    boss = director(world)
    due = inject(world, 7, scheduled_at=timezone.now() - dt.timedelta(minutes=1), status="approved")
    inject(world, 8, scheduled_at=timezone.now() + dt.timedelta(hours=1))
    client = client_for(boss)
    page = client.get(reverse("scenario:conduct", args=[world.exercise.pk])).content.decode()
    assert 'data-serial="7"' in page
    assert 'data-testid="move-delivered"' in page
    response = client.post(
        reverse("scenario:inject_move", args=[world.exercise.pk, due.pk]),
        {"to": "delivered", "version": due.version, "from": "console"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Đã phát, chờ hoàn thành" in response.content.decode()
    due.refresh_from_db()
    assert due.status == InjectStatus.DELIVERED
    # an observer sees it but gets no buttons
    watched = client_for(world.bob).get(reverse("scenario:conduct_live", args=[world.exercise.pk]))
    assert 'data-serial="7"' in watched.content.decode()
    assert "move-" not in watched.content.decode()


def test_the_polled_partial_costs_the_same_queries_for_3_or_30_injects(
    world: World, client_for: Callable[[Any], Client], django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    boss = director(world)
    client = client_for(boss)
    url = reverse("scenario:conduct_live", args=[world.exercise.pk])
    sit = situation(world)
    past = timezone.now() - dt.timedelta(minutes=5)

    def counted() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
        return len(ctx.captured_queries)

    for n in range(1, 4):
        inject(
            world, n, situation=sit, scheduled_at=past, status="approved", controller=world.person
        )
        ConductLogEntry.objects.create(exercise=world.exercise, text=f"ghi {n}")
    few = counted()
    for n in range(4, 31):
        inject(
            world, n, situation=sit, scheduled_at=past, status="approved", controller=world.person
        )
        ConductLogEntry.objects.create(exercise=world.exercise, text=f"ghi {n}")
    assert counted() == few
    with django_assert_max_num_queries(25):
        client.get(url, headers={"HX-Request": "true"})


def test_a_director_writes_a_log_entry_and_records_an_incident(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    boss = director(world)
    client = client_for(boss)
    pk = world.exercise.pk
    response = client.post(reverse("scenario:log", args=[pk]), {"text": "Sở chỉ huy báo cáo"})
    assert response.status_code == 302
    assert ConductLogEntry.objects.filter(text="Sở chỉ huy báo cáo", author=boss).exists()
    response = client.post(
        reverse("scenario:incident_create", args=[pk]),
        {
            "at": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
            "category": "people",
            "severity": "minor",
            "injured_count": "1",
            "killed_count": "0",
            "description": "Một chiến sĩ trẹo chân khi cơ động",
            "classification": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    log = client.get(reverse("scenario:log", args=[pk])).content.decode()
    assert "1 người bị thương" in log
    assert (
        client_for(world.bob).post(reverse("scenario:log", args=[pk]), {"text": "x"}).status_code
        == 403
    )


def test_while_conducting_every_scenario_page_carries_the_exercise_marking(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(world.alice)
    url = reverse("scenario:msel", args=[world.exercise.pk])
    assert 'data-testid="exercise-marking"' not in client.get(url).content.decode()
    world.exercise.status = "conducting"
    world.exercise.save()
    for name in ("msel", "conduct", "situation_list", "log", "msel_timeline"):
        page = client.get(reverse(f"scenario:{name}", args=[world.exercise.pk])).content.decode()
        assert page.count('data-testid="exercise-marking"') == 1, name
        assert "DIỄN TẬP" in page


def test_the_msel_table_filters_and_keeps_its_queries_flat(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sit = situation(world)
    client = client_for(world.alice)
    url = reverse("scenario:msel", args=[world.exercise.pk])

    def counted() -> int:
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        return len(ctx.captured_queries)

    inject(world, 1, situation=sit, controller=world.person)
    inject(world, 2, status="approved")
    few = counted()
    for n in range(3, 25):
        inject(world, n, situation=sit, controller=world.person)
    assert counted() == few
    filtered = client.get(url, {"status": "approved"}).content.decode()
    assert 'data-serial="2"' in filtered
    assert 'data-serial="1"' not in filtered
    assert client.get(url, {"situation": "abc"}).status_code == 200


def test_the_timeline_lists_injects_in_story_order(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    for serial, when in ((1, "N+1 08:30"), (2, "N-5"), (3, "N+1 07:00")):
        item = inject(world, serial, scenario_time=when)
        item.full_clean()
        item.save()
    page = (
        client_for(world.bob)
        .get(reverse("scenario:msel_timeline", args=[world.exercise.pk]))
        .content.decode()
    )
    assert page.index("#2") < page.index("#3") < page.index("#1")


def test_pages_create_and_edit_an_inject(world: World, client_for: Callable[[Any], Client]) -> None:
    client = client_for(world.alice)
    response = client.post(
        reverse("scenario:inject_create", args=[world.exercise.pk]),
        {
            "scenario_time": "n+1 8h30",
            "method": "phone",
            "content": "Công an xã báo cáo có nhóm người tụ tập",
            "classification": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    made = Inject.objects.get(exercise=world.exercise)
    assert made.serial == 1
    assert made.scenario_time == "N+1 08:30"
    bad = client.post(
        reverse("scenario:inject_update", args=[world.exercise.pk, made.pk]),
        {
            "serial": "1",
            "scenario_time": "ngày mai",
            "method": "phone",
            "content": "x",
            "classification": "0",
            "version": "1",
        },
    )
    assert bad.status_code == 422
