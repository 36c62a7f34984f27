"""Build a report's file from the data one reader sees: the code path of the page, API and CLI."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kvpt.core.models import AccessLog
from kvpt.exercises.models import Exercise
from kvpt.reports.data import SummaryData, collect_summary
from kvpt.reports.models import ReportFormat, ReportKind

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class Output:
    content: bytes
    filename: str
    marking: int
    illustrative: bool
    revision: int
    template_id: int | None = None


def system_reader() -> Any:
    """An unsaved superuser whose scope is set up front: it sees everything and logs nothing.

    The reader of the CLI and the benchmark: no person asked, nothing is logged under anyone.
    """
    from kvpt.accounts.models import User
    from kvpt.core.models import Classification
    from kvpt.core.scope import Scope

    reader = User(username="kvpt-cli", is_superuser=True, is_active=True)
    reader.clearance = Classification.TOP_SECRET
    setattr(  # noqa: B010 - the attribute kvpt.core.scope.get_scope caches on
        reader,
        "_kvpt_scope",
        Scope(user_id=0, is_superuser=True, clearance=Classification.TOP_SECRET),
    )
    return reader


def _revision(exercise: Exercise) -> int:
    return int(Exercise.objects.filter(pk=exercise.pk).values_list("revision", flat=True).get())


def _log_export(user: Any, data: SummaryData) -> None:
    """Putting classified records into a file is a read of them: logged as an export."""
    if getattr(user, "pk", None):
        from kvpt.core.views_helpers import log_classified_reads

        log_classified_reads(
            user,
            [r for r in data.included if hasattr(r, "classification") and hasattr(r, "_meta")],
            action=AccessLog.Action.EXPORT,
        )


def _filename(exercise: Exercise, stem: str, fmt: str) -> str:
    return f"{stem}-{exercise.code}.{fmt}"


def build_summary(
    user: Any,
    exercise: Exercise,
    fmt: str = ReportFormat.DOCX,
    *,
    progress: Progress | None = None,
    use_template: bool = True,
) -> Output:
    """The summary report as DOCX, or as PDF converted from that same DOCX."""
    from kvpt.reports.docx_summary import marking_text, render_summary_docx
    from kvpt.reports.selectors import template_for

    def step(percent: int, what: str) -> None:
        if progress:
            progress(percent, what)

    revision = _revision(exercise)
    data = collect_summary(user, exercise, progress=progress)
    template = template_for(exercise, ReportKind.SUMMARY) if use_template else None
    if template is not None:
        from kvpt.reports.templating import apply_marking, render_template, summary_context

        step(60, "Điền dữ liệu vào mẫu của đơn vị")
        with template.file.open("rb") as handle:
            raw = handle.read()
        content = render_template(raw, summary_context(data))
        content = apply_marking(content, marking_text(data.marking), title=exercise.name)
    else:
        content = render_summary_docx(data, progress=progress)
    if fmt == ReportFormat.PDF:
        from kvpt.reports.pdf import docx_to_pdf

        step(88, "Chuyển sang PDF (LibreOffice)")
        content = docx_to_pdf(content)
    _log_export(user, data)
    step(98, "Lưu tệp")
    return Output(
        content=content,
        filename=_filename(exercise, "bao-cao-tong-ket", fmt),
        marking=data.marking,
        illustrative=data.illustrative,
        revision=revision,
        template_id=template.pk if template else None,
    )


def build_news_output(user: Any, exercise: Exercise, *, progress: Progress | None = None) -> Output:
    """The public article (plain UTF-8 text); unclassified by construction."""
    from kvpt.reports.news import build_news

    revision = _revision(exercise)
    data = collect_summary(user, exercise, progress=progress)
    text = build_news(data)
    if progress:
        progress(98, "Lưu tệp")
    return Output(
        content=text.encode("utf-8"),
        filename=_filename(exercise, "tin-bai", ReportFormat.TXT),
        marking=0,
        illustrative=False,
        revision=revision,
    )


def build(
    user: Any, exercise: Exercise, kind: str, fmt: str, *, progress: Progress | None = None
) -> Output:
    if kind == ReportKind.NEWS:
        return build_news_output(user, exercise, progress=progress)
    return build_summary(user, exercise, fmt, progress=progress)
