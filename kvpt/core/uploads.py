"""Checks on an uploaded file before it is stored: size, real type, name, and zip bombs.

The type is read from the file's own bytes, never from its name or the browser's content type (a
renamed program must not pass as a plan), and the name's extension must agree with what the bytes
say. Office files are zip archives: the archive's declared sizes, compression ratio and entry count
are bounded, and an archive without its central directory (a truncated upload) is refused. The name
the user gave is kept for display and download only: NFC, without any path, with no control
characters. Every refusal is a ValidationError on the form field, in Vietnamese, naming the field.

    checked = check_upload(request.FILES["file"], field="file", label=_("Tệp văn kiện"))
    checked.filename, checked.kind.content_type, checked.size, checked.sha256

Used by documents now and, later, by evidence files and report templates (pass `allowed` to narrow
the kinds a feature takes).
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DEFAULT_MAX_UPLOAD_MB = 25
# A zip (DOCX, XLSX ...) may expand to at most this much, this many times its size, in this many
# entries. Real office files compress 2-20x; a bomb compresses thousands of times.
ZIP_MAX_UNCOMPRESSED = 250 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_MAX_ENTRIES = 10_000
_CHUNK = 1024 * 1024
_HEAD = 8192


@dataclass(frozen=True)
class FileKind:
    """A kind of file we accept: how people call it, its extensions and its content type."""

    code: str
    label: Any  # a str, or a lazy translation
    extensions: tuple[str, ...]
    content_type: str


KINDS: dict[str, FileKind] = {
    kind.code: kind
    for kind in (
        FileKind("pdf", "PDF", (".pdf",), "application/pdf"),
        FileKind(
            "docx",
            "Word (DOCX)",
            (".docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        FileKind(
            "xlsx",
            "Excel (XLSX)",
            (".xlsx",),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        FileKind(
            "pptx",
            "PowerPoint (PPTX)",
            (".pptx",),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        FileKind("odt", "OpenDocument (ODT)", (".odt",), "application/vnd.oasis.opendocument.text"),
        FileKind(
            "ods",
            "OpenDocument (ODS)",
            (".ods",),
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
        FileKind("doc", "Word 97-2003 (DOC)", (".doc",), "application/msword"),
        FileKind("xls", "Excel 97-2003 (XLS)", (".xls",), "application/vnd.ms-excel"),
        FileKind("png", "PNG", (".png",), "image/png"),
        FileKind("jpeg", "JPEG", (".jpg", ".jpeg"), "image/jpeg"),
        FileKind(
            "txt",
            gettext_lazy("văn bản thuần (UTF-8)"),
            (".txt", ".csv"),
            "text/plain; charset=utf-8",
        ),
    )
}
DOCUMENT_KINDS: tuple[str, ...] = tuple(KINDS)

# [Content_Types].xml of an OOXML package names its main part; macro-enabled ones differ (and are
# refused: "…macroEnabled.main+xml" is not among these).
_OOXML_MAIN = {
    "docx": b"wordprocessingml.document.main+xml",
    "xlsx": b"spreadsheetml.sheet.main+xml",
    "pptx": b"presentationml.presentation.main+xml",
}
_ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Stream names in an OLE2 directory (UTF-16LE) that tell Word from Excel.
_OLE2_STREAMS = {
    "WordDocument".encode("utf-16-le"): "doc",
    "Workbook".encode("utf-16-le"): "xls",
    "Book".encode("utf-16-le") + b"\x00\x00": "xls",
}
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_PNG_END = b"IEND\xaeB`\x82"
_ZIP_MAGIC = b"PK\x03\x04"
# Headers of executables and scripts: named in the refusal so nobody wonders why a "plan" failed.
_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"#!", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_UNSAFE_NAME = re.compile(r'[<>:"|?*]')
_MAX_NAME = 200


class UploadError(ValidationError):
    """A refused upload: the message names the field."""


@dataclass(frozen=True)
class CheckedUpload:
    """What the checks learnt about a file that passed them."""

    file: Any
    filename: str
    kind: FileKind
    size: int
    sha256: str

    @property
    def content_type(self) -> str:
        return self.kind.content_type


def max_upload_bytes() -> int:
    megabytes = float(getattr(settings, "KVPT_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB))
    return int(megabytes * 1024 * 1024)


def clean_filename(name: str | None, fallback: str = "tep") -> str:
    """The name to show and to offer on download: NFC, no directories, no control characters.

    "C:\\Users\\a\\..\\Kế hoạch.docx" -> "Kế hoạch.docx". Long names keep their extension.
    """
    text = unicodedata.normalize("NFC", str(name or ""))
    text = re.split(r"[\\/]", text)[-1]
    text = _UNSAFE_NAME.sub("_", _CONTROL.sub("", text))
    text = re.sub(r"\s+", " ", text).strip().lstrip(".").strip()
    if not text:
        return fallback
    if len(text) > _MAX_NAME:
        stem, dot, ext = text.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            text = stem[: _MAX_NAME - len(ext) - 1].rstrip() + "." + ext
        else:
            text = text[:_MAX_NAME]
    return text


def extension_of(filename: str) -> str:
    _stem, dot, ext = filename.rpartition(".")
    return f".{ext.lower()}" if dot and _stem else ""


def check_upload(
    upload: Any,
    *,
    field: str = "file",
    label: str | None = None,
    allowed: Iterable[str] = DOCUMENT_KINDS,
    max_bytes: int | None = None,
) -> CheckedUpload:
    """Check `upload` (an UploadedFile or any File) and describe it; UploadError if refused.

    `field` is where the error goes (form field or API parameter); `label` names it in the message.
    """
    allowed_kinds = [KINDS[code] for code in allowed]
    label = label or _("Tệp")
    limit = max_bytes if max_bytes is not None else max_upload_bytes()

    def refuse(message: str, code: str) -> UploadError:
        return UploadError({field: f"{label}: {message}"}, code=code)

    if upload is None:
        raise refuse(_("chưa chọn tệp nào."), "required")
    filename = clean_filename(getattr(upload, "name", ""))
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size == 0:
        raise refuse(_("tệp “%(name)s” rỗng (0 byte).") % {"name": filename}, "empty")
    if size > limit:
        raise refuse(
            _("tệp “%(name)s” nặng %(size)s MB, vượt giới hạn %(limit)s MB.")
            % {"name": filename, "size": _megabytes(size), "limit": _megabytes(limit)},
            "too_large",
        )
    upload.seek(0)
    head = upload.read(_HEAD)
    upload.seek(0)
    kind = _detect(upload, head, size, refuse)
    if kind is None or kind not in allowed_kinds:
        if head.startswith(_EXECUTABLE_MAGIC):
            raise refuse(
                _("tệp “%(name)s” là chương trình hoặc mã lệnh, không được tải lên.")
                % {"name": filename},
                "executable",
            )
        raise refuse(
            _(
                "không nhận loại tệp của “%(name)s”. Chỉ nhận: %(kinds)s (loại tệp được xác định "
                "theo nội dung, không theo tên tệp)."
            )
            % {"name": filename, "kinds": ", ".join(str(k.label) for k in allowed_kinds)},
            "unsupported_type",
        )
    extension = extension_of(filename)
    if extension not in kind.extensions:
        raise refuse(
            _(
                "nội dung tệp “%(name)s” là %(kind)s nhưng phần mở rộng là “%(ext)s”; hãy đặt tên "
                "tệp có đuôi %(expected)s."
            )
            % {
                "name": filename,
                "kind": kind.label,
                "ext": extension or _("(không có)"),
                "expected": " / ".join(kind.extensions),
            },
            "extension_mismatch",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(_CHUNK), b""):
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(
        file=upload, filename=filename, kind=kind, size=size, sha256=digest.hexdigest()
    )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".").replace(".", ",")


# --- detection ---------------------------------------------------------------------------------


def _detect(upload: IO[bytes], head: bytes, size: int, refuse: Any) -> FileKind | None:
    """The kind the bytes say, or None; a damaged file of a known kind is refused outright."""
    if head.startswith(b"%PDF-"):
        if b"%%EOF" not in _tail(upload, size, 4096):
            raise refuse(_("tệp PDF bị cắt cụt hoặc hỏng (thiếu phần kết thúc tệp)."), "truncated")
        return KINDS["pdf"]
    if head.startswith(_ZIP_MAGIC) or head.startswith(b"PK\x05\x06"):
        return _detect_zip(upload, size, refuse)
    if head.startswith(_OLE2_MAGIC):
        return _detect_ole2(upload)
    if head.startswith(_PNG_MAGIC):
        if _PNG_END not in _tail(upload, size, 64):
            raise refuse(_("ảnh PNG bị cắt cụt hoặc hỏng."), "truncated")
        return KINDS["png"]
    if head.startswith(b"\xff\xd8\xff"):
        if b"\xff\xd9" not in _tail(upload, size, 1024):
            raise refuse(_("ảnh JPEG bị cắt cụt hoặc hỏng."), "truncated")
        return KINDS["jpeg"]
    if _is_utf8_text(upload):
        return KINDS["txt"]
    return None


def _tail(upload: IO[bytes], size: int, length: int) -> bytes:
    upload.seek(max(0, size - length))
    data = upload.read(length)
    upload.seek(0)
    return data


def _detect_zip(upload: IO[bytes], size: int, refuse: Any) -> FileKind | None:
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise refuse(
            _("tệp nén bị cắt cụt hoặc hỏng (không đọc được danh mục tệp bên trong)."), "truncated"
        ) from exc
    with archive:
        entries = archive.infolist()
        if len(entries) > ZIP_MAX_ENTRIES:
            raise refuse(
                _("tệp nén chứa quá nhiều thành phần (%(count)s, tối đa %(limit)s).")
                % {"count": len(entries), "limit": ZIP_MAX_ENTRIES},
                "zip_bomb",
            )
        expanded = sum(entry.file_size for entry in entries)
        if expanded > ZIP_MAX_UNCOMPRESSED or expanded > ZIP_MAX_RATIO * max(size, 1):
            raise refuse(
                _(
                    "tệp nén giải nén ra quá lớn (%(expanded)s MB từ %(size)s MB): có dấu hiệu "
                    "“bom nén”, không nhận."
                )
                % {"expanded": _megabytes(expanded), "size": _megabytes(size)},
                "zip_bomb",
            )
        for entry in entries:
            if entry.compress_size and entry.file_size / entry.compress_size > ZIP_MAX_RATIO * 10:
                raise refuse(
                    _("một thành phần của tệp nén có tỷ lệ nén bất thường: có dấu hiệu “bom nén”."),
                    "zip_bomb",
                )
        names = {entry.filename for entry in entries}
        try:
            if "mimetype" in names:
                mimetype = _read_entry(archive, "mimetype", 200).strip()
                code = _ODF_MIMETYPES.get(mimetype)
                return KINDS[code] if code else None
            if "[Content_Types].xml" in names:
                content_types = _read_entry(archive, "[Content_Types].xml", 1024 * 1024)
                for code, marker in _OOXML_MAIN.items():
                    if marker in content_types and b"macroEnabled" not in content_types:
                        return KINDS[code]
        except (
            zipfile.BadZipFile,
            zlib.error,
            OSError,
            EOFError,
            ValueError,
            NotImplementedError,
        ) as exc:
            raise refuse(_("tệp nén bị hỏng."), "truncated") from exc
    return None


def _read_entry(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """An entry's first `limit` bytes, whatever size it claims to have."""
    with archive.open(name) as member:
        return member.read(limit)


