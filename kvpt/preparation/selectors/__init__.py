"""Reads of preparation records, limited to the reader's scope and clearance."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kvpt.core.scope import get_scope
from kvpt.exercises.selectors import restrict_to_exercises
from kvpt.preparation.models import BudgetLine, Document, Task, Work


def _visible(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """The exercise's scope and clearance, then the record's own (it may be set higher)."""
    queryset = restrict_to_exercises(queryset, user)
    return queryset.filter(classification__lte=get_scope(user).clearance)


def task_list(user: Any) -> QuerySet[Task]:
    return _visible(Task.objects.select_related("exercise", "subcommittee"), user)


def document_list(user: Any) -> QuerySet[Document]:
    return _visible(Document.objects.select_related("exercise", "kind"), user)


def work_list(user: Any) -> QuerySet[Work]:
    return _visible(Work.objects.select_related("exercise", "subcommittee"), user)


def budget_line_list(user: Any) -> QuerySet[BudgetLine]:
    return _visible(BudgetLine.objects.select_related("exercise", "subcommittee"), user)
