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

        from django.db.models.signals import post_migrate

        from kvpt.review.search_index import ensure_search_index

        # A table rebuild by a later migration drops SQLite's search triggers (search_index).
        post_migrate.connect(ensure_search_index, sender=self, dispatch_uid="review-search-index")
