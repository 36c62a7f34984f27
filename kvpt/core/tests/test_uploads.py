"""Upload checks: the type from the bytes, the extension agreeing, size, bombs, damage, names."""

from __future__ import annotations

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from kvpt.core import uploads
from kvpt.core.testing import files
from kvpt.core.uploads import check_upload, clean_filename


def _refusal(upload: object, **kwargs: object) -> str:
    with pytest.raises(ValidationError) as caught:
        check_upload(upload, field="file", label="Tệp văn kiện", **kwargs)  # type: ignore[arg-type]
    messages = caught.value.message_dict["file"]
    assert len(messages) == 1
    assert messages[0].startswith("Tệp văn kiện: "), messages[0]
    return messages[0]


@pytest.mark.parametrize("kind", sorted(files.SAMPLES))
def test_it_accepts_each_allowed_kind_and_says_what_it_is(kind: str) -> None:
    upload = files.sample(kind)
    checked = check_upload(upload)
    assert checked.kind.code == kind
    assert checked.size == upload.size
    assert len(checked.sha256) == 64
    assert checked.filename == files.SAMPLES[kind][0]


def test_the_content_type_comes_from_the_bytes_not_from_the_browser() -> None:
    upload = files.upload("Kế hoạch.pdf", files.PDF, content_type="text/html")
    assert check_upload(upload).content_type == "application/pdf"


def test_it_refuses_a_renamed_program() -> None:
    message = _refusal(files.upload("Kế hoạch A2.pdf", files.EXE, "application/pdf"))
    assert "chương trình" in message
    assert "Kế hoạch A2.pdf" in message


def test_it_refuses_an_unknown_binary() -> None:
    message = _refusal(files.upload("du-lieu.bin", bytes(range(256)) * 8))
    assert "Chỉ nhận" in message
    assert "PDF" in message


def test_it_refuses_an_extension_that_disagrees_with_the_content() -> None:
    message = _refusal(files.upload("Kế hoạch.docx", files.PDF))
    assert "là PDF" in message
    assert ".pdf" in message


def test_a_docx_named_zip_is_refused_too() -> None:
    assert "Word (DOCX)" in _refusal(files.upload("kehoach.zip", files.docx()))


def test_it_refuses_an_empty_file() -> None:
    assert "rỗng" in _refusal(files.upload("trong.pdf", b""))


@override_settings(KVPT_MAX_UPLOAD_MB=0.001)
def test_it_refuses_a_file_over_the_configured_limit() -> None:
    message = _refusal(files.upload("lon.txt", b"a" * 2000))
    assert "vượt giới hạn" in message


def test_the_limit_defaults_to_25_megabytes(settings: object) -> None:
    assert uploads.max_upload_bytes() == int(
        float(getattr(settings, "KVPT_MAX_UPLOAD_MB", 25)) * 1024 * 1024
    )
    del settings.KVPT_MAX_UPLOAD_MB  # type: ignore[attr-defined]
    assert uploads.max_upload_bytes() == 25 * 1024 * 1024


