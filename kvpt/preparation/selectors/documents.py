"""Reads of documents (văn kiện): one exercise's filtered list, counts, versions, the download log.

Everything starts from `document_list` (the exercise's scope, then each document's own marking): a
document above the reader's clearance is neither listed, counted, opened nor downloaded (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from kvpt.core.filters import with_id
from kvpt.core.models import AccessLog
from kvpt.core.scope import get_visible_or_404
from kvpt.core.text import fold
from kvpt.preparation.models import Document, DocumentKind, DocumentStatus, DocumentVersion
from kvpt.preparation.selectors import document_list


def exercise_documents(user: Any, exercise_id: int) -> QuerySet[Document]:
    """The documents of one exercise the user may see, with what the list and detail show."""
    return (
        document_list(user)
        .filter(exercise_id=exercise_id)
        .select_related("exercise__area", "kind", "subcommittee", "custodian")
        .annotate(version_count=Count("versions"), last_version=Max("versions__number"))
        .order_by("kind__order", "code", "pk")
    )


def document_get(user: Any, exercise_id: int, pk: Any) -> Document:
    """One document of the exercise, or 404 (outside scope, above clearance, or absent)."""
    return get_visible_or_404(exercise_documents(user, exercise_id), pk=pk)


@dataclass(frozen=True)
class DocumentFilters:
    """What a reader narrows the list by; every field optional (a bad value matches nothing)."""

    kind: Any = None  # the kind's id, or its catalogue code (the API)
    status: str = ""
    subcommittee: Any = None
    q: str = ""


def document_search(user: Any, exercise_id: int, filters: DocumentFilters) -> QuerySet[Document]:
    queryset = exercise_documents(user, exercise_id)
    kind = str(filters.kind or "").strip()
    if kind:
        if kind.isdigit():
            queryset = with_id(queryset, "kind_id", kind)
        else:
            queryset = queryset.filter(kind__code=kind)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    queryset = with_id(queryset, "subcommittee_id", filters.subcommittee)
    words = fold(filters.q).split()
    if words:
        # Documents carry no folded copy of their text: fold the few columns of this exercise's
        # documents here (one query), so "ke hoach" finds "Kế hoạch" as everywhere else.
        rows = document_list(user).filter(exercise_id=exercise_id)
        matching = [
            pk
            for pk, *texts in rows.values_list("pk", "code", "number", "title", "kind__name")
            if all(word in fold(" ".join(t or "" for t in texts)) for word in words)
        ]
        queryset = queryset.filter(pk__in=matching)
    return queryset


def document_counts(user: Any, exercise_id: int) -> dict[str, int]:
    """Approved (or archived after approval) and total documents the user sees, in one query."""
    return (
        document_list(user)
        .filter(exercise_id=exercise_id)
        .aggregate(
            total=Count("pk"),
            approved=Count("pk", filter=Q(status=DocumentStatus.APPROVED)),
            archived=Count("pk", filter=Q(status=DocumentStatus.ARCHIVED)),
        )
    )


def document_versions(document: Document) -> QuerySet[DocumentVersion]:
    """Every version of a document already known to be visible, newest first."""
    return document.versions.select_related("uploaded_by").order_by("-number")


def document_version_get(
    user: Any, exercise_id: int, document_pk: Any, number: Any
) -> DocumentVersion:
    """One version of a visible document, or 404 (the document's rule decides)."""
    document = document_get(user, exercise_id, document_pk)
    version = get_visible_or_404(document_versions(document), number=number)
    version.document = document
    return version


def document_downloads(document: Document, limit: int = 100) -> list[AccessLog]:
    """Who downloaded the document's files, newest first (for its editors)."""
    return list(
        AccessLog.objects.filter(
            model=document._meta.label_lower,
            object_id=str(document.pk),
            action=AccessLog.Action.DOWNLOAD,
        )
        .select_related("user")
        .order_by("-at")[:limit]
    )


def document_kinds(*, include: Any = None) -> QuerySet[DocumentKind]:
    """The catalogue offered in forms: active kinds, plus `include` (a record's present kind)."""
    queryset = DocumentKind.objects.filter(active=True)
    if include:
        queryset = DocumentKind.objects.filter(Q(active=True) | Q(pk=include))
    return queryset.order_by("order", "name")
