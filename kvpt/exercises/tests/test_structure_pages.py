"""The progress page (phases, contents) and the calendar: CRUD in the UI, who may not, queries."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kvpt.core.testing.world import World
from kvpt.exercises.models import Content, Exercise, Milestone, Phase

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Any], Client]
HTMX = {"HX-Request": "true"}


def _structure(exercise: Exercise) -> str:
    return reverse("exercises:structure", args=[exercise.pk])


def _calendar(exercise: Exercise, month: str | None = None) -> str:
    url = reverse("exercises:calendar", args=[exercise.pk])
    return f"{url}?month={month}" if month else url


def _phase_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Chuyển trạng thái các lực lượng vũ trang",
        "planned_start": "24/08/2023 07:30",
        "planned_end": "24/08/2023 11:00",
        "actual_start": "",
        "actual_end": "",
    }
    return data | overrides


def _build(exercise: Exercise, phases: int, contents: int) -> None:
    for p in range(1, phases + 1):
        phase = Phase.objects.create(exercise=exercise, order=p, name=f"Giai đoạn {p}")
        for c in range(1, contents + 1):
            Content.objects.create(phase=phase, order=c, name=f"Nội dung {p}.{c}")


def _milestones(exercise: Exercise, count: int, start: dt.date) -> None:
    for n in range(count):
        Milestone.objects.create(
            exercise=exercise,
            kind="trial_run",
            sequence=n + 1,
            title=f"Diễn tập thử lần {n + 1}",
            starts_on=start + dt.timedelta(days=2 * n),
            ends_on=start + dt.timedelta(days=2 * n + 1),
        )


def _cell(body: str, day: str) -> str:
    """The HTML of the calendar cell of `day` (YYYY-MM-DD)."""
    match = re.search(rf'data-day="{day}">(.*?)</td>', body, re.S)
    assert match, f"no cell for {day}"
    return match.group(1)


# --- phases and contents through the UI --------------------------------------------------------


def test_alice_adds_edits_moves_and_deletes_phases_through_the_ui(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.alice)
    url = reverse("exercises:phase_create", args=[world.exercise.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, _phase_data())
    assert response.status_code == 302
    assert response["Location"] == _structure(world.exercise)
    phase = Phase.objects.get(exercise=world.exercise)
    assert timezone.localtime(phase.planned_start) == timezone.make_aware(
        dt.datetime(2023, 8, 24, 7, 30)
    )
    client.post(url, _phase_data(name="Tổ chức chuẩn bị tác chiến phòng thủ"))

    page = client.get(_structure(world.exercise)).content.decode()
    assert "2 giai đoạn, 0 nội dung" in page
    assert "07:30 24/08/2023" in page
    assert reverse("exercises:phase_edit", args=[phase.pk]) in page

    edit = reverse("exercises:phase_edit", args=[phase.pk])
    response = client.post(edit, _phase_data(name="Chuyển trạng thái", version=phase.version))
    assert response.status_code == 302
    phase.refresh_from_db()
    assert phase.name == "Chuyển trạng thái"
    assert phase.version == 2

    move = reverse("exercises:phase_move", args=[phase.pk])
    assert client.post(move, {"direction": "down", "version": 2}).status_code == 302
    names = list(world.exercise.phases.order_by("order").values_list("name", flat=True))
    assert names == ["Tổ chức chuẩn bị tác chiến phòng thủ", "Chuyển trạng thái"]

    delete = reverse("exercises:phase_delete", args=[phase.pk])
    assert client.get(delete).status_code == 200
    assert client.post(delete, {"version": 3}).status_code == 302
    assert not Phase.objects.filter(pk=phase.pk).exists()


def test_a_wrongly_typed_time_is_refused_with_the_expected_pattern(
    world: World, client_for: ClientFor
) -> None:
    url = reverse("exercises:phase_create", args=[world.exercise.pk])
    response = client_for(world.alice).post(url, _phase_data(planned_start="2023/24/08"))
    assert response.status_code == 422
    assert "dd/mm/yyyy hh:mm" in response.content.decode()
    assert not Phase.objects.exists()


def test_a_stale_edit_is_refused_with_409_and_keeps_what_was_typed(
    world: World, client_for: ClientFor
) -> None:
    phase = Phase.objects.create(exercise=world.exercise, order=1, name="Giai đoạn 1")
    edit = reverse("exercises:phase_edit", args=[phase.pk])
    assert client_for(world.erin).post(edit, _phase_data(name="Của Erin", version=1)).status_code
    response = client_for(world.alice).post(edit, _phase_data(name="Của Alice", version=1))
    assert response.status_code == 409
    body = response.content.decode()
    assert "vừa được người khác sửa" in body
    assert "Của Alice" in body
    assert Phase.objects.get(pk=phase.pk).name == "Của Erin"


def test_the_inline_form_comes_by_htmx_and_a_save_redirects_the_page(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.alice)
    url = reverse("exercises:phase_create", args=[world.exercise.pk])
    form = client.get(url, headers=HTMX)
    assert form.status_code == 200
    assert 'data-testid="inline-form"' in form.content.decode()
    assert "<html" not in form.content.decode()

    invalid = client.post(url, _phase_data(name=""), headers=HTMX)
    assert invalid.status_code == 200  # htmx swaps only 2xx: the errors show in place
    assert "errorlist" in invalid.content.decode()

    saved = client.post(url, _phase_data(), headers=HTMX)
    assert saved["HX-Redirect"] == _structure(world.exercise)
    assert Phase.objects.filter(exercise=world.exercise).count() == 1


def test_contents_are_added_edited_moved_and_deleted_under_their_phase(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.erin)
    phase = Phase.objects.create(exercise=world.exercise, order=1, name="Giai đoạn 1")
    add = reverse("exercises:content_create", args=[phase.pk])
    for name in ("Chuyển trạng thái SSCĐ", "Ban bố tình trạng khẩn cấp"):
        assert client.post(add, _phase_data(name=name)).status_code == 302
    first, second = Content.objects.filter(phase=phase).order_by("order")
    page = client.get(_structure(world.exercise)).content.decode()
    assert "1 giai đoạn, 2 nội dung" in page
    assert "1.2" in page

    edit = reverse("exercises:content_edit", args=[second.pk])
    assert client.post(edit, _phase_data(name="Ban bố TTKC", version=1)).status_code == 302
    move = reverse("exercises:content_move", args=[second.pk])
    assert client.post(move, {"direction": "up", "version": 2}).status_code == 302
    assert list(phase.contents.order_by("order").values_list("pk", flat=True)) == [
        second.pk,
        first.pk,
    ]
    delete = reverse("exercises:content_delete", args=[first.pk])
    assert client.post(delete, {"version": 2}).status_code == 302
    assert list(phase.contents.values_list("name", flat=True)) == ["Ban bố TTKC"]


def test_a_stale_move_says_so_and_changes_nothing(world: World, client_for: ClientFor) -> None:
    _build(world.exercise, 2, 0)
    second = Phase.objects.get(exercise=world.exercise, order=2)
    Phase.objects.filter(pk=second.pk).update(version=5)
    client = client_for(world.alice)
    response = client.post(
        reverse("exercises:phase_move", args=[second.pk]),
        {"direction": "up", "version": 1},
        follow=True,
    )
    assert "vừa được người khác sửa" in response.content.decode()
    assert Phase.objects.get(pk=second.pk).order == 2


def test_the_summary_counts_phases_and_contents(world: World, client_for: ClientFor) -> None:
    for p, count in enumerate((3, 3, 2), start=1):
        phase = Phase.objects.create(exercise=world.exercise, order=p, name=f"GĐ {p}")
        for c in range(1, count + 1):
            Content.objects.create(phase=phase, order=c, name=f"ND {p}.{c}")
    page = client_for(world.bob).get(_structure(world.exercise)).content.decode()
    assert "3 giai đoạn, 8 nội dung" in page


def test_an_observer_reads_the_page_without_edit_buttons_and_is_refused_edits(
    world: World, client_for: ClientFor
) -> None:
    _build(world.exercise, 1, 1)
    phase = Phase.objects.get(exercise=world.exercise)
    content = phase.contents.get()
    client = client_for(world.bob)
    page = client.get(_structure(world.exercise))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Nội dung 1.1" in body
    assert reverse("exercises:phase_edit", args=[phase.pk]) not in body
    assert 'data-testid="add-phase"' not in body
    history = reverse("core:history", args=["exercises.phase", phase.pk])
    assert history in body
    assert client.get(history).status_code == 200
    for url in (
        reverse("exercises:phase_create", args=[world.exercise.pk]),
        reverse("exercises:phase_edit", args=[phase.pk]),
        reverse("exercises:phase_delete", args=[phase.pk]),
        reverse("exercises:content_create", args=[phase.pk]),
        reverse("exercises:content_edit", args=[content.pk]),
        reverse("exercises:milestone_create", args=[world.exercise.pk]),
    ):
        assert client.get(url).status_code == 403, url
    moved = client.post(
        reverse("exercises:phase_move", args=[phase.pk]), {"direction": "up", "version": 1}
    )
    assert moved.status_code == 403


def test_an_outsider_gets_404_and_anonymous_the_login_page(
    world: World, client_for: ClientFor
) -> None:
    _build(world.exercise, 1, 1)
    phase = Phase.objects.get(exercise=world.exercise)
    milestone = Milestone.objects.create(
        exercise=world.exercise, kind="opening", title="Khai mạc", starts_on=dt.date(2023, 8, 24)
    )
    urls = [
        _structure(world.exercise),
        _calendar(world.exercise),
        reverse("exercises:phase_create", args=[world.exercise.pk]),
        reverse("exercises:phase_edit", args=[phase.pk]),
        reverse("exercises:content_edit", args=[phase.contents.get().pk]),
        reverse("exercises:milestone_edit", args=[milestone.pk]),
    ]
    outsider = client_for(world.charlie)
    for url in urls:
        assert outsider.get(url).status_code == 404, url
    for url in urls:
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login"))
    # The province (higher level) reads both pages.
    assert client_for(world.dave).get(_structure(world.exercise)).status_code == 200
    assert client_for(world.dave).get(_calendar(world.exercise)).status_code == 200


def test_a_closed_exercise_refuses_a_new_phase_with_a_message(
    world: World, client_for: ClientFor
) -> None:
    Exercise.objects.filter(pk=world.exercise.pk).update(status="closed")
    client = client_for(world.alice)
    url = reverse("exercises:phase_create", args=[world.exercise.pk])
    response = client.post(url, _phase_data())
    assert response.status_code == 422
    assert "Cuộc diễn tập đã kết thúc" in response.content.decode()
    assert not Phase.objects.exists()
    # The pages say so and offer no edit buttons.
    for page in (_structure(world.exercise), _calendar(world.exercise)):
        body = client.get(page).content.decode()
        assert 'data-testid="closed-note"' in body
        assert 'data-testid="add-phase"' not in body
        assert 'data-testid="add-milestone"' not in body


def _count_queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_structure_page_makes_as_many_queries_for_3_phases_as_for_9(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.alice)
    _build(world.exercise, 3, 2)
    small = _count_queries(client, _structure(world.exercise))
    _build(world.secret_exercise, 9, 6)
    Exercise.objects.filter(pk=world.secret_exercise.pk).update(classification=0)
    large = _count_queries(client, _structure(world.secret_exercise))
    assert large == small


def test_the_calendar_makes_as_many_queries_for_2_milestones_as_for_20(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.alice)
    _build(world.exercise, 3, 0)
    _milestones(world.exercise, 2, dt.date(2023, 8, 1))
    small = _count_queries(client, _calendar(world.exercise, "2023-08"))
    _build(world.secret_exercise, 9, 0)
    _milestones(world.secret_exercise, 20, dt.date(2023, 8, 1))
    Exercise.objects.filter(pk=world.secret_exercise.pk).update(classification=0)
    large = _count_queries(client, _calendar(world.secret_exercise, "2023-08"))
    assert large == small


# --- milestones and the calendar ---------------------------------------------------------------


def test_alice_adds_a_milestone_and_the_calendar_shows_it_on_its_day(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.alice)
    add = reverse("exercises:milestone_create", args=[world.exercise.pk])
    response = client.post(
        add,
        {
            "kind": "rehearsal",
            "title": "",
            "starts_on": "20/08/2023",
            "ends_on": "",
            "location": "Sân vận động huyện",
            "notes": "",
        },
    )
    assert response.status_code == 302
    milestone = Milestone.objects.get(exercise=world.exercise)
    assert milestone.title == "Tổng duyệt"
    assert milestone.starts_on == dt.date(2023, 8, 20)

    body = client.get(_calendar(world.exercise, "2023-08")).content.decode()
    assert "Tháng 8/2023" in body
    assert "Tổng duyệt" in _cell(body, "2023-08-20")
    assert "Tổng duyệt" not in _cell(body, "2023-08-19")
    assert "Tổng duyệt" not in _cell(body, "2023-08-21")


def test_a_multi_day_milestone_spans_its_days(world: World, client_for: ClientFor) -> None:
    milestone = Milestone.objects.create(
        exercise=world.exercise,
        kind="exercise_day",
        title="Thực hành diễn tập",
        starts_on=dt.date(2023, 8, 24),
        ends_on=dt.date(2023, 8, 26),
    )
    body = client_for(world.bob).get(_calendar(world.exercise, "2023-08")).content.decode()
    marker = f'data-milestone="{milestone.pk}"'
    assert "ms-start" in _cell(body, "2023-08-24")
    assert "ms-mid" in _cell(body, "2023-08-25")
    assert "ms-end" in _cell(body, "2023-08-26")
    assert marker not in _cell(body, "2023-08-27")
    assert marker not in _cell(body, "2023-08-23")


def test_month_navigation_by_htmx_returns_only_the_grid(
    world: World, client_for: ClientFor
) -> None:
    Milestone.objects.create(
        exercise=world.exercise,
        kind="conference",
        title="Hội nghị tổng kết",
        starts_on=dt.date(2023, 8, 31),
    )
    client = client_for(world.bob)
    full = client.get(_calendar(world.exercise, "2023-08")).content.decode()
    assert 'hx-get="/exercises/' in full
    assert "month=2023-09" in full
    part = client.get(_calendar(world.exercise, "2023-09"), headers=HTMX).content.decode()
    assert "<html" not in part
    assert "Tháng 9/2023" in part
    # 31/8 still shows in the leading days of September's first week.
    assert "Hội nghị tổng kết" in _cell(part, "2023-08-31")


def test_the_calendar_opens_on_the_month_of_a_past_exercise(
    world: World, client_for: ClientFor
) -> None:
    _milestones(world.exercise, 1, dt.date(2023, 8, 1))
    body = client_for(world.bob).get(_calendar(world.exercise)).content.decode()
    assert "Tháng 8/2023" in body


def test_the_timeline_counts_days_to_go_greys_the_past_and_ticks_done(
    world: World, client_for: ClientFor
) -> None:
    today = timezone.localdate()
    Milestone.objects.create(
        exercise=world.exercise,
        kind="training",
        title="Tập huấn cán bộ",
        starts_on=today - dt.timedelta(days=10),
        done=True,
    )
    Milestone.objects.create(
        exercise=world.exercise,
        kind="opening",
        title="Khai mạc diễn tập",
        starts_on=today + dt.timedelta(days=12),
    )
    Phase.objects.create(
        exercise=world.exercise,
        order=1,
        name="Chuyển trạng thái",
        planned_start=timezone.now() + dt.timedelta(days=12),
    )
    body = client_for(world.bob).get(_calendar(world.exercise)).content.decode()
    items = re.findall(
        r'<li class="(\w+) (\w+)" data-testid="timeline-item">(.*?)</li>', body, re.S
    )
    by_title = {
        re.search(r"<strong>(.*?)</strong>", text).group(1): (kind, state, text)  # type: ignore[union-attr]
        for kind, state, text in items
    }
    kind, state, text = by_title["Tập huấn cán bộ"]
    assert (kind, state) == ("milestone", "past")
    assert "đã qua 10 ngày" in text
    assert 'data-testid="done"' in text
    kind, state, text = by_title["Khai mạc diễn tập"]
    assert (kind, state) == ("milestone", "future")
    assert "còn 12 ngày" in text
    assert 'data-testid="done"' not in text
    kind, state, text = by_title["Chuyển trạng thái"]
    assert (kind, state) == ("phase", "future")
    assert "Giai đoạn 1" in text
    # Chronological: the past training first, then the phase and the opening on the same day.
    titles = list(by_title)
    assert titles.index("Tập huấn cán bộ") < titles.index("Khai mạc diễn tập")


def test_a_milestone_is_edited_with_its_version_and_deleted(
    world: World, client_for: ClientFor
) -> None:
    milestone = Milestone.objects.create(
        exercise=world.exercise,
        kind="trial_run",
        sequence=1,
        title="Diễn tập thử lần 1",
        starts_on=dt.date(2023, 8, 10),
    )
    client = client_for(world.erin)
    edit = reverse("exercises:milestone_edit", args=[milestone.pk])
    data = {
        "kind": "trial_run",
        "sequence": 1,
        "title": "Diễn tập thử lần 1",
        "starts_on": "10/08/2023",
        "ends_on": "11/08/2023",
        "location": "Xã Trí Nang",
        "done": "on",
        "notes": "",
        "version": 1,
    }
    response = client.post(edit, data)
    assert response.status_code == 302
    assert response["Location"].endswith("?month=2023-08")
    milestone.refresh_from_db()
    assert milestone.done
    assert milestone.ends_on == dt.date(2023, 8, 11)
    stale = client.post(edit, data)
    assert stale.status_code == 409
    delete = reverse("exercises:milestone_delete", args=[milestone.pk])
    assert client.post(delete, {"version": 2}).status_code == 302
    assert not Milestone.objects.filter(pk=milestone.pk).exists()


def test_the_month_grid_marks_the_planned_days_of_each_phase(
    world: World, client_for: ClientFor
) -> None:
    Phase.objects.create(
        exercise=world.exercise,
        order=1,
        name="Thực hành tác chiến phòng thủ",
        planned_start=timezone.make_aware(dt.datetime(2023, 8, 25, 7, 0)),
        planned_end=timezone.make_aware(dt.datetime(2023, 8, 26, 17, 0)),
    )
    body = client_for(world.bob).get(_calendar(world.exercise, "2023-08"), headers=HTMX)
    text = body.content.decode()
    assert "GĐ 1" in _cell(text, "2023-08-25")
    assert "GĐ 1" in _cell(text, "2023-08-26")
    assert "GĐ 1" not in _cell(text, "2023-08-27")
