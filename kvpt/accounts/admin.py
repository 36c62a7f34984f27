"""Admin for users, memberships and API tokens (history kept through SimpleHistoryAdmin)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from kvpt.accounts.models import ApiToken, Membership, User


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0
    fields = ["role", "area", "exercise", "valid_from", "valid_to", "note"]
    raw_id_fields = ["area", "exercise"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    list_display = ["username", "get_full_name", "clearance", "person", "is_active", "is_staff"]
    list_filter = ["clearance", "is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "first_name", "last_name", "email", "person__full_name"]
    raw_id_fields = ["person"]
    inlines = [MembershipInline]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Cán bộ và mức tiếp cận bí mật"), {"fields": ("person", "clearance")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Cán bộ và mức tiếp cận bí mật"), {"fields": ("person", "clearance")}),
    )


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "area", "exercise", "valid_from", "valid_to"]
    list_filter = ["role"]
    search_fields = ["user__username", "area__name", "area__code", "exercise__code"]
    raw_id_fields = ["user", "area", "exercise"]
    readonly_fields = ["version", "created_at", "updated_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    """Tokens are made by their owner (the raw key is never stored); admins may only revoke."""

    list_display = [
        "name",
        "user",
        "key_prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "key_prefix"]
    readonly_fields = [
        "user",
        "name",
        "key_prefix",
        "key_hash",
        "created_at",
        "updated_at",
        "last_used_at",
    ]
    fields = [
        "user",
        "name",
        "key_prefix",
        "key_hash",
        "expires_at",
        "revoked_at",
        "created_at",
        "last_used_at",
    ]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
