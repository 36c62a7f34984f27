"""Documents (văn kiện): services, status guards, pages, and who may not (404 / 403 / login)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kvpt.core.models import Classification
from kvpt.core.testing import files
from kvpt.core.testing.world import World
from kvpt.exercises.models import Exercise
from kvpt.preparation.models import Document, DocumentStatus
from kvpt.preparation.services.documents import (
    document_add_version,
    document_create,
    document_delete,
    document_set_status,
    document_update,
)
from kvpt.preparation.tests.document_helpers import (
    add_version,
    kind,
    make_document,
    subcommittee,
    subcommittee_member,
    url,
)

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Any], Client]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- services ----------------------------------------------------------------------------------


def test_a_new_document_is_a_draft_marked_at_least_as_its_exercise(world: World) -> None:
    document = document_create(
        exercise=world.secret_exercise,
        kind=kind("QT-TC"),
        code="VK-QT",
        title="Quyết tâm tác chiến",
        number="12/QT-BCĐ",
        actor=world.alice,
    )
    assert document.status == DocumentStatus.DRAFT
    assert document.classification == Classification.CONFIDENTIAL
    assert document.history.first().history_user == world.alice


def test_the_marking_may_not_be_below_the_exercise_nor_above_the_actor(world: World) -> None:
    with pytest.raises(ValidationError) as below:
        document_create(
            exercise=world.secret_exercise,
            kind=kind(),
            code="VK-1",
            title="Kế hoạch",
            classification=Classification.UNCLASSIFIED,
            actor=world.alice,
        )
    assert (
        "không được thấp hơn độ mật của cuộc diễn tập"
        in below.value.message_dict["classification"][0]
    )
    with pytest.raises(ValidationError) as above:
        document_create(
            exercise=world.exercise,
            kind=kind(),
            code="VK-1",
            title="Kế hoạch",
            classification=Classification.SECRET,
            actor=world.alice,
        )
    assert "classification" in above.value.message_dict


def test_codes_are_unique_within_an_exercise_only(world: World) -> None:
    make_document(world.exercise, "VK-01")
    with pytest.raises(ValidationError) as clash:
        document_create(
            exercise=world.exercise, kind=kind(), code="vk-01", title="Khác", actor=world.alice
        )
    assert "VK-01" in clash.value.message_dict["code"][0] or "vk-01" in str(clash.value)
    other = Exercise.objects.create(
        code="DT-2024",
        name="Diễn tập 2024",
        area=world.district,
        level=world.exercise.level,
        year=2024,
    )
    assert document_create(
        exercise=other, kind=kind(), code="VK-01", title="Khác", actor=world.alice
    ).pk


def test_an_observer_may_not_create_or_upload(world: World) -> None:
    with pytest.raises(PermissionDenied):
        document_create(
            exercise=world.exercise, kind=kind(), code="VK-1", title="Kế hoạch", actor=world.bob
        )
    document = make_document(world.exercise)
    with pytest.raises(PermissionDenied):
        add_version(document, world.bob)


def test_versions_are_numbered_and_kept(world: World, media: Path) -> None:
    document = make_document(world.exercise)
    first = add_version(document, world.alice, "pdf")
    second = add_version(document, world.alice, "docx")
    assert [v.number for v in document.versions.order_by("number")] == [1, 2]
    assert first.filename == "Kế hoạch diễn tập.pdf"
    assert second.content_type.endswith("wordprocessingml.document")
    assert second.uploaded_by == world.alice
    # Our own names on disk, never the user's: both files are there.
    for version in (first, second):
        assert version.file.name.startswith(f"documents/{world.exercise.pk}/{document.pk}/")
        assert version.file.name.endswith(f"v{version.number}.bin")
        assert (media / version.file.name).exists()
    assert (media / first.file.name).read_bytes() == files.PDF


def test_an_upload_raises_the_exercise_revision(world: World) -> None:
    document = make_document(world.exercise)
    before = Exercise.objects.get(pk=world.exercise.pk).revision
    add_version(document, world.alice)
    assert Exercise.objects.get(pk=world.exercise.pk).revision == before + 1


def test_a_refused_upload_stores_nothing(world: World, media: Path) -> None:
    document = make_document(world.exercise)
    with pytest.raises(ValidationError) as refused:
        document_add_version(
            document=document, upload=files.upload("Kế hoạch.pdf", files.EXE), actor=world.alice
        )
    assert refused.value.message_dict["file"][0].startswith("Tệp văn kiện:")
    assert not document.versions.exists()
    assert not any(media.rglob("*.bin"))


def test_approval_needs_a_version(world: World) -> None:
    document = make_document(world.exercise)
    with pytest.raises(ValidationError) as refused:
        document_set_status(
            document=document, status="approved", expected_version=None, actor=world.alice
        )
    assert "chưa có tệp" in refused.value.message_dict["status"][0]
    add_version(document, world.alice)
    approved = document_set_status(
        document=document, status="approved", expected_version=document.version, actor=world.alice
    )
    assert approved.status == DocumentStatus.APPROVED


def test_an_approved_document_takes_no_new_version_until_returned_to_draft(world: World) -> None:
    document = make_document(world.exercise)
    add_version(document, world.alice)
    document_set_status(
        document=document, status="approved", expected_version=None, actor=world.alice
    )
    with pytest.raises(ValidationError) as refused:
        add_version(document, world.alice)
    assert "trả lại dự thảo" in refused.value.message_dict["file"][0]
    document_set_status(document=document, status="draft", expected_version=None, actor=world.alice)
    assert add_version(document, world.alice).number == 2


def test_a_draft_is_archived_only_once_the_exercise_is_reviewing(world: World) -> None:
    document = make_document(world.exercise)
    with pytest.raises(ValidationError) as refused:
        document_set_status(
            document=document, status="archived", expected_version=None, actor=world.alice
        )
    assert "đã phê duyệt" in refused.value.message_dict["status"][0]
    Exercise.objects.filter(pk=world.exercise.pk).update(status="reviewing")
    archived = document_set_status(
        document=Document.objects.get(pk=document.pk),
        status="archived",
        expected_version=None,
        actor=world.alice,
    )
    assert archived.status == DocumentStatus.ARCHIVED


def test_an_archived_document_is_read_only_and_final(world: World) -> None:
    document = make_document(world.exercise)
    add_version(document, world.alice)
    for status in ("approved", "archived"):
        document = document_set_status(
            document=document, status=status, expected_version=None, actor=world.alice
        )
    with pytest.raises(ValidationError):
        document_update(
            document=document, changes={"title": "Sửa"}, expected_version=None, actor=world.alice
        )
    with pytest.raises(ValidationError):
        add_version(document, world.alice)
    with pytest.raises(ValidationError):
        document_set_status(
            document=document, status="approved", expected_version=None, actor=world.alice
        )
    with pytest.raises(ValidationError) as not_draft:
        document_delete(document=document, expected_version=None, actor=world.alice)
    assert "dự thảo" in not_draft.value.messages[0]


def test_a_subcommittee_member_edits_and_uploads_but_does_not_approve(world: World) -> None:
    committee = subcommittee(world)
    other = subcommittee(world, "TB-CT")
    frank = subcommittee_member(world, committee)
    document = make_document(world.exercise, subcommittee=committee)
    add_version(document, frank)
    with pytest.raises(PermissionDenied):
        document_set_status(
            document=document, status="approved", expected_version=None, actor=frank
        )
    # Nor may he hand the document to a subcommittee he does not sit on.
    with pytest.raises(PermissionDenied):
        document_update(
            document=document,
            changes={"subcommittee": other},
            expected_version=None,
            actor=frank,
        )
    outside = make_document(world.exercise, "VK-02", subcommittee=other)
    with pytest.raises(PermissionDenied):
        add_version(outside, frank)


def test_a_stale_edit_is_refused(world: World) -> None:
    document = make_document(world.exercise)
    document_update(
        document=document, changes={"title": "A"}, expected_version=1, actor=world.alice
    )
    with pytest.raises(ValidationError) as stale:
        document_update(
            document=document, changes={"title": "B"}, expected_version=1, actor=world.alice
        )
    assert stale.value.code == "concurrent_edit"
    assert Document.objects.get(pk=document.pk).title == "A"


def test_a_closed_exercise_takes_no_upload(world: World) -> None:
    document = make_document(world.exercise)
    Exercise.objects.filter(pk=world.exercise.pk).update(status="closed")
    with pytest.raises(ValidationError) as refused:
        add_version(document, world.alice)
    assert refused.value.code == "exercise_closed"


def test_deleting_a_draft_removes_its_files_once_committed(
    world: World, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    document = make_document(world.exercise)
    version = add_version(document, world.alice)
    stored = media / version.file.name
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        document_delete(document=document, expected_version=None, actor=world.alice)
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not stored.exists()


# --- pages -------------------------------------------------------------------------------------


def test_alice_adds_a_document_through_the_page(world: World, client_for: ClientFor) -> None:
    client = client_for(world.alice)
    create = reverse("preparation:document_create", args=[world.exercise.pk])
    assert client.get(create).status_code == 200
    response = client.post(
        create,
        {
            "kind": kind("KH-A2").pk,
            "code": "VK-A2",
            "number": "15/KH-BCĐ",
            "title": "Kế hoạch xử lý tình huống A2",
            "classification": 0,
            "issued_on": "12/05/2023",
        },
    )
    document = Document.objects.get(code="VK-A2")
    assert response.status_code == 302
    assert response["Location"] == document.get_absolute_url()
    assert document.issued_on.isoformat() == "2023-05-12"  # type: ignore[union-attr]
    page = client.get(document.get_absolute_url())
    assert "Số: 15/KH-BCĐ" in page.content.decode()


def test_the_form_says_why_a_marking_below_the_exercise_is_refused(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.alice)
    create = reverse("preparation:document_create", args=[world.secret_exercise.pk])
    response = client.post(
        create,
        {"kind": kind().pk, "code": "VK-1", "title": "Kế hoạch", "classification": 0},
    )
    assert response.status_code == 422
    assert not Document.objects.exists()


def test_the_upload_page_stores_a_version_and_refuses_a_renamed_program(
    world: World, client_for: ClientFor
) -> None:
    document = make_document(world.exercise)
    client = client_for(world.alice)
    upload = url("document_version_upload", document)
    ok = client.post(upload, {"file": files.sample("docx"), "note": "Bản trình BCĐ"})
    assert ok.status_code == 302
    assert document.versions.get().note == "Bản trình BCĐ"
    refused = client.post(upload, {"file": files.upload("Kế hoạch.docx", files.EXE)})
    assert refused.status_code == 422
    assert "Tệp văn kiện: tệp “Kế hoạch.docx” là chương trình" in refused.content.decode()
    assert document.versions.count() == 1


def test_the_upload_page_refuses_a_file_over_the_limit(
    world: World, client_for: ClientFor, settings: Any
) -> None:
    settings.KVPT_MAX_UPLOAD_MB = 0.0001
    document = make_document(world.exercise)
    response = client_for(world.alice).post(
        url("document_version_upload", document), {"file": files.sample("docx")}
    )
    assert response.status_code == 422
    assert "vượt giới hạn" in response.content.decode()


def test_the_detail_page_lists_versions_status_actions_and_the_download_log(
    world: World, client_for: ClientFor
) -> None:
    document = make_document(world.exercise)
    add_version(document, world.alice, "pdf")
    add_version(document, world.alice, "docx")
    client_for(world.bob).get(url("document_version_download", document, 1))
    page = client_for(world.alice).get(document.get_absolute_url()).content.decode()
    assert 'data-testid="download-v1"' in page
    assert 'data-testid="download-v2"' in page
    assert 'data-testid="status-approved"' in page
    assert 'data-testid="download-log"' in page
    assert "(bob)" in page
    bob_page = client_for(world.bob).get(document.get_absolute_url()).content.decode()
    assert 'data-testid="download-v1"' in bob_page
    assert 'data-testid="download-log"' not in bob_page
    assert 'data-testid="status-approved"' not in bob_page


def test_the_status_button_approves(world: World, client_for: ClientFor) -> None:
    document = make_document(world.exercise)
    add_version(document, world.alice)
    response = client_for(world.alice).post(
        url("document_status", document), {"status": "approved", "version": document.version}
    )
    assert response.status_code == 302
    assert Document.objects.get(pk=document.pk).status == DocumentStatus.APPROVED


def test_the_list_filters_and_counts(world: World, client_for: ClientFor) -> None:
    committee = subcommittee(world)
    approved = make_document(
        world.exercise, "VK-01", title="Quyết tâm tác chiến", kind=kind("QT-TC")
    )
    Document.objects.filter(pk=approved.pk).update(status="approved")
    make_document(world.exercise, "VK-02", title="Kế hoạch hiệp đồng", subcommittee=committee)
    make_document(world.exercise, "VK-03", title="Mệnh lệnh", kind=kind("MENH-LENH"))
    client = client_for(world.alice)
    base = reverse("preparation:document_list", args=[world.exercise.pk])

    def codes(**params: Any) -> list[str]:
        response = client.get(base, params)
        assert response.status_code == 200
        return sorted(d.code for d in response.context["rows"])

    assert codes() == ["VK-01", "VK-02", "VK-03"]
    assert codes(status="approved") == ["VK-01"]
    assert codes(kind=kind("MENH-LENH").pk) == ["VK-03"]
    assert codes(subcommittee=committee.pk) == ["VK-02"]
    assert codes(q="hiep dong") == ["VK-02"]
    assert codes(subcommittee="x") == []
    assert "Đã phê duyệt 1/3 văn kiện" in client.get(base).content.decode()


def test_the_list_makes_the_same_number_of_queries_for_3_and_30_documents(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.alice)
    base = reverse("preparation:document_list", args=[world.exercise.pk])
    committee = subcommittee(world)

    def count(n: int, start: int) -> int:
        for i in range(start, start + n):
            document = make_document(
                world.exercise, f"VK-{i:03d}", subcommittee=committee, classification=1
            )
            add_version(document, world.alice)
        client.get(base)  # warm the session and the scope
        with CaptureQueriesContext(connection) as queries:
            assert client.get(base).status_code == 200
        return len(queries)

    assert count(3, 0) == count(27, 100)


# --- who may not ---------------------------------------------------------------------------------


def _pages(document: Document) -> list[str]:
    return [
        reverse("preparation:document_list", args=[document.exercise_id]),
        document.get_absolute_url(),
        url("document_update", document),
        url("document_delete", document),
        url("document_version_upload", document),
        url("document_version_download", document, 1),
    ]


def test_the_outsider_gets_404_everywhere(world: World, client_for: ClientFor) -> None:
    document = make_document(world.exercise)
    add_version(document, world.alice)
    client = client_for(world.charlie)
    for page in _pages(document):
        assert client.get(page).status_code == 404, page
    assert client.post(url("document_status", document), {"status": "approved"}).status_code == 404


def test_the_observer_reads_and_downloads_but_gets_403_on_changes(
    world: World, client_for: ClientFor
) -> None:
    document = make_document(world.exercise)
    add_version(document, world.alice)
    client = client_for(world.bob)
    assert client.get(document.get_absolute_url()).status_code == 200
    assert client.get(url("document_version_download", document, 1)).status_code == 200
    for name in ("document_update", "document_delete", "document_version_upload"):
        assert client.get(url(name, document)).status_code == 403, name
    assert (
        client.post(
            url("document_version_upload", document), {"file": files.sample("pdf")}
        ).status_code
        == 403
    )
    assert client.post(url("document_status", document), {"status": "approved"}).status_code == 403
    assert (
        client.get(reverse("preparation:document_create", args=[world.exercise.pk])).status_code
        == 403
    )


def test_anonymous_is_sent_to_the_login_page(world: World) -> None:
    document = make_document(world.exercise)
    add_version(document, world.alice)
    for page in _pages(document):
        response = Client().get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith(reverse("accounts:login")), page


def test_a_document_above_the_readers_clearance_does_not_exist_for_them(
    world: World, client_for: ClientFor
) -> None:
    """bob (no clearance) sees the unclassified exercise, but not its Mật document nor its file."""
    secret = make_document(world.exercise, "VK-MAT", classification=Classification.CONFIDENTIAL)
    add_version(secret, world.alice)
    plain = make_document(world.exercise, "VK-THUONG")
    bob = client_for(world.bob)
    for page in _pages(secret)[1:]:
        assert bob.get(page).status_code == 404, page
    listed = bob.get(reverse("preparation:document_list", args=[world.exercise.pk]))
    assert [d.code for d in listed.context["rows"]] == [plain.code]
    assert "VK-MAT" not in listed.content.decode()
    alice = client_for(world.alice)
    assert alice.get(secret.get_absolute_url()).status_code == 200
    assert alice.get(url("document_version_download", secret, 1)).status_code == 200


def test_nothing_of_a_secret_exercise_reaches_a_reader_without_clearance(
    world: World, client_for: ClientFor
) -> None:
    document = make_document(world.secret_exercise, "VK-MAT")
    add_version(document, world.alice)
    bob = client_for(world.bob)
    for page in _pages(document):
        assert bob.get(page).status_code == 404, page


def test_a_classified_page_carries_its_marking(world: World, client_for: ClientFor) -> None:
    secret = make_document(world.exercise, "VK-MAT", classification=Classification.CONFIDENTIAL)
    page = client_for(world.alice).get(secret.get_absolute_url())
    assert page.context["page_classification"] == Classification.CONFIDENTIAL


def test_system_admins_keep_the_catalogue_in_the_admin(world: World, client_for: ClientFor) -> None:
    used = kind("QT-TC")
    make_document(world.exercise, kind=used)
    client = client_for(world.admin)
    listing = client.get(reverse("admin:preparation_documentkind_changelist"))
    assert listing.status_code == 200
    assert "Quyết tâm tác chiến" in listing.content.decode()
    change = client.get(reverse("admin:preparation_documentkind_change", args=[used.pk]))
    assert change.status_code == 200
    assert client_for(world.alice).get(
        reverse("admin:preparation_documentkind_changelist")
    ).status_code in (302, 403)


def test_a_subcommittee_member_adds_documents_only_to_their_subcommittee(
    world: World, client_for: ClientFor
) -> None:
    mine = subcommittee(world)
    other = subcommittee(world, "TB-CT")
    frank = subcommittee_member(world, mine)
    client = client_for(frank)
    create = reverse("preparation:document_create", args=[world.exercise.pk])
    page = client.get(create)
    assert page.status_code == 200
    offered = list(page.context["form"].fields["subcommittee"].queryset)
    assert offered == [mine]
    saved = client.post(
        create,
        {
            "kind": kind().pk,
            "code": "VK-TB",
            "title": "Kế hoạch tiểu ban",
            "subcommittee": mine.pk,
            "classification": 0,
        },
    )
    assert saved.status_code == 302
    assert Document.objects.get(code="VK-TB").subcommittee == mine
    refused = client.post(
        create,
        {
            "kind": kind().pk,
            "code": "VK-X",
            "title": "Khác",
            "subcommittee": other.pk,
            "classification": 0,
        },
    )
    assert refused.status_code == 422
    assert not Document.objects.filter(code="VK-X").exists()


def test_a_planner_granted_on_the_exercise_approves_and_the_province_reads(
    world: World, client_for: ClientFor
) -> None:
    document = make_document(world.exercise)
    add_version(document, world.erin)
    approved = document_set_status(
        document=document, status="approved", expected_version=None, actor=world.erin
    )
    assert approved.status == DocumentStatus.APPROVED
    dave = client_for(world.dave)
    page = dave.get(document.get_absolute_url())
    assert page.status_code == 200
    assert 'data-testid="status-archived"' not in page.content.decode()
    assert dave.get(url("document_version_download", document, 1)).status_code == 200
    assert dave.get(url("document_update", document)).status_code == 403
