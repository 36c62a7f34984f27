"""Admin for exercises: history of every change, the same fields the services guard."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from kvpt.exercises.models import Exercise, ExerciseTransition


class ExerciseTransitionInline(admin.TabularInline):
    """The status history, read-only: moves are made through the service, never here."""

    model = ExerciseTransition
    extra = 0
    can_delete = False
    fields = ("at", "from_status", "to_status", "by", "reason")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Exercise)
class ExerciseAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "area", "level", "year", "status", "classification")
    list_filter = ("status", "kind", "classification", "year", "level", "is_illustrative")
    search_fields = ("code", "name", "code_name", "search_text")
    list_select_related = ("area", "level")
    raw_id_fields = ("area", "organisation", "directing_organisation", "copied_from")
    # The status moves through exercise_transition (guards and the transition record).
    readonly_fields = ("status", "cancel_reason", "revision", "version", "created_at", "updated_at")
    history_list_display = ("status", "classification")
    inlines = [ExerciseTransitionInline]
