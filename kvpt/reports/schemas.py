"""API schemas of the reports app."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from kvpt.reports.models import GeneratedReport, ReportFormat, ReportKind


class ReportIn(Schema):
    kind: ReportKind = Field(ReportKind.SUMMARY, description="summary | news")
    format: ReportFormat = Field(ReportFormat.DOCX, description="docx | pdf (summary), txt (news)")


class ReportOut(Schema):
    id: int
    exercise_id: int
    kind: str
    format: str
    status: str
    progress: int
    stage: str
    error: str
    classification: int
    revision: int | None
    stale: bool
    illustrative: bool
    filename: str
    size: int
    created_at: dt.datetime
    finished_at: dt.datetime | None
    file_url: str | None

    @staticmethod
    def resolve_stale(obj: GeneratedReport) -> bool:
        return obj.is_stale

    @staticmethod
    def resolve_file_url(obj: GeneratedReport) -> str | None:
        if not obj.is_done:
            return None
        return f"/api/v1/exercises/{obj.exercise_id}/reports/{obj.pk}/file"
