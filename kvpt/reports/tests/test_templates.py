"""An organisation's own DOCX template: upload checks, the sandbox, and its use in DOCX and PDF."""

from __future__ import annotations

import io
import shutil
import subprocess
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from kvpt.reports.models import GeneratedReport, ReportStatus, ReportTemplate
from kvpt.reports.selectors import template_for
from kvpt.reports.services import template_upload
from kvpt.reports.templating import TemplateRefusedError, render_template, sample_template

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _docx(*lines: str) -> bytes:
    document = Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _own_template() -> bytes:
    return _docx(
        "MẪU RIÊNG CỦA HUYỆN LANG CHÁNH",
        "{{ authority }}",
        "{{ place_date }}",
        "{%p for s in sections %}",
        "{{ s.number }}. {{ s.title }}",
        "{%p for line in s.paragraphs %}",
        "{{ line }}",
        "{%p endfor %}",
        "{%p endfor %}",
        "{{ signer_on_behalf }} - {{ signer_name }}",
    )


def _upload(client: Any, owner: str, content: bytes, name: str = "mau.docx") -> Any:
    return client.post(
        reverse("reports:templates"),
        {"owner": owner, "name": "Mẫu huyện", "file": SimpleUploadedFile(name, content, DOCX)},
    )


@pytest.mark.parametrize(
    "expression",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ exercise.__class__ }}",
        "{{ sections._private }}",
        "{{ cycler.__init__.__globals__ }}",
        "{% for x in ().__class__.__base__.__subclasses__() %}{{ x }}{% endfor %}",
    ],
)
def test_a_harmful_expression_is_refused_with_a_clear_message(expression: str) -> None:
    with pytest.raises(TemplateRefusedError) as refused:
        render_template(_docx("Báo cáo", expression), {"exercise": {}, "sections": []})
    assert "không" in str(refused.value)


def test_the_upload_page_refuses_a_harmful_template_and_a_file_that_is_not_docx(
    world: Any, client_for: Any
) -> None:
    client = client_for(world.alice)
    owner = f"area:{world.district.pk}"
    harmful = _upload(client, owner, _docx("{{ ''.__class__.__mro__ }}"))
    assert harmful.status_code == 422
    assert "không được phép" in harmful.content.decode()
    renamed = _upload(client, owner, b"%PDF-1.4 not a docx", name="mau.docx")
    assert renamed.status_code == 422
    assert not ReportTemplate.objects.exists()


def test_only_a_directory_admin_of_the_owner_uploads(world: Any, client_for: Any) -> None:
    upload = SimpleUploadedFile("mau.docx", sample_template(), DOCX)
    with pytest.raises(PermissionDenied):
        template_upload(owner=world.district, name="x", upload=upload, actor=world.bob)
    # charlie administers the sibling district: the district is not among his choices.
    response = _upload(client_for(world.charlie), f"area:{world.district.pk}", sample_template())
    assert response.status_code == 422
    assert not ReportTemplate.objects.exists()
    assert client_for(world.bob).get(reverse("reports:templates")).status_code == 200
    refused = _upload(client_for(world.bob), f"area:{world.district.pk}", sample_template())
    assert refused.status_code == 403


def test_the_areas_template_makes_the_docx_and_reaches_the_pdf(
    world: Any, client_for: Any, django_capture_on_commit_callbacks: Any, tmp_path: Any
) -> None:
    client = client_for(world.alice)
    response = _upload(client, f"area:{world.district.pk}", _own_template())
    assert response.status_code == 302, response.content.decode()[:2000]
    template = ReportTemplate.objects.get()
    assert template_for(world.exercise) == template
    formats = ["docx"] + (["pdf"] if shutil.which("soffice") else [])
    for fmt in formats:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("reports:create", args=[world.exercise.pk]),
                {"kind": "summary", "format": fmt},
            )
    reports = {r.format: r for r in GeneratedReport.objects.all()}
    docx = reports["docx"]
    assert docx.status == ReportStatus.DONE, docx.error
    assert docx.template == template
    text = "\n".join(p.text for p in Document(docx.file.open("rb")).paragraphs)
    assert "MẪU RIÊNG CỦA HUYỆN LANG CHÁNH" in text
    assert "I. MỤC ĐÍCH, YÊU CẦU, ĐẶC ĐIỂM" in text
    if "pdf" in reports:
        pdf = reports["pdf"]
        assert pdf.status == ReportStatus.DONE, pdf.error
        path = tmp_path / "own.pdf"
        path.write_bytes(pdf.file.open("rb").read())
        out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
        assert "MẪU RIÊNG CỦA HUYỆN LANG CHÁNH" in out.stdout.decode()


def test_the_marking_is_forced_onto_a_template_that_forgets_it(world: Any) -> None:
    from kvpt.reports.templating import apply_marking
    from kvpt.reports.tests.helpers import headers_and_footers

    content = apply_marking(render_template(_docx("{{ title }}"), {"title": "BÁO CÁO"}), "MẬT")
    assert all("MẬT" in text for text in headers_and_footers(content)[:2])
    assert Document(io.BytesIO(content)).core_properties.category == "MẬT"


def test_the_sample_template_renders(world: Any, client_for: Any) -> None:
    response = client_for(world.alice).get(reverse("reports:template_sample"))
    assert response.status_code == 200
    from kvpt.reports.templating import check_template

    check_template(b"".join(response.streaming_content))