def test_it_refuses_a_truncated_zip_whose_central_directory_is_missing() -> None:
    data = files.docx()
    message = _refusal(files.upload("Quyết tâm.docx", data[: len(data) // 2]))
    assert "cắt cụt" in message


def test_it_refuses_a_truncated_pdf_and_png() -> None:
    assert "cắt cụt" in _refusal(files.upload("a.pdf", files.PDF[:40]))
    png = files.png()
    assert "cắt cụt" in _refusal(files.upload("a.png", png[:-12]))


def test_it_refuses_a_zip_bomb_by_its_ratio() -> None:
    message = _refusal(files.upload("bom.docx", files.zip_bomb(20)))
    assert "bom nén" in message


def test_it_refuses_a_zip_that_expands_past_the_absolute_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(uploads, "ZIP_MAX_UNCOMPRESSED", 1000)
    assert "bom nén" in _refusal(files.upload("a.docx", files.docx()))


def test_it_refuses_a_zip_with_too_many_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads, "ZIP_MAX_ENTRIES", 3)
    assert "quá nhiều thành phần" in _refusal(files.upload("a.docx", files.docx()))


def test_it_refuses_a_macro_enabled_word_file_and_a_plain_zip() -> None:
    assert "Chỉ nhận" in _refusal(files.upload("a.docx", files.macro_docm()))
    assert "Chỉ nhận" in _refusal(
        files.upload("a.zip", files.odt().replace(b"mimetype", b"mimetypx"))
    )


def test_text_must_be_utf8_without_control_characters() -> None:
    assert check_upload(files.upload("a.txt", "\ufeffGhi chú\r\n".encode())).kind.code == "txt"
    assert "Chỉ nhận" in _refusal(files.upload("a.txt", "Kế hoạch".encode("utf-16")))
    assert "Chỉ nhận" in _refusal(files.upload("a.txt", "Hòa Bình".encode("latin-1")))
    assert "Chỉ nhận" in _refusal(files.upload("a.txt", b"abc\x00def"))


def test_allowed_narrows_the_kinds() -> None:
    message = _refusal(files.sample("png"), allowed=("pdf", "docx"))
    assert "Chỉ nhận: PDF, Word (DOCX)" in message


def test_the_field_name_carries_the_error() -> None:
    with pytest.raises(ValidationError) as caught:
        check_upload(files.upload("a.pdf", b""), field="evidence")
    assert list(caught.value.message_dict) == ["evidence"]


def test_file_names_are_nfc_and_lose_their_directories() -> None:
    decomposed = unicodedata.normalize("NFD", "Kế hoạch hiệp đồng.docx")
    assert decomposed != "Kế hoạch hiệp đồng.docx"
    assert clean_filename(decomposed) == "Kế hoạch hiệp đồng.docx"
    assert clean_filename("C:\\Users\\ban\\Desktop\\Mệnh lệnh.pdf") == "Mệnh lệnh.pdf"
    assert clean_filename("../../etc/passwd") == "passwd"
    assert clean_filename("a\x00b\nc.pdf") == "abc.pdf"
    assert clean_filename("...") == "tep"
    assert clean_filename("") == "tep"
    long = "Kế hoạch " * 40 + ".docx"
    assert len(clean_filename(long)) <= 200
    assert clean_filename(long).endswith(".docx")


def test_a_checked_upload_keeps_the_cleaned_name() -> None:
    name = unicodedata.normalize("NFD", "/tmp/Quyết định.pdf")
    assert check_upload(files.upload(name, files.PDF)).filename == "Quyết định.pdf"


def test_the_receiving_handler_drops_bytes_past_the_limit_and_keeps_the_size(
    settings: object,
) -> None:
    settings.KVPT_MAX_UPLOAD_MB = 0.01  # type: ignore[attr-defined]
    settings.KVPT_MAX_IMPORT_MB = 0  # type: ignore[attr-defined]
    handler = uploads.SizeLimitUploadHandler()
    handler.new_file("file", "Kế hoạch.pdf", "application/pdf", 50_000)
    chunk = b"x" * 4096
    passed = [handler.receive_data_chunk(chunk, i * 4096) for i in range(12)]
    assert sum(len(p) for p in passed if p) <= 0.01 * 1024 * 1024
    assert passed[-1] is None
    received = handler.file_complete(12 * 4096)
    assert isinstance(received, uploads.OversizedUpload)
    assert received.size == 12 * 4096
    assert "vượt giới hạn" in _refusal(received)


def test_the_receiving_handler_lets_a_file_within_the_limit_through() -> None:
    handler = uploads.SizeLimitUploadHandler()
    handler.new_file("file", "a.pdf", "application/pdf", 10)
    assert handler.receive_data_chunk(files.PDF, 0) == files.PDF
    assert handler.file_complete(len(files.PDF)) is None


@pytest.mark.django_db
def test_an_oversized_post_reaches_the_view_as_its_size(client: object, settings: object) -> None:
    """Through Django's real multipart parser: the view sees an OversizedUpload, not the bytes."""
    from django.http import HttpRequest
    from django.test import RequestFactory

    settings.KVPT_MAX_UPLOAD_MB = 0.01  # type: ignore[attr-defined]
    settings.KVPT_MAX_IMPORT_MB = 0  # type: ignore[attr-defined]
    request: HttpRequest = RequestFactory().post(
        "/", {"file": files.upload("Lớn.txt", b"a" * 100_000)}
    )
    received = request.FILES["file"]
    assert isinstance(received, uploads.OversizedUpload)
    assert received.size == 100_000
    assert received.read() == b""