def _detect_ole2(upload: IO[bytes]) -> FileKind | None:
    """Word or Excel 97-2003, by the stream names in the compound file's directory."""
    found: str | None = None
    overlap = max(len(marker) for marker in _OLE2_STREAMS)
    previous = b""
    upload.seek(0)
    for chunk in iter(lambda: upload.read(_CHUNK), b""):
        window = previous + chunk
        for marker, code in _OLE2_STREAMS.items():
            if marker in window:
                found = found or code
        if found:
            break
        previous = window[-overlap:]
    upload.seek(0)
    return KINDS[found] if found else None


def _is_utf8_text(upload: IO[bytes]) -> bool:
    """UTF-8 (a BOM allowed) with no NUL and no control characters beyond tab and line breaks."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    upload.seek(0)
    try:
        for chunk in iter(lambda: upload.read(_CHUNK), b""):
            text = decoder.decode(chunk)
            if _TEXT_CONTROL.search(text):
                return False
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        upload.seek(0)
    return True


_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


# --- serving a stored file back ----------------------------------------------------------------


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the UTF-8 one (RFC 6266 / RFC 5987).

    "Kế hoạch.pdf" -> attachment; filename="Ke hoach.pdf";
    filename*=UTF-8''K%E1%BA%BF%20ho%E1%BA%A1ch.pdf
    """
    from urllib.parse import quote

    name = clean_filename(filename)
    decomposed = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    ascii_name = "".join(c for c in decomposed if c.isascii() and not unicodedata.combining(c))
    ascii_name = re.sub(r'["\\]', "_", ascii_name).strip()
    stem = ascii_name.rsplit(".", 1)[0] if "." in ascii_name else ascii_name
    if not re.search(r"[A-Za-z0-9]", stem):
        ascii_name = "tep" + extension_of(name)
    if ascii_name == name:
        return f'attachment; filename="{ascii_name}"'
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def attachment_response(fileobj: Any, *, filename: str, content_type: str) -> Any:
    """A download of a stored file: never shown inline, never sniffed, never cached by proxies."""
    from django.http import FileResponse

    response = FileResponse(fileobj, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- receiving: never write more than the limit to disk ----------------------------------------


class OversizedUpload(UploadedFile):
    """Stands for a file that was too large to keep: its name and how many bytes were sent.

    Only the size is known (the content was dropped as it arrived), so `check_upload` refuses it
    with the usual "vượt giới hạn" message instead of a confusing "no file chosen".
    """

    def __init__(self, name: str, size: int, content_type: str | None) -> None:
        super().__init__(
            io.BytesIO(), name, content_type or "application/octet-stream", size, None, {}
        )


def receiving_limit_bytes() -> int:
    """The most any upload may be: the largest of the features' limits (each checks its own)."""
    imports = float(getattr(settings, "KVPT_MAX_IMPORT_MB", 0) or 0)
    return max(max_upload_bytes(), int(imports * 1024 * 1024))


class SizeLimitUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: passes a file's bytes on until the limit, then drops them.

    Without it a multi-gigabyte POST would be written to a temporary file before any view could
    refuse it (gunicorn has no body limit of its own). Past the limit the rest of the body is
    read and discarded, and the view receives an `OversizedUpload` carrying the real size.
    """

    chunk_size = 64 * 1024

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.limit = receiving_limit_bytes()
        self.received = 0
        self.oversized = False

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.oversized = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.oversized = True
            return None  # the next handlers (memory, temporary file) get nothing more
        return raw_data

    def file_complete(self, file_size: int) -> OversizedUpload | None:
        if not self.oversized:
            return None  # the next handler returns the real file
        return OversizedUpload(self.file_name or "", self.received, self.content_type)
