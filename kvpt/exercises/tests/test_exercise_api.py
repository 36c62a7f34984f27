"""Exercise API: CRUD with a token, the error shape, and who may not (401, 403, 404)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kvpt.core.models import AccessLog, Classification
from kvpt.core.testing.factories import ExerciseFactory
from kvpt.core.testing.world import World
from kvpt.exercises.models import Exercise

pytestmark = pytest.mark.django_db

ApiClientFor = Callable[[Any], Client]
BASE = "/api/v1/exercises"


def _new(world: World, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": "DT-XA-2026",
        "name": "Diễn tập chiến đấu phòng thủ xã Trí Nang",
        "area_code": world.commune.code,
        "year": 2026,
    }
    body.update(overrides)
    return body


def test_alice_creates_reads_patches_and_deletes_with_a_token(
    world: World, api_client_for: ApiClientFor
) -> None:
    api = api_client_for(world.alice)

    created = api.post(BASE, _new(world), content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["area"] == {"id": world.commune.pk, "code": "15010", "name": "Trí Nang"}
    assert body["level"] == "xa"
    assert (body["status"], body["status_label"]) == ("draft", "Dự thảo")
    assert (body["classification"], body["version"]) == (0, 1)
    pk = body["id"]

    read = api.get(f"{BASE}/{pk}")
    assert read.status_code == 200
    assert read.json()["code"] == "DT-XA-2026"

    patched = api.patch(
        f"{BASE}/{pk}",
        {"version": 1, "name": "Diễn tập xã Trí Nang", "level": "huyen"},
        content_type="application/json",
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["name"] == "Diễn tập xã Trí Nang"
    assert patched.json()["level"] == "huyen"
    assert patched.json()["version"] == 2
    moved = api.post(
        f"{BASE}/{pk}/transitions",
        {"to_status": "planned", "version": 2},
        content_type="application/json",
    )
    assert moved.status_code == 200, moved.content
    assert (moved.json()["status"], moved.json()["version"]) == ("planned", 3)

    refused = api.delete(f"{BASE}/{pk}")
    assert refused.status_code == 422
    assert "Chỉ xóa được" in refused.json()["errors"][0]["message"]
    api.post(
        f"{BASE}/{pk}/transitions",
        {"to_status": "cancelled", "reason": "Hoãn", "version": 3},
        content_type="application/json",
    )
    assert api.delete(f"{BASE}/{pk}").status_code == 204
    assert not Exercise.objects.filter(pk=pk).exists()
    assert api.get(f"{BASE}/{pk}").status_code == 404


def test_the_list_is_paginated_and_filtered(world: World, api_client_for: ApiClientFor) -> None:
    ExerciseFactory(code="DT-XA-2026", name="Diễn tập xã Đồng Lương", area=world.commune, year=2026)
    api = api_client_for(world.dave)
    everything = api.get(BASE, {"page_size": 2}).json()
    assert (everything["count"], everything["pages"], len(everything["items"])) == (4, 2, 2)
    assert [e["code"] for e in api.get(BASE, {"q": "dong luong"}).json()["items"]] == ["DT-XA-2026"]
    assert {e["code"] for e in api.get(BASE, {"area": world.sibling.pk}).json()["items"]} == {
        "DT-BT-2023"
    }
    assert api.get(BASE, {"year": "2026", "status": "draft"}).json()["count"] == 1
    bad = api.get(BASE, {"status": "unknown"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "status"


def test_bob_reads_but_gets_403_on_writes(world: World, api_client_for: ApiClientFor) -> None:
    api = api_client_for(world.bob)
    pk = world.exercise.pk
    assert api.get(f"{BASE}/{pk}").status_code == 200
    patched = api.patch(
        f"{BASE}/{pk}", {"version": 1, "name": "x"}, content_type="application/json"
    )
    assert patched.status_code == 403
    assert patched.json()["code"] == "permission_denied"
    assert api.delete(f"{BASE}/{pk}").status_code == 403
    created = api.post(BASE, _new(world), content_type="application/json")
    assert created.status_code == 403
    assert Exercise.objects.get(pk=pk).version == 1
    assert not Exercise.objects.filter(code="DT-XA-2026").exists()


def test_charlie_gets_404_for_what_lies_in_another_branch(
    world: World, api_client_for: ApiClientFor
) -> None:
    api = api_client_for(world.charlie)
    pk = world.exercise.pk
    for response in (
        api.get(f"{BASE}/{pk}"),
        api.patch(f"{BASE}/{pk}", {"version": 1, "name": "x"}, content_type="application/json"),
        api.delete(f"{BASE}/{pk}"),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": "Không tìm thấy.", "code": "not_found", "errors": []}
    assert "DT-KVPT-2023" not in {e["code"] for e in api.get(BASE).json()["items"]}
    # Nor can he create in alice's district: the area does not exist for him.
    created = api.post(BASE, _new(world), content_type="application/json")
    assert created.status_code == 422
    assert created.json()["errors"][0]["field"] == "area"


def test_anonymous_gets_401(world: World) -> None:
    client = Client()
    assert client.get(BASE).status_code == 401
    response = client.get(f"{BASE}/{world.exercise.pk}")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_erin_sees_and_patches_her_exercise_only(
    world: World, api_client_for: ApiClientFor
) -> None:
    api = api_client_for(world.erin)
    assert [e["code"] for e in api.get(BASE).json()["items"]] == ["DT-KVPT-2023"]
    patched = api.patch(
        f"{BASE}/{world.exercise.pk}", {"version": 1, "year": 2024}, content_type="application/json"
    )
    assert patched.status_code == 200
    assert api.get(f"{BASE}/{world.sibling_exercise.pk}").status_code == 404
    assert api.post(BASE, _new(world), content_type="application/json").status_code == 422


def test_bob_cannot_read_the_exercise_above_his_clearance(
    world: World, api_client_for: ApiClientFor
) -> None:
    api = api_client_for(world.bob)
    assert api.get(f"{BASE}/{world.secret_exercise.pk}").status_code == 404
    assert "DT-MAT-2023" not in {e["code"] for e in api.get(BASE).json()["items"]}


def test_a_classification_above_the_clearance_is_refused(
    world: World, api_client_for: ApiClientFor
) -> None:
    api = api_client_for(world.alice)
    created = api.post(
        BASE, _new(world, classification=Classification.SECRET), content_type="application/json"
    )
    assert created.status_code == 422
    error = created.json()["errors"][0]
    assert error["field"] == "classification"
    assert "cao hơn mức bạn được tiếp cận" in error["message"]
    patched = api.patch(
        f"{BASE}/{world.exercise.pk}",
        {"version": 1, "classification": Classification.TOP_SECRET},
        content_type="application/json",
    )
    assert patched.status_code == 422
    assert Exercise.objects.get(pk=world.exercise.pk).classification == 0


def test_patch_requires_the_version_and_refuses_a_stale_one(
    world: World, api_client_for: ApiClientFor
) -> None:
    api = api_client_for(world.alice)
    url = f"{BASE}/{world.exercise.pk}"
    missing = api.patch(url, {"name": "x"}, content_type="application/json")
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "version"
    first = api.patch(url, {"version": 1, "name": "A"}, content_type="application/json")
    assert first.status_code == 200
    stale = api.patch(url, {"version": 1, "name": "B"}, content_type="application/json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "concurrent_edit"
    assert "vừa được người khác sửa" in stale.json()["detail"]
    assert Exercise.objects.get(pk=world.exercise.pk).name == "A"


def test_a_duplicate_code_and_unknown_fields_get_field_errors(
    world: World, api_client_for: ApiClientFor
) -> None:
    api = api_client_for(world.alice)
    dup = api.post(BASE, _new(world, code="DT-KVPT-2023"), content_type="application/json")
    assert dup.status_code == 422
    assert dup.json()["errors"] == [
        {
            "field": "code",
            "loc": ["code"],
            "message": "Đã có cuộc diễn tập mang mã này; hãy chọn mã khác.",
        }
    ]
    extra = api.post(BASE, _new(world, colour="red"), content_type="application/json")
    assert extra.status_code == 422
    assert extra.json()["errors"][0]["message"] == "Trường này không được phép."


def test_history_shows_the_token_user_as_the_actor_of_a_patch(
    world: World, api_client_for: ApiClientFor, client_for: Callable[[Any], Client]
) -> None:
    world.erin.first_name, world.erin.last_name = "Thị Erin", "Phạm"
    world.erin.save()
    response = api_client_for(world.erin).patch(
        f"{BASE}/{world.exercise.pk}",
        {"version": 1, "name": "Sửa qua API"},
        content_type="application/json",
    )
    assert response.status_code == 200
    latest = Exercise.objects.get(pk=world.exercise.pk).history.first()
    assert latest is not None
    assert latest.history_user == world.erin
    page = client_for(world.alice).get(
        reverse("core:history", args=["exercises.exercise", world.exercise.pk])
    )
    assert page.status_code == 200
    first_entry = page.content.decode().split('data-testid="history-entry"')[1]
    assert f'<span class="who">{world.erin.get_full_name()}</span>' in first_entry
    assert "Sửa qua API" in first_entry


def test_reading_a_classified_exercise_through_the_api_is_logged(
    world: World, api_client_for: ApiClientFor
) -> None:
    api = api_client_for(world.alice)
    assert api.get(f"{BASE}/{world.secret_exercise.pk}").status_code == 200
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.object_id, log.classification) == (
        world.alice,
        AccessLog.Action.API,
        str(world.secret_exercise.pk),
        Classification.CONFIDENTIAL,
    )
    api.get(BASE)  # the list returns the whole record too: one more row for the Mật exercise
    assert AccessLog.objects.filter(action=AccessLog.Action.API).count() == 2
    api.get(f"{BASE}/{world.exercise.pk}")
    assert AccessLog.objects.count() == 2


def test_the_list_query_count_does_not_grow_with_rows(
    world: World, api_client_for: ApiClientFor
) -> None:
    api = api_client_for(world.dave)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(BASE).status_code == 200
        return len(ctx.captured_queries)

    api.get(BASE)  # the token's first use writes its last-use time; not part of the list's cost
    ExerciseFactory.create_batch(3, area=world.commune, level=world.commune.level)
    few = count_queries()
    ExerciseFactory.create_batch(
        27, area=world.commune, level=world.commune.level, classification=Classification.SECRET
    )
    many = count_queries()
    assert many == few
    assert len(api.get(BASE, {"page_size": 500}).json()["items"]) == 33


def test_the_openapi_schema_describes_the_exercise_endpoints(world: World) -> None:
    client = Client()
    client.force_login(world.alice)
    schema = client.get("/api/v1/openapi.json").json()
    assert {"get", "post"} <= set(schema["paths"]["/api/v1/exercises"])
    assert {"get", "patch", "delete"} <= set(schema["paths"]["/api/v1/exercises/{exercise_id}"])
    patch = schema["components"]["schemas"]["ExercisePatch"]
    assert "version" in patch["required"]
