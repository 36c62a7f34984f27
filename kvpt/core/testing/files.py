"""Small, real files of every kind kvpt.core.uploads accepts, and some it must refuse, for tests."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
TEXT = "Kế hoạch hiệp đồng: Ban CHQS huyện Lang Chánh.\n".encode()
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256)) * 4


def docx() -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph("Quyết tâm tác chiến phòng thủ huyện Lang Chánh")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Nội dung", "Số tiền"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _zip(entries: dict[str, bytes], *, stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(entries.items()):
            method = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return buffer.getvalue()


def _content_types(main: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Override PartName="/main.xml" ContentType="application/'
        f'vnd.openxmlformats-officedocument.{main}"/></Types>'
    ).encode()


def pptx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": _content_types("presentationml.presentation.main+xml"),
            "ppt/presentation.xml": b"<p:presentation/>",
        }
    )


def odt() -> bytes:
    return _zip(
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "content.xml": "<office:document-content>Mệnh lệnh</office:document-content>".encode(),
        },
        stored_first=True,
    )


def ole2(stream: str) -> bytes:
    """A compound file header and a directory naming `stream` ("WordDocument", "Workbook")."""
    directory = stream.encode("utf-16-le").ljust(64, b"\x00")
    return OLE2 + b"\x00" * 504 + directory + b"\x00" * 448


def png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (30, 30, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def zip_bomb(megabytes: int = 20) -> bytes:
    """A DOCX-looking package one of whose parts expands about a thousand times."""
    return _zip(
        {
            "[Content_Types].xml": _content_types("wordprocessingml.document.main+xml"),
            "word/document.xml": b"\x00" * (megabytes * 1024 * 1024),
        }
    )


def macro_docm() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": (
                b'<Types><Override ContentType="application/vnd.ms-word.document.macroEnabled.'
                b'main+xml"/></Types>'
            ),
        }
    )


# kind -> (file name, bytes maker): one accepted file of each kind.
SAMPLES = {
    "pdf": ("Kế hoạch diễn tập.pdf", lambda: PDF),
    "docx": ("Quyết tâm tác chiến.docx", docx),
    "xlsx": ("Dự toán kinh phí.xlsx", xlsx),
    "pptx": ("Báo cáo tóm tắt.pptx", pptx),
    "odt": ("Mệnh lệnh.odt", odt),
    "doc": ("Nghị quyết.doc", lambda: ole2("WordDocument")),
    "xls": ("Danh sách lực lượng.xls", lambda: ole2("Workbook")),
    "png": ("Sơ đồ.png", png),
    "jpeg": ("Ảnh sa bàn.jpg", jpeg),
    "txt": ("Ghi chú.txt", lambda: TEXT),
}


def upload(
    name: str, content: bytes, content_type: str = "application/octet-stream"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def sample(kind: str) -> SimpleUploadedFile:
    name, make = SAMPLES[kind]
    return upload(name, make())
