"""The permission matrix over EVERY operation of the OpenAPI document, by construction.

The operations come from the document the API serves; path parameters are filled with objects of
alice's district (kvpt.core.testing.matrix.api_param_label: `exercise_id` -> the exercise, ...),
request bodies are built from the operation's schema (the least valid value of each required
field, overlaid with the object as the API shows it, so that the version matches). Then:

- anonymous: 401 `not_authenticated` on every operation;
- charlie (the sibling district's admin): 404 `not_found` on every operation about one of alice's
  objects, none of their names in any answer (lists included);
- bob (observer, no editing role): no write anywhere; 403 `permission_denied` on writes to an
  object he can read;
- bob without clearance: 404 on every operation about the classified exercise or unit;
- controls: alice reads every object the matrix fills, dave every classified one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kvpt.core.testing.matrix import (
    Operation,
    all_routes,
    api_operations,
    api_param_value,
    build_objects,
    classified_objects,
    database_fingerprint,
    example,
    markers,
    openapi_document,
)
from kvpt.core.testing.world import World

pytestmark = pytest.mark.django_db

# URL patterns of the API that are not operations of the document: the document itself and the
# page that shows it. Both public (they describe the API, no data).
PUBLIC_API_ROUTES = {"api:openapi-json", "api:openapi-view", "api:api-root"}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# Operations on the caller's own account: every signed-in user may use them.
SELF_SERVICE = {"POST /api/v1/tokens"}
# Operations that check the body before the caller's role: an observer gets their 422 (and writes
# nothing) instead of 403. Listed so that the exception stays visible; remove an entry once the
# operation asks for the role first.
BODY_CHECKED_FIRST = {
    "POST /api/v1/exercises/{exercise_id}/tasks/bulk": "an edit that changes nothing",
    "POST /api/v1/exercises/{exercise_id}/tasks/import": "a file that is not .xlsx (dry run)",
}


@dataclass
class Call:
    operation: Operation
    url: str
    classified_url: str | None
    body_schema: tuple[str, dict[str, Any]] | None  # media type, schema
    problems: list[str] = field(default_factory=list)


@dataclass
class ApiMatrix:
    document: dict[str, Any]
    calls: list[Call]
    unfillable: list[str]
    markers: set[str]
    objects: dict[str, Any]


def _fill(operation: Operation, objects: dict[str, Any]) -> dict[str, Any] | str:
    values: dict[str, Any] = {}
    for name in operation.params:
        value = api_param_value(name, objects, operation.path)
        if value is None:
            return (
                f"cannot fill {{{name}}} of {operation}: name it <model>_id after a model of "
                "FACTORIES in kvpt/core/tests/test_permission_matrix.py, or add it to "
                "api_param_label / EXTRA_FACTORIES in kvpt/core/testing/matrix.py"
            )
        values[name] = value
    return values


@pytest.fixture
def api_matrix(world: World, settings: Any, tmp_path: Any) -> ApiMatrix:
    settings.MEDIA_ROOT = tmp_path / "media"
    type(world.exercise).objects.filter(pk=world.exercise.pk).update(code="KVPT-MATRIX-388")
    world.exercise.refresh_from_db()
    objects = build_objects(world)
    secret = classified_objects(world, objects)
    document = openapi_document()
    calls: list[Call] = []
    unfillable: list[str] = []
    for operation in api_operations(document):
        values = _fill(operation, objects)
        if isinstance(values, str):
            unfillable.append(values)
            continue
        secret_values = _fill(operation, secret)
        body = None
        if operation.body:
            media = next(iter(operation.body))
            body = (media, operation.body[media]["schema"])
        calls.append(
            Call(
                operation=operation,
                url=operation.path.format(**values),
                classified_url=(
                    operation.path.format(**secret_values)
                    if isinstance(secret_values, dict) and secret_values != values
                    else None
                ),
                body_schema=body,
            )
        )
    return ApiMatrix(document, calls, unfillable, markers(objects), objects)


def _send(
    client: Client,
    call: Call,
    url: str,
    matrix: ApiMatrix | None,
    shown: dict[str, Any] | None,
) -> Any:
    """Call the operation with a body valid for its schema (when it has one)."""
    method = call.operation.method.lower()
    if method in {"get", "delete"}:
        return getattr(client, method)(url)
    if call.body_schema is None or matrix is None:
        return getattr(client, method)(url, "{}", content_type="application/json")
    media, schema = call.body_schema
    body = example(schema, matrix.document)
    properties = _properties(schema, matrix.document)
    if isinstance(body, dict):
        if call.operation.method != "PATCH":
            # References by id point at alice's objects: the area, the document kind ...
            for key in properties:
                value = (
                    api_param_value(key, matrix.objects, call.operation.path)
                    if key.endswith("_id")
                    else None
                )
                if value is not None:
                    body[key] = value
        if shown:
            # The object as the API shows it: the version read, a full body for PUT.
            keep = properties if call.operation.method == "PUT" else {"version"}
            body.update({k: v for k, v in shown.items() if k in keep and v is not None})
    if media == "application/json":
        return getattr(client, method)(url, json.dumps(body), content_type="application/json")
    data = {}
    for key, value in (body or {}).items():
        data[key] = (
            SimpleUploadedFile("matrix.txt", value, content_type="text/plain")
            if isinstance(value, bytes)
            else value
        )
    return getattr(client, method)(url, data)


def _properties(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    from kvpt.core.testing.matrix import _resolve

    resolved = _resolve(schema, document)
    return dict(resolved.get("properties", {}))


def _report(problems: list[str]) -> None:
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def _shown(admin: Client, call: Call, url: str) -> dict[str, Any] | None:
    """What the API shows of the object this write is about (GET on the same path)."""
    if call.operation.method not in {"PUT", "PATCH"}:
        return None
    response = admin.get(url)
    return response.json() if response.status_code == 200 else None


def _route_to_path(route: str) -> str:
    import re

    return "/" + re.sub(r"<(?:[^>:]+:)?([^>]+)>", r"{\1}", route)


def test_every_api_url_is_an_operation_of_the_document() -> None:
    """An endpoint hidden from the document would escape this matrix (and schemathesis)."""
    paths = set(openapi_document()["paths"])
    hidden = sorted(
        route.route
        for route in all_routes()
        if route.is_api
        and route.name not in PUBLIC_API_ROUTES
        and _route_to_path(route.route) not in paths
    )
    assert not hidden, f"API URLs missing from the OpenAPI document: {hidden}"


def test_every_operation_can_be_filled(api_matrix: ApiMatrix) -> None:
    assert len(api_matrix.calls) > 40
    assert any(call.classified_url for call in api_matrix.calls)
    _report(api_matrix.unfillable)


def test_anonymous_gets_401_from_every_operation(api_matrix: ApiMatrix) -> None:
    client = Client()
    problems = []
    for call in api_matrix.calls:
        response = _send(client, call, call.url, None, None)
        code = response.json().get("code") if response.status_code == 401 else None
        if response.status_code != 401 or code != "not_authenticated":
            problems.append(f"{call.operation}: {response.status_code} {response.content[:200]!r}")
    for name in ("openapi.json", "docs"):
        assert client.get(f"/api/v1/{name}").status_code == 200, name
    _report(problems)


def test_the_outsider_gets_404_and_sees_nothing(
    api_matrix: ApiMatrix,
    world: World,
    api_client_for: Callable[[Any], Client],
) -> None:
    client = api_client_for(world.charlie)
    admin = api_client_for(world.admin)
    problems = []
    for call in api_matrix.calls:
        before = database_fingerprint()
        response = _send(client, call, call.url, api_matrix, _shown(admin, call, call.url))
        text = response.content.decode(errors="replace")
        leaked = sorted(marker for marker in api_matrix.markers if marker in text)
        if leaked:
            problems.append(f"{call.operation} shows the outsider {leaked}")
        if response.status_code >= 500:
            problems.append(f"{call.operation}: {response.status_code}")
        if not call.operation.params:
            continue
        if database_fingerprint() != before:
            problems.append(f"{call.operation} by the outsider CHANGED THE DATABASE")
        if response.status_code == 422:
            problems.append(
                f"{call.operation}: the matrix's body was refused ({text[:300]}); teach "
                "kvpt.core.testing.matrix.example the schema"
            )
        elif response.status_code != 404 or response.json().get("code") != "not_found":
            problems.append(f"{call.operation}: {response.status_code}, expected 404 not_found")
    _report(problems)


def test_a_member_without_the_role_writes_nothing_and_gets_403(
    api_matrix: ApiMatrix,
    world: World,
    api_client_for: Callable[[Any], Client],
) -> None:
    client = api_client_for(world.bob)
    admin = api_client_for(world.admin)
    readable = {
        call.url
        for call in api_matrix.calls
        if call.operation.method == "GET" and client.get(call.url).status_code == 200
    }
    problems = []
    for call in api_matrix.calls:
        if call.operation.method not in WRITES or str(call.operation) in SELF_SERVICE:
            continue
        before = database_fingerprint()
        response = _send(client, call, call.url, api_matrix, _shown(admin, call, call.url))
        if database_fingerprint() != before:
            problems.append(f"{call.operation} by an observer CHANGED THE DATABASE")
        if 200 <= response.status_code < 300 or response.status_code >= 500:
            problems.append(f"{call.operation} by an observer: {response.status_code}")
        elif call.operation.params:
            expected = {403} if call.url in readable else {403, 404}
            if response.status_code == 422 and str(call.operation) in BODY_CHECKED_FIRST:
                continue
            if response.status_code == 422:
                problems.append(
                    f"{call.operation}: the matrix's body was refused "
                    f"({response.content[:300]!r}); teach kvpt.core.testing.matrix.example"
                )
            elif response.status_code not in expected:
                problems.append(
                    f"{call.operation} by an observer: {response.status_code}, expected "
                    f"{sorted(expected)}"
                )
    _report(problems)


def test_a_user_without_clearance_gets_404_on_classified_records(
    api_matrix: ApiMatrix,
    world: World,
    api_client_for: Callable[[Any], Client],
) -> None:
    client = api_client_for(world.bob)
    admin = api_client_for(world.admin)
    problems = []
    for call in api_matrix.calls:
        if call.classified_url is None:
            continue
        shown = _shown(admin, call, call.classified_url)
        response = _send(client, call, call.classified_url, api_matrix, shown)
        if response.status_code != 404:
            problems.append(
                f"{call.operation.method} {call.classified_url}: {response.status_code}, "
                "expected 404"
            )
    _report(problems)


def test_the_controls_read_every_filled_object(
    api_matrix: ApiMatrix,
    world: World,
    api_client_for: Callable[[Any], Client],
) -> None:
    problems = []
    alice, dave = api_client_for(world.alice), api_client_for(world.dave)
    for call in api_matrix.calls:
        if call.operation.method != "GET" or not call.operation.params:
            continue
        for who, client, url in (("alice", alice, call.url), ("dave", dave, call.classified_url)):
            if url is None:
                continue
            response = client.get(url)
            if response.status_code == 404 or response.status_code >= 500:
                problems.append(f"{who} GET {url}: {response.status_code}")
    _report(problems)
