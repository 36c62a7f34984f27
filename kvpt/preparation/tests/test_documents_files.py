"""Document files: every allowed kind stored and served back as uploaded, every download logged."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from django.test import Client

from kvpt.core.models import AccessLog
from kvpt.core.testing import files
from kvpt.core.testing.world import World
from kvpt.preparation.services.documents import document_add_version
from kvpt.preparation.tests.document_helpers import add_version, make_document, url

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Any], Client]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("kind", sorted(files.SAMPLES))
def test_each_allowed_kind_round_trips(kind: str, world: World, client_for: ClientFor) -> None:
    document = make_document(world.exercise)
    name, make = files.SAMPLES[kind]
    content = make()
    version = document_add_version(
        document=document, upload=files.upload(name, content, "text/html"), actor=world.alice
    )
    response = client_for(world.alice).get(url("document_version_download", document, 1))
    assert response.status_code == 200
    assert _body(response) == content
    assert response["Content-Type"] == version.content_type
    assert response["Content-Type"] != "text/html"


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("Kế hoạch.pdf", files.EXE, "chương trình"),
        ("Kế hoạch.docx", files.PDF, "phần mở rộng"),
        ("Kế hoạch.pdf", b"", "rỗng"),
        ("Quyết tâm.docx", files.docx()[:3000], "cắt cụt"),
        ("Bom.docx", files.zip_bomb(20), "bom nén"),
        ("du-lieu.bin", bytes(range(256)) * 8, "Chỉ nhận"),
    ],
)
def test_refused_uploads_leave_no_version(
    name: str, content: bytes, why: str, world: World, client_for: ClientFor, media: Path
) -> None:
    document = make_document(world.exercise)
    response = client_for(world.alice).post(
        url("document_version_upload", document), {"file": files.upload(name, content)}
    )
    assert response.status_code == 422
    assert why in response.content.decode()
    assert not document.versions.exists()
    assert not any(media.rglob("*.bin"))


def test_a_vietnamese_file_name_survives_the_round_trip(
    world: World, client_for: ClientFor
) -> None:
    document = make_document(world.exercise)
    decomposed = unicodedata.normalize("NFD", "C:\\Văn kiện\\Kế hoạch hiệp đồng Đợt 1.pdf")
    version = add_version(document, world.alice, "pdf", name=decomposed)
    assert version.filename == "Kế hoạch hiệp đồng Đợt 1.pdf"
    response = client_for(world.alice).get(url("document_version_download", document, 1))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert 'filename="Ke hoach hiep dong Dot 1.pdf"' in disposition
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == "Kế hoạch hiệp đồng Đợt 1.pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_every_download_is_logged_classified_or_not(world: World, client_for: ClientFor) -> None:
    plain = make_document(world.exercise, "VK-01")
    secret = make_document(world.exercise, "VK-MAT", classification=1)
    add_version(plain, world.alice)
    add_version(plain, world.alice, "docx")
    add_version(secret, world.alice)
    alice, bob = client_for(world.alice), client_for(world.bob)
    bob.get(url("document_version_download", plain, 1))
    bob.get(url("document_version_download", plain, 2))
    alice.get(url("document_version_download", plain, 1))
    alice.get(url("document_version_download", secret, 1))
    logs = AccessLog.objects.filter(action="download").order_by("at", "pk")
    assert [(entry.user.username, entry.object_id, entry.object_repr[-4:]) for entry in logs] == [
        ("bob", str(plain.pk), "(v1)"),
        ("bob", str(plain.pk), "(v2)"),
        ("alice", str(plain.pk), "(v1)"),
        ("alice", str(secret.pk), "(v1)"),
    ]
    assert [entry.classification for entry in logs] == [0, 0, 0, 1]


def test_a_refused_download_is_not_logged(world: World, client_for: ClientFor) -> None:
    document = make_document(world.exercise)
    add_version(document, world.alice)
    assert (
        client_for(world.charlie).get(url("document_version_download", document, 1)).status_code
        == 404
    )
    assert (
        client_for(world.alice).get(url("document_version_download", document, 9)).status_code
        == 404
    )
    assert not AccessLog.objects.filter(action="download").exists()


def test_older_versions_stay_downloadable(world: World, client_for: ClientFor) -> None:
    document = make_document(world.exercise)
    add_version(document, world.alice, "pdf")
    add_version(document, world.alice, "txt")
    client = client_for(world.alice)
    assert _body(client.get(url("document_version_download", document, 1))) == files.PDF
    assert _body(client.get(url("document_version_download", document, 2))) == files.TEXT


def test_a_missing_stored_file_is_404_not_500(
    world: World, client_for: ClientFor, media: Path
) -> None:
    document = make_document(world.exercise)
    version = add_version(document, world.alice)
    (media / version.file.name).unlink()
    response = client_for(world.alice).get(url("document_version_download", document, 1))
    assert response.status_code == 404
    assert not AccessLog.objects.filter(action="download").exists()


def test_files_are_not_under_a_public_url(world: World, client_for: ClientFor) -> None:
    document = make_document(world.exercise)
    version = add_version(document, world.alice)
    response = client_for(world.alice).get("/media/" + version.file.name)
    assert response.status_code == 404
