"""The tasks API: scoped like the pages, the same services, one error shape."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kvpt.core.testing.world import World
from kvpt.preparation.models import Task
from kvpt.preparation.tests.tasks_helpers import (
    HEADER,
    TaskWorld,
    make_task,
    make_task_world,
    read_back,
    workbook,
)

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Any], Client]


@pytest.fixture
def tw(world: World) -> TaskWorld:
    return make_task_world(world)


def _list(tw: TaskWorld) -> str:
    return f"/api/v1/exercises/{tw.world.exercise.pk}/tasks"


def test_list_is_paginated_filtered_and_scoped(tw: TaskWorld, api_client_for: ClientFor) -> None:
    ex = tw.world.exercise
    a = make_task(ex, "CV-01", title="Xây hầm", subcommittee=tw.tb_a)
    make_task(ex, "CV-02", title="Đón đoàn", depends_on=[a])
    make_task(ex, "CV-MAT", classification=2)  # above alice's clearance
    client = api_client_for(tw.world.alice)
    body = client.get(_list(tw)).json()
    assert body["count"] == 2
    assert [t["code"] for t in body["items"]] == ["CV-01", "CV-02"]
    assert body["items"][1]["depends_on"] == ["CV-01"]
    assert body["items"][0]["subcommittee"]["code"] == "TB-VK"
    assert [t["code"] for t in client.get(_list(tw) + "?q=ham").json()["items"]] == ["CV-01"]
    assert client.get(_list(tw) + f"?subcommittee={tw.tb_a.pk}").json()["count"] == 1
    assert client.get(_list(tw) + "?page_size=1&page=2").json()["items"][0]["code"] == "CV-02"
    assert api_client_for(tw.world.charlie).get(_list(tw)).status_code == 404
    assert Client().get(_list(tw)).status_code == 401


def test_create_read_patch_and_delete(tw: TaskWorld, api_client_for: ClientFor) -> None:
    w = tw.world
    client = api_client_for(w.erin)
    make_task(w.exercise, "CV-01")
    created = client.post(
        _list(tw),
        {
            "code": "CV-02",
            "title": "Tập huấn",
            "category": "training",
            "subcommittee_code": "TB-VK",
            "owner_code": w.agency.code,
            "assignee_id": w.person.pk,
            "start": "2023-06-01",
            "due": "2023-06-10",
            "depends_on": ["CV-01"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["depends_on"] == ["CV-01"]
    assert body["owner"]["code"] == w.agency.code
    url = f"/api/v1/tasks/{body['id']}"
    assert client.get(url).json()["title"] == "Tập huấn"
    patched = client.patch(url, {"version": 1, "status": "done"}, content_type="application/json")
    assert patched.status_code == 200, patched.content
    assert (patched.json()["progress"], patched.json()["version"]) == (100, 2)
    stale = client.patch(url, {"version": 1, "progress": 5}, content_type="application/json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "concurrent_edit"
    task = Task.objects.get(pk=body["id"])
    assert task.history.first().history_user == w.erin
    assert client.delete(url + "?version=1").status_code == 409
    assert client.delete(url + "?version=2").status_code == 204
    assert not Task.objects.filter(pk=body["id"]).exists()


def test_a_cycle_is_refused_with_422(tw: TaskWorld, api_client_for: ClientFor) -> None:
    a = make_task(tw.world.exercise, "CV-03")
    make_task(tw.world.exercise, "CV-07", depends_on=[a])
    response = api_client_for(tw.world.alice).patch(
        f"/api/v1/tasks/{a.pk}",
        {"version": 1, "depends_on": ["CV-07"]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "CV-03 -> CV-07 -> CV-03" in response.json()["errors"][0]["message"]


def test_roles_on_the_api(tw: TaskWorld, api_client_for: ClientFor) -> None:
    own = make_task(tw.world.exercise, "CV-A", subcommittee=tw.tb_a)
    other = make_task(tw.world.exercise, "CV-B", subcommittee=tw.tb_b)
    minh = api_client_for(tw.minh)
    ok = minh.patch(
        f"/api/v1/tasks/{own.pk}", {"version": 1, "progress": 50}, content_type="application/json"
    )
    assert ok.status_code == 200
    refused = minh.patch(
        f"/api/v1/tasks/{other.pk}", {"version": 1, "progress": 50}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    bob = api_client_for(tw.world.bob)
    assert bob.get(f"/api/v1/tasks/{other.pk}").status_code == 200
    assert bob.delete(f"/api/v1/tasks/{other.pk}").status_code == 403
    assert (
        bob.post(
            _list(tw),
            {"code": "X", "title": "X", "category": "other"},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert api_client_for(tw.world.charlie).get(f"/api/v1/tasks/{own.pk}").status_code == 404
    assert Client().get(f"/api/v1/tasks/{own.pk}").status_code == 401


def test_bulk_update_and_its_stale_refusal(tw: TaskWorld, api_client_for: ClientFor) -> None:
    ex = tw.world.exercise
    a = make_task(ex, "CV-01")
    b = make_task(ex, "CV-02")
    client = api_client_for(tw.world.alice)
    url = _list(tw) + "/bulk"
    done = client.post(
        url,
        {"items": [{"id": a.pk, "version": 1}, {"id": b.pk, "version": 1}], "progress": 70},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    assert [t["progress"] for t in done.json()["items"]] == [70, 70]
    stale = client.post(
        url,
        {
            "items": [{"id": a.pk, "version": 2}, {"id": b.pk, "version": 1}],
            "subcommittee_code": "TB-HC",
        },
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert "CV-02" in stale.json()["detail"]
    assert not Task.objects.filter(subcommittee=tw.tb_b).exists()


def test_bulk_update_clears_the_due_date_with_an_explicit_null(
    tw: TaskWorld, api_client_for: ClientFor
) -> None:
    a = make_task(tw.world.exercise, "CV-01", due=dt.date(2026, 5, 1))
    client = api_client_for(tw.world.alice)
    url = _list(tw) + "/bulk"
    done = client.post(
        url, {"items": [{"id": a.pk, "version": 1}], "due": None}, content_type="application/json"
    )
    assert done.status_code == 200, done.content
    assert Task.objects.get(pk=a.pk).due is None
    refused = client.post(
        url,
        {"items": [{"id": a.pk, "version": 2}], "progress": None},
        content_type="application/json",
    )
    assert refused.status_code in (400, 422)


def test_export_and_import_with_dry_run(tw: TaskWorld, api_client_for: ClientFor) -> None:
    make_task(tw.world.exercise, "CV-01", title="Khảo sát địa hình")
    client = api_client_for(tw.world.alice)
    exported = client.get(_list(tw) + ".xlsx")
    assert exported.status_code == 200
    assert read_back(exported.content)[2][1] == "Khảo sát địa hình"
    data = workbook([HEADER, ["CV-02", "Làm sa bàn", "", "Công trình", "", "", "", "", "", 10, ""]])
    dry = client.post(
        _list(tw) + "/import?dry_run=true", {"file": SimpleUploadedFile("cv.xlsx", data)}
    )
    assert dry.status_code == 200, dry.content
    assert (dry.json()["code"], [r["code"] for r in dry.json()["created"]]) == (
        "dry_run",
        ["CV-02"],
    )
    assert not Task.objects.filter(code="CV-02").exists()
    real = client.post(
        _list(tw) + "/import?dry_run=false", {"file": SimpleUploadedFile("cv.xlsx", data)}
    )
    assert real.json()["applied"] is True
    assert Task.objects.get(code="CV-02").progress == 10
    bad = client.post(
        _list(tw) + "/import?dry_run=false",
        {"file": SimpleUploadedFile("cv.xlsx", b"not a workbook")},
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["row"] is None
    bob = api_client_for(tw.world.bob).post(
        _list(tw) + "/import", {"file": SimpleUploadedFile("cv.xlsx", data)}
    )
    assert bob.status_code == 403
    assert api_client_for(tw.world.charlie).get(_list(tw) + ".xlsx").status_code == 404
    assert Client().get(_list(tw) + ".xlsx").status_code == 401
