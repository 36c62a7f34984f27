"""Reads of generated reports and report templates, limited to the reader's scope and clearance."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from kvpt.core.scope import get_scope, restrict
from kvpt.exercises.selectors import restrict_to_exercises
from kvpt.reports.models import GeneratedReport, ReportTemplate


def report_list(user: Any) -> QuerySet[GeneratedReport]:
    """Reports of exercises the user sees, none marked above the user's clearance."""
    queryset = restrict_to_exercises(
        GeneratedReport.objects.select_related("exercise", "exercise__area", "created_by"), user
    )
    return queryset.filter(classification__lte=get_scope(user).clearance)


def exercise_reports(user: Any, exercise: Any) -> QuerySet[GeneratedReport]:
    return report_list(user).filter(exercise=exercise).order_by("-created_at", "-pk")


def template_list(user: Any) -> QuerySet[ReportTemplate]:
    """Templates of agencies and areas in the user's scope."""
    queryset = ReportTemplate.objects.select_related("agency", "agency__area", "area")
    by_agency = restrict(queryset, user, area_path="agency__area__path", classification=None)
    by_area = restrict(queryset, user, area_path="area__path", classification=None)
    return queryset.filter(Q(pk__in=by_agency.values("pk")) | Q(pk__in=by_area.values("pk")))


def template_for(exercise: Any, kind: str = "summary") -> ReportTemplate | None:
    """The template an exercise's report uses: its organising agency's, else the nearest area's.

    Chosen for the exercise, not for the reader: every reader gets the same document layout.
    """
    active = ReportTemplate.objects.filter(active=True, kind=kind)
    if exercise.organisation_id:
        own = active.filter(agency_id=exercise.organisation_id).order_by("-created_at").first()
        if own:
            return own
    path = exercise.area.path
    candidates = [
        (t.area.path, t)
        for t in active.filter(area__isnull=False).select_related("area")
        if t.area is not None and path.startswith(t.area.path)
    ]
    candidates.sort(key=lambda pair: (len(pair[0]), pair[1].created_at), reverse=True)
    return candidates[0][1] if candidates else None
