"""Error pages speak Vietnamese and say what happened, without leaking what is hidden."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from kvpt.core.testing.world import World

pytestmark = pytest.mark.django_db


def main_of(response: Any) -> str:
    body = response.content.decode()
    return body[body.index("<main") : body.index("</main>")]


def test_a_missing_page_says_so_in_vietnamese(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    response = client_for(world.bob).get("/khong-co-trang-nay/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Không tìm thấy trang hoặc bản ghi" in body
    assert "ngoài phạm vi" in body


def test_a_hidden_record_looks_exactly_like_a_missing_one(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(world.charlie)
    hidden = client.get(f"/exercises/{world.exercise.pk}/")
    missing = client.get("/exercises/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert main_of(hidden) == main_of(missing)


def test_a_refused_action_explains_in_vietnamese(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    response = client_for(world.bob).get(f"/exercises/{world.exercise.pk}/edit/")
    assert response.status_code == 403
    assert "Không có quyền thực hiện" in response.content.decode()


def test_an_expired_form_gets_a_vietnamese_csrf_page(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.alice)
    response = client.post("/accounts/logout/")
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in response.content.decode()


def test_the_read_log_is_visible_to_the_superuser_and_cannot_be_edited(world: World) -> None:
    from kvpt.core.models import AccessLog
    from kvpt.core.views_helpers import log_classified_read

    log_classified_read(world.alice, world.secret_exercise)
    client = Client()
    client.force_login(world.admin)
    listing = client.get("/admin/core/accesslog/")
    assert listing.status_code == 200
    assert world.secret_exercise.code in listing.content.decode()
    entry = AccessLog.objects.get()
    assert (
        client.post(f"/admin/core/accesslog/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert AccessLog.objects.count() == 1
