from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kvpt.reports.models import GeneratedReport, ReportTemplate


@admin.register(ReportTemplate)
class ReportTemplateAdmin(SimpleHistoryAdmin):
    list_display = ("name", "agency", "area", "kind", "active", "created_at")
    list_filter = ("kind", "active")
    search_fields = ("name", "filename")
    list_select_related = ("agency", "area")
    raw_id_fields = ("agency", "area", "uploaded_by")


@admin.register(GeneratedReport)
class GeneratedReportAdmin(admin.ModelAdmin):
    list_display = ("pk", "exercise", "kind", "format", "status", "classification", "created_at")
    list_filter = ("kind", "format", "status", "classification")
    search_fields = ("exercise__code", "filename")
    list_select_related = ("exercise",)
    raw_id_fields = ("exercise", "template", "created_by")
