"""The API's frame: one error shape in Vietnamese, pagination bounds, auth, local docs."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from kvpt.core.testing.world import World

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Any], Client]


def assert_error_shape(body: dict[str, Any], code: str) -> None:
    assert set(body) == {"detail", "code", "errors"}
    assert body["code"] == code
    assert isinstance(body["detail"], str)
    assert body["detail"]


def test_a_missing_field_is_named_in_vietnamese(world: World, client_for: ClientFor) -> None:
    response = client_for(world.alice).post(
        "/api/v1/exercises", {}, content_type="application/json"
    )
    assert response.status_code == 422
    body = response.json()
    assert_error_shape(body, "validation_error")
    fields = {error["field"]: error["message"] for error in body["errors"]}
    assert fields["code"] == "Trường này là bắt buộc."
    assert "Trường này là bắt buộc." in response.content.decode()  # UTF-8, not \\u escapes


def test_a_body_that_is_not_json_gets_a_clear_400(world: World, client_for: ClientFor) -> None:
    response = client_for(world.alice).post(
        "/api/v1/exercises", "{không phải json", content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert_error_shape(body, "malformed_body")
    assert "JSON" in body["detail"]


def test_pagination_is_bounded_and_described(world: World, client_for: ClientFor) -> None:
    client = client_for(world.dave)
    too_big = client.get("/api/v1/areas", {"page_size": 501})
    assert too_big.status_code == 422
    assert too_big.json()["errors"][0]["field"] == "page_size"
    page = client.get("/api/v1/areas", {"page_size": 2, "page": 2}).json()
    assert (page["page"], page["page_size"], page["count"], page["pages"]) == (2, 2, 4, 2)
    assert len(page["items"]) == 2


def test_anonymous_calls_get_401_in_the_error_shape(world: World) -> None:
    response = Client().get("/api/v1/me")
    assert response.status_code == 401
    assert_error_shape(response.json(), "not_authenticated")


def test_a_bad_token_is_401_and_a_good_one_works(world: World, api_client_for: ClientFor) -> None:
    bad = Client(headers={"Authorization": "Bearer kvpt_khong-hop-le"}).get("/api/v1/me")
    assert bad.status_code == 401
    good = api_client_for(world.alice).get("/api/v1/me")
    assert good.status_code == 200
    assert good.json()["username"] == "alice"


def test_the_openapi_document_describes_both_auth_schemes(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "kvpt API"
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} >= {"http", "apiKey"}
    json.dumps(schema)  # serialisable as a whole


def test_the_api_docs_load_only_local_assets(client: Client) -> None:
    page = client.get("/api/v1/docs").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets, "the docs page should reference its script and style"
    assert all(url.startswith("/static/") for url in assets), assets
    assert '"validatorUrl": null' in page


def test_an_anonymous_write_is_401_not_a_csrf_error(world: World) -> None:
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/exercises", {}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_session_write_without_the_csrf_token_is_refused_clearly(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.alice)
    response = client.post("/api/v1/exercises", {}, content_type="application/json")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "csrf_failed"
    assert "X-CSRFToken" in body["detail"]


def test_a_token_write_needs_no_csrf_token(world: World, api_client_for: ClientFor) -> None:
    client = api_client_for(world.alice)
    client.handler.enforce_csrf_checks = True
    response = client.post("/api/v1/exercises", {}, content_type="application/json")
    assert response.status_code == 422  # reached validation: authenticated, no CSRF needed


def test_field_errors_follow_the_chosen_language(world: World, client_for: ClientFor) -> None:
    client = client_for(world.alice)
    client.post("/i18n/setlang/", {"language": "en"})
    response = client.post("/api/v1/exercises", {}, content_type="application/json")
    messages = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert messages["code"] == "This field is required."


def test_a_wrong_choice_lists_the_choices_without_english_words(
    world: World, client_for: ClientFor
) -> None:
    response = client_for(world.alice).post(
        "/api/v1/units",
        {"code": "DV-X", "name": "Trung đội", "kind": "khong-co", "agency_id": world.agency.pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    message = {e["field"]: e["message"] for e in response.json()["errors"]}["kind"]
    assert message.startswith("Giá trị không hợp lệ; chọn một trong: 'reserve', 'militia'")
    assert " or " not in message
