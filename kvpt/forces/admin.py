"""Admin of forces records, for system administrators (users work through the pages and API)."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kvpt.forces.models import Force, ForceAllocation, RosterEntry, WeaponIssue


@admin.register(Force)
class ForceAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "exercise", "order")
    search_fields = ("code", "name")
    list_select_related = ("exercise",)
    raw_id_fields = ("exercise",)


@admin.register(ForceAllocation)
class ForceAllocationAdmin(SimpleHistoryAdmin):
    list_display = ("unit", "exercise", "planned_personnel", "actual_personnel", "size_label")
    search_fields = ("unit__code", "unit__name")
    list_select_related = ("unit", "exercise")
    raw_id_fields = ("exercise", "unit")


@admin.register(RosterEntry)
class RosterEntryAdmin(SimpleHistoryAdmin):
    list_display = ("full_name", "person_code", "unit", "exercise", "attended")
    search_fields = ("full_name", "person_code")
    list_select_related = ("unit", "exercise")
    raw_id_fields = ("exercise", "unit")


@admin.register(WeaponIssue)
class WeaponIssueAdmin(SimpleHistoryAdmin):
    list_display = (
        "item",
        "unit",
        "exercise",
        "quantity_issued",
        "quantity_returned",
        "quantity_lost",
        "quantity_damaged",
    )
    search_fields = ("item", "serial", "unit__name")
    list_select_related = ("unit", "exercise")
    raw_id_fields = ("exercise", "unit")
