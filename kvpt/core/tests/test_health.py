"""/healthz and the 503 answer while the database is unreachable."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import cast
from unittest import mock

import pytest
from django.core.handlers.exception import convert_exception_to_response
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.test import Client, RequestFactory
from django.urls import path

from kvpt.core.health import healthz
from kvpt.core.middleware import DatabaseUnavailableMiddleware

MESSAGE = "Hệ thống tạm thời không kết nối được cơ sở dữ liệu. Vui lòng thử lại sau ít phút."


def lose_the_database(request: HttpRequest) -> HttpResponse:
    raise OperationalError("server closed the connection unexpectedly")


def count_users(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (value,) = cursor.fetchone()
    return HttpResponse(f"value={value}")


# The project's URLconf is not this module's business; these tests bring their own.
urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("boom/", lose_the_database),
    path("api/v1/boom", lose_the_database),
    path("works/", count_users),
]
pytestmark = pytest.mark.urls(__name__)


def through_middleware(view: Callable[..., object], request: HttpRequest) -> HttpResponse:
    get_response = cast(Callable[[HttpRequest], HttpResponseBase], view)
    response = DatabaseUnavailableMiddleware(get_response)(request)
    assert isinstance(response, HttpResponse)
    return response


@pytest.mark.django_db
def test_healthz_reports_ok_and_the_time_when_the_database_answers(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert datetime.fromisoformat(body["time"]).tzinfo is not None
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_when_select_1_fails(client: Client) -> None:
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


@pytest.mark.django_db
def test_a_page_that_loses_the_database_answers_503_with_a_vietnamese_page(
    client: Client,
) -> None:
    response = client.get("/boom/", HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert MESSAGE in page
    # Self-contained: the page may not ask any host for anything.
    assert "src=" not in page
    assert "<link" not in page
    assert "http://" not in page
    assert "https://" not in page


@pytest.mark.django_db
def test_an_api_call_that_loses_the_database_answers_503_json(client: Client) -> None:
    response = client.get("/api/v1/boom")

    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "database_unavailable"
    assert body["detail"]


@pytest.mark.django_db
def test_the_next_request_after_an_outage_is_served_normally(client: Client) -> None:
    assert client.get("/boom/").status_code == 503

    response = client.get("/works/")

    assert response.status_code == 200
    assert response.content == b"value=1"


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_the_middleware_turns_a_raised_database_error_into_503(
    rf: RequestFactory, error: type[Exception]
) -> None:
    def failing(request: HttpRequest) -> HttpResponse:
        raise error("connection refused")

    response = through_middleware(failing, rf.get("/exercises/"))

    assert response.status_code == 503
    assert MESSAGE in response.content.decode()


def test_process_exception_catches_database_errors_raised_in_views(rf: RequestFactory) -> None:
    middleware = DatabaseUnavailableMiddleware(lambda request: HttpResponse())

    response = middleware.process_exception(rf.get("/api/v1/areas"), OperationalError("gone"))

    assert response is not None
    assert response.status_code == 503
    assert json.loads(response.content)["code"] == "database_unavailable"


def test_process_exception_leaves_other_errors_to_django(rf: RequestFactory) -> None:
    middleware = DatabaseUnavailableMiddleware(lambda request: HttpResponse())

    assert middleware.process_exception(rf.get("/"), ValueError("a bug")) is None


def test_a_database_error_in_an_inner_middleware_becomes_503_not_500(
    rf: RequestFactory,
) -> None:
    # Django converts an inner middleware's exception into a 500 before it reaches us.
    inner = convert_exception_to_response(lose_the_database)

    response = through_middleware(inner, rf.get("/healthz"))

    assert response.status_code == 503
    assert json.loads(response.content)["code"] == "database_unavailable"


def test_an_ordinary_500_stays_a_500(rf: RequestFactory) -> None:
    def buggy(request: HttpRequest) -> HttpResponse:
        raise ValueError("a bug")

    response = through_middleware(convert_exception_to_response(buggy), rf.get("/"))

    assert response.status_code == 500


@pytest.mark.django_db(transaction=True)
def test_a_broken_connection_is_closed_and_the_next_request_reconnects(
    rf: RequestFactory,
) -> None:
    connection.ensure_connection()
    assert connection.connection is not None

    def breaks_the_connection(request: HttpRequest) -> HttpResponse:
        connection.errors_occurred = True
        raise OperationalError("terminating connection due to administrator command")

    with mock.patch.object(connection, "is_usable", return_value=False):
        failed = through_middleware(breaks_the_connection, rf.get("/"))

    assert failed.status_code == 503
    assert connection.connection is None

    recovered = through_middleware(healthz, rf.get("/healthz"))

    assert recovered.status_code == 200
    assert json.loads(recovered.content)["database"] == "ok"
    assert connection.connection is not None
