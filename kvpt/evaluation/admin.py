"""Admin of the evaluation, for system administrators (the rating scales catalogue above all)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kvpt.evaluation.models import (
    Award,
    CriteriaSet,
    Criterion,
    Evaluation,
    ExerciseGrade,
    OfficialResult,
    RatingScale,
    ScaleLevel,
)


class ScaleLevelInline(admin.TabularInline):
    model = ScaleLevel
    extra = 1


@admin.register(RatingScale)
class RatingScaleAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
    inlines = [ScaleLevelInline]


@admin.register(CriteriaSet)
class CriteriaSetAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "exercise", "scale")
    list_select_related = ("exercise", "scale")
    search_fields = ("code", "name", "exercise__code")
    raw_id_fields = ("exercise",)


@admin.register(Criterion)
class CriterionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "text", "criteria_set", "link_kind", "link_index")
    list_select_related = ("criteria_set",)
    search_fields = ("code", "text")
    raw_id_fields = ("exercise", "criteria_set")


@admin.register(Evaluation)
class EvaluationAdmin(SimpleHistoryAdmin):
    list_display = ("exercise", "evaluator", "target_kind", "target_label", "criterion", "level")
    list_select_related = ("exercise", "evaluator", "criterion", "level")
    list_filter = ("target_kind",)
    raw_id_fields = (
        "exercise",
        "evaluator",
        "evaluator_person",
        "evaluator_agency",
        "criterion",
        "level",
    )


@admin.register(OfficialResult)
class OfficialResultAdmin(SimpleHistoryAdmin):
    list_display = ("exercise", "target_label", "criterion", "level", "decided_by", "decided_at")
    list_select_related = ("exercise", "criterion", "level", "decided_by")
    raw_id_fields = ("exercise", "criterion", "level", "decided_by", "decided_by_person")


@admin.register(ExerciseGrade)
class ExerciseGradeAdmin(SimpleHistoryAdmin):
    list_display = ("exercise", "level", "decided_by_agency", "decided_on")
    list_select_related = ("exercise", "level", "decided_by_agency")
    raw_id_fields = ("exercise", "level", "decided_by_agency", "decided_by")


@admin.register(Award)
class AwardAdmin(SimpleHistoryAdmin):
    list_display = ("code", "kind", "exercise", "issuer_text", "decision_number")
    list_select_related = ("exercise",)
    search_fields = ("code", "issuer_text", "reason", "decision_number")
    raw_id_fields = (
        "exercise",
        "issuer_agency",
        "recipient_agency",
        "recipient_unit",
        "recipient_person",
    )
