"""Scenario pages at scale: the console shows a screenful of what is due (counted over all), the
timeline a window of the story with a day index and a situation filter; queries stay flat."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kvpt.core.testing.world import World
from kvpt.scenario import selectors, views
from kvpt.scenario.tests.helpers import director, inject, situation

pytestmark = pytest.mark.django_db


def _story(world: World, serial: int, when: str, **kwargs: Any) -> Any:
    item = inject(world, serial, scenario_time=when, **kwargs)
    item.full_clean()
    item.save()
    return item


def test_the_console_shows_the_longest_waiting_due_injects_and_counts_them_all(
    world: World, client_for: Callable[[Any], Client], monkeypatch: Any
) -> None:
    monkeypatch.setattr(selectors, "CONSOLE_DUE", 3)
    sit = situation(world)
    now = timezone.now()
    for n in range(1, 8):
        inject(
            world,
            n,
            situation=sit,
            status="approved",
            scheduled_at=now - dt.timedelta(minutes=60 - n),
        )
    client = client_for(director(world))
    body = client.get(reverse("scenario:conduct_live", args=[world.exercise.pk])).content.decode()
    due = body[body.index('data-testid="due"') : body.index('data-testid="delivered"')]
    assert 'data-testid="due-total">7<' in due
    assert re.findall(r'data-serial="(\d+)"', due) == ["1", "2", "3"]
    assert "Đang hiện 3/7 sự kiện đến giờ" in due
    full = client.get(reverse("scenario:conduct", args=[world.exercise.pk])).content.decode()
    assert "Đang hiện 3/7" in full


def test_the_timeline_is_a_window_with_a_day_index_and_a_situation_filter(
    world: World, client_for: Callable[[Any], Client], monkeypatch: Any
) -> None:
    monkeypatch.setattr(views, "TIMELINE_PER_PAGE", 2)
    a2 = situation(world, "A2")
    b1 = situation(world, "B1")
    _story(world, 1, "N+1 08:30", situation=a2)
    _story(world, 2, "N 07:00", situation=a2)
    _story(world, 3, "N 09:00", situation=b1)
    _story(world, 4, "N+2 10:00", situation=b1)
    _story(world, 5, "N+1 07:00", situation=b1)
    client = client_for(world.bob)
    url = reverse("scenario:msel_timeline", args=[world.exercise.pk])
    first = client.get(url).content.decode()
    assert re.findall(r"<strong>#(\d+)</strong>", first) == ["2", "3"]
    assert "Trang 1/3" in first
    # The day index: N on page 1, N+1 on page 2 (it begins with #5), N+2 on page 3.
    index = first[first.index('data-testid="timeline-days"') :]
    assert re.findall(r'href="\?page=(\d)"[^>]*>([^<]+)<', index)[:3] == [
        ("1", "N"),
        ("2", "N+1"),
        ("3", "N+2"),
    ]
    second = client.get(url, {"page": "2"}).content.decode()
    assert re.findall(r"<strong>#(\d+)</strong>", second) == ["5", "1"]
    only_b1 = client.get(url, {"situation": str(b1.pk)}).content.decode()
    assert re.findall(r"<strong>#(\d+)</strong>", only_b1) == ["3", "5"]
    assert f"situation={b1.pk}&amp;page=2" in only_b1  # the filter is kept in page links


def test_the_timeline_costs_the_same_queries_for_3_or_30_injects(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(world.bob)
    url = reverse("scenario:msel_timeline", args=[world.exercise.pk])
    sit = situation(world)

    def counted() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    for n in range(1, 4):
        _story(world, n, f"N+{n % 3} 08:00", situation=sit)
    few = counted()
    for n in range(4, 31):
        _story(world, n, f"N+{n % 3} 08:00", situation=sit)
    assert counted() == few


def test_the_msel_list_and_the_log_show_a_page_at_a_time(
    world: World, client_for: Callable[[Any], Client], monkeypatch: Any
) -> None:
    from kvpt.scenario.models import ConductLogEntry

    monkeypatch.setattr(views, "MSEL_PER_PAGE", 3)
    monkeypatch.setattr(views, "LOG_PER_PAGE", 4)
    assert (views.MSEL_PER_PAGE, views.LOG_PER_PAGE) == (3, 4)
    for n in range(1, 8):
        inject(world, n, controller=world.person)
        ConductLogEntry.objects.create(exercise=world.exercise, text=f"ghi {n}")
    client = client_for(director(world))
    msel = reverse("scenario:msel", args=[world.exercise.pk])
    body = client.get(msel).content.decode()
    assert body.count('data-testid="inject-row"') == 3
    assert world.person.full_name in body  # the controller filter still lists its people
    last = client.get(msel, {"page": "3"}).content.decode()
    assert last.count('data-testid="inject-row"') == 1
    log = reverse("scenario:log", args=[world.exercise.pk])
    assert client.get(log).content.decode().count('data-testid="log-entry"') == 4
    assert client.get(log, {"page": "2"}).content.decode().count('data-testid="log-entry"') == 3


def test_the_default_list_sizes_stay_small() -> None:
    # Issue 7: a page's rows are what its render costs; 25 injects, 50 log entries.
    assert views.MSEL_PER_PAGE == 25
    assert views.LOG_PER_PAGE == 50


def test_the_msel_list_and_the_log_cost_the_same_queries_for_3_or_30_rows(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    from kvpt.core.testing.factories import PersonFactory
    from kvpt.scenario.models import ConductLogEntry

    client = client_for(director(world))
    urls = [
        reverse("scenario:msel", args=[world.exercise.pk]),
        reverse("scenario:log", args=[world.exercise.pk]),
    ]
    sit = situation(world)

    def counted() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            found.append(len(ctx.captured_queries))
        return found

    def add(serials: range) -> None:
        for n in serials:
            controller = PersonFactory(area=world.person.area)
            inject(world, n, situation=sit, controller=controller)
            ConductLogEntry.objects.create(exercise=world.exercise, text=f"ghi {n}")

    add(range(1, 4))
    few = counted()
    add(range(4, 31))
    assert counted() == few
