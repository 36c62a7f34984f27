"""DOCX -> PDF with LibreOffice headless (Debian's libreoffice-writer-nogui).

One rendering path: the PDF is the DOCX a user would download, converted, so an organisation's own
template reaches the PDF too. Each conversion gets its own LibreOffice profile and working
directory (two conversions side by side would otherwise fight over one profile's lock) and a
timeout. Times New Roman is replaced by its metric twin Liberation Serif (fonts-liberation2);
LibreOffice embeds the fonts it uses, so every diacritic shows on any machine.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import uuid
from pathlib import Path

CONVERT_TIMEOUT = 180  # seconds; a large report converts in well under a minute


class PdfConversionError(RuntimeError):
    """LibreOffice is missing, failed or took too long."""


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes, *, timeout: int = CONVERT_TIMEOUT) -> bytes:
    program = soffice_path()
    if program is None:
        raise PdfConversionError(
            "Chưa cài LibreOffice (gói Debian libreoffice-writer-nogui): không tạo được PDF."
        )
    with tempfile.TemporaryDirectory(prefix="kvpt-pdf-") as work:
        workdir = Path(work)
        profile = workdir / f"lo-{uuid.uuid4().hex}"
        source = workdir / "report.docx"
        source.write_bytes(docx)
        command = [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(workdir),
            str(source),
        ]
        # Its own session: on a timeout the whole group goes (soffice starts soffice.bin).
        process = subprocess.Popen(  # noqa: S603 - no shell, fixed program
            command,
            cwd=workdir,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            env={"HOME": str(workdir), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise PdfConversionError(
                f"LibreOffice không chuyển xong sang PDF trong {timeout} giây."
            ) from exc
        target = workdir / "report.pdf"
        if process.returncode != 0 or not target.exists():
            detail = (stderr or stdout).decode("utf-8", "replace")[-500:]
            raise PdfConversionError(f"LibreOffice không chuyển được sang PDF: {detail}")
        return target.read_bytes()
