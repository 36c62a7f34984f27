from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "kvpt.evaluation"
    label = "evaluation"
    verbose_name = _("Đánh giá, xếp loại, khen thưởng")

    def ready(self) -> None:
        from kvpt.core.history import register_history
        from kvpt.evaluation import models, selectors

        register_history(models.CriteriaSet, selectors.criteria_set_list)
        register_history(models.Criterion, selectors.criterion_list)
        register_history(models.Evaluation, selectors.evaluation_list)
        register_history(models.OfficialResult, selectors.official_result_list)
        register_history(models.ExerciseGrade, selectors.grade_list)
        register_history(models.Award, selectors.award_list)
