"""Long review lists at scale: the overview pages each list (filters kept, totals counted over all
rows); the conference screen shows the latest entries and loads older batches by htmx."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kvpt.core.testing.world import World
from kvpt.review import views
from kvpt.review.tests import helpers

pytestmark = pytest.mark.django_db

HTMX: Any = {"headers": {"HX-Request": "true"}}


def test_the_overview_pages_observations_and_counts_all_of_them(
    world: World, client_for: Callable[[Any], Client], monkeypatch: Any
) -> None:
    monkeypatch.setattr(views, "OVERVIEW_PER_PAGE", 3)
    for i in range(5):
        helpers.observation(world, observation=f"Tồn tại số {i}")
    for i in range(2):
        helpers.observation(world, kind="strength", observation=f"Ưu điểm số {i}")
    for i in range(4):
        helpers.action(world, title=f"Việc số {i}")
    client = client_for(world.alice)
    url = reverse("review:overview", args=[world.exercise.pk])
    first = client.get(url, {"kind": "shortcoming"})
    body = first.content.decode()
    assert first.status_code == 200
    # Totals over all rows, not the page.
    assert "7 nhận xét: 2 ưu điểm, 5 tồn tại, hạn chế." in body
    assert "4 việc: 4 đang mở" in body
    assert body.count("Tồn tại số") == 3
    assert "Ưu điểm số" not in body
    # The next-page link keeps the filter and names this list's own page.
    assert "?kind=shortcoming&amp;obs_page=2#observations" in body
    assert 'data-testid="action-pager"' in body
    second = client.get(url, {"kind": "shortcoming", "obs_page": "2"}).content.decode()
    assert second.count("Tồn tại số") == 2
    assert set(re.findall(r"Tồn tại số (\d)", body + second)) == {"0", "1", "2", "3", "4"}
    actions = client.get(url, {"act_page": "2"}).content.decode()
    assert actions.count('data-testid="action-row-') == 1


def test_the_conference_shows_the_latest_and_loads_older_batches(
    world: World, client_for: Callable[[Any], Client], monkeypatch: Any
) -> None:
    monkeypatch.setattr(views, "CONFERENCE_LATEST", 2)
    conference = helpers.conference(world)
    for i in range(5):
        helpers.observation(world, conference=conference, observation=f"Nhận xét thứ {i}")
    for i in range(3):
        directive = helpers.directive(world, conference=conference, text=f"Chỉ đạo thứ {i}")
        helpers.action(world, directive=directive, title=f"Việc của chỉ đạo {i}")
    client = client_for(world.erin)
    body = client.get(conference.get_absolute_url()).content.decode()
    assert 'data-testid="observation-total">(5)' in body
    assert 'data-testid="directive-total">(3)' in body
    # The two newest, oldest first (a new entry is appended below them).
    assert "Nhận xét thứ 3" in body
    assert "Nhận xét thứ 4" in body
    assert body.index("Nhận xét thứ 3") < body.index("Nhận xét thứ 4")
    assert "Nhận xét thứ 2" not in body
    assert "Chỉ đạo thứ 0" not in body
    assert "Việc của chỉ đạo 2" in body
    older = reverse("review:conference_observations", args=[world.exercise.pk, conference.pk])
    assert f"{older}?batch=2" in body
    batch = client.get(older, {"batch": "2"}, **HTMX).content.decode()
    assert "Nhận xét thứ 1" in batch
    assert "Nhận xét thứ 2" in batch
    assert "Nhận xét thứ 3" not in batch
    assert f"{older}?batch=3" in batch  # one more, older batch
    last = client.get(older, {"batch": "3"}, **HTMX).content.decode()
    assert "Nhận xét thứ 0" in last
    assert 'data-testid="observation-older"' not in last
    directives = reverse("review:conference_directives", args=[world.exercise.pk, conference.pk])
    batch = client.get(directives, {"batch": "2"}, **HTMX).content.decode()
    assert "Chỉ đạo thứ 0" in batch
    assert "Việc của chỉ đạo 0" in batch
    assert 'data-testid="directive-older"' not in batch
    # A new entry is appended below the latest and the total follows (out of band).
    added = client.post(
        reverse("review:conference_observation_add", args=[world.exercise.pk, conference.pk]),
        {"kind": "shortcoming", "area": "live_troops", "observation": "Nhận xét thứ 5"},
        **HTMX,
    ).content.decode()
    assert 'hx-swap-oob="beforeend:#observation-list"' in added
    assert 'data-testid="observation-total" hx-swap-oob="true">(6)' in added
    # Scope as for the conference: an outsider finds nothing.
    assert client_for(world.charlie).get(older).status_code == 404
    assert client_for(world.charlie).get(directives).status_code == 404


def test_older_batches_keep_their_queries_flat(
    world: World,
    client_for: Callable[[Any], Client],
    monkeypatch: Any,
    django_assert_max_num_queries: Any,
) -> None:
    monkeypatch.setattr(views, "CONFERENCE_LATEST", 2)
    conference = helpers.conference(world)
    client = client_for(world.erin)
    url = reverse("review:conference_directives", args=[world.exercise.pk, conference.pk])
    for _i in range(4):
        helpers.action(world, directive=helpers.directive(world, conference=conference))
    with django_assert_max_num_queries(30) as few:
        client.get(url, {"batch": "2"})
    for _i in range(8):
        directive = helpers.directive(world, conference=conference)
        helpers.action(world, directive=directive)
        helpers.action(world, directive=directive)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url, {"batch": "2"})


def test_the_tracker_shows_a_page_at_a_time_and_counts_all(
    world: World, client_for: Callable[[Any], Client], monkeypatch: Any
) -> None:
    monkeypatch.setattr(views, "TRACKER_PER_PAGE", 3)
    for i in range(5):
        helpers.action(world, title=f"Việc số {i}")
    client = client_for(world.alice)
    url = reverse("review:tracker")
    body = client.get(url).content.decode()
    assert body.count('data-testid="action-row-') == 3
    assert world.agency.name in body  # the owner filter still lists its agencies
    assert world.exercise.code in body
    second = client.get(url, {"page": "2"}).content.decode()
    assert second.count('data-testid="action-row-') == 2


def test_the_tracker_pages_hold_25_actions() -> None:
    assert views.TRACKER_PER_PAGE == 25


def test_the_tracker_costs_the_same_queries_for_2_or_12_actions(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.alice)
    urls = [reverse("review:tracker"), reverse("review:my_actions")]

    def counted() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            found.append(len(ctx.captured_queries))
        return found

    for i in range(2):
        helpers.action(world, title=f"Việc số {i}")
    few = counted()
    for i in range(2, 12):
        helpers.action(world, title=f"Việc số {i}")
    assert counted() == few
