"""Admin for preparation: the catalogue of document kinds (văn kiện), kept by system administrators.

Documents themselves are managed through their pages and API only: those check scope, clearance and
the status workflow, and log every download; the admin would do none of that.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from kvpt.preparation.models import DocumentKind


@admin.register(DocumentKind)
class DocumentKindAdmin(SimpleHistoryAdmin):
    """Add a kind, rename it, order the list, or retire it (`active` off): a kind in use stays."""

    list_display = ("code", "name", "order", "active", "document_count")
    list_editable = ("order", "active")
    list_filter = ("active",)
    search_fields = ("code", "name")
    ordering = ("order", "name")

    def get_queryset(self, request: HttpRequest) -> QuerySet[DocumentKind]:
        return super().get_queryset(request).annotate(document_count=Count("documents"))

    @admin.display(description=_("số văn kiện"), ordering="document_count")
    def document_count(self, obj: DocumentKind) -> int:
        return int(getattr(obj, "document_count", 0))
