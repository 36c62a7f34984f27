"""Login, logout, password change and the lockout after repeated failures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kvpt.core.testing.world import World

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-nghiem"  # UserFactory's


def logged_in_user_id(client: Client) -> Any:
    return client.session.get("_auth_user_id")


def test_the_login_page_speaks_vietnamese() -> None:
    response = Client().get(reverse("accounts:login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Đăng nhập" in body
    assert "Tên đăng nhập" in body
    assert "Mật khẩu" in body


def test_an_anonymous_page_request_is_sent_to_login() -> None:
    response = Client().get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_user_logs_in_and_out(world: World) -> None:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "bob", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert str(logged_in_user_id(client)) == str(world.bob.pk)

    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert logged_in_user_id(client) is None
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_a_wrong_password_is_refused_with_a_vietnamese_message(world: World) -> None:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "bob", "password": "sai"})
    assert response.status_code == 200
    assert "không đúng" in response.content.decode()
    assert logged_in_user_id(client) is None


def test_the_sixth_attempt_is_refused_even_with_the_right_password(world: World) -> None:
    client = Client()
    for _attempt in range(5):
        client.post(reverse("accounts:login"), {"username": "bob", "password": "sai-roi"})
    response = client.post(reverse("accounts:login"), {"username": "bob", "password": PASSWORD})
    assert response.status_code == 429
    body = response.content.decode()
    assert "Tài khoản tạm bị khóa" in body
    assert "kể cả với mật khẩu đúng" in body
    assert logged_in_user_id(client) is None
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_four_failures_do_not_lock_the_account(world: World) -> None:
    client = Client()
    for _attempt in range(4):
        client.post(reverse("accounts:login"), {"username": "bob", "password": "sai-roi"})
    response = client.post(reverse("accounts:login"), {"username": "bob", "password": PASSWORD})
    assert response.status_code == 302
    assert str(logged_in_user_id(client)) == str(world.bob.pk)


def test_a_user_changes_their_password(world: World, client_for: Callable[[Any], Client]) -> None:
    client = client_for(world.bob)
    page = client.get(reverse("accounts:password_change"))
    assert "Mật khẩu hiện tại" in page.content.decode()
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Dien-tap-2025-moi",
            "new_password2": "Dien-tap-2025-moi",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    world.bob.refresh_from_db()
    assert world.bob.check_password("Dien-tap-2025-moi")
    # Still logged in after the change.
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_the_profile_lists_memberships_clearance_and_links(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    world.alice.person = world.person
    world.alice.save()
    body = client_for(world.alice).get(reverse("accounts:profile")).content.decode()
    assert "Tài khoản của tôi" in body
    assert "Quản trị đơn vị" in body
    assert "Lang Chánh" in body
    assert "Mật" in body
    assert "Lê Văn Đông" in body
    for name in ("accounts:password_change", "accounts:tokens", "accounts:two_factor"):
        assert reverse(name) in body
