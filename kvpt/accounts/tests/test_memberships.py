"""Memberships: who may see, grant, change and revoke roles, in the UI and the API."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kvpt.accounts.models import Membership, Role, User
from kvpt.core.models import Classification
from kvpt.core.testing.factories import UserFactory, grant
from kvpt.core.testing.world import World

pytestmark = pytest.mark.django_db


def post_json(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def patch_json(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.patch(url, json.dumps(data), content_type="application/json")


def alice_membership(world: World) -> Membership:
    return Membership.objects.get(user=world.alice)


# --- seeing --------------------------------------------------------------------------------------


def test_the_outsider_does_not_see_the_district_memberships_in_the_ui(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(world.charlie)
    body = client.get(reverse("accounts:membership_list")).content.decode()
    assert "charlie" in body
    assert "alice" not in body
    assert "(bob)" not in body
    pk = alice_membership(world).pk
    assert client.get(reverse("accounts:membership_edit", args=[pk])).status_code == 404
    assert client.get(reverse("accounts:membership_delete", args=[pk])).status_code == 404
    assert client.post(reverse("accounts:membership_delete", args=[pk])).status_code == 404
    assert Membership.objects.filter(pk=pk).exists()


def test_the_outsider_gets_404_from_the_api(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    client = api_client_for(world.charlie)
    pk = alice_membership(world).pk
    listed = client.get("/api/v1/memberships").json()
    assert {m["user"] for m in listed["items"]} == {"charlie"}
    assert client.get(f"/api/v1/memberships/{pk}").status_code == 404
    response = patch_json(client, f"/api/v1/memberships/{pk}", {"role": "observer"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client.delete(f"/api/v1/memberships/{pk}").status_code == 404


def test_the_higher_level_sees_its_subordinates_memberships(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    users = {
        m["user"] for m in api_client_for(world.dave).get("/api/v1/memberships").json()["items"]
    }
    assert {"alice", "bob", "charlie", "dave", "erin"} <= users


def test_the_list_filters_by_user_role_and_area(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    grant(world.bob, Role.UNIT_COMMANDER, area=world.commune)
    client = client_for(world.alice)
    url = reverse("accounts:membership_list")
    by_role = client.get(url, {"role": "unit_commander"}).content.decode()
    assert by_role.count('data-testid="membership-row"') == 1
    by_area = client.get(url, {"area": world.commune.pk}).content.decode()
    assert by_area.count('data-testid="membership-row"') == 1
    by_user = client.get(url, {"user": "bob"}).content.decode()
    assert by_user.count('data-testid="membership-row"') == 2
    everything = client.get(url).content.decode()
    # alice, bob x2, erin (exercise in the district)
    assert everything.count('data-testid="membership-row"') == 4


def test_the_membership_list_costs_the_same_queries_with_more_rows(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(world.alice)
    url = reverse("accounts:membership_list")
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for index in range(12):
        user = UserFactory.create(username=f"u{index}")
        grant(user, Role.OBSERVER, area=world.commune)
        grant(user, Role.DIRECTOR, exercise=world.exercise)
    after = count()
    assert after == before


# --- granting ------------------------------------------------------------------------------------


def test_the_observer_may_not_grant(
    world: World, api_client_for: Callable[[Any], Client], client_for: Callable[[Any], Client]
) -> None:
    response = post_json(
        api_client_for(world.bob),
        "/api/v1/memberships",
        {"user": "bob", "role": "org_admin", "area": "388"},
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    pk = alice_membership(world).pk
    client = api_client_for(world.bob)
    assert client.get(f"/api/v1/memberships/{pk}").status_code == 200
    assert patch_json(client, f"/api/v1/memberships/{pk}", {"note": "x"}).status_code == 403
    assert client.delete(f"/api/v1/memberships/{pk}").status_code == 403
    ui = client_for(world.bob)
    assert ui.get(reverse("accounts:membership_create")).status_code == 403
    assert ui.get(reverse("accounts:membership_edit", args=[pk])).status_code == 403
    assert ui.post(reverse("accounts:membership_delete", args=[pk])).status_code == 403
    assert not Membership.objects.filter(user=world.bob, role=Role.ORG_ADMIN).exists()


def test_the_org_admin_grants_an_observer_role_on_the_commune(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    newcomer = UserFactory.create(username="hoa")
    grant(newcomer, Role.OBSERVER, area=world.commune)
    response = post_json(
        api_client_for(world.alice),
        "/api/v1/memberships",
        {"user": "hoa", "role": "director", "area": "15010", "note": "Tổ điều hành"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["user"] == "hoa"
    assert body["role"] == "director"
    assert body["area"] == "15010"
    assert body["version"] == 1


def test_the_org_admin_grants_in_the_ui(world: World, client_for: Callable[[Any], Client]) -> None:
    client = client_for(world.alice)
    page = client.get(reverse("accounts:membership_create")).content.decode()
    assert "Bá Thước" not in page  # the sibling district is not offered
    assert 'value="system_admin"' not in page
    response = client.post(
        reverse("accounts:membership_create"),
        {"user": world.bob.pk, "role": "unit_commander", "area": world.commune.pk},
    )
    assert response.status_code == 302
    created = Membership.objects.get(user=world.bob, role=Role.UNIT_COMMANDER)
    assert created.area == world.commune
    assert created.history.latest().history_user == world.alice


def test_a_duplicate_grant_is_refused_with_a_field_error(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    response = api_client_for(world.alice).post(
        "/api/v1/memberships",
        json.dumps({"user": "bob", "role": "observer", "area": "388"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert Membership.objects.filter(user=world.bob).count() == 1


def test_the_org_admin_cannot_grant_on_the_sibling_district(
    world: World, api_client_for: Callable[[Any], Client], client_for: Callable[[Any], Client]
) -> None:
    response = post_json(
        api_client_for(world.alice),
        "/api/v1/memberships",
        {"user": "bob", "role": "observer", "area": "386"},
    )
    assert response.status_code == 404
    response = client_for(world.alice).post(
        reverse("accounts:membership_create"),
        {"user": world.bob.pk, "role": "observer", "area": world.sibling.pk},
    )
    assert response.status_code == 200  # the form refuses the choice
    assert "Bá Thước" not in response.content.decode()
    assert not Membership.objects.filter(area=world.sibling, user=world.bob).exists()


def test_the_evaluator_above_sees_but_may_not_grant(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    response = post_json(
        api_client_for(world.dave),
        "/api/v1/memberships",
        {"user": "bob", "role": "observer", "area": "15010"},
    )
    assert response.status_code == 403


def test_the_org_admin_cannot_grant_system_admin(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    response = post_json(
        api_client_for(world.alice),
        "/api/v1/memberships",
        {"user": "bob", "role": "system_admin", "area": "15010"},
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(role=Role.SYSTEM_ADMIN).exists()
    # Nor turn an existing grant into one.
    pk = Membership.objects.get(user=world.bob).pk
    response = patch_json(
        api_client_for(world.alice), f"/api/v1/memberships/{pk}", {"role": "system_admin"}
    )
    assert response.status_code == 403
    assert Membership.objects.get(pk=pk).role == Role.OBSERVER


def test_a_superuser_may_grant_system_admin(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    response = post_json(
        api_client_for(world.admin),
        "/api/v1/memberships",
        {"user": "dave", "role": "system_admin", "area": "38"},
    )
    assert response.status_code == 201


def test_the_org_admin_cannot_move_a_grant_out_of_the_subtree(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    pk = Membership.objects.get(user=world.bob).pk
    response = patch_json(api_client_for(world.alice), f"/api/v1/memberships/{pk}", {"area": "38"})
    assert response.status_code == 404  # the province is above alice: it does not exist for her
    assert Membership.objects.get(pk=pk).area == world.district


def test_an_edit_and_a_revoke_are_versioned_and_recorded(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    client = api_client_for(world.alice)
    pk = Membership.objects.get(user=world.bob).pk
    response = patch_json(client, f"/api/v1/memberships/{pk}", {"note": "Quan sát", "version": 1})
    assert response.status_code == 200
    assert response.json()["version"] == 2
    stale = patch_json(client, f"/api/v1/memberships/{pk}", {"note": "cũ", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["code"] == "concurrent_edit"
    assert client.delete(f"/api/v1/memberships/{pk}").status_code == 204
    assert not Membership.objects.filter(pk=pk).exists()
    last = Membership.history.filter(id=pk).latest()
    assert last.history_type == "-"
    assert last.history_user == world.alice


def test_the_ui_edits_and_revokes(world: World, client_for: Callable[[Any], Client]) -> None:
    client = client_for(world.alice)
    membership = Membership.objects.get(user=world.bob)
    response = client.post(
        reverse("accounts:membership_edit", args=[membership.pk]),
        {"role": "evaluator", "area": world.district.pk, "version": membership.version},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.EVALUATOR
    response = client.post(reverse("accounts:membership_delete", args=[membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_membership_history_is_visible_to_who_sees_it(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    pk = Membership.objects.get(user=world.bob).pk
    url = reverse("core:history", args=["accounts.membership", pk])
    assert client_for(world.alice).get(url).status_code == 200
    assert client_for(world.charlie).get(url).status_code == 404


# --- users ---------------------------------------------------------------------------------------


def test_users_lists_only_users_in_scope_for_admins(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    body = api_client_for(world.alice).get("/api/v1/users").json()
    assert {u["username"] for u in body["items"]} == {"alice", "bob", "erin"}
    assert body["count"] == 3
    assert api_client_for(world.bob).get("/api/v1/users").status_code == 403
    assert Client().get("/api/v1/users").status_code == 401


def test_the_org_admin_creates_a_user_up_to_their_clearance(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(world.alice)
    data = {
        "username": "lan",
        "last_name": "Nguyễn Thị",
        "first_name": "Lan",
        "password": "Dien-tap-KVPT-2025",
        "role": "staff_planner",
        "area": world.commune.pk,
    }
    too_high = client.post(
        reverse("accounts:user_create"), {**data, "clearance": Classification.SECRET}
    )
    assert too_high.status_code == 200
    assert not User.objects.filter(username="lan").exists()
    response = client.post(
        reverse("accounts:user_create"), {**data, "clearance": Classification.CONFIDENTIAL}
    )
    assert response.status_code == 302
    lan = User.objects.get(username="lan")
    assert lan.clearance == Classification.CONFIDENTIAL
    assert lan.check_password("Dien-tap-KVPT-2025")
    assert Membership.objects.get(user=lan).area == world.commune
    assert lan.history.latest().history_user == world.alice


def test_the_user_create_service_refuses_a_clearance_above_the_actor(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    from kvpt.accounts.services import user_create

    with pytest.raises(PermissionDenied):
        user_create(
            username="x",
            password="Dien-tap-KVPT-2025",
            clearance=Classification.TOP_SECRET,
            role=Role.OBSERVER,
            area=world.commune,
            actor=world.alice,
        )
    with pytest.raises(PermissionDenied):
        user_create(
            username="y",
            password="Dien-tap-KVPT-2025",
            clearance=0,
            role=Role.OBSERVER,
            area=world.sibling,
            actor=world.alice,
        )
    assert not User.objects.filter(username__in=["x", "y"]).exists()
