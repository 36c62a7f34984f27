"""Structure API: phases, contents, milestones; scope (404), role (403), anonymous (401), 409."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from kvpt.core.testing.world import World
from kvpt.exercises.models import Content, Exercise, Milestone, Phase

pytestmark = pytest.mark.django_db

ApiClientFor = Callable[[Any], Client]
JSON = "application/json"


def base(exercise: Exercise) -> str:
    return f"/api/v1/exercises/{exercise.pk}"


def test_alice_creates_reads_patches_moves_and_deletes_phases_and_contents(
    world: World, api_client_for: ApiClientFor
) -> None:
    api = api_client_for(world.alice)
    url = f"{base(world.exercise)}/phases"
    created = api.post(
        url,
        {
            "name": "Chuyển trạng thái",
            "planned_start": "2023-08-24T07:30:00",
            "planned_end": "2023-08-24T11:00:00+07:00",
        },
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    first = created.json()
    assert first["order"] == 1
    assert first["version"] == 1
    assert first["contents"] == []
    # A time without an offset is Vietnam's time.
    assert first["planned_start"].startswith("2023-08-24T00:30:00")
    second = api.post(url, {"name": "Chuẩn bị tác chiến"}, content_type=JSON).json()
    assert second["order"] == 2

    content = api.post(
        f"{url}/{first['id']}/contents", {"name": "Chuyển trạng thái SSCĐ"}, content_type=JSON
    )
    assert content.status_code == 201, content.content
    assert content.json()["phase_id"] == first["id"]

    listed = api.get(url).json()
    assert listed["count"] == 2
    assert [p["name"] for p in listed["items"]] == ["Chuyển trạng thái", "Chuẩn bị tác chiến"]
    assert listed["items"][0]["contents"][0]["name"] == "Chuyển trạng thái SSCĐ"
    contents = api.get(f"{url}/{first['id']}/contents").json()
    assert contents["count"] == 1

    patched = api.patch(
        f"{url}/{first['id']}",
        {"version": 1, "name": "Giai đoạn chuyển trạng thái", "actual_start": None},
        content_type=JSON,
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["version"] == 2
    history = Phase.history.filter(id=first["id"]).first()
    assert history is not None
    assert history.history_user == world.alice

    moved = api.post(
        f"{url}/{second['id']}/move", {"direction": "up", "version": 1}, content_type=JSON
    )
    assert moved.status_code == 200, moved.content
    assert [p["id"] for p in moved.json()] == [second["id"], first["id"]]

    gone = api.delete(f"{url}/{first['id']}?version=3")
    assert gone.status_code == 204, gone.content
    assert not Phase.objects.filter(pk=first["id"]).exists()
    assert not Content.objects.filter(phase_id=first["id"]).exists()


def test_a_stale_patch_answers_409_and_keeps_the_stored_row(
    world: World, api_client_for: ApiClientFor
) -> None:
    phase = Phase.objects.create(exercise=world.exercise, order=1, name="Giai đoạn 1")
    url = f"{base(world.exercise)}/phases/{phase.pk}"
    assert (
        api_client_for(world.erin)
        .patch(url, {"version": 1, "name": "Erin"}, content_type=JSON)
        .status_code
        == 200
    )
    stale = api_client_for(world.alice).patch(
        url, {"version": 1, "name": "Alice"}, content_type=JSON
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "concurrent_edit"
    assert Phase.objects.get(pk=phase.pk).name == "Erin"
    stale_delete = api_client_for(world.alice).delete(f"{url}?version=1")
    assert stale_delete.status_code == 409
    assert Phase.objects.filter(pk=phase.pk).exists()


def test_an_end_before_the_start_answers_422_on_the_field(
    world: World, api_client_for: ApiClientFor
) -> None:
    response = api_client_for(world.alice).post(
        f"{base(world.exercise)}/phases",
        {
            "name": "A",
            "planned_start": "2023-08-24T07:30:00+07:00",
            "planned_end": "2023-08-23T07:30:00+07:00",
        },
        content_type=JSON,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "planned_end"


def test_milestones_crud_with_filters_and_version(
    world: World, api_client_for: ApiClientFor
) -> None:
    api = api_client_for(world.erin)
    url = f"{base(world.exercise)}/milestones"
    created = api.post(
        url,
        {"kind": "trial_run", "sequence": 2, "starts_on": "2023-08-15", "location": "Xã Trí Nang"},
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    milestone = created.json()
    assert milestone["title"] == "Diễn tập thử lần 2"
    assert milestone["kind_label"] == "Diễn tập thử"
    api.post(
        url,
        {"kind": "opening", "starts_on": "2023-08-24", "title": "Khai mạc"},
        content_type=JSON,
    )
    assert api.get(url).json()["count"] == 2
    august_20_on = api.get(f"{url}?start=2023-08-20").json()
    assert [m["title"] for m in august_20_on["items"]] == ["Khai mạc"]
    assert api.get(f"{url}?kind=trial_run").json()["count"] == 1

    patched = api.patch(f"{url}/{milestone['id']}", {"version": 1, "done": True}, content_type=JSON)
    assert patched.status_code == 200, patched.content
    assert patched.json()["done"] is True
    stale = api.patch(f"{url}/{milestone['id']}", {"version": 1, "done": False}, content_type=JSON)
    assert stale.status_code == 409
    refused = api.patch(
        f"{url}/{milestone['id']}", {"version": 2, "starts_on": None}, content_type=JSON
    )
    assert refused.status_code == 422
    assert api.delete(f"{url}/{milestone['id']}").status_code == 204
    assert api.get(f"{url}/{milestone['id']}").status_code == 404


def test_an_outsider_gets_404_on_every_path(world: World, api_client_for: ApiClientFor) -> None:
    phase = Phase.objects.create(exercise=world.exercise, order=1, name="Giai đoạn 1")
    content = Content.objects.create(phase=phase, order=1, name="Nội dung 1")
    milestone = Milestone.objects.create(
        exercise=world.exercise, kind="opening", title="Khai mạc", starts_on=dt.date(2023, 8, 24)
    )
    api = api_client_for(world.charlie)
    b = base(world.exercise)
    for path in (
        f"{b}/phases",
        f"{b}/phases/{phase.pk}",
        f"{b}/phases/{phase.pk}/contents",
        f"{b}/phases/{phase.pk}/contents/{content.pk}",
        f"{b}/milestones",
        f"{b}/milestones/{milestone.pk}",
    ):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
    assert api.post(f"{b}/phases", {"name": "X"}, content_type=JSON).status_code == 404
    patch = api.patch(f"{b}/phases/{phase.pk}", {"version": 1, "name": "X"}, content_type=JSON)
    assert patch.status_code == 404
    assert api.delete(f"{b}/milestones/{milestone.pk}").status_code == 404


def test_a_phase_of_another_exercise_is_not_found_under_this_one(
    world: World, api_client_for: ApiClientFor
) -> None:
    phase = Phase.objects.create(exercise=world.secret_exercise, order=1, name="Mật")
    response = api_client_for(world.alice).get(f"{base(world.exercise)}/phases/{phase.pk}")
    assert response.status_code == 404


def test_an_observer_reads_but_gets_403_on_writes(
    world: World, api_client_for: ApiClientFor
) -> None:
    phase = Phase.objects.create(exercise=world.exercise, order=1, name="Giai đoạn 1")
    content = Content.objects.create(phase=phase, order=1, name="Nội dung 1")
    milestone = Milestone.objects.create(
        exercise=world.exercise, kind="opening", title="Khai mạc", starts_on=dt.date(2023, 8, 24)
    )
    api = api_client_for(world.bob)
    b = base(world.exercise)
    assert api.get(f"{b}/phases").status_code == 200
    assert api.get(f"{b}/milestones/{milestone.pk}").status_code == 200
    writes = [
        api.post(f"{b}/phases", {"name": "X"}, content_type=JSON),
        api.patch(f"{b}/phases/{phase.pk}", {"version": 1, "name": "X"}, content_type=JSON),
        api.post(f"{b}/phases/{phase.pk}/move", {"direction": "up"}, content_type=JSON),
        api.delete(f"{b}/phases/{phase.pk}"),
        api.post(f"{b}/phases/{phase.pk}/contents", {"name": "X"}, content_type=JSON),
        api.patch(
            f"{b}/phases/{phase.pk}/contents/{content.pk}",
            {"version": 1, "name": "X"},
            content_type=JSON,
        ),
        api.delete(f"{b}/phases/{phase.pk}/contents/{content.pk}"),
        api.post(
            f"{b}/milestones", {"kind": "closing", "starts_on": "2023-08-26"}, content_type=JSON
        ),
        api.patch(
            f"{b}/milestones/{milestone.pk}", {"version": 1, "done": True}, content_type=JSON
        ),
        api.delete(f"{b}/milestones/{milestone.pk}"),
    ]
    for response in writes:
        assert response.status_code == 403, response.content
        assert response.json()["code"] == "permission_denied"
    assert Phase.objects.get(pk=phase.pk).name == "Giai đoạn 1"
    assert Milestone.objects.filter(pk=milestone.pk).exists()


def test_anonymous_gets_401(world: World) -> None:
    b = base(world.exercise)
    client = Client()
    for response in (
        client.get(f"{b}/phases"),
        client.get(f"{b}/milestones"),
        client.post(f"{b}/phases", {"name": "X"}, content_type=JSON),
    ):
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"


def test_writes_to_a_closed_exercise_answer_422_with_the_reason(
    world: World, api_client_for: ApiClientFor
) -> None:
    Exercise.objects.filter(pk=world.exercise.pk).update(status="closed")
    response = api_client_for(world.alice).post(
        f"{base(world.exercise)}/milestones",
        {"kind": "conference", "starts_on": "2023-08-31"},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert "đã kết thúc" in response.json()["errors"][0]["message"]
    assert not Milestone.objects.exists()


def test_the_phase_list_makes_as_many_queries_for_2_phases_as_for_8(
    world: World, api_client_for: ApiClientFor
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = api_client_for(world.alice)
    api.get(base(world.exercise))  # the token's first use records it (an UPDATE) once

    def count(exercise: Exercise, phases: int) -> int:
        for p in range(1, phases + 1):
            phase = Phase.objects.create(exercise=exercise, order=p, name=f"GĐ {p}")
            for c in range(1, 4):
                Content.objects.create(phase=phase, order=c, name=f"ND {c}")
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(f"{base(exercise)}/phases").status_code == 200
        return len(ctx.captured_queries)

    small = count(world.exercise, 2)
    Exercise.objects.filter(pk=world.secret_exercise.pk).update(classification=0)
    assert count(world.secret_exercise, 8) == small
