"""API tokens: made once, listed by prefix, revoked; the API knows who is calling."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kvpt.accounts.models import ApiToken, Membership, Role
from kvpt.accounts.services import token_create
from kvpt.core.testing.world import World

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_the_ui_shows_a_new_key_once_then_only_its_prefix(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(world.bob)
    response = client.post(reverse("accounts:tokens"), {"name": "Máy báo cáo", "validity": "30"})
    assert response.status_code == 302
    token = ApiToken.objects.get(user=world.bob)
    first = client.get(reverse("accounts:tokens")).content.decode()
    assert 'data-testid="new-token-key"' in first
    raw = first.split('data-testid="new-token-key">')[1].split("<")[0]
    assert raw.startswith("kvpt_")
    assert ApiToken.hash(raw) == token.key_hash
    assert token.expires_at is not None
    second = client.get(reverse("accounts:tokens")).content.decode()
    assert raw not in second
    assert token.key_prefix in second
    assert "Máy báo cáo" in second
    assert bearer(raw).get("/api/v1/me").json()["username"] == "bob"


def test_the_ui_revokes_a_token_and_it_stops_working(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    token, raw = token_create(user=world.bob, name="x", actor=world.bob)
    assert bearer(raw).get("/api/v1/me").status_code == 200
    response = client_for(world.bob).post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    response = bearer(raw).get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_nobody_revokes_someone_elses_token(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    token, _raw = token_create(user=world.bob, name="x", actor=world.bob)
    response = client_for(world.alice).post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    assert bearer(_raw).get("/api/v1/me").status_code == 200
    api = client_for(world.alice).delete(f"/api/v1/tokens/{token.pk}")
    assert api.status_code == 404


def test_an_expired_token_is_refused(world: World) -> None:
    token, raw = token_create(user=world.bob, name="x", actor=world.bob)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert bearer(raw).get("/api/v1/me").status_code == 401


def test_a_wrong_token_and_no_credentials_are_401() -> None:
    assert bearer("kvpt_not-a-real-key").get("/api/v1/me").status_code == 401
    response = Client().get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_api_creates_lists_and_revokes_own_tokens(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(world.bob)
    created = client.post(
        "/api/v1/tokens", json.dumps({"name": "tập lệnh"}), content_type="application/json"
    )
    assert created.status_code == 201
    body = created.json()
    raw = body["key"]
    assert raw.startswith(body["key_prefix"])
    assert body["is_active"] is True
    listed = client.get("/api/v1/tokens").json()
    assert [t["id"] for t in listed] == [body["id"]]
    assert "key" not in listed[0]
    assert "key_hash" not in listed[0]
    me = bearer(raw).get("/api/v1/me")
    assert me.status_code == 200
    assert ApiToken.objects.get(pk=body["id"]).last_used_at is not None
    assert client.delete(f"/api/v1/tokens/{body['id']}").status_code == 204
    assert bearer(raw).get("/api/v1/me").status_code == 401
    # Nobody else's tokens appear.
    assert client_for(world.alice).get("/api/v1/tokens").json() == []


def test_only_the_hash_is_stored(world: World) -> None:
    token, raw = token_create(user=world.bob, name="x", actor=world.bob)
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert raw not in {str(v) for v in stored.values()}


def test_me_describes_the_caller(world: World, api_client_for: Callable[[Any], Client]) -> None:
    world.alice.person = world.person
    world.alice.save()
    body = api_client_for(world.alice).get("/api/v1/me").json()
    assert body["username"] == "alice"
    assert body["clearance"] == 1
    assert body["clearance_label"] == "Mật"
    assert body["person"]["code"] == "CB-001"
    assert body["memberships"] == [
        {
            "id": Membership.objects.get(user=world.alice).pk,
            "role": "org_admin",
            "role_label": "Quản trị đơn vị",
            "area": "388",
            "area_name": "Lang Chánh",
            "exercise": None,
            "valid_from": None,
            "valid_to": None,
        }
    ]
    erin = api_client_for(world.erin).get("/api/v1/me").json()
    assert erin["memberships"][0]["exercise"] == "DT-KVPT-2023"
    assert erin["memberships"][0]["area"] is None


def test_a_write_with_a_token_is_recorded_under_the_token_user(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    response = api_client_for(world.alice).post(
        "/api/v1/memberships",
        json.dumps({"user": "bob", "role": "observer", "area": "15010"}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    membership = Membership.objects.get(pk=response.json()["id"])
    assert membership.role == Role.OBSERVER
    assert membership.area == world.commune
    record = membership.history.latest()
    assert record.history_user == world.alice
