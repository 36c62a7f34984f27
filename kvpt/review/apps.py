from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "kvpt.review"
    label = "review"
    verbose_name = _("Tổng kết, rút kinh nghiệm")

    def ready(self) -> None:
        from kvpt.core.history import register_history
        from kvpt.review import models, selectors

        register_history(models.Conference, selectors.conference_list)
        register_history(models.Observation, selectors.observation_list)
        register_history(models.Directive, selectors.directive_list)
        register_history(models.CorrectiveAction, selectors.action_list)
