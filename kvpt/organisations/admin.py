"""Admin for the directory: a back office for system administrators, with history."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kvpt.organisations.models import (
    Agency,
    Area,
    AreaLevel,
    AreaSuccession,
    Person,
    Position,
    Unit,
)


@admin.register(AreaLevel)
class AreaLevelAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "rank"]
    search_fields = ["code", "name"]
    ordering = ["rank"]


@admin.register(Area)
class AreaAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "level", "parent", "valid_from", "valid_to", "version"]
    list_filter = ["level", "require_two_factor"]
    search_fields = ["code", "name", "search_text"]
    list_select_related = ["level", "parent"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "depth", "version"]


@admin.register(AreaSuccession)
class AreaSuccessionAdmin(SimpleHistoryAdmin):
    list_display = ["predecessor", "successor", "effective_on"]
    search_fields = ["predecessor__name", "predecessor__code", "successor__name", "successor__code"]
    list_select_related = ["predecessor", "successor"]
    autocomplete_fields = ["predecessor", "successor"]
    date_hierarchy = "effective_on"


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    autocomplete_fields = ["agency"]
    fields = ["title", "agency", "order", "start", "end"]


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "area", "classification", "version"]
    list_filter = ["kind", "classification", "area__level"]
    search_fields = ["code", "name", "short_name", "search_text"]
    list_select_related = ["area"]
    autocomplete_fields = ["area", "parent", "covered_areas"]
    readonly_fields = ["version"]


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "agency", "strength", "size_label", "classification"]
    list_filter = ["kind", "classification"]
    search_fields = ["code", "name", "search_text", "agency__name"]
    list_select_related = ["agency"]
    autocomplete_fields = ["agency", "parent"]
    readonly_fields = ["version"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "code", "rank", "area", "classification"]
    list_filter = ["classification", "area__level"]
    search_fields = ["code", "full_name", "search_text"]
    list_select_related = ["area"]
    autocomplete_fields = ["area"]
    readonly_fields = ["version"]
    inlines = [PositionInline]


@admin.register(Position)
class PositionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "person", "agency", "start", "end"]
    search_fields = ["title", "person__full_name", "person__code", "agency__name", "agency__code"]
    list_select_related = ["person", "agency"]
    autocomplete_fields = ["person", "agency"]
