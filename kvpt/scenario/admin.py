"""Admin for the scenario: the catalogue of situation kinds, kept by system administrators.

Situations, MSEL entries, the log and incidents are managed through their pages and API only: those
check scope, clearance and the status machine; the admin would do none of that.
"""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kvpt.scenario.models import SituationKind


@admin.register(SituationKind)
class SituationKindAdmin(SimpleHistoryAdmin):
    """Add a kind, rename it, order the list, or retire it (`active` off): a kind in use stays."""

    list_display = ("code", "name", "order", "active")
    list_editable = ("order", "active")
    list_filter = ("active",)
    search_fields = ("code", "name")
    ordering = ("order", "name")
