from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExercisesConfig(AppConfig):
    name = "kvpt.exercises"
    label = "exercises"
    verbose_name = _("Diễn tập")

    def ready(self) -> None:
        from kvpt.core.history import register_history
        from kvpt.exercises import models, selectors

        register_history(models.Exercise, selectors.exercise_list)
        register_history(models.Phase, selectors.phase_list)
        register_history(models.Content, selectors.content_list)
        register_history(models.Milestone, selectors.milestone_list)
        register_history(models.Committee, selectors.committee_list)
        register_history(models.CommitteeMember, selectors.committee_member_list)
