"""The task pages: table, filters, overdue rows, bulk edit, timeline, detail, add, edit, delete."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kvpt.core.models import AccessLog, Classification
from kvpt.core.testing.world import World
from kvpt.preparation.models import Task
from kvpt.preparation.tests.tasks_helpers import TaskWorld, make_task, make_task_world

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Any], Client]


@pytest.fixture
def tw(world: World) -> TaskWorld:
    return make_task_world(world)


def _list_url(tw: TaskWorld, **query: str) -> str:
    url = reverse("preparation:task_list", args=[tw.world.exercise.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def _codes(html: str) -> list[str]:
    return re.findall(r'data-testid="task-row" data-code="([^"]+)"', html)


def _today() -> dt.date:
    return timezone.localdate()


# --- the table ---------------------------------------------------------------------------------


def test_the_table_lists_the_tasks_and_highlights_the_overdue_ones(
    tw: TaskWorld, client_for: ClientFor
) -> None:
    ex = tw.world.exercise
    past = _today() - dt.timedelta(days=3)
    make_task(ex, "CV-01", title="Quá hạn", due=past)
    make_task(ex, "CV-02", title="Đã xong", due=past, status="done", progress=100)
    make_task(ex, "CV-03", title="Còn hạn", due=_today() + dt.timedelta(days=3))
    response = client_for(tw.world.bob).get(_list_url(tw))
    html = response.content.decode()
    assert response.status_code == 200
    assert _codes(html) == ["CV-01", "CV-02", "CV-03"]
    assert 'data-code="CV-01" class="task-overdue"' in html
    assert 'data-code="CV-02" class="task-overdue"' not in html
    assert "1 việc quá hạn" in html
    # bob observes: no add button, no bulk edit.
    assert 'data-testid="add-task"' not in html
    assert 'data-testid="bulk-bar"' not in html


def test_filters_search_without_accents_and_sorting(tw: TaskWorld, client_for: ClientFor) -> None:
    ex = tw.world.exercise
    past = _today() - dt.timedelta(days=3)
    make_task(ex, "CV-01", title="Xây hầm chỉ huy", category="works", subcommittee=tw.tb_a)
    make_task(ex, "CV-02", title="Đón tiếp đoàn", category="reception", due=past)
    make_task(ex, "CV-03", title="Huấn luyện dân quân", category="training", subcommittee=tw.tb_b)
    client = client_for(tw.world.alice)
    assert _codes(client.get(_list_url(tw, q="ham")).content.decode()) == ["CV-01"]
    assert _codes(client.get(_list_url(tw, q="don tiep")).content.decode()) == ["CV-02"]
    assert _codes(client.get(_list_url(tw, category="training")).content.decode()) == ["CV-03"]
    sub = client.get(_list_url(tw, subcommittee=str(tw.tb_a.pk))).content.decode()
    assert _codes(sub) == ["CV-01"]
    assert _codes(client.get(_list_url(tw, subcommittee="none")).content.decode()) == ["CV-02"]
    assert _codes(client.get(_list_url(tw, overdue="1")).content.decode()) == ["CV-02"]
    assert _codes(client.get(_list_url(tw, sort="-code")).content.decode()) == [
        "CV-03",
        "CV-02",
        "CV-01",
    ]
    # Nonsense in the query string lists nothing or everything, never a 500.
    assert client.get(_list_url(tw, subcommittee="abc", sort="zzz")).status_code == 200


def test_htmx_gets_only_the_table(tw: TaskWorld, client_for: ClientFor) -> None:
    make_task(tw.world.exercise, "CV-01")
    response = client_for(tw.world.alice).get(_list_url(tw), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="task-table"') or 'id="task-table"' in html[:200]
    assert "<html" not in html


def test_the_list_query_count_does_not_grow_with_rows(
    tw: TaskWorld, client_for: ClientFor, django_assert_max_num_queries: Any
) -> None:
    ex = tw.world.exercise
    client = client_for(tw.minh)

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            dep = Task.objects.filter(exercise=ex).first()
            make_task(
                ex,
                f"CV-{i:03d}",
                subcommittee=tw.tb_a if i % 2 else tw.tb_b,
                owner=tw.world.agency,
                assignee=tw.world.person,
                due=_today(),
                classification=Classification.UNCLASSIFIED,
                depends_on=[dep] if dep else [],
            )

    add(3, 0)
    client.get(_list_url(tw))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(_list_url(tw)).status_code == 200
    add(30, 10)
    with django_assert_max_num_queries(len(small)):
        assert client.get(_list_url(tw)).status_code == 200


def test_the_outsider_gets_404_and_anonymous_goes_to_login(
    tw: TaskWorld, client_for: ClientFor
) -> None:
    task = make_task(tw.world.exercise, "CV-01")
    outsider = client_for(tw.world.charlie)
    ex = tw.world.exercise.pk
    for url in (
        _list_url(tw),
        reverse("preparation:task_timeline", args=[ex]),
        reverse("preparation:task_export", args=[ex]),
        reverse("preparation:task_import", args=[ex]),
        reverse("preparation:task_create", args=[ex]),
        task.get_absolute_url(),
        reverse("preparation:task_update", args=[task.pk]),
        reverse("preparation:task_delete", args=[task.pk]),
    ):
        assert outsider.get(url).status_code == 404, url
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login"))


def test_a_task_above_the_readers_clearance_does_not_exist_for_him(
    tw: TaskWorld, client_for: ClientFor
) -> None:
    secret = make_task(tw.world.exercise, "CV-MAT", classification=Classification.SECRET)
    client = client_for(tw.world.alice)  # clearance Mật < Tối mật
    assert client.get(secret.get_absolute_url()).status_code == 404
    assert "CV-MAT" not in client.get(_list_url(tw)).content.decode()


def test_a_classified_task_marks_the_page_and_its_read_is_logged(
    tw: TaskWorld, client_for: ClientFor
) -> None:
    task = make_task(tw.world.exercise, "CV-M", classification=Classification.CONFIDENTIAL)
    response = client_for(tw.world.alice).get(task.get_absolute_url())
    assert "MẬT" in response.content.decode()
    assert AccessLog.objects.filter(user=tw.world.alice, object_id=str(task.pk)).exists()


# --- one task ----------------------------------------------------------------------------------


def test_the_detail_page_shows_dependencies_and_the_history_link(
    tw: TaskWorld, client_for: ClientFor
) -> None:
    first = make_task(tw.world.exercise, "CV-01", title="Lập kế hoạch")
    task = make_task(tw.world.exercise, "CV-02", depends_on=[first])
    html = client_for(tw.world.bob).get(task.get_absolute_url()).content.decode()
    assert "CV-01" in html
    assert "Lập kế hoạch" in html
    assert reverse("core:history", args=["preparation.task", task.pk]) in html
    assert reverse("preparation:task_update", args=[task.pk]) not in html  # bob cannot edit


def test_an_editor_adds_a_task_through_the_form(tw: TaskWorld, client_for: ClientFor) -> None:
    w = tw.world
    dep = make_task(w.exercise, "CV-01")
    response = client_for(w.erin).post(
        reverse("preparation:task_create", args=[w.exercise.pk]),
        {
            "code": "CV-02",
            "title": "Tập huấn cán bộ chủ chốt",
            "subcommittee": tw.tb_b.pk,
            "category": "training",
            "owner": w.agency.pk,
            "assignee": w.person.pk,
            "start": "01/06/2023",
            "due": "15/06/2023",
            "status": "todo",
            "progress": "0",
            "depends_on": [dep.pk],
            "classification": "0",
            "notes": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    task = Task.objects.get(exercise=w.exercise, code="CV-02")
    assert task.due == dt.date(2023, 6, 15)
    assert list(task.depends_on.all()) == [dep]
    assert task.history.first().history_user == w.erin


def test_the_form_refuses_a_cycle_and_keeps_the_input(tw: TaskWorld, client_for: ClientFor) -> None:
    w = tw.world
    a = make_task(w.exercise, "CV-03")
    b = make_task(w.exercise, "CV-07", depends_on=[a])
    response = client_for(w.alice).post(
        reverse("preparation:task_update", args=[a.pk]),
        {
            "version": 1,
            "code": "CV-03",
            "title": "Tiêu đề mới",
            "category": "documents",
            "status": "todo",
            "progress": "0",
            "classification": "0",
            "depends_on": [b.pk],
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "CV-03 -&gt; CV-07 -&gt; CV-03" in html
    assert "Tiêu đề mới" in html
    assert Task.objects.get(pk=a.pk).title == "Công việc CV-03"


def test_a_subcommittee_member_edits_her_own_task_and_gets_403_on_another(
    tw: TaskWorld, client_for: ClientFor
) -> None:
    own = make_task(tw.world.exercise, "CV-A", subcommittee=tw.tb_a)
    other = make_task(tw.world.exercise, "CV-B", subcommittee=tw.tb_b)
    client = client_for(tw.minh)
    assert client.get(reverse("preparation:task_update", args=[own.pk])).status_code == 200
    assert client.get(reverse("preparation:task_update", args=[other.pk])).status_code == 403
    assert client.get(reverse("preparation:task_delete", args=[other.pk])).status_code == 403
    response = client.post(
        reverse("preparation:task_update", args=[own.pk]),
        {
            "version": 1,
            "code": "CV-A",
            "title": "Việc của tiểu ban",
            "subcommittee": tw.tb_a.pk,
            "category": "documents",
            "status": "done",
            "progress": "20",
            "classification": "0",
        },
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.status, own.progress) == ("done", 100)
    assert own.completed_on == _today()


def test_an_observer_gets_403_on_add_edit_and_delete(tw: TaskWorld, client_for: ClientFor) -> None:
    task = make_task(tw.world.exercise, "CV-01")
    client = client_for(tw.world.bob)
    ex = tw.world.exercise.pk
    assert client.get(reverse("preparation:task_create", args=[ex])).status_code == 403
    assert client.get(reverse("preparation:task_update", args=[task.pk])).status_code == 403
    assert client.post(reverse("preparation:task_delete", args=[task.pk])).status_code == 403
    assert client.get(reverse("preparation:task_import", args=[ex])).status_code == 403
    assert client.post(reverse("preparation:task_bulk", args=[ex]), {}).status_code == 403
    assert Task.objects.filter(pk=task.pk).exists()


def test_delete_through_the_page(tw: TaskWorld, client_for: ClientFor) -> None:
    task = make_task(tw.world.exercise, "CV-01")
    response = client_for(tw.world.alice).post(
        reverse("preparation:task_delete", args=[task.pk]), {"version": 1}
    )
    assert response.status_code == 302
    assert not Task.objects.filter(pk=task.pk).exists()


# --- bulk edit ---------------------------------------------------------------------------------


def test_bulk_edit_from_the_table(tw: TaskWorld, client_for: ClientFor) -> None:
    ex = tw.world.exercise
    a = make_task(ex, "CV-01")
    b = make_task(ex, "CV-02")
    response = client_for(tw.world.alice).post(
        reverse("preparation:task_bulk", args=[ex.pk]),
        {"task": [f"{a.pk}:1", f"{b.pk}:1"], "status": "in_progress", "progress": "60"},
    )
    assert response.status_code == 302
    assert sorted(Task.objects.filter(exercise=ex).values_list("status", "progress")) == [
        ("in_progress", 60),
        ("in_progress", 60),
    ]


def test_bulk_edit_clears_the_due_date_and_assignee_only_when_asked(
    tw: TaskWorld, client_for: ClientFor
) -> None:
    ex = tw.world.exercise
    a = make_task(ex, "CV-01", due=dt.date(2026, 5, 1), assignee=tw.world.person)
    b = make_task(ex, "CV-02", due=dt.date(2026, 5, 2), assignee=tw.world.person)
    url = reverse("preparation:task_bulk", args=[ex.pk])
    client = client_for(tw.world.alice)
    left = client.post(url, {"task": [f"{a.pk}:1"], "progress": "10"})
    assert left.status_code == 302
    assert Task.objects.get(pk=a.pk).due == dt.date(2026, 5, 1)  # blank means "leave as it is"
    both = client.post(url, {"task": [f"{b.pk}:1"], "due": "03/05/2026", "clear": ["due"]})
    assert both.status_code == 422
    assert "Vừa chọn giá trị mới vừa chọn xóa" in both.content.decode()
    cleared = client.post(url, {"task": [f"{a.pk}:2", f"{b.pk}:1"], "clear": ["due", "assignee"]})
    assert cleared.status_code == 302
    assert list(Task.objects.filter(exercise=ex).values_list("due", "assignee")) == [
        (None, None),
        (None, None),
    ]


def test_bulk_edit_with_a_stale_row_saves_nothing_and_names_it(
    tw: TaskWorld, client_for: ClientFor
) -> None:
    ex = tw.world.exercise
    a = make_task(ex, "CV-01")
    b = make_task(ex, "CV-02")
    Task.objects.filter(pk=b.pk).update(version=2, progress=5)  # someone saved it meanwhile
    response = client_for(tw.world.alice).post(
        reverse("preparation:task_bulk", args=[ex.pk]),
        {"task": [f"{a.pk}:1", f"{b.pk}:1"], "progress": "60"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="bulk-error"' in html
    assert "CV-02" in html
    assert Task.objects.get(pk=a.pk).progress == 0
    assert Task.objects.get(pk=b.pk).progress == 5


def test_bulk_edit_by_a_member_on_another_subcommittees_row_is_403(
    tw: TaskWorld, client_for: ClientFor
) -> None:
    ex = tw.world.exercise
    own = make_task(ex, "CV-A", subcommittee=tw.tb_a)
    other = make_task(ex, "CV-B", subcommittee=tw.tb_b)
    client = client_for(tw.minh)
    html = client.get(_list_url(tw)).content.decode()
    assert f'value="{own.pk}:1"' in html
    assert f'value="{other.pk}:1"' not in html
    response = client.post(
        reverse("preparation:task_bulk", args=[ex.pk]),
        {"task": [f"{own.pk}:1", f"{other.pk}:1"], "progress": "60"},
    )
    assert response.status_code == 403
    assert Task.objects.get(pk=own.pk).progress == 0


# --- timeline ----------------------------------------------------------------------------------


def test_the_timeline_groups_by_subcommittee_and_places_bars(
    tw: TaskWorld, client_for: ClientFor
) -> None:
    ex = tw.world.exercise
    today = _today()
    a = make_task(
        ex,
        "CV-01",
        subcommittee=tw.tb_a,
        start=today - dt.timedelta(days=10),
        due=today - dt.timedelta(days=1),
    )
    make_task(
        ex,
        "CV-02",
        subcommittee=tw.tb_b,
        start=today - dt.timedelta(days=10),
        due=today + dt.timedelta(days=9),
        status="done",
        progress=100,
        depends_on=[a],
    )
    make_task(ex, "CV-03", title="Chưa có ngày")
    response = client_for(tw.world.bob).get(reverse("preparation:task_timeline", args=[ex.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="timeline-group"') == 2
    assert html.index("Tiểu ban Văn kiện") < html.index("Tiểu ban Hậu cần")
    assert 'data-code="CV-01" data-state="overdue"' in html
    assert 'data-code="CV-02" data-state="done"' in html
    # 20 days from the earliest start: CV-01 starts at 0% and is 10 days = 50% wide.
    assert "left:0.000%;width:50.000%" in html
    assert 'data-testid="today-line"' in html
    assert "Sau: CV-01" in html
    assert "Chưa có ngày" in html


def test_the_timeline_draws_a_page_of_tasks_on_the_scale_of_all_of_them(
    tw: TaskWorld, client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kvpt.preparation.views import tasks as task_views

    monkeypatch.setattr(task_views, "TIMELINE_PER_PAGE", 2)
    ex = tw.world.exercise
    today = _today()
    day = dt.timedelta(days=1)
    make_task(ex, "CV-05", title="Không ngày")
    make_task(ex, "CV-04", start=today + 10 * day, due=today + 19 * day)  # no subcommittee
    make_task(ex, "CV-03", subcommittee=tw.tb_b, start=today - 20 * day, due=today - 11 * day)
    make_task(ex, "CV-02", subcommittee=tw.tb_a, start=today, due=today + 9 * day)
    make_task(ex, "CV-01", subcommittee=tw.tb_a, start=today - 10 * day, due=today - day)
    client = client_for(tw.world.alice)
    url = reverse("preparation:task_timeline", args=[ex.pk])

    def rows(html: str) -> list[str]:
        return re.findall(r'data-testid="timeline-row" data-code="([^"]+)"', html)

    pages = [client.get(f"{url}?page={n}").content.decode() for n in (1, 2, 3)]
    # By subcommittee (none last), then by date; the undated task after every dated one.
    assert rows(pages[0]) == ["CV-01", "CV-02"]
    assert rows(pages[1]) == ["CV-03", "CV-04"]
    assert rows(pages[2]) == []
    assert "Không ngày" in pages[2]
    for html in pages:
        # Counts and the scale are those of all five tasks, on every page.
        assert "5 công việc" in html
        assert "2 việc quá hạn" in html  # CV-01 and CV-03
        start, end = (
            (today - 20 * day).strftime("%d/%m/%Y"),
            (today + 19 * day).strftime("%d/%m/%Y"),
        )
        assert f"Từ {start} đến {end}" in html
    # 40 days from CV-03's start: CV-04 starts on day 30 = 75 %, 10 days = 25 % wide.
    assert "left:75.000%;width:25.000%" in pages[1]
    assert 'href="?page=2"' in pages[0]
    # The filters stay in the page links.
    filtered = client.get(f"{url}?subcommittee={tw.tb_a.pk}").content.decode()
    assert rows(filtered) == ["CV-01", "CV-02"]
    assert "2 công việc" in filtered
    assert 'rel="next"' not in filtered
    open_only = client.get(f"{url}?status=todo").content.decode()
    assert "status=todo&amp;page=2" in open_only


def test_the_timeline_query_count_does_not_grow_with_rows(
    tw: TaskWorld, client_for: ClientFor, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ex = tw.world.exercise
    client = client_for(tw.world.alice)
    url = reverse("preparation:task_timeline", args=[ex.pk])

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            dep = Task.objects.filter(exercise=ex).first()
            make_task(
                ex,
                f"CV-{i:03d}",
                subcommittee=(tw.tb_a, tw.tb_b, None)[i % 3],
                start=_today() - dt.timedelta(days=i),
                due=_today() + dt.timedelta(days=i),
                depends_on=[dep] if dep else [],
            )

    add(3, 1)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add(30, 10)
    with django_assert_max_num_queries(len(small)):
        assert client.get(url).status_code == 200


def test_the_history_page_shows_who_changed_the_task_and_its_dependencies(
    tw: TaskWorld, client_for: ClientFor
) -> None:
    from kvpt.preparation.services.tasks import task_update

    first = make_task(tw.world.exercise, "CV-01")
    task = make_task(tw.world.exercise, "CV-02")
    task_update(
        task=task,
        changes={"title": "Tiêu đề mới", "depends_on": [first]},
        expected_version=1,
        actor=tw.world.erin,
    )
    response = client_for(tw.world.bob).get(
        reverse("core:history", args=["preparation.task", task.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tiêu đề mới" in html
    assert str(tw.world.erin.get_full_name() or tw.world.erin.username) in html
