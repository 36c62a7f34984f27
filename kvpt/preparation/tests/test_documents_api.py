"""Documents API: CRUD, 409 on a stale version, uploads, downloads, status; who may not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kvpt.core.models import AccessLog, Classification
from kvpt.core.testing import files
from kvpt.core.testing.world import World
from kvpt.preparation.models import Document, DocumentStatus
from kvpt.preparation.tests.document_helpers import add_version, api, kind, make_document

pytestmark = pytest.mark.django_db
ApiClientFor = Callable[[Any], Client]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _base(exercise: Any) -> str:
    return f"/api/v1/exercises/{exercise.pk}/documents"


def test_alice_creates_reads_patches_and_deletes(
    world: World, api_client_for: ApiClientFor
) -> None:
    client = api_client_for(world.alice)
    kind("KH-HD")
    created = client.post(
        _base(world.exercise),
        {
            "kind_code": "KH-HD",
            "code": "VK-HD",
            "number": "20/KH-BCĐ",
            "title": "Kế hoạch hiệp đồng",
            "custodian_code": world.agency.code,
            "issued_on": "2023-05-12",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["kind"]["code"] == "KH-HD"
    assert body["custodian"]["code"] == world.agency.code
    assert body["status"] == "draft"
    assert body["version_count"] == 0
    one = api(Document.objects.get(pk=body["id"]))
    assert client.get(one).json()["title"] == "Kế hoạch hiệp đồng"
    patched = client.patch(
        one, {"version": body["version"], "title": "Kế hoạch hiệp đồng (sửa)"}, "application/json"
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["version"] == body["version"] + 1
    stale = client.patch(one, {"version": body["version"], "title": "Cũ"}, "application/json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "concurrent_edit"
    assert Document.objects.get(pk=body["id"]).title == "Kế hoạch hiệp đồng (sửa)"
    assert client.delete(one + f"?version={body['version']}").status_code == 409
    assert client.delete(one).status_code == 204
    assert not Document.objects.filter(pk=body["id"]).exists()
    history = Document.history.filter(id=body["id"]).order_by("history_date")
    assert {h.history_user for h in history} == {world.alice}


def test_create_refuses_an_unknown_kind_and_a_marking_below_the_exercise(
    world: World, api_client_for: ApiClientFor
) -> None:
    client = api_client_for(world.alice)
    kind("KH-DT")
    unknown = client.post(
        _base(world.exercise),
        {"kind_code": "KHONG-CO", "code": "VK-1", "title": "Kế hoạch"},
        content_type="application/json",
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "kind_code"
    below = client.post(
        _base(world.secret_exercise),
        {"kind_code": "KH-DT", "code": "VK-1", "title": "Kế hoạch", "classification": 0},
        content_type="application/json",
    )
    assert below.status_code == 422
    assert below.json()["errors"][0]["field"] == "classification"


def test_the_list_is_paginated_filtered_and_flat_in_queries(
    world: World, api_client_for: ApiClientFor
) -> None:
    client = api_client_for(world.alice)
    # Classified rows in both sizes: their reads are logged in one INSERT per page.
    make_document(
        world.exercise, "VK-01", title="Quyết tâm tác chiến", kind=kind("QT-TC"), classification=1
    )
    make_document(
        world.exercise, "VK-02", title="Mệnh lệnh", kind=kind("MENH-LENH"), classification=1
    )
    listed = client.get(_base(world.exercise), {"kind": "MENH-LENH"}).json()
    assert [d["code"] for d in listed["items"]] == ["VK-02"]
    assert client.get(_base(world.exercise), {"q": "quyet tam"}).json()["count"] == 1

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_base(world.exercise)).status_code == 200
        return len(queries)

    small = count()
    for i in range(10):
        document = make_document(world.exercise, f"VK-{i + 10}", classification=1)
        add_version(document, world.alice)
    assert count() == small


def test_upload_then_download_a_version(
    world: World, api_client_for: ApiClientFor, media: Path
) -> None:
    document = make_document(world.exercise)
    client = api_client_for(world.alice)
    docx = files.docx()
    uploaded = client.post(
        api(document, "/versions"),
        {"file": files.upload("Quyết tâm tác chiến.docx", docx), "note": "Bản 1"},
    )
    assert uploaded.status_code == 201, uploaded.content
    body = uploaded.json()
    assert body["number"] == 1
    assert body["filename"] == "Quyết tâm tác chiến.docx"
    assert body["sha256"] == __import__("hashlib").sha256(docx).hexdigest()
    assert body["download_url"] == api(document, "/versions/1/file")
    download = client.get(body["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == docx  # type: ignore[attr-defined]
    assert "filename*=UTF-8''Quy%E1%BA%BFt" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    log = AccessLog.objects.get(action="download")
    assert (log.user, log.object_id, log.classification) == (world.alice, str(document.pk), 0)
    versions = client.get(api(document, "/versions")).json()
    assert [v["number"] for v in versions] == [1]


def test_an_upload_of_the_wrong_kind_is_422_on_the_file_field(
    world: World, api_client_for: ApiClientFor
) -> None:
    document = make_document(world.exercise)
    refused = api_client_for(world.alice).post(
        api(document, "/versions"), {"file": files.upload("Kế hoạch.pdf", files.EXE)}
    )
    assert refused.status_code == 422
    error = refused.json()["errors"][0]
    assert error["field"] == "file"
    assert error["message"].startswith("Tệp văn kiện:")
    missing = api_client_for(world.alice).post(api(document, "/versions"), {"note": "x"})
    assert missing.status_code == 422


def test_status_through_the_api(world: World, api_client_for: ApiClientFor) -> None:
    document = make_document(world.exercise)
    client = api_client_for(world.alice)
    refused = client.post(api(document, "/status"), {"status": "approved"}, "application/json")
    assert refused.status_code == 422
    assert "chưa có tệp" in refused.json()["errors"][0]["message"]
    add_version(document, world.alice)
    approved = client.post(
        api(document, "/status"), {"status": "approved", "version": 1}, "application/json"
    )
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == DocumentStatus.APPROVED
    stale = client.post(
        api(document, "/status"), {"status": "archived", "version": 1}, "application/json"
    )
    assert stale.status_code == 409


def test_the_observer_reads_and_downloads_but_gets_403_on_writes(
    world: World, api_client_for: ApiClientFor
) -> None:
    document = make_document(world.exercise)
    add_version(document, world.alice)
    bob = api_client_for(world.bob)
    assert bob.get(api(document)).status_code == 200
    assert bob.get(api(document, "/versions/1/file")).status_code == 200
    upload = bob.post(api(document, "/versions"), {"file": files.sample("pdf")})
    assert upload.status_code == 403
    assert upload.json()["code"] == "permission_denied"
    assert (
        bob.patch(api(document), {"version": 1, "title": "x"}, "application/json").status_code
        == 403
    )
    assert (
        bob.post(api(document, "/status"), {"status": "approved"}, "application/json").status_code
        == 403
    )
    assert bob.delete(api(document)).status_code == 403
    created = bob.post(
        _base(world.exercise),
        {"kind_code": "KH-DT", "code": "VK-9", "title": "Kế hoạch"},
        content_type="application/json",
    )
    assert created.status_code == 403


def test_the_outsider_gets_404_and_anonymous_401(
    world: World, api_client_for: ApiClientFor
) -> None:
    document = make_document(world.exercise)
    add_version(document, world.alice)
    paths = [
        _base(world.exercise),
        api(document),
        api(document, "/versions"),
        api(document, "/versions/1/file"),
    ]
    charlie = api_client_for(world.charlie)
    for path in paths:
        response = charlie.get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
        anonymous = Client().get(path)
        assert anonymous.status_code == 401, path
    assert (
        charlie.post(api(document, "/versions"), {"file": files.sample("pdf")}).status_code == 404
    )
    assert (
        Client().post(api(document, "/versions"), {"file": files.sample("pdf")}).status_code == 401
    )
    assert not AccessLog.objects.filter(action="download").exists()


def test_a_document_above_the_callers_clearance_is_404_and_unlisted(
    world: World, api_client_for: ApiClientFor
) -> None:
    secret = make_document(world.exercise, "VK-MAT", classification=Classification.CONFIDENTIAL)
    add_version(secret, world.alice)
    bob = api_client_for(world.bob)
    assert bob.get(api(secret)).status_code == 404
    assert bob.get(api(secret, "/versions/1/file")).status_code == 404
    assert bob.get(_base(world.exercise)).json()["count"] == 0
    alice = api_client_for(world.alice)
    assert alice.get(api(secret)).json()["classification"] == Classification.CONFIDENTIAL
    assert alice.get(api(secret, "/versions/1/file")).status_code == 200
    log = AccessLog.objects.get(action="download")
    assert log.classification == Classification.CONFIDENTIAL
    # The secret exercise's documents do not exist for bob either.
    hidden = make_document(world.secret_exercise, "VK-1")
    assert bob.get(api(hidden)).status_code == 404
    assert bob.get(_base(world.secret_exercise)).status_code == 404
