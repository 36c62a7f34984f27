"""The export and import pages and endpoints: who may, what they answer, what they write."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kvpt.core.testing.world import World
from kvpt.exchange import crypto, services
from kvpt.exchange.tests.helpers import populate, renamed, to_bytes
from kvpt.exercises.models import Exercise

pytestmark = pytest.mark.django_db


def _upload(data: bytes, name: str = "dt.kvpt.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def exported(world: World) -> dict[str, Any]:
    document, _files = services.build_document(populate(world))
    return renamed(document, "DT-NHAP-WEB")


def test_the_exercise_page_offers_the_export_to_editors_only(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    url = reverse("exercises:detail", args=[world.exercise.pk])
    assert 'data-testid="export-exercise"' in client_for(world.alice).get(url).content.decode()
    assert 'data-testid="export-exercise"' not in client_for(world.bob).get(url).content.decode()


def test_export_page_downloads_the_file_and_refuses_others(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    populate(world)
    url = reverse("exchange:export", args=[world.exercise.pk])
    alice = client_for(world.alice)
    assert alice.get(url).status_code == 200
    response = alice.post(url, {"passphrase": "", "passphrase_again": ""})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["exercise"]["code"] == world.exercise.code
    assert client_for(world.bob).get(url).status_code == 403
    assert client_for(world.bob).post(url).status_code == 403
    assert client_for(world.charlie).get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_export_page_checks_the_passphrase_in_vietnamese(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    url = reverse("exchange:export", args=[world.exercise.pk])
    response = client_for(world.alice).post(url, {"passphrase": "ngắn", "passphrase_again": "ngắn"})
    assert response.status_code == 422
    assert "ít nhất 8 ký tự" in response.content.decode()
    response = client_for(world.alice).post(
        url, {"passphrase": "mật khẩu đủ dài", "passphrase_again": "khác hẳn đi"}
    )
    assert "không khớp" in response.content.decode()


def test_import_page_runs_a_dry_run_then_imports_on_confirmation(
    world: World, client_for: Callable[[Any], Client], exported: dict[str, Any]
) -> None:
    url = reverse("exchange:import")
    alice = client_for(world.alice)
    assert alice.get(url).status_code == 200
    data = crypto.protect(
        to_bytes(exported), "mật khẩu đủ dài", purpose=crypto.PURPOSE_EXERCISE, log2_n=10
    )
    response = alice.post(url, {"file": _upload(data), "passphrase": "mật khẩu đủ dài"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="import-confirm"' in page
    assert not Exercise.objects.filter(code="DT-NHAP-WEB").exists()
    token = response.context["confirm_form"].initial["token"]
    response = alice.post(url, {"token": token, "confirm": "True", "passphrase": "mật khẩu đủ dài"})
    created = Exercise.objects.get(code="DT-NHAP-WEB")
    assert response.status_code == 302
    assert response["Location"] == reverse("exercises:detail", args=[created.pk])
    # The staged upload is used once.
    again = alice.post(url, {"token": token, "confirm": "True", "passphrase": "mật khẩu đủ dài"})
    assert again.status_code == 422


def test_import_page_lists_every_problem_with_its_place(
    world: World, client_for: Callable[[Any], Client], exported: dict[str, Any]
) -> None:
    exported["records"]["forces"]["ForceAllocation"][0]["unit"] = "KHONG-CO"
    response = client_for(world.alice).post(
        reverse("exchange:import"), {"file": _upload(to_bytes(exported))}
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "records.forces.ForceAllocation[0].unit" in page
    assert "KHONG-CO" in page
    assert 'data-testid="import-confirm"' not in page


def test_import_page_is_closed_to_users_who_may_create_no_exercise(
    world: World, client_for: Callable[[Any], Client], exported: dict[str, Any]
) -> None:
    bob = client_for(world.bob)
    url = reverse("exchange:import")
    assert bob.get(url).status_code == 403
    assert bob.post(url, {"file": _upload(to_bytes(exported))}).status_code == 403
    assert not Exercise.objects.filter(code="DT-NHAP-WEB").exists()


def test_api_exports_to_editors_and_hides_the_exercise_from_outsiders(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    populate(world)
    url = f"/api/v1/exercises/{world.exercise.pk}/export"
    response = api_client_for(world.alice).get(url)
    assert response.status_code == 200
    assert response.json()["format"] == "kvpt-exercise"
    response = api_client_for(world.alice).post(
        url,
        json.dumps({"passphrase": "mật khẩu đủ dài", "with_files": True}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert crypto.is_protected(response.content)
    assert response["Content-Disposition"].startswith("attachment")
    assert api_client_for(world.bob).get(url).status_code == 403
    assert api_client_for(world.charlie).get(url).json()["code"] == "not_found"


def test_api_imports_after_a_dry_run_and_refuses_bad_files(
    world: World, api_client_for: Callable[[Any], Client], exported: dict[str, Any]
) -> None:
    alice = api_client_for(world.alice)
    url = "/api/v1/exchange/import"
    response = alice.post(url, {"file": _upload(to_bytes(exported))})
    assert response.status_code == 200
    assert response.json()["dry_run"] is True
    assert not Exercise.objects.filter(code="DT-NHAP-WEB").exists()
    response = alice.post(url + "?dry_run=false", {"file": _upload(to_bytes(exported))})
    assert response.status_code == 201
    body = response.json()
    assert Exercise.objects.get(code="DT-NHAP-WEB").pk == body["exercise_id"]
    # The same file again: the code is taken now.
    response = alice.post(url + "?dry_run=false", {"file": _upload(to_bytes(exported))})
    assert response.status_code == 422
    assert [e["place"] for e in response.json()["errors"]] == ["exercise.code"]
    response = api_client_for(world.bob).post(url, {"file": _upload(to_bytes(exported))})
    assert response.status_code == 403
