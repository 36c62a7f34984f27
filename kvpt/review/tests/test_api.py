"""Review API: create / read / update / delete, moves, approval, evidence, the tracker and
notifications; scope (404), roles (403), anonymous (401), stale versions (409)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kvpt.core.testing.world import World
from kvpt.review import services
from kvpt.review.models import CorrectiveAction, Observation
from kvpt.review.tests import helpers

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _base(world: World) -> str:
    return f"/api/v1/exercises/{world.exercise.pk}"


def test_the_secretary_records_a_conference_observation_directive_and_action(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    from kvpt.exercises.models import Committee, CommitteeMember

    # erin's grant is on the exercise alone: she names the BCĐ head through the committee.
    bcd = Committee.objects.create(exercise=world.exercise, kind="steering", code="BCD", name="BCĐ")
    CommitteeMember.objects.create(committee=bcd, person=world.person)
    api = api_client_for(world.erin)
    base = _base(world)
    conference = api.post(
        f"{base}/conferences",
        {
            "title": "Hội nghị tổng kết",
            "held_on": "2023-08-31",
            "chair_codes": [world.person.code],
            "agenda": ["Báo cáo", "Thảo luận"],
        },
        content_type=JSON,
    )
    assert conference.status_code == 201, conference.content
    body = conference.json()
    assert body["code"] == "HN-01"
    assert body["chairs"][0]["code"] == world.person.code
    obs = api.post(
        f"{base}/observations",
        {
            "conference_id": body["id"],
            "kind": "shortcoming",
            "area": "mechanism",
            "observation": "Vận hành cơ chế còn lúng túng",
            "tags": ["cơ chế"],
        },
        content_type=JSON,
    )
    assert obs.status_code == 201, obs.content
    directive = api.post(
        f"{base}/directives",
        {"conference_code": "HN-01", "text": "Rút kinh nghiệm", "given_by_code": "CB-001"},
        content_type=JSON,
    )
    assert directive.status_code == 201, directive.content
    assert directive.json()["given_on"] == "2023-08-31"
    action = api.post(
        f"{base}/actions",
        {
            "title": "Tổ chức rút kinh nghiệm",
            "directive_code": directive.json()["code"],
            "owner_code": world.agency.code,
            "due": "2023-10-15",
        },
        content_type=JSON,
    )
    assert action.status_code == 201, action.content
    assert action.json()["owner"]["code"] == world.agency.code
    listed = api.get(f"{base}/directives").json()["items"]
    assert listed[0]["action_ids"] == [action.json()["id"]]
    found = api.get(f"{base}/observations", {"q": "van hanh co che"}).json()
    assert found["count"] == 1


def test_observation_moves_are_recorded_and_illegal_ones_refused(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    obs = helpers.observation(world)
    api = api_client_for(world.alice)
    url = f"{_base(world)}/observations/{obs.pk}/moves"
    moved = api.post(url, {"to_state": "lesson_identified", "version": 1}, content_type=JSON)
    assert moved.status_code == 200, moved.content
    assert moved.json()["state"] == "lesson_identified"
    illegal = api.post(url, {"to_state": "lesson_learned"}, content_type=JSON)
    assert illegal.status_code == 422
    stale = api.post(url, {"to_state": "action_planned", "version": 1}, content_type=JSON)
    assert stale.status_code == 409
    log = api.get(url).json()
    assert [(m["from_state"], m["to_state"], m["by"]) for m in log] == [
        ("observation", "lesson_identified", "alice")
    ]


def test_closure_is_approved_by_the_directing_side_only(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    owner = helpers.owner(world)
    action = helpers.action(world, responsible=owner.person)
    url = f"{_base(world)}/actions/{action.pk}/moves"
    as_owner = api_client_for(owner)
    done = as_owner.post(
        url, {"to_status": "done_pending_approval", "note": "Đã xong"}, content_type=JSON
    )
    assert done.status_code == 200
    refused = as_owner.post(url, {"to_status": "closed"}, content_type=JSON)
    assert refused.status_code == 403
    assert (
        api_client_for(world.erin).post(url, {"to_status": "closed"}, content_type=JSON).status_code
        == 403
    )
    closed = api_client_for(world.alice).post(url, {"to_status": "closed"}, content_type=JSON)
    assert closed.status_code == 200
    assert closed.json()["closed_at"] is not None


def test_the_owner_patches_only_the_progress_and_a_stale_version_is_409(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    owner = helpers.owner(world)
    action = helpers.action(world, responsible=owner.person)
    url = f"{_base(world)}/actions/{action.pk}"
    api = api_client_for(owner)
    ok = api.patch(url, {"version": 1, "progress_note": "Đang bàn giao"}, content_type=JSON)
    assert ok.status_code == 200
    assert ok.json()["version"] == 2
    assert api.patch(url, {"version": 2, "due": "2024-01-01"}, content_type=JSON).status_code == 403
    stale = api_client_for(world.alice).patch(
        url, {"version": 1, "title": "Mới"}, content_type=JSON
    )
    assert stale.status_code == 409
    assert CorrectiveAction.objects.get(pk=action.pk).title != "Mới"


def test_scope_roles_and_anonymous(world: World, api_client_for: Callable[[Any], Client]) -> None:
    obs = helpers.observation(world)
    action = helpers.action(world)
    base = _base(world)
    charlie = api_client_for(world.charlie)
    assert charlie.get(f"{base}/observations").status_code == 404
    assert charlie.get(f"{base}/observations/{obs.pk}").status_code == 404
    assert charlie.get("/api/v1/actions").json()["count"] == 0
    bob = api_client_for(world.bob)
    assert bob.get(f"{base}/observations/{obs.pk}").status_code == 200
    created = bob.post(
        f"{base}/observations",
        {"kind": "strength", "area": "other", "observation": "x"},
        content_type=JSON,
    )
    assert created.status_code == 403
    assert bob.delete(f"{base}/actions/{action.pk}").status_code == 403
    assert Client().get(f"{base}/observations").status_code == 401
    assert Client().get("/api/v1/actions").status_code == 401
    deleted = api_client_for(world.alice).delete(f"{base}/observations/{obs.pk}?version=1")
    assert deleted.status_code == 204
    assert not Observation.objects.filter(pk=obs.pk).exists()


def test_the_tracker_and_notifications(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    owner = helpers.owner(world)
    late = helpers.action(world, title="Trễ", responsible=owner.person, due=dt.date(2023, 9, 1))
    helpers.action(world, title="Xa", owner=None, due=dt.date(2099, 1, 1))
    services.notify_assigned(late)
    api = api_client_for(owner)
    mine = api.get("/api/v1/actions", {"mine": "true"}).json()
    assert [a["title"] for a in mine["items"]] == ["Trễ"]
    assert mine["items"][0]["overdue"] is True
    everything = api_client_for(world.alice).get("/api/v1/actions").json()
    assert [a["title"] for a in everything["items"]] == ["Trễ", "Xa"]
    notifications = api.get("/api/v1/notifications", {"unread": "true"}).json()
    assert notifications["count"] == 1
    pk = notifications["items"][0]["id"]
    assert api_client_for(world.alice).post(f"/api/v1/notifications/{pk}/read").status_code == 404
    read = api.post(f"/api/v1/notifications/{pk}/read")
    assert read.status_code == 200
    assert read.json()["read_at"] is not None


def test_evidence_upload_through_the_api(
    world: World, api_client_for: Callable[[Any], Client], settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    owner = helpers.owner(world)
    action = helpers.action(world, responsible=owner.person)
    url = f"{_base(world)}/actions/{action.pk}/evidence"
    pdf = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%%EOF\n")
    added = api_client_for(owner).post(url, {"file": pdf, "note": "Biên bản"})
    assert added.status_code == 201, added.content
    bad = api_client_for(owner).post(url, {"file": SimpleUploadedFile("a.pdf", b"MZ\x90")})
    assert bad.status_code == 422
    assert len(api_client_for(world.bob).get(url).json()) == 1


def test_the_directive_list_needs_as_many_queries_for_twelve_directives_as_for_two(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = api_client_for(world.alice)
    url = f"{_base(world)}/directives"

    def listed() -> tuple[int, list[dict[str, Any]]]:
        api.get(url)  # warm: the token's user and scope, as on any request
        with CaptureQueriesContext(connection) as captured:
            response = api.get(url)
        assert response.status_code == 200
        return len(captured), response.json()["items"]

    actions = []
    for n in range(2):
        made = helpers.directive(world, text=f"Chỉ đạo số {n}")
        actions.append(helpers.action(world, directive=made, title=f"Việc {n}").pk)
    few, _ = listed()
    for n in range(2, 12):
        made = helpers.directive(world, text=f"Chỉ đạo số {n}")
        helpers.action(world, directive=made, title=f"Việc {n}")
    many, items = listed()
    assert many == few  # the action ids of the whole page come in one query
    assert len(items) == 12
    assert all(len(item["action_ids"]) == 1 for item in items)
    assert sorted(i for item in items[:2] for i in item["action_ids"]) == sorted(actions)
