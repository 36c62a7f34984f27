"""Pages: export an exercise to a file (with an optional passphrase), import one in two steps.

Import: the upload is kept in a private staging folder under a random token remembered in the
session, checked (a dry run) and shown as a report; only the confirmation writes, and only if the
file still passes every check.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kvpt.core.permissions import require_perm
from kvpt.core.scope import get_visible_or_404
from kvpt.core.uploads import OversizedUpload, content_disposition, receiving_limit_bytes
from kvpt.core.views_helpers import render_page
from kvpt.exchange.forms import ExportForm, ImportForm
from kvpt.exchange.services import ExchangeError, ImportReport, export_exercise, import_exercise
from kvpt.exercises.selectors import exercise_list
from kvpt.exercises.services import can_add_somewhere

SESSION_KEY = "exchange_uploads"
STAGING_HOURS = 24


@login_required
@require_http_methods(["GET", "POST"])
def export_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    exercise = get_visible_or_404(exercise_list(user), pk=pk)
    require_perm(user, "exchange.export_exercise", exercise)
    form = ExportForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                result = export_exercise(
                    exercise,
                    actor=user,
                    passphrase=form.cleaned_data["passphrase"] or None,
                    with_files=form.cleaned_data["with_files"],
                )
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                response = HttpResponse(result.content, content_type="application/octet-stream")
                response["Content-Disposition"] = content_disposition(result.filename)
                response["X-Content-Type-Options"] = "nosniff"
                response["Cache-Control"] = "private, no-store"
                return response
    context = {"exercise": exercise, "form": form, "title": _("Xuất dữ liệu cuộc diễn tập")}
    return render_page(request, "exchange/export.html", context, status=status)


def staging_dir() -> Path:
    path = Path(settings.VAR_DIR) / "exchange-uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stage(request: HttpRequest, data: bytes) -> str:
    folder = staging_dir()
    cutoff = time.time() - STAGING_HOURS * 3600
    for old in folder.glob("*.upload"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(18)
    (folder / f"{token}.upload").write_bytes(data)
    tokens = list(request.session.get(SESSION_KEY, []))[-9:]
    request.session[SESSION_KEY] = [*tokens, token]
    return token


def _staged(request: HttpRequest, token: str) -> Path | None:
    if token not in request.session.get(SESSION_KEY, []):
        return None
    path = staging_dir() / f"{token}.upload"
    return path if path.is_file() else None


def _forget(request: HttpRequest, token: str) -> None:
    request.session[SESSION_KEY] = [t for t in request.session.get(SESSION_KEY, []) if t != token]
    (staging_dir() / f"{token}.upload").unlink(missing_ok=True)


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can_add_somewhere(user):
        raise PermissionDenied(_("Bạn không có quyền tạo cuộc diễn tập ở địa bàn nào."))
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    context: dict[str, Any] = {
        "form": form,
        "title": _("Nhập cuộc diễn tập từ tệp"),
        "report": None,
    }
    if request.method != "POST":
        return render_page(request, "exchange/import.html", context)
    if not form.is_valid():
        return render_page(request, "exchange/import.html", context, status=422)
    data = form.cleaned_data
    passphrase = data["passphrase"] or None
    token = data["token"]
    if token:
        path = _staged(request, token)
        if path is None:
            form.add_error(None, _("Tệp tải lên đã hết hạn hoặc không còn: hãy tải lên lại."))
            return render_page(request, "exchange/import.html", context, status=422)
        content = path.read_bytes()
    else:
        upload = data.get("file")
        if upload is None:
            form.add_error("file", _("Hãy chọn tệp trao đổi cần nhập."))
            return render_page(request, "exchange/import.html", context, status=422)
        if isinstance(upload, OversizedUpload) or upload.size > receiving_limit_bytes():
            form.add_error(
                "file",
                _("Tệp quá lớn để tải lên qua trang web: dùng lệnh kvpt import exercise."),
            )
            return render_page(request, "exchange/import.html", context, status=422)
        content = upload.read()
        token = _stage(request, content)
    if data["confirm"]:
        try:
            report = import_exercise(content, actor=user, passphrase=passphrase)
        except ExchangeError as exc:
            report = ImportReport(errors=exc.problems)
        else:
            _forget(request, token)
            messages.success(
                request,
                _("Đã nhập cuộc diễn tập %(code)s (%(n)s bản ghi).")
                % {"code": report.code, "n": report.total + 1},
            )
            return redirect("exercises:detail", pk=report.exercise_id)
    else:
        report = import_exercise(content, actor=user, passphrase=passphrase, dry_run=True)
    context.update(
        report=report,
        confirm_form=ImportForm(initial={"token": token, "confirm": True}),
        needs_passphrase=bool(passphrase),
    )
    return render_page(request, "exchange/import.html", context, status=200 if report.ok else 422)
