"""The admin pages of users, memberships and tokens open for a superuser; tokens stay read-only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from kvpt.accounts.models import Membership
from kvpt.accounts.services import token_create
from kvpt.core.testing.world import World

pytestmark = pytest.mark.django_db


def test_the_admin_pages_open(world: World, client_for: Callable[[Any], Client]) -> None:
    token, _raw = token_create(user=world.admin, name="x", actor=world.admin)
    client = client_for(world.admin)
    for url in (
        "/admin/accounts/user/",
        f"/admin/accounts/user/{world.alice.pk}/change/",
        f"/admin/accounts/user/{world.alice.pk}/history/",
        "/admin/accounts/membership/",
        f"/admin/accounts/membership/{Membership.objects.first().pk}/change/",  # type: ignore[union-attr]
        "/admin/accounts/apitoken/",
        f"/admin/accounts/apitoken/{token.pk}/change/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403
    body = client.get("/admin/accounts/user/" + str(world.alice.pk) + "/change/").content.decode()
    assert 'name="clearance"' in body
