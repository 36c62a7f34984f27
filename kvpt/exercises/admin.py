"""Admin for exercises: history of every change, the same fields the services guard."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kvpt.exercises.models import Exercise


@admin.register(Exercise)
class ExerciseAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "area", "level", "year", "status", "classification")
    list_filter = ("status", "classification", "year", "level")
    search_fields = ("code", "name", "search_text")
    list_select_related = ("area", "level")
    raw_id_fields = ("area",)
    readonly_fields = ("version", "created_at", "updated_at")
    history_list_display = ("status", "classification")
