"""Who may see and change each object type, through the pages and the API (domain.md §7)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kvpt.core.services import save_versioned
from kvpt.core.testing.world import World
from kvpt.organisations.tests.kinds import KINDS, Kind

pytestmark = pytest.mark.django_db

by_kind = pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])


def detail_url(kind: Kind, obj: Any) -> str:
    return reverse(f"organisations:{kind.ui}_detail", args=[obj.pk])


def edit_url(kind: Kind, obj: Any) -> str:
    return reverse(f"organisations:{kind.ui}_update", args=[obj.pk])


@by_kind
def test_an_outsider_from_a_sibling_branch_gets_404_in_the_ui_and_the_api(
    kind: Kind,
    world: World,
    client_for: Callable[[Any], Client],
    api_client_for: Callable[[Any], Client],
) -> None:
    obj = kind.obj(world)
    assert client_for(world.charlie).get(detail_url(kind, obj)).status_code == 404
    assert client_for(world.charlie).get(edit_url(kind, obj)).status_code == 404
    api = api_client_for(world.charlie)
    response = api.get(f"/api/v1/{kind.api}/{obj.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    patched = api.patch(
        f"/api/v1/{kind.api}/{obj.pk}", {"version": obj.version}, content_type="application/json"
    )
    assert patched.status_code == 404


@by_kind
def test_an_outsider_does_not_find_the_object_in_lists(
    kind: Kind,
    world: World,
    client_for: Callable[[Any], Client],
    api_client_for: Callable[[Any], Client],
) -> None:
    obj = kind.obj(world)
    page = client_for(world.charlie).get(reverse(f"organisations:{kind.ui}_list"))
    assert page.status_code == 200
    assert getattr(obj, kind.name_field) not in page.content.decode()
    listed = api_client_for(world.charlie).get(f"/api/v1/{kind.api}").json()
    assert obj.code not in [item["code"] for item in listed["items"]]


@by_kind
def test_an_observer_in_scope_reads_but_gets_403_on_edit_and_on_api_writes(
    kind: Kind,
    world: World,
    client_for: Callable[[Any], Client],
    api_client_for: Callable[[Any], Client],
) -> None:
    obj = kind.obj(world)
    bob = client_for(world.bob)
    assert bob.get(detail_url(kind, obj)).status_code == 200
    assert bob.get(edit_url(kind, obj)).status_code == 403
    assert bob.post(edit_url(kind, obj), kind.ui_edit(world, obj)).status_code == 403
    assert bob.get(reverse(f"organisations:{kind.ui}_create")).status_code == 403
    api = api_client_for(world.bob)
    assert api.get(f"/api/v1/{kind.api}/{obj.pk}").status_code == 200
    response = api.patch(
        f"/api/v1/{kind.api}/{obj.pk}",
        {"version": obj.version, "code": "X"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    created = api.post(
        f"/api/v1/{kind.api}", kind.api_create(world), content_type="application/json"
    )
    assert created.status_code == 403
    assert api.delete(f"/api/v1/{kind.api}/{obj.pk}").status_code == 403
    type(obj).objects.get(pk=obj.pk)  # still there


@by_kind
def test_the_higher_level_reads_what_its_subordinates_hold(
    kind: Kind,
    world: World,
    client_for: Callable[[Any], Client],
    api_client_for: Callable[[Any], Client],
) -> None:
    obj = kind.obj(world)
    page = client_for(world.dave).get(detail_url(kind, obj))
    assert page.status_code == 200
    assert getattr(obj, kind.name_field) in page.content.decode()
    response = api_client_for(world.dave).get(f"/api/v1/{kind.api}/{obj.pk}")
    assert response.status_code == 200
    assert response.json()["code"] == obj.code


@by_kind
def test_anonymous_is_sent_to_login_in_the_ui_and_gets_401_from_the_api(
    kind: Kind, world: World
) -> None:
    obj = kind.obj(world)
    client = Client()
    for url in (
        detail_url(kind, obj),
        edit_url(kind, obj),
        reverse(f"organisations:{kind.ui}_list"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    response = client.get(f"/api/v1/{kind.api}/{obj.pk}")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert client.get(f"/api/v1/{kind.api}").status_code == 401


@by_kind
def test_the_org_admin_creates_through_the_ui_and_history_records_her(
    kind: Kind, world: World, client_for: Callable[[Any], Client]
) -> None:
    data = kind.ui_create(world)
    alice = client_for(world.alice)
    response = alice.post(reverse(f"organisations:{kind.ui}_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    model = type(kind.obj(world))
    created = model.objects.get(code=data["code"])
    assert response["Location"] == created.get_absolute_url()
    record = created.history.get()
    assert record.history_type == "+"
    assert record.history_user == world.alice
    page = alice.get(response["Location"])
    assert "Đã thêm" in page.content.decode()


@by_kind
def test_the_org_admin_creates_through_the_token_api_and_history_records_the_token_user(
    kind: Kind, world: World, api_client_for: Callable[[Any], Client]
) -> None:
    payload = kind.api_create(world)
    response = api_client_for(world.alice).post(
        f"/api/v1/{kind.api}", payload, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"] == payload["code"]
    assert body["version"] == 1
    model = type(kind.obj(world))
    created = model.objects.get(pk=body["id"])
    assert created.history.get().history_user == world.alice


@by_kind
def test_the_org_admin_edits_through_the_ui(
    kind: Kind, world: World, client_for: Callable[[Any], Client]
) -> None:
    obj = kind.obj(world)
    data = kind.ui_edit(world, obj)
    response = client_for(world.alice).post(edit_url(kind, obj), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    obj.refresh_from_db()
    assert getattr(obj, kind.name_field).endswith("(sửa)")
    assert obj.version == 2
    assert obj.history.first().history_user == world.alice


@by_kind
def test_a_stale_edit_in_the_ui_is_refused_with_409_and_keeps_the_input(
    kind: Kind, world: World, client_for: Callable[[Any], Client]
) -> None:
    obj = kind.obj(world)
    alice = client_for(world.alice)
    form_page = alice.get(edit_url(kind, obj))
    assert f'name="version" value="{obj.version}"' in form_page.content.decode()
    data = kind.ui_edit(world, obj)  # carries the version the form was opened with
    other = type(obj).objects.get(pk=obj.pk)
    setattr(other, "note" if hasattr(other, "note") else "code", "X-" + other.code)
    save_versioned(other, expected_version=other.version, actor=world.admin)
    response = alice.post(edit_url(kind, obj), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "vừa được người khác sửa" in html
    assert data[kind.name_field] in html  # nothing typed is lost
    obj.refresh_from_db()
    assert not getattr(obj, kind.name_field).endswith("(sửa)")


@by_kind
def test_a_stale_edit_through_the_api_is_refused_with_409(
    kind: Kind, world: World, api_client_for: Callable[[Any], Client]
) -> None:
    obj = kind.obj(world)
    api = api_client_for(world.alice)
    first = api.patch(
        f"/api/v1/{kind.api}/{obj.pk}",
        {"version": obj.version, kind.name_field: "Bản thứ nhất"},
        content_type="application/json",
    )
    assert first.status_code == 200, first.json()
    assert first.json()["version"] == obj.version + 1
    second = api.patch(
        f"/api/v1/{kind.api}/{obj.pk}",
        {"version": obj.version, kind.name_field: "Bản thứ hai"},
        content_type="application/json",
    )
    assert second.status_code == 409
    body = second.json()
    assert body["code"] == "concurrent_edit"
    assert "vừa được người khác sửa" in body["detail"]
    obj.refresh_from_db()
    assert getattr(obj, kind.name_field) == "Bản thứ nhất"


@by_kind
def test_an_api_update_without_version_is_refused(
    kind: Kind, world: World, api_client_for: Callable[[Any], Client]
) -> None:
    obj = kind.obj(world)
    response = api_client_for(world.alice).patch(
        f"/api/v1/{kind.api}/{obj.pk}",
        {kind.name_field: "Không có phiên bản"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "version" in [e["field"] for e in response.json()["errors"]]


@by_kind
def test_each_detail_page_links_to_its_history_which_shows_the_actor(
    kind: Kind, world: World, client_for: Callable[[Any], Client]
) -> None:
    obj = kind.obj(world)
    world.alice.first_name, world.alice.last_name = "Alice", "Nguyễn Thị"
    world.alice.save()
    alice = client_for(world.alice)
    alice.post(edit_url(kind, obj), kind.ui_edit(world, obj))
    history_url = reverse("core:history", args=[obj._meta.label_lower, obj.pk])
    assert history_url in alice.get(detail_url(kind, obj)).content.decode()
    page = alice.get(history_url)
    assert page.status_code == 200
    assert (
        "Nguyễn Thị Alice" in page.content.decode() or "Alice Nguyễn Thị" in page.content.decode()
    )
    assert client_for(world.charlie).get(history_url).status_code == 404


@by_kind
def test_an_org_admin_cannot_create_in_another_branch_through_the_api(
    kind: Kind, world: World, api_client_for: Callable[[Any], Client]
) -> None:
    payload = kind.api_create(world)
    # alice names the sibling district (or its agency): invisible to her, so "not found".
    for key, value in (
        ("parent_id", world.sibling.pk),
        ("area_id", world.sibling.pk),
        ("agency_id", world.sibling_agency.pk),
    ):
        if key in payload:
            payload[key] = value
    response = api_client_for(world.alice).post(
        f"/api/v1/{kind.api}", payload, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"].startswith("Không tìm thấy")
    model = type(kind.obj(world))
    assert not model.objects.filter(code=payload["code"]).exists()
